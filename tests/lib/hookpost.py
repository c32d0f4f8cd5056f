#!/usr/bin/env python3
"""hookpost.py - post the records of an export file to ffintake serve's hooks.

usage: hookpost.py post FILE URL TOKEN --shape kobo|json [--filtered OUT.csv]
                        [--batch N] [--answers OUT.jsonl]

Each data row of FILE (an export as a form service writes it) becomes one
JSON object keyed by the header, the way the service would post it:
KoboToolbox REST Services with group paths ("report/hhid") and _id as a
number; Apps Script (--shape json) with the sheet's headers, N rows to a
post.  Rows JSON cannot carry (a field count unlike the header's, bytes that
are not UTF-8) are left out, and --filtered writes the rows that were posted
as a CSV file of the same header, so a test can load exactly those with
`ffintake load` and compare the ledgers.  Prints "201 N", "200 M" counts.
"""
import csv
import http.client
import io
import json
import sys
import urllib.parse

KOBO_GROUP = {"hhid", "month", "activity", "t_category", "result",
              "income_after", "status_after", "reporter"}


def rows_of(path):
    raw = open(path, "rb").read()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8", "surrogateescape") if bom else \
        raw.decode("utf-8", "surrogateescape")
    first = text.split("\n", 1)[0]
    delim = ";" if first.count(";") > first.count(",") else ","
    r = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    header, body = r[0], [x for x in r[1:] if x != []]
    keep = []
    for row in body:
        if len(row) != len(header):
            continue
        try:
            "".join(row).encode("utf-8")
        except UnicodeEncodeError:
            continue
        keep.append(row)
    return header, keep, delim, bom


def kobo_object(header, row):
    o = {}
    for k, v in zip(header, row):
        if k in KOBO_GROUP:
            o["report/" + k] = v
        elif k == "_id" and v.isdigit():
            o[k] = int(v)
        else:
            o[k] = v
    return o


def post(conn, path, token, body):
    conn.request("POST", path, body=json.dumps(body, ensure_ascii=False)
                 .encode("utf-8"),
                 headers={"Authorization": "Bearer " + token,
                          "Content-Type": "application/json"})
    r = conn.getresponse()
    return r.status, r.read()


def main(argv):
    if len(argv) < 5 or argv[0] != "post":
        sys.exit(__doc__)
    path, url, token = argv[1], argv[2], argv[3]
    opts = dict(zip(argv[4::2], argv[5::2]))
    shape = opts.get("--shape", "kobo")
    batch = int(opts.get("--batch", "1"))
    header, rows, delim, bom = rows_of(path)
    if "--filtered" in opts:
        with open(opts["--filtered"], "w", encoding="utf-8-sig" if bom
                  else "utf-8", newline="") as f:
            w = csv.writer(f, delimiter=delim, quoting=csv.QUOTE_ALL,
                           lineterminator="\r\n")
            w.writerow(header)
            w.writerows(rows)
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    counts = {}
    answers = open(opts["--answers"], "w") if "--answers" in opts else None
    objs = [kobo_object(header, r) if shape == "kobo" else
            dict(zip(header, r)) for r in rows]
    i = 0
    while i < len(objs):
        part = objs[i:i + batch] if shape == "json" else objs[i]
        status, body = post(conn, u.path, token, part)
        counts[status] = counts.get(status, 0) + 1
        if answers:
            answers.write(body.decode("utf-8").strip() + "\n")
        if status >= 300:
            sys.stderr.write("%d: %s\n" % (status, body[:200]))
        i += batch if shape == "json" else 1
    for k in sorted(counts):
        print(k, counts[k])


if __name__ == "__main__":
    main(sys.argv[1:])
