#!/usr/bin/env python3
"""make_exports.py - one set of monthly reports, written the way each form
service writes its export: KoboToolbox (XML names, labels, groups with
split select_multiple columns and an HXL row), ODK Central (group-prefixed
headers, KEY and meta-instanceID), Google Sheets in the Thai, UK and US
locales and Google Forms' own download.  Also the edit/review sequences of
ODK and Kobo (usage: make_exports.py DIR [equal|identity|dates]).

Layouts follow the services' export code (kobotoolbox/formpack,
getodk/central-backend) and ../shared/samples/README.md; the values are
invented.  Everything is CSV: XLSX and zip variants come with the tabular
reader.
"""
import datetime as dt
import os
import sys

BKK = dt.timezone(dt.timedelta(hours=7))

# hhid, month, activity, 4T set, result, income, status, reporter, when
# (Bangkok).  Two households report twice (the later report wins); one
# report is late (after the 20th); several name two factors.
REPORTS = [
    ("24010105963", "อบรมอาชีพ", ["skills"], "ผลดี", "30000", 1,
     "นายทดสอบ หนึ่ง", (2025, 1, 3, 9, 13, 7)),
    ("24010109307", "ปลูกผัก", ["skills", "resources"], "ได้ผลผลิต",
     "41000", 1, "นางทดสอบ สอง", (2025, 1, 5, 14, 2, 0)),
    ("24010304651", "ลด ละ เลิก", ["attitude"], "ต่อเนื่อง", "", 1,
     "นายทดสอบ สาม", (2025, 1, 8, 8, 0, 59)),
    ("24010310148", "ตลาดชุมชน", ["way-out", "skills"], "ขายได้",
     "39000", 2, "นายทดสอบ สี่", (2025, 1, 10, 16, 45, 30)),
    ("24021120915", "เลี้ยงไก่", ["resources"], "ไก่โต", "25000", 1,
     "นายทดสอบ ห้า", (2025, 1, 12, 10, 0, 0)),
    ("24030104852", "ทำบัญชี", ["attitude", "way-out"], "จดทุกวัน",
     "28000", 3, "นายทดสอบ หก", (2025, 1, 14, 11, 11, 11)),
    ("24030121536", "เพาะเห็ด", ["skills"], "เก็บได้", "36000", 1,
     "นายทดสอบ เจ็ด", (2025, 1, 18, 13, 30, 0)),
    # Corrections: the later report of the same household wins.
    ("24010105963", "อบรมอาชีพ", ["skills", "resources"], "ผลดีมาก",
     "31000", 1, "นายทดสอบ หนึ่ง", (2025, 1, 19, 20, 0, 0)),
    ("24021120915", "เลี้ยงไก่", ["resources", "attitude"], "ขายไก่",
     "26000", 1, "นายทดสอบ ห้า", (2025, 1, 20, 23, 59, 59)),
    # Late: the 21st in Bangkok.
    ("24030121536", "เพาะเห็ด", ["skills"], "เก็บได้อีก", "37000", 4,
     "นายทดสอบ เจ็ด", (2025, 1, 21, 0, 0, 1)),
]

CAT_TH = {"attitude": "ทัศนคติ", "skills": "ทักษะ", "resources": "ทรัพยากร",
          "way-out": "ทางออก"}
CAT_EN = {"attitude": "Attitude", "skills": "Skills",
          "resources": "Resources", "way-out": "Way out"}
STATUS_TH = {1: "พัฒนาได้", 2: "ขอรับการสงเคราะห์", 3: "พึ่งตนเองได้",
             4: "อื่นๆ (เสียชีวิต/ย้าย)"}
ORDER = ["attitude", "skills", "resources", "way-out"]

# Form fields: XML name, label (= the Google Form's question title).
FIELDS = [("hhid", "รหัสบ้าน"), ("month", "เดือนที่รายงาน"),
          ("activity", "กิจกรรม"), ("t_category", "ประเภทปัจจัย (4ท)"),
          ("result", "ผลการดำเนินงาน"),
          ("income_after", "รายได้หลังพัฒนา (บาท/คน/ปี)"),
          ("status_after", "สถานะหลังพัฒนา"), ("reporter", "ผู้รายงาน")]


def local(r):
    return dt.datetime(*r[7], tzinfo=BKK)


def utc(r):
    return local(r).astimezone(dt.timezone.utc)


def uuid(i, v=0):
    return "%08d-aaaa-4bbb-8ccc-%012d" % (i + 1, v)


def cats(r):
    return sorted(r[2], key=ORDER.index)


def quote_all(cells):
    return ";".join('"' + str(c).replace('"', '""') + '"' for c in cells)


