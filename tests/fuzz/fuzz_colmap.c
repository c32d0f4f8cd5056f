/*
 * fuzz_colmap.c - the register-columns.map parser (register.h): the input
 * is the map, applied to a small register with the BMN header and two
 * rows, so a map that parses is also used for column matching.
 */
#include <stdint.h>

#include "fuzz_file.h"
#include "register.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char reg[] =
    "รหัสบ้าน,จังหวัด,อำเภอ,ตำบล,หมู่ที่,ชื่อหมู่บ้าน,บ้านเลขที่,คำนำหน้า,ชื่อ,"
    "นามสกุล,เลขประจำตัวประชาชน,จำนวนสมาชิก,รายได้เฉลี่ย (บาท/คน/ปี),"
    "ตัวชี้วัดที่ไม่ผ่าน,สถานะ,โทรศัพท์\n"
    "24010105963,ฉะเชิงเทรา,เมืองฉะเชิงเทรา,หน้าเมือง,5,บ้านแหลมปลาไหล,162,นาย,"
    "อภิเดช,ลำน้อย,3240636381610,4,13048,15;24,1,0997965113\n"
    "24010109307,ฉะเชิงเทรา,เมืองฉะเชิงเทรา,หน้าเมือง,9,บ้านดอนไผ่,182/20,นาย,"
    "เสน่ห์เดือน,ปุ้ยเหน่ง,3240315410364,4,31805,24,2,069-580-9481\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *map = fuzz_file(data, size, ".map");
    struct ff_register *r;
    struct ff_err e;

    if (map == NULL)
        return 0;
    ff_err_clear(&e);
    r = ff_register_parse("fuzz.csv", reg, sizeof reg - 1, map, &e);
    if (r && r->n)
        (void)ff_register_find(r, r->hh[0].code);
    ff_register_free(r);
    return 0;
}
