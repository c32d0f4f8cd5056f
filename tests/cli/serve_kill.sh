#!/bin/bash
# serve_kill.sh - 2,000 submissions from 50 concurrent clients, the server
# SIGKILLed in the middle of them and started again, the senders retrying
# whatever was not acknowledged.  Afterwards every acknowledged submission
# is in the ledger exactly once, and nothing is half there: no record
# without its receipt or receipt without its record, no unfinished load, no
# source whose record count disagrees with its records.
. "$FFTOP/tests/lib/common.sh"
. "$FFTOP/tests/lib/serve.sh"
L=$FFWORK/l.db
REG=$FFTOP/tests/data/households.csv
N=2000

ffintake register "$REG" --ledger "$L" >/dev/null
TOK=$(ffintake token add load --ledger "$L" 2>/dev/null)
start_server "$FFWORK/s" --ledger "$L" || exit 1
echo "$URL" > "$FFWORK/url"
python3 "$FFTOP/tests/lib/hookload.py" "$REG" "$FFWORK/url" "$TOK" $N 50 \
    "$FFWORK/acked.json" > "$FFWORK/load.out" 2> "$FFWORK/load.err" &
DRIVER=$!
# Three kills, at about a quarter, a half and three quarters of the
# acknowledgements: each in the middle of traffic.  The same port again
# after each, so the senders find it (they reread the URL file).
for at in 500 1000 1500; do
    for i in $(seq 1 6000); do      # up to 2 min on a busy machine
        k=$(cat "$FFWORK/acked.json.progress" 2>/dev/null || echo 0)
        [ "${k:-0}" -ge $at ] && break
        sleep 0.02
    done
    kill -KILL "$SPID"; wait "$SPID" 2>/dev/null
    SERVER_PIDS=""
    k=$(cat "$FFWORK/acked.json.progress")
    check "killed in the middle ($k)" [ "$k" -ge $at ] && [ "$k" -lt $N ]
    sleep 0.2
    start_server "$FFWORK/s$at" --ledger "$L" --listen "127.0.0.1:$PORT" ||
        { sleep 1; start_server "$FFWORK/s$at" --ledger "$L" \
              --listen "127.0.0.1:$PORT"; } || exit 1
done
wait "$DRIVER"
check "driver done" [ -s "$FFWORK/acked.json" ]
check "no unexpected answers" [ ! -s "$FFWORK/load.err" ]
stop_server "$SPID"
python3 - "$L" "$FFWORK/acked.json" $N > "$FFWORK/verify.out" <<'PY'
import json, sqlite3, sys
db, acked, n = sqlite3.connect(sys.argv[1]), json.load(open(sys.argv[2]))["acked"], int(sys.argv[3])
bad = []
if len(acked) != n:
    bad.append("acknowledged %d of %d" % (len(acked), n))
q = lambda s, *a: db.execute(s, a).fetchall()
for uid, a in acked.items():
    if a["rejected"]:
        rows = q("SELECT id, outcome FROM record WHERE instr(raw, ?) > 0", uid)
    else:
        rows = q("SELECT id, outcome FROM record WHERE submission_id = ?", uid)
    if len(rows) != 1 or rows[0][0] != a["record"]:
        bad.append("%s: %r, answered %r" % (uid, rows, a))
    elif (rows[0][1] == "rejected") != a["rejected"]:
        bad.append("%s: outcome %s" % (uid, rows[0][1]))
total = q("SELECT count(*) FROM record")[0][0]
if total != n:
    bad.append("%d records for %d submissions" % (total, n))
if q("SELECT count(*) FROM record r WHERE NOT EXISTS (SELECT 1 FROM hook_receipt h WHERE h.record_id = r.id)")[0][0]:
    bad.append("a record without its receipt")
if q("SELECT count(*) FROM hook_receipt h WHERE NOT EXISTS (SELECT 1 FROM record r WHERE r.id = h.record_id)")[0][0]:
    bad.append("a receipt without its record")
if q("SELECT count(*) FROM load WHERE finished_at IS NULL")[0][0]:
    bad.append("an unfinished load")
if q("SELECT count(*) FROM source s WHERE records != (SELECT count(*) FROM record r WHERE r.source_id = s.id)")[0][0]:
    bad.append("a source whose count disagrees")
if q("SELECT count(*) FROM (SELECT hhid, month FROM ledger WHERE current_outcome = 'accepted' GROUP BY 1, 2 HAVING count(*) > 1)")[0][0]:
    bad.append("two accepted records for one household and month")
if q("PRAGMA integrity_check")[0][0] != "ok":
    bad.append("integrity_check")
print("\n".join(bad) if bad else "ok %d" % n)
PY
check "ledger consistent after the kill: $(head -3 "$FFWORK/verify.out")" grep -qx "ok $N" "$FFWORK/verify.out"
finish
