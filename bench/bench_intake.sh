#!/bin/bash
# bench_intake.sh - ffintake load of generated kobo exports: wall time and
# peak memory (RSS) at 250k and 1M records, to show the time and that memory
# stays flat in the file size; then loading the 1M file again (nothing to
# do but recognise it).  Targets (issue 5): 1M records in <= 3 s, < 100 MB.
# Results and discussion: bench/intake.md.
#
# usage: FFBIN=bin FFTOP=. bash bench/bench_intake.sh   (make bench does it)
# Peak RSS needs GNU time (/usr/bin/time, Debian package 'time').
set -eu
: "${FFBIN:?}" "${FFTOP:?}"
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
reg=$FFTOP/tests/data/households.csv

measure() {     # measure LABEL command...
    local label=$1
    shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "%e %M" -o "$w/t" "$@" > "$w/out"
        read -r secs kb < "$w/t"
        printf '%-28s %6.2f s  %6.1f MB peak RSS\n' "$label" "$secs" \
            "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')"
    else
        local t0 t1
        t0=$(date +%s.%N)
        "$@" > "$w/out"
        t1=$(date +%s.%N)
        printf '%-28s %6.2f s  (peak RSS: install Debian package time)\n' \
            "$label" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
    fi
}

for n in 250000 1000000; do
    "$FFTOP/bench/gen_kobo.sh" "$n" "$reg" > "$w/k$n.csv"
    rm -f "$w/l.db" "$w/l.db-wal" "$w/l.db-shm"
    "$FFBIN/ffintake" register "$reg" --ledger "$w/l.db" > /dev/null
    # The export would be on disk already: do not time the write-back of
    # the freshly generated file against the load's own writes.
    sync
    measure "load $n records ($(( $(stat -c %s "$w/k$n.csv") / 1048576 )) MB)" \
        "$FFBIN/ffintake" load --ledger "$w/l.db" "$w/k$n.csv"
    grep "^load" "$w/out" | sed 's/^/    /'
done
measure "load the 1M file again" \
    "$FFBIN/ffintake" load --ledger "$w/l.db" "$w/k1000000.csv"
echo "    ledger: $(( $(stat -c %s "$w/l.db") / 1048576 )) MB"
