#!/bin/bash
# intake_cp874_late.sh - a Kobo CSV resaved by Excel in Windows-874 whose
# first Thai byte comes after 64 KiB (a few hundred reports of ASCII text
# first) is read as Windows-874 over the whole file: its Thai reports give
# the same accepted rows as the UTF-8 export, none is invalid_utf8.
. "$FFTOP/tests/lib/common.sh"
S=$FFTOP/tests/data/intake/samples
REG=$FFTOP/tests/data/households.csv
python3 - "$S/kobo_2568-01.csv" "$FFWORK/utf8.csv" "$FFWORK/late874.csv" <<'PY'
import sys
raw = open(sys.argv[1], "rb").read().decode("utf-8", "replace").split("\r\n")
head, rows = raw[0], [r for r in raw[1:] if r and "\ufffd" not in r]
rows = [r for r in rows if all(ord(ch) < 0x80 or 0x0e01 <= ord(ch) <= 0x0e5b for ch in r)]
# ASCII reports of another month first: 64 KiB and more before any Thai.
filler, n = [], 0
while sum(len(f) + 2 for f in filler) < 80 * 1024:
    n += 1
    filler.append('"";"";"24064280857";"2024-06";"training";"skills";"done";"";"1";"r";"%d";"fill-%05d";"2024-06-10T03:00:00"' % (900000 + n, n))
open(sys.argv[2], "w", encoding="utf-8", newline="").write("\r\n".join([head] + rows) + "\r\n")
open(sys.argv[3], "w", encoding="cp874", newline="").write("\r\n".join([head] + filler + rows) + "\r\n")
PY
check "the first Thai byte is after 64 KiB" python3 -c '
import sys; d = open(sys.argv[1], "rb").read(); i = next(i for i, b in enumerate(d) if b >= 0x80); sys.exit(i <= 65536)' "$FFWORK/late874.csv"
for f in utf8 late874; do
    ffintake register "$REG" --ledger "$FFWORK/$f.db" > /dev/null 2>&1
    ffintake load --ledger "$FFWORK/$f.db" "$FFWORK/$f.csv" > "$FFWORK/$f.out"
    sqlite3 "$FFWORK/$f.db" "SELECT hhid, activity, result, reporter, late FROM ledger
        WHERE current_outcome = 'accepted' AND month = '2025-01' ORDER BY hhid" > "$FFWORK/$f.rows"
done
check "read as Windows-874: $(head -1 "$FFWORK/late874.out")" grep -q "late874.csv: kobo, Windows-874" "$FFWORK/late874.out"
check "no record invalid_utf8" [ "$(grep -c invalid_utf8 "$FFWORK/late874.out")" = 0 ]
check "many Thai rows" [ "$(wc -l < "$FFWORK/utf8.rows")" -gt 100 ]
check "the same accepted rows as the UTF-8 export" cmp -s "$FFWORK/utf8.rows" "$FFWORK/late874.rows"
finish
