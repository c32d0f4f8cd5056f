/*
 * summary.c - counting households by status per district and subdistrict,
 * and writing the counts as CSV (for Excel) and as an A4 Thai PDF with the
 * province/district headings and the date in the Buddhist Era.
 */
#include "summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "csvw.h"
#include "flow.h"
#include "outfile.h"
#include "pdf.h"
#include "text.h"
#include "thai.h"

#include "folders.h"

static int by_subdistrict(const void *pa, const void *pb)
{
    const struct ff_household *a = *(const struct ff_household *const *)pa;
    const struct ff_household *b = *(const struct ff_household *const *)pb;

    return strcmp(a->subdistrict_code, b->subdistrict_code);
}

static struct gen_summary_row *push(struct gen_summary *s, size_t *cap)
{
    struct gen_summary_row *row = ff_grow(s->rows, cap, s->n + 1,
                                          sizeof *row, 64);

    if (row == NULL)
        return NULL;
    s->rows = row;
    row = &s->rows[s->n++];
    memset(row, 0, sizeof *row);
    return row;
}

static void count(struct gen_summary_row *row, int status)
{
    row->count[status]++;
    row->total++;
}

int gen_summary_build(struct gen_summary *s, const struct ff_register *r,
                      struct ff_err *e)
{
    const struct ff_household **v;
    struct gen_summary_row *d = NULL, *sd = NULL, prov;
    size_t i, cap = 0, di = 0;

    memset(s, 0, sizeof *s);
    memset(&prov, 0, sizeof prov);
    v = ff_malloc((r->n ? r->n : 1) * sizeof *v);
    if (v == NULL)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    for (i = 0; i < r->n; i++)
        v[i] = &r->hh[i];
    qsort(v, r->n, sizeof *v, by_subdistrict);
    s->province = r->n ? v[0]->province : "";
    for (i = 0; i < r->n; i++) {
        const struct ff_household *h = v[i];

        if (d == NULL || strcmp(d->code, h->district_code) != 0) {
            if ((d = push(s, &cap)) == NULL)
                goto oom;
            di = s->n - 1;
            snprintf(d->code, sizeof d->code, "%s", h->district_code);
            d->district = h->district;
            sd = NULL;
        }
        if (sd == NULL || strcmp(sd->code, h->subdistrict_code) != 0) {
            if ((sd = push(s, &cap)) == NULL)
                goto oom;
            d = &s->rows[di];       /* push may have moved the rows */
            snprintf(sd->code, sizeof sd->code, "%s", h->subdistrict_code);
            sd->district = h->district;
            sd->subdistrict = h->subdistrict;
        }
        count(d, h->status);
        count(sd, h->status);
        count(&prov, h->status);
    }
    if ((d = push(s, &cap)) == NULL)
        goto oom;
    *d = prov;
    d->district = "รวมทั้งจังหวัด";
    ff_free(v);
    return FF_OK;
oom:
    ff_free(v);
    gen_summary_release(s);
    return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
}

void gen_summary_release(struct gen_summary *s)
{
    ff_free(s->rows);
    memset(s, 0, sizeof *s);
}

static int write_csv(const struct gen_summary *s, const char *path,
                     struct ff_err *e)
{
    struct ff_outfile o;
    size_t i;
    int k;

