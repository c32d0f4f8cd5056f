#!/bin/bash
# serve_hooks.sh - ffintake serve's hooks: every answer code, real-shaped
# KoboToolbox and Apps Script posts, tokens, and the ledger a hook fills
# equal to the one `ffintake load` fills from the same reports.
. "$FFTOP/tests/lib/common.sh"
. "$FFTOP/tests/lib/serve.sh"
S=$FFTOP/tests/data/intake/samples
D=$FFTOP/tests/data/serve
L=$FFWORK/l.db
REG=$FFTOP/tests/data/households.csv

ffintake register "$REG" --ledger "$L" >/dev/null
TOK=$(ffintake token add kobo-province --ledger "$L" 2>"$FFWORK/tok.err")
check "token is 40 hex digits" grep -Eq '^[0-9a-f]{40}$' <<<"$TOK"
check "token add says once" grep -q "shown only this once" "$FFWORK/tok.err"
check "only the hash is stored" [ "$(sqlite3 "$L" "SELECT count(*) FROM api_token WHERE sha256 = '$(printf %s "$TOK" | sha256sum | cut -c1-64)'")" = 1 ]
check "the token itself is not in the ledger" not grep -q "$TOK" "$L"
check "a taken name is refused" not ffintake token add kobo-province --ledger "$L" 2>/dev/null
TOK2=$(ffintake token add apps-script --ledger "$L" 2>/dev/null)
start_server "$FFWORK/s" --ledger "$L" || exit 1
J='Content-Type: application/json'

# 401: no token, a wrong one, Basic with a wrong password.
check "401 without a token" [ "$(code POST /hooks/kobo -H "$J" --data-binary @"$D/kobo_hook.json")" = 401 ]
check "401 with a wrong token" [ "$(code POST /hooks/kobo -H "$J" -H "Authorization: Bearer $(wrong "$TOK")" --data-binary @"$D/kobo_hook.json")" = 401 ]
check "401 Basic wrong" [ "$(code POST /hooks/json -H "$J" -u "x:nope" -d '{}')" = 401 ]
check "nothing stored by refused posts" [ "$(sqlite3 "$L" 'SELECT count(*) FROM record')" = 0 ]

# 201 then 200: the real-shaped Kobo post, then Kobo's retry.
curl -s -o "$FFWORK/a1" -w '%{http_code}' -X POST "$URL/hooks/kobo" -H "$J" \
    -H "Authorization: Bearer $TOK" --data-binary @"$D/kobo_hook.json" > "$FFWORK/c1"
check "201 first" [ "$(cat "$FFWORK/c1")" = 201 ]
check "answer body" grep -qx '{"record": 1, "outcome": "accepted", "reason": "", "late": false}' "$FFWORK/a1"
curl -s -o "$FFWORK/a2" -w '%{http_code}' -X POST "$URL/hooks/kobo" -H "$J" \
    -u "kobo:$TOK" --data-binary @"$D/kobo_hook.json" > "$FFWORK/c2"
check "200 on a retry (Basic)" [ "$(cat "$FFWORK/c2")" = 200 ]
check "retry names the first record" cmp -s "$FFWORK/a1" "$FFWORK/a2"
check "stored once" [ "$(sqlite3 "$L" 'SELECT count(*) FROM record')" = 1 ]
check "stored as kobo from hook:kobo" [ "$(sqlite3 "$L" "SELECT s.file || ',' || s.dialect || ',' || r.submission_id || ',' || r.hhid FROM record r JOIN source s ON s.id = r.source_id")" = "hook:kobo,kobo,330da571-3221-4a32-bffa-05177e73fb55,24056117373" ]
# The same submission edited in Kobo: a new _uuid, same rootUuid; a Kobo
# resend of an already stored _uuid with another time is a duplicate (200).
sed 's/"_submission_time": "2025-01-01T02:57:17"/"_submission_time": "2025-01-03T02:57:17"/' "$D/kobo_hook.json" > "$FFWORK/resent.json"
check "same _uuid, other time: 200" [ "$(code POST /hooks/kobo -H "$J" -H "Authorization: Bearer $TOK" --data-binary @"$FFWORK/resent.json")" = 200 ]
check "still stored once" [ "$(sqlite3 "$L" 'SELECT count(*) FROM record')" = 1 ]

# Rejected records are stored and answered 201, retries 200.
sed 's/"report\/hhid": "24056117373"/"report\/hhid": "2.4050701919E+10"/; s/330da571/440da571/g' "$D/kobo_hook.json" > "$FFWORK/bad.json"
curl -s -o "$FFWORK/a3" -w '%{http_code}' -X POST "$URL/hooks/kobo" -H "$J" \
    -H "Authorization: Bearer $TOK" --data-binary @"$FFWORK/bad.json" > "$FFWORK/c3"
