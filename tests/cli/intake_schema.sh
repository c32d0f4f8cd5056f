#!/bin/bash
# intake_schema.sh - a ledger made by schema version 1 (no col_name,
# detail, logical_key, edits, deprecated, review, stale columns, no
# supersession.why, no withdrawal table, the old ledger view) is brought to
# version 3 when a writer (load, migrate) opens it; its rows are kept and a
# load then works as on a new ledger.  Readers (report, export, check) open
# it read-only and refuse version 1 with what to run.  A version-2 ledger
# (every record's logical key in the index record_key, the accepted records
# by household first) gets the index of the few (record_key2) and the
# accepted records by month first the same way, and reads the same after.
set -eu
ff() { $FFRUN "$FFBIN/ffintake" "$@"; }
D=$FFTOP/tests/data/intake
L=$FFWORK/l.db
ff register "$D/register.csv" --ledger "$L" >/dev/null
ff load --ledger "$L" "$D/kobo_rules.csv" >/dev/null
# Turn it back into what version 1 wrote.
sqlite3 "$L" "DROP VIEW ledger; DROP INDEX record_key2; DROP TABLE withdrawal;
    DROP INDEX record_accepted2;
    CREATE INDEX record_accepted ON record(hhid, month) WHERE outcome = 'accepted';
    ALTER TABLE record DROP COLUMN col_name; ALTER TABLE record DROP COLUMN detail;
    ALTER TABLE record DROP COLUMN logical_key; ALTER TABLE record DROP COLUMN edits;
    ALTER TABLE record DROP COLUMN deprecated; ALTER TABLE record DROP COLUMN review;
    ALTER TABLE record DROP COLUMN stale; ALTER TABLE supersession DROP COLUMN why;
    CREATE VIEW ledger AS SELECT r.*, CASE WHEN r.outcome = 'accepted' AND
      s.record_id IS NOT NULL THEN 'superseded' ELSE r.outcome END AS
      current_outcome FROM record r LEFT JOIN supersession s ON s.record_id = r.id;
    UPDATE meta SET value = '1' WHERE key = 'schema_version';"
before=$(sqlite3 "$L" "SELECT COUNT(*) FROM record")
# Readers open the ledger read-only: they never migrate it, and refuse
# version 1 (their queries need version 2's columns), saying what to run;
# the file is left as it was.
sum=$(sha256sum < "$L")
mkdir "$FFWORK/r1"
for cmd in "report --month 2568-01 -o $FFWORK/r1 --no-pdf" \
           "export --month 2568-01 -o $FFWORK/r1/x.csv" "check"; do
    rc=0
    ff $cmd --ledger "$L" > "$FFWORK/out" 2> "$FFWORK/err" || rc=$?
    test "$rc" = 1
    grep -q "ledger schema version 1 .*run 'ffintake migrate --ledger $L'" \
        "$FFWORK/err"
    test "$(sha256sum < "$L")" = "$sum"
    test ! -s "$L-wal"      # a WAL ledger: an empty -wal at most
    test "$(sqlite3 "$L" "SELECT value FROM meta WHERE key = 'schema_version'")" = 1
done
test ! -e "$FFWORK/r1/reconciliation.csv"
test ! -e "$FFWORK/r1/x.csv"
# 'ffintake migrate' (a writer) brings a copy to version 3; check is then
# content with it, and a second migrate has nothing to do.
cp "$L" "$FFWORK/m.db"
ff migrate --ledger "$FFWORK/m.db" > "$FFWORK/out" 2> "$FFWORK/err"
grep -qx "ffintake: $FFWORK/m.db: ledger migrated from schema version 1 to 3" "$FFWORK/err"
grep -qx "$FFWORK/m.db: schema version 3 now" "$FFWORK/out"
test "$(sqlite3 "$FFWORK/m.db" "SELECT value FROM meta WHERE key = 'schema_version'")" = 3
ff check --ledger "$FFWORK/m.db" >/dev/null
ff migrate --ledger "$FFWORK/m.db" | grep -q "schema version 3 already; nothing to migrate"
test "$(sqlite3 "$FFWORK/m.db" "SELECT COUNT(*) FROM record")" = "$before"
# A load migrates too.
ff load --ledger "$L" "$D/gforms_rules.csv" > "$FFWORK/out" 2> "$FFWORK/err"
grep -q "ledger migrated from schema version 1 to 3" "$FFWORK/err"
test "$(sqlite3 "$L" "SELECT value FROM meta WHERE key = 'schema_version'")" = 3
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM pragma_table_info('record')
    WHERE name IN ('col_name', 'detail', 'logical_key', 'edits',
                   'deprecated', 'review', 'stale')")" = 7
