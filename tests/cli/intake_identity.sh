#!/bin/bash
# intake_identity.sh - one submission across its edits, and the reviewer's
# verdict, as ODK Central and KoboToolbox export them (tests/gen/
# make_exports.py identity): an edit supersedes the version it replaces
# whatever the submission times say; the same version again is a
# duplicate; an older version loaded after its edit never wins; a report
# the reviewer rejected is not accepted and takes an earlier accepted copy
# out; "hasIssues" / "On Hold" stay accepted and are flagged.
set -eu
ff() { $FFRUN "$FFBIN/ffintake" "$@"; }
D=$FFTOP/tests/data/intake
V=$FFWORK/v
python3 "$FFTOP/tests/gen/make_exports.py" "$V" identity
q() { sqlite3 -separator '|' "$L" "$1"; }

# ---- ODK Central ----
L=$FFWORK/odk.db
ff register "$D/register.csv" --ledger "$L" >/dev/null
ff load --ledger "$L" "$V/odk_1.csv" >/dev/null
test "$(q "SELECT income FROM ledger WHERE hhid = '24010109307'
    AND current_outcome = 'accepted'")" = 41000.0
ff load --ledger "$L" "$V/odk_2.csv" --outcomes "$FFWORK/o2.out" \
    > "$FFWORK/o2.txt"
grep -qx "load 2: 7 records: 1 accepted, 5 duplicate, 0 superseded, 1 rejected; 0 late" \
    "$FFWORK/o2.txt"
sqlite3 "$L" "SELECT hhid, income FROM ledger
    WHERE current_outcome = 'accepted' ORDER BY hhid" > "$FFWORK/after2"
grep -qx "  review_rejected: 1 (column ReviewState: the reviewer rejected this report)" \
    "$FFWORK/o2.txt"
grep -qx "  edits replacing an earlier version: 1" "$FFWORK/o2.txt"
grep -qx "  earlier reports now rejected by the reviewer: 1" "$FFWORK/o2.txt"
grep -qx "  flagged by the reviewer (accepted, look at them): 1" "$FFWORK/o2.txt"
grep -qx "  corrections of earlier loads: 2" "$FFWORK/o2.txt"
tr -d '\r' < "$FFWORK/o2.out" > "$FFWORK/o2"
grep -qx "odk_2.csv,3,3,accepted,,0,24010109307,2025-01,," "$FFWORK/o2"
grep -qx "odk_2.csv,4,4,rejected,review_rejected,,24010304651,2025-01,ReviewState,the reviewer rejected this report" "$FFWORK/o2"
grep -qx "odk_2.csv,5,5,duplicate,same_submission_id,0,24010310148,2025-01,ReviewState,loaded before; the reviewer flags it now (has issues / on hold)" "$FFWORK/o2"
# The edit is accepted with the new income although its SubmissionDate is
# the original's; the old version is superseded, not deleted.
test "$(q "SELECT income || '|' || submitted FROM ledger
    WHERE hhid = '24010109307' AND current_outcome = 'accepted'")" \
    = "45000.0|1736060520"
test "$(q "SELECT r.income || '|' || s.why FROM record r JOIN supersession s
    ON s.record_id = r.id WHERE r.hhid = '24010109307'")" = "41000.0|edit"
# The rejected report no longer counts: no accepted record, reported as
# missing; its earlier copy is still in the ledger.
test "$(q "SELECT COUNT(*) FROM ledger WHERE hhid = '24010304651'
    AND current_outcome = 'accepted'")" = 0
test "$(q "SELECT COUNT(*) FROM record r JOIN withdrawal w
    ON w.record_id = r.id WHERE r.hhid = '24010304651'")" = 1
mkdir "$FFWORK/r"
ff report --ledger "$L" --month 2568-01 -o "$FFWORK/r" --no-pdf >/dev/null
grep -q '^2568-01,2401,.*,3,2,0,1,' "$FFWORK/r/reconciliation.csv"
# hasIssues: accepted, and the export says so.
ff export --ledger "$L" --month 2568-01 -o "$FFWORK/x.csv" >/dev/null
grep -q '^24010310148,.*,hasIssues' "$FFWORK/x.csv"
grep -q '^24010109307,.*,edited' "$FFWORK/x.csv" && exit 1
# An older export loaded after the newer one: its older version of the
# edited submission (Edits 0 < 1) is superseded and never wins.
ff load --ledger "$L" "$V/odk_0.csv" > "$FFWORK/o0.txt"
grep -qx "  older versions arriving after their edit: 1" "$FFWORK/o0.txt"
test "$(q "SELECT income FROM ledger WHERE hhid = '24010109307'
    AND current_outcome = 'accepted'")" = 45000.0
# ... and its copy of the report the reviewer rejected, with no review
# state, does not bring that report back: it may predate the review.
test "$(q "SELECT COUNT(*) FROM ledger WHERE hhid = '24010304651'
    AND current_outcome = 'accepted'")" = 0
# The reviewer approves it after all: it counts again, as a new record.
ff load --ledger "$L" "$V/odk_3.csv" --outcomes "$FFWORK/o3.out" >/dev/null
tr -d '\r' < "$FFWORK/o3.out" |
    grep -qx "odk_3.csv,4,4,accepted,,0,24010304651,2025-01,,approved again after the reviewer had rejected it"
