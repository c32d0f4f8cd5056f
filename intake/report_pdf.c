/*
 * report_pdf.c - reconciliation.pdf: A4, Thai, Buddhist Era dates.
 *
 * Page 1: the reconciliation table (one row per district and the province
 * row) and a stacked bar per district of on time / late / missing as shares
 * of the households expected.  Then the households still missing, grouped
 * by district in walking order (subdistrict, village, house), with village
 * and head's name so that a district office can follow up.  Everything is
 * drawn through core/pdf.h and core/text.h (shaped Thai, extractable text).
 * Coordinates: points, origin top-left, y downwards.
 */
#include "report_pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "pdf.h"
#include "register.h"
#include "text.h"
#include "thai.h"

#define ML 42.0                 /* margins, points */
#define MT 48.0
#define MB 48.0
#define ROW_H 19.0
#define C_ON_TIME 0x2E8B57      /* green */
#define C_LATE 0xE69A28         /* orange */
#define C_MISSING 0xC8412F      /* red */
#define C_RULE 0xB0B0B0
#define C_BAND 0xF3F5F8

struct draw {
    struct ff_pdf *p;
    const struct intake_rep *r;
    double y;
    int page;
    char title[256];
};

static const struct ff_text_style st_title = {FF_FONT_BOLD, 17, 0,
                                              FF_ALIGN_LEFT, 0};
static const struct ff_text_style st_sub = {FF_FONT_REGULAR, 12, 0x333333,
                                            FF_ALIGN_LEFT, 0};
static const struct ff_text_style st_head = {FF_FONT_BOLD, 11, 0,
                                             FF_ALIGN_CENTER, 0};
static const struct ff_text_style st_cell = {FF_FONT_REGULAR, 12, 0,
                                             FF_ALIGN_LEFT, 0};
static const struct ff_text_style st_bold = {FF_FONT_BOLD, 12, 0,
                                             FF_ALIGN_LEFT, 0};
static const struct ff_text_style st_num = {FF_FONT_REGULAR, 12, 0,
                                            FF_ALIGN_RIGHT, 0};
static const struct ff_text_style st_numb = {FF_FONT_BOLD, 12, 0,
                                             FF_ALIGN_RIGHT, 0};
static const struct ff_text_style st_small = {FF_FONT_REGULAR, 10, 0x555555,
                                              FF_ALIGN_LEFT, 0};

static int text(struct draw *d, const struct ff_text_style *st, double x,
                double y, const char *s, struct ff_err *e)
{
    return ff_text_line(d->p, st, x, y, s, strlen(s), e);
}

/* Start a page with the running title and page number at the foot. */
static int new_page(struct draw *d, struct ff_err *e)
{
    char foot[64];
    int rc;

    if ((rc = ff_pdf_add_page(d->p, FF_A4_W, FF_A4_H, e)))
        return rc;
    d->page++;
    snprintf(foot, sizeof foot, "หน้า %d", d->page);
    if ((rc = text(d, &st_small, ML, FF_A4_H - MB / 2, d->title, e)))
        return rc;
    {
        struct ff_text_style right = st_small;

        right.align = FF_ALIGN_RIGHT;
        if ((rc = text(d, &right, FF_A4_W - ML, FF_A4_H - MB / 2, foot, e)))
            return rc;
    }
    d->y = MT;
    return FF_OK;
}

static int ensure(struct draw *d, double h, struct ff_err *e)
{
    if (d->y + h > FF_A4_H - MB)
        return new_page(d, e);
    return FF_OK;
}

/* ---- the table ---- */

static const double tcol[] = {120, 48, 46, 40, 52, 42, 78, 84};
static const char *const thead[] = {"อำเภอ", "เป้าหมาย", "ทันเวลา",
                                    "ล่าช้า", "ไม่รายงาน", "ปฏิเสธ",
                                    "พัฒนาแล้ว (%)", "ต่ำกว่าเกณฑ์ (%)"};
#define NCOL 8

