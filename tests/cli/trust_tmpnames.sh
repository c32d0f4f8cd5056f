# trust_tmpnames.sh - the test runner's own temporary file has a name no
# one can guess.  It used to be /tmp/ffkit-test.$$: a symbolic link planted
# at that name made `make check` overwrite the link's target.  The runner
# is copied into a sandbox (one unit test, one CLI test) and started with
# exec from a shell that first plants the link at the old name for its own
# pid, which exec keeps.
. "$FFTOP/tests/lib/common.sh"
S=$FFWORK/sandbox
mkdir -p "$S/tests/cli" "$S/t" "$S/bin" "$FFWORK/tmp"
cp "$FFTOP/tests/run.sh" "$S/tests/run.sh"
printf '#!/bin/sh\necho unit test output\n' > "$S/t/test_one"
chmod +x "$S/t/test_one"
printf 'echo cli test output\n' > "$S/tests/cli/one.sh"
echo precious > "$FFWORK/victim"

TMPDIR=$FFWORK/tmp bash -c '
    ln -s "$1" "/tmp/ffkit-test.$$" 2>/dev/null || exit 99
    echo "/tmp/ffkit-test.$$" > "$2"
    exec bash "$3/tests/run.sh" "$3/t" "$3/bin"' _ \
    "$FFWORK/victim" "$FFWORK/planted" "$S" > "$FFWORK/out" 2>&1
rc=$?
planted=$(cat "$FFWORK/planted" 2>/dev/null)
[ -n "$planted" ] && rm -f "$planted"
check "the runner exits 0 (rc $rc): $(cat "$FFWORK/out")" [ $rc = 0 ]
grep -q "^2 tests, 0 failed" "$FFWORK/out" ||
    bad "the runner ran both tests: $(cat "$FFWORK/out")"
check "the planted link's target is untouched ($(cat "$FFWORK/victim"))" \
    [ "$(cat "$FFWORK/victim")" = precious ]
check "the runner removed its temporary file" [ -z "$(ls -A "$FFWORK/tmp")" ]
finish
