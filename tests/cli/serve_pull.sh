#!/bin/bash
# serve_pull.sh - ffintake pull against local stand-ins of KoboToolbox's
# data API and ODK Central's OData (tests/lib/standin.py): what is new since
# the last pull, every page, the mark remembered, an ODK edit arriving as a
# new version that supersedes the first, credentials, and a failure half
# way that stores nothing and moves no mark.
. "$FFTOP/tests/lib/common.sh"
not() { ! "$@"; }
L=$FFWORK/l.db
D=$FFWORK/standin
mkdir -p "$D"
REG=$FFTOP/tests/data/households.csv
ffintake register "$REG" --ledger "$L" >/dev/null
python3 - "$REG" "$D" <<'PY'
import csv, json, sys
codes = [r[0] for r in list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))[1:4]]
d = sys.argv[2]
kobo = []
for i in range(5):
    kobo.append({"_id": 1000 + i, "formhub/uuid": "f1", "start": "", "end": "",
        "report/hhid": codes[i % 3], "report/month": "2025-01",
        "report/activity": "กิจกรรม %d" % i, "report/t_category": "skills",
        "report/result": "ผล", "report/income_after": "40000",
        "report/status_after": "1", "report/reporter": "r",
        "meta/instanceID": "uuid:k-%d" % i, "meta/rootUuid": "uuid:k-%d" % i,
        "_uuid": "k-%d" % i, "_submission_time": "2025-01-0%dT03:00:00" % (i + 1),
        "_validation_status": {}, "_attachments": [], "_geolocation": [None, None]})
json.dump(kobo[:5], open(d + "/kobo.json", "w"), ensure_ascii=False)
json.dump(kobo, open(d + "/kobo.all.json", "w"), ensure_ascii=False)
def odk(i, code, date, inst, updated=None, result="ผล"):
    return {"__id": "uuid:o-%d" % i, "report": {"hhid": code, "month": "2025-03",
        "activity": "กิจกรรม", "t_category": "attitude", "result": result,
        "income_after": "39000", "status_after": "1", "reporter": "r"},
        "meta": {"instanceID": inst},
        "__system": {"submissionDate": date, "updatedAt": updated,
            "submitterId": "7", "submitterName": "team", "attachmentsPresent": 0,
            "attachmentsExpected": 0, "status": None, "reviewState": None,
            "deviceId": None, "edits": 0 if updated is None else 1, "formVersion": "1"}}
o = [odk(i, codes[i], "2025-03-0%dT02:00:00.000Z" % (i + 1), "uuid:o-%d" % i) for i in range(3)]
json.dump(o, open(d + "/odk.json", "w"), ensure_ascii=False)
# The edit: same __id, a new instanceID, updatedAt set, another result.
o[1] = odk(1, codes[1], "2025-03-02T02:00:00.000Z", "uuid:o-1-edit",
           updated="2025-03-25T09:00:00.000Z", result="ผลที่แก้ไข")
json.dump(o, open(d + "/odk.edited.json", "w"), ensure_ascii=False)
PY
echo "kobotoken123" > "$D/kobo.token"
echo "team@example.org:secret pw" > "$D/odk.creds"
printf 'kobotoken123\n' > "$FFWORK/kobo.tok"; chmod 600 "$FFWORK/kobo.tok"
printf 'team@example.org:secret pw\n' > "$FFWORK/odk.cred"; chmod 600 "$FFWORK/odk.cred"
python3 "$FFTOP/tests/lib/standin.py" "$D" "$FFWORK/port" &
STANDIN=$!
trap 'kill $STANDIN 2>/dev/null; wait $STANDIN 2>/dev/null' EXIT
for i in $(seq 100); do [ -s "$FFWORK/port" ] && break; sleep 0.05; done
B=http://127.0.0.1:$(cat "$FFWORK/port")
kpull() { ffintake pull --ledger "$L" --kobo "$B" --asset aKp3aXH4 --token-file "$@"; }
opull() { ffintake pull --ledger "$L" --odk "$B/" --project 4 --form monthly --credentials-file "$@"; }

