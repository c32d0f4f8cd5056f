# trust_privacy.sh - personal data stays in the register and the ledger:
# ledger, key and export files are mode 0600; export --redact masks phone
# numbers and citizen IDs typed into free text; QR payloads, file names, PDF
# metadata and every message on stderr carry no names, citizen IDs or
# phone numbers from the register.
. "$FFTOP/tests/lib/common.sh"
export SOURCE_DATE_EPOCH=1735689600
reg=$FFTOP/tests/data/households.csv
L=$FFWORK/l.db
mode() { stat -c %a "$1"; }

ffintake register "$reg" --ledger "$L" > /dev/null 2> "$FFWORK/log"
check "ledger is mode 600 ($(mode "$L"))" [ "$(mode "$L")" = 600 ]
ffintake load --ledger "$L" "$FFTOP/tests/data/intake/privacy_kobo.csv" \
    "$FFTOP"/tests/data/intake/samples/*.csv --outcomes "$FFWORK/out.csv" \
    >> "$FFWORK/log" 2>&1
ffintake export --ledger "$L" --month 2568-01 -o "$FFWORK/x.csv" >> "$FFWORK/log" 2>&1
ffintake export --ledger "$L" --month 2568-01 -o "$FFWORK/r.csv" --redact >> "$FFWORK/log" 2>&1
check "export is mode 600" [ "$(mode "$FFWORK/x.csv")" = 600 ]
grep -q "081-234-5678" "$FFWORK/x.csv" || bad "plain export keeps text verbatim"
row=$(grep "uuid-p1" "$FFWORK/r.csv")
case "$row" in
*"081-234-5678"* | *"0812345678"* | *"3-2407-31582-38-4"*) bad "--redact left a personal number: $row";;
esac
case "$row" in *"อบรมอาชีพ โทร [ลบ]"*) ;; *) bad "--redact activity: $row";; esac
case "$row" in *"รายได้ 38,000 บาท ผลผลิต 2500 กก. บัตร [ลบ] ติดต่อ [ลบ]"*) ;;
*) bad "--redact must keep amounts: $row";; esac
check "redacted export has as many rows" [ "$(wc -l < "$FFWORK/r.csv")" = "$(wc -l < "$FFWORK/x.csv")" ]

# The key file: created 0600, never printed; an open key file is refused.
ffgen key -o "$FFWORK/k.key" > "$FFWORK/keyout" 2>&1
check "key file is mode 600" [ "$(mode "$FFWORK/k.key")" = 600 ]
secret=$(grep -v '^#' "$FFWORK/k.key" | tr -d '\n')
grep -q "$secret" "$FFWORK/keyout" && bad "the key was printed"
ffgen key -o "$FFWORK/k.key" > /dev/null 2>&1
check "an existing key is never overwritten" [ $? != 0 ]
cp "$FFWORK/k.key" "$FFWORK/open.key"; chmod 644 "$FFWORK/open.key"
ffgen folders "$reg" --only 24011700363 --key "$FFWORK/open.key" -o "$FFWORK/o" 2> "$FFWORK/err"
check "a key readable by others is refused" [ $? != 0 ]
grep -q "chmod 600" "$FFWORK/err" || bad "the refusal says how to fix it"

# Signed QR codes: ffgen adds the tag, ffintake with the key accepts it and
# rejects a forged tag as bad_check.
ffgen folders "$reg" --only 24011700363 --key "$FFWORK/k.key" -o "$FFWORK/s" -q >> "$FFWORK/log" 2>&1
pdftoppm -r 150 -f 1 -l 1 -y 0 -H 300 -W 1800 -png "$FFWORK/s/2401/24011700363.pdf" "$FFWORK/q"
tok=$(zbarimg -q --raw "$FFWORK"/q*.png 2>/dev/null)
case "$tok" in 24011700363-$(damm 24011700363)-[A-Z2-7][A-Z2-7][A-Z2-7][A-Z2-7][A-Z2-7][A-Z2-7]) ;;
*) bad "signed token '$tok'";; esac
forged=${tok%??????}AAAAAA
[ "$forged" = "$tok" ] && forged=${tok%??????}BBBBBB
L2=$FFWORK/l2.db
ffintake register "$reg" --ledger "$L2" > /dev/null 2>&1
{
    printf '%s\r\n' '"start";"end";"hhid";"month";"activity";"t_category";"result";"income_after";"status_after";"reporter";"_id";"_uuid";"_submission_time"'
    printf '"2025-01-10T10:00:00.000+07:00";"2025-01-10T10:00:00.000+07:00";"%s";"2025-01";"a";"skills";"r";"";"1";"x";"1";"u1";"2025-01-10T03:00:00"\r\n' "$tok"
    printf '"2025-01-10T10:00:00.000+07:00";"2025-01-10T10:00:00.000+07:00";"%s";"2025-01";"a";"skills";"r";"";"1";"x";"2";"u2";"2025-01-10T03:00:00"\r\n' "$forged"
} > "$FFWORK/signed.csv"
ffintake load --ledger "$L2" --key "$FFWORK/k.key" --outcomes "$FFWORK/so.csv" \
    "$FFWORK/signed.csv" >> "$FFWORK/log" 2>&1
tr -d '\r' < "$FFWORK/so.csv" | awk -F, 'NR > 1 { print $2 " " $4 " " $5 }' > "$FFWORK/so"
check "genuine tag accepted, forged rejected ($(tr '\n' ';' < "$FFWORK/so"))" \
    [ "$(tr '\n' ';' < "$FFWORK/so")" = "2 accepted ;3 rejected bad_check;" ]

# No personal data in PDF metadata or file names, or in anything printed.
ffgen folders "$reg" -o "$FFWORK/f" -q >> "$FFWORK/log" 2>&1
ffgen packet "$reg" -o "$FFWORK/p" -q >> "$FFWORK/log" 2>&1
ffgen labels "$reg" -o "$FFWORK/lab.pdf" -q >> "$FFWORK/log" 2>&1
ffgen folders "$FFTOP/tests/data/register/bad_rows.csv" -o "$FFWORK/b" -q >> "$FFWORK/log" 2>&1
pdfinfo "$FFWORK/f/2401/24011700363.pdf" > "$FFWORK/info" 2>&1
pdfinfo "$(ls "$FFWORK"/p/*.pdf | head -1)" >> "$FFWORK/info" 2>&1
find "$FFWORK/f" "$FFWORK/p" -type f > "$FFWORK/names"
awk -F, 'NR > 1 { print $10; print $11; print $12; if ($17 != "") print $17 }' "$reg" |
    sort -u > "$FFWORK/personal"
leaks=$(grep -F -f "$FFWORK/personal" "$FFWORK/log" "$FFWORK/info" "$FFWORK/names" | head -3)
check "no names, citizen IDs or phones in logs, metadata or file names: $leaks" [ -z "$leaks" ]
finish
