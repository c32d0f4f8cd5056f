#!/usr/bin/env python3
"""pagecheck.py - layout checks on the pages ffkit draws in C (summary,
packet covers, reconciliation), from pdftotext's word boxes.

  overlap FILE [FIRST LAST]
                        (pages FIRST..LAST only) exit 1 if two words are printed over each other or a
                        word lies (partly) outside its page; prints one line
                        per problem, then the number of words checked
  pagenums FILE [FIRST] exit 1 unless page i (from FIRST, default 1) of the N
                        pages of FILE prints "หน้า i/N"
  groups FILE PREFIX [FROM]
                        the pages from FROM (default 2): each must start its
                        table with a group row (a line starting PREFIX, e.g.
                        "อำเภอ"), and a group that began on an earlier page
                        must say "(ต่อ)"; exit 1 otherwise
  packet FILE HEADS BY  a packet's cover (BY village, subdistrict or
                        district; HEADS lines 'code<TAB>status<TAB>full name
                        without spaces<TAB>district'): no overlap on the
                        cover pages; every household of the count listed
                        with its full name; each start page odd, in order,
                        the first page carrying the household's code;
                        the district once in the heading; district covers
                        with tambon and village-name columns
  words FILE            every word as 'page<TAB>word'
  text FILE [FIRST LAST] the text in content-stream order (pdftotext -raw),
                        whitespace removed: names wrapped over lines of a
                        cell are contiguous there

Word boxes: poppler makes every word as tall as the font's ascent + descent
(Laksaman: 1.270 + 0.687 em), far more than the ink of a line, so boxes of
adjacent lines always overlap.  Each box is cut to its core, from 0.75 em
above the baseline to 0.25 em below: two lines whose cores meet are printed
over each other (tables here set lines at least 1.4 em apart).
Horizontally, words of one line never touch (a space or a cell's padding is
between them); 0.5 pt is tolerated.
"""
import html
import re
import subprocess
import sys

ASC, DESC = 1.270, 0.687
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                  r'yMax="([\d.]+)">(.*?)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


def pages(path):
    out = subprocess.run(["pdftotext", "-bbox", path, "-"], check=True,
                         capture_output=True, text=True).stdout
    res = []
    for chunk in out.split("<page ")[1:]:
        m = PAGE.match("<page " + chunk)
        w, h = float(m.group(1)), float(m.group(2))
        words = []
        for x0, y0, x1, y1, t in WORD.findall(chunk):
            x0, y0, x1, y1 = float(x0), float(y0), float(x1), float(y1)
            size = (y1 - y0) / (ASC + DESC)
            base = y0 + ASC * size
            words.append((x0, base - 0.75 * size, x1, base + 0.25 * size,
                          html.unescape(t)))
        res.append((w, h, words))
    return res


def overlap(path, first=1, last=0):
    bad = n = 0
    for p, (w, h, words) in enumerate(pages(path), 1):
        if p < first or (last and p > last):
            continue
        n += len(words)
        for x0, y0, x1, y1, t in words:
            if x0 < -0.5 or y0 < -0.5 or x1 > w + 0.5 or y1 > h + 0.5:
                print(f"page {p}: '{t}' outside the page "
                      f"({x0:.1f},{y0:.1f})-({x1:.1f},{y1:.1f})")
                bad += 1
        ws = sorted(words)
        for i, a in enumerate(ws):
            for b in ws[i + 1:]:
                if b[0] >= a[2] - 0.5:
                    break
                if b[1] < a[3] and a[1] < b[3] and b[0] < a[2] - 0.5:
                    print(f"page {p}: '{a[4]}' and '{b[4]}' printed over "
                          f"each other at ({b[0]:.1f},{max(a[1], b[1]):.1f})")
                    bad += 1
    print(f"{n} words checked")
    return 1 if bad else 0


def page_text(path, p):
    return subprocess.run(["pdftotext", "-raw", "-f", str(p), "-l", str(p),
                           path, "-"], check=True, capture_output=True,
                          text=True).stdout


