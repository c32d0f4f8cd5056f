#!/usr/bin/env python3
"""layoutcheck.py - is anything printed over anything?  (issue 14)

  layoutcheck.py [--area L,T,R,B] [--cells SPEC --margin MM] [--rule MM]
                 FILE.pdf...

Reads the word boxes of `pdftotext -bbox` and fails (exit 1, one line per
finding on stdout) when
  - two words of a page are printed over each other: their letter bodies
    overlap by more than TOL points both ways;
  - a word lies outside the page, or outside the printable area (--area,
    millimetres kept clear at left, top, right, bottom), or, for label
    sheets (--cells 'cols,rows,w,h,left,top,hgap,vgap' in mm as in
    labels.tpl), outside its label's printable part (--margin mm inside
    the sheet's edges);
  - a word is struck through by a rule MM above the page's bottom edge
    (--rule: the packet footer's, 10.5 mm): its letters straddle the line.

poppler's word box is the font's whole ascent to descent (1.96 em for
Laksaman), taller than the line pitch, so boxes of consecutive lines always
meet.  The letter body is what must not meet: from the baseline up 0.62 em
(Thai consonants and x-height).  The baseline and size come from the box:
for Laksaman, height = 1.957 em with the baseline 0.687 em above the bottom.
Marks above and below are checked by tests/test_text.c (HarfBuzz extents).

  names FILE.pdf... --register CSV --stderr FILE
prints every head of household printed in the PDFs (code or spaced code
in the text) whose full name (title+first name, a space,
surname, as in the register) is neither in the text of the PDFs (lines
joined; a name wrapped over two lines counts) nor named by a warning
(household code) in FILE; exit 1 if there are any.  The text is read in
drawing order (pdftotext -raw), so a label's lines stay together.
"""
import csv, html, re, subprocess, sys

MM = 72 / 25.4
EM_H = 1.957          # poppler's word box height, in em (Laksaman)
DESC = 0.687          # its bottom below the baseline, em
BODY = 0.62           # letter body above the baseline, em
TOL = 0.5             # points

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                  r'yMax="([\d.]+)">(.*?)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


def pages(path):
    out = subprocess.run(["pdftotext", "-bbox", path, "-"], check=True,
                         capture_output=True, text=True).stdout
    cur = None
    for line in out.splitlines():
        m = PAGE.search(line)
        if m:
            cur = (float(m.group(1)), float(m.group(2)), [])
            yield_page = cur
            pages.list.append(cur)
            continue
        m = WORD.search(line)
        if m and cur is not None:
            x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
            cur[2].append((x0, y0, x1, y1, html.unescape(m.group(5))))
    res = pages.list
    pages.list = []
    return res


pages.list = []


def body(w):
    x0, y0, x1, y1, _ = w
    size = (y1 - y0) / EM_H
    base = y1 - DESC * size
    return x0, base - BODY * size, x1, base


def cells_of(spec):
    cols, rows, w, h, left, top, hgap, vgap = (float(x) for x in spec.split(","))
    out = []
    for r in range(int(rows)):
        for c in range(int(cols)):
            x = left + c * (w + hgap)
            y = top + r * (h + vgap)
            out.append((x * MM, y * MM, (x + w) * MM, (y + h) * MM))
    return out


def check(paths, area, cells, margin, rule=None):
    bad = 0
    for path in paths:
        for n, (pw, ph, words) in enumerate(pages(path), 1):
            bodies = [body(w) for w in words]
            lim = (area[0] * MM, area[1] * MM, pw - area[2] * MM,
                   ph - area[3] * MM)
            for i, (w, b) in enumerate(zip(words, bodies)):
                if (b[0] < lim[0] - TOL or b[1] < lim[1] - TOL or
                        b[2] > lim[2] + TOL or b[3] > lim[3] + TOL):
                    print(f"{path}: page {n}: '{w[4]}' at "
                          f"({b[0]:.1f},{b[1]:.1f})-({b[2]:.1f},{b[3]:.1f}) "
                          f"is outside the printable area")
                    bad += 1
                if rule is not None:
                    ry = ph - rule * MM
                    if b[1] < ry - TOL and b[3] > ry + TOL:
                        print(f"{path}: page {n}: '{w[4]}' is struck "
                              f"through by the rule at {rule} mm from the "
                              f"bottom")
                        bad += 1
                if cells:
                    inside = [c for c in cells
                              if b[0] >= c[0] + margin * MM - TOL and
                              b[2] <= c[2] - margin * MM + TOL and
                              b[1] >= c[1] + margin * MM - TOL and
                              b[3] <= c[3] - margin * MM + TOL]
                    if not inside:
                        print(f"{path}: page {n}: '{w[4]}' is not inside "
                              f"a label's printable part")
                        bad += 1
                for j in range(i + 1, len(words)):
                    c = bodies[j]
                    ox = min(b[2], c[2]) - max(b[0], c[0])
                    oy = min(b[3], c[3]) - max(b[1], c[1])
                    if ox > TOL and oy > TOL:
                        print(f"{path}: page {n}: '{w[4]}' and "
                              f"'{words[j][4]}' are printed over each other "
                              f"({ox:.1f} x {oy:.1f} pt)")
                        bad += 1
    return bad


def names(paths, register, stderr):
    text = ""
    for p in paths:
        t = subprocess.run(["pdftotext", "-raw", p, "-"], check=True,
                           capture_output=True, text=True).stdout
        text += t.replace("\n", "") + t.replace("\n", " ")
    text = re.sub(r" +", " ", text)
    warned = open(stderr, encoding="utf-8").read()
    rows = list(csv.reader(open(register, encoding="utf-8")))
    h = rows[0]
    ci, ti, fi, li = (h.index(k) for k in ("รหัสบ้าน", "คำนำหน้า", "ชื่อ",
                                         "นามสกุล"))
    missing = 0
    for r in rows[1:]:
        c = r[ci]
        if c not in text and f"{c[:6]} {c[6:8]} {c[8:]}" not in text:
            continue        # not printed in these documents
        title = r[ti] + (" " if r[ti][-1:].isascii() and r[ti] else "")
        full = f"{title}{r[fi]} {r[li]}"
        if full not in text and full.replace(" ", "") not in \
                text.replace(" ", "") and f"household {r[ci]}" not in warned:
            print(f"household {r[ci]}: head's full name neither printed nor "
                  f"warned about")
            missing += 1
    return missing


def main(argv):
    if argv and argv[0] == "names":
        paths, reg, err = [], None, None
        i = 1
        while i < len(argv):
            if argv[i] == "--register":
                reg = argv[i + 1]; i += 2
            elif argv[i] == "--stderr":
                err = argv[i + 1]; i += 2
            else:
                paths.append(argv[i]); i += 1
        return 1 if names(paths, reg, err) else 0
    area, cells, margin, paths, rule = (0, 0, 0, 0), None, 0.0, [], None
    i = 0
    while i < len(argv):
        if argv[i] == "--area":
            area = tuple(float(x) for x in argv[i + 1].split(",")); i += 2
        elif argv[i] == "--cells":
            cells = cells_of(argv[i + 1]); i += 2
        elif argv[i] == "--rule":
            rule = float(argv[i + 1]); i += 2
        elif argv[i] == "--margin":
            margin = float(argv[i + 1]); i += 2
        else:
            paths.append(argv[i]); i += 1
    return 1 if check(paths, area, cells, margin, rule) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
