#!/usr/bin/env python3
"""gen_month.py - one month's KoboToolbox export as real use makes it.

usage: bench/gen_month.py REGISTER.csv MONTH SEED > kobo_MONTH.csv
       (MONTH is CE, 2025-01; SEED any integer; deterministic)

About one report per household of the register per month, spread over the
month: 3 % of households do not report, about 8 % report after the 20th
(late), 2 % send a correction later (a new _uuid, a later submission time,
another income), 1 % of submissions are re-sent (the same _uuid, a later
_submission_time: a duplicate), 1 % of households report the previous
month late in this export; rejected: 0.3 % Excel-mangled codes, 0.2 %
codes not in the register, 0.1 % ragged rows (the last field lost: no
readable month).  Rows come in submission order, as the form service
exports them.  The layout is the kobo dialect exactly (';', every field
quoted, CRLF).  Used by bench/bench_scale.sh and tests/cli/report_scale.sh.
"""
import csv
import random
import sys

ACT = ["อบรมการเพาะเห็ดฟาง", "สนับสนุนพันธุ์ไก่ไข่", "ส่งเสริมการทำบัญชีครัวเรือน",
       "เชื่อมโยงตลาดจำหน่ายผลผลิต", "กู้ยืมเงินทุน กข.คจ."]
CAT = ["attitude", "skills", "resources", "way-out"]
RES = ["ครัวเรือนดำเนินกิจกรรมต่อเนื่อง มีรายได้เพิ่มขึ้น 550 บาท/เดือน",
       "อยู่ระหว่างดำเนินการ ติดตามครั้งต่อไปเดือนหน้า",
       "ได้รับการสนับสนุนแล้ว ผลผลิตรอบแรก 2500 กก."]
REP = ["นายวีระรักษ์ จันทร์ศรี", "นางน้ำรี กิจชื่นสินธุ์", "นางสาวน้ำยา ญูนาควัฒน์"]
HEAD = ["start", "end", "hhid", "month", "activity", "t_category", "result",
        "income_after", "status_after", "reporter", "_id", "_uuid",
        "_submission_time"]


def main():
    reg, month, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rnd = random.Random(seed)
    y, m = int(month[:4]), int(month[5:7])
    prev = "%04d-%02d" % ((y, m - 1) if m > 1 else (y - 1, 12))
    with open(reg, encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f)
        next(rows)
        codes = [r[0] for r in rows]
    recs = []   # (utc seconds of month, order, fields)

    def when(day_lo, day_hi):
        # seconds since the month's start, UTC; local = UTC + 7 h
        return rnd.randint(day_lo * 86400, day_hi * 86400 - 1) - 7 * 3600

    def stamp(t):
        d, s = divmod(t, 86400)
        # days may run past the month end into the next one (late reports)
        mdays = [31, 29 if y % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30,
                 31, 30, 31][m - 1]
        yy, mm, dd = y, m, d + 1
        if d < 0:
            yy, mm = (y, m - 1) if m > 1 else (y - 1, 12)
            dd = [31, 29 if yy % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30,
                  31, 30, 31][mm - 1]
        elif dd > mdays:
            yy, mm, dd = (y, m + 1, dd - mdays) if m < 12 else \
                (y + 1, 1, dd - mdays)
        return "%04d-%02d-%02dT%02d:%02d:%02d" % (
            yy, mm, dd, s // 3600, s // 60 % 60, s % 60)

    def uuid():
        return "%08x-%04x-4%03x-a%03x-%012x" % (
            rnd.getrandbits(32), rnd.getrandbits(16), rnd.getrandbits(12),
            rnd.getrandbits(12), rnd.getrandbits(48))

    def record(code, mon, t, uid=None):
        inc = "" if rnd.random() < 0.1 else str(20000 + rnd.randrange(25) * 1000)
        return [t, [stamp(t) + ".000+07:00", stamp(t) + ".000+07:00", code,
                    mon, rnd.choice(ACT), rnd.choice(CAT), rnd.choice(RES),
                    inc, str(rnd.randint(1, 4)), rnd.choice(REP), "",
                    uid or uuid(), stamp(t)]]

    for code in codes:
        r = rnd.random()
        if r < 0.03:
            continue
        late = rnd.random() < 0.08
        t = when(21, 30) if late else when(1, 20)
        rec = record(code, month, t)
        recs.append(rec)
        if r > 0.98:          # a correction, later
            recs.append(record(code, month, t + rnd.randint(3600, 6 * 86400)))
        if 0.5 < r < 0.51:    # the same submission sent again
            again = list(rec[1])
            t2 = t + rnd.randint(60, 86400)
            again[12] = stamp(t2)
            recs.append([t2, again])
        if 0.2 < r < 0.21:    # last month's report, late
            recs.append(record(code, prev, when(1, 15)))
        if 0.3 < r < 0.303:   # Excel turned the code into a number
            recs.append(record("%.7E" % int(code), month, when(1, 28)))
        if 0.4 < r < 0.402:   # a code not in the register
            recs.append(record(code[:4] + "9999999", month, when(1, 28)))
        if 0.6 < r < 0.601:   # a ragged row: the last field lost
            x = record(code, month, when(1, 28))
            x[1] = x[1][:-1]
            recs.append(x)
    recs.sort(key=lambda x: x[0])
    out = sys.stdout
    out.write(";".join('"%s"' % h for h in HEAD) + "\r\n")
    for i, (_, f) in enumerate(recs):
        if len(f) == 13:
            f[10] = str(200000000 + i)
        out.write(";".join('"%s"' % v for v in f) + "\r\n")


main()
