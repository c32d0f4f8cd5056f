# labels.tpl - QR sticker sheets (ffgen labels).  `sheet` lines describe
# the sticker paper: cols x rows cells of w x h mm, the first cell's corner
# at (left, top) from the sheet's top-left, gaps between cells.  Add your
# paper's sizes from its box; select it with --layout NAME.
# The page below is ONE label: coordinates are inside the cell.

document labels
title "ป้าย QR ครัวเรือน"

sheet name=3x8 cols=3 rows=8 w=70 h=37 left=0 top=0.5 hgap=0 vgap=0
sheet name=2x7 cols=2 rows=7 w=99.1 h=38.1 left=4.65 top=15.15 hgap=2.5 vgap=0
sheet name=3x7 cols=3 rows=7 w=70 h=42.3 left=0 top=0.5 hgap=0 vgap=0

page size=A4
qr x=1 y=3 size=31 nolabel
text x=32 y=4 w=37 size=12 bold "{code_spaced}"
text x=32 y=11 w=37 h=13 size=12 "{head}"
text x=32 y=24 w=37 h=11 size=10.5 "หมู่ {village_no} {village_name} ต.{subdistrict}"
