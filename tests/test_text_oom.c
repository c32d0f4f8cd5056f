/*
 * test_text_oom.c - out of memory anywhere in fonts, shaping, wrapping and
 * saving is an FF_ESYS error, never a crash.
 *
 * Sweeps ff_alloc_fail_after over a whole document (ff_pdf_new, a wrapped
 * paragraph, save) -- every allocation for the first 200, then evenly
 * spaced.  libharu allocates with malloc, outside the countdown (see
 * ff_pdf_new), so this covers our code, HarfBuzz's and libthai's callers.
 */
#include "check.h"

#include "alloc.h"
#include "err.h"
#include "pdf.h"
#include "text.h"

#include <string.h>

#define SIZE 14.0

static const char *para =
    "ด้วยกรมการพัฒนาชุมชนได้ดำเนินการสำรวจข้อมูลความจำเป็นพื้นฐาน (จปฐ.) "
    "ประจำปี พ.ศ. ๒๕๖๘ เพื่อใช้เป็นข้อมูลในการพัฒนาคุณภาพชีวิตของครัวเรือน"
    "เป้าหมายในชนบท นายสมชาย ใจดี 38,000 บาท/คน/ปี ฯลฯ ขอบคุณมากๆ";

/* Out of memory anywhere in shaping and wrapping is an error, not a crash. */
static void test_oom(void)
{
    struct ff_text_style st = {FF_FONT_REGULAR, SIZE, 0, FF_ALIGN_JUSTIFY, 0};
    long total, k, step;
    struct ff_pdf *p;
    struct ff_err e;
    char *data;
    size_t len;
    int failures = 0;

    /* Count the allocations of one full run first. */
    total = ff_alloc_count();
    ff_err_clear(&e);
    p = ff_pdf_new(NULL, &e);
    CHECK(p != NULL);
    ff_pdf_begin(p, &e);
    ff_pdf_add_page(p, FF_A4_W, FF_A4_H, &e);
    ff_text_box(p, &st, 40, 40, 300, 0, para, strlen(para), NULL, &e);
    ff_text_line(p, &st, 40, 400, "ผู้ใหญ่บ้าน น้ำ", strlen("ผู้ใหญ่บ้าน น้ำ"), &e);
    ff_pdf_outline_add(p, 0, "ส่วนที่ ๑", 0, &e);
    ff_pdf_set_title(p, "ทะเบียน", &e);
    ff_pdf_save_mem(p, &data, &len, &e);
    ff_free(data);
    ff_pdf_free(p);
    total = ff_alloc_count() - total;
    CHECK(total > 10);
    step = total > 400 ? total / 400 : 1;
    for (k = 1; k <= total + 1; k += (k < 200 ? 1 : step)) {
        int rc = FF_OK;

        ff_err_clear(&e);
        ff_alloc_fail_after(k);
        p = ff_pdf_new(NULL, &e);
        if (p == NULL) {
            CHECK_INT(e.code, FF_ESYS);
            ff_alloc_fail_after(0);
            failures++;
            continue;
        }
        if (rc == FF_OK)
            rc = ff_pdf_begin(p, &e);
        if (rc == FF_OK)
            rc = ff_pdf_add_page(p, FF_A4_W, FF_A4_H, &e);
        if (rc == FF_OK && ff_text_box(p, &st, 40, 40, 300, 0, para,
                                       strlen(para), NULL, &e) < 0)
            rc = e.code;
        if (rc == FF_OK)
            rc = ff_text_line(p, &st, 40, 400, "ผู้ใหญ่บ้าน น้ำ",
                              strlen("ผู้ใหญ่บ้าน น้ำ"), &e);
        if (rc == FF_OK && ff_pdf_outline_add(p, 0, "ส่วนที่ ๑", 0, &e) <= 0)
            rc = e.code;
        if (rc == FF_OK)
            rc = ff_pdf_set_title(p, "ทะเบียน", &e);
        if (rc == FF_OK)
            rc = ff_pdf_save_mem(p, &data, &len, &e);
        if (rc == FF_OK)
            ff_free(data);
        else
            failures++;
        CHECK(rc == FF_OK || e.code == FF_ESYS);
        ff_alloc_fail_after(0);
        ff_pdf_free(p);
    }
    CHECK(failures > 0);
}

int main(void)
{
    test_oom();
    return check_done("test_text_oom");
}
