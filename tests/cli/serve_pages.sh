#!/bin/bash
# serve_pages.sh - the staff pages of ffintake serve over curl: nothing
# answers without its credentials, sessions (cookie flags, expiry, logout),
# CSRF on every form, the login rate limit, escaping of register and report
# text, the dashboard equal to reconciliation.csv, downloads, an upload
# loaded exactly like `ffintake load`, and the Family Folder printed again.
. "$FFTOP/tests/lib/common.sh"
. "$FFTOP/tests/lib/serve.sh"
S=$FFTOP/tests/data/intake/samples
L=$FFWORK/l.db
# The register with one village name that is markup.
awk -F, -v OFS=, 'NR > 1 && $16 == "1" && !done { $7 = "<img src=x onerror=alert(2)>"; done = 1 } { print }' \
    "$FFTOP/tests/data/households.csv" > "$FFWORK/reg.csv"
ffintake register "$FFWORK/reg.csv" --ledger "$L" >/dev/null
CODE1=$(awk -F, 'NR > 1 && $16 == "1" { print $1; exit }' "$FFWORK/reg.csv")
DIST1=$(sqlite3 "$L" "SELECT district_code FROM household WHERE code = '$CODE1'")
ffintake load --ledger "$L" "$S/kobo_2568-01.csv" "$S/gforms_2568-01.csv" > /dev/null
# A report whose activity is a script, for a household of the register.
printf '"start";"end";"hhid";"month";"activity";"t_category";"result";"income_after";"status_after";"reporter";"_id";"_uuid";"_submission_time"\r\n"";"";"%s";"2025-01";"<script>alert(1)</script>";"skills";"<b>ok</b>";"";"1";"r";"1";"xss-1";"2025-01-30T01:00:00"\r\n' \
    "$CODE1" > "$FFWORK/xss.csv"
ffintake load --ledger "$L" "$FFWORK/xss.csv" > /dev/null
check "user add from stdin" [ "$(echo 'correct horse 1' | ffintake user add somchai --ledger "$L")" = "user 'somchai' added" ]
check "password stored as Argon2id" [ "$(sqlite3 "$L" "SELECT substr(pwhash, 1, 10) FROM web_user")" = '$argon2id$' ]
check "password not in the ledger" not grep -q "correct horse" "$L"
check "short password refused" not ffintake user add x --ledger "$L" <<<"short" 2>/dev/null
TOK=$(ffintake token add t --ledger "$L" 2>/dev/null)
# Pinned clock: 15 January 2568 10:00 in Bangkok.
export SOURCE_DATE_EPOCH=1736910000
start_server "$FFWORK/s" --ledger "$L" \
    --ffgen "$FFBIN/ffgen" --register "$FFWORK/reg.csv" || exit 1

# Without credentials: pages send to the sign-in page, the rest say 401.
for p in / "/district/2401?month=2568-01" /household/$CODE1 \
         /household/$CODE1/folder.pdf /download/reconciliation.csv \
         /download/reconciliation.xlsx /download/reconciliation.pdf; do
    check "GET $p without a session: 303" [ "$(code GET "$p")" = 303 ]
done
check "redirect to /login" [ "$(curl -s -o /dev/null -w '%{redirect_url}' "$URL/")" = "$URL/login" ]
check "state without a session: 401" [ "$(code GET /api/state)" = 401 ]
for p in /upload /close /logout; do
    check "POST $p without a session: 401" [ "$(code POST $p -d csrf=x)" = 401 ]
done
check "a hook token is no session" [ "$(code GET / -H "Authorization: Bearer $TOK")" = 303 ]
check "a session is no hook token" [ "$(code POST /hooks/kobo -H 'Content-Type: application/json' -b "ffsid=$(printf '0%.0s' $(seq 64))" -d '{}')" = 401 ]
check "health is open" [ "$(code GET /health)" = 200 ]

