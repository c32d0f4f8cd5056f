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
    struct gen_summary_row *row;

    if (s->n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        struct gen_summary_row *v = ff_realloc(s->rows, c * sizeof *v);

        if (v == NULL)
            return NULL;
        s->rows = v;
        *cap = c;
    }
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

/* Column layout of the PDF table, in points from the left margin. */
#define ML (15 * FF_MM)
#define ROW_H 19.0

static const double col_w[] = {180, 55, 55, 55, 55, 55, 55};

static int cell(struct ff_pdf *p, const struct ff_text_style *st, double x,
                double y, double w, const char *s, struct ff_err *e)
{
    return ff_text_box(p, st, x + 3, y + 3, w - 6, ROW_H, s, strlen(s), NULL,
                       e) < 0 ? e->code : FF_OK;
}

static int header(struct ff_pdf *p, const struct gen_summary *s, double *y,
                  struct ff_err *e)
{
    struct ff_text_style h1 = {FF_FONT_BOLD, 18, 0, FF_ALIGN_CENTER, 22};
    struct ff_text_style body = {FF_FONT_REGULAR, 14, 0, FF_ALIGN_CENTER, 0};
    struct ff_text_style th = {FF_FONT_BOLD, 11.5, 0, FF_ALIGN_CENTER, 0};
    static const char *const heads[] = {
        "อำเภอ / ตำบล", "1\nพัฒนาได้", "2\nสงเคราะห์",
        "3\nพึ่งตนเอง", "4\nอื่นๆ", "ยังไม่\nจำแนก", "รวม"
    };
    double used = 0;
    char line[512], date[128];
    int yy, mm, dd;
    double x = ML;
    size_t c;

    if (ff_pdf_add_page(p, FF_A4_W, FF_A4_H, e))
        return e->code;
    ff_today_bangkok(&yy, &mm, &dd);
    snprintf(line, sizeof line,
             "สรุปผลการจำแนกสถานะครัวเรือนยากจนเป้าหมาย\nจังหวัด%s",
             s->province);
    if (ff_text_box(p, &h1, ML, 36, FF_A4_W - 2 * ML, 0, line, strlen(line),
                    &used, e) < 0)
        return e->code;
    snprintf(line, sizeof line, "ข้อมูล ณ วันที่ %s",
             ff_thai_date(yy, mm, dd, 0, date, sizeof date));
    if (ff_text_box(p, &body, ML, 36 + used + 4, FF_A4_W - 2 * ML, 0, line,
                    strlen(line), &used, e) < 0)
        return e->code;
    *y = 36 + 2 * 22 + used + 10;
    ff_pdf_fill_rect(p, ML, *y, FF_A4_W - 2 * ML, ROW_H * 2.2, 0xE6ECF2);
    for (c = 0; c < 7; c++) {
        if (ff_text_box(p, &th, x + 2, *y + 3, col_w[c] - 4, ROW_H * 2.2,
                        heads[c], strlen(heads[c]), NULL, e) < 0)
            return e->code;
        x += col_w[c];
    }
    *y += ROW_H * 2.2;
    return FF_OK;
}

static int write_pdf(const struct gen_summary *s, const char *path,
                     const char *font_dir, struct ff_err *e)
{
    struct ff_pdf_opts po = {font_dir, NULL, NULL, 0};
    struct ff_pdf *p = ff_pdf_new(&po, e);
    struct ff_text_style name = {FF_FONT_REGULAR, 13, 0, FF_ALIGN_LEFT, 0};
    struct ff_text_style bold = {FF_FONT_BOLD, 13, 0, FF_ALIGN_LEFT, 0};
    struct ff_text_style num = {FF_FONT_REGULAR, 13, 0, FF_ALIGN_RIGHT, 0};
    struct ff_text_style numb = {FF_FONT_BOLD, 13, 0, FF_ALIGN_RIGHT, 0};
    double y = 0, width = FF_A4_W - 2 * ML;
    size_t i;
    int rc = FF_OK;

    if (p == NULL)
        return e->code;
    if ((rc = ff_pdf_begin(p, e)) || (rc = ff_pdf_set_title(
                                         p, "Household classification summary", e)) ||
        (rc = header(p, s, &y, e)))
        goto out;
    for (i = 0; i < s->n; i++) {
        const struct gen_summary_row *r = &s->rows[i];
        int strong = r->subdistrict == NULL;
        char label[512], n[32];
        double x = ML;
        int k;

        if (y + ROW_H > FF_A4_H - 40 && (rc = header(p, s, &y, e)))
            goto out;
        if (strong)
            ff_pdf_fill_rect(p, ML, y, width, ROW_H, 0xF3F5F8);
        if (i + 1 == s->n)
            snprintf(label, sizeof label, "%s", r->district);
        else if (r->subdistrict)
            snprintf(label, sizeof label, "    ตำบล%s", r->subdistrict);
        else
            snprintf(label, sizeof label, "อำเภอ%s (%s)", r->district,
                     r->code);
        if ((rc = cell(p, strong ? &bold : &name, x, y, col_w[0], label, e)))
            goto out;
        x += col_w[0];
        for (k = 0; k < 6; k++) {
            long v = k < 4 ? r->count[k + 1] : k == 4 ? r->count[0]
                                                      : r->total;

            snprintf(n, sizeof n, "%ld", v);
            if ((rc = cell(p, strong ? &numb : &num, x, y, col_w[k + 1], n,
                           e)))
                goto out;
            x += col_w[k + 1];
        }
        ff_pdf_line(p, ML, y + ROW_H, ML + width, y + ROW_H, 0.4, 0xB0B0B0);
        y += ROW_H;
    }
    rc = ff_pdf_save(p, path, e);
out:
    ff_pdf_free(p);
    return rc;
}

int gen_summary_write(const struct gen_summary *s, const char *dir,
                      const char *font_dir, struct ff_err *e)
{
    char path[1100];

    if (ff_mkdirs(dir, e))
        return e->code;
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    if (write_csv(s, path, e))
        return e->code;
    snprintf(path, sizeof path, "%s/summary.pdf", dir);
    return write_pdf(s, path, font_dir, e);
}
