/*
 * test_flow.c - core/flow.c (pages and tables that flow) and
 * core/province.c (templates/province.conf).
 *
 * Flow: a table of 120 rows with cells that wrap continues over pages; the
 * measuring pass counts the pages the drawing pass makes; each page prints
 * "หน้า i/N"; a continued table repeats its title and the open group with
 * "(ต่อ)"; a long cell makes its row taller (the rows below move down) and
 * nothing of it is lost; nothing is drawn below the bottom margin.  Checked
 * on the PDF with pdftotext.  Province: values, comments, BOM and CRLF, and
 * each error with its line and column.
 */
#include "check.h"
#include "pdftools.h"

#include "buf.h"
#include "err.h"
#include "flow.h"
#include "pdf.h"
#include "province.h"
#include "text.h"

#include <stdlib.h>
#include <unistd.h>

static const struct ff_text_style st = {FF_FONT_REGULAR, 12, 0,
                                        FF_ALIGN_LEFT, 0};
static const struct ff_text_style bold = {FF_FONT_BOLD, 12, 0,
                                          FF_ALIGN_LEFT, 0};
static const struct ff_flow_col cols[] = {
    {60, FF_ALIGN_RIGHT, "ลำดับ"},
    {200, FF_ALIGN_LEFT, "ชื่อ"},
    {100, FF_ALIGN_CENTER, "หมายเหตุ"},
};
static const char *long_name =
    "ว่าที่ร้อยตรีหญิงศรีสุวรรณรัตน์ ศรีสุวรรณรัตนโกสินทร์วงศ์ ณ อยุธยา";

static int draw(struct ff_flow *f, void *arg, struct ff_err *e)
{
    struct ff_flow_table t;
    int i, rc, *rows_h_ok = arg;

    memset(&t, 0, sizeof t);
    t.title = "ตารางทดสอบ";
    t.title_st = &bold;
    t.cols = cols;
    t.ncols = 3;
    t.head_st = &bold;
    t.head_rgb = 0xDDDDDD;
    if ((rc = ff_flow_text(f, &bold, 0, 0, "หัวเรื่องของเอกสาร", e)) ||
        (rc = ff_flow_table_begin(f, &t, &st, e)))
        return rc;
    for (i = 1; i <= 120; i++) {
        char n[16], note[32];
        const char *cells[3];
        double y0 = f->y, h;
        int page0 = f->page;

        snprintf(n, sizeof n, "%d", i);
        snprintf(note, sizeof note, "แถว-%03d", i);
        cells[0] = n;
        cells[1] = i % 10 == 3 ? long_name : "นายสมชาย ใจดี";
        cells[2] = note;
        if (i % 40 == 1) {
            char g[32];

            snprintf(g, sizeof g, "กลุ่ม-%d", i / 40 + 1);
            cells[0] = g;
            cells[1] = "";
            cells[2] = "";
            if ((rc = ff_flow_table_group(f, cells, &bold, 0xEEEEEE, e)))
                return rc;
            cells[0] = n;
            cells[1] = "นายสมชาย ใจดี";
            cells[2] = note;
        }
        y0 = f->y;
        page0 = f->page;
        h = ff_flow_row_h(f, cells, &st, e);
        if ((rc = ff_flow_table_row(f, cells, &st, 0xFFFFFFFFu, e)))
            return rc;
        /* The row took its measured height, on this page or the next. */
        if (f->page == page0 && f->y - y0 < h - 1e-6)
            *rows_h_ok = 0;
        if (f->y > f->page_h - f->mb + 1e-6)
            *rows_h_ok = 0;
    }
    ff_flow_table_end(f);
    return ff_flow_signature(f, "ผู้รับรองข้อมูล", "นายทดสอบ ระบบดี",
                             NULL, e);
}

