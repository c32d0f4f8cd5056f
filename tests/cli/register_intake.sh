#!/bin/bash
# register_intake.sh - ffintake register: the ledger's household snapshot
# holds the district of the register's columns (never of the house code);
# an empty, mostly-rejected or Excel-destroyed register is refused and never
# becomes the current snapshot; registering a stored file again makes it
# current again, and loads key on it.
set -eu
ff() { $FFRUN "$FFBIN/ffintake" "$@"; }
REG=$FFTOP/tests/data/households.csv
S=$FFTOP/tests/data/intake/samples
L=$FFWORK/l.db

ff register "$REG" --ledger "$L" > "$FFWORK/1.txt" 2> "$FFWORK/1.err"
grep -q "households.csv: 300 households read (UTF-8, ',', layout register-columns.map, header row 1), 0 rows rejected, 0 fields flagged" "$FFWORK/1.txt"
grep -q "register snapshot 1: 300 households stored" "$FFWORK/1.txt"

# Every household's district_code in the ledger is the first four digits
# of its village code; 28 of them differ from their code's first four.
awk -F, 'NR > 1 { print $1 "|" substr($6, 1, 4) }' "$REG" | sort > "$FFWORK/want"
sqlite3 "$L" "SELECT code || '|' || district_code FROM household WHERE snapshot = 1" |
    sort > "$FFWORK/got"
cmp "$FFWORK/want" "$FFWORK/got"
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM household WHERE snapshot = 1 AND substr(code, 1, 4) <> district_code")" = 28
test "$(sqlite3 "$L" "SELECT district FROM household WHERE code = '24985798606'")" = บางคล้า

# A copy whose codes Excel turned into numbers: refused, exit 1, saying
# what Excel did and what to do; the current snapshot stays 1.
awk -F, -v OFS=, 'NR > 1 { $1 = sprintf("%.5E", $1) } { print }' "$REG" > "$FFWORK/excel.csv"
if ff register "$FFWORK/excel.csv" --ledger "$L" > "$FFWORK/2.txt" 2> "$FFWORK/2.err"; then
    echo "an Excel-destroyed register was accepted"; exit 1
fi
rc=0; ff register "$FFWORK/excel.csv" --ledger "$L" > /dev/null 2>&1 || rc=$?
test "$rc" = 1
grep -q "excel.csv: refused: 300 of 300 household codes were turned into numbers by Excel" "$FFWORK/2.err"
grep -q "format the code column as Text" "$FFWORK/2.err"
grep -q "excel.csv:2:1: household code is a number as Excel shows it" "$FFWORK/2.err"
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM register_snapshot")" = 1

# A header with no rows: refused as well.
head -1 "$REG" > "$FFWORK/empty.csv"
if ff register "$FFWORK/empty.csv" --ledger "$L" > /dev/null 2> "$FFWORK/3.err"; then
    echo "an empty register was accepted"; exit 1
fi
grep -q "empty.csv: refused: no household could be read" "$FFWORK/3.err"
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM register_snapshot")" = 1

# A second, smaller register becomes current; registering the first file
# again makes it current again (it used to say "nothing changed" and
# leave every later load rejected as unknown_hhid).
head -51 "$REG" > "$FFWORK/small.csv"
ff register "$FFWORK/small.csv" --ledger "$L" | grep -q "register snapshot 2: 50 households stored"
ff register "$REG" --ledger "$L" > "$FFWORK/4.txt"
grep -q "stored before as snapshot 1; current again as register snapshot 3: 300 households stored" "$FFWORK/4.txt"
ff register "$REG" --ledger "$L" | grep -q "already in the ledger as register snapshot 3; nothing changed"
ff load --ledger "$L" "$S/kobo_2568-01.csv" > "$FFWORK/5.txt"
n_unknown=$(sed -n 's/^  unknown_hhid: //p' "$FFWORK/5.txt")
# The export's own unknown codes only (the sample has a few), not 300's worth.
test "${n_unknown:-0}" -lt 10
echo ok
