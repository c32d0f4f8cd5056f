#!/usr/bin/env python3
"""longregister.py - a register of long (but real-looking) names, addresses
and place names, made from the sample register (issue 14's layout test).

  longregister.py IN.csv OUT.csv [N]

Keeps the first N (default 40) rows of IN with their codes, and lengthens
the head's first name and surname, the house number, the village,
subdistrict and district names, the indicator list and the title (a
few English ones, "Mr."), cycling through the lists below so that every
document meets every length.  Columns are found by their Thai headers, so
the sample's column order does not matter.
"""
import csv, sys

FIRST = ["ศรีสุวรรณรัตนา", "มหาจักรพรรดิ์", "เฉลิมพระเกียรติศักดิ์",
         "ประภัสสรวรรณ", "John"]
LAST = ["ศรีสุวรรณรัตนโกสินทร์วงศ์ณอยุธยา", "ทรัพย์บุญเจริญรุ่งเรืองกิจ",
        "วงศ์สวัสดิ์สมบูรณ์ศักดิ์ชัย", "มหาวงศ์พิทักษ์ไพรสณฑ์", "Smith-Wongsawat"]
TITLE = ["นาย", "นางสาว", "นาง", "นาย", "Mr."]
VILLAGE = ["บ้านหนองบัวทองพัฒนาสามัคคีธรรม", "บ้านคลองตะเคียนเหนือร่วมใจ",
           "บ้านโนนสะอาดศรีสุขสำราญ", ""]
SUB = ["บางเตยคลองประเวศน์สามัคคี", "คลองนครเนื่องเขตต์", "หนองตีนนกพัฒนา"]
DIST = ["เมืองฉะเชิงเทรา", "บางน้ำเปรี้ยวพัฒนาใหม่", "พนมสารคามศรีสะอาด"]
HOUSE = ["1234/567", "๑๒๓/๔๕", "99/1-2"]


def main(src, dst, n):
    rows = list(csv.reader(open(src, encoding="utf-8")))
    h = rows[0]
    col = {k: h.index(k) for k in ("คำนำหน้า", "ชื่อ", "นามสกุล", "ชื่อหมู่บ้าน",
                                   "ตำบล", "อำเภอ", "บ้านเลขที่",
                                   "ตัวชี้วัดที่ไม่ผ่าน")}
    out = [h]
    for i, r in enumerate(rows[1:n + 1]):
        r = list(r)
        k = i % len(FIRST)
        r[col["คำนำหน้า"]] = TITLE[k]
        r[col["ชื่อ"]] = FIRST[k] + ("" if k == 4 else r[col["ชื่อ"]])
        r[col["นามสกุล"]] = LAST[(i // 2) % len(LAST)]
        r[col["ชื่อหมู่บ้าน"]] = VILLAGE[i % len(VILLAGE)]
        # ตำบล and อำเภอ stay real: the register checks them against the
        # DOPA table (templates/geo).
        r[col["บ้านเลขที่"]] = HOUSE[i % len(HOUSE)]
        r[col["ตัวชี้วัดที่ไม่ผ่าน"]] = ";".join(
            str(x) for x in range(1 + i % 3, 38, 3))
        out.append(r)
    with open(dst, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3
         else 40)