static void test_flow(void)
{
    struct ff_err e;
    struct ff_pdf *p;
    struct ff_flow f;
    struct ff_buf out;
    char dir[256], path[300], cmd[700];
    int ok = 1, pages, i;
    double h1, h3;
    const char *one[3] = {"1", "นายสมชาย ใจดี", "x"};
    const char *three[3] = {"1", NULL, "x"};

    ff_err_clear(&e);
    CHECK(pt_tmpdir(dir, sizeof dir) == 0);
    snprintf(path, sizeof path, "%s/flow.pdf", dir);
    p = ff_pdf_new(NULL, &e);
    CHECK(p != NULL);
    if (p == NULL)
        return;
    memset(&f, 0, sizeof f);
    f.p = p;
    f.page_w = FF_A4_W;
    f.page_h = FF_A4_H;
    f.ml = f.mr = 40;
    f.mt = 40;
    f.mb = 50;
    f.foot = "เอกสารทดสอบ";
    CHECK_INT(ff_pdf_begin(p, &e), FF_OK);
    CHECK_INT(ff_flow_measure(&f, draw, &ok, &pages, &e), FF_OK);
    CHECK(pages >= 3);
    CHECK_INT(ff_pdf_page_count(p), 0);     /* measuring draws nothing */
    ok = 1;
    CHECK_INT(ff_flow_run(&f, draw, &ok, &e), FF_OK);
    CHECK_INT(f.pages, pages);
    CHECK_INT(ff_pdf_page_count(p), pages);
    CHECK(ok);
    /* A long name makes a taller row than a short one. */
    {
        struct ff_flow_table t;

        memset(&t, 0, sizeof t);
        t.cols = cols;
        t.ncols = 3;
        t.head_st = &bold;
        f.table = &t;
        three[1] = long_name;
        h1 = ff_flow_row_h(&f, one, &st, &e);
        h3 = ff_flow_row_h(&f, three, &st, &e);
        CHECK(h1 > 12);
        CHECK(h3 > h1 * 1.8);
        f.table = NULL;
    }
    CHECK_INT(ff_pdf_save(p, path, &e), FF_OK);
    ff_pdf_free(p);

    ff_buf_init(&out);
    snprintf(cmd, sizeof cmd, "pdftotext -raw '%s' -", path);
    CHECK(pt_run(cmd, &out, NULL) == 0);
    if (out.data) {
        char want[64];
        const char *s = out.data;
        int conts = 0, rows = 0;

        for (i = 1; i <= pages; i++) {
            snprintf(want, sizeof want, "หน้า %d/%d", i, pages);
            CHECK(strstr(out.data, want) != NULL);
        }
        while ((s = strstr(s, "ตารางทดสอบ (ต่อ)")) != NULL) {
            conts++;
            s++;
        }
        CHECK_INT(conts, pages - 1);
        /* Each page after the first: the open group repeated. */
        s = out.data;
        conts = 0;
        while ((s = strstr(s, "(ต่อ)")) != NULL) {
            conts++;
            s++;
        }
        CHECK(conts >= 2 * (pages - 1) - 1);
        for (i = 1; i <= 120; i++) {
            snprintf(want, sizeof want, "แถว-%03d", i);
            rows += strstr(out.data, want) != NULL;
        }
        CHECK_INT(rows, 120);
        /* Wrapped, but whole: the long name in order, its lines apart
         * only by white space. */
        {
            char *flat = malloc(out.len + 1);
            size_t k, m = 0;

            for (k = 0; flat && k < out.len; k++)
                if (out.data[k] != ' ' && out.data[k] != '\n')
                    flat[m++] = out.data[k];
            if (flat) {
                flat[m] = '\0';
                CHECK(strstr(flat, "ว่าที่ร้อยตรีหญิงศรีสุวรรณรัตน์"
                                   "ศรีสุวรรณรัตนโกสินทร์วงศ์ณอยุธยา") !=
                      NULL);
            }
            free(flat);
        }
        CHECK(strstr(out.data, "ผู้รับรองข้อมูล") != NULL);
        CHECK(strstr(out.data, "(นายทดสอบ ระบบดี)") != NULL);
    }
    ff_buf_release(&out);
    pt_rmdir(dir);
}

static int write_conf(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");

    if (fp == NULL)
        return -1;
    fputs(text, fp);
    return fclose(fp);
}

static void test_province(void)
{
    struct ff_province pv;
    struct ff_err e;
    char dir[256], path[300];

    CHECK(pt_tmpdir(dir, sizeof dir) == 0);
    snprintf(path, sizeof path, "%s/province.conf", dir);

    ff_err_clear(&e);
    CHECK(write_conf(path, "\xEF\xBB\xBF# comment\r\n\r\n"
                           "office = สำนักงานพัฒนาชุมชนจังหวัดฉะเชิงเทรา\r\n"
                           "  signer=นางสาวใจดี มีสุข  \r\n"
                           "position =\r\n") == 0);
    CHECK_INT(ff_province_load(&pv, path, &e), FF_OK);
    CHECK_STR(pv.office, "สำนักงานพัฒนาชุมชนจังหวัดฉะเชิงเทรา");
    CHECK_STR(pv.signer, "นางสาวใจดี มีสุข");
    CHECK_STR(pv.position, "");

    ff_err_clear(&e);
    CHECK(write_conf(path, "office = x\nsigner = y\noffice = z\n") == 0);
    CHECK_INT(ff_province_load(&pv, path, &e), FF_EINPUT);
    CHECK_INT(e.row, 3);
    CHECK_INT(e.col, 1);
    CHECK(strstr(e.msg, "'office' is set twice (first on line 1)") != NULL);
    CHECK_STR(pv.office, "");           /* nothing kept on an error */

    ff_err_clear(&e);
    CHECK(write_conf(path, "# x\n  officer = x\n") == 0);
    CHECK_INT(ff_province_load(&pv, path, &e), FF_EINPUT);
    CHECK_INT(e.row, 2);
    CHECK_INT(e.col, 3);
    CHECK(strstr(e.msg, "unknown key 'officer'") != NULL);

    ff_err_clear(&e);
    CHECK(write_conf(path, "office x\n") == 0);
    CHECK_INT(ff_province_load(&pv, path, &e), FF_EINPUT);
    CHECK_INT(e.row, 1);
    CHECK(strstr(e.msg, "expected 'key = value'") != NULL);

    ff_err_clear(&e);
    CHECK(write_conf(path, "office = ab\xE0\xB8\n") == 0);
    CHECK_INT(ff_province_load(&pv, path, &e), FF_EINPUT);
    CHECK_INT(e.row, 1);
    CHECK_INT(e.col, 12);
    CHECK(strstr(e.msg, "UTF-8") != NULL);

    ff_err_clear(&e);
    snprintf(path, sizeof path, "%s/none.conf", dir);
    CHECK_INT(ff_province_load(&pv, path, &e), FF_ESYS);

    /* The default file missing from a template dir: empty values. */
    snprintf(path, sizeof path, "%s/province.conf", dir);
    unlink(path);
    ff_err_clear(&e);
    setenv("FFKIT_TEMPLATE_DIR", dir, 1);
    CHECK_INT(ff_province_load(&pv, NULL, &e), FF_OK);
    CHECK_STR(pv.office, "");
    unsetenv("FFKIT_TEMPLATE_DIR");
    /* The shipped one names the office. */
    CHECK_INT(ff_province_load(&pv, NULL, &e), FF_OK);
    CHECK(strstr(pv.office, "สำนักงานพัฒนาชุมชนจังหวัด") == pv.office);
    pt_rmdir(dir);
}

int main(void)
{
    test_flow();
    test_province();
    return check_done("test_flow");
}
