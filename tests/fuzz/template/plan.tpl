# plan.tpl - the household development plan (enclosure 4): activities by
# month, who is responsible, budget and expected result.  Landscape A4.

document plan
title "แผนการดำเนินงานการพัฒนาครัวเรือน"

page size=A4 landscape
qr x=245 y=8 size=30
text x=15 y=10 w=225 size=19 bold align=center "แผนการดำเนินงานการพัฒนาครัวเรือน ปีงบประมาณ พ.ศ. 2568"
text x=15 y=20 w=225 size=15 align=center "รหัสบ้าน {code}  หัวหน้าครัวเรือน {head}  บ้านเลขที่ {house_no} หมู่ที่ {village_no} ตำบล{subdistrict} อำเภอ{district}"
text x=15 y=28 w=225 size=15 align=center "รายได้เฉลี่ย {income} บาท/คน/ปี  ({income_vs_threshold})  ตัวชี้วัดที่ไม่ผ่าน {indicators}"
table x=10 y=44 rows=8 rowh=14 headh=16 size=12 cols="กิจกรรม:52|ปัจจัย ๔ท:20|ต.ค.:9|พ.ย.:9|ธ.ค.:9|ม.ค.:9|ก.พ.:9|มี.ค.:9|เม.ย.:9|พ.ค.:9|มิ.ย.:9|ก.ค.:9|ส.ค.:9|ก.ย.:9|ผู้รับผิดชอบ (ทีมปฏิบัติการ / ทีมพี่เลี้ยง):35|งบประมาณ / แหล่ง:28|ผลที่คาดว่าจะได้รับ:34"
text x=10 y=178 size=13 "ปัจจัย ๔ท: ทัศนคติ / ทักษะ / ทรัพยากร / ทางออก    ทำเครื่องหมายในช่องเดือนที่ดำเนินกิจกรรม"
text x=15 y=188 w=85 size=14 align=center "ลงชื่อ ....................................... หัวหน้าครัวเรือน"
text x=105 y=188 w=85 size=14 align=center "ลงชื่อ ....................................... ทีมปฏิบัติการ"
text x=195 y=188 w=85 size=14 align=center "ลงชื่อ ....................................... ทีมพี่เลี้ยง"
text x=15 y=196 w=85 size=14 align=center "วันที่ ........ / ........ / ........"
text x=105 y=196 w=85 size=14 align=center "วันที่ ........ / ........ / ........"
text x=195 y=196 w=85 size=14 align=center "วันที่ ........ / ........ / ........"
