#!/usr/bin/env python3
"""pdfcheck.py - structural checks on ffkit PDFs for the CLI tests.

  outline FILE           print the outline as 'depth<TAB>page<TAB>title' lines
                         (qpdf --json), depth 0 = top level
  labels FILE DPI CELLS  render every label cell of every page at DPI on its
                         own and decode it with zbarimg; CELLS is
                         'cols,rows,w,h,left,top,hgap,vgap' in mm; print
                         'page<TAB>cell<TAB>payload' for each cell that decodes
  words FILE CELLS       exit 1 if a word of pdftotext -bbox lies across
                         cell borders; print the number of words checked
"""
import json, re, subprocess, sys, tempfile, os, glob


def outline(path):
    j = json.loads(subprocess.run(["qpdf", "--json", "--json-key=outlines", path],
                                  check=True, capture_output=True).stdout)
    def walk(items, depth):
        for it in items:
            print(f"{depth}\t{it.get('destpageposfrom1')}\t{it['title']}")
            walk(it.get("kids", []), depth + 1)
    walk(j["outlines"], 0)


def cells_of(spec):
    cols, rows, w, h, left, top, hgap, vgap = (float(x) for x in spec.split(","))
    out = []
    for r in range(int(rows)):
        for c in range(int(cols)):
            x = left + c * (w + hgap)
            y = top + r * (h + vgap)
            out.append((x, y, x + w, y + h))
    return out


def cell_index(cells, x0, y0, x1, y1):
    for i, (a, b, c, d) in enumerate(cells):
        if x0 >= a - 0.01 and y0 >= b - 0.01 and x1 <= c + 0.01 and y1 <= d + 0.01:
            return i
    return -1


def labels(path, dpi, spec):
    """Render each cell of each page on its own (zbarimg in Debian 12 gives no
    symbol positions, and misses codes on a full sheet), so a payload that
    decodes from a cell's crop lies inside that cell."""
    cells = cells_of(spec)
    px = float(dpi) / 25.4
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", path], capture_output=True, text=True).stdout).group(1))
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(1, pages + 1):
            for i, (x0, y0, x1, y1) in enumerate(cells):
                out = f"{tmp}/c"
                subprocess.run(["pdftoppm", "-r", dpi, "-f", str(n), "-l", str(n),
                                "-x", str(int(x0 * px)), "-y", str(int(y0 * px)),
                                "-W", str(int((x1 - x0) * px)), "-H", str(int((y1 - y0) * px)),
                                "-png", "-singlefile", path, out], check=True)
                got = subprocess.run(["zbarimg", "-q", "--raw", out + ".png"],
                                     capture_output=True, text=True).stdout.strip()
                if got:
                    print(f"{n}\t{i}\t{got}")


def words(path, spec):
    cells = cells_of(spec)
    html = subprocess.run(["pdftotext", "-bbox", path, "-"], check=True,
                          capture_output=True, text=True).stdout
    pt = 25.4 / 72
    n = bad = 0
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html):
        x0, y0, x1, y1 = (float(m.group(k)) * pt for k in range(1, 5))
        n += 1
        if cell_index(cells, x0, y0, x1, y1) < 0:
            print(f"word '{m.group(5)}' at {x0:.1f},{y0:.1f}-{x1:.1f},{y1:.1f} mm crosses a cell border",
                  file=sys.stderr)
            bad += 1
    print(n)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "outline":
        outline(sys.argv[2])
    elif cmd == "labels":
        labels(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "words":
        words(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
