#!/usr/bin/env python3
"""hookload.py - many concurrent KoboToolbox-shaped posts to ffintake serve.

usage: hookload.py REGISTER.csv URLFILE TOKEN N CLIENTS OUT.json [--rejected P]

N distinct submissions (one _uuid each; a fraction P, default 0.1, with a
household code that is not in the register, so they are stored rejected)
are posted to /hooks/kobo by CLIENTS threads, each with its own keep-alive
http.client connection.  A submission counts as acknowledged only on a 200
or 201 answer; anything else (503, a refused or reset connection while the
server is down) puts it back to be sent again, as Kobo's REST Services do.
URLFILE holds the server's base URL and is read again after every failure,
so a test may restart the server meanwhile.  Progress (acknowledged count)
is written to OUT.json.progress; at the end OUT.json gets every
acknowledged submission with its record id, and the latencies of the
successful posts (seconds).
"""
import os
import csv
import http.client
import json
import queue
import random
import sys
import threading
import time
import urllib.parse


def main(argv):
    reg, urlfile, token, n, clients, out = argv[:6]
    n, clients = int(n), int(clients)
    p_rej = float(argv[7]) if len(argv) > 7 and argv[6] == "--rejected" \
        else 0.1
    with open(reg, encoding="utf-8-sig") as f:
        codes = [r[0] for r in list(csv.reader(f))[1:] if r]
    rnd = random.Random(16)
    todo = queue.Queue()
    for i in range(n):
        rejected = rnd.random() < p_rej
        code = "99" + codes[i % len(codes)][2:] if rejected else \
            codes[i % len(codes)]
        day, sec = 1 + i % 25, i % 86400
        o = {
            "_id": 300000000 + i,
            "formhub/uuid": "5f1c0e4ae3b84f8e9a3c2a3c6f0b7a11",
            "start": "2025-01-%02dT08:00:00.000+07:00" % day,
            "end": "2025-01-%02dT08:10:00.000+07:00" % day,
            "report/hhid": code,
            "report/month": "2025-01",
            "report/activity": "กิจกรรม %d" % i,
            "report/t_category": "skills",
            "report/result": "ผล %d" % i,
            "report/income_after": str(30000 + i),
            "report/status_after": "1",
            "report/reporter": "ผู้รายงาน",
            "meta/rootUuid": "uuid:kill-%06d" % i,
            "_uuid": "kill-%06d" % i,
            "_submission_time": "2025-01-%02dT%02d:%02d:%02d" % (
                day, sec // 3600 % 24, sec // 60 % 60, sec % 60),
            "_validation_status": {},
            "_attachments": [],
        }
        todo.put((o["_uuid"], rejected,
                  json.dumps(o, ensure_ascii=False).encode("utf-8")))
    acked = {}
    lat = []
    lock = threading.Lock()
    left = [n]
    start = time.monotonic()

    def base():
        with open(urlfile) as f:
            return urllib.parse.urlsplit(f.read().strip())

    def worker():
        conn = None
        while True:
            try:
                item = todo.get(timeout=0.2)
            except queue.Empty:
                with lock:
                    if left[0] == 0:
                        return
                continue
            uid, rejected, body = item
            try:
                if conn is None:
                    u = base()
                    conn = http.client.HTTPConnection(u.hostname, u.port,
                                                      timeout=30)
                t0 = time.monotonic()
                conn.request("POST", "/hooks/kobo", body=body, headers={
                    "Authorization": "Bearer " + token,
                    "Content-Type": "application/json"})
                r = conn.getresponse()
                data = r.read()
                t1 = time.monotonic()
                if r.status in (200, 201):
                    rec = json.loads(data)["record"]
                    with lock:
                        acked[uid] = {"record": rec, "status": r.status,
                                      "rejected": rejected}
                        lat.append(t1 - t0)
                        left[0] -= 1
                    continue
                if r.status not in (502, 503, 504):
                    sys.stderr.write("unexpected %d %s\n" % (r.status, data))
                    with lock:
                        left[0] -= 1
                    continue
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.05)
            todo.put(item)

    def progress():
        while True:
            with lock:
                k, done = len(acked), left[0] == 0
            # Written aside and renamed: the test reads it at any moment,
            # and a file truncated but not yet written reads as empty.
            with open(out + ".progress.tmp", "w") as f:
                f.write("%d\n" % k)
            os.replace(out + ".progress.tmp", out + ".progress")
            if done:
                return
            time.sleep(0.05)

    ts = [threading.Thread(target=worker) for _ in range(clients)]
    pt = threading.Thread(target=progress)
    pt.start()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    pt.join()
    wall = time.monotonic() - start
    with open(out, "w") as f:
        json.dump({"acked": acked, "latency": lat, "wall": wall}, f)
    lat.sort()
    if lat:
        print("%d acknowledged in %.2f s: %.0f/s; p50 %.1f ms, p99 %.1f ms" % (
            len(acked), wall, len(acked) / wall,
            1000 * lat[len(lat) // 2], 1000 * lat[int(len(lat) * 0.99)]))


if __name__ == "__main__":
    main(sys.argv[1:])
