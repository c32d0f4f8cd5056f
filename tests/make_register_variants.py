#!/usr/bin/env python3
"""make_register_variants.py - the sample register as offices really send it.

usage: make_register_variants.py REGISTER.csv OUTDIR

Writes, from the clean sample register (tests/data/households.csv), files
that must each give exactly the same households as the clean one:

  titles.csv     two title rows and a blank row above the header, a line
                 break inside a header cell (Alt+Enter), trailing empty
                 columns and rows
  twoheader.csv  a two-row header: group headings (merged cells, so empty
                 beside them) over the real names; the code's name sits in
                 the upper row only, as in a vertically merged cell
  typed.csv      values as offices type them: status "1 พัฒนาได้" or the
                 label alone, members "4 คน", village "หมู่ 5" / "ม.5",
                 incomes "13,048" and Thai digits, place names with their
                 prefixes, codes grouped 2401-010596-3, citizen IDs with
                 dashes
  tpmap.csv      the TPMAP Logbook layout (templates/register-tpmap.map):
                 one name cell, the place from village_ID only
  thaiqm.csv     the ThaiQM layout (templates/register-thaiqm.map):
                 one name cell, place names with prefixes, no village code

Deterministic: the choice of spelling per row depends on the row number
only.  The columns are those of samples/README.md.
"""
import csv
import os
import sys

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
LABEL = {"1": "พัฒนาได้", "2": "ขอรับการสงเคราะห์", "3": "พึ่งตนเองได้",
         "4": "อื่นๆ (เสียชีวิต/ย้าย)"}


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def money(s, i):
    """13048 -> '13,048', '๑๓,๐๔๘' or as it is, by row."""
    whole, _, frac = s.partition(".")
    grouped = "{:,}".format(int(whole)) + ("." + frac if frac else "")
    return [s, grouped, grouped.translate(THAI)][i % 3]


