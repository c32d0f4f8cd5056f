#!/bin/bash
# intake_crash.sh - a load killed with SIGKILL at a random point leaves the
# ledger exactly as before that load, or (killed after its commit, during
# the WAL checkpoint) with the whole load; never anything in between.
set -eu
ff() { $FFRUN "$FFBIN/ffintake" "$@"; }
S=$FFTOP/tests/data/intake/samples
L=$FFWORK/l.db

ff register "$FFTOP/tests/data/households.csv" --ledger "$L" >/dev/null
ff load --ledger "$L" "$S/kobo_2568-01.csv" >/dev/null
# A load of about a second; under valgrind a smaller file and longer waits.
n=150000 span=990
if [ -n "${FFRUN:-}" ]; then n=20000 span=8000; fi
"$FFTOP/bench/gen_kobo.sh" "$n" "$FFTOP/tests/data/households.csv" \
    > "$FFWORK/big.csv"
sqlite3 "$L" .dump > "$FFWORK/before.sql"
cp "$L" "$FFWORK/backup.db"

kills=0
for i in 1 2 3 4 5 6; do
    delay=$(( (RANDOM % span) + 5 ))
    # Not through ff(): $! must be the loading process itself.
    $FFRUN "$FFBIN/ffintake" load --ledger "$L" "$FFWORK/big.csv" \
        >/dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
    kill -KILL "$pid" 2>/dev/null || true
    if wait "$pid"; then
        # It finished before the kill: start again from the backup.
        rm -f "$L" "$L-wal" "$L-shm"
        cp "$FFWORK/backup.db" "$L"
        continue
    fi
    test "$(sqlite3 "$L" "PRAGMA integrity_check")" = ok
    sqlite3 "$L" .dump > "$FFWORK/after.sql"
    if cmp -s "$FFWORK/before.sql" "$FFWORK/after.sql"; then
        kills=$((kills + 1))
        continue
    fi
    # Not as before: then the load must be there whole.
    test "$(sqlite3 "$L" "SELECT COUNT(*) FROM record WHERE load_id = 2")" \
        = "$n"
    test "$(sqlite3 "$L" "SELECT finished_at IS NOT NULL FROM load
        WHERE id = 2")" = 1
    rm -f "$L" "$L-wal" "$L-shm"
    cp "$FFWORK/backup.db" "$L"
done
echo "killed mid-load $kills times"
test "$kills" -ge 3
ff load --ledger "$L" "$FFWORK/big.csv" > "$FFWORK/last.txt"
cat "$FFWORK/last.txt"
grep -q "^load 2: $n records" "$FFWORK/last.txt"
echo ok
