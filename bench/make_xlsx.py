#!/usr/bin/python3
"""bench/make_xlsx.py IN.csv OUT.xlsx - a register CSV as an XLSX workbook,
written as a stream (so a million rows need little memory here either).

Household codes, members and incomes are stored as numbers; every other cell,
the unique citizen IDs included, goes to the shared-string table, as Excel
does, so the table has about as many entries as the sheet has rows.
"""
import csv
import sys
import zipfile
from xml.sax.saxutils import escape

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
NUMBERS = {0, 4, 11, 12}


def col(i):
    return chr(65 + i)


def main():
    src, out = sys.argv[1], sys.argv[2]
    sst, index = [], {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as w, \
                open(src, newline="", encoding="utf-8") as f:
            w.write(('<?xml version="1.0" encoding="UTF-8"?>\n<worksheet %s>'
                     '<sheetData>' % NS).encode())
            for r, row in enumerate(csv.reader(f), 1):
                cells = []
                for c, v in enumerate(row):
                    if v == "":
                        continue
                    if r > 1 and c in NUMBERS and v.replace(".", "", 1).isdigit():
                        cells.append('<c r="%s%d"><v>%s</v></c>' % (col(c), r, v))
                    else:
                        if v not in index:
                            index[v] = len(sst)
                            sst.append(v)
                        cells.append('<c r="%s%d" t="s"><v>%d</v></c>'
                                     % (col(c), r, index[v]))
                w.write(('<row r="%d">%s</row>' % (r, "".join(cells))).encode())
            w.write(b"</sheetData></worksheet>")
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as w:
            w.write(('<?xml version="1.0" encoding="UTF-8"?>\n<sst %s>' % NS).encode())
            for s in sst:
                w.write(("<si><t>%s</t></si>" % escape(s)).encode())
            w.write(b"</sst>")
        z.writestr("xl/workbook.xml",
                   '<workbook %s xmlns:r="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships"><sheets><sheet name='
                   '"Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>' % NS)
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type='
                   '"http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.'
                   'org/officeDocument/2006/relationships/sharedStrings" '
                   'Target="sharedStrings.xml"/></Relationships>')


main()