test "$(q "SELECT COUNT(*) FROM ledger WHERE hhid = '24010304651'
    AND current_outcome = 'accepted'")" = 1

# The reviewer rejects a report that a later one had superseded already:
# withdrawn all the same; the later report stands.
ff load --ledger "$L" "$V/odk_5.csv" >/dev/null
ff load --ledger "$L" "$V/odk_6.csv" > "$FFWORK/o6.txt"
grep -qx "  earlier reports now rejected by the reviewer: 1" "$FFWORK/o6.txt"
test "$(q "SELECT income FROM ledger WHERE hhid = '24010105963'
    AND current_outcome = 'accepted'")" = 31000.0
test "$(q "SELECT COUNT(*) FROM record r JOIN withdrawal w
    ON w.record_id = r.id WHERE r.hhid = '24010105963'")" = 1

# Both exports in one load: the same result.
L2=$FFWORK/odk2.db
ff register "$D/register.csv" --ledger "$L2" >/dev/null
ff load --ledger "$L2" "$V/odk_1.csv" "$V/odk_2.csv" >/dev/null
sqlite3 "$L2" "SELECT hhid, income FROM ledger
    WHERE current_outcome = 'accepted' ORDER BY hhid" > "$FFWORK/both"
diff "$FFWORK/after2" "$FFWORK/both"
test "$(wc -l < "$FFWORK/both")" = 6
# The ledger's invariants hold for edits, withdrawals and stale versions.
ff check --ledger "$FFWORK/odk.db" >/dev/null
ff check --ledger "$L2" >/dev/null

# ---- KoboToolbox ----
L=$FFWORK/kobo.db
ff register "$D/register.csv" --ledger "$L" >/dev/null
ff load --ledger "$L" "$V/kobo_1.csv" >/dev/null
ff load --ledger "$L" "$V/kobo_2.csv" --outcomes "$FFWORK/k2.out" \
    > "$FFWORK/k2.txt"
# Two edits (rootUuid + deprecatedID; deprecatedID alone), one "Not
# Approved", one "On Hold" (same version: a duplicate, flagged).
grep -qx "load 2: 7 records: 2 accepted, 4 duplicate, 0 superseded, 1 rejected; 0 late" \
    "$FFWORK/k2.txt"
grep -qx "  review_rejected: 1 (column _validation_status: the reviewer rejected this report)" \
    "$FFWORK/k2.txt"
grep -qx "  edits replacing an earlier version: 2" "$FFWORK/k2.txt"
test "$(q "SELECT income FROM ledger WHERE hhid = '24021120915'
    AND current_outcome = 'accepted'")" = 27000.0
test "$(q "SELECT COUNT(*) FROM supersession WHERE why = 'edit'")" = 2
test "$(q "SELECT COUNT(*) FROM ledger WHERE hhid = '24010304651'
    AND current_outcome = 'accepted'")" = 0
ff export --ledger "$L" --month 2568-01 -o "$FFWORK/k.csv" >/dev/null
grep -q '^24030104852,.*,On Hold' "$FFWORK/k.csv"
test "$(grep -c '^24' "$FFWORK/k.csv")" = 6
ff check --ledger "$L" >/dev/null

# One file holding a submission and its edit, which moves the report to
# another household, and a report with the reviewer's rejection of it: the
# edit wins, the first version and the rejected report are out, and the
# ledger's invariants hold (the within-load supersession says why: edit).
L=$FFWORK/same.db
ff register "$D/register.csv" --ledger "$L" >/dev/null
{ head -1 "$V/odk_1.csv"; sed -n 2p "$V/odk_1.csv"
  sed -n 2p "$V/odk_1.csv" |
      sed 's/^2025-01-03T02:13:07/2025-01-04T02:13:07/; s/,24010105963,/,24010109307,/;
           s/uuid:00000001-aaaa-4bbb-8ccc-000000000000,uuid/uuid:00000001-aaaa-4bbb-8ccc-000000000001,uuid/;
           s/,,,collect:abc,0,/,,edited,collect:abc,1,/'
  sed -n 4p "$V/odk_1.csv"
  sed -n 4p "$V/odk_1.csv" | sed 's/,,,collect/,,rejected,collect/'; } > "$FFWORK/same.csv"
ff load --ledger "$L" "$FFWORK/same.csv" --outcomes "$FFWORK/same.out" > "$FFWORK/same.txt"
grep -qx "load 1: 4 records: 1 accepted, 0 duplicate, 2 superseded, 1 rejected; 0 late" \
    "$FFWORK/same.txt"
tr -d '\r' < "$FFWORK/same.out" | sed 1d > "$FFWORK/same"
printf '%s\n' \
    "same.csv,2,2,superseded,,0,24010105963,2025-01,," \
    "same.csv,3,3,accepted,,0,24010109307,2025-01,," \
    "same.csv,4,4,superseded,,0,24010304651,2025-01,," \
    "same.csv,5,5,rejected,review_rejected,,24010304651,2025-01,ReviewState,the reviewer rejected this report" |
    diff - "$FFWORK/same"
test "$(q "SELECT COUNT(*) FROM ledger WHERE current_outcome = 'accepted'")" = 1
test "$(q "SELECT COUNT(*) FROM supersession WHERE why = 'edit'")" = 1
test "$(q "SELECT COUNT(*) FROM withdrawal")" = 1
ff check --ledger "$L" >/dev/null
echo ok
