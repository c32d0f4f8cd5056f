# trust_concurrent.sh - several `ffintake load` on one ledger at once all
# finish (busy timeout and retry), and the ledger then holds what loading
# the same files one after the other gives: every record with the same
# outcome, reason and lateness.
. "$FFTOP/tests/lib/common.sh"
S=$FFTOP/tests/data/intake/samples
reg=$FFTOP/tests/data/households.csv
outcomes() {
    sqlite3 "$1" "SELECT s.file, l.record_no, l.current_outcome,
        IFNULL(l.reason, ''), IFNULL(l.late, '') FROM ledger l
        JOIN source s ON s.id = l.source_id ORDER BY s.file, l.record_no"
}
# Three exports of different months, so the order of loads cannot matter,
# plus a big one to make the loads overlap in time.
n=20000
[ -n "${FFRUN:-}" ] && n=3000
"$FFTOP/bench/gen_kobo.sh" "$n" "$reg" > "$FFWORK/big.csv"
files="$S/kobo_2568-01.csv $S/kobo_2568-02.csv $S/gforms_2568-03.csv"

ffintake register "$reg" --ledger "$FFWORK/seq.db" > /dev/null 2>&1
for f in "$FFWORK/big.csv" $files; do
    ffintake load --ledger "$FFWORK/seq.db" "$f" > /dev/null 2>&1 || bad "sequential load $f"
done

ffintake register "$reg" --ledger "$FFWORK/con.db" > /dev/null 2>&1
pids=""
for f in "$FFWORK/big.csv" $files; do
    $FFRUN "$FFBIN/ffintake" load --ledger "$FFWORK/con.db" "$f" > "$FFWORK/out.$(basename "$f")" 2>&1 &
    pids="$pids $!"
done
for p in $pids; do
    wait "$p" || bad "a concurrent load failed: $(cat "$FFWORK"/out.* | grep -i 'error\|busy\|lock' | head -2)"
done
check "four loads recorded" [ "$(sqlite3 "$FFWORK/con.db" "SELECT COUNT(*) FROM load WHERE finished_at IS NOT NULL")" = 4 ]
outcomes "$FFWORK/seq.db" > "$FFWORK/seq.txt"
outcomes "$FFWORK/con.db" > "$FFWORK/con.txt"
check "same records ($(wc -l < "$FFWORK/con.txt") vs $(wc -l < "$FFWORK/seq.txt"))" \
    [ "$(wc -l < "$FFWORK/con.txt")" = "$(wc -l < "$FFWORK/seq.txt")" ]
cmp -s "$FFWORK/seq.txt" "$FFWORK/con.txt" ||
    bad "concurrent loads differ from sequential: $(diff "$FFWORK/seq.txt" "$FFWORK/con.txt" | head -4)"
check "integrity" [ "$(sqlite3 "$FFWORK/con.db" "PRAGMA integrity_check")" = ok ]
finish
