/*
 * report_pdf.c - reconciliation.pdf: A4, Thai, Buddhist Era dates.
 *
 * Page 1: the reconciliation table (one row per district and the province
 * row), a note on what each column counts, a stacked bar per district of
 * on time / late / missing as shares of the households expected, readable
 * in black and white (grey levels far apart, hatching, the count in or
 * beside each segment), and the signature block.  Then the households
 * still missing, grouped by district in walking order (subdistrict,
 * village, house), with village and head's name so that a district office
 * can follow up.  Everything flows through core/flow.h: rows grow with
 * long names, a district continued on the next page repeats its heading
 * with "(ต่อ)", every page says "หน้า N/M".  The office name and the signer
 * come from templates/province.conf (core/province.h).
 */
#include "report_pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "flow.h"
#include "pdf.h"
#include "province.h"
#include "register.h"
#include "text.h"
#include "thai.h"

#define ML 42.0                 /* margins, points */
#define MT 40.0
#define MB 48.0
#define C_RULE 0x909090
#define C_BAND 0xF3F5F8
#define C_HEAD 0xDDE3EA
#define NONE 0xFFFFFFFFu

struct draw {
    const struct intake_rep *r;
    const struct ff_province *pv;
    const struct intake_rlisted **miss;     /* missing households, walk order */
    size_t nmiss;
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
static const struct ff_text_style st_sect = {FF_FONT_BOLD, 13, 0,
                                             FF_ALIGN_LEFT, 0};
static const struct ff_text_style st_small = {FF_FONT_REGULAR, 10, 0x333333,
                                              FF_ALIGN_LEFT, 0};
static const struct ff_text_style st_count = {FF_FONT_BOLD, 9, 0,
                                              FF_ALIGN_CENTER, 0};

/* ---- the table ---- */

/*
 * Every column counts households but ปฏิเสธ, which counts records: a
 * rejected record may name no household at all (a malformed or unknown
 * code) or be one of several for the same household, so it cannot be a
 * household count.  It is the last column, headed as records, and the note
 * under the table says so.
 */
static const struct ff_flow_col tcols[] = {
    {115, FF_ALIGN_LEFT, "อำเภอ"},
    {50, FF_ALIGN_RIGHT, "เป้าหมาย"},
    {48, FF_ALIGN_RIGHT, "ทันเวลา"},
    {44, FF_ALIGN_RIGHT, "ล่าช้า"},
    {50, FF_ALIGN_RIGHT, "ไม่\nรายงาน"},
    {74, FF_ALIGN_RIGHT, "พัฒนาแล้ว\n(%)"},
    {70, FF_ALIGN_RIGHT, "ต่ำกว่า\nเกณฑ์ (%)"},
    {60, FF_ALIGN_RIGHT, "ปฏิเสธ*\n(ระเบียน)"},
};
#define NCOL 8

static int table_row(struct ff_flow *f, const struct intake_rdistrict *r,
                     int strong, struct ff_err *e)
{
    char v[NCOL][200];
    const char *cells[NCOL];
    int c;

    snprintf(v[0], sizeof v[0], "%s", r->name);
    snprintf(v[1], sizeof v[1], "%ld", r->expected);
    snprintf(v[2], sizeof v[2], "%ld", r->on_time);
    snprintf(v[3], sizeof v[3], "%ld", r->late);
    snprintf(v[4], sizeof v[4], "%ld", r->missing);
    snprintf(v[5], sizeof v[5], "%ld (%.1f)", r->developed,
             intake_rep_pct(r->developed, r->expected));
    snprintf(v[6], sizeof v[6], "%ld (%.1f)", r->below,
             intake_rep_pct(r->below, r->expected));
    snprintf(v[7], sizeof v[7], "%ld", r->rejected);
    for (c = 0; c < NCOL; c++)
        cells[c] = v[c];
    return ff_flow_table_row(f, cells, strong ? &st_bold : &st_cell,
                             strong ? C_BAND : NONE, e);
}

/* ---- the chart: one stacked bar per district ---- */

/*
 * Diagonal hatching (lines x + y = c, every gap points) inside a
 * rectangle, clipped by hand: the drawing API has no clipping path.
 */
static void hatch(struct ff_flow *f, double x, double y, double w, double h,
                  double gap)
{
    double c;

    for (c = x + y + gap / 2; c < x + w + y + h; c += gap) {
        /* From the left or top edge down-left to the bottom or left. */
        double x1 = c - y, y1 = y, x2, y2;

        if (x1 > x + w) {
            x1 = x + w;
            y1 = c - x1;
        }
        x2 = c - (y + h);
        y2 = y + h;
        if (x2 < x) {
            x2 = x;
            y2 = c - x;
        }
        ff_flow_rule(f, x1, y1, x2, y2, 0.6, 0);
    }
}

/* The three kinds: solid dark, mid grey hatched, white with dots. */
static void segment(struct ff_flow *f, int k, double x, double y, double w,
                    double h)
{
    if (w <= 0)
        return;
    if (k == 0) {
        ff_flow_fill(f, x, y, w, h, 0x2B2B2B);
    } else if (k == 1) {
        ff_flow_fill(f, x, y, w, h, 0xB4B4B4);
        hatch(f, x, y, w, h, 3.5);
    } else {
        ff_flow_fill(f, x, y, w, h, 0xFFFFFF);
        ff_flow_rect(f, x, y, w, h, 0.8, 0);
    }
}

static int chart(struct ff_flow *f, const struct intake_rep *r,
                 struct ff_err *e)
{
    static const char title[] = "สัดส่วนครัวเรือนเป้าหมายตามการรายงาน รายอำเภอ";
    const double label_w = 118, bar_h = 13, gap = 5;
    const double bar_w = ff_flow_body_w(f) - label_w - 96;
    static const char *const legend[] = {"ทันเวลา (ภายในวันที่ 20)",
                                         "ล่าช้า", "ยังไม่รายงาน"};
    struct ff_text_style white = st_count, dark = st_count, beside = st_small;
    double x;
    size_t i;
    int k, rc;

