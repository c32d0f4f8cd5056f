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
fail=0; n=0
for t in "$testdir"/test_*; do
    [ -x "$t" ] || continue
    case "$t" in *.o|*.d) continue;; esac
    n=$((n+1))
    if (cd "$top" && $FFRUN "$t") > /tmp/ffkit-test.$$ 2>&1; then
        echo "ok   $(basename "$t")"
    else
        echo "FAIL $(basename "$t")"; sed 's/^/     /' /tmp/ffkit-test.$$ | tail -40
        fail=$((fail+1))
    fi
done
for t in "$testdir"/fuzz_*; do
    [ -x "$t" ] || continue
    n=$((n+1))
    name=${t##*/fuzz_}
    if (cd "$top" && $FFRUN "$t" "tests/fuzz/$name") > /tmp/ffkit-test.$$ 2>&1; then
        echo "ok   fuzz replay $name ($(tail -1 /tmp/ffkit-test.$$ | awk '{print $2}') inputs)"
    else
        echo "FAIL fuzz replay $name"; sed 's/^/     /' /tmp/ffkit-test.$$ | tail -40
        fail=$((fail+1))
    fi
done
for t in "$top"/tests/cli/*.sh; do
    [ -f "$t" ] || continue
    n=$((n+1))
    work=$(mktemp -d)
    if (cd "$top" && FFWORK=$work bash "$t") > /tmp/ffkit-test.$$ 2>&1; then
        echo "ok   cli/$(basename "$t")"
    else
        echo "FAIL cli/$(basename "$t")"; sed 's/^/     /' /tmp/ffkit-test.$$ | tail -40
        fail=$((fail+1))
    fi
    rm -rf "$work"
done
rm -f /tmp/ffkit-test.$$
echo "$n tests, $fail failed"
[ "$fail" = 0 ]