    if (ff_outfile_open(&o, path, 0644, e))
        return e->code;
    ff_csvw_bom(o.fp);
    ff_csvw_str(o.fp, 1, "level");
    ff_csvw_str(o.fp, 0, "code");
    ff_csvw_str(o.fp, 0, "province");
    ff_csvw_str(o.fp, 0, "district");
    ff_csvw_str(o.fp, 0, "subdistrict");
    ff_csvw_str(o.fp, 0, "status_1_developable");
    ff_csvw_str(o.fp, 0, "status_2_welfare");
    ff_csvw_str(o.fp, 0, "status_3_self_reliant");
    ff_csvw_str(o.fp, 0, "status_4_other");
    ff_csvw_str(o.fp, 0, "not_classified");
    ff_csvw_str(o.fp, 0, "total");
    ff_csvw_end(o.fp);
    for (i = 0; i < s->n; i++) {
        const struct gen_summary_row *r = &s->rows[i];
        int last = i + 1 == s->n;

        ff_csvw_str(o.fp, 1, last ? "province"
                             : r->subdistrict ? "subdistrict" : "district");
        ff_csvw_str(o.fp, 0, r->code);
        ff_csvw_str(o.fp, 0, s->province);
        ff_csvw_str(o.fp, 0, last ? "" : r->district);
        ff_csvw_str(o.fp, 0, r->subdistrict ? r->subdistrict : "");
        for (k = 1; k <= 4; k++)
            ff_csvw_int(o.fp, 0, r->count[k]);
        ff_csvw_int(o.fp, 0, r->count[0]);
        ff_csvw_int(o.fp, 0, r->total);
        ff_csvw_end(o.fp);
    }
    return ff_outfile_commit(&o, e);
}

/*
 * The PDF: enclosure 1 of the letter.  One table through core/flow.h: a
 * district's row above its subdistricts, repeated as "อำเภอ… (ต่อ)" under
 * the heading on every page the district continues onto, the province
 * total, then the certification block; "หน้า N/M" on every page.
 */
#define ML (15 * FF_MM)

static const struct ff_flow_col cols[] = {
    {200, FF_ALIGN_LEFT, "อำเภอ / ตำบล"},
    {52, FF_ALIGN_RIGHT, "1\nพัฒนาได้"},
    {56, FF_ALIGN_RIGHT, "2\nขอรับการ\nสงเคราะห์"},
    {54, FF_ALIGN_RIGHT, "3\nพึ่งตนเอง\nได้"},
    {50, FF_ALIGN_RIGHT, "4\nอื่น ๆ"},
    {50, FF_ALIGN_RIGHT, "ยังไม่\nจำแนก"},
    {48, FF_ALIGN_RIGHT, "รวม"},
};

static const struct ff_text_style st_h1 = {FF_FONT_BOLD, 18, 0,
                                           FF_ALIGN_CENTER, 0};
static const struct ff_text_style st_body = {FF_FONT_REGULAR, 14, 0,
                                             FF_ALIGN_CENTER, 0};
static const struct ff_text_style st_mark = {FF_FONT_BOLD, 14, 0,
                                             FF_ALIGN_RIGHT, 0};
static const struct ff_text_style st_th = {FF_FONT_BOLD, 11.5, 0,
                                           FF_ALIGN_CENTER, 0};
static const struct ff_text_style st_name = {FF_FONT_REGULAR, 13, 0,
                                             FF_ALIGN_LEFT, 0};
static const struct ff_text_style st_bold = {FF_FONT_BOLD, 13, 0,
                                             FF_ALIGN_LEFT, 0};

struct pdf_ctx {
    const struct gen_summary *s;
    const struct gen_summary_opts *o;
    char date[128];
};