    white.rgb = 0xFFFFFF;
    if ((rc = ff_flow_need(f, 60 + (bar_h + gap) * 3, e)) ||
        (rc = ff_flow_text(f, &st_sect, 0, 0, title, e)))
        return rc;
    f->y += 2;
    x = f->ml;
    for (k = 0; k < 3; k++) {
        segment(f, k, x, f->y, 16, 10);
        if ((rc = ff_flow_line_text(f, &st_small, x + 20, f->y + 9,
                                    legend[k], e)))
            return rc;
        x += 20 + ff_text_width(f->p, &st_small, legend[k],
                                strlen(legend[k])) + 18;
    }
    f->y += 15;
    if ((rc = ff_flow_text(f, &st_small, 0, 0,
                           "ตัวเลขในแท่งและข้างแท่งเป็นจำนวนครัวเรือน (ข้างแท่ง: "
                           "ทันเวลา / ล่าช้า / ยังไม่รายงาน)", e)))
        return rc;
    f->y += 4;
    for (i = 0; i < r->nd; i++) {
        const struct intake_rdistrict *t = &r->d[i];
        double bx = f->ml + label_w, lh;
        long part[3];
        char n[256];

        part[0] = t->on_time;
        part[1] = t->late;
        part[2] = t->missing;
        lh = ff_flow_text_h(f, &st_cell, label_w - 6, t->name, e);
        if (lh < bar_h)
            lh = bar_h;
        if (f->y + lh > f->page_h - f->mb) {
            snprintf(n, sizeof n, "%s (ต่อ)", title);
            if ((rc = ff_flow_page(f, e)) ||
                (rc = ff_flow_text(f, &st_sect, 0, 0, n, e)))
                return rc;
            f->y += 4;
        }
        if ((rc = ff_flow_box(f, &st_cell, f->ml, f->y - 2, label_w - 6,
                              t->name, e)))
            return rc;
        ff_flow_rect(f, bx, f->y, bar_w, bar_h, 0.4, C_RULE);
        for (k = 0; k < 3 && t->expected > 0; k++) {
            double w = bar_w * (double)part[k] / (double)t->expected;

            segment(f, k, bx, f->y, w, bar_h);
            snprintf(n, sizeof n, "%ld", part[k]);
            /* The count inside its segment when it fits, on a white
             * patch over the hatching. */
            if (part[k] > 0 &&
                w >= ff_text_width(f->p, &st_count, n, strlen(n)) + 6) {
                if (k == 1)
                    ff_flow_fill(f, bx + w / 2 - 7, f->y + 2.5, 14,
                                 bar_h - 5, 0xFFFFFF);
                if ((rc = ff_flow_line_text(f, k == 0 ? &white : &dark,
                                            bx + w / 2, f->y + bar_h - 4,
                                            n, e)))
                    return rc;
            }
            bx += w;
        }
        /* And every count beside the bar, for the segments too narrow. */
        snprintf(n, sizeof n, "%ld / %ld / %ld", part[0], part[1], part[2]);
        if ((rc = ff_flow_line_text(f, &beside, f->ml + label_w + bar_w + 6,
                                    f->y + bar_h - 3, n, e)))
            return rc;
        f->y += lh + gap;
    }
    return FF_OK;
}

/* ---- the missing households ---- */

static const struct ff_flow_col mcols[] = {
    {82, FF_ALIGN_LEFT, "ตำบล"},
    {28, FF_ALIGN_CENTER, "หมู่"},
    {94, FF_ALIGN_LEFT, "หมู่บ้าน"},
    {64, FF_ALIGN_LEFT, "บ้านเลขที่"},
    {78, FF_ALIGN_CENTER, "รหัสบ้าน"},
    {165, FF_ALIGN_LEFT, "หัวหน้าครัวเรือน"},
};

static int walk_cmp(const void *a, const void *b)
{
    const struct intake_rlisted *x =
        *(const struct intake_rlisted *const *)a;
    const struct intake_rlisted *y =
        *(const struct intake_rlisted *const *)b;
    int c = strcmp(x->code, y->code);
    int s = strncmp(x->code, y->code, 6);  /* district, subdistrict */

    if (s)
        return s;
    if (x->village_no != y->village_no)
        return x->village_no < y->village_no ? -1 : 1;
    s = ff_house_no_cmp(x->house_no, y->house_no);
    return s ? s : c;
}

static int missing_list(struct ff_flow *f, const struct draw *d,
                        struct ff_err *e)
{
    char h[512];
    size_t i, j;
    int rc;

