# results.tpl - the monthly results report form (enclosure 5): the paper
# fallback when the QR web form cannot be used, January - March 2568.
# Reports are due by the 20th of each month ({deadline:...} prints it in BE).
# The header flows (y=+N) with at most two lines (h=) for the name and the
# address each; what still does not fit shrinks, then is cut with "…" and
# reported, so the month boxes below keep their places.

document results
title "แบบรายงานผลการพัฒนาครัวเรือนรายเดือน"

qr x=170 y=8 size=30

# One month's report box; `use month dy=.. value=YYYY-MM` places it.
# Coordinates inside are relative to the box's top; $value is the month.
define month
box x=15 y=0 w=180 h=9 fill=#E6ECF2 width=0
box x=15 y=0 w=180 h=110 width=0.8
text x=18 y=1 w=174 size=15 bold "ผลการดำเนินงานเดือน{month:$value}    ส่งภายใน {deadline:$value}"
text x=18 y=11 size=15 "กิจกรรมที่ดำเนินการ"
rules x=18 y=11 w=174 h=16 step=8 dashed
text x=18 y=31 size=15 "ประเภทปัจจัย (๔ท)"
checkbox x=64 y=31 size=15 "ทัศนคติ"
checkbox x=94 y=31 size=15 "ทักษะ"
checkbox x=120 y=31 size=15 "ทรัพยากร"
checkbox x=152 y=31 size=15 "ทางออก"
text x=18 y=40 size=15 "ผลการดำเนินงาน"
rules x=18 y=40 w=174 h=32 step=8 dashed
text x=18 y=76 size=15 "รายได้หลังพัฒนา ............................ บาท/คน/ปี"
text x=18 y=85 size=15 "สถานะหลังพัฒนา"
checkbox x=58.5 y=85 size=13 "1 พัฒนาได้"
checkbox x=89 y=85 size=13 "2 ขอรับการสงเคราะห์"
checkbox x=136 y=85 size=13 "3 พึ่งตนเองได้"
checkbox x=169.5 y=85 size=13 "4 อื่นๆ"
text x=18 y=96 size=15 "ผู้รายงาน ........................................................   วันที่รายงาน ........ / ........ / ........"
end

page size=A4
text x=15 y=12 w=152 size=19 bold align=center "แบบรายงานผลการพัฒนาครัวเรือนเป้าหมายรายเดือน"
text x=15 y=+0.5 w=152 h=12 size=14 align=center "รหัสบ้าน {code}  หัวหน้าครัวเรือน {head}"
text x=15 y=+0 w=152 h=12 size=14 align=center "บ้านเลขที่~{house_no} หมู่ที่~{village_no} ตำบล{subdistrict} อำเภอ{district}"
text x=15 y=+1.5 w=150 h=11 size=13 color=#444444 "รายงานผ่าน QR ทุกเดือนภายในวันที่~20~ของเดือน ใช้แบบนี้เมื่อรายงานทางออนไลน์ไม่ได้ แล้วส่งสำนักงานพัฒนาชุมชนอำเภอภายในกำหนดเดียวกัน"

use month dy=60 value=year-01
use month dy=173 value=year-02

page size=A4
text x=15 y=12 w=152 size=17 bold align=center "แบบรายงานผลการพัฒนาครัวเรือนเป้าหมายรายเดือน (ต่อ)"
text x=15 y=+0.5 w=152 h=12 size=14 align=center "รหัสบ้าน {code}  หัวหน้าครัวเรือน {head}"

use month dy=53 value=year-03

text x=15 y=170 size=15 bold "ความเห็นของพัฒนาการอำเภอ"
rules x=15 y=173 w=180 h=32 step=8 dashed

define sign
text x=0 y=0 w=85 size=15 align=center "ลงชื่อ ...................... $value"
text x=0 y=+0.5 w=85 size=15 align=center "(..............................)"
text x=0 y=+0.5 w=85 size=15 align=center "ตำแหน่ง .............................."
text x=0 y=+0.5 w=85 size=15 align=center "วันที่ ........ / ........ / ........"
end
use sign dx=15 dy=216 value=ผู้รายงาน
use sign dx=110 dy=216 value=พัฒนาการอำเภอ
