# plan.tpl - the household development plan (enclosure 4): activities by
# month, who is responsible, budget and expected result.  Landscape A4.
# The header flows (y=+N): a long name or address moves the table down.
# The signature block stays clear of the packet footer (13 mm from the
# bottom edge).

document plan
title "แผนการดำเนินงานการพัฒนาครัวเรือน"

page size=A4 landscape
qr x=245 y=8 size=30
text x=15 y=9 w=225 size=18 bold align=center "แผนการดำเนินงานการพัฒนาครัวเรือน ปีงบประมาณ พ.ศ.~{year}"
text x=15 y=+0.5 w=225 size=14 align=center "รหัสบ้าน {code}  หัวหน้าครัวเรือน {head}"
text x=15 y=+0 w=225 size=14 align=center "บ้านเลขที่~{house_no} หมู่ที่~{village_no} ตำบล{subdistrict} อำเภอ{district} จังหวัด{province}"
text x=15 y=+0 w=225 size=14 align=center "รายได้เฉลี่ย {income}~บาท/คน/ปี ({income_vs_threshold})  ตัวชี้วัดที่ไม่ผ่าน {indicators}"
table x=10 y=+3 miny=44 rows=7 rowh=12 headh=16 size=10.5 caption="แผนการดำเนินงานการพัฒนาครัวเรือน" cols="กิจกรรม:48|ปัจจัย ๔ท:18|ต.ค.:10|พ.ย.:10|ธ.ค.:10|ม.ค.:10|ก.พ.:10|มี.ค.:10|เม.ย.:10|พ.ค.:10|มิ.ย.:10|ก.ค.:10|ส.ค.:10|ก.ย.:10|ผู้รับผิดชอบ (ทีมปฏิบัติการ / ทีมพี่เลี้ยง):33|งบประมาณ / แหล่ง:26|ผลที่คาดว่าจะได้รับ:32"
text x=10 y=+1.5 size=12 "ปัจจัย ๔ท: ทัศนคติ / ทักษะ / ทรัพยากร / ทางออก    ทำเครื่องหมายในช่องเดือนที่ดำเนินกิจกรรม"

define sign
text x=0 y=0 w=85 size=13 align=center "ลงชื่อ .............................. $value"
text x=0 y=+0.5 w=85 size=13 align=center "(..............................)"
text x=0 y=+0.5 w=85 size=13 align=center "ตำแหน่ง .............................."
text x=0 y=+0.5 w=85 size=13 align=center "วันที่ ........ / ........ / ........"
end
use sign dx=10 dy=166 value=หัวหน้าครัวเรือน
use sign dx=105 dy=166 value=ทีมปฏิบัติการ
use sign dx=200 dy=166 value=ทีมพี่เลี้ยง
