#!/bin/bash
# bench/run.sh - run every benchmark script bench/bench_*.sh.
# usage: bench/run.sh BINDIR BENCHBINDIR   (make bench does this)
set -eu
export FFBIN=$(cd "$1" && pwd) FFBENCHBIN=$(cd "$2" 2>/dev/null && pwd || echo "")
export FFTOP=$(cd "$(dirname "$0")/.." && pwd)
for b in "$FFTOP"/bench/bench_*.sh; do
    [ -f "$b" ] || continue
    echo "== $(basename "$b")"
    bash "$b"
done
