#!/bin/bash
# intake_schema.sh - a ledger made by schema version 1 (no col_name,
# detail, logical_key, edits, deprecated, review, stale columns, no
# supersession.why, no withdrawal table, the old ledger view) is brought to
# version 2 when opened; its rows are kept and a load then works as on a new
# ledger.
set -eu
ff() { $FFRUN "$FFBIN/ffintake" "$@"; }
D=$FFTOP/tests/data/intake
L=$FFWORK/l.db
ff register "$D/register.csv" --ledger "$L" >/dev/null
ff load --ledger "$L" "$D/kobo_rules.csv" >/dev/null
# Turn it back into what version 1 wrote.
sqlite3 "$L" "DROP VIEW ledger; DROP INDEX record_key; DROP TABLE withdrawal;
    ALTER TABLE record DROP COLUMN col_name; ALTER TABLE record DROP COLUMN detail;
    ALTER TABLE record DROP COLUMN logical_key; ALTER TABLE record DROP COLUMN edits;
    ALTER TABLE record DROP COLUMN deprecated; ALTER TABLE record DROP COLUMN review;
    ALTER TABLE record DROP COLUMN stale; ALTER TABLE supersession DROP COLUMN why;
    CREATE VIEW ledger AS SELECT r.*, CASE WHEN r.outcome = 'accepted' AND
      s.record_id IS NOT NULL THEN 'superseded' ELSE r.outcome END AS
      current_outcome FROM record r LEFT JOIN supersession s ON s.record_id = r.id;
    UPDATE meta SET value = '1' WHERE key = 'schema_version';"
before=$(sqlite3 "$L" "SELECT COUNT(*) FROM record")
ff load --ledger "$L" "$D/gforms_rules.csv" >/dev/null
test "$(sqlite3 "$L" "SELECT value FROM meta WHERE key = 'schema_version'")" = 2
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
echo ok
