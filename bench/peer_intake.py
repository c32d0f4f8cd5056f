#!/usr/bin/env python3
"""peer_intake.py - the Python peer of `ffintake load`, for bench_scale.sh.

usage: bench/peer_intake.py register DB REGISTER.csv
       bench/peer_intake.py load DB FILE.csv...

Ordinary, competent, single-threaded Python: the standard csv and sqlite3
modules, one transaction per load, the same work as ffintake load on a
kobo export: hash the file, match each record's household against the
register, parse the timestamp, month, category, status and income, reject
with the first failing reason, detect duplicates by _uuid (in the file and
the ledger), decide late (Asia/Bangkok, after the 20th of the reported
month), pick per household and month the accepted record (latest
submission, ties to the later record, across loads through a supersession
table), and store every record with its fields and its raw text.  Only the
register step is not timed by the bench.
"""
import csv
import datetime
import hashlib
import io
import re
import sqlite3
import sys

SCHEMA = """
CREATE TABLE IF NOT EXISTS household(code TEXT PRIMARY KEY, district TEXT,
  status INTEGER, income REAL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS source(id INTEGER PRIMARY KEY, file TEXT,
  sha256 TEXT UNIQUE, records INTEGER);
CREATE TABLE IF NOT EXISTS record(id INTEGER PRIMARY KEY, source_id INTEGER,
  record_no INTEGER, outcome TEXT, reason TEXT, late INTEGER, hhid TEXT,
  month TEXT, submitted INTEGER, submission_id TEXT, activity TEXT,
  category TEXT, result TEXT, income REAL, status INTEGER, reporter TEXT,
  raw TEXT);
CREATE INDEX IF NOT EXISTS record_uuid ON record(submission_id)
  WHERE submission_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS record_accepted ON record(hhid, month)
  WHERE outcome = 'accepted';
CREATE TABLE IF NOT EXISTS supersession(record_id INTEGER PRIMARY KEY,
  by_record INTEGER);
"""
CATS = {"attitude", "skills", "resources", "way-out",
        "ทัศนคติ", "ทักษะ", "ทรัพยากร", "ทางออก"}
COLS = ["hhid", "month", "activity", "t_category", "result", "income_after",
        "status_after", "reporter", "_uuid", "_submission_time"]
REQUIRED = ["hhid", "month", "activity", "t_category", "result",
            "status_after", "_uuid", "_submission_time"]
DAMM = ["0317598642", "7092154863", "4206871359", "1750983426",
        "6123045978", "3674209581", "5869720134", "8945362017",
        "9438617205", "2581436790"]
