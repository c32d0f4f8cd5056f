#!/bin/bash
# tests/run.sh - run every unit test program and every CLI test.
#
# usage: tests/run.sh TESTDIR BINDIR
#   TESTDIR holds the built tests/test_* programs, BINDIR ffgen and ffintake.
# With FF_VALGRIND=1 each program runs under valgrind (errors fail the test).
# Exits non-zero when any test failed; prints one line per test.
set -u
testdir=$1
bindir=$(cd "$2" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
export FFBIN=$bindir FFTOP=$top
if [ "${FF_VALGRIND:-}" = 1 ]; then
    export FFRUN="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --suppressions=$top/tests/valgrind.supp"
else
    export FFRUN=""
fi
# Each test's output goes to a file of unpredictable name, created 0600 by
# mktemp: a fixed name in /tmp (it was /tmp/ffkit-test.<pid>) lets anyone
# on the machine plant a symbolic link there and have the run overwrite the
# link's target.
log=$(mktemp "${TMPDIR:-/tmp}/ffkit-test.XXXXXXXX") || exit 3
trap 'rm -f "$log"' EXIT
fail=0; n=0
for t in "$testdir"/test_*; do
    [ -x "$t" ] || continue
    case "$t" in *.o|*.d) continue;; esac
    n=$((n+1))
    if (cd "$top" && $FFRUN "$t") > "$log" 2>&1; then
        echo "ok   $(basename "$t")"
    else
        echo "FAIL $(basename "$t")"; sed 's/^/     /' "$log" | tail -40
        fail=$((fail+1))
    fi
done
for t in "$testdir"/fuzz_*; do
    [ -x "$t" ] || continue
    n=$((n+1))
    name=${t##*/fuzz_}
    if (cd "$top" && $FFRUN "$t" "tests/fuzz/$name") > "$log" 2>&1; then
        echo "ok   fuzz replay $name ($(tail -1 "$log" | awk '{print $2}') inputs)"
    else
        echo "FAIL fuzz replay $name"; sed 's/^/     /' "$log" | tail -40
        fail=$((fail+1))
    fi
done
for t in "$top"/tests/cli/*.sh; do
    [ -f "$t" ] || continue
    n=$((n+1))
    work=$(mktemp -d)
    if (cd "$top" && FFWORK=$work bash "$t") > "$log" 2>&1; then
        echo "ok   cli/$(basename "$t")"
    else
        echo "FAIL cli/$(basename "$t")"; sed 's/^/     /' "$log" | tail -40
        fail=$((fail+1))
    fi
    rm -rf "$work"
done
echo "$n tests, $fail failed"
[ "$fail" = 0 ]
