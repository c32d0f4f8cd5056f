#!/bin/bash
# intake_variants.sh - the same ten reports exported the way each service
# writes them (tests/gen/make_exports.py: Kobo with XML names, with labels,
# with groups and split select_multiple columns and an HXL row; ODK Central
# with group-prefixed headers; Google Sheets in the Thai (BE, also a
# two-digit year), UK and US locales; Google Forms' download) give the same
# accepted rows, the same lateness and the same reconciliation, with no
# option and no mapping file.
set -eu
ff() { $FFRUN "$FFBIN/ffintake" "$@"; }
D=$FFTOP/tests/data/intake
V=$FFWORK/v
python3 "$FFTOP/tests/gen/make_exports.py" "$V" equal
# The same reports as the files become on their way: Kobo's default XLSX
# export (date-time cells, the house code a number), ODK Central's
# submissions.csv.zip, Excel's "Unicode text" (UTF-16 LE, tabs) and a CSV
# resaved in Windows-874.
mk() { /usr/bin/python3 "$FFTOP/tests/lib/mktable.py" "$@"; }
mk xlsx "$V/kobo_labels.csv" "$V/kobo_labels_x.xlsx" --numbers 3 --dates 20
mk xlsx "$V/gforms_th.csv" "$V/gforms_th_x.xlsx" --numbers 2
mk zip "$V/odk_x.zip" submissions.csv="$V/odk.csv"
tail -c +4 "$V/gforms_uk.csv" | tr ',' '\t' > "$FFWORK/uk.tsv"
grep -q '"' "$FFWORK/uk.tsv" && sed -i 's/"\([^"]*\)\t \([^"]*\)"/"\1, \2"/g' "$FFWORK/uk.tsv"
{ printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$FFWORK/uk.tsv"; } > "$V/gforms_uk_x.txt"
iconv -f UTF-8 -t CP874 "$V/kobo_names.csv" > "$V/kobo_names_x874.csv"

first=
for f in "$V"/*.csv "$V"/*.xlsx "$V"/*.zip "$V"/*.txt; do
    n=$(basename "$f"); n=${n%.*}
    L=$FFWORK/$n.db
    ff register "$D/register.csv" --ledger "$L" >/dev/null
    ff load --ledger "$L" "$f" --outcomes "$FFWORK/$n.out" > "$FFWORK/$n.txt"
    # Every report is valid: 7 households, 3 corrections, 1 late.
    grep -q "^load 1: 10 records: 7 accepted, 0 duplicate, 3 superseded, 0 rejected; 1 late$" \
        "$FFWORK/$n.txt" || { echo "$n:"; cat "$FFWORK/$n.txt"; exit 1; }
    sqlite3 -separator '|' "$L" "SELECT hhid, month, submitted, late,
        category, status, income, activity, result, reporter FROM ledger
        WHERE current_outcome = 'accepted' ORDER BY hhid" > "$FFWORK/$n.rows"
    sqlite3 -separator '|' "$L" "SELECT hhid, submitted, late, outcome
        FROM record ORDER BY hhid, submitted" > "$FFWORK/$n.all"
    mkdir "$FFWORK/$n.r"
    ff report --ledger "$L" --month 2568-01 -o "$FFWORK/$n.r" --no-pdf \
        >/dev/null
    if [ -z "$first" ]; then
        first=$n
        continue
    fi
    diff -u "$FFWORK/$first.rows" "$FFWORK/$n.rows"
    diff -u "$FFWORK/$first.all" "$FFWORK/$n.all"
    diff -u "$FFWORK/$first.r/reconciliation.csv" \
        "$FFWORK/$n.r/reconciliation.csv"
done

# What the rows are, once: the later correction wins, sets are stored as
# sets, the Bangkok 21st 00:00:01 report is late.
grep -qx '24010105963|2025-01|1737291600|0|skills resources|1|31000.0|อบรมอาชีพ|ผลดีมาก|นายทดสอบ หนึ่ง' \
    "$FFWORK/$first.rows"
grep -qx '24030121536|2025-01|1737392401|1|skills|4|37000.0|เพาะเห็ด|เก็บได้อีก|นายทดสอบ เจ็ด' \
    "$FFWORK/$first.rows"
# Per-factor columns count a report naming two factors once in each.
tail -1 "$FFWORK/$first.r/reconciliation.csv" | tr -d '\r' |
    grep -q ',3,3,2,2,2025-01$'
# The decisions the files needed were reported.
grep -q "gforms_us.csv: gforms, UTF-8 with BOM, ',': 10 records, dates month/day" \
    "$FFWORK/gforms_us.txt"
grep -q "gforms_uk.csv: gforms, .*, dates day/month" "$FFWORK/gforms_uk.txt"
grep -q "kobo_groups.csv: kobo, .*HXL tag row skipped" "$FFWORK/kobo_groups.txt"
grep -q "odk.csv: odk-central" "$FFWORK/odk.txt"
echo ok