    if ((rc = ff_flow_page(f, e)))
        return rc;
    snprintf(h, sizeof h, "ครัวเรือนเป้าหมายที่ยังไม่รายงานผล %zu "
             "ครัวเรือน (เพื่อติดตาม)", d->nmiss);
    if ((rc = ff_flow_text(f, &st_title, 0, 0, h, e)))
        return rc;
    f->y += 6;
    if (d->nmiss == 0)
        return ff_flow_text(f, &st_cell, 0, 0,
                            "ทุกครัวเรือนเป้าหมายรายงานผลแล้ว", e);
    for (i = 0; i < d->nmiss; i = j) {
        struct ff_flow_table t;
        long cnt = 0;

        for (j = i; j < d->nmiss && strcmp(d->miss[j]->district_code,
                                           d->miss[i]->district_code) == 0;
             j++)
            cnt++;
        snprintf(h, sizeof h, "อำเภอ%s: ยังไม่รายงาน %ld ครัวเรือน",
                 d->miss[i]->district, cnt);
        memset(&t, 0, sizeof t);
        t.title = h;
        t.title_st = &st_sect;
        t.cols = mcols;
        t.ncols = 6;
        t.head_st = &st_bold;
        t.head_rgb = C_HEAD;
        t.keep_rows = 2;
        if ((rc = ff_flow_table_begin(f, &t, &st_cell, e)))
            return rc;
        for (j = i; j < d->nmiss && strcmp(d->miss[j]->district_code,
                                           d->miss[i]->district_code) == 0;
             j++) {
            const struct intake_rlisted *m = d->miss[j];
            char vill[16];
            const char *cells[6];

            snprintf(vill, sizeof vill, "%d", m->village_no);
            cells[0] = m->subdistrict;
            cells[1] = vill;
            cells[2] = m->village_name;
            cells[3] = m->house_no;
            cells[4] = m->code;
            cells[5] = m->head;
            if ((rc = ff_flow_table_row(f, cells, &st_cell, NONE, e)))
                return rc;
        }
        ff_flow_table_end(f);
        f->y += 12;
    }
    return FF_OK;
}

static int draw_report(struct ff_flow *f, void *arg, struct ff_err *e)
{
    const struct draw *d = arg;
    const struct intake_rep *r = d->r;
    struct ff_flow_table t;
    char line[700], deadline[96], today[96], thr[32];
    int y, m, dd, rc;
    size_t i;

    if ((rc = ff_flow_text(f, &st_title, 0, 0, d->title, e)))
        return rc;
    if (d->pv->office[0] &&
        (rc = ff_flow_text(f, &st_sub, 0, 0, d->pv->office, e)))
        return rc;
    y = (r->month[0] - '0') * 1000 + (r->month[1] - '0') * 100 +
        (r->month[2] - '0') * 10 + (r->month[3] - '0');
    m = (r->month[5] - '0') * 10 + (r->month[6] - '0');
    ff_thai_date(y, m, 20, 0, deadline, sizeof deadline);
    ff_today_bangkok(&y, &m, &dd);
    ff_thai_date(y, m, dd, 0, today, sizeof today);
    snprintf(line, sizeof line, "จังหวัด%s  ·  กำหนดรายงานภายในวันที่ %s  ·  "
             "จัดทำเมื่อ %s", r->province, deadline, today);
    if ((rc = ff_flow_text(f, &st_sub, 0, 0, line, e)))
        return rc;
    ff_baht(r->threshold, thr, sizeof thr);
    snprintf(line, sizeof line, "ตัวชี้วัดที่ 4 สะสมถึงเดือนนี้: เกณฑ์รายได้ "
             "%s บาท/คน/ปี (ข้อมูล จปฐ. ปี %d)", thr, r->survey_year);
    if ((rc = ff_flow_text(f, &st_sub, 0, 0, line, e)))
        return rc;
    f->y += 8;
    memset(&t, 0, sizeof t);
    t.cols = tcols;
    t.ncols = NCOL;
    t.head_st = &st_head;
    t.head_rgb = C_HEAD;
    t.keep_rows = 2;
    if ((rc = ff_flow_table_begin(f, &t, &st_cell, e)))
        return rc;
    for (i = 0; i < r->nd; i++)
        if ((rc = table_row(f, &r->d[i], 0, e)))
            return rc;
    if ((rc = table_row(f, &r->total, 1, e)))
        return rc;
    ff_flow_table_end(f);
    f->y += 4;
    if ((rc = ff_flow_text(f, &st_small, 0, 0,
                           "ทุกช่องเป็นจำนวนครัวเรือน ยกเว้น * ปฏิเสธ ซึ่งเป็น"
                           "จำนวนระเบียนรายงานของเดือนที่ถูกปฏิเสธ (รหัสบ้านผิด "
                           "ไม่พบในทะเบียน ข้อมูลไม่ครบ ฯลฯ): ระเบียนหนึ่งอาจ"
                           "ระบุครัวเรือนไม่ได้ และครัวเรือนหนึ่งอาจมีหลายระเบียน "
                           "ระเบียนที่ระบุอำเภอไม่ได้นับเฉพาะในแถวรวมจังหวัด "
                           "รายละเอียดรายระเบียนอยู่ในไฟล์ outcomes ของการนำเข้า",
                           e)))
        return rc;
    f->y += 14;
    if ((rc = chart(f, r, e)) || (rc = missing_list(f, d, e)))
        return rc;
    return ff_flow_signature(f, "ผู้จัดทำรายงาน", d->pv->signer,
                             d->pv->position, e);
}

int intake_report_pdf(const struct intake_rep *r, const char *path,
                      struct ff_err *e)
{
    struct ff_province pv;
    struct ff_pdf *p = NULL;
    struct ff_flow f;
    struct draw d;
    char be[8];
    size_t i;
    int rc;