static double table_w(void)
{
    double w = 0;
    int c;

    for (c = 0; c < NCOL; c++)
        w += tcol[c];
    return w;
}

static int table_head(struct draw *d, struct ff_err *e)
{
    double x = ML;
    int c, rc;

    ff_pdf_fill_rect(d->p, ML, d->y, table_w(), ROW_H * 1.2, 0xDDE3EA);
    for (c = 0; c < NCOL; c++) {
        if ((rc = text(d, &st_head, x + tcol[c] / 2, d->y + ROW_H * 0.85,
                       thead[c], e)))
            return rc;
        x += tcol[c];
    }
    d->y += ROW_H * 1.2;
    return FF_OK;
}

static int table_row(struct draw *d, const struct intake_rdistrict *r,
                     int strong, struct ff_err *e)
{
    char v[NCOL][200];
    double x = ML;
    int c, rc;

    snprintf(v[0], sizeof v[0], "%s", r->name);
    snprintf(v[1], sizeof v[1], "%ld", r->expected);
    snprintf(v[2], sizeof v[2], "%ld", r->on_time);
    snprintf(v[3], sizeof v[3], "%ld", r->late);
    snprintf(v[4], sizeof v[4], "%ld", r->missing);
    snprintf(v[5], sizeof v[5], "%ld", r->rejected);
    snprintf(v[6], sizeof v[6], "%ld (%.1f)", r->developed,
             intake_rep_pct(r->developed, r->expected));
    snprintf(v[7], sizeof v[7], "%ld (%.1f)", r->below,
             intake_rep_pct(r->below, r->expected));
    if (strong)
        ff_pdf_fill_rect(d->p, ML, d->y, table_w(), ROW_H, C_BAND);
    for (c = 0; c < NCOL; c++) {
        if (c == 0)
            rc = text(d, strong ? &st_bold : &st_cell, x + 4,
                      d->y + ROW_H * 0.72, v[c], e);
        else
            rc = text(d, strong ? &st_numb : &st_num, x + tcol[c] - 4,
                      d->y + ROW_H * 0.72, v[c], e);
        if (rc)
            return rc;
        x += tcol[c];
    }
    ff_pdf_line(d->p, ML, d->y + ROW_H, ML + table_w(), d->y + ROW_H, 0.4,
                C_RULE);
    d->y += ROW_H;
    return FF_OK;
}

/* ---- the chart: one stacked bar per district ---- */

static int chart(struct draw *d, struct ff_err *e)
{
    const struct intake_rep *r = d->r;
    const double label_w = 120, bar_h = 12, gap = 7;
    const double bar_w = FF_A4_W - 2 * ML - label_w - 40;
    static const struct {
        const char *label;
        unsigned rgb;
    } legend[] = {{"ทันเวลา (ภายในวันที่ 20)", C_ON_TIME},
                  {"ล่าช้า", C_LATE},
                  {"ยังไม่รายงาน", C_MISSING}};
    double x;
    size_t i;
    int k, rc;

    if ((rc = ensure(d, 60 + (bar_h + gap) * (double)r->nd, e)))
        return rc;
    if ((rc = text(d, &st_bold, ML, d->y + 14,
                   "สัดส่วนครัวเรือนเป้าหมายตามการรายงาน รายอำเภอ", e)))
        return rc;
    d->y += 24;
    x = ML;
    for (k = 0; k < 3; k++) {
        ff_pdf_fill_rect(d->p, x, d->y, 10, 10, legend[k].rgb);
        if ((rc = text(d, &st_small, x + 14, d->y + 9, legend[k].label, e)))
            return rc;
        x += 14 + ff_text_width(d->p, &st_small, legend[k].label,
                                strlen(legend[k].label)) + 18;
    }
    d->y += 20;
    for (i = 0; i < r->nd; i++) {
        const struct intake_rdistrict *t = &r->d[i];
        double bx = ML + label_w, part[3];
        char pct[32];

        part[0] = (double)t->on_time;
        part[1] = (double)t->late;
        part[2] = (double)t->missing;
        if ((rc = text(d, &st_cell, ML, d->y + bar_h - 2, t->name, e)))
            return rc;
        ff_pdf_rect(d->p, bx, d->y, bar_w, bar_h, 0.4, C_RULE);
        for (k = 0; k < 3 && t->expected > 0; k++) {
            double w = bar_w * part[k] / (double)t->expected;

            if (w > 0)
                ff_pdf_fill_rect(d->p, bx, d->y, w, bar_h,
                                 legend[k].rgb);
            bx += w;
        }
        snprintf(pct, sizeof pct, "%.0f%%",
                 intake_rep_pct(t->on_time, t->expected));
        if ((rc = text(d, &st_small, ML + label_w + bar_w + 6,
                       d->y + bar_h - 2, pct, e)))
            return rc;
        d->y += bar_h + gap;
    }
    return FF_OK;
}

