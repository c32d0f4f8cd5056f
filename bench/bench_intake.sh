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

# The same million records spread over 300,000 households instead of the
# sample register's 184: most records then win their (household, month),
# and the winner table and the final flip to "accepted" are at their
# largest.
"$FFTOP/bench/make_register.sh" 300000 "$w/wide.csv"
"$FFTOP/bench/gen_kobo.sh" 1000000 "$w/wide.csv" > "$w/kwide.csv"
"$FFBIN/ffintake" register "$w/wide.csv" --ledger "$w/wide.db" > /dev/null
sync
measure "load 1M over 300,000 households" \
    "$FFBIN/ffintake" load --ledger "$w/wide.db" "$w/kwide.csv"
grep "^load" "$w/out" | sed 's/^/    /'
rm -f "$w/wide.db" "$w/wide.db-wal" "$w/wide.db-shm" "$w/kwide.csv"

# The floor under any load of these records: SQLite alone writing the same
# 1M ledger rows (already parsed, checked and in memory) into a fresh ledger
# of the same schema and settings - WAL, one transaction, 16 KiB pages, 32
# MiB cache, synchronous FULL - then checkpointing, as a load must before it
# returns.  "WHERE 1" and the column list keep SQLite from copying the rows
# as opaque records (its transfer optimisation): every row and index entry
# is built, as in a load.
cols="id, load_id, source_id, record_no, line, outcome, reason, col, late,
  hhid, month, submitted, submitted_text, submission_id, row_sha256,
  activity, category, result, income, status, reporter, raw, dup_key"
sqlite3 "$w/floor.db" "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL;" > /dev/null
sqlite3 "$w/l.db" ".schema record" | sqlite3 "$w/floor.db"
sqlite3 "$w/l.db" "SELECT COUNT(*) FROM record" > /dev/null    # in the page cache
sync
measure "SQLite alone, same 1M rows" sqlite3 "$w/floor.db" \
    "PRAGMA synchronous = FULL; PRAGMA cache_size = -32768;
     ATTACH '$w/l.db' AS src; BEGIN;
     INSERT INTO main.record SELECT $cols FROM src.record WHERE 1; COMMIT;"