CODE = re.compile(r"^(\d{11})(?:-(\d))?$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
EPOCH = datetime.datetime(1970, 1, 1)


def damm(s):
    x = 0
    for c in s:
        x = int(DAMM[x][int(c)])
    return x


def parse_month(s):
    m = MONTH.match(s)
    if not m:
        return None
    y, mo = int(m.group(1)), int(m.group(2))
    if y > 2400:
        y -= 543
    return "%04d-%02d" % (y, mo) if 1 <= mo <= 12 else None


def deadline(month):    # 23:59:59 on the 20th, Bangkok, as UTC seconds
    d = datetime.datetime(int(month[:4]), int(month[5:7]), 20, 23, 59, 59)
    return int((d - EPOCH).total_seconds()) - 7 * 3600


def register(db, path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        r = csv.reader(f)
        head = next(r)
        ci, vi, si, ii = (head.index(h) for h in (
            "รหัสบ้าน", "รหัสหมู่บ้าน", "สถานะ", "รายได้เฉลี่ย (บาท/คน/ปี)"))
        db.execute("BEGIN")
        db.executemany("INSERT OR REPLACE INTO household VALUES(?,?,?,?)",
                       ((x[ci], x[vi][:4], int(x[si] or 0),
                         float(x[ii] or 0)) for x in r))
        db.execute("COMMIT")


def load(db, paths):
    codes = {c for (c,) in db.execute("SELECT code FROM household")}
    seen = {u for (u,) in db.execute(
        "SELECT submission_id FROM record WHERE submission_id IS NOT NULL "
        "AND outcome IN ('accepted', 'superseded')")}
    best = {}           # (hhid, month) -> (submitted, seq, record id, old)
    stats = {}
    seq = 0
    db.execute("BEGIN")
    rid = db.execute("SELECT coalesce(max(id), 0) FROM record").fetchone()[0]
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        sha = hashlib.sha256(data).hexdigest()
        if db.execute("SELECT 1 FROM source WHERE sha256 = ?",
                      (sha,)).fetchone():
            continue
        sid = db.execute("INSERT INTO source(file, sha256) VALUES(?, ?)",
                         (path, sha)).lastrowid
        text = data.decode("utf-8-sig", errors="surrogateescape")
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=";")
        head = [h.strip().lower() for h in next(rows)]
        ix = {c: head.index(c) for c in COLS}
        req = [ix[c] for c in REQUIRED]
        batch = []
        for no, row in enumerate(rows, 1):
            rid += 1
            seq += 1
            raw = ";".join(row)
            out = [rid, sid, no, "rejected", None, None, None, None, None,
                   None, None, None, None, None, None, None, raw]
            batch.append(out)
            if len(row) != len(head):
                out[4] = "ragged_row"
                continue
            v = [x.strip() for x in row]
            out[6] = v[ix["hhid"]]
            if any(v[i] == "" for i in req):
                out[4] = "missing_required"
                continue
            m = CODE.match(v[ix["hhid"]])
            if not m:
                out[4] = "hhid_malformed"
                continue
            if m.group(2) is not None and damm(m.group(1)) != int(m.group(2)):
                out[4] = "bad_check"
                continue
            code = out[6] = m.group(1)
            if code not in codes:
                out[4] = "unknown_hhid"
                continue
            month = parse_month(v[ix["month"]])
            out[7] = month
            try:
                t = datetime.datetime.fromisoformat(v[ix["_submission_time"]])
                sub = int((t.replace(tzinfo=None) - EPOCH).total_seconds())
                if month is None:
                    raise ValueError
                if v[ix["t_category"]] not in CATS:
                    raise ValueError
                status = int(v[ix["status_after"]].split()[0])
                if not 1 <= status <= 4:
                    raise ValueError
                inc = v[ix["income_after"]].replace(",", "")
                inc = float(inc) if inc else None
                if inc is not None and inc < 0:
                    raise ValueError
            except ValueError:
                out[4] = "bad_value"
                continue
            uuid = v[ix["_uuid"]]
            late = int(sub > deadline(month))
            out[3:17] = ["superseded", None, late, code, month, sub, uuid,
                         v[ix["activity"]], v[ix["t_category"]],
                         v[ix["result"]], inc, status, v[ix["reporter"]], raw]
            if uuid in seen:
                out[3] = "duplicate"
                continue
            seen.add(uuid)
            key = (code, month)
            b = best.get(key)
            if b is None:
                old = db.execute(
                    "SELECT r.id, r.submitted FROM record r WHERE hhid = ? "
                    "AND month = ? AND outcome = 'accepted' AND NOT EXISTS "
                    "(SELECT 1 FROM supersession s WHERE s.record_id = r.id)",
                    key).fetchone()
                b = (old[1], 0, old[0], old[0]) if old else None
            if b is None or sub >= b[0]:
                best[key] = (sub, seq, rid, b[3] if b else None)
        db.executemany("INSERT INTO record VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,"
                       "?,?,?,?)", batch)
        db.execute("UPDATE source SET records = ? WHERE id = ?",
                   (len(batch), sid))
        for o in batch:
            stats[o[3]] = stats.get(o[3], 0) + 1
    db.executemany("UPDATE record SET outcome = 'accepted' WHERE id = ?",
                   ((b[2],) for b in best.values() if b[2] != b[3]))
    db.executemany("INSERT INTO supersession VALUES(?, ?)",
                   ((b[3], b[2]) for b in best.values()
                    if b[3] is not None and b[2] != b[3]))
    db.execute("COMMIT")
    n = sum(1 for b in best.values() if b[2] != b[3])
    stats["superseded"] = stats.get("superseded", 0) - n
    stats["accepted"] = n
    print("peer load:", ", ".join("%s %d" % kv for kv in sorted(stats.items())))


def main():
    db = sqlite3.connect(sys.argv[2], isolation_level=None)
    db.executescript(SCHEMA)
    if sys.argv[1] == "register":
        register(db, sys.argv[3])
    else:
        load(db, sys.argv[3:])
    db.close()


main()
