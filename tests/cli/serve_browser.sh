#!/bin/bash
# serve_browser.sh - a real browser: headless Chromium (Debian's chromium,
# driven over the DevTools protocol by tests/lib/cdp.py) signs in, sees the
# dashboard, opens a district and a household, uploads an export and sees
# its summary, and sees a report's <script> as text.  Screenshots of each
# page are kept in $FFWORK/shots (FF_SHOTS=DIR keeps them elsewhere).
. "$FFTOP/tests/lib/common.sh"
. "$FFTOP/tests/lib/serve.sh"
S=$FFTOP/tests/data/intake/samples
L=$FFWORK/l.db
SHOTS=${FF_SHOTS:-$FFWORK/shots}
mkdir -p "$SHOTS"
ffintake register "$FFTOP/tests/data/households.csv" --ledger "$L" >/dev/null
ffintake load --ledger "$L" "$S/kobo_2568-01.csv" "$S/gforms_2568-01.csv" >/dev/null
CODE=$(awk -F, 'NR == 3 { print $1 }' "$FFTOP/tests/data/households.csv")
printf '"start";"end";"hhid";"month";"activity";"t_category";"result";"income_after";"status_after";"reporter";"_id";"_uuid";"_submission_time"\r\n"";"";"%s";"2025-01";"<script>alert(1)</script>";"skills";"ok";"";"1";"r";"1";"xss-1";"2025-01-10T01:00:00"\r\n' \
    "$CODE" > "$FFWORK/xss.csv"
ffintake load --ledger "$L" "$FFWORK/xss.csv" >/dev/null
echo 'ดอกไม้ 2568' | ffintake user add somchai --ledger "$L" >/dev/null
export SOURCE_DATE_EPOCH=1736910000     # 15 January 2568, 10:00 Bangkok
start_server "$FFWORK/s" --ledger "$L" || exit 1
timeout 120 python3 "$FFTOP/tests/lib/browse.py" "$URL" somchai 'ดอกไม้ 2568' \
    "$S/kobo_2568-02.csv" "$SHOTS" "$CODE" > "$FFWORK/browse.out" 2>&1
rc=$?
cat "$FFWORK/browse.out"
check "the browser run" [ $rc = 0 ]
check "signed in and saw the dashboard" grep -q '^dashboard: 22 districts, 24 รวมจังหวัดฉะเชิงเทรา' "$FFWORK/browse.out"
check "opened a district" grep -q '^district /district/' "$FFWORK/browse.out"
check "upload summary" grep -q '^upload summary: kobo_2568-02.csv รูปแบบ kobo, UTF-8 · load 3 รายงานทั้งหมด 172 รับ' "$FFWORK/browse.out"
check "the upload is in the ledger" [ "$(sqlite3 "$L" "SELECT count(*) FROM source WHERE file = 'kobo_2568-02.csv'")" = 1 ]
check "script shown as text" grep -q "shows the script as text" "$FFWORK/browse.out"
for p in login dashboard district household upload household-escaped; do
    check "screenshot $p" [ -s "$SHOTS/$p.png" ]
done
stop_server "$SPID"
finish
