#!/bin/bash
# intake_dates.sh - day/month order and dates without a time (tests/gen/
# make_exports.py dates): a US-locale sheet whose days are all 12 or less
# cannot say which number is the day, so the load is refused, naming
# --date-order; with it, the dates are read month first.  A
# _submission_time that Excel turned into a bare date is rejected with a
# reason of its own, and the summary says how to export again.
set -eu
ff() { $FFRUN "$FFBIN/ffintake" "$@"; }
D=$FFTOP/tests/data/intake
V=$FFWORK/v
L=$FFWORK/l.db
python3 "$FFTOP/tests/gen/make_exports.py" "$V" dates
ff register "$D/register.csv" --ledger "$L" >/dev/null

set +e
ff load --ledger "$L" "$V/gforms_us_ambiguous.csv" > "$FFWORK/a.txt" \
    2> "$FFWORK/a.err"
rc=$?
set -e
test $rc = 1
grep -qx "ffintake: $V/gforms_us_ambiguous.csv:1:1: every date in this column could be day/month or month/day (no day above 12, no Buddhist year): say which with --date-order dmy or --date-order mdy (the sheet's locale: Thai and UK dmy, US mdy)" \
    "$FFWORK/a.err" || { cat "$FFWORK/a.err"; exit 1; }
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM record")" = 0

ff load --ledger "$L" --date-order mdy "$V/gforms_us_ambiguous.csv" \
    > "$FFWORK/b.txt"
grep -q "gforms_us_ambiguous.csv: gforms, .*, dates month/day" "$FFWORK/b.txt"
# 1/5/2025 14:02:00 Bangkok is the 5th of January, not the 1st of May.
test "$(sqlite3 "$L" "SELECT submitted FROM record
    WHERE hhid = '24010109307'")" = 1736060520
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM record WHERE late = 1")" = 0
# Two locales in one file: refused, naming both lines.
{ head -1 "$V/gforms_us_ambiguous.csv"
  printf '1/13/2025 9:00:00,24010105963,2025-01,a,Skills,r,,1,x\n'
  printf '13/1/2025 9:00:00,24010109307,2025-01,a,Skills,r,,1,x\n'; } \
    > "$FFWORK/mixed.csv"
set +e
ff load --ledger "$L" "$FFWORK/mixed.csv" 2> "$FFWORK/m.err"
rc=$?
set -e
test $rc = 1
grep -qx "ffintake: $FFWORK/mixed.csv:2:1: dates in this column are month/day here but day/month on line 3: the file mixes two locales; export each sheet again or fix the dates" \
    "$FFWORK/m.err"
ff load --ledger "$L" --date-order ymd "$V/kobo_dates.csv" 2>/dev/null &&
    exit 1

# The order is decided from the same single read of the file as the load
# (no second open by name): standard input and a pipe decide as a file
# does, even when only the last record decides and every record before it
# waited for the decision; the hash stored is that of the bytes read.
{ cat "$V/gforms_us_ambiguous.csv"
  printf '1/13/2025 9:00:00,24030104852,2025-01,a,Skills,r,,1,x\n'; } \
    > "$FFWORK/late.csv"
for how in file stdin pipe; do
    LL=$FFWORK/late-$how.db
    ff register "$D/register.csv" --ledger "$LL" >/dev/null
    case $how in
    file) ff load --ledger "$LL" "$FFWORK/late.csv" --outcomes "$FFWORK/late-$how.out" ;;
    stdin) ff load --ledger "$LL" - --outcomes "$FFWORK/late-$how.out" < "$FFWORK/late.csv" ;;
    pipe) ff load --ledger "$LL" <(cat "$FFWORK/late.csv") --outcomes "$FFWORK/late-$how.out" ;;
    esac > "$FFWORK/late-$how.txt"
    grep -q ": gforms, .*, dates month/day" "$FFWORK/late-$how.txt"
    test "$(sqlite3 "$LL" "SELECT submitted FROM record
        WHERE hhid = '24010109307'")" = 1736060520
    test "$(sqlite3 "$LL" "SELECT sha256 FROM source")" = \
        "$(sha256sum < "$FFWORK/late.csv" | cut -d' ' -f1)"
    sqlite3 "$LL" "SELECT record_no, line, outcome, reason, late, hhid,
        month, submitted FROM record ORDER BY id" > "$FFWORK/late-$how.rows"
    tr -d '\r' < "$FFWORK/late-$how.out" | cut -d, -f2- > "$FFWORK/late-$how.o"
    ff check --ledger "$LL" >/dev/null
done
test "$(wc -l < "$FFWORK/late-file.rows")" = \
    "$(($(wc -l < "$FFWORK/late.csv") - 1))"
for how in stdin pipe; do
    diff "$FFWORK/late-file.rows" "$FFWORK/late-$how.rows"
    diff "$FFWORK/late-file.o" "$FFWORK/late-$how.o"
done
# Undecided from standard input: refused, named as stdin.
set +e
ff load --ledger "$L" - < "$V/gforms_us_ambiguous.csv" 2> "$FFWORK/s.err"
rc=$?
set -e
test $rc = 1
grep -q "^ffintake: stdin:1:1: every date in this column could be day/month or month/day" \
    "$FFWORK/s.err"
# Day/month decided first, month/day later: refused the same way.
{ head -1 "$V/gforms_us_ambiguous.csv"
  printf '5/1/2025 9:00:00,24010109307,2025-01,a,Skills,r,,1,x\n'
  printf '13/1/2025 9:00:00,24010105963,2025-01,a,Skills,r,,1,x\n'
  printf '1/13/2025 9:00:00,24030104852,2025-01,a,Skills,r,,1,x\n'; } \
    > "$FFWORK/mixed2.csv"
set +e
ff load --ledger "$L" "$FFWORK/mixed2.csv" 2> "$FFWORK/m2.err"
rc=$?
set -e
test $rc = 1
grep -qx "ffintake: $FFWORK/mixed2.csv:4:1: dates in this column are month/day here but day/month on line 3: the file mixes two locales; export each sheet again or fix the dates" \
    "$FFWORK/m2.err"
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM source WHERE file LIKE 'mixed%'")" = 0

ff load --ledger "$L" "$V/kobo_dates.csv" --outcomes "$FFWORK/d.out" \
    > "$FFWORK/d.txt"
grep -qx "  date_without_time: 2 (column _submission_time: a date without its time of day)" \
    "$FFWORK/d.txt"
grep -q "^    the submission times lost their time of day (Excel reformatted them as dates): export again as CSV, or with dates as text" \
    "$FFWORK/d.txt"
tr -d '\r' < "$FFWORK/d.out" |
    grep -qx "kobo_dates.csv,2,2,rejected,date_without_time,,24010105963,2025-01,_submission_time,a date without its time of day"
echo ok
