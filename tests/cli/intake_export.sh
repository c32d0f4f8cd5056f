#!/bin/bash
# intake_export.sh - formula-looking text is data: kept verbatim in the
# ledger, neutralised in every CSV and XLSX we write; export has a BOM.
set -eu
ff() { $FFRUN "$FFBIN/ffintake" "$@"; }
D=$FFTOP/tests/data/intake
L=$FFWORK/l.db

ff register "$D/register.csv" --ledger "$L" >/dev/null
ff load --ledger "$L" "$D/kobo_rules.csv" >/dev/null
# Verbatim in the ledger.
test "$(sqlite3 "$L" "SELECT result FROM record WHERE hhid = '24030104852'")" \
    = '=HYPERLINK("http://example.org","x")'
test "$(sqlite3 "$L" "SELECT activity || ' ' || reporter FROM record
    WHERE hhid = '24030104852'")" = '@SUM(A1:A3) +66812345678'

ff export --ledger "$L" --month 2568-01 -o "$FFWORK/jan.csv" |
    grep -qx "2568-01: 6 accepted records written to $FFWORK/jan.csv"
head -c 3 "$FFWORK/jan.csv" | od -An -tx1 | grep -q "ef bb bf"
head -1 "$FFWORK/jan.csv" | grep -q "hhid,month,submitted_bangkok,late,"
grep -qF ",\"'@SUM(A1:A3)\",skills,\"'=HYPERLINK(\"\"http://example.org\"\",\"\"x\"\")\",25000,1,\"'+66812345678\"," \
    "$FFWORK/jan.csv"
# No cell of any line starts a formula.
if grep -Eq '(^|,)"?[=+@-]' "$FFWORK/jan.csv"; then exit 1; fi
# One row per accepted record; the multi-line result keeps its line break.
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM ledger
    WHERE current_outcome = 'accepted' AND month = '2025-01'")" = 6
grep -q '^24021120915,2025-01,2025-01-22 10:00:00,1,' "$FFWORK/jan.csv"

# Outcomes neutralise a file name that looks like a formula; a household
# field that is no code (here a formula) is not shown at all.
printf '%s\r\n' '"start";"end";"hhid";"month";"activity";"t_category";"result";"income_after";"status_after";"reporter";"_id";"_uuid";"_submission_time"' \
    '"";"";"=1+2";"2025-01";"a";"skills";"r";"";"1";"x";"1";"u-x";"2025-01-02T03:04:05"' \
    > "$FFWORK/=1+2.csv"
ff load --ledger "$L" "$FFWORK/=1+2.csv" --outcomes "$FFWORK/f.out" >/dev/null
tr -d "\r" < "$FFWORK/f.out" | grep -qx "\"'=1+2.csv\",2,2,rejected,hhid_malformed,,,2025-01,hhid,not an 11-digit household code"

# The spreadsheet of the report carries no formula cell either.
mkdir "$FFWORK/r"
ff report --ledger "$L" --month 2568-01 -o "$FFWORK/r" --no-pdf >/dev/null
unzip -p "$FFWORK/r/reconciliation.xlsx" 'xl/worksheets/*.xml' > "$FFWORK/x"
if grep -q '<f>' "$FFWORK/x"; then exit 1; fi
echo ok
