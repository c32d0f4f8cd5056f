#!/bin/bash
# report_scale.sh - report and export on a ledger of 20,000 households and
# three months (about one report per household per month, corrections,
# re-sent submissions, late reports, last month's reports, rejected records
# with and without a month, a late file of corrections for January loaded
# with March) give the same reconciliation as a small reference computed
# here from the generated inputs and the rules of intake/README.md.
# Correctness at a size where quadratic code shows; not a timing.
set -eu
ff() { $FFRUN "$FFBIN/ffintake" "$@"; }
W=$FFWORK
L=$W/l.db
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

bash "$FFTOP/bench/make_register.sh" 20000 "$W/r0.csv"
# Not every household is expected: every 9th has status 2..4; incomes
# spread around the threshold.
$PY - "$W/r0.csv" "$W/register.csv" <<'EOF'
import csv, sys
with open(sys.argv[1], encoding="utf-8", newline="") as f, \
        open(sys.argv[2], "w", encoding="utf-8", newline="") as g:
    r, w = csv.reader(f), csv.writer(g, lineterminator="\n")
    w.writerow(next(r))
    for i, row in enumerate(r):
        row[15] = str(2 + i // 9 % 3) if i % 9 == 4 else "1"
        row[13] = str(30000 + i * 37 % 16000)
        w.writerow(row)
EOF
for m in 1 2 3; do
    $PY "$FFTOP/bench/gen_month.py" "$W/register.csv" 2025-0$m $((m + 14)) \
        > "$W/k$m.csv"
done
# January corrections sent in February (late, new ids): most supersede the
# accepted record of an earlier load; some are older than it and are
# superseded themselves; some fill a household that had not reported.
$PY - "$W/register.csv" "$W/k1.csv" "$W/corr.csv" <<'EOF'
import csv, random, sys
rnd = random.Random(7)
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    codes = [r[0] for r in list(csv.reader(f))[1:]]
with open(sys.argv[2], encoding="utf-8", newline="") as f:
    rows = list(csv.reader(f, delimiter=";"))
head = rows[0]
with open(sys.argv[3], "w", encoding="utf-8", newline="") as g:
    w = csv.writer(g, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(head)
    for i, code in enumerate(rnd.sample(codes, 400)):
        t = "2025-01-02T01:00:%02d" % (i % 60) if i % 5 == 0 else \
            "2025-02-%02dT%02d:%02d:00" % (1 + i % 9, i % 24, i % 60)
        inc = "" if i % 7 == 0 else str(25000 + i * 113 % 20000)
        w.writerow([t, t, code, "2025-01", "ติดตาม", "skills", "แก้ไข",
                    inc, "1", "", str(900000 + i),
                    "c0rr%04d-0000-4000-a000-%012d" % (i, i), t])
EOF

ff register "$W/register.csv" --ledger "$L" > /dev/null 2> /dev/null
ff load --ledger "$L" "$W/k1.csv" > /dev/null
ff load --ledger "$L" "$W/k2.csv" > /dev/null
ff load --ledger "$L" "$W/k3.csv" "$W/corr.csv" > /dev/null
ff check --ledger "$L" > /dev/null

# The reference: plain csv, the documented rules, nothing of ffintake.
$PY - "$W" <<'EOF' > "$W/expected.txt"
import csv, datetime, sys
W = sys.argv[1]
THRESHOLD = 38000.0
hh = {}         # code -> (district, status, income)
with open(W + "/register.csv", encoding="utf-8", newline="") as f:
    r = csv.reader(f)
    next(r)
    for row in r:
        hh[row[0]] = (row[5][:4], int(row[15]), float(row[13]))
districts = sorted({d for d, _, _ in hh.values()})
BKK = datetime.timedelta(hours=7)

def late(stamp, month):             # kobo: UTC without offset
    t = datetime.datetime.fromisoformat(stamp) + BKK
    y, m = int(month[:4]), int(month[5:7])
    return int(t > datetime.datetime(y, m, 20, 23, 59, 59))

seen = set()        # submission ids of valid records
valid = {}          # (hh, month) -> [(time, seq, late, uuid, income)]
rejected = []       # (hhid field, month or None, file)
mode = {}
seq = 0
for name in ["k1", "k2", "k3", "corr"]:
    months = {}
    with open("%s/%s.csv" % (W, name), encoding="utf-8", newline="") as f:
        r = csv.reader(f, delimiter=";")
        head = next(r)
        for row in r:
            seq += 1
            if len(row) != len(head):
                rejected.append((row[2], None, name))
                continue
            code, month, stamp, uuid = row[2], row[3], row[12], row[11]
            months[month] = months.get(month, 0) + 1
            if not (len(code) == 11 and code.isdigit()) or code not in hh:
                rejected.append((code, month, name))
                continue
            if uuid in seen:
                continue                            # duplicate
            seen.add(uuid)
            t = datetime.datetime.fromisoformat(stamp)
            valid.setdefault((code, month), []).append(
                (t, seq, late(stamp, month), uuid, row[7]))
    mode[name] = sorted(months.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]

def report(M):
    rows = {d: dict(expected=0, on_time=0, late=0, missing=0, rejected=0,
                    developed=0, below=0) for d in districts + ["24"]}
    reported = {c for (c, m) in valid if m <= M}
    months_of = {}
    for (c, m) in valid:
        months_of.setdefault(c, []).append(m)
    for code, (d, status, income) in hh.items():
        if status != 1:
            continue
        x = rows[d]
        x["expected"] += 1
        recs = valid.get((code, M))
        if not recs:
            x["missing"] += 1
        elif min(recs)[2]:
            x["late"] += 1
        else:
            x["on_time"] += 1
        x["developed"] += code in reported
        inc = income
        for m in sorted(m for m in months_of.get(code, []) if m <= M):
            acc = max(valid[(code, m)])
            if acc[4] != "":
                inc = float(acc[4])
        x["below"] += inc < THRESHOLD
    for code, month, name in rejected:
        if (month if month is not None else mode[name]) == M:
            if code[:4] in rows and code[:4] != "24":
                rows[code[:4]]["rejected"] += 1
            rows["24"]["rejected"] += 1
    for d in districts:
        for k in rows[d]:
            if k != "rejected":
                rows["24"][k] += rows[d][k]
    pct = lambda a, b: "%.1f" % (100.0 * a / b) if b else "0.0"
    for d in districts + ["24"]:
        x = rows[d]
        print("report %s %s %d %d %d %d %d %d %s %d %s" % (
            M, d, x["expected"], x["on_time"], x["late"], x["missing"],
            x["rejected"], x["developed"], pct(x["developed"], x["expected"]),
            x["below"], pct(x["below"], x["expected"])))
    for (code, m), recs in sorted(valid.items()):
        if m == M:
            a = max(recs)
            inc = "" if a[4] == "" else "%d" % float(a[4])
            print("export %s %s %s %d %s" % (M, code, a[3], a[2], inc))

for M in ["2024-12", "2025-01", "2025-02", "2025-03", "2025-04"]:
    report(M)
EOF

# What ffintake says, in the same form.
for m in 2024-12 2025-01 2025-02 2025-03 2025-04; do
    ff report --ledger "$L" --month $m -o "$W/rep$m" --no-pdf > /dev/null
    ff export --ledger "$L" --month $m -o "$W/exp$m.csv" > /dev/null
done
$PY - "$W" <<'EOF' > "$W/got.txt"
import csv, sys
W = sys.argv[1]
for M in ["2024-12", "2025-01", "2025-02", "2025-03", "2025-04"]:
    with open("%s/rep%s/reconciliation.csv" % (W, M), encoding="utf-8-sig",
              newline="") as f:
        for x in csv.DictReader(f):
            assert x["month_ce"] == M, x
            print("report %s %s %s %s %s %s %s %s %s %s %s" % (
                M, x["district_code"], x["expected"], x["on_time"], x["late"],
                x["missing"], x["rejected"], x["developed"],
                x["developed_pct"], x["below_threshold"],
                x["below_threshold_pct"]))
    with open("%s/exp%s.csv" % (W, M), encoding="utf-8-sig", newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda x: x["hhid"])
    for x in rows:
        print("export %s %s %s %s %s" % (x["month"], x["hhid"],
              x["submission_id"], x["late"], x["income_after"]))
EOF
if ! cmp -s "$W/expected.txt" "$W/got.txt"; then
    diff "$W/expected.txt" "$W/got.txt" | head -20 >&2
    exit 1
fi
# The data exercised what it is meant to.
grep -c '^export' "$W/got.txt" | awk '$1 < 50000 { exit 1 }'
grep '^report 2025-02 24 ' "$W/got.txt" |
    awk '$5 < 500 || $6 < 1000 || $7 < 300 || $8 < 50 { exit 1 }'
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM supersession")" -gt 300
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM record WHERE outcome = 'duplicate'")" -gt 300
test "$(sqlite3 "$L" "SELECT COUNT(*) FROM record WHERE outcome = 'rejected' AND month IS NULL")" -gt 30
