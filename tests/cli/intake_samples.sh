#!/bin/bash
# intake_samples.sh - the uncleaned sample exports: loading them twice gives
# the same ledger, and the second load says nothing changed.
set -eu
ff() { $FFRUN "$FFBIN/ffintake" "$@"; }
S=$FFTOP/tests/data/intake/samples
L=$FFWORK/l.db

ff register "$FFTOP/tests/data/households.csv" --ledger "$L" >/dev/null
ff load --ledger "$L" "$S/kobo_2568-01.csv" "$S/kobo_2568-02.csv" \
    "$S/gforms_2568-01.csv" "$S/gforms_2568-03.csv" > "$FFWORK/1.txt"
grep -q "^load 1: 688 records" "$FFWORK/1.txt"   # 4 files of 172 (python csv)
sqlite3 "$L" .dump > "$FFWORK/before.sql"

# Again, all at once and one by one, and the register too.
ff load --ledger "$L" "$S/gforms_2568-03.csv" "$S/kobo_2568-01.csv" \
    > "$FFWORK/2.txt"
grep -q "already loaded (load 1); nothing changed" "$FFWORK/2.txt"
grep -q "^nothing new: the ledger is unchanged" "$FFWORK/2.txt"
for f in "$S"/*.csv; do
    ff load --ledger "$L" "$f" | grep -q "nothing changed"
done
ff register "$FFTOP/tests/data/households.csv" --ledger "$L" |
    grep -q "already in the ledger as register snapshot 1; nothing changed"
# A copy under another name is the same bytes.
cp "$S/kobo_2568-02.csv" "$FFWORK/renamed.csv"
ff load --ledger "$L" "$FFWORK/renamed.csv" | grep -q "nothing changed"
sqlite3 "$L" .dump > "$FFWORK/after.sql"
cmp "$FFWORK/before.sql" "$FFWORK/after.sql"

# The same bytes twice on one command line count once; an empty file or a
# header without records is fine, a file without even a header is not.
L2=$FFWORK/l2.db
ff register "$FFTOP/tests/data/households.csv" --ledger "$L2" >/dev/null
ff load --ledger "$L2" "$S/kobo_2568-01.csv" "$FFWORK/renamed.csv" \
    "$S/kobo_2568-01.csv" > "$FFWORK/3.txt"
grep -q "kobo_2568-01.csv: same bytes as an earlier file here; skipped" \
    "$FFWORK/3.txt"
grep -q "^load 1: 344 records" "$FFWORK/3.txt"
head -1 "$S/kobo_2568-01.csv" > "$FFWORK/header-only.csv"
ff load --ledger "$L2" "$FFWORK/header-only.csv" | grep -q ": 0 records"
: > "$FFWORK/empty.csv"
if ff load --ledger "$L2" "$FFWORK/empty.csv" 2> "$FFWORK/err"; then
    exit 1
fi
grep -qx "ffintake: $FFWORK/empty.csv: empty file: no header" "$FFWORK/err"

# Every input record is in the ledger exactly once, with its provenance.
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM record")" = 688
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM record WHERE record_no < 2
    OR line < record_no OR load_id IS NULL")" = 0
test "$(sqlite3 "$L" "SELECT COUNT(DISTINCT sha256) FROM source")" = 4
sha=$(sha256sum "$S/kobo_2568-01.csv" | cut -d' ' -f1)
test "$(sqlite3 "$L" "SELECT file FROM source WHERE sha256 = '$sha'")" \
    = kobo_2568-01.csv
test "$(sqlite3 "$L" "PRAGMA journal_mode")" = wal

# Corrections of many households' January in a later load: each earlier
# accepted record is superseded by the same household's and month's new
# one, the older ones stay, the new ones are accepted.
python3 - "$S/kobo_2568-01.csv" "$FFWORK/fix-01.csv" <<'PY'
import csv, sys
src, dst = sys.argv[1], sys.argv[2]
with open(src, newline='', encoding='utf-8', errors='surrogateescape') as f:
    rows = list(csv.reader(f, delimiter=';'))
head, out = rows[0], []
t, u = head.index('_submission_time'), head.index('_uuid')
for i, r in enumerate(rows[1:]):
    if len(r) != len(head) or not r[t].startswith('2025-01'):
        continue
    r[t] = '2025-01-19T23:00:%02d' % (i % 60)     # later, still on time
    r[u] = 'fix-%06d' % i
    out.append(r)
with open(dst, 'w', newline='', encoding='utf-8', errors='surrogateescape') as f:
    w = csv.writer(f, delimiter=';', quoting=csv.QUOTE_ALL, lineterminator='\r\n')
    w.writerow(head)
    w.writerows(out)
PY
jan1() {    # January records of load 1 still accepted
    sqlite3 "$L" "SELECT COUNT(*) FROM ledger WHERE current_outcome =
        'accepted' AND month = '2025-01' AND load_id = 1"
}
before=$(jan1)
ff load --ledger "$L" "$FFWORK/fix-01.csv" > "$FFWORK/fix.txt"
n=$(sqlite3 "$L" "SELECT COUNT(*) FROM supersession")
test "$n" -gt 20
grep -q "corrections of earlier loads: $n" "$FFWORK/fix.txt"
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM supersession s
    JOIN record a ON a.id = s.record_id JOIN record b ON b.id = s.by_record
    WHERE a.hhid != b.hhid OR a.month != b.month OR b.load_id != 2
       OR a.load_id != 1 OR b.outcome != 'accepted'
       OR b.submitted < a.submitted")" = 0
test "$(jan1)" = "$((before - n))"
echo ok