def quote_min(cells, sep=","):
    out = []
    for c in cells:
        c = str(c)
        if any(x in c for x in (sep, '"', "\n", "\r")):
            c = '"' + c.replace('"', '""') + '"'
        out.append(c)
    return sep.join(out)


def write(path, lines, eol, bom=False):
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8",
              newline="") as f:
        for ln in lines:
            f.write(ln + eol)


def kobo_iso(r):
    return utc(r).strftime("%Y-%m-%dT%H:%M:%S")


def kobo(path, labels=False, groups=False, hxl=False, reports=REPORTS,
         extra=None):
    """KoboToolbox CSV: ';', every field quoted, CRLF, no BOM."""
    extra = extra or {}
    g = "report/" if groups else ""
    head = ["start", "end"]
    for name, label in FIELDS:
        h = g + (label if labels else name)
        if name == "t_category" and groups:
            # "separate columns" only: one 0/1 column per choice.
            for c in ORDER:
                head.append(h + "/" + (CAT_TH[c] if labels else c))
            continue
        head.append(h)
    head += ["photo", "photo_URL", "_location_latitude",
             "_location_longitude", "meta/instanceID", "meta/rootUuid",
             "meta/deprecatedID", "_id", "_uuid", "_submission_time",
             "_validation_status", "__version__", "_index"]
    lines = [quote_all(head)]
    if hxl:
        lines.append(quote_all(["", "", "#loc+code", "#date+month"] +
                               [""] * (len(head) - 4)))
    for i, r in enumerate(reports):
        x = extra.get(i, {})
        dev = local(r).isoformat(timespec="milliseconds")
        row = [dev, dev]
        for name, label in FIELDS:
            if name == "hhid":
                row.append(r[0])
            elif name == "month":
                row.append("2025-01-01" if labels else "2025-01")
            elif name == "activity":
                row.append(r[1])
            elif name == "t_category":
                if groups:
                    row += ["1" if c in r[2] else "0" for c in ORDER]
                elif labels:
                    row.append(" ".join(CAT_TH[c] for c in cats(r)))
                else:
                    row.append(" ".join(cats(r)))
            elif name == "result":
                row.append(r[3])
            elif name == "income_after":
                row.append(r[4])
            elif name == "status_after":
                row.append(STATUS_TH[r[5]] if labels else str(r[5]))
            else:
                row.append(r[6])
        u = x.get("uuid", uuid(i))
        row += ["", "", "13.69", "101.07", "uuid:" + u,
                x.get("root", "uuid:" + uuid(i)), x.get("dep", ""),
                str(1000 + i), u, x.get("time", kobo_iso(r)),
                x.get("review", ""), "vQ8s2", str(i + 1)]
        lines.append(quote_all(row))
    write(path, lines, "\r\n")


def odk(path, reports=REPORTS, extra=None):
    """ODK Central's submissions CSV: ',', quoted when needed, group
    names in the headers, then its metadata columns."""
    extra = extra or {}
    head = ["SubmissionDate"] + ["report-" + n for n, _ in FIELDS] + [
        "meta-instanceID", "KEY", "SubmitterID", "SubmitterName",
        "AttachmentsPresent", "AttachmentsExpected", "Status",
        "ReviewState", "DeviceID", "Edits", "FormVersion"]
    lines = [quote_min(head)]
    for i, r in enumerate(reports):
        x = extra.get(i, {})
        sub = utc(r).strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (i * 7)
        row = [sub, r[0], "2025-01", r[1], " ".join(cats(r)), r[3], r[4],
               str(r[5]), r[6], "uuid:" + x.get("instance", uuid(i)),
               "uuid:" + x.get("key", uuid(i)), "7", "enumerator", "0", "0", "",
               x.get("review", ""), "collect:abc", str(x.get("edits", 0)),
               "2025010101"]
        lines.append(quote_min(row))
    write(path, lines, "\n")