# Sign in: the form's token must match its cookie (double submit).
J=$FFWORK/jar
login() {   # login USER PASSWORD [JAR]: prints the HTTP status
    local jar=${3:-$J} t
    curl -s -c "$jar" -b "$jar" "$URL/login" > "$FFWORK/login.html"
    t=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$FFWORK/login.html")
    curl -s -o "$FFWORK/login.out" -D "$FFWORK/login.hdr" -w '%{http_code}' \
        -c "$jar" -b "$jar" "$URL/login" --data-urlencode "csrf=$t" \
        --data-urlencode "user=$1" --data-urlencode "password=$2"
}
check "login without the form cookie: 403" [ "$(code POST /login -d csrf=abc -d user=somchai --data-urlencode 'password=correct horse 1')" = 403 ]
check "wrong password: 401" [ "$(login somchai wrong)" = 401 ]
check "unknown user: 401" [ "$(login nobody 'correct horse 1')" = 401 ]
check "right password: 303" [ "$(login somchai 'correct horse 1')" = 303 ]
check "session cookie flags" grep -qE '^Set-Cookie: ffsid=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict' "$FFWORK/login.hdr"
check "no Secure without TLS" not grep -q 'Secure' "$FFWORK/login.hdr"
curl -s -D "$FFWORK/tls.hdr" -o /dev/null -H 'X-Forwarded-Proto: https' "$URL/login"
check "Secure behind a TLS proxy" grep -q '^Set-Cookie: fflogin=.*; HttpOnly; SameSite=Strict; Secure' "$FFWORK/tls.hdr"
check "dashboard with the session" [ "$(code GET / -b "$J")" = 200 ]
curl -s -b "$J" "$URL/" > "$FFWORK/dash.html"
CSRF=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$FFWORK/dash.html" | head -1)
check "security headers" grep -q "Content-Security-Policy: default-src 'none'" "$FFWORK/login.hdr"

