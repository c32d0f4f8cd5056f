#!/usr/bin/env python3
"""standin.py - small local stand-ins for KoboToolbox's and ODK Central's
data APIs, answering with the documented shapes, for `ffintake pull` tests.

usage: standin.py DIR PORTFILE

DIR holds the data, read again on every request so a test can change it
between pulls:
  kobo.json   a list of submissions (flat keys by path, as Kobo stores them)
  kobo.token  the API token expected in "Authorization: Token T"
  odk.json    a list of OData submission objects (nested groups, __system)
  odk.creds   "email:password" expected as HTTP Basic
  fail        if present, its number N: answer HTTP 500 on the N-th page
  log         every request's path and query, one a line (written here)

KoboToolbox: GET /api/v2/assets/UID/data/?format=json&query=...&sort=...
  &limit=L&start=S -> {"count", "next", "previous", "results"}; query is
  Mongo-style JSON, of which {"_id": {"$gt": N}} is understood.
ODK Central: GET /v1/projects/P/forms/F.svc/Submissions?$top=T&$skip=S
  &$filter=... -> {"@odata.context", "value", "@odata.nextLink"}; the filter
  "__system/submissionDate gt X or __system/updatedAt gt X" is understood.
Pages hold 2 records so that every pull follows next links.
"""
import base64
import http.server
import json
import os
import re
import sys
import urllib.parse

PAGE = 2


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def send(self, code, obj):
        body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def data(self, name):
        with open(os.path.join(self.server.dir, name), encoding="utf-8") as f:
            return json.load(f) if name.endswith(".json") else f.read().strip()

    def do_GET(self):
        d = self.server.dir
        with open(os.path.join(d, "log"), "a") as f:
            f.write(urllib.parse.unquote(self.path) + "\n")
        self.server.pages += 1
        fail = os.path.join(d, "fail")
        if os.path.exists(fail) and \
                int(open(fail).read()) == self.server.pages:
            return self.send(500, {"detail": "stand-in failure"})
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        base = "http://127.0.0.1:%d" % self.server.server_port
        m = re.fullmatch(r"/api/v2/assets/([^/]+)/data/?", u.path)
        if m:
            if self.headers.get("Authorization") != \
                    "Token " + self.data("kobo.token"):
                return self.send(401, {"detail": "Invalid token."})
            rows = self.data("kobo.json")
            gt = json.loads(q.get("query", "{}")).get("_id", {}).get("$gt")
            if gt is not None:
                rows = [r for r in rows if r["_id"] > gt]
            rows.sort(key=lambda r: r["_id"])
            start, limit = int(q.get("start", 0)), int(q.get("limit", 100))
            limit = min(limit, PAGE)
            page = rows[start:start + limit]
            nxt = None
            if start + limit < len(rows):
                q2 = dict(q, start=str(start + limit))
                nxt = base + u.path + "?" + urllib.parse.urlencode(q2)
            return self.send(200, {"count": len(rows), "next": nxt,
                                   "previous": None, "results": page})
        m = re.fullmatch(r"/v1/projects/(\d+)/forms/([^/]+)\.svc/Submissions",
                         u.path)
        if m:
            auth = self.headers.get("Authorization", "")
            want = base64.b64encode(self.data("odk.creds").encode()).decode()
            if auth != "Basic " + want:
                return self.send(401, {"message": "Could not authenticate"})
            rows = self.data("odk.json")
            f = q.get("$filter")
            if f:
                t = re.fullmatch(r"__system/submissionDate gt (\S+) or "
                                 r"__system/updatedAt gt (\S+)", f)
                if not t:
                    return self.send(400, {"message": "bad filter " + f})
                x = t.group(1)
                rows = [r for r in rows
                        if r["__system"]["submissionDate"] > x or
                        (r["__system"]["updatedAt"] or "") > x]
            skip, top = int(q.get("$skip", 0)), min(int(q.get("$top", 250)),
                                                     PAGE)
            out = {"@odata.context": base + "/v1/projects/%s/forms/%s.svc/"
                   "$metadata#Submissions" % m.groups(),
                   "value": rows[skip:skip + top]}
            if skip + top < len(rows):
                q2 = dict(q)
                q2["$skip"] = str(skip + top)
                out["@odata.nextLink"] = base + u.path + "?" + \
                    urllib.parse.urlencode(q2)
            return self.send(200, out)
        self.send(404, {"detail": "Not found."})


def main(d, portfile):
    s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    s.dir = d
    s.pages = 0
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % s.server_port)
    os.rename(portfile + ".tmp", portfile)
    s.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:3])
