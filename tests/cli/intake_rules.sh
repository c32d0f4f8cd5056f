#!/bin/bash
# intake_rules.sh - every classification rule, one case each, through the
# CLI: kobo (';', CRLF, all quoted, multi-line values), gforms (BOM, ','),
# Windows-874, ODK Central and a renamed Google Form from the template map;
# deadline edges; resubmission with the same _uuid; identical rows;
# corrections across loads; each rejection reason; then the reconciliation
# of three months.  Expected outputs are in tests/data/intake/expect/.
set -eu
ff() { $FFRUN "$FFBIN/ffintake" "$@"; }
D=$FFTOP/tests/data/intake
X=$D/expect
L=$FFWORK/l.db
export FFKIT_TEMPLATE_DIR=$FFTOP/templates

ff register "$D/register.csv" --ledger "$L" > "$FFWORK/reg.txt"
grep -q "7 households stored, 0 rows rejected" "$FFWORK/reg.txt"

ff load --ledger "$L" "$D/kobo_rules.csv" --outcomes "$FFWORK/k.out" \
    > "$FFWORK/k.txt"
diff -u "$X/kobo_rules.outcomes" "$FFWORK/k.out"
grep -q "19 records: 6 accepted, 1 duplicate, 1 superseded, 11 rejected; 3 late" \
    "$FFWORK/k.txt"
for r in invalid_utf8 ragged_row missing_required hhid_malformed bad_check \
         unknown_hhid same_submission_id; do
    grep -q "^  $r: 1\( (column .*)\)\?$" "$FFWORK/k.txt"
done
# Per reason, the column most often at fault and what is wrong with it.
grep -qx "  bad_value: 5 (column _submission_time: not a date and time)" \
    "$FFWORK/k.txt"
grep -qx "  hhid_malformed: 1 (column hhid: a number in scientific notation (Excel): format the column as text and export again)" \
    "$FFWORK/k.txt"
grep -qx "  ragged_row: 1" "$FFWORK/k.txt"

ff load --ledger "$L" "$D/gforms_rules.csv" --outcomes "$FFWORK/g1.out" >/dev/null
diff -u "$X/gforms_rules.outcomes" "$FFWORK/g1.out"
ff load --ledger "$L" "$D/gforms_rules2.csv" --outcomes "$FFWORK/g2.out" \
    > "$FFWORK/g2.txt"
diff -u "$X/gforms_rules2.outcomes" "$FFWORK/g2.out"
grep -q "corrections of earlier loads: 1" "$FFWORK/g2.txt"
ff load --ledger "$L" "$D/gforms_cp874.csv" "$D/odk_2568-03.csv" \
    "$D/gforms_renamed.csv" --outcomes "$FFWORK/m.out" > "$FFWORK/m.txt"
diff -u "$X/march.outcomes" "$FFWORK/m.out"
grep -q "gforms_cp874.csv: gforms, Windows-874" "$FFWORK/m.txt"
grep -q "odk_2568-03.csv: odk-central" "$FFWORK/m.txt"
grep -q "gforms_renamed.csv: gforms-renamed" "$FFWORK/m.txt"

# A correction supersedes, it does not erase: load 2's record is still there.
test "$(sqlite3 "$L" "SELECT outcome || '/' || current_outcome FROM ledger
    WHERE load_id = 2 AND hhid = '24021120915' AND outcome = 'accepted'")" \
    = "accepted/superseded"
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM supersession")" = 1

# Reconciliation, BE and CE month spellings.
mkdir "$FFWORK/r"
for m in 2568-01 2025-02 2568-03; do
    ff report --ledger "$L" --month "$m" -o "$FFWORK/r" --no-pdf >/dev/null
    be=$m; case $m in 2025-*) be=2568-${m#2025-};; esac
    diff -u "$X/reconciliation-$be.csv" "$FFWORK/r/reconciliation.csv"
done
echo ok
