#!/usr/bin/env python3
"""browse.py - a member of staff's first visit, in headless Chromium.

usage: browse.py URL USER PASSWORD UPLOAD.csv SHOTDIR [CODE]

Opens URL (the server sends it to the sign-in page), signs in, reads the
dashboard, opens the first district, opens a household from its list,
goes back, uploads UPLOAD.csv and reads the summary, and (CODE) opens
that household, whose report's activity is <script>alert(1)</script>.  A screenshot of
each page goes to SHOTDIR.  Prints one line per step; exits non-zero at
the first thing that is not as expected.  A JavaScript dialog (an
alert() that escaped the escaping) fails the run.
"""
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
import cdp  # noqa: E402


def main(url, user, password, upload, shots, xss_code=None):
    b = cdp.Browser()
    try:
        b.call("Page.enable")
        b.call("Runtime.enable")
        b.call("DOM.enable")
        b.call("Page.navigate", url=url + "/")
        b.wait("location.pathname === '/login' && "
               "document.readyState === 'complete'")
        print("sign-in page")
        b.screenshot(shots + "/login.png")
        b.js("document.getElementById('user').value = %r;"
             "document.getElementById('password').value = %r;"
             "document.getElementById('signin').click(); true"
             % (user, password))
        b.wait("location.pathname === '/' && document.readyState === "
               "'complete' && document.querySelector('table.recon')")
        rows = b.js("document.querySelectorAll('table.recon tbody tr')"
                    ".length")
        total = b.js("document.querySelector('table.recon tfoot th')"
                     ".innerText")
        assert rows >= 2, rows
        assert "รวมจังหวัด" in total, total
        print("dashboard: %d districts, %s" % (rows, total.strip()))
        b.screenshot(shots + "/dashboard.png")
        # A district with missing households, if any: its list is longer.
        b.js("(function () { var rows = document.querySelectorAll("
             "'table.recon tbody tr'), pick = rows[0];"
             "for (var i = 0; i < rows.length; i++)"
             "  if (rows[i].querySelector('td.missing').innerText !== '0')"
             "  { pick = rows[i]; break; }"
             "pick.querySelector('a').click(); return true; })()")
        b.wait("location.pathname.indexOf('/district/') === 0 && "
               "document.readyState === 'complete' && "
               "document.getElementById('missing')")
        print("district %s: %s" % (b.js("location.pathname"),
              b.js("document.querySelector('#missing h2').innerText")))
        b.screenshot(shots + "/district.png")
        link = b.js("(document.querySelector('#missing a') || "
                    "document.querySelector('#late a') || {}).href")
        if link:
            b.call("Page.navigate", url=link)
            b.wait("location.pathname.indexOf('/household/') === 0 && "
                   "document.readyState === 'complete'")
            print("household %s" % b.js("location.pathname"))
            b.screenshot(shots + "/household.png")
        b.call("Page.navigate", url=url + "/")
        b.wait("location.pathname === '/' && document.readyState === "
               "'complete' && document.getElementById('file')")
        doc = b.call("DOM.getDocument")
        node = b.call("DOM.querySelector", nodeId=doc["root"]["nodeId"],
                      selector="#file")
        b.call("DOM.setFileInputFiles", nodeId=node["nodeId"],
               files=[upload])
        b.js("document.getElementById('upload').click(); true")
        b.wait("location.pathname === '/upload' && "
               "document.readyState === 'complete' && "
               "document.getElementById('summary')")
        summary = b.js("document.getElementById('summary').innerText")
        print("upload summary: " + " ".join(summary.split()))
        b.screenshot(shots + "/upload.png")
        if xss_code:
            # A report whose activity is <script>alert(1)</script>: the page
            # shows those characters, and no script of the report runs.
            b.call("Page.navigate", url=url + "/household/" + xss_code)
            b.wait("location.pathname === '/household/%s' && "
                   "document.readyState === 'complete'" % xss_code)
            text = b.js("document.body.innerText")
            assert "<script>alert(1)</script>" in text, text[:500]
            scripts = b.js("document.scripts.length")
            assert scripts == 1, scripts
            print("household %s shows the script as text" % xss_code)
            b.screenshot(shots + "/household-escaped.png")
        dialogs = [e for e in b.events
                   if e.get("method") == "Page.javascriptDialogOpening"]
        assert not dialogs, dialogs
        print("no dialogs")
    finally:
        b.close()


if __name__ == "__main__":
    main(*sys.argv[1:7])
