#!/bin/bash
# register_variants.sh - the register as provinces really send it (title
# rows, two-row headers, values as typed, the TPMAP and ThaiQM layouts,
# Windows-874, citizen IDs Excel turned into numbers), built from the
# sample by tests/make_register_variants.py: each gives exactly the same
# households as the clean CSV, in `ffgen summary` and in the ledger of
# `ffintake register`, and both programs say the same about what they read.
set -eu
REG=$FFTOP/tests/data/households.csv
V=$FFWORK/v
export SOURCE_DATE_EPOCH=1735689600
python3 "$FFTOP/tests/make_register_variants.py" "$REG" "$V"
iconv -f UTF-8 -t CP874 "$V/thaiqm.csv" | sed 's/$/\r/' > "$V/thaiqm-cp874.csv"
# Excel shows a 13-digit number as 3.24064E+12: the citizen IDs are lost,
# the households are not.
awk -F, -v OFS=, 'NR > 1 && $12 != "" { $12 = sprintf("%.5E", $12) } { print }' \
    "$REG" > "$V/excel-ids.csv"

households() {  # households of snapshot 1 in ledger $1, sorted
    sqlite3 "$1" "SELECT code, province, district_code, district, subdistrict,
        village_no, village_name, house_no, head, members, income, status
        FROM household WHERE snapshot = 1 ORDER BY code"
}

$FFRUN "$FFBIN/ffgen" summary "$REG" -o "$FFWORK/clean" > /dev/null 2>&1
$FFRUN "$FFBIN/ffintake" register "$REG" --ledger "$FFWORK/clean.db" > /dev/null
households "$FFWORK/clean.db" > "$FFWORK/clean.rows"
test "$(wc -l < "$FFWORK/clean.rows")" = 300

fail=0
for f in titles twoheader typed tpmap thaiqm thaiqm-cp874 excel-ids; do
    in=$V/$f.csv
    $FFRUN "$FFBIN/ffgen" summary "$in" -o "$FFWORK/s-$f" > /dev/null 2> "$FFWORK/$f.gen" ||
        { echo "FAIL: $f: ffgen summary exits $?"; cat "$FFWORK/$f.gen"; fail=1; continue; }
    cmp -s "$FFWORK/clean/summary.csv" "$FFWORK/s-$f/summary.csv" ||
        { echo "FAIL: $f: summary differs from the clean register's"; fail=1; }
    $FFRUN "$FFBIN/ffintake" register "$in" --ledger "$FFWORK/$f.db" \
        > "$FFWORK/$f.int" 2>&1 ||
        { echo "FAIL: $f: ffintake register exits $?"; fail=1; continue; }
    households "$FFWORK/$f.db" > "$FFWORK/$f.rows"
    cmp -s "$FFWORK/clean.rows" "$FFWORK/$f.rows" ||
        { echo "FAIL: $f: ledger households differ: $(diff "$FFWORK/clean.rows" "$FFWORK/$f.rows" | head -3)"; fail=1; }
    # The same summary line from both programs.
    g=$(sed -n "s|^ffgen: $in: ||p" "$FFWORK/$f.gen")
    i=$(sed -n "s|^$in: \([0-9]* households read\)|\1|p" "$FFWORK/$f.int")
    [ -n "$g" ] && [ "$g" = "$i" ] ||
        { echo "FAIL: $f: ffgen says '$g', ffintake '$i'"; fail=1; }
done

# What each says it read.
grep -q "300 households read (UTF-8, ',', layout register-columns.map, header row 4), 0 rows rejected, 0 fields flagged" "$FFWORK/titles.gen" ||
    { echo "FAIL: titles summary line"; fail=1; }
grep -q "layout register-columns.map, header row 2)" "$FFWORK/twoheader.gen" ||
    { echo "FAIL: twoheader summary line"; fail=1; }
grep -q "layout register-tpmap.map, header row 1)" "$FFWORK/tpmap.gen" ||
    { echo "FAIL: tpmap summary line"; fail=1; }
grep -q "300 households read (Windows-874, ',', layout register-thaiqm.map, header row 2)" "$FFWORK/thaiqm-cp874.gen" ||
    { echo "FAIL: thaiqm-cp874 summary line"; fail=1; }
n=$(awk -F, 'NR > 1 && $12 != ""' "$REG" | wc -l)
grep -q "300 households read (UTF-8, ',', layout register-columns.map, header row 1), 0 rows rejected, $n fields flagged (citizen_id $n)" "$FFWORK/excel-ids.gen" ||
    { echo "FAIL: excel-ids summary line: $(tail -1 "$FFWORK/excel-ids.gen")"; fail=1; }
grep -q "excel-ids.csv:2:12: $n citizen_id values left empty; first: citizen ID is a number as Excel shows it" "$FFWORK/excel-ids.gen" ||
    { echo "FAIL: excel-ids flag message"; fail=1; }
test "$(sqlite3 "$FFWORK/tpmap.db" "SELECT head FROM household WHERE code = '24985798606'")" = "นางน้ำปราณี แก้วธรรม" ||
    { echo "FAIL: TPMAP name not split into title, given and family name"; fail=1; }
[ "$fail" = 0 ] && echo ok
