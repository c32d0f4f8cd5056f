#!/bin/bash
# intake_held_quote.sh - records held back while a file's day/month order
# is undecided keep what the reader said of them: a stray quote among them
# still costs its own record only, and a well-quoted field costs nothing.
. "$FFTOP/tests/lib/common.sh"
L=$FFWORK/l.db
ffintake register "$FFTOP/tests/data/intake/register.csv" --ledger "$L" > /dev/null 2>&1
H='Timestamp,รหัสบ้าน,เดือนที่รายงาน,กิจกรรม,ประเภทปัจจัย (4ท),ผลการดำเนินงาน,รายได้หลังพัฒนา (บาท/คน/ปี),สถานะหลังพัฒนา,ผู้รายงาน'
{
    printf '\xef\xbb\xbf%s\r\n' "$H"
    printf '03/01/2025 09:13:07,24010105963,2025-01,อบรม,"Skills, Resources",ผลดี,30000,1,r\r\n'
    printf '05/01/2025 14:02:00,24010109307,2025-01,"ปลูกผัก สวน,Skills,ได้ผล,41000,1,r\r\n'
    printf '08/01/2025 08:00:59,24010304651,2025-01,ลด,Attitude,ต่อเนื่อง,,1,r\r\n'
    printf '14/01/2025 11:11:11,24030104852,2025-01,บัญชี,"Attitude, Way out",จด,28000,3,r\r\n'
} > "$FFWORK/held.csv"
ffintake load --ledger "$L" --outcomes "$FFWORK/o.csv" "$FFWORK/held.csv" > "$FFWORK/out" 2>&1
check "loaded: $(head -c 300 "$FFWORK/out")" grep -q 'dates day/month' "$FFWORK/out"
tr -d '\r' < "$FFWORK/o.csv" | awk -F, 'NR > 1 { print $3 "," $4 "," $5 }' > "$FFWORK/got"
printf '%s\n' "2,accepted," "3,rejected,stray_quote" "4,accepted," "5,accepted," > "$FFWORK/want"
check "held records keep the reader's verdict: $(paste -sd' ' "$FFWORK/got")" cmp -s "$FFWORK/want" "$FFWORK/got"
finish
