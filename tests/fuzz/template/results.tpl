# results.tpl - the monthly results report form (enclosure 5): the paper
# fallback when the QR web form cannot be used, January - March 2568.
# Reports are due by the 20th of each month ({deadline:...} prints it in BE).

document results
title "แบบรายงานผลการพัฒนาครัวเรือนรายเดือน"

qr x=170 y=8 size=30

page size=A4
text x=15 y=12 w=152 size=19 bold align=center "แบบรายงานผลการพัฒนาครัวเรือนเป้าหมายรายเดือน"
text x=15 y=22 w=152 size=15 align=center "รหัสบ้าน {code}  หัวหน้าครัวเรือน {head}"
text x=15 y=30 w=152 size=15 align=center "บ้านเลขที่ {house_no} หมู่ที่ {village_no} ตำบล{subdistrict} อำเภอ{district} จังหวัด{province}"
text x=15 y=41 w=180 size=14 color=#444444 "รายงานผ่าน QR ทุกเดือนภายในวันที่ 20 ของเดือน ใช้แบบนี้เมื่อรายงานทางออนไลน์ไม่ได้ แล้วส่งสำนักงานพัฒนาชุมชนอำเภอภายในกำหนดเดียวกัน"

box x=15 y=53 w=180 h=9 fill=#E6ECF2 width=0
box x=15 y=53 w=180 h=110 width=0.8
text x=18 y=54 w=174 size=15 bold "ผลการดำเนินงานประจำเดือน{month:2568-01}   (ส่งภายในวันที่ {deadline:2568-01})"
text x=18 y=64 size=15 "กิจกรรมที่ดำเนินการ"
rules x=18 y=64 w=174 h=16 step=8 dashed
text x=18 y=84 size=15 "ประเภทปัจจัย (๔ท)"
checkbox x=58 y=84 size=15 "ทัศนคติ"
checkbox x=88 y=84 size=15 "ทักษะ"
checkbox x=115 y=84 size=15 "ทรัพยากร"
checkbox x=147 y=84 size=15 "ทางออก"
text x=18 y=93 size=15 "ผลการดำเนินงาน"
rules x=18 y=93 w=174 h=32 step=8 dashed
text x=18 y=129 size=15 "รายได้หลังพัฒนา ............................ บาท/คน/ปี"
text x=18 y=138 size=15 "สถานะหลังพัฒนา"
checkbox x=52 y=138 size=15 "1 พัฒนาได้"
checkbox x=82 y=138 size=15 "2 ขอรับการสงเคราะห์"
checkbox x=128 y=138 size=15 "3 พึ่งตนเองได้"
checkbox x=160 y=138 size=15 "4 อื่นๆ"
text x=18 y=149 size=15 "ผู้รายงาน ........................................................   วันที่รายงาน ........ / ........ / ........"

box x=15 y=170 w=180 h=9 fill=#E6ECF2 width=0
box x=15 y=170 w=180 h=110 width=0.8
text x=18 y=171 w=174 size=15 bold "ผลการดำเนินงานประจำเดือน{month:2568-02}   (ส่งภายในวันที่ {deadline:2568-02})"
text x=18 y=181 size=15 "กิจกรรมที่ดำเนินการ"
rules x=18 y=181 w=174 h=16 step=8 dashed
text x=18 y=201 size=15 "ประเภทปัจจัย (๔ท)"
checkbox x=58 y=201 size=15 "ทัศนคติ"
checkbox x=88 y=201 size=15 "ทักษะ"
checkbox x=115 y=201 size=15 "ทรัพยากร"
checkbox x=147 y=201 size=15 "ทางออก"
text x=18 y=210 size=15 "ผลการดำเนินงาน"
rules x=18 y=210 w=174 h=32 step=8 dashed
text x=18 y=246 size=15 "รายได้หลังพัฒนา ............................ บาท/คน/ปี"
text x=18 y=255 size=15 "สถานะหลังพัฒนา"
checkbox x=52 y=255 size=15 "1 พัฒนาได้"
checkbox x=82 y=255 size=15 "2 ขอรับการสงเคราะห์"
checkbox x=128 y=255 size=15 "3 พึ่งตนเองได้"
checkbox x=160 y=255 size=15 "4 อื่นๆ"
text x=18 y=266 size=15 "ผู้รายงาน ........................................................   วันที่รายงาน ........ / ........ / ........"

page size=A4
text x=15 y=12 w=152 size=19 bold align=center "แบบรายงานผลการพัฒนาครัวเรือนเป้าหมายรายเดือน (ต่อ)"
text x=15 y=22 w=152 size=15 align=center "รหัสบ้าน {code}  หัวหน้าครัวเรือน {head}"

box x=15 y=53 w=180 h=9 fill=#E6ECF2 width=0
box x=15 y=53 w=180 h=110 width=0.8
text x=18 y=54 w=174 size=15 bold "ผลการดำเนินงานประจำเดือน{month:2568-03}   (ส่งภายในวันที่ {deadline:2568-03})"
text x=18 y=64 size=15 "กิจกรรมที่ดำเนินการ"
rules x=18 y=64 w=174 h=16 step=8 dashed
text x=18 y=84 size=15 "ประเภทปัจจัย (๔ท)"
checkbox x=58 y=84 size=15 "ทัศนคติ"
checkbox x=88 y=84 size=15 "ทักษะ"
checkbox x=115 y=84 size=15 "ทรัพยากร"
checkbox x=147 y=84 size=15 "ทางออก"
text x=18 y=93 size=15 "ผลการดำเนินงาน"
rules x=18 y=93 w=174 h=32 step=8 dashed
text x=18 y=129 size=15 "รายได้หลังพัฒนา ............................ บาท/คน/ปี"
text x=18 y=138 size=15 "สถานะหลังพัฒนา"
checkbox x=52 y=138 size=15 "1 พัฒนาได้"
checkbox x=82 y=138 size=15 "2 ขอรับการสงเคราะห์"
checkbox x=128 y=138 size=15 "3 พึ่งตนเองได้"
checkbox x=160 y=138 size=15 "4 อื่นๆ"
text x=18 y=149 size=15 "ผู้รายงาน ........................................................   วันที่รายงาน ........ / ........ / ........"

text x=15 y=175 size=15 bold "ความเห็นของพัฒนาการอำเภอ"
rules x=15 y=178 w=180 h=32 step=8 dashed
text x=15 y=225 w=85 size=15 align=center "ลงชื่อ ....................................... ผู้รายงาน"
text x=110 y=225 w=85 size=15 align=center "ลงชื่อ ....................................... พัฒนาการอำเภอ"
text x=15 y=233 w=85 size=15 align=center "วันที่ ........ / ........ / ........"
text x=110 y=233 w=85 size=15 align=center "วันที่ ........ / ........ / ........"
