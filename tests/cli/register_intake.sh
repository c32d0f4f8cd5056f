#!/bin/bash
# register_intake.sh - ffintake register: the ledger's household snapshot
# holds the district of the register's columns (never of the house code);
# an empty, mostly-rejected or Excel-destroyed register is refused and never
# becomes the current snapshot; registering a stored file again makes it
# current again, and loads key on it.
set -eu
. "$FFTOP/tests/lib/common.sh"   # damm
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
n_unknown=$(sed -n 's/^  unknown_hhid: \([0-9]*\).*/\1/p' "$FFWORK/5.txt")
# The export's own unknown codes only (the sample has a few), not 300's worth.
test "${n_unknown:-0}" -lt 10
# Reports carrying the code as it is printed (grouped 4-6-1, then the Damm
# character) or as typed (grouped, no check) are the household's; a code
# whose DOPA check digit is right but which is not in the register is
# unknown_hhid.  The Damm digit is computed here in awk, independently.
c=24985798606
g="${c:0:4}-${c:4:6}-${c:10:1}"
c3=24014547736
# Not in the register, and its DOPA check digit is right.
u=$(awk 'BEGIN { s = "2401999999"; t = 0
    for (k = 1; k <= 10; k++) t += (12 - k) * substr(s, k, 1)
    print s (11 - t % 11) % 10 % 10 }')
{
    printf '%s\r\n' '"start";"end";"hhid";"month";"activity";"t_category";"result";"income_after";"status_after";"reporter";"_id";"_uuid";"_submission_time"'
    n=0
    for h in "$g-$(damm $c)" "24011700363" "${c3:0:4}-${c3:4:6}-${c3:10:1}" "$u"; do
        n=$((n + 1))
        printf '"2025-02-10T10:00:00.000+07:00";"2025-02-10T10:00:00.000+07:00";"%s";"2025-02";"a";"skills";"r";"";"1";"x";"%d";"g%d";"2025-02-10T03:00:%02d"\r\n' "$h" "$n" "$n" "$n"
    done
} > "$FFWORK/grouped.csv"
ff load --ledger "$L" --outcomes "$FFWORK/g.out" "$FFWORK/grouped.csv" > /dev/null
tr -d '\r' < "$FFWORK/g.out" | awk -F, 'NR > 1 { print $4 "," $5 "," $7 }' > "$FFWORK/g.got"
printf '%s\n' "accepted,,$c" "accepted,,24011700363" "accepted,,$c3" \
    "rejected,unknown_hhid,$u" > "$FFWORK/g.want"
diff "$FFWORK/g.want" "$FFWORK/g.got"
echo ok
