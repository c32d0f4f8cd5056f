#!/bin/bash
# tests/fuzz/run.sh FUZZDIR SECONDS - run every libFuzzer target for SECONDS
# from its seed corpus (tests/fuzz/<name>/, copied: the repo stays clean).
# A crash is copied into tests/fuzz/<name>/ so that `make check` replays it
# from then on, and the run fails.  Prints executions per second and totals.
set -u
bindir=$(cd "$1" && pwd) secs=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
printf '%-10s %10s %12s %8s %s\n' target seconds executions exec/s result
for f in "$bindir"/fuzz_*; do
    name=${f##*/fuzz_}
    mkdir -p "$work/$name/corpus" "$work/$name/crashes"
    cp "$top/tests/fuzz/$name"/* "$work/$name/corpus/" 2>/dev/null
    (cd "$work/$name" && "$f" -max_total_time="$secs" -print_final_stats=1 \
        -artifact_prefix="$work/$name/crashes/" -rss_limit_mb=2048 \
        corpus > log 2>&1)
    rc=$?
    execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$work/$name/log")
    rate=$(awk '/stat::average_exec_per_sec/ { print $2 }' "$work/$name/log")
    result=ok
    if [ $rc != 0 ] || [ -n "$(ls "$work/$name/crashes")" ]; then
        result="CRASH (saved in tests/fuzz/$name/)"
        for c in "$work/$name/crashes"/*; do
            [ -f "$c" ] && cp "$c" "$top/tests/fuzz/$name/regress-$(basename "$c")"
        done
        tail -30 "$work/$name/log"
        status=1
    fi
    printf '%-10s %10s %12s %8s %s\n' "$name" "$secs" "${execs:-?}" "${rate:-?}" "$result"
done
exit $status