# Kobo: everything the first time (3 pages), then only what is new.
kpull "$FFWORK/kobo.tok" > "$FFWORK/k1.out"
check "kobo: 5 fetched" grep -q "^kobo:$B:aKp3aXH4: 5 records fetched: load 1: 3 accepted, 0 duplicate, 2 superseded, 0 rejected; 0 late" "$FFWORK/k1.out"
check "kobo: mark is the last _id" grep -qx "next pull starts after 1004" "$FFWORK/k1.out"
check "kobo: 3 pages" [ "$(grep -c '^/api/v2/assets/aKp3aXH4/data/' "$D/log")" = 3 ]
check "kobo: stored from pull:kobo" [ "$(sqlite3 "$L" "SELECT count(*) FROM record r JOIN source s ON s.id = r.source_id WHERE s.file = 'pull:kobo' AND s.dialect = 'kobo'")" = 5 ]
: > "$D/log"
kpull "$FFWORK/kobo.tok" > "$FFWORK/k2.out"
check "kobo: the filter asks after the mark" grep -qF 'query={"_id":{"$gt":1004}}' "$D/log"
check "kobo: nothing new" grep -q "0 new records fetched; nothing new" "$FFWORK/k2.out"
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); a.append(dict(a[0], _id=1005, _uuid="k-5", **{"report/activity": "ใหม่", "_submission_time": "2025-01-10T03:00:00"})); json.dump(a, open(sys.argv[2], "w"))' "$D/kobo.json" "$D/kobo.new"
mv "$D/kobo.new" "$D/kobo.json"
kpull "$FFWORK/kobo.tok" > "$FFWORK/k3.out"
check "kobo: the one new record" grep -q ": 1 records fetched: load [0-9]*: 1 accepted" "$FFWORK/k3.out"
check "kobo: it superseded an earlier one" [ "$(sqlite3 "$L" "SELECT count(*) FROM supersession")" = 1 ]
echo wrong > "$FFWORK/bad.tok"; chmod 600 "$FFWORK/bad.tok"
kpull "$FFWORK/bad.tok" 2> "$FFWORK/k4.err"; rc=$?
check "kobo: wrong token exit 1" [ $rc = 1 ]
check "kobo: says refused" grep -q "refused the credentials (HTTP 401)" "$FFWORK/k4.err"
check "kobo: the token is not printed" not grep -q "wrong\|kobotoken" "$FFWORK/k4.err"
chmod 644 "$FFWORK/kobo.tok"
check "kobo: a token file others may read is refused" not kpull "$FFWORK/kobo.tok" 2>/dev/null
chmod 600 "$FFWORK/kobo.tok"

# ODK: three submissions, then an edit of one as a new version.
opull "$FFWORK/odk.cred" > "$FFWORK/o1.out"
check "odk: 3 fetched, accepted" grep -q ": 3 records fetched: load [0-9]*: 3 accepted" "$FFWORK/o1.out"
check "odk: mark" grep -qx "next pull starts after 2025-03-03T02:00:00.000Z" "$FFWORK/o1.out"
check "odk: dialect odk-central" [ "$(sqlite3 "$L" "SELECT count(*) FROM record r JOIN source s ON s.id = r.source_id WHERE s.file = 'pull:odk' AND s.dialect = 'odk-central'")" = 3 ]
cp "$D/odk.edited.json" "$D/odk.json"
: > "$D/log"
opull "$FFWORK/odk.cred" > "$FFWORK/o2.out"
check "odk: filter on updatedAt" grep -qF '$filter=__system/submissionDate gt 2025-03-03T02:00:00.000Z or __system/updatedAt gt 2025-03-03T02:00:00.000Z' "$D/log"
check "odk: the edit fetched and accepted" grep -q ": 1 records fetched: load [0-9]*: 1 accepted" "$FFWORK/o2.out"
check "odk: the edit supersedes the first version" [ "$(sqlite3 "$L" "SELECT group_concat(submission_id || '=' || current_outcome || '=' || result, ';') FROM ledger WHERE month = '2025-03' AND submission_id LIKE 'uuid:o-1%' ORDER BY id")" = "uuid:o-1=superseded=ผล;uuid:o-1-edit=accepted=ผลที่แก้ไข" ]
check "odk: mark moved to updatedAt" grep -qx "next pull starts after 2025-03-25T09:00:00.000Z" "$FFWORK/o2.out"
opull "$FFWORK/odk.cred" > "$FFWORK/o3.out"
check "odk: then nothing" grep -q "0 new records fetched" "$FFWORK/o3.out"

# A failure on the second page: nothing of the pull is stored.
cp "$D/kobo.all.json" "$D/kobo.json"
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); a += [dict(a[0], _id=2000+i, _uuid="f-%d" % i) for i in range(5)]; json.dump(a, open(sys.argv[1], "w"))' "$D/kobo.json"
before=$(sqlite3 "$L" "SELECT count(*) FROM record; SELECT mark FROM pull_mark ORDER BY source")
# The stand-in counts pages from its start: a fresh one fails its second.
kill $STANDIN; wait $STANDIN 2>/dev/null
rm -f "$FFWORK/port"; echo 2 > "$D/fail"
python3 "$FFTOP/tests/lib/standin.py" "$D" "$FFWORK/port" &
STANDIN=$!
for i in $(seq 100); do [ -s "$FFWORK/port" ] && break; sleep 0.05; done
B=http://127.0.0.1:$(cat "$FFWORK/port")
ffintake pull --ledger "$L" --kobo "$B" --asset aKp3aXH4 --token-file "$FFWORK/kobo.tok" 2> "$FFWORK/k5.err"; rc=$?
check "failure half way: exit 3" [ $rc = 3 ]
check "says HTTP 500" grep -q "answered HTTP 500" "$FFWORK/k5.err"
check "nothing stored, no mark moved" [ "$(sqlite3 "$L" "SELECT count(*) FROM record; SELECT mark FROM pull_mark ORDER BY source")" = "$before" ]
finish
