#!/usr/bin/python3
"""mktable.py - Excel-like copies of a CSV for the tabular reader's tests.

usage: mktable.py xlsx IN.csv OUT.xlsx [options]
       mktable.py xls IN.csv OUT.xls [--numbers COLS] [--sheet NAME]
       mktable.py zip OUT.zip NAME=FILE...

xlsx writes SpreadsheetML by hand (zipfile + XML text), the way Excel,
Google Sheets and KoboToolbox lay a workbook out, so every path of
core/xlsx_read.c is exercised:
  --numbers COLS   1-based columns whose digit-only cells are stored as
                   numbers (codes and citizen IDs as Excel stores them)
  --exp            write those numbers in exponent form (2.4010879092E10)
  --dates COLS     ISO date-times in these columns stored as serial numbers
                   with a date-time style (a custom format code)
  --dateonly COLS  the same with the built-in date-only style (id 14)
  --inline         inline strings instead of the shared-string table
  --sparse         leave empty cells out and drop some r= references
  --trailing       add empty formatted cells to the right and empty rows
                   at the end, as Excel does after a cell was cleared
  --sheet NAME     the data sheet's name
  --first-sheet NAME  put another (decoy) sheet before the data sheet
  --prefix P       namespace prefix for the main namespace ("x")
xls uses python3-xlwt (BIFF8).  zip stores each FILE under NAME.
"""
import csv
import datetime
import sys
import zipfile
from xml.sax.saxutils import escape


