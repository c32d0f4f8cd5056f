# folder.tpl - the Family Folder (enclosure 3 of the provincial letter):
# cover with what the register knows, the 4T analysis, and the visit log.
# Format: templates/README.md.  Lengths in mm from the page's top-left,
# text sizes in points.  Every page gets the QR code declared before the
# first page.

document folder
title "สมุดบันทึกครัวเรือนเป้าหมาย"

qr x=170 y=8 size=30

page size=A4
text x=15 y=10 w=152 size=19 bold align=center "สมุดบันทึกการแก้ไขปัญหาความเดือดร้อนและพัฒนาคุณภาพชีวิตของครัวเรือนเป้าหมาย"
text x=15 y=27 w=152 size=15 align=center "ตามหลัก ๔ท (ทัศนคติ ทักษะ ทรัพยากร ทางออก)  จปฐ. ปี 2567"

box x=15 y=42 w=180 h=9 fill=#E6ECF2 width=0
box x=15 y=42 w=180 h=74 width=0.8
text x=18 y=43 size=15 bold "ข้อมูลครัวเรือน (จากฐานข้อมูลครัวเรือนเป้าหมาย)"
text x=18 y=53 w=88 size=15 "รหัสบ้าน  {code}"
text x=108 y=53 w=85 size=15 "สถานะ  {status} {status_label}"
text x=18 y=61 w=174 size=15 "หัวหน้าครัวเรือน  {head}"
text x=18 y=69 w=174 size=15 "ที่อยู่  บ้านเลขที่ {house_no} หมู่ที่ {village_no} {village_name} ตำบล{subdistrict} อำเภอ{district} จังหวัด{province}"
text x=18 y=85 w=88 size=15 "จำนวนสมาชิก  {members} คน"
text x=108 y=85 w=85 size=15 "รายได้เฉลี่ย  {income} บาท/คน/ปี"
text x=18 y=93 w=174 size=15 "เกณฑ์ จปฐ. {threshold} บาท/คน/ปี: {income_vs_threshold}"
text x=18 y=101 w=174 size=15 "ตัวชี้วัด จปฐ. ที่ไม่ผ่านเกณฑ์  {indicators}"

text x=15 y=121 size=15 bold "สมาชิกในครัวเรือน"
table x=15 y=129 rows=6 rowh=9 headh=10 size=13 cols="ลำดับ:14|ชื่อ - สกุล:62|ความสัมพันธ์:30|อายุ:16|อาชีพ:30|รายได้/ปี (บาท):28" first="1|2|3|4|5|6"

text x=15 y=197 size=15 bold "ทีมปฏิบัติการและทีมพี่เลี้ยง"
table x=15 y=205 rows=4 rowh=10 headh=9 size=13 cols="ทีม:40|ชื่อ - สกุล:70|ตำแหน่ง:40|โทรศัพท์:30" first="ทีมปฏิบัติการ|ทีมปฏิบัติการ|ทีมพี่เลี้ยง|ทีมพี่เลี้ยง"

text x=15 y=262 w=180 size=13 color=#444444 "สแกน QR เพื่อรายงานผลการพัฒนาครัวเรือนทุกเดือน ภายในวันที่ 20 ของเดือน (มกราคม - มีนาคม 2568)  พิมพ์เมื่อ {date}"

page size=A4
text x=15 y=12 w=152 size=19 bold align=center "การวิเคราะห์ปัญหาครัวเรือนตามหลัก ๔ท"
text x=15 y=22 w=152 size=14 align=center "รหัสบ้าน {code}  {head}  บ้านเลขที่ {house_no} หมู่ที่ {village_no}"
text x=15 y=42 size=16 bold "๑. ทัศนคติ (Attitude): ความคิด ความเชื่อ และความตั้งใจของครัวเรือน"
rules x=15 y=49 w=180 h=48 step=8 dashed
text x=15 y=102 size=16 bold "๒. ทักษะ (Skills): ความรู้ ความสามารถ และอาชีพที่ทำได้"
rules x=15 y=109 w=180 h=48 step=8 dashed
text x=15 y=162 size=16 bold "๓. ทรัพยากร (Resources): ที่ดิน ทุน แหล่งน้ำ และสิ่งที่มีอยู่"
rules x=15 y=169 w=180 h=48 step=8 dashed
text x=15 y=222 size=16 bold "๔. ทางออก (Way out): แนวทางแก้ไขปัญหาที่ครัวเรือนเลือก"
rules x=15 y=229 w=180 h=48 step=8 dashed

page size=A4
text x=15 y=12 w=152 size=19 bold align=center "บันทึกการเยี่ยมและติดตามครัวเรือน"
text x=15 y=22 w=152 size=14 align=center "รหัสบ้าน {code}  {head}  บ้านเลขที่ {house_no} หมู่ที่ {village_no}"
table x=15 y=42 rows=15 rowh=15 headh=10 size=13 cols="ครั้งที่:14|วัน เดือน ปี:28|ประเด็นที่ติดตาม / กิจกรรม:62|ผลการติดตาม:52|ผู้บันทึก:24" first="1|2|3|4|5|6|7|8|9|10|11|12|13|14|15"
