#!/bin/bash
# intake_usage.sh - exit codes and exact error lines, the ledger's mode, and
# no personal data on stdout or stderr.
set -u
ff() { $FFRUN "$FFBIN/ffintake" "$@"; }
D=$FFTOP/tests/data/intake
L=$FFWORK/l.db
fail() { echo "FAIL: $*"; exit 1; }
expect() {      # expect CODE STDERR-LINE -- command...
    local code=$1 line=$2 rc
    shift 3
    "$@" > "$FFWORK/out" 2> "$FFWORK/err"; rc=$?
    [ "$rc" = "$code" ] || fail "$* exited $rc, want $code: $(cat "$FFWORK/err")"
    if [ -n "$line" ]; then
        head -1 "$FFWORK/err" | grep -qxF -- "$line" ||
            fail "$*: stderr '$(head -1 "$FFWORK/err")', want '$line'"
    fi
}

expect 0 "" -- ff --help
grep -q "^exit status: 0 ok" "$FFWORK/out" || fail "--help lacks exit codes"
expect 2 "ffintake: missing command" -- ff
expect 2 "ffintake: unknown command 'frob'" -- ff frob
expect 2 "ffintake: --ledger is required" -- ff load x.csv
expect 2 "ffintake: bad --month '2568-13' (2568-01 or 2025-01)" -- \
    ff report --ledger "$L" --month 2568-13 -o "$FFWORK"
expect 1 "ffintake: $L: no ledger here (run 'ffintake register' first)" -- \
    ff load --ledger "$L" "$D/kobo_rules.csv"
expect 3 "ffintake: $FFWORK/none.csv: cannot open: No such file or directory" -- \
    ff register "$FFWORK/none.csv" --ledger "$L"

expect 0 "" -- ff register "$D/register.csv" --ledger "$L"
[ "$(stat -c %a "$L")" = 600 ] || fail "ledger mode $(stat -c %a "$L")"

# A header of no dialect rejects the whole load; nothing is stored.
printf 'a,b,c\n1,2,3\n' > "$FFWORK/odd.csv"
expect 1 "ffintake: $FFWORK/odd.csv:1: header matches no dialect" -- \
    ff load --ledger "$L" "$D/kobo_rules.csv" "$FFWORK/odd.csv"
[ "$(sqlite3 "$L" "SELECT COUNT(*) FROM record")" = 0 ] || fail "partial load"

# Dialect map errors point at file:line:column.
printf 'dialect x\n  hhid = h\n  colour = red\n' > "$FFWORK/bad.map"
expect 1 "ffintake: $FFWORK/bad.map:3:3: unknown field 'colour' (known: hhid month activity category result status submitted id income reporter key edits deprecated review zone)" -- \
    ff load --ledger "$L" --dialects "$FFWORK/bad.map" "$D/kobo_rules.csv"
printf 'dialect y\n  hhid = h\n' > "$FFWORK/short.map"
expect 1 "ffintake: $FFWORK/short.map:1:1: dialect 'y' does not map required field 'month'" -- \
    ff load --ledger "$L" --dialects "$FFWORK/short.map" "$D/kobo_rules.csv"

# Nothing personal in what we print: load and report the samples and look
# for heads' names, citizen IDs and phone numbers from the register.
S=$FFTOP/tests/data/intake/samples
ff register "$FFTOP/tests/data/households.csv" --ledger "$FFWORK/s.db" \
    > "$FFWORK/all" 2>&1
ff load --ledger "$FFWORK/s.db" "$S"/*.csv --outcomes "$FFWORK/o.csv" \
    >> "$FFWORK/all" 2>&1
mkdir "$FFWORK/r"
ff report --ledger "$FFWORK/s.db" --month 2568-02 -o "$FFWORK/r" --no-pdf \
    >> "$FFWORK/all" 2>&1
cut -d, -f10,11,12,17 "$FFTOP/tests/data/households.csv" | tail -n +2 |
    tr ',' '\n' | grep -v '^$' | sort -u > "$FFWORK/personal"
if grep -qFf "$FFWORK/personal" "$FFWORK/all" "$FFWORK/o.csv"; then
    fail "personal data printed"
fi
[ "$(stat -c %a "$FFWORK/s.db")" = 600 ] || fail "mode"
echo ok