/* ---- the missing households ---- */

static const double mcol[] = {92, 34, 120, 52, 74, 140};
static const char *const mhead[] = {"ตำบล", "หมู่", "หมู่บ้าน",
                                    "บ้านเลขที่", "รหัสบ้าน",
                                    "หัวหน้าครัวเรือน"};

static int walk_cmp(const void *a, const void *b)
{
    const struct intake_rhh *x = *(const struct intake_rhh *const *)a;
    const struct intake_rhh *y = *(const struct intake_rhh *const *)b;
    int c = strcmp(x->code, y->code);
    int s = strncmp(x->code, y->code, 6);  /* district, subdistrict */

    if (s)
        return s;
    if (x->village_no != y->village_no)
        return x->village_no < y->village_no ? -1 : 1;
    s = ff_house_no_cmp(x->house_no, y->house_no);
    return s ? s : c;
}

static int missing_head(struct draw *d, const char *district, long n,
                        struct ff_err *e)
{
    char h[256];
    double x = ML;
    int c, rc;

    snprintf(h, sizeof h, "อำเภอ%s: ยังไม่รายงาน %ld ครัวเรือน", district, n);
    if ((rc = text(d, &st_bold, ML, d->y + 14, h, e)))
        return rc;
    d->y += 20;
    ff_pdf_fill_rect(d->p, ML, d->y, FF_A4_W - 2 * ML, ROW_H, 0xDDE3EA);
    for (c = 0; c < 6; c++) {
        struct ff_text_style st = st_bold;

        if ((rc = ff_text_line(d->p, &st, x + 3, d->y + ROW_H * 0.72,
                               mhead[c], strlen(mhead[c]), e)))
            return rc;
        x += mcol[c];
    }
    d->y += ROW_H;
    return FF_OK;
}

static int missing_list(struct draw *d, struct ff_err *e)
{
    const struct intake_rep *r = d->r;
    const struct intake_rhh **v;
    size_t n = 0, i, j;
    int rc = FF_OK;

    v = ff_malloc((r->nhh ? r->nhh : 1) * sizeof *v);
    if (v == NULL)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    for (i = 0; i < r->nhh; i++)
        if (r->hh[i].status == 1 && !r->hh[i].reported_month)
            v[n++] = &r->hh[i];
    qsort(v, n, sizeof *v, walk_cmp);
    if ((rc = new_page(d, e)))
        goto out;
    {
        char h[256];

        snprintf(h, sizeof h, "ครัวเรือนเป้าหมายที่ยังไม่รายงานผล %zu "
                 "ครัวเรือน (เพื่อติดตาม)", n);
        if ((rc = text(d, &st_title, ML, d->y + 16, h, e)))
            goto out;
    }
    d->y += 30;
    if (n == 0) {
        rc = text(d, &st_cell, ML, d->y + 14,
                  "ทุกครัวเรือนเป้าหมายรายงานผลแล้ว", e);
        goto out;
    }
    for (i = 0; i < n; i = j) {
        long cnt = 0;

        for (j = i; j < n && strcmp(v[j]->district_code,
                                    v[i]->district_code) == 0; j++)
            cnt++;
        if ((rc = ensure(d, 20 + ROW_H * 3, e)) ||
            (rc = missing_head(d, v[i]->district, cnt, e)))
            goto out;
        for (j = i; j < n && strcmp(v[j]->district_code,
                                    v[i]->district_code) == 0; j++) {
            const struct intake_rhh *h = v[j];
            char vill[16];
            const char *cells[6];
            double x = ML;
            int c;

            if (d->y + ROW_H > FF_A4_H - MB) {
                if ((rc = new_page(d, e)) ||
                    (rc = missing_head(d, h->district, cnt, e)))
                    goto out;
            }
            snprintf(vill, sizeof vill, "%d", h->village_no);
            cells[0] = h->subdistrict;
            cells[1] = vill;
            cells[2] = h->village_name;
            cells[3] = h->house_no;
            cells[4] = h->code;
            cells[5] = h->head;
            for (c = 0; c < 6; c++) {
                if ((rc = text(d, &st_cell, x + 3, d->y + ROW_H * 0.72,
                               cells[c], e)))
                    goto out;
                x += mcol[c];
            }
            ff_pdf_line(d->p, ML, d->y + ROW_H, FF_A4_W - ML, d->y + ROW_H,
                        0.3, C_RULE);
            d->y += ROW_H;
        }
        d->y += 10;
    }
out:
    ff_free(v);
    return rc;
}

