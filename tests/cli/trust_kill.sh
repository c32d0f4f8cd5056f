# trust_kill.sh - SIGKILL `ffintake load` at 20 random points of a large
# load.  After each kill the ledger passes PRAGMA integrity_check and holds
# exactly the loads that completed: the one before, and the big one either
# not at all or whole.  Kill points are spread over the load's measured
# duration, so the test adapts to slow builds (ASan, valgrind).
. "$FFTOP/tests/lib/common.sh"
S=$FFTOP/tests/data/intake/samples
reg=$FFTOP/tests/data/households.csv
L=$FFWORK/l.db
n=60000
[ -n "${FFRUN:-}" ] && n=6000
ffintake register "$reg" --ledger "$L" > /dev/null 2>&1
ffintake load --ledger "$L" "$S/kobo_2568-01.csv" > /dev/null 2>&1
base=$(sqlite3 "$L" "SELECT COUNT(*) FROM record")
"$FFTOP/bench/gen_kobo.sh" "$n" "$reg" > "$FFWORK/big.csv"
cp "$L" "$FFWORK/backup.db"

# How long a whole load takes here.
t0=$(date +%s%N)
ffintake load --ledger "$L" "$FFWORK/big.csv" > /dev/null 2>&1
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
check "the big load completes ($(sqlite3 "$L" "SELECT COUNT(*) FROM record WHERE load_id = 2") records)" \
    [ "$(sqlite3 "$L" "SELECT COUNT(*) FROM record WHERE load_id = 2")" = "$n" ]

mid=0
for i in $(seq 20); do
    rm -f "$L" "$L-wal" "$L-shm"
    cp "$FFWORK/backup.db" "$L"
    # 2-71% of the measured time: a later load may run faster than the
    # measured one (a busy machine), and the kills must still land inside.
    delay=$(( ms * (2 + RANDOM % 70) / 100 ))
    $FFRUN "$FFBIN/ffintake" load --ledger "$L" "$FFWORK/big.csv" > /dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
    kill -KILL "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
    ok=$(sqlite3 "$L" "PRAGMA integrity_check" 2>&1)
    [ "$ok" = ok ] || { bad "kill $i after ${delay} ms: integrity_check says $ok"; continue; }
    loads=$(sqlite3 "$L" "SELECT COUNT(*) FROM load")
    recs=$(sqlite3 "$L" "SELECT COUNT(*) FROM record")
    big=$(sqlite3 "$L" "SELECT COUNT(*) FROM record WHERE load_id = 2")
    if [ "$loads" = 1 ] && [ "$recs" = "$base" ]; then
        mid=$((mid + 1))
    elif [ "$loads" = 2 ] && [ "$big" = "$n" ] &&
         [ "$(sqlite3 "$L" "SELECT finished_at IS NOT NULL FROM load WHERE id = 2")" = 1 ]; then
        :   # killed after the commit: the load is there whole
    else
        bad "kill $i after ${delay} ms: $loads loads, $recs records ($big of the big load)"
    fi
done
check "most kills landed mid-load ($mid of 20, load takes $ms ms)" [ "$mid" -ge 10 ]
# The ledger still works: the load goes through afterwards.
if [ "$(sqlite3 "$L" "SELECT COUNT(*) FROM load")" = 2 ]; then
    rm -f "$L" "$L-wal" "$L-shm"
    cp "$FFWORK/backup.db" "$L"
fi
ffintake load --ledger "$L" "$FFWORK/big.csv" > "$FFWORK/last" 2>&1
grep -q "$n records" "$FFWORK/last" || bad "load after the kills: $(head -3 "$FFWORK/last")"
finish