def col_name(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def serial(text):
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            d = datetime.datetime.strptime(text[:19], fmt)
            break
        except ValueError:
            d = None
    if d is None:
        return None
    delta = d - datetime.datetime(1899, 12, 30)
    return delta.days + delta.seconds / 86400.0


def read_csv(src):
    """Rows of a UTF-8 CSV; ';' when the header has more of it than ','."""
    with open(src, newline="", encoding="utf-8-sig") as f:
        head = f.readline()
        f.seek(0)
        delim = ";" if head.count(";") > head.count(",") else ","
        return list(csv.reader(f, delimiter=delim))


def opt(args, name, default=None):
    if name in args:
        i = args.index(name)
        v = args[i + 1]
        del args[i:i + 2]
        return v
    return default


def flag(args, name):
    if name in args:
        args.remove(name)
        return True
    return False


def xlsx(src, out, args):
    numbers = {int(c) - 1 for c in opt(args, "--numbers", "").split(",") if c}
    dates = {int(c) - 1 for c in opt(args, "--dates", "").split(",") if c}
    dateonly = {int(c) - 1 for c in opt(args, "--dateonly", "").split(",") if c}
    sheet = opt(args, "--sheet", "Sheet1")
    decoy = opt(args, "--first-sheet")
    pre = opt(args, "--prefix")
    exp = flag(args, "--exp")
    inline = flag(args, "--inline")
    sparse = flag(args, "--sparse")
    trailing = flag(args, "--trailing")
    rows = read_csv(src)
    p = (pre + ":") if pre else ""
    ns = ('xmlns%s="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
          'relationships"') % ((":" + pre) if pre else "")
    sst, sst_index = [], {}
    body = []
    for ri, row in enumerate(rows):
        cells = []
        for ci, v in enumerate(row):
            ref = "" if (sparse and ci % 3 == 2) else ' r="%s%d"' % (col_name(ci), ri + 1)
            if v == "":
                if not sparse:
                    cells.append('<%sc%s/>' % (p, ref))
                continue
            if ri > 0 and (ci in dates or ci in dateonly) and serial(v) is not None:
                cells.append('<%sc%s s="%d"><%sv>%r</%sv></%sc>'
                             % (p, ref, 2 if ci in dates else 3, p, serial(v), p, p))
            elif ri > 0 and ci in numbers and v.isdigit():
                num = "%.15E" % float(v) if exp else v
                cells.append('<%sc%s s="1"><%sv>%s</%sv></%sc>' % (p, ref, p, num, p, p))
            elif inline:
                cells.append('<%sc%s t="inlineStr"><%sis><%st>%s</%st></%sis></%sc>'
                             % (p, ref, p, p, escape(v), p, p, p))
            else:
                if v not in sst_index:
                    sst_index[v] = len(sst)
                    sst.append(v)
                cells.append('<%sc%s t="s"><%sv>%d</%sv></%sc>' % (p, ref, p, sst_index[v], p, p))
        if trailing:
            for k in range(3):
                cells.append('<%sc r="%s%d" s="1"/>' % (p, col_name(len(row) + k), ri + 1))
        body.append('<%srow r="%d">%s</%srow>' % (p, ri + 1, "".join(cells), p))
    if trailing:
        n = len(rows)
        for k in range(1, 4):
            body.append('<%srow r="%d"><%sc r="A%d" s="1"/></%srow>' % (p, n + k, p, n + k, p))
    sheet_xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<%sworksheet %s><%ssheetData>%s</%ssheetData></%sworksheet>'
                 % (p, ns, p, "".join(body), p, p))
    sheets = ([decoy] if decoy else []) + [sheet]
    wb = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<%sworkbook %s><%ssheets>%s</%ssheets></%sworkbook>'
          % (p, ns, p, "".join('<%ssheet name="%s" sheetId="%d" r:id="rId%d"/>'
                               % (p, escape(n), i + 1, i + 1)
                               for i, n in enumerate(sheets)), p, p))
    rels = ['<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/'
            'sheet%d.xml"/>' % (i + 1, i + 1) for i in range(len(sheets))]
    rels.append('<Relationship Id="rId90" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/styles" Target="styles.xml"/>')
    rels.append('<Relationship Id="rId91" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/sharedStrings" '
                'Target="sharedStrings.xml"/>')
    styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<numFmts count="1"><numFmt numFmtId="164" formatCode="[$-en-US]yyyy\\-mm\\-dd&quot; &quot;hh:mm:ss"/></numFmts>'
              '<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
              '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="1"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs>'
              '</styleSheet>')
    ss = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'count="%d" uniqueCount="%d">%s</sst>'
          % (len(sst), len(sst), "".join('<si><t xml:space="preserve">%s</t></si>'
                                         % escape(s) for s in sst)))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://'
                   'schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns='
                   '"http://schemas.openxmlformats.org/package/2006/relationships">'
                   + "".join(rels) + "</Relationships>")
        z.writestr("xl/styles.xml", styles)
        z.writestr("xl/sharedStrings.xml", ss)
        if decoy:
            z.writestr("xl/worksheets/sheet1.xml",
                       '<worksheet %s><sheetData><row r="1"><c r="A1" t="inlineStr">'
                       '<is><t>not this one</t></is></c></row></sheetData></worksheet>'
                       % ns.replace("xmlns:" + pre if pre else "xmlns", "xmlns", 1))
        z.writestr("xl/worksheets/sheet%d.xml" % len(sheets), sheet_xml)


def xls(src, out, args):
    import xlwt
    numbers = {int(c) - 1 for c in opt(args, "--numbers", "").split(",") if c}
    sheet = opt(args, "--sheet", "Sheet1")
    rows = read_csv(src)
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(sheet)
    for ri, row in enumerate(rows):
        for ci, v in enumerate(row):
            if v == "":
                continue
            if ri > 0 and ci in numbers and v.isdigit():
                ws.write(ri, ci, float(v))
            else:
                ws.write(ri, ci, v)
    wb.save(out)


def main():
    args = sys.argv[1:]
    kind = args.pop(0)
    if kind == "xlsx":
        xlsx(args[0], args[1], args[2:])
    elif kind == "xls":
        xls(args[0], args[1], args[2:])
    elif kind == "zip":
        with zipfile.ZipFile(args[0], "w", zipfile.ZIP_DEFLATED) as z:
            for a in args[1:]:
                name, path = a.split("=", 1)
                z.write(path, name)
    else:
        sys.exit("unknown kind " + kind)


main()