check "rejected: 201" [ "$(cat "$FFWORK/c3")" = 201 ]
check "rejected answer" grep -qx '{"record": 2, "outcome": "rejected", "reason": "hhid_malformed", "late": null}' "$FFWORK/a3"
check "rejected retry: 200" [ "$(code POST /hooks/kobo -H "$J" -H "Authorization: Bearer $TOK" --data-binary @"$FFWORK/bad.json")" = 200 ]
check "rejected stored once with raw fields" [ "$(sqlite3 "$L" "SELECT count(*) FROM record WHERE outcome = 'rejected' AND raw IS NOT NULL")" = 1 ]
# A Kobo form without some columns: stored, rejected missing_required.
check "kobo without month: 201" [ "$(code POST /hooks/kobo -H "$J" -H "Authorization: Bearer $TOK" -d '{"report/hhid": "24056117373", "_uuid": "u-1", "_submission_time": "2025-01-02T00:00:00"}')" = 201 ]
check "stored as missing_required" [ "$(sqlite3 "$L" "SELECT reason FROM record WHERE id = 3")" = missing_required ]

# 413, 415, 400.
python3 -c 'import json; print(json.dumps({"hhid": "x" * (1 << 20)}))' > "$FFWORK/big.json"
check "413 over 1 MiB" [ "$(code POST /hooks/kobo -H "$J" -H "Authorization: Bearer $TOK" --data-binary @"$FFWORK/big.json")" = 413 ]
check "413 chunked over 1 MiB" [ "$(code POST /hooks/kobo -H "$J" -H "Authorization: Bearer $TOK" -H 'Transfer-Encoding: chunked' --data-binary @"$FFWORK/big.json")" = 413 ]
check "415 form body" [ "$(code POST /hooks/kobo -H "Authorization: Bearer $TOK" -d 'hhid=1')" = 415 ]
check "415 no type" [ "$(code POST /hooks/json -H "Authorization: Bearer $TOK" -H 'Content-Type:' -d '{}')" = 415 ]
check "400 not JSON" [ "$(code POST /hooks/kobo -H "$J" -H "Authorization: Bearer $TOK" -d '{"hhid": ')" = 400 ]
check "400 a string" [ "$(code POST /hooks/kobo -H "$J" -H "Authorization: Bearer $TOK" -d '"24056117373"')" = 400 ]
check "400 kobo array" [ "$(code POST /hooks/kobo -H "$J" -H "Authorization: Bearer $TOK" -d '[{"hhid": "1"}]')" = 400 ]
check "400 array of numbers" [ "$(code POST /hooks/json -H "$J" -H "Authorization: Bearer $TOK" -d '[1, 2]')" = 400 ]
check "400 empty object" [ "$(code POST /hooks/json -H "$J" -H "Authorization: Bearer $TOK" -d '{}')" = 400 ]
check "400 columns of no dialect" [ "$(code POST /hooks/json -H "$J" -H "Authorization: Bearer $TOK" -d '{"name": "x"}')" = 400 ]
curl -s -X POST "$URL/hooks/json" -H "$J" -H "Authorization: Bearer $TOK" -d '{"hhid": "x"}' > "$FFWORK/a4"
check "400 says why" grep -q "matches no dialect" "$FFWORK/a4"
check "405 GET on a hook" [ "$(code GET /hooks/kobo -H "Authorization: Bearer $TOK")" = 405 ]
check "nothing stored by refused posts" [ "$(sqlite3 "$L" 'SELECT count(*) FROM record')" = 3 ]

# 503 with Retry-After while another process holds the write lock.
stop_server "$SPID"
start_server "$FFWORK/s" --ledger "$L" --write-timeout 800 || exit 1
python3 - "$L" > "$FFWORK/lock.out" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(3)
c.execute("ROLLBACK")
PY
LOCKER=$!
for i in $(seq 100); do grep -q locked "$FFWORK/lock.out" && break; sleep 0.05; done
sed 's/330da571/550da571/g' "$D/kobo_hook.json" > "$FFWORK/new.json"
curl -s -D "$FFWORK/h5" -o /dev/null -X POST "$URL/hooks/kobo" -H "$J" \
    -H "Authorization: Bearer $TOK" --data-binary @"$FFWORK/new.json"
check "503 while locked" grep -q "^HTTP/1.1 503" "$FFWORK/h5"
check "Retry-After" grep -qi "^Retry-After: 5" "$FFWORK/h5"
wait "$LOCKER"
check "after the lock: stored" [ "$(code POST /hooks/kobo -H "$J" -H "Authorization: Bearer $TOK" --data-binary @"$FFWORK/new.json")" = 201 ]
check "once" [ "$(sqlite3 "$L" "SELECT count(*) FROM record WHERE submission_id LIKE '550da571%'")" = 1 ]

