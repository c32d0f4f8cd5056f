# labels.tpl - QR sticker sheets (ffgen labels).  `sheet` lines describe
# the sticker paper: cols x rows cells of w x h mm, the first cell's corner
# at (left, top) from the sheet's top-left, gaps between cells, and
# margin= the edge of the sheet the printer leaves blank (5 mm by default;
# office lasers leave 4-5 mm).  Add your paper's sizes from its box; select
# it with --layout NAME.
# Each `page sheet=NAME` below is ONE label of that sheet: coordinates are
# inside the cell's printable part (a cell at the sheet's edge starts
# margin mm in), so every box must fit the narrowest such part.  Names
# break between first name and surname where they can; a name that still
# does not fit shrinks to minsize, then ends with "…" and is reported.

document labels
title "ป้าย QR ครัวเรือน"

sheet name=3x8 cols=3 rows=8 w=70 h=37 left=0 top=0.5 hgap=0 vgap=0 margin=5
sheet name=2x7 cols=2 rows=7 w=99.1 h=38.1 left=4.65 top=15.15 hgap=2.5 vgap=0 margin=5
sheet name=3x7 cols=3 rows=7 w=70 h=42.3 left=0 top=0.5 hgap=0 vgap=0 margin=5

# 3x8: printable part 65 x 32.5 mm at the sheet's edges.
page size=A4 sheet=3x8
qr x=0 y=1 size=29 nolabel
text x=29 y=1.5 w=35 size=11.5 bold "{code_spaced}"
text x=29 y=6.5 w=35.5 h=12 size=12 minsize=9 "{head}"
text x=29 y=19 w=35.5 h=13.5 size=10 minsize=8 "หมู่~{village_no} {village_name} ต.{subdistrict}"

# 2x7: 99 x 38 mm cells, all inside the printable area.
page size=A4 sheet=2x7
qr x=1.5 y=3 size=32 nolabel
text x=35 y=3.5 w=61 size=13 bold "{code_spaced}"
text x=35 y=10.5 w=61 h=13 size=13 minsize=10 "{head}"
text x=35 y=24 w=61 h=12 size=11 minsize=9 "หมู่~{village_no} {village_name} ต.{subdistrict} อ.{district}"

# 3x7: printable part 65 x 37.8 mm at the sheet's edges.
page size=A4 sheet=3x7
qr x=0 y=2 size=30 nolabel
text x=30 y=2.5 w=34 size=11.5 bold "{code_spaced}"
text x=30 y=8 w=34.5 h=14 size=12 minsize=9 "{head}"
text x=30 y=22.5 w=34.5 h=14.5 size=10.5 minsize=8 "หมู่~{village_no} {village_name} ต.{subdistrict}"
