#!/bin/bash
# serve_watch.sh - ffintake watch: a file moved in and one written slowly
# are each loaded once, whole, like `ffintake load`, then moved to loaded/
# with their summary; a file of no dialect goes to failed/ with its reason;
# a file there before the watch started is loaded too; a copier's .part
# file is left alone.
. "$FFTOP/tests/lib/common.sh"
not() { ! "$@"; }
S=$FFTOP/tests/data/intake/samples
L=$FFWORK/l.db
DROP=$FFWORK/drop
mkdir -p "$DROP"
REG=$FFTOP/tests/data/households.csv
ffintake register "$REG" --ledger "$L" >/dev/null
cp "$S/kobo_2568-02.csv" "$DROP/early.csv"
$FFRUN "$FFBIN/ffintake" watch --ledger "$L" "$DROP" > "$FFWORK/w.out" 2> "$FFWORK/w.err" &
W=$!
trap 'kill $W 2>/dev/null; wait $W 2>/dev/null' EXIT
waitfor() { local i; for i in $(seq 1 400); do [ -e "$1" ] && return 0; sleep 0.05; done; return 1; }
check "the file already there" waitfor "$DROP/loaded/early.csv.txt"
check "its summary" grep -q "^load 1: 172 records" "$DROP/loaded/early.csv.txt"

# Moved in: loaded at once.
cp "$S/kobo_2568-01.csv" "$FFWORK/kobo.csv"
mv "$FFWORK/kobo.csv" "$DROP/kobo.csv"
check "moved in: loaded" waitfor "$DROP/loaded/kobo.csv.txt"
check "moved in: the file moved" [ -f "$DROP/loaded/kobo.csv" ] && [ ! -e "$DROP/kobo.csv" ]
ffintake register "$REG" --ledger "$FFWORK/ref.db" >/dev/null
ffintake load --ledger "$FFWORK/ref.db" "$S/kobo_2568-01.csv" | sed 1d | sed 's/^load [0-9]*/load N/' > "$FFWORK/ref.out"
sed 1d "$DROP/loaded/kobo.csv.txt" | sed 's/^load [0-9]*/load N/' > "$FFWORK/got.out"
check "summary = ffintake load's" cmp "$FFWORK/ref.out" "$FFWORK/got.out"
check "summary is 0600" [ "$(stat -c %a "$DROP/loaded/kobo.csv.txt")" = 600 ]

# Written slowly: half, a pause longer than the settle time, the rest.
python3 - "$S/gforms_2568-01.csv" "$DROP/slow.csv" "$FFWORK/half" <<'PY' &
import sys, time
data = open(sys.argv[1], "rb").read()
with open(sys.argv[2], "wb") as f:
    f.write(data[:len(data) // 2]); f.flush()
    open(sys.argv[3], "w").close()
    time.sleep(2)
    f.write(data[len(data) // 2:])
PY
WRITER=$!
waitfor "$FFWORK/half"
sleep 1
check "nothing taken while it is written" [ ! -e "$DROP/loaded/slow.csv" ] && [ ! -e "$DROP/failed/slow.csv" ]
wait $WRITER
check "slow: loaded after the close" waitfor "$DROP/loaded/slow.csv.txt"
whole=$(ffintake load --ledger "$FFWORK/ref.db" "$S/gforms_2568-01.csv" | sed -n "1s/.*: gforms/slow.csv: gforms/p")
check "slow: loaded whole, once ($whole)" grep -qx "$whole" "$DROP/loaded/slow.csv.txt"
check "slow: one source" [ "$(sqlite3 "$L" "SELECT count(*) FROM source WHERE file = 'slow.csv'")" = 1 ]

# A file of no dialect fails with its reason; nothing of it is stored.
printf 'a,b\n1,2\n' > "$FFWORK/x.csv"; mv "$FFWORK/x.csv" "$DROP/bad.csv"
check "bad: to failed/" waitfor "$DROP/failed/bad.csv.txt"
check "bad: the reason" grep -q "not loaded .*bad.csv:1: header matches no dialect" "$DROP/failed/bad.csv.txt"
check "bad: not in the ledger" [ "$(sqlite3 "$L" "SELECT count(*) FROM source WHERE file = 'bad.csv'")" = 0 ]
# The same bytes again under another name: loaded/, "already loaded".
cp "$S/kobo_2568-01.csv" "$FFWORK/again.csv"; mv "$FFWORK/again.csv" "$DROP/again.csv"
check "again: summary" waitfor "$DROP/loaded/again.csv.txt"
check "again: nothing changed" grep -q "already loaded (load 2); nothing changed" "$DROP/loaded/again.csv.txt"
# A copier's temporary file is left alone.
cp "$S/kobo_2568-02.csv" "$DROP/copy.csv.part"
sleep 1.5
check ".part left alone" [ -f "$DROP/copy.csv.part" ]
check "stdout: counts only" not grep -q "นาย\|นาง" "$FFWORK/w.out"
kill $W; wait $W; rc=$?
check "SIGTERM: exit 0" [ $rc = 0 ]
finish