int intake_report_pdf(const struct intake_rep *r, const char *path,
                      struct ff_err *e)
{
    struct draw d;
    char line[512], deadline[96], today[96], thr[32];
    int y, m, dd, rc;
    size_t i;

    memset(&d, 0, sizeof d);
    d.r = r;
    y = atoi(r->month);     /* "YYYY-MM": digits checked by the parser */
    m = atoi(r->month + 5);
    snprintf(d.title, sizeof d.title,
             "รายงานผลการพัฒนาครัวเรือนเป้าหมาย เดือน%s %d", ff_thai_month(m),
             y + FF_BE_OFFSET);
    d.p = ff_pdf_new(NULL, e);
    if (d.p == NULL)
        return e->code;
    if ((rc = ff_pdf_begin(d.p, e)) ||
        (rc = ff_pdf_set_title(d.p, "Monthly results reconciliation", e)) ||
        (rc = new_page(&d, e)))
        goto out;
    if ((rc = text(&d, &st_title, ML, d.y + 16, d.title, e)))
        goto out;
    d.y += 26;
    ff_thai_date(y, m, 20, 0, deadline, sizeof deadline);
    ff_today_bangkok(&y, &m, &dd);
    ff_thai_date(y, m, dd, 0, today, sizeof today);
    snprintf(line, sizeof line, "จังหวัด%s  ·  กำหนดรายงานภายในวันที่ %s  ·  "
             "จัดทำเมื่อ %s", r->province, deadline, today);
    if ((rc = text(&d, &st_sub, ML, d.y + 12, line, e)))
        goto out;
    d.y += 18;
    ff_baht(r->threshold, thr, sizeof thr);
    snprintf(line, sizeof line, "ตัวชี้วัดที่ 4 สะสมถึงเดือนนี้: เกณฑ์รายได้ "
             "%s บาท/คน/ปี (ข้อมูล จปฐ. ปี %d)", thr, r->survey_year);
    if ((rc = text(&d, &st_sub, ML, d.y + 12, line, e)))
        goto out;
    d.y += 26;
    if ((rc = table_head(&d, e)))
        goto out;
    for (i = 0; i < r->nd; i++)
        if ((rc = ensure(&d, ROW_H, e)) ||
            (rc = table_row(&d, &r->d[i], 0, e)))
            goto out;
    if ((rc = ensure(&d, ROW_H, e)) || (rc = table_row(&d, &r->total, 1, e)))
        goto out;
    d.y += 24;
    if ((rc = chart(&d, e)) || (rc = missing_list(&d, e)))
        goto out;
    rc = ff_pdf_save(d.p, path, e);
out:
    ff_pdf_free(d.p);
    return rc;
}