static int draw_summary(struct ff_flow *f, void *arg, struct ff_err *e)
{
    const struct pdf_ctx *c = arg;
    const struct gen_summary *s = c->s;
    const struct ff_province *pv = c->o->province;
    struct ff_flow_table t;
    char line[700];
    size_t i;
    int rc;

    if ((rc = ff_flow_line_text(f, &st_mark, f->page_w - f->mr, f->y + 14,
                                "สิ่งที่ส่งมาด้วย ๑", e)))
        return rc;
    f->y += 24;
    snprintf(line, sizeof line,
             "สรุปผลการจำแนกสถานะครัวเรือนยากจนเป้าหมาย\nจังหวัด%s",
             s->province);
    if ((rc = ff_flow_text(f, &st_h1, 0, 0, line, e)))
        return rc;
    if (pv && pv->office[0] && (rc = ff_flow_text(f, &st_body, 0, 0,
                                                   pv->office, e)))
        return rc;
    snprintf(line, sizeof line, "ข้อมูล ณ วันที่ %s", c->date);
    if ((rc = ff_flow_text(f, &st_body, 0, 0, line, e)))
        return rc;
    f->y += 8;
    memset(&t, 0, sizeof t);
    t.cols = cols;
    t.ncols = 7;
    t.head_st = &st_th;
    t.head_rgb = 0xE6ECF2;
    t.keep_rows = 2;
    if ((rc = ff_flow_table_begin(f, &t, &st_name, e)))
        return rc;
    for (i = 0; i < s->n; i++) {
        const struct gen_summary_row *r = &s->rows[i];
        const char *cells[7];
        char label[512], n[6][32];
        int k;

        if (i + 1 == s->n)
            snprintf(label, sizeof label, "%s", r->district);
        else if (r->subdistrict)
            snprintf(label, sizeof label, "ตำบล%s", r->subdistrict);
        else
            snprintf(label, sizeof label, "อำเภอ%s (%s)", r->district,
                     r->code);
        cells[0] = label;
        for (k = 0; k < 6; k++) {
            long v = k < 4 ? r->count[k + 1] : k == 4 ? r->count[0]
                                                      : r->total;

            snprintf(n[k], sizeof n[k], "%ld", v);
            cells[k + 1] = n[k];
        }
        f->indent = r->subdistrict ? 14 : 0;
        if (r->subdistrict) {
            rc = ff_flow_table_row(f, cells, &st_name, 0xFFFFFFFFu, e);
        } else if (i + 1 == s->n) {
            /* The province total stays with the certification below. */
            double h = ff_flow_row_h(f, cells, &st_bold, e) + 6 +
                       ff_flow_signature_h(f, "ผู้รับรองข้อมูล",
                                           pv ? pv->signer : NULL,
                                           pv ? pv->position : NULL, e);

            rc = ff_flow_need(f, h, e);
            if (rc == FF_OK)
                rc = ff_flow_table_row(f, cells, &st_bold, 0xDDE3EA, e);
        }
        else
            rc = ff_flow_table_group(f, cells, &st_bold, 0xF3F5F8, e);
        if (rc)
            return rc;
    }
    ff_flow_table_end(f);
    f->y += 6;
    return ff_flow_signature(f, "ผู้รับรองข้อมูล", pv ? pv->signer : NULL,
                             pv ? pv->position : NULL, e);
}

static int write_pdf(const struct gen_summary *s, const char *path,
                     const struct gen_summary_opts *o, struct ff_err *e)
{
    struct ff_pdf_opts po = {o->font_dir, NULL, NULL, 0};
    struct ff_pdf *p = ff_pdf_new(&po, e);
    struct pdf_ctx c;
    struct ff_flow f;
    char foot[700];
    int rc;

    if (p == NULL)
        return e->code;
    c.s = s;
    c.o = o;
    ff_thai_date(o->year, o->month, o->day, 0, c.date, sizeof c.date);
    snprintf(foot, sizeof foot, "สรุปผลการจำแนกสถานะครัวเรือนยากจนเป้าหมาย "
             "จังหวัด%s  ข้อมูล ณ วันที่ %s", s->province, c.date);
    memset(&f, 0, sizeof f);
    f.p = p;
    f.page_w = FF_A4_W;
    f.page_h = FF_A4_H;
    f.ml = f.mr = ML;
    f.mt = 30;
    f.mb = 48;
    f.foot = foot;
    if ((rc = ff_pdf_begin(p, e)) ||
        (rc = ff_pdf_set_title(p, "Household classification summary", e)) ||
        (rc = ff_flow_run(&f, draw_summary, &c, e)))
        goto out;
    rc = ff_pdf_save(p, path, e);
out:
    ff_pdf_free(p);
    return rc;
}

int gen_summary_write(const struct gen_summary *s, const char *dir,
                      const struct gen_summary_opts *o, struct ff_err *e)
{
    char path[1100];

    if (ff_mkdirs(dir, e))
        return e->code;
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    if (write_csv(s, path, e))
        return e->code;
    snprintf(path, sizeof path, "%s/summary.pdf", dir);
    return write_pdf(s, path, o, e);
}
