#!/bin/bash
# bench_scale.sh - ffintake as it will be used (issue 15): a register of N
# households and monthly kobo exports of about one report per household
# (bench/gen_month.py: late ones, corrections, re-sent submissions,
# rejected rows), at N = 10,000 (a province), 100,000 and 1,000,000 (the
# nation).  Measures, wall time and peak RSS (/usr/bin/time -f '%e %M'):
# `register`, `load` of each of three months, the Python peer
# (bench/peer_intake.py: csv + sqlite3, one transaction, the same rules)
# loading the first month in the same run with the ratio, then `report` and
# `export` on the three-month ledger.  Last, the old skewed case: 1M
# records over the sample's 184 households (bench/gen_kobo.sh).
#
# usage: FFBIN=bin FFTOP=. bash bench/bench_scale.sh [N...]   (make bench)
# BENCH_SCALE_N="10000 100000" limits the sizes.  Needs ~6 GB in $TMPDIR
# at 1M.
set -eu
: "${FFBIN:?}" "${FFTOP:?}"
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
PY=python3
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import sqlite3' 2>/dev/null &&
    PY=/usr/bin/python3
sizes=${*:-${BENCH_SCALE_N:-10000 100000 1000000}}

echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p')"
measure() {     # measure LABEL command... ; sets secs, mb
    local label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$w/t" "$@" > "$w/out" 2> "$w/err" || {
        cat "$w/err" >&2
        return 1
    }
    read -r secs kb < <(tail -1 "$w/t")
    mb=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
    printf '%-44s %8.2f s  %7s MB peak RSS   (load average %s)\n' \
        "$label" "$secs" "$mb" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# What no layout of today's ledger can go under, for the month just
# loaded: reading the file alone (core/table.c, the same reader), and
# SQLite storing the same rows once more with the one index the duplicate
# rule needs, with the ledger's settings, from SQL (no parsing, no rules,
# no lookups; the WHERE keeps SQLite from copying the pages whole).
floors() {
    if [ -x "${FFBENCHBIN:-}/table_bench" ]; then
        measure "  floor: reading the file alone" \
            "$FFBENCHBIN/table_bench" "$w/k1.csv"
    fi
    rm -f "$w/floor.db"*
    {
        echo "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL;"
        echo "PRAGMA synchronous = FULL; PRAGMA cache_size = -32768;"
        echo "ATTACH '$w/l.db' AS s;"
        sqlite3 "$w/l.db" ".schema record" | awk '/CREATE TABLE/, /;/'
        echo "CREATE INDEX record_dup ON record(dup_key)"
        echo "  WHERE dup_key IS NOT NULL;"
        echo "BEGIN; INSERT INTO main.record SELECT * FROM s.record"
        echo "  WHERE load_id = 1; COMMIT;"
    } > "$w/floor.sql"
    measure "  floor: SQLite storing the rows, one index" \
        sqlite3 "$w/floor.db" ".read $w/floor.sql"
    rm -f "$w/floor.db"*
}

for n in $sizes; do
    rm -f "$w"/*.csv "$w"/*.db*
    bash "$FFTOP/bench/make_register.sh" "$n" "$w/reg.csv"
    for m in 1 2 3; do
        $PY "$FFTOP/bench/gen_month.py" "$w/reg.csv" 2025-0$m $m \
            > "$w/k$m.csv" &
    done
    wait
    sync
    measure "register $n households" \
        "$FFBIN/ffintake" register "$w/reg.csv" --ledger "$w/l.db"
    $PY "$FFTOP/bench/peer_intake.py" register "$w/peer.db" "$w/reg.csv"
    sync
    for m in 1 2 3; do
        recs=$(($(wc -l < "$w/k$m.csv") - 1))
        measure "load month $m: $recs records over $n" \
            "$FFBIN/ffintake" load --ledger "$w/l.db" "$w/k$m.csv"
        [ "$m" = 1 ] || continue
        ff=$secs
        sync
        measure "  peer (Python csv+sqlite3), same file" \
            $PY "$FFTOP/bench/peer_intake.py" load "$w/peer.db" "$w/k1.csv"
        echo "  peer/ffintake: $(awk -v a="$secs" -v b="$ff" \
            'BEGIN { printf "%.1f", a / b }')x"
        rm -f "$w/peer.db"
        floors
    done
    measure "report --month 2025-03, 3 months of $n" \
        "$FFBIN/ffintake" report --ledger "$w/l.db" --month 2025-03 \
        -o "$w/rep"
    measure "  the same, --no-pdf" \
        "$FFBIN/ffintake" report --ledger "$w/l.db" --month 2025-03 \
        -o "$w/rep2" --no-pdf
    measure "export --month 2025-03, 3 months of $n" \
        "$FFBIN/ffintake" export --ledger "$w/l.db" --month 2025-03 \
        -o "$w/exp.csv"
    echo "  ledger: $(($(stat -c %s "$w/l.db") / 1048576)) MB"
done

# The old case, skewed: 1M records over the sample's 184 households.
rm -f "$w"/*.csv "$w"/*.db*
reg=$FFTOP/tests/data/households.csv
bash "$FFTOP/bench/gen_kobo.sh" 1000000 "$reg" > "$w/k.csv"
"$FFBIN/ffintake" register "$reg" --ledger "$w/l.db" > /dev/null 2>&1
$PY "$FFTOP/bench/peer_intake.py" register "$w/peer.db" "$reg"
sync
measure "load 1M records over 184 households (old)" \
    "$FFBIN/ffintake" load --ledger "$w/l.db" "$w/k.csv"
ff=$secs
sync
measure "  peer, same file" \
    $PY "$FFTOP/bench/peer_intake.py" load "$w/peer.db" "$w/k.csv"
echo "  peer/ffintake: $(awk -v a="$secs" -v b="$ff" \
    'BEGIN { printf "%.1f", a / b }')x"