def main():
    src, out = sys.argv[1], sys.argv[2]
    head, rows = read(src)
    col = {h: k for k, h in enumerate(head)}
    os.makedirs(out, exist_ok=True)
    width = len(head)

    # Title rows, Alt+Enter in a header cell, trailing empty cells/rows.
    h2 = list(head)
    h2[col["รายได้เฉลี่ย (บาท/คน/ปี)"]] = "รายได้เฉลี่ย\n(บาท/คน/ปี)"
    h2[col["จำนวนสมาชิก"]] = "จำนวน\r\nสมาชิก"
    pad = ["", ""]
    write(os.path.join(out, "titles.csv"),
          [["บัญชีรายชื่อครัวเรือนเป้าหมาย จังหวัดฉะเชิงเทรา"] + [""] * (width + 1),
           ["ข้อมูล ณ วันที่ 1 มกราคม 2568"] + [""] * (width + 1),
           [""] * (width + 2), h2 + pad] +
          [r + pad for r in rows] + [[""] * (width + 2)] * 3)

    # Two-row header: group headings over the names.
    top = [""] * width
    low = list(head)
    top[col["รหัสบ้าน"]] = "รหัสบ้าน"
    low[col["รหัสบ้าน"]] = ""
    top[col["จังหวัด"]] = "ที่ตั้ง"
    top[col["คำนำหน้า"]] = "หัวหน้าครัวเรือน"
    top[col["จำนวนสมาชิก"]] = "ข้อมูล จปฐ."
    write(os.path.join(out, "twoheader.csv"), [top, low] + rows)

    # Values as typed.
    typed = []
    for i, r in enumerate(rows):
        r = list(r)
        code = r[col["รหัสบ้าน"]]
        if i % 4 == 1:
            r[col["รหัสบ้าน"]] = "%s-%s-%s" % (code[:4], code[4:10], code[10])
        elif i % 4 == 2:
            r[col["รหัสบ้าน"]] = code.translate(THAI)
        elif i % 4 == 3:
            r[col["รหัสบ้าน"]] = "%s %s %s" % (code[:4], code[4:10], code[10])
        st = r[col["สถานะ"]]
        if st:
            r[col["สถานะ"]] = [st, st + " " + LABEL[st], LABEL[st],
                               st.translate(THAI)][i % 4]
        r[col["จำนวนสมาชิก"]] = [r[col["จำนวนสมาชิก"]] + " คน",
                                 r[col["จำนวนสมาชิก"]].translate(THAI),
                                 r[col["จำนวนสมาชิก"]]][i % 3]
        vno = r[col["หมู่ที่"]]
        r[col["หมู่ที่"]] = ["หมู่ " + vno, "ม." + vno, "หมู่ที่ " + vno,
                            vno.translate(THAI)][i % 4]
        r[col["รายได้เฉลี่ย (บาท/คน/ปี)"]] = money(
            r[col["รายได้เฉลี่ย (บาท/คน/ปี)"]], i)
        r[col["จังหวัด"]] = ["จังหวัด", "จ.", ""][i % 3] + r[col["จังหวัด"]]
        r[col["อำเภอ"]] = ["อำเภอ", "อ.", "", "อ. "][i % 4] + r[col["อำเภอ"]]
        r[col["ตำบล"]] = ["ตำบล", "ต.", "", "ตำบล "][i % 4] + r[col["ตำบล"]]
        cid = r[col["เลขประจำตัวประชาชน"]]
        if cid and i % 2:
            r[col["เลขประจำตัวประชาชน"]] = "%s-%s-%s-%s-%s" % (
                cid[0], cid[1:5], cid[5:10], cid[10:12], cid[12])
        typed.append(r)
    write(os.path.join(out, "typed.csv"), [head] + typed)

    def full_name(r):
        return (r[col["คำนำหน้า"]] + r[col["ชื่อ"]] + " " +
                r[col["นามสกุล"]])

    # TPMAP Logbook: place from village_ID only.
    tp = [["house_data_ID", "village_ID", "village_name", "house_no",
           "name", "NID", "member", "income", "status", "phone"]]
    for i, r in enumerate(rows):
        st = r[col["สถานะ"]]
        tp.append([r[col["รหัสบ้าน"]], r[col["รหัสหมู่บ้าน"]],
                   r[col["ชื่อหมู่บ้าน"]], r[col["บ้านเลขที่"]], full_name(r),
                   r[col["เลขประจำตัวประชาชน"]], r[col["จำนวนสมาชิก"]],
                   r[col["รายได้เฉลี่ย (บาท/คน/ปี)"]],
                   (st + " " + LABEL[st]) if st and i % 2 else st,
                   r[col["โทรศัพท์"]]])
    write(os.path.join(out, "tpmap.csv"), tp)

    # ThaiQM: a title row, names with prefixes, no village code.
    qm = [["รายงานข้อมูลครัวเรือนเป้าหมาย (ThaiQM)"] + [""] * 12,
          ["รหัสประจำบ้าน (11 หลัก)", "ชื่อจังหวัด", "ชื่ออำเภอ", "ชื่อตำบล",
           "หมู่ที่", "ชื่อหมู่บ้าน", "บ้านเลขที่",
           "ชื่อ-สกุล หัวหน้าครัวเรือน", "เลขบัตรประจำตัวประชาชน",
           "จำนวนสมาชิกในครัวเรือน", "รายได้เฉลี่ยต่อคนต่อปี (บาท)",
           "สถานะครัวเรือน", "หมายเลขโทรศัพท์"]]
    for i, r in enumerate(rows):
        st = r[col["สถานะ"]]
        qm.append([r[col["รหัสบ้าน"]], "จ." + r[col["จังหวัด"]],
                   "อ." + r[col["อำเภอ"]], "ต." + r[col["ตำบล"]],
                   "หมู่ " + r[col["หมู่ที่"]], r[col["ชื่อหมู่บ้าน"]],
                   r[col["บ้านเลขที่"]], full_name(r),
                   r[col["เลขประจำตัวประชาชน"]], r[col["จำนวนสมาชิก"]],
                   money(r[col["รายได้เฉลี่ย (บาท/คน/ปี)"]], i + 1),
                   LABEL[st] if st else "", r[col["โทรศัพท์"]]])
    write(os.path.join(out, "thaiqm.csv"), qm)


if __name__ == "__main__":
    main()