    memset(&d, 0, sizeof d);
    d.r = r;
    d.pv = &pv;
    if ((rc = ff_province_load(&pv, NULL, e)))
        return rc;
    d.miss = ff_malloc((r->nlisted ? r->nlisted : 1) * sizeof *d.miss);
    if (d.miss == NULL)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    for (i = 0; i < r->nlisted; i++)
        if (r->listed[i].missing)
            d.miss[d.nmiss++] = &r->listed[i];
    qsort(d.miss, d.nmiss, sizeof *d.miss, walk_cmp);
    intake_month_be(r->month, be);
    snprintf(d.title, sizeof d.title,
             "รายงานผลการพัฒนาครัวเรือนเป้าหมาย เดือน%s %.4s",
             ff_thai_month((r->month[5] - '0') * 10 + (r->month[6] - '0')),
             be);
    p = ff_pdf_new(NULL, e);
    if (p == NULL) {
        rc = e->code;
        goto out;
    }
    memset(&f, 0, sizeof f);
    f.p = p;
    f.page_w = FF_A4_W;
    f.page_h = FF_A4_H;
    f.ml = f.mr = ML;
    f.mt = MT;
    f.mb = MB;
    f.foot = d.title;
    if ((rc = ff_pdf_begin(p, e)) ||
        (rc = ff_pdf_set_title(p, "Monthly results reconciliation", e)) ||
        (rc = ff_flow_run(&f, draw_report, &d, e)))
        goto out;
    rc = ff_pdf_save(p, path, e);
out:
    ff_pdf_free(p);
    ff_free(d.miss);
    return rc;
}