# The dashboard: BE month, the deadline, the previous month, and the same
# numbers as reconciliation.csv.
check "current month in BE" grep -q 'รายงานเดือน มกราคม 2568' "$FFWORK/dash.html"
check "days left to the 20th" grep -q 'เหลืออีก 6 วัน' "$FFWORK/dash.html"
check "previous month until closed" grep -q 'รายงานเดือน ธันวาคม 2567' "$FFWORK/dash.html"
ffintake report --ledger "$L" --month 2568-01 -o "$FFWORK" --no-pdf > /dev/null
python3 - "$FFWORK/dash.html" "$FFWORK/reconciliation.csv" > "$FFWORK/cmp.out" <<'PY'
import csv, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
sec = html.split('data-month="2025-01"')[1].split("</section>")[0]
page = []
for tr in re.findall(r"<tr>(.*?)</tr>", sec):
    if "<td>" not in tr:
        continue
    code = re.search(r">(\d{2,4}) ", tr).group(1)
    nums = [c.replace(",", "") for c in re.findall(r"<td[^>]*>([^<]*)</td>", tr)]
    page.append((code, nums[0], nums[1], nums[2], nums[3]))
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8-sig")))
file = [(r["district_code"], r["expected"], r["on_time"], r["late"], r["missing"]) for r in rows]
print("same" if page == file else "page %r\nfile %r" % (page, file))
PY
check "dashboard = reconciliation.csv: $(head -c 300 "$FFWORK/cmp.out")" grep -qx same "$FFWORK/cmp.out"
curl -s -b "$J" "$URL/api/state?month=2568-01" > "$FFWORK/state.json"
check "state JSON" python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["month"]=="2025-01" and s["districts"][-1]["code"]=="province"' "$FFWORK/state.json"
V1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$FFWORK/state.json")
curl -s -o /dev/null -X POST "$URL/hooks/kobo" -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' -d "{\"report/hhid\": \"$CODE1\", \"_uuid\": \"v-1\"}"
V2=$(curl -s -b "$J" "$URL/api/state?month=2568-01" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
check "a report changes the version the page polls" [ "$V1" != "$V2" ]
check "another month" grep -q 'รายงานเดือน มีนาคม 2568' <(curl -s -b "$J" "$URL/?month=2568-03")
check "bad month: 400" [ "$(code GET '/?month=13-2568' -b "$J")" = 400 ]

# A Kobo edit by hook: the household page says the first version was
# edited (not "a later report of the month").
for v in 1 2; do
    python3 - "$FFTOP/tests/data/serve/kobo_hook.json" "$CODE1" "$v" > "$FFWORK/ed$v.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["report/hhid"], d["report/month"] = sys.argv[2], "2025-03"
d["_uuid"] = "ed%s-0000-4000-8000-000000000000" % sys.argv[3]
d["meta/instanceID"] = "uuid:" + d["_uuid"]
d["meta/rootUuid"] = "uuid:ed1-0000-4000-8000-000000000000"
if sys.argv[3] == "2":
    d["meta/deprecatedID"] = "uuid:ed1-0000-4000-8000-000000000000"
d["_submission_time"] = "2025-03-0%sT02:00:00" % sys.argv[3]
print(json.dumps(d, ensure_ascii=False))
PY
    check "edit post $v: 201" [ "$(code POST /hooks/kobo -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' --data-binary @"$FFWORK/ed$v.json")" = 201 ]
done

# Escaping: register text and report text show as text.
curl -s -b "$J" "$URL/household/$CODE1" > "$FFWORK/hh.html"
check "activity escaped" grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$FFWORK/hh.html"
check "result escaped" grep -qF '&lt;b&gt;ok&lt;/b&gt;' "$FFWORK/hh.html"
check "no raw script" not grep -qF '<script>alert' "$FFWORK/hh.html"
check "village escaped" grep -qF '&lt;img src=x onerror=alert(2)&gt;' "$FFWORK/hh.html"
check "no raw img" not grep -qF '<img' "$FFWORK/hh.html"
check "rejected record shown with its reason" grep -q 'ข้อมูลที่ต้องมีไม่ครบ' "$FFWORK/hh.html"
check "late shown" grep -q 'ล่าช้า' "$FFWORK/hh.html"
check "an edited version says so" grep -q 'มีการแก้ไขรายงานนี้ (#' "$FFWORK/hh.html"
curl -s -b "$J" "$URL/district/$DIST1?month=2568-02" > "$FFWORK/d.html"
check "district lists missing" grep -q 'ครัวเรือนที่ยังไม่ส่งรายงาน' "$FFWORK/d.html"
check "district village escaped" grep -qF '&lt;img src=x onerror=alert(2)&gt;' "$FFWORK/d.html"
check "district no raw img" not grep -qF '<img' "$FFWORK/d.html"
check "unknown district: 404" [ "$(code GET /district/9999 -b "$J")" = 404 ]

# Downloads are the report writers' files.
curl -s -b "$J" "$URL/download/reconciliation.csv?month=2568-01" > "$FFWORK/dl.csv"
check "csv download = report" cmp "$FFWORK/dl.csv" "$FFWORK/reconciliation.csv"
curl -s -b "$J" "$URL/download/reconciliation.xlsx?month=2568-01" > "$FFWORK/dl.xlsx"
check "xlsx download" unzip -tq "$FFWORK/dl.xlsx" >/dev/null
curl -s -b "$J" "$URL/download/reconciliation.pdf?month=2568-01" > "$FFWORK/dl.pdf"
check "pdf download" qpdf --check "$FFWORK/dl.pdf" >/dev/null
curl -s -b "$J" "$URL/household/$CODE1/folder.pdf" > "$FFWORK/folder.pdf"
check "the Family Folder again" qpdf --check "$FFWORK/folder.pdf" >/dev/null

# CSRF: every form; a wrong or missing token changes nothing.
check "upload without token: 403" [ "$(code POST /upload -b "$J" -F "file=@$S/kobo_2568-02.csv")" = 403 ]
check "upload with a wrong token: 403" [ "$(code POST /upload -b "$J" -F "csrf=$(wrong "$CSRF")" -F "file=@$S/kobo_2568-02.csv")" = 403 ]
check "close without token: 403" [ "$(code POST /close -b "$J" -d month=2567-12)" = 403 ]
check "logout without token: 403" [ "$(code POST /logout -b "$J")" = 403 ]
check "nothing loaded by refused forms" [ "$(sqlite3 "$L" "SELECT count(*) FROM source WHERE file = 'kobo_2568-02.csv'")" = 0 ]

# Upload: loaded like `ffintake load`, answered with its summary.
curl -s -b "$J" -F "csrf=$CSRF" -F "file=@$S/kobo_2568-02.csv" "$URL/upload" > "$FFWORK/up.html"
L2=$FFWORK/l2.db
cp "$L" "$L2"; rm -f "$L2-wal"
sqlite3 "$L2" "PRAGMA wal_checkpoint" >/dev/null
check "upload stored" [ "$(sqlite3 "$L" "SELECT count(*) FROM source WHERE file = 'kobo_2568-02.csv'")" = 1 ]
ffintake register "$FFWORK/reg.csv" --ledger "$FFWORK/l3.db" >/dev/null
ffintake load --ledger "$FFWORK/l3.db" "$S/kobo_2568-02.csv" > "$FFWORK/cli.out"
recs=$(sed -n 's/^load [0-9]*: \([0-9]*\) records: \([0-9]*\) accepted.*/\1 \2/p' "$FFWORK/cli.out")
check "upload summary = load summary ($recs)" grep -q "<td id=\"records\">${recs% *}</td></tr><tr><th>รับ</th><td id=\"accepted\">${recs#* }</td>" "$FFWORK/up.html"
check "same rows as a command-line load" [ "$(sqlite3 "$L" "SELECT group_concat(outcome || reason || ifnull(hhid, ''), ',') FROM record r JOIN source s ON s.id = r.source_id WHERE s.file = 'kobo_2568-02.csv' ORDER BY r.id")" = "$(sqlite3 "$FFWORK/l3.db" "SELECT group_concat(outcome || reason || ifnull(hhid, ''), ',') FROM record ORDER BY id")" ]
curl -s -b "$J" -F "csrf=$CSRF" -F "file=@$S/kobo_2568-02.csv" "$URL/upload" > "$FFWORK/up2.html"
check "the same file again: nothing changed" grep -q 'ไฟล์นี้นำเข้าแล้ว' "$FFWORK/up2.html"
printf 'a,b\n1,2\n' > "$FFWORK/nodialect.csv"
check "a file of no dialect: 422" [ "$(code POST /upload -b "$J" -F "csrf=$CSRF" -F "file=@$FFWORK/nodialect.csv")" = 422 ]
check "its reason shown" grep -q 'header matches no dialect' <(curl -s -b "$J" -F "csrf=$CSRF" -F "file=@$FFWORK/nodialect.csv" "$URL/upload")

# Closing the previous month drops it from the dashboard.
check "close: 303" [ "$(code POST /close -b "$J" -d "csrf=$CSRF" -d month=2567-12)" = 303 ]
check "closed month gone" not grep -q 'รายงานเดือน ธันวาคม 2567' <(curl -s -b "$J" "$URL/")

# Sessions end at logout, and expire: a second server on the same ledger
# idles them out after 2 s (the first keeps the default, so that a slow,
# busy machine never expires a session in the middle of the checks above).
check "logout: 303" [ "$(code POST /logout -b "$J" -d "csrf=$CSRF")" = 303 ]
check "after logout: sign in again" [ "$(code GET / -b "$J")" = 303 ]
stop_server "$SPID"
start_server "$FFWORK/s2" --ledger "$L" --session-idle 2 || exit 1
check "login again" [ "$(login somchai 'correct horse 1')" = 303 ]
check "a fresh session works" [ "$(code GET / -b "$J")" = 200 ]
sleep 3
check "expired after idling" [ "$(code GET / -b "$J")" = 303 ]

# Rate limit: after 5 failures the right password is refused too.
for i in 1 2 3 4 5; do login somchai "wrong $i" "$FFWORK/jar2" > /dev/null; done
check "limited: 429" [ "$(login somchai 'correct horse 1' "$FFWORK/jar2")" = 429 ]
check "says to wait" grep -q 'wait 5 min' "$FFWORK/login.out"
check "the address is limited too (any name)" [ "$(login nobody x "$FFWORK/jar3")" = 429 ]
check "nothing personal in the servers' logs" not grep -qE "$CODE1|alert|correct horse" "$FFWORK/s.err" "$FFWORK/s2.err"
stop_server "$SPID"
finish
