#!/bin/bash
# gen_kobo.sh - write N synthetic KoboToolbox records for the intake bench.
#
# usage: bench/gen_kobo.sh N REGISTER.csv > out.csv
#
# The layout is the kobo dialect exactly (';', every field quoted, CRLF, LF
# inside quoted multi-line results).  Households are the status-1 codes of
# REGISTER.csv; months run over 2025-01..03; about 1% of records re-send an
# earlier _uuid, 0.5% carry an Excel-mangled code, 2% have a two-line
# result.  Deterministic (fixed seed), so runs compare.
set -eu
n=${1:?usage: gen_kobo.sh N REGISTER.csv}
reg=${2:?usage: gen_kobo.sh N REGISTER.csv}
awk -F, 'NR == 1 { for (k = 1; k <= NF; k++) if ($k == "สถานะ") c = k; next } $c == 1 { print $1 }' "$reg" | awk -v n="$n" '
BEGIN { srand(20250120); }
{ hh[nh++] = $1 }
END {
    split("อบรมการเพาะเห็ดฟาง|สนับสนุนพันธุ์ไก่ไข่|ส่งเสริมการทำบัญชีครัวเรือน|เชื่อมโยงตลาดจำหน่ายผลผลิต|กู้ยืมเงินทุน กข.คจ.", act, "|");
    split("attitude|skills|resources|way-out", cat, "|");
    split("ครัวเรือนดำเนินกิจกรรมต่อเนื่อง มีรายได้เพิ่มขึ้น 550 บาท/เดือน|อยู่ระหว่างดำเนินการ ติดตามครั้งต่อไปเดือนหน้า|ได้รับการสนับสนุนแล้ว ผลผลิตรอบแรก 2500 กก.|เริ่มจำหน่ายผลผลิตในตลาดชุมชน รายได้ 1850 บาท", res, "|");
    split("นายวีระรักษ์ จันทร์ศรี|นางน้ำรี กิจชื่นสินธุ์|นางสาวน้ำยา ญูนาควัฒน์|นายเสน่ห์ศักดิ์ กิจแก้ว", rep, "|");
    printf "\"start\";\"end\";\"hhid\";\"month\";\"activity\";\"t_category\";\"result\";\"income_after\";\"status_after\";\"reporter\";\"_id\";\"_uuid\";\"_submission_time\"\r\n";
    id = 181818000;
    for (i = 0; i < n; i++) {
        m = 1 + int(rand() * 3);
        d = 1 + int(rand() * 28);
        h = int(rand() * 24); mi = int(rand() * 60); s = int(rand() * 60);
        code = hh[int(rand() * nh)];
        r = rand();
        if (r < 0.005)
            code = sprintf("%.7E", code + 0);
        id += 1 + int(rand() * 3);
        if (r > 0.99 && i > 0)
            uuid = last;
        else
            uuid = sprintf("%08x-%04x-4%03x-a%03x-%04x%08x", i, int(rand() * 65536), int(rand() * 4096), int(rand() * 4096), int(rand() * 65536), int(rand() * 2147483647));
        last = uuid;
        result = res[1 + int(rand() * 4)];
        if (rand() < 0.02)
            result = result "\nติดตามผลครั้งต่อไป";
        inc = rand() < 0.1 ? "" : 20000 + int(rand() * 25) * 1000;
        dev = sprintf("2025-%02d-%02dT%02d:%02d:%02d.%03d+07:00", m, d, h, mi, s, int(rand() * 1000));
        printf "\"%s\";\"%s\";\"%s\";\"2025-%02d\";\"%s\";\"%s\";\"%s\";\"%s\";\"1\";\"%s\";\"%d\";\"%s\";\"2025-%02d-%02dT%02d:%02d:%02d\"\r\n", dev, dev, code, m, act[1 + int(rand() * 5)], cat[1 + int(rand() * 4)], result, inc, rep[1 + int(rand() * 4)], id, uuid, m, d, h, mi, s;
    }
}'