sqlite3 "$L" "SELECT sql FROM sqlite_master WHERE name = 'ledger'" |
    grep -q withdrawal
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM record WHERE load_id = 1")" = "$before"
# Version-1 rows have NULL in the new columns; the new load's rows use them.
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM record WHERE load_id = 1
    AND detail IS NOT NULL")" = 0
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM record WHERE load_id = 2
    AND outcome = 'duplicate' AND detail IS NOT NULL")" = 1
mkdir "$FFWORK/r"
ff report --ledger "$L" --month 2568-01 -o "$FFWORK/r" --no-pdf >/dev/null
ff check --ledger "$L" >/dev/null

# ---- version 2: the index of every record's logical key ----
# A ledger with edits, duplicates and a reviewer's verdicts, its export and
# report as version 3 gives them; then the same ledger as version 2 wrote it.
V=$FFWORK/v
python3 "$FFTOP/tests/gen/make_exports.py" "$V" identity
L2=$FFWORK/v2.db
ff register "$D/register.csv" --ledger "$L2" >/dev/null
ff load --ledger "$L2" "$V/odk_1.csv" "$V/odk_2.csv" >/dev/null
ff load --ledger "$L2" "$V/kobo_1.csv" "$V/kobo_2.csv" >/dev/null
ff export --ledger "$L2" --month 2568-01 -o "$FFWORK/x3.csv" >/dev/null
mkdir "$FFWORK/r3" "$FFWORK/r2"
ff report --ledger "$L2" --month 2568-01 -o "$FFWORK/r3" --no-pdf >/dev/null
# The few records record_key2 holds: none of them a submission's first
# record under its own id.
test "$(sqlite3 "$L2" "SELECT COUNT(*) FROM record INDEXED BY record_key2
    WHERE logical_key IS NOT NULL AND (dup_key IS NULL OR submission_id IS NULL
    OR (submission_id <> logical_key AND submission_id <> 'uuid:' || logical_key))")" -lt \
    "$(sqlite3 "$L2" "SELECT COUNT(*) FROM record WHERE logical_key IS NOT NULL")"
sqlite3 "$L2" "DROP INDEX record_key2;
    CREATE INDEX record_key ON record(logical_key) WHERE logical_key IS NOT NULL;
    DROP INDEX record_accepted2;
    CREATE INDEX record_accepted ON record(hhid, month) WHERE outcome = 'accepted';
    UPDATE meta SET value = '2' WHERE key = 'schema_version';"
rc=0
ff export --ledger "$L2" --month 2568-01 -o "$FFWORK/x2.csv" > "$FFWORK/out" 2> "$FFWORK/err" || rc=$?
test "$rc" = 1
grep -q "ledger schema version 2 .*run 'ffintake migrate --ledger $L2'" "$FFWORK/err"
test ! -e "$FFWORK/x2.csv"
ff migrate --ledger "$L2" > "$FFWORK/out" 2> "$FFWORK/err"
grep -qx "ffintake: $L2: ledger migrated from schema version 2 to 3" "$FFWORK/err"
test "$(sqlite3 "$L2" "SELECT value FROM meta WHERE key = 'schema_version'")" = 3
test "$(sqlite3 "$L2" "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('record_key', 'record_accepted')")" = 0
sqlite3 "$L2" "SELECT sql FROM sqlite_master WHERE name = 'record_accepted2'" |
    grep -q "ON record(month, hhid)"
sqlite3 "$L2" "SELECT sql FROM sqlite_master WHERE name = 'record_key2'" |
    grep -q "submission_id <> 'uuid:' || logical_key"
ff export --ledger "$L2" --month 2568-01 -o "$FFWORK/x2.csv" >/dev/null
cmp "$FFWORK/x3.csv" "$FFWORK/x2.csv"
ff report --ledger "$L2" --month 2568-01 -o "$FFWORK/r2" --no-pdf >/dev/null
cmp "$FFWORK/r3/reconciliation.csv" "$FFWORK/r2/reconciliation.csv"
ff check --ledger "$L2" >/dev/null
echo ok
