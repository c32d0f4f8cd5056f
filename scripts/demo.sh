#!/bin/bash
# scripts/demo.sh - the main job on the bundled sample data (make demo).
# usage: scripts/demo.sh BINDIR
set -eu
bin=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/out/demo
reg=$top/tests/data/households.csv
rm -rf "$out"
mkdir -p "$out"
echo "== classification summary (enclosure 1)"
"$bin/ffgen" summary "$reg" -o "$out"
echo "== Family Folders, plan and results forms for developable households"
"$bin/ffgen" folders "$reg" -o "$out/folders"
echo "== QR codes as PNG (300 dpi)"
"$bin/ffgen" qr "$reg" -o "$out/qr" --png
for extra in packet labels; do
    if "$bin/ffgen" --help | grep -q "^  $extra "; then
        echo "== $extra"
        case $extra in
        packet) "$bin/ffgen" packet "$reg" --by district -o "$out/packets" ;;
        labels) "$bin/ffgen" labels "$reg" -o "$out/labels.pdf" ;;
        esac
    fi
done
if [ -x "$bin/ffintake" ]; then
    echo "== monthly results ledger from the sample form exports"
    ledger=$out/ledger.db
    "$bin/ffintake" register "$reg" --ledger "$ledger"
    "$bin/ffintake" load --ledger "$ledger" "$top"/tests/data/intake/samples/*.csv \
        --outcomes "$out/outcomes.csv" || true
    for m in 2568-01 2568-02 2568-03; do
        "$bin/ffintake" report --ledger "$ledger" --month $m -o "$out/report-$m"
    done
fi
echo
echo "outputs are in $out/"
