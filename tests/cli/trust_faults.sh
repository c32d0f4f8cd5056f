# trust_faults.sh - fault injection on ffintake: each allocation of a small
# load made to fail in turn (FFKIT_FAIL_ALLOC), SQLite's writes failing as
# on a full disk (FFKIT_FAIL_SQLITE_WRITE), and output files failing
# (FFKIT_FAIL_WRITE).  Every failure: exit 3 with a message, the ledger
# exactly as before (dump and integrity_check), no partial output file.
. "$FFTOP/tests/lib/common.sh"
S=$FFTOP/tests/data/intake/samples
reg=$FFTOP/tests/data/households.csv
L=$FFWORK/l.db
ffintake register "$reg" --ledger "$L" > /dev/null 2>&1
ffintake load --ledger "$L" "$S/kobo_2568-01.csv" > /dev/null 2>&1
cp "$L" "$FFWORK/backup.db"
sqlite3 "$L" .dump > "$FFWORK/before.sql"
restore() { rm -f "$L" "$L-wal" "$L-shm"; cp "$FFWORK/backup.db" "$L"; }
unchanged() {   # unchanged WHAT
    [ "$(sqlite3 "$L" "PRAGMA integrity_check")" = ok ] || bad "$1: integrity_check"
    sqlite3 "$L" .dump > "$FFWORK/after.sql"
    cmp -s "$FFWORK/before.sql" "$FFWORK/after.sql" || bad "$1: the ledger changed"
}
file=$S/gforms_2568-01.csv

# Allocation failures: sweep every allocation of the load (it makes few;
# SQLite's and libharu's own allocations are not in the countdown).
total=$(FFKIT_ALLOC_STATS=1 "$FFBIN/ffintake" load --ledger "$FFWORK/backup2.db" \
    "$file" 2>&1 >/dev/null | awk '/allocations$/ { print $2 }')
restore
n=1 failed=0
while [ "$n" -le "${total:-0}" ]; do
    FFKIT_FAIL_ALLOC=$n "$FFBIN/ffintake" load --ledger "$L" "$file" \
        --outcomes "$FFWORK/o.csv" > /dev/null 2> "$FFWORK/err"
    rc=$?
    if [ $rc = 3 ]; then
        failed=$((failed + 1))
        grep -q "out of memory" "$FFWORK/err" || bad "alloc $n: $(tail -1 "$FFWORK/err")"
        unchanged "alloc $n"
        [ -e "$FFWORK/o.csv" ] && bad "alloc $n: outcomes file left"
    elif [ $rc != 0 ]; then
        bad "alloc $n: exit $rc: $(tail -1 "$FFWORK/err")"
    fi
    rm -f "$FFWORK/o.csv"
    restore
    n=$((n + 1))
done
check "allocation failures swept ($failed of ${total:-0} failed cleanly)" [ "$failed" -gt 10 ]

# SQLite's writes fail (disk full) at every point of the load's commit.
for n in 1 2 3 5 8 13 21 34 55; do
    FFKIT_FAIL_SQLITE_WRITE=$n "$FFBIN/ffintake" load --ledger "$L" "$file" \
        > /dev/null 2> "$FFWORK/err"
    rc=$?
    if [ $rc = 3 ]; then
        grep -q "full" "$FFWORK/err" || bad "sqlite write $n: $(tail -1 "$FFWORK/err")"
        unchanged "sqlite write $n"
    elif [ $rc != 0 ]; then
        bad "sqlite write $n: exit $rc"
    fi
    restore
done

# Output files on a full disk: outcomes, report, export.
FFKIT_FAIL_WRITE=1 "$FFBIN/ffintake" load --ledger "$L" "$file" \
    --outcomes "$FFWORK/o.csv" > /dev/null 2> "$FFWORK/err"
check "outcomes on a full disk: exit 3" [ $? = 3 ]
grep -q "No space left on device" "$FFWORK/err" || bad "outcomes: $(tail -1 "$FFWORK/err")"
check "no outcomes file" [ ! -e "$FFWORK/o.csv" ]
unchanged "outcomes on a full disk"
restore
# (Commits 1-3 are the three files, 4 the set: a report's files appear
# together or not at all.)
for k in 1 2 3 4; do
    FFKIT_FAIL_WRITE=$k "$FFBIN/ffintake" report --ledger "$L" --month 2568-01 \
        -o "$FFWORK/rep$k" > /dev/null 2> "$FFWORK/err"
    check "report, file $k on a full disk: exit 3" [ $? = 3 ]
    check "report $k: no temporary files" [ -z "$(find "$FFWORK/rep$k" -name '*.tmp*')" ]
    check "report $k: no file at all" [ "$(ls -A "$FFWORK/rep$k" | wc -l)" = 0 ]
done
FFKIT_FAIL_WRITE=1 "$FFBIN/ffintake" export --ledger "$L" --month 2568-01 \
    -o "$FFWORK/x.csv" > /dev/null 2>&1
check "export on a full disk: exit 3" [ $? = 3 ]
check "no export file" [ ! -e "$FFWORK/x.csv" ]
unchanged "after report and export"
finish
