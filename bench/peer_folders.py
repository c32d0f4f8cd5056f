#!/usr/bin/python3
"""bench/peer_folders.py REGISTER.csv OUTDIR [FONT_DIR]

The Python peer of `ffgen folders` for bench/bench_gen.sh: for each
household of a register (the columns bench/make_register.sh writes), one PDF
with the same six pages ffgen prints (Family Folder cover, 4T analysis and
visit log; the landscape plan; the two pages of the monthly results form),
the household's QR code on every page, drawn with ReportLab the way a
competent Python programmer would: Debian's python3-reportlab, the Laksaman
TrueType faces embedded (ReportLab subsets them per document), the QR matrix
from ReportLab's own encoder drawn as one filled path of module squares,
text wrapped greedily to the box width, one process, one thread.  Files are
written to OUTDIR/<district code>/<house code>.pdf as ffgen does.

What it does not do, and ffgen does: shape Thai (ReportLab places every
character by its advance, so marks are not repositioned and sara am is not
split), break lines at Thai word boundaries, fit text to boxes, write each
file atomically and durably.  It is therefore a little less work than ffgen,
never more.
"""
import csv
import os
import sys

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

ARGS = [a for a in sys.argv[1:] if a != "-q"]     # bench_gen.sh passes -q
FONT_DIR = ARGS[2] if len(ARGS) > 2 else "/usr/share/fonts/truetype/tlwg"
pdfmetrics.registerFont(TTFont("Lak", os.path.join(FONT_DIR, "Laksaman.ttf")))
pdfmetrics.registerFont(TTFont("LakB", os.path.join(FONT_DIR, "Laksaman-Bold.ttf")))

THAI_MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม"]
YEAR_BE = 2568