def gforms(path, style, reports=REPORTS):
    """A Google Form's responses sheet saved as CSV: BOM, ',', LF; the
    timestamp in the sheet's locale with no zone (Asia/Bangkok)."""
    titles = [label for _, label in FIELDS]
    tsh = "ประทับเวลา" if style in ("th", "th2") else "Timestamp"
    lines = [quote_min([tsh] + titles)]
    for r in reports:
        t = local(r)
        if style == "th":
            ts = "%d/%d/%d, %d:%02d:%02d" % (t.day, t.month, t.year + 543,
                                              t.hour, t.minute, t.second)
            month, cat = "มกราคม 2568", ", ".join(CAT_TH[c] for c in cats(r))
            status = "%d %s" % (r[5], STATUS_TH[r[5]])
        elif style == "th2":
            ts = "%d/%d/%02d %d:%02d:%02d" % (t.day, t.month,
                                               (t.year + 543) % 100, t.hour,
                                               t.minute, t.second)
            month, cat = "ม.ค. 68", ", ".join(CAT_TH[c] for c in cats(r))
            status = STATUS_TH[r[5]]
        elif style == "uk":
            ts = t.strftime("%d/%m/%Y %H:%M:%S")
            month, cat = "2025-01", ", ".join(CAT_EN[c] for c in cats(r))
            status = str(r[5])
        elif style in ("us", "us_ambiguous"):
            ts = "%d/%d/%d %d:%02d:%02d" % (t.month, t.day, t.year, t.hour,
                                             t.minute, t.second)
            month, cat = "2568-01", ", ".join(CAT_EN[c] for c in cats(r))
            status = "%d %s" % (r[5], STATUS_TH[r[5]])
        elif style == "download":
            h12 = t.hour % 12 or 12
            ts = "%04d/%02d/%02d %d:%02d:%02d %s GMT+7" % (
                t.year, t.month, t.day, h12, t.minute, t.second,
                "AM" if t.hour < 12 else "PM")
            month, cat = "มกราคม 2568", ", ".join(CAT_TH[c] for c in cats(r))
            status = str(r[5])
        lines.append(quote_min([ts, r[0], month, r[1], cat, r[3], r[4],
                                status, r[6]]))
    write(path, lines, "\n", bom=True)


def equal(d):
    kobo(os.path.join(d, "kobo_names.csv"))
    kobo(os.path.join(d, "kobo_labels.csv"), labels=True)
    kobo(os.path.join(d, "kobo_groups.csv"), groups=True, hxl=True)
    kobo(os.path.join(d, "kobo_groups_labels.csv"), groups=True, labels=True)
    odk(os.path.join(d, "odk.csv"))
    for s in ("th", "th2", "uk", "us", "download"):
        gforms(os.path.join(d, "gforms_%s.csv" % s), s)


def identity(d):
    """A first export, then the next export of the same forms after edits
    and reviews, as each service writes it (only current versions)."""
    first = REPORTS[:7]
    odk(os.path.join(d, "odk_1.csv"), first)
    kobo(os.path.join(d, "kobo_1.csv"), reports=first)
    edited = list(first)
    # Report 1: income corrected (an edit keeps the original time).
    r = list(first[1])
    r[4] = "45000"
    edited[1] = tuple(r)
    odk(os.path.join(d, "odk_2.csv"), edited, {
        1: {"instance": uuid(1, 1), "edits": 1, "review": "edited"},
        2: {"review": "rejected"},
        3: {"review": "hasIssues"},
    })
    # Kobo: report 1 edited (new _uuid; rootUuid and deprecatedID chain
    # it); report 4 edited where the export lacks rootUuid; report 2 not
    # approved; report 5 on hold.
    r = list(first[4])
    r[4] = "27000"
    edited[4] = tuple(r)
    kobo(os.path.join(d, "kobo_2.csv"), reports=edited, extra={
        1: {"uuid": uuid(1, 1), "dep": "uuid:" + uuid(1)},
        4: {"uuid": uuid(4, 1), "dep": "uuid:" + uuid(4), "root": ""},
        2: {"review": "Not Approved"},
        5: {"review": "On Hold"},
    })
    # An older export loaded after the newer one: Edits 0 after Edits 1.
    odk(os.path.join(d, "odk_0.csv"), first, {1: {"instance": uuid(1, 2)}})
    # A later report of household 0 (another submission), then the
    # reviewer rejects household 0's first one, superseded by then.
    odk(os.path.join(d, "odk_5.csv"), [REPORTS[7]],
        {0: {"key": uuid(70), "instance": uuid(70)}})
    odk(os.path.join(d, "odk_6.csv"), first[:1], {0: {"review": "rejected"}})
    # The reviewer approves report 2 after all (the same version).
    odk(os.path.join(d, "odk_3.csv"), edited[:4], {
        1: {"instance": uuid(1, 1), "edits": 1},
        2: {"review": "approved"}})


def dates(d):
    """Only days 1..12 in a US sheet: nothing in the file decides."""
    amb = [r for r in REPORTS if r[7][2] <= 12]
    gforms(os.path.join(d, "gforms_us_ambiguous.csv"), "us", amb)
    # Excel turned _submission_time into a date cell, then saved CSV.
    kobo(os.path.join(d, "kobo_dates.csv"), reports=REPORTS[:3],
         extra={0: {"time": "2025-01-03"}, 1: {"time": "2025-01-05"}})


if __name__ == "__main__":
    out, what = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "equal"
    os.makedirs(out, exist_ok=True)
    {"equal": equal, "identity": identity, "dates": dates}[what](out)
