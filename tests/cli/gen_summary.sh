# gen_summary.sh - ffgen summary on the sample register: counts per
# district/subdistrict/province checked against the register with awk, a
# BOM for Excel, a PDF that passes qpdf and names every district, and the
# Windows-874 copy of a register giving the same counts.
. "$FFTOP/tests/lib/common.sh"
export SOURCE_DATE_EPOCH=1735689600
reg=$FFTOP/tests/data/households.csv
ffgen summary "$reg" -o "$FFWORK/s" > /dev/null 2>&1
check "summary exits 0" [ $? = 0 ]
csv=$FFWORK/s/summary.csv
check "summary.csv starts with a UTF-8 BOM" [ "$(head -c 3 "$csv" | od -An -tx1 | tr -d ' ')" = efbbbf ]
# Expected counts straight from the register: level,code -> s1..s4,none,total
awk -F, 'NR > 1 {
        s = $15 == "" ? 0 : $15
        d = substr($1, 1, 4); t = substr($1, 1, 6)
        c["district," d "," s]++; c["district," d ",t"]++
        c["subdistrict," t "," s]++; c["subdistrict," t ",t"]++
        c["province,," s]++; c["province,,t"]++
        keys["district," d]; keys["subdistrict," t]; keys["province,"]
    }
    END { for (k in keys) printf "%s,%d,%d,%d,%d,%d,%d\n", k, c[k ",1"], c[k ",2"],
          c[k ",3"], c[k ",4"], c[k ",0"], c[k ",t"] }' "$reg" | sort > "$FFWORK/want"
tr -d '\r' < "$csv" | awk -F, 'NR > 1 { print $1 "," $2 "," $6 "," $7 "," $8 "," $9 "," $10 "," $11 }' |
    sort > "$FFWORK/got"
diff "$FFWORK/want" "$FFWORK/got" > "$FFWORK/diff" || bad "summary counts differ: $(head -5 "$FFWORK/diff")"
check "province total is 300" [ "$(grep '^province' "$FFWORK/got" | cut -d, -f8)" = 300 ]
pdf=$FFWORK/s/summary.pdf
qpdf --check "$pdf" > /dev/null 2>&1 || bad "qpdf --check summary.pdf"
text=$(pdftotext "$pdf" - 2> "$FFWORK/err")
check "pdftotext prints no warning" [ ! -s "$FFWORK/err" ]
for d in $(awk -F, 'NR > 1 { print $3 }' "$reg" | sort -u); do
    case "$text" in *"อำเภอ$d"*) ;; *) bad "summary.pdf lacks อำเภอ$d";; esac
done
# "ข้อมูล ณ วันที่" is the data's date, not the print date (SOURCE_DATE_EPOCH
# pins the print date to 1 January 2568): the register file's modification
# day in Bangkok, or --data-date in BE or CE.
case "$text" in *"ข้อมูล ณ วันที่ 1 มกราคม 2568"*) bad "summary.pdf prints the print date as the data's date";; esac
cp "$reg" "$FFWORK/dated.csv"
touch -d '2025-01-14 18:30 UTC' "$FFWORK/dated.csv"     # 15 Jan 01:30 in Bangkok
ffgen summary "$FFWORK/dated.csv" -o "$FFWORK/sd" > /dev/null 2>&1
t=$(pdftotext "$FFWORK/sd/summary.pdf" - 2>/dev/null)
case "$t" in *"ข้อมูล ณ วันที่ 15 มกราคม 2568"*) ;; *) bad "summary.pdf: data date is not the register's modification day";; esac
ffgen summary "$FFWORK/dated.csv" --data-date 2568-01-10 -o "$FFWORK/sd2" > /dev/null 2>&1
t=$(pdftotext "$FFWORK/sd2/summary.pdf" - 2>/dev/null)
case "$t" in *"ข้อมูล ณ วันที่ 10 มกราคม 2568"*) ;; *) bad "--data-date 2568-01-10 (BE) not printed";; esac
ffgen summary "$FFWORK/dated.csv" --data-date 2025-01-11 -o "$FFWORK/sd3" > /dev/null 2>&1
t=$(pdftotext "$FFWORK/sd3/summary.pdf" - 2>/dev/null)
case "$t" in *"ข้อมูล ณ วันที่ 11 มกราคม 2568"*) ;; *) bad "--data-date 2025-01-11 (CE) not printed";; esac
ffgen summary "$FFWORK/dated.csv" --data-date 2568-02-30 -o "$FFWORK/sd4" > /dev/null 2> "$FFWORK/err4"
check "--data-date 2568-02-30 is a usage error" [ $? = 2 ]
grep -q "^ffgen: --data-date '2568-02-30' is not a date" "$FFWORK/err4" || bad "bad --data-date message: $(cat "$FFWORK/err4")"
case "$text" in *"จังหวัดฉะเชิงเทรา"*) ;; *) bad "summary.pdf lacks the province";; esac
# The same register saved by Excel on a Thai PC (Windows-874, CRLF).
iconv -f UTF-8 -t CP874 "$reg" | sed 's/$/\r/' > "$FFWORK/cp874.csv"
ffgen summary "$FFWORK/cp874.csv" -o "$FFWORK/s2" > /dev/null 2> "$FFWORK/err2"
grep -q "300 households read (Windows-874, ',')" "$FFWORK/err2" || bad "encoding not reported"
cmp -s "$csv" "$FFWORK/s2/summary.csv" || bad "Windows-874 register gives other counts"
finish