class Page:
    """Top-left millimetre coordinates on a ReportLab canvas."""

    def __init__(self, c, size):
        self.c = c
        self.h = size[1]

    def text(self, x, y, s, size=14, bold=False, w=None, align="left", color=None):
        """Draw s from (x, y) mm, wrapped to w mm; return the y below it."""
        c = self.c
        font = "LakB" if bold else "Lak"
        lines = wrap(s, font, size, w * mm) if w else [s]
        lead = size * 1.45
        if color:
            c.setFillColorRGB(*color)
        ty = self.h - y * mm - size
        for line in lines:
            c.setFont(font, size)
            if align == "center" and w:
                c.drawCentredString(x * mm + w * mm / 2, ty, line)
            else:
                c.drawString(x * mm, ty, line)
            ty -= lead
        if color:
            c.setFillColorRGB(0, 0, 0)
        return y + len(lines) * lead / mm

    def box(self, x, y, w, h, fill=None, width=0.8):
        c = self.c
        if fill:
            c.setFillColorRGB(*fill)
        c.setLineWidth(width)
        c.rect(x * mm, self.h - (y + h) * mm, w * mm, h * mm,
               stroke=1 if width > 0 else 0, fill=1 if fill else 0)
        c.setFillColorRGB(0, 0, 0)

    def rules(self, x, y, w, h, step=8):
        c = self.c
        c.setDash(2, 2)
        c.setLineWidth(0.4)
        yy = y + step
        while yy <= y + h + 0.01:
            c.line(x * mm, self.h - yy * mm, (x + w) * mm, self.h - yy * mm)
            yy += step
        c.setDash()
        return y + h

    def table(self, x, y, cols, rows, rowh, headh, size, first=None):
        c = self.c
        total = sum(wd for _, wd in cols)
        c.setFillColorRGB(0.9, 0.93, 0.95)
        c.rect(x * mm, self.h - (y + headh) * mm, total * mm, headh * mm, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        c.setLineWidth(0.5)
        cx = x
        for name, wd in cols:
            self.text(cx + 1, y + 1, name, size=size, bold=True, w=wd - 2, align="center")
            cx += wd
        bottom = y + headh + rows * rowh
        for r in range(rows + 1):
            yy = y + headh + r * rowh
            c.line(x * mm, self.h - yy * mm, (x + total) * mm, self.h - yy * mm)
        c.line(x * mm, self.h - y * mm, (x + total) * mm, self.h - y * mm)
        cx = x
        for _, wd in cols + [("", 0)]:
            c.line(cx * mm, self.h - y * mm, cx * mm, self.h - bottom * mm)
            cx += wd
        if first:
            for r, s in enumerate(first[:rows]):
                self.text(x + 1.5, y + headh + r * rowh + 1, s, size=size)
        return bottom

    def qr(self, x, y, size, matrix):
        """The QR code as one path: a square per dark module, one fill."""
        c = self.c
        n = len(matrix) + 8        # quiet zone of 4 modules
        m = size * mm / n
        p = c.beginPath()
        x0, y0 = x * mm + 4 * m, self.h - y * mm - 4 * m
        for r, row in enumerate(matrix):
            for col, dark in enumerate(row):
                if dark:
                    p.rect(x0 + col * m, y0 - (r + 1) * m, m, m)
        c.drawPath(p, stroke=0, fill=1)


def wrap(s, font, size, width):
    """Greedy wrap: at spaces when they fit, else at any character."""
    out, line = [], ""
    for word in s.split(" "):
        cand = word if not line else line + " " + word
        if pdfmetrics.stringWidth(cand, font, size) <= width:
            line = cand
            continue
        if line:
            out.append(line)
        line = ""
        for ch in word:
            if pdfmetrics.stringWidth(line + ch, font, size) > width and line:
                out.append(line)
                line = ""
            line += ch
    if line:
        out.append(line)
    return out or [""]


def qr_matrix(data):
    q = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    q.addData(data)
    q.make()
    n = q.getModuleCount()
    return [[q.isDark(r, c) for c in range(n)] for r in range(n)]


def page_folder(c, h, qr):
    p = Page(c, A4)
    p.qr(170, 8, 30, qr)
    p.text(170, 38, h["label"], size=8)
    y = p.text(15, 10, "สมุดบันทึกการแก้ไขปัญหาความเดือดร้อนและพัฒนาคุณภาพชีวิตของครัวเรือนเป้าหมาย",
               size=19, bold=True, w=152, align="center")
    p.text(15, y + 1, "ตามหลัก ๔ท (ทัศนคติ ทักษะ ทรัพยากร ทางออก)  จปฐ. ปี 2567", size=15, w=152, align="center")
    p.box(15, 42, 180, 9, fill=(0.9, 0.93, 0.95), width=0)
    p.text(18, 43, "ข้อมูลครัวเรือน (จากฐานข้อมูลครัวเรือนเป้าหมาย)", size=15, bold=True)
    y = 53.5
    p.text(18, y, "รหัสบ้าน  " + h["code"], size=15, w=88)
    y = p.text(108, y, "สถานะ  %s %s" % (h["status"], "พัฒนาได้"), size=15, w=85)
    y = p.text(18, y + 0.5, "หัวหน้าครัวเรือน  " + h["head"], size=15, w=174)
    y = p.text(18, y + 0.5, "ที่อยู่  บ้านเลขที่ %s หมู่ที่ %s %s ตำบล%s อำเภอ%s จังหวัด%s" % (
        h["house_no"], h["village_no"], h["village_name"], h["subdistrict"],
        h["district"], h["province"]), size=15, w=174)
    p.text(18, y + 0.5, "จำนวนสมาชิก  %s คน" % h["members"], size=15, w=88)
    y = p.text(108, y + 0.5, "รายได้เฉลี่ย  %s บาท/คน/ปี" % h["income"], size=15, w=85)
    y = p.text(18, y + 0.5, "เกณฑ์ จปฐ. 38,000 บาท/คน/ปี: " + h["vs"], size=15, w=174)
    y = p.text(18, y + 0.5, "ตัวชี้วัด จปฐ. ที่ไม่ผ่านเกณฑ์  " + h["indicators"], size=15, w=174)
    p.box(15, 42, 180, y + 2 - 42)
    y = p.text(15, y + 7, "สมาชิกในครัวเรือน", size=15, bold=True)
    rows = max(6, min(40, h["nmembers"]))
    y = p.table(15, y + 1.5, [("ลำดับ", 14), ("ชื่อ - สกุล", 62), ("ความสัมพันธ์", 30), ("อายุ", 16),
                              ("อาชีพ", 30), ("รายได้/ปี (บาท)", 28)], rows, 8, 10, 13,
                [str(i + 1) for i in range(rows)])
    y = p.text(15, y + 5, "ทีมปฏิบัติการและทีมพี่เลี้ยง", size=15, bold=True)
    y = p.table(15, y + 1.5, [("ทีม", 40), ("ชื่อ - สกุล", 70), ("ตำแหน่ง", 40), ("โทรศัพท์", 30)], 4, 9, 9, 13,
                ["ทีมปฏิบัติการ", "ทีมปฏิบัติการ", "ทีมพี่เลี้ยง", "ทีมพี่เลี้ยง"])
    p.text(15, y + 4, "สแกน QR เพื่อรายงานผลการพัฒนาครัวเรือนทุกเดือน ภายในวันที่ 20 ของเดือน "
           "(มกราคม - มีนาคม %d)  พิมพ์เมื่อ %s" % (YEAR_BE, h["date"]), size=13, w=180,
           color=(0.27, 0.27, 0.27))
    c.showPage()


def page_header(p, h, title):
    y = p.text(15, 12, title, size=19, bold=True, w=152, align="center")
    return p.text(15, y + 1, "รหัสบ้าน %s  %s  บ้านเลขที่ %s หมู่ที่ %s" % (
        h["code"], h["head"], h["house_no"], h["village_no"]), size=14, w=152, align="center")


def page_analysis(c, h, qr):
    p = Page(c, A4)
    p.qr(170, 8, 30, qr)
    y = max(43, page_header(p, h, "การวิเคราะห์ปัญหาครัวเรือนตามหลัก ๔ท") + 4)
    for head in ["๑. ทัศนคติ (Attitude): ความคิด ความเชื่อ และความตั้งใจของครัวเรือน",
                 "๒. ทักษะ (Skills): ความรู้ ความสามารถ และอาชีพที่ทำได้",
                 "๓. ทรัพยากร (Resources): ที่ดิน ทุน แหล่งน้ำ และสิ่งที่มีอยู่",
                 "๔. ทางออก (Way out): แนวทางแก้ไขปัญหาที่ครัวเรือนเลือก"]:
        y = p.text(15, y, head, size=16, bold=True)
        y = p.rules(15, y, 180, 48) + 3
    c.showPage()


def page_visits(c, h, qr):
    p = Page(c, A4)
    p.qr(170, 8, 30, qr)
    y = max(43, page_header(p, h, "บันทึกการเยี่ยมและติดตามครัวเรือน") + 4)
    p.table(15, y, [("ครั้งที่", 14), ("วัน เดือน ปี", 28), ("ประเด็นที่ติดตาม / กิจกรรม", 62),
                    ("ผลการติดตาม", 52), ("ผู้บันทึก", 24)], 15, 15, 10, 13,
            [str(i + 1) for i in range(15)])
    c.showPage()


def signatures(p, x, y, who, size, dots):
    yy = p.text(x, y, "ลงชื่อ %s %s" % (dots, who), size=size, w=85, align="center")
    yy = p.text(x, yy + 0.5, "(..............................)", size=size, w=85, align="center")
    yy = p.text(x, yy + 0.5, "ตำแหน่ง ..............................", size=size, w=85, align="center")
    p.text(x, yy + 0.5, "วันที่ ........ / ........ / ........", size=size, w=85, align="center")


def page_plan(c, h, qr):
    c.setPageSize(landscape(A4))
    p = Page(c, landscape(A4))
    p.qr(245, 8, 30, qr)
    y = p.text(15, 9, "แผนการดำเนินงานการพัฒนาครัวเรือน ปีงบประมาณ พ.ศ. %d" % YEAR_BE,
               size=18, bold=True, w=225, align="center")
    y = p.text(15, y + 0.5, "รหัสบ้าน %s  หัวหน้าครัวเรือน %s" % (h["code"], h["head"]), size=14, w=225, align="center")
    y = p.text(15, y, "บ้านเลขที่ %s หมู่ที่ %s ตำบล%s อำเภอ%s จังหวัด%s" % (
        h["house_no"], h["village_no"], h["subdistrict"], h["district"], h["province"]),
        size=14, w=225, align="center")
    y = p.text(15, y, "รายได้เฉลี่ย %s บาท/คน/ปี (%s)  ตัวชี้วัดที่ไม่ผ่าน %s" % (
        h["income"], h["vs"], h["indicators"]), size=14, w=225, align="center")
    cols = [("กิจกรรม", 48), ("ปัจจัย ๔ท", 18)] + [(m, 10) for m in [
        "ต.ค.", "พ.ย.", "ธ.ค.", "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย."]] + [
        ("ผู้รับผิดชอบ (ทีมปฏิบัติการ / ทีมพี่เลี้ยง)", 33), ("งบประมาณ / แหล่ง", 26), ("ผลที่คาดว่าจะได้รับ", 32)]
    y = p.table(10, max(44, y + 3), cols, 7, 12, 16, 10.5)
    p.text(10, y + 1.5, "ปัจจัย ๔ท: ทัศนคติ / ทักษะ / ทรัพยากร / ทางออก    ทำเครื่องหมายในช่องเดือนที่ดำเนินกิจกรรม", size=12)
    for dx, who in [(10, "หัวหน้าครัวเรือน"), (105, "ทีมปฏิบัติการ"), (200, "ทีมพี่เลี้ยง")]:
        signatures(p, dx, 166, who, 13, "..............................")
    c.showPage()
    c.setPageSize(A4)


def checkbox(p, x, y, label, size):
    p.box(x, y + 1.2, 3.5, 3.5, width=0.5)
    p.text(x + 5, y, label, size=size)


def month_box(p, y0, month):
    p.box(15, y0, 180, 9, fill=(0.9, 0.93, 0.95), width=0)
    p.box(15, y0, 180, 110)
    p.text(18, y0 + 1, "ผลการดำเนินงานเดือน%s %d    ส่งภายใน 20 %s %d" % (
        THAI_MONTHS[month], YEAR_BE, THAI_MONTHS[month], YEAR_BE), size=15, bold=True, w=174)
    p.text(18, y0 + 11, "กิจกรรมที่ดำเนินการ", size=15)
    p.rules(18, y0 + 11, 174, 16)
    p.text(18, y0 + 31, "ประเภทปัจจัย (๔ท)", size=15)
    for x, s in [(64, "ทัศนคติ"), (94, "ทักษะ"), (120, "ทรัพยากร"), (152, "ทางออก")]:
        checkbox(p, x, y0 + 31, s, 15)
    p.text(18, y0 + 40, "ผลการดำเนินงาน", size=15)
    p.rules(18, y0 + 40, 174, 32)
    p.text(18, y0 + 76, "รายได้หลังพัฒนา ............................ บาท/คน/ปี", size=15)
    p.text(18, y0 + 85, "สถานะหลังพัฒนา", size=15)
    for x, s in [(58.5, "1 พัฒนาได้"), (89, "2 ขอรับการสงเคราะห์"), (136, "3 พึ่งตนเองได้"), (169.5, "4 อื่นๆ")]:
        checkbox(p, x, y0 + 85, s, 13)
    p.text(18, y0 + 96, "ผู้รายงาน ........................................................   "
           "วันที่รายงาน ........ / ........ / ........", size=15)


def page_results(c, h, qr):
    p = Page(c, A4)
    p.qr(170, 8, 30, qr)
    y = p.text(15, 12, "แบบรายงานผลการพัฒนาครัวเรือนเป้าหมายรายเดือน", size=19, bold=True, w=152, align="center")
    y = p.text(15, y + 0.5, "รหัสบ้าน %s  หัวหน้าครัวเรือน %s" % (h["code"], h["head"]), size=14, w=152, align="center")
    y = p.text(15, y, "บ้านเลขที่ %s หมู่ที่ %s ตำบล%s อำเภอ%s" % (
        h["house_no"], h["village_no"], h["subdistrict"], h["district"]), size=14, w=152, align="center")
    p.text(15, y + 1.5, "รายงานผ่าน QR ทุกเดือนภายในวันที่ 20 ของเดือน ใช้แบบนี้เมื่อรายงานทางออนไลน์ไม่ได้ "
           "แล้วส่งสำนักงานพัฒนาชุมชนอำเภอภายในกำหนดเดียวกัน", size=13, w=150, color=(0.27, 0.27, 0.27))
    month_box(p, 60, 0)
    month_box(p, 173, 1)
    c.showPage()
    p = Page(c, A4)
    p.qr(170, 8, 30, qr)
    y = p.text(15, 12, "แบบรายงานผลการพัฒนาครัวเรือนเป้าหมายรายเดือน (ต่อ)", size=17, bold=True, w=152, align="center")
    p.text(15, y + 0.5, "รหัสบ้าน %s  หัวหน้าครัวเรือน %s" % (h["code"], h["head"]), size=14, w=152, align="center")
    month_box(p, 53, 2)
    p.text(15, 170, "ความเห็นของพัฒนาการอำเภอ", size=15, bold=True)
    p.rules(15, 173, 180, 32)
    for dx, who in [(15, "ผู้รายงาน"), (110, "พัฒนาการอำเภอ")]:
        signatures(p, dx, 216, who, 15, "......................")
    c.showPage()


def household(row):
    code = row["รหัสบ้าน"]
    check = sum(int(ch) for ch in code if ch.isdigit()) % 10
    try:
        income = float(row["รายได้เฉลี่ย (บาท/คน/ปี)"] or 0)
    except ValueError:
        income = 0.0
    try:
        nmembers = int(row["จำนวนสมาชิก"] or 0)
    except ValueError:
        nmembers = 0
    return {
        "code": code, "district_code": code[:4], "label": "%s-%d" % (code, check),
        "head": "%s%s %s" % (row["คำนำหน้า"], row["ชื่อ"], row["นามสกุล"]),
        "house_no": row["บ้านเลขที่"], "village_no": row["หมู่ที่"],
        "village_name": row["ชื่อหมู่บ้าน"], "subdistrict": row["ตำบล"],
        "district": row["อำเภอ"], "province": row["จังหวัด"],
        "members": row["จำนวนสมาชิก"], "nmembers": nmembers,
        "income": "{:,.0f}".format(income),
        "vs": "ต่ำกว่าเกณฑ์ %s บาท" % "{:,.0f}".format(38000 - income) if income < 38000 else "ผ่านเกณฑ์",
        "indicators": ", ".join(row["ตัวชี้วัดที่ไม่ผ่าน"].split(";")) or "-",
        "status": row["สถานะ"], "date": "2 ธันวาคม 2569",
    }


def main():
    reg, out = ARGS[0], ARGS[1]
    n = 0
    made = set()
    with open(reg, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            h = household(row)
            d = os.path.join(out, h["district_code"])
            if d not in made:
                os.makedirs(d, exist_ok=True)
                made.add(d)
            qr = qr_matrix(h["label"])
            c = canvas.Canvas(os.path.join(d, h["code"] + ".pdf"), pagesize=A4,
                              invariant=1, pageCompression=1)
            c.setTitle("สมุดบันทึกครัวเรือนเป้าหมาย " + h["code"])
            page_folder(c, h, qr)
            page_analysis(c, h, qr)
            page_visits(c, h, qr)
            page_plan(c, h, qr)
            page_results(c, h, qr)
            c.save()
            n += 1


if __name__ == "__main__":
    main()
