#!/usr/bin/env python3
# tests/lib/longreg.py - a register of long (but real-looking) names,
# addresses and place names, made from the sample register.
#
# usage: longreg.py IN.csv OUT.csv
#
# Same households, codes, statuses and incomes as IN.csv; every name is
# longer than the sample's, as real registers have them: long titles
# (ว่าที่ร้อยตรีหญิง), compound given names, royal-style surnames with
# ณ อยุธยา, long village names, subdistrict and district names lengthened
# consistently (one name always becomes the same long name, so grouping by
# name and by code agree), house numbers with a sub-number.
import csv
import sys

TITLES = ["ว่าที่ร้อยตรีหญิง", "นางสาว", "ว่าที่ร้อยตรี", "นาย", "นาง"]
GIVEN = ["ศรีสุวรรณรัตน์", "เฉลิมพระเกียรติ", "กาญจนาภิเษก", "ประภาพรรณ",
         "พรรณนิภาภรณ์"]
SURNAMES = ["ศรีสุวรรณรัตนโกสินทร์วงศ์ ณ อยุธยา",
            "เจริญรุ่งเรืองศรีสมบูรณ์พูนผล",
            "ปัญญาวิจิตรศิลป์สกุลวงศ์",
            "ทรัพย์บุญมากมีศรีสวัสดิ์",
            "มหาจักรพรรดิ์ชัยมงคล"]
VILLAGES = ["บ้านหนองบัวทองพัฒนาสามัคคีร่วมใจ", "บ้านคลองสามวาตะวันออกใหม่",
            "บ้านโคกสะอาดเจริญสุขพัฒนา", "บ้านดอนทรายมูลเหนือสามัคคี"]


def longer(name, suffix):
    return name + suffix if name else name


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    col = {h: i for i, h in enumerate(head)}
    out = [head]
    for n, r in enumerate(rows[1:]):
        r = list(r)
        # District and subdistrict stay real: the register checks them
        # against the DOPA table (templates/geo).
        r[col["ชื่อหมู่บ้าน"]] = VILLAGES[n % len(VILLAGES)]
        r[col["บ้านเลขที่"]] = r[col["บ้านเลขที่"]].split("/")[0] + "/1234"
        r[col["คำนำหน้า"]] = TITLES[n % len(TITLES)]
        r[col["ชื่อ"]] = GIVEN[n % len(GIVEN)] + r[col["ชื่อ"]]
        r[col["นามสกุล"]] = SURNAMES[n % len(SURNAMES)]
        out.append(r)
    with open(dst, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(out)


if __name__ == "__main__":
    main()