# An edit made in Kobo arrives as a new _uuid with the first one's rootUuid
# and deprecatedID: it is stored accepted and the first version is
# superseded as edited, not kept beside it.
python3 - "$FFWORK/new.json" > "$FFWORK/edit.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["_uuid"] = "660da571-3221-4a32-bffa-05177e73fb55"
d["meta/instanceID"] = "uuid:" + d["_uuid"]
d["meta/deprecatedID"] = "uuid:550da571-3221-4a32-bffa-05177e73fb55"
d["report/result"] = "แก้ไขแล้ว"
d["_submission_time"] = "2025-01-04T02:57:17"
print(json.dumps(d, ensure_ascii=False))
PY
check "an edit: 201" [ "$(code POST /hooks/kobo -H "$J" -H "Authorization: Bearer $TOK" --data-binary @"$FFWORK/edit.json")" = 201 ]
check "the edit replaces the first version" [ "$(sqlite3 "$L" "SELECT group_concat(l.submission_id || '=' || l.current_outcome || '=' || ifnull(s.why, ''), ';') FROM ledger l LEFT JOIN supersession s ON s.record_id = l.id WHERE l.submission_id GLOB '[56][56]0da571-3221*' ORDER BY l.id")" = "550da571-3221-4a32-bffa-05177e73fb55=superseded=edit;660da571-3221-4a32-bffa-05177e73fb55=accepted=" ]

# Revoking a token: refused within a second.
ffintake token revoke kobo-province --ledger "$L" >/dev/null
ffintake token list --ledger "$L" > "$FFWORK/list"
check "list shows revoked" grep -q "^kobo-province	created .*	revoked " "$FFWORK/list"
check "list shows live" grep -q "^apps-script	created .*	live" "$FFWORK/list"
sleep 1.1
check "revoked token: 401" [ "$(code POST /hooks/kobo -H "$J" -H "Authorization: Bearer $TOK" --data-binary @"$FFWORK/new.json")" = 401 ]
stop_server "$SPID"

# The same reports by hook and by export give the same ledger rows.
for f in kobo_2568-01 gforms_2568-01; do :; done
LH=$FFWORK/hook.db LE=$FFWORK/export.db
for x in "$LH" "$LE"; do ffintake register "$REG" --ledger "$x" >/dev/null; done
T=$(ffintake token add t --ledger "$LH" 2>/dev/null)
start_server "$FFWORK/h" --ledger "$LH" || exit 1
python3 "$FFTOP/tests/lib/hookpost.py" post "$S/kobo_2568-01.csv" "$URL/hooks/kobo" "$T" \
    --shape kobo --filtered "$FFWORK/kobo.csv" > "$FFWORK/kobo.codes"
python3 "$FFTOP/tests/lib/hookpost.py" post "$S/gforms_2568-01.csv" "$URL/hooks/json" "$T" \
    --shape json --batch 7 --filtered "$FFWORK/gforms.csv" > "$FFWORK/gforms.codes"
stop_server "$SPID"
ffintake load --ledger "$LE" "$FFWORK/kobo.csv" "$FFWORK/gforms.csv" > "$FFWORK/load.out"
rows() {
    sqlite3 "$1" "SELECT hhid, month, current_outcome, reason, col, late,
        submitted, submitted_text, submission_id, hex(row_sha256), activity,
        category, result, income, status, reporter, hex(raw), s.dialect
        FROM ledger l JOIN source s ON s.id = l.source_id
        WHERE outcome != 'duplicate' ORDER BY l.id"
}
rows "$LH" > "$FFWORK/hook.rows"
rows "$LE" > "$FFWORK/export.rows"
check "hook rows = export rows" cmp "$FFWORK/hook.rows" "$FFWORK/export.rows"
check "rows are many" [ "$(wc -l < "$FFWORK/hook.rows")" -gt 250 ]
check "rejected ones too" [ "$(grep -c '|rejected|' "$FFWORK/hook.rows")" -gt 5 ]
# What the export stores as duplicates, the hook answered 200 (kobo: one
# post per record; gforms posts of 7 answer 200 only when all were there).
dups=$(sqlite3 "$LE" "SELECT count(*) FROM record r JOIN source s ON s.id = r.source_id WHERE s.dialect = 'kobo' AND outcome = 'duplicate'")
check "kobo duplicates answered 200" grep -qx "200 $dups" "$FFWORK/kobo.codes"
check "no duplicate rows from hooks" [ "$(sqlite3 "$LH" "SELECT count(*) FROM record WHERE outcome = 'duplicate'")" = 0 ]
# The rejected-records figure is left out: records with no month are
# counted by their source file's months, and a hook batch is not the file.
rec() { ffintake report --ledger "$1" --month 2568-01 -o "$FFWORK" --no-pdf | sed 's/rejected records [0-9]*; //'; }
check "same reconciliation" [ "$(rec "$LH")" = "$(rec "$LE")" ]
finish
