#!/bin/bash
# bench/bench_table.sh [N] - the tabular reader alone (bench/table_bench.c)
# on an N-household register (default 1,000,000) as CSV and as XLSX, the
# XLSX read with its shared strings in memory and through the spool; time
# and peak memory from /usr/bin/time -v.  Needs `make benchbins`.
set -eu
n=${1:-1000000}
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${FFBENCHBIN:-$top/build/plain/bench}/table_bench
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
bash "$top/bench/make_register.sh" "$n" "$w/r.csv"
/usr/bin/python3 "$top/bench/make_xlsx.py" "$w/r.csv" "$w/r.xlsx"
ls -l "$w/r.csv" "$w/r.xlsx" | awk '{ print $5, $9 }'
run() {
    /usr/bin/time -v "$@" 2> "$w/time" | sed 's/^/  /'
    awk -F': ' '/Elapsed/ { t = $2 } /User time/ { u = $2 }
        /Maximum resident/ { m = $2 }
        END { printf "  %s wall, %s s user, %.1f MB peak\n", t, u, m / 1024 }' "$w/time"
}
echo "CSV:"; run "$bin" "$w/r.csv"
echo "XLSX, shared strings in memory:"; run "$bin" "$w/r.xlsx"
echo "XLSX, shared strings in the spool:"
FFKIT_XLSX_SS_MEM_MAX=0 run "$bin" "$w/r.xlsx"
