#!/bin/bash
# intake_report.sh - report over the samples: reconciliation.csv has one row
# per district and a province row, reconciliation.xlsx is a sound zip whose
# XML parts are well formed, reconciliation.pdf passes qpdf --check and its
# text has every district name.
set -eu
ff() { $FFRUN "$FFBIN/ffintake" "$@"; }
S=$FFTOP/tests/data/intake/samples
L=$FFWORK/l.db
R=$FFWORK/r

ff register "$FFTOP/tests/data/households.csv" --ledger "$L" >/dev/null
ff load --ledger "$L" "$S"/*.csv >/dev/null
mkdir "$R"
ff report --ledger "$L" --month 2568-01 -o "$R" > "$FFWORK/out.txt"
# The month as the user typed it (BE), in the console and the CSV.
grep -q "^2568-01: 11 districts; expected 178" "$FFWORK/out.txt"
# Each district expects exactly its developable households, the district
# taken from the register's village code (column 6), never from the house
# code: the 13 registered at a municipal office (2499, 2498, ...)
# reconcile to the district they live in.
awk -F, 'NR > 1 && $16 == "1" { n[substr($6, 1, 4)]++ }
    END { for (d in n) print d "," n[d] }' "$FFTOP/tests/data/households.csv" |
    sort > "$FFWORK/want-expected"
tr -d '\r' < "$R/reconciliation.csv" | awk -F, 'NR > 1 && length($2) == 4 && $4 > 0 { print $2 "," $4 }' |
    sort > "$FFWORK/got-expected"
cmp "$FFWORK/want-expected" "$FFWORK/got-expected"
! grep -q '^2568-01,249' "$R/reconciliation.csv"

head -1 "$R/reconciliation.csv" | tr -d '\r' | grep -q \
 'month,district_code,district,expected,on_time,late,missing,rejected,developed,developed_pct,below_threshold,below_threshold_pct,attitude,skills,resources,way_out,month_ce$'
test "$(wc -l < "$R/reconciliation.csv")" = 13
tail -1 "$R/reconciliation.csv" | grep -q '^2568-01,24,รวมจังหวัดฉะเชิงเทรา,178,'
# The district rows add up to the province row (rejected records whose code
# names no district count for the province only).
awk -F, 'NR > 1 && NR < 13 { for (i = 4; i <= 11; i++) s[i] += $i }
         NR == 13 { for (i = 4; i <= 11; i++)
                        if (i != 8 && i != 10 && s[i] != $i) exit 1
                    if (s[8] > $8) exit 1 }' \
    "$R/reconciliation.csv"

qpdf --check "$R/reconciliation.pdf" >/dev/null
pdftotext "$R/reconciliation.pdf" "$FFWORK/pdf.txt"
# BE dates, and the missing households listed for follow-up.
grep -q "กำหนดรายงานภายในวันที่ 20 มกราคม 2568" "$FFWORK/pdf.txt"
grep -q "ครัวเรือนเป้าหมายที่ยังไม่รายงานผล 4 ครัวเรือน" "$FFWORK/pdf.txt"
unzip -tq "$R/reconciliation.xlsx"
mkdir "$FFWORK/x"
(cd "$FFWORK/x" && unzip -q "$R/reconciliation.xlsx")
find "$FFWORK/x" -name '*.xml' -o -name '*.rels' | while read -r f; do
    xmllint --noout "$f"
done
for d in เมืองฉะเชิงเทรา บางคล้า บางน้ำเปรี้ยว บางปะกง บ้านโพธิ์ พนมสารคาม \
         ราชสาส์น สนามชัยเขต แปลงยาว ท่าตะเกียบ คลองเขื่อน; do
    grep -q "$d" "$FFWORK/x/xl/sharedStrings.xml"
    grep -q ",$d," "$R/reconciliation.csv"
    grep -q "$d" "$FFWORK/pdf.txt"
done

# The latest income decides "below the threshold".  A ledger never holds
# two accepted records of one household and month, but if one does (edited
# by hand, say), the later submission's income must still win: the report
# then falls back from its unsorted pass to the sorted one.  Here a copy of
# an expected household's January record, 60 s later and below the
# threshold, the original above it; then the copy 60 s earlier instead.
below() {
    rm -rf "$FFWORK/t" && mkdir "$FFWORK/t"
    ff report --ledger "$L" --month 2568-01 -o "$FFWORK/t" --no-pdf >/dev/null
    tr -d '\r' < "$FFWORK/t/reconciliation.csv" |
        awk -F, 'NR > 1 && length($2) == 4 { n += $11 } END { print n }'
}
id=$(sqlite3 "$L" "SELECT r.id FROM ledger r JOIN household h ON h.code = r.hhid
    AND h.snapshot = (SELECT max(id) FROM register_snapshot)
    WHERE r.current_outcome = 'accepted' AND r.month = '2025-01'
    AND h.status = 1 ORDER BY r.id LIMIT 1")
t=$(sqlite3 "$L" "SELECT threshold FROM register_snapshot ORDER BY id DESC LIMIT 1")
sqlite3 "$L" "UPDATE record SET income = $t + 1000 WHERE id = $id;
    CREATE TEMP TABLE c AS SELECT * FROM record WHERE id = $id;
    UPDATE c SET id = NULL, income = $t - 1, submitted = submitted + 60;
    INSERT INTO record SELECT * FROM c;"
later=$(below)
sqlite3 "$L" "UPDATE record SET submitted = submitted - 120
    WHERE id = (SELECT max(id) FROM record)"
earlier=$(below)
[ "$later" -eq $((earlier + 1)) ] ||
    { echo "latest income: $later below with the later copy, $earlier with the earlier" >&2; exit 1; }
echo ok