def npages(path):
    info = subprocess.run(["pdfinfo", path], check=True, capture_output=True,
                          text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pagenums(path, first=1):
    n, bad = npages(path), 0
    for p in range(first, n + 1):
        t = page_text(path, p)
        got = re.findall(r"หน้า (\d+)/(\d+)", t)
        if got != [(str(p), str(n))]:
            print(f"page {p} of {n}: page numbers {got}, want {p}/{n}")
            bad += 1
    return 1 if bad else 0


def group_key(line):
    return re.sub(r"\s*\(ต่อ\)", "", line).split(":")[0].split(" (")[0]


def is_row(line):
    """A data row of a table: a subdistrict label or a household code."""
    return bool(re.match(r"^ตำบล[^\s/]", line) or
                re.search(r"(^|\s)\d{11}(\s|$)", line))


def is_group(line, prefix):
    return line.startswith(prefix) and not re.match(
        re.escape(prefix) + r"\s*(/|$)", line)


def groups(path, prefix, start=2):
    n, bad, seen = npages(path), 0, set()
    for p in range(1, n + 1):
        lines = [l.strip() for l in page_text(path, p).split("\n")]
        at = next((i for i, l in enumerate(lines) if is_group(l, prefix)),
                  None)
        first = None if at is None else lines[at]
        # A wrapped group label carries its "(ต่อ)" on its last line.
        tail = "" if at is None or at + 1 >= len(lines) else lines[at + 1]
        if p >= start:
            for l in lines:
                if is_group(l, prefix):
                    break
                if is_row(l):
                    print(f"page {p}: row '{l}' comes before any "
                          f"'{prefix}' heading")
                    bad += 1
                    break
            if first is not None and group_key(first) in seen and \
                    "(ต่อ)" not in first and \
                    "(ต่อ)" not in tail:
                print(f"page {p}: '{first}' continues without (ต่อ)")
                bad += 1
        for l in lines:
            if is_group(l, prefix):
                seen.add(group_key(l))
    return 1 if bad else 0


def page_texts(path, raw):
    t = subprocess.run(["pdftotext"] + (["-raw"] if raw else []) +
                       [path, "-"], check=True, capture_output=True,
                       text=True).stdout
    return t.split("\f")


def packet(path, heads_tsv, by):
    """Cover checks of one packet; see the packet command in the doc."""
    heads = {}
    with open(heads_tsv, encoding="utf-8") as f:
        for line in f:
            code, status, name, district = line.rstrip("\n").split("\t")
            heads[code] = (name, district)
    raw, plain = page_texts(path, True), page_texts(path, False)
    n = len(raw) - (1 if raw and raw[-1].strip() == "" else 0)
    bad = []
    rows, cover = [], 0
    for i in range(n):
        if "หัวหน้าครัวเรือน" not in raw[i]:
            break
        found = re.findall(r"(\d{11})\s+[0-4]\s+(\d+)\s", raw[i] + "\n")
        if not found:
            break
        rows += found
        cover = i + 1
    if cover == 0:
        return ["no cover"]
    if overlap(path, 1, cover):
        bad.append("words printed over each other on the cover (above)")
    m = re.search(r"จำนวน (\d+) ครัวเรือน", plain[0])
    if not m or int(m.group(1)) != len(rows):
        bad.append(f"cover lists {len(rows)} households, heading says "
                   f"{m.group(1) if m else '?'}")
    ctext = re.sub(r"\s+", "", "".join(raw[:cover]))
    prev = 0
    for code, page in rows:
        page = int(page)
        if page % 2 != 1:
            bad.append(f"{code} starts on even page {page}")
        if not prev < page <= n:
            bad.append(f"{code}: start page {page} out of order or range")
        elif code not in plain[page - 1]:
            bad.append(f"page {page} (listed for {code}) is not its page")
        elif code in plain[page - 2]:
            bad.append(f"{code} already on page {page - 1}, before its "
                       f"listed start {page}")
        prev = page
        if heads.get(code, ("?",))[0] not in ctext:
            bad.append(f"cover lacks the full head's name of {code}")
    # The place once in the heading (the footer names the packet too).
    head = re.sub(r"\s+", "", raw[0].split("หัวหน้าครัวเรือน")[0])
    d = heads.get(rows[0][0], ("", ""))[1] if rows else ""
    k = head.count("อำเภอ" + d)
    if k != 1:
        bad.append(f"the district is printed {k} times in the heading")
    if by == "district" and not re.search("ตำบล.*หมู่บ้าน", head):
        bad.append("a district cover without tambon and village columns")
    return bad


def words(path):
    for p, (w, h, ws) in enumerate(pages(path), 1):
        for x0, y0, x1, y1, t in ws:
            print(f"{p}\t{t}")
    return 0


def text(path, first=1, last=0):
    rng = ["-f", str(first)] + (["-l", str(last)] if last else [])
    t = subprocess.run(["pdftotext", "-raw"] + rng + [path, "-"], check=True,
                       capture_output=True, text=True).stdout
    sys.stdout.write(re.sub(r"\s+", "", t))
    return 0


def main():
    cmd = sys.argv[1]
    if cmd == "overlap":
        return overlap(sys.argv[2], *(int(a) for a in sys.argv[3:5]))
    if cmd == "pagenums":
        return pagenums(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3
                        else 1)
    if cmd == "groups":
        return groups(sys.argv[2], sys.argv[3],
                      int(sys.argv[4]) if len(sys.argv) > 4 else 2)
    if cmd == "packet":
        bad = packet(sys.argv[2], sys.argv[3], sys.argv[4])
        for b in bad:
            print(b)
        return 1 if bad else 0
    if cmd == "words":
        return words(sys.argv[2])
    if cmd == "text":
        return text(sys.argv[2], *(int(a) for a in sys.argv[3:5]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
