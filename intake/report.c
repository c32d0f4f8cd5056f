/*
 * report.c - reconciliation.csv / .xlsx / .pdf for a month, and export.
 *
 * Workload: the register (thousands of households) is held in memory for
 * the report; records are read from the ledger as per-household facts
 * (earliest valid submission, reported or not, latest income, rejections),
 * so memory does not grow with the ledger.
 */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "outfile.h"
#include "csvout.h"
#include "redact.h"
#include "report_pdf.h"
#include "rules.h"
#include "thai.h"
#include "xlsx.h"

static int hh_cmp(const void *a, const void *b)
{
    return strcmp(((const struct intake_rhh *)a)->code,
                  ((const struct intake_rhh *)b)->code);
}

static void rep_free(struct intake_rep *r)
{
    size_t i;

    for (i = 0; i < r->nhh; i++) {
        struct intake_rhh *h = &r->hh[i];

        ff_free(h->code);
        ff_free(h->district);
        ff_free(h->subdistrict);
        ff_free(h->village_name);
        ff_free(h->house_no);
        ff_free(h->head);
    }
    ff_free(r->hh);
    ff_free(r->d);
}

static int take_household(void *ctx, const struct intake_household *h)
{
    struct intake_rep *r = ctx;
    struct intake_rhh *x;

    if (r->nhh == r->caphh) {
        size_t cap = r->caphh ? r->caphh * 2 : 1024;
        struct intake_rhh *v = ff_realloc(r->hh, cap * sizeof *v);

        if (v == NULL)
            return FF_ESYS;
        r->hh = v;
        r->caphh = cap;
    }
    x = &r->hh[r->nhh];
    memset(x, 0, sizeof *x);
    x->code = ff_strdup(h->code);
    x->district = ff_strdup(h->district);
    x->subdistrict = ff_strdup(h->subdistrict);
    x->village_name = ff_strdup(h->village_name);
    x->house_no = ff_strdup(h->house_no);
    x->head = ff_strdup(h->head);
    r->nhh++;
    if (!x->code || !x->district || !x->subdistrict || !x->village_name ||
        !x->house_no || !x->head)
        return FF_ESYS;
    snprintf(x->district_code, sizeof x->district_code, "%s",
             h->district_code);
    if (r->province[0] == '\0')
        snprintf(r->province, sizeof r->province, "%s", h->province);
    x->village_no = h->village_no;
    x->income = h->income;
    x->status = h->status;
    return FF_OK;
}

static struct intake_rhh *find_hh(struct intake_rep *r, const char *code)
{
    struct intake_rhh key;

    key.code = (char *)code;
    return bsearch(&key, r->hh, r->nhh, sizeof *r->hh, hh_cmp);
}

static struct intake_rdistrict *find_district(struct intake_rep *r,
                                              const char *code)
{
    size_t i;

    for (i = 0; i < r->nd; i++)
        if (strncmp(r->d[i].code, code, 4) == 0)
            return &r->d[i];
    return NULL;
}

static int fact_earliest(void *ctx, const char *hhid, long long n, double v)
{
    struct intake_rep *r = ctx;
    struct intake_rhh *h = find_hh(r, hhid);

    (void)v;
    if (h) {
        h->reported_month = 1;
        h->late = n > r->deadline;
    }
    return FF_OK;
}

static int fact_reported(void *ctx, const char *hhid, long long n, double v)
{
    struct intake_rhh *h = find_hh(ctx, hhid);

    (void)n, (void)v;
    if (h)
        h->developed = 1;
    return FF_OK;
}

static int fact_income(void *ctx, const char *hhid, long long n, double v)
{
    struct intake_rhh *h = find_hh(ctx, hhid);

    (void)n;
    if (h) {
        h->has_reported_income = 1;
        h->reported_income = v;     /* rows come oldest first */
    }
    return FF_OK;
}

static int fact_rejected(void *ctx, const char *hhid, long long n, double v)
{
    struct intake_rep *r = ctx;
    struct intake_rdistrict *d = strlen(hhid) >= 4 ? find_district(r, hhid)
                                                   : NULL;

    (void)v;
    if (d)
        d->rejected += (long)n;
    r->total.rejected += (long)n;
    return FF_OK;
}

/* The month's accepted report of a household names a set of factors:
 * each counts once in its own column (the set is stored as canonical
 * names separated by spaces, see intake_category_set_name). */
static int fact_factors(void *ctx, const char *hhid, const char *set)
{
    struct intake_rep *r = ctx;
    struct intake_rhh *h = find_hh(r, hhid);
    const char *p = set;
    int c;

    if (h == NULL || h->status != 1)
        return FF_OK;
    while (*p) {
        size_t n = strcspn(p, " ");

        for (c = 1; c <= 4; c++)
            if (strlen(intake_category_name(c)) == n &&
                memcmp(intake_category_name(c), p, n) == 0)
                h->factors |= INTAKE_CAT_BIT(c);
        p += n;
        while (*p == ' ')
            p++;
    }
    return FF_OK;
}

static int district_cmp(const void *a, const void *b)
{
    return strcmp(((const struct intake_rdistrict *)a)->code,
                  ((const struct intake_rdistrict *)b)->code);
}

static int build(struct intake_ledger *L, const struct intake_report_opts *o,
                 struct intake_rep *r, struct ff_err *e)
{
    struct intake_snapshot snap;
    size_t i;
    int rc, c;

    memset(r, 0, sizeof *r);
    snprintf(r->month, sizeof r->month, "%s", o->month);
    r->deadline = intake_deadline_utc(o->month);
    if ((rc = intake_ledger_snapshot_latest(L, &snap, e)))
        return rc;
    if (snap.id == 0)
        return ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                          "the ledger has no household register yet");
    r->threshold = o->threshold > 0 ? o->threshold : snap.threshold;
    r->survey_year = snap.survey_year;
    rc = intake_ledger_each_household(L, snap.id, take_household, r, e);
    if (rc == FF_ESYS && e->code == FF_OK)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    if (rc)
        return rc;
    /* Districts in code order, names from the register. */
    for (i = 0; i < r->nhh; i++) {
        if (find_district(r, r->hh[i].district_code))
            continue;
        if (r->nd == r->capd) {
            size_t cap = r->capd ? r->capd * 2 : 32;
            struct intake_rdistrict *v = ff_realloc(r->d, cap * sizeof *v);

            if (v == NULL)
                return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
            r->d = v;
            r->capd = cap;
        }
        memset(&r->d[r->nd], 0, sizeof r->d[0]);
        snprintf(r->d[r->nd].code, sizeof r->d[0].code, "%s",
                 r->hh[i].district_code);
        snprintf(r->d[r->nd].name, sizeof r->d[0].name, "%s",
                 r->hh[i].district);
        r->nd++;
    }
    qsort(r->d, r->nd, sizeof *r->d, district_cmp);
    if ((rc = intake_ledger_each_fact(L, INTAKE_FACT_EARLIEST, o->month,
                                      fact_earliest, r, e)) ||
        (rc = intake_ledger_each_fact(L, INTAKE_FACT_REPORTED, o->month,
                                      fact_reported, r, e)) ||
        (rc = intake_ledger_each_fact(L, INTAKE_FACT_INCOME, o->month,
                                      fact_income, r, e)) ||
        (rc = intake_ledger_each_fact(L, INTAKE_FACT_REJECTED, o->month,
                                      fact_rejected, r, e)) ||
        (rc = intake_ledger_each_factors(L, o->month, fact_factors, r, e)))
        return rc;
    for (i = 0; i < r->nhh; i++) {
        struct intake_rhh *h = &r->hh[i];
        struct intake_rdistrict *d = find_district(r, h->district_code);
        double income = h->has_reported_income ? h->reported_income
                                               : h->income;

        if (h->status != 1)
            continue;
        d->expected++;
        if (!h->reported_month)
            d->missing++;
        else if (h->late)
            d->late++;
        else
            d->on_time++;
        d->developed += h->developed;
        d->below += income < r->threshold;
        for (c = 1; c <= 4; c++)
            d->factor[c] += (h->factors & INTAKE_CAT_BIT(c)) != 0;
    }
    for (i = 0; i < r->nd; i++) {
        struct intake_rdistrict *d = &r->d[i];

        r->total.expected += d->expected;
        r->total.on_time += d->on_time;
        r->total.late += d->late;
        r->total.missing += d->missing;
        r->total.developed += d->developed;
        r->total.below += d->below;
        for (c = 1; c <= 4; c++)
            r->total.factor[c] += d->factor[c];
    }
    snprintf(r->total.code, sizeof r->total.code, "%.2s",
             r->nhh ? r->hh[0].code : "");
    snprintf(r->total.name, sizeof r->total.name, "รวมจังหวัด%s",
             r->province);
    return FF_OK;
}

double intake_rep_pct(long part, long whole)
{
    return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

/* The month column is BE as users write it (2568-01); month_ce, last, is
 * the CE month for other software. */
static void csv_row(struct intake_csvout *o, const char *month,
                    const struct intake_rdistrict *d)
{
    char be[8];
    int c;

    intake_csvout_str(o, intake_month_be(month, be));
    intake_csvout_str(o, d->code);
    intake_csvout_str(o, d->name);
    intake_csvout_long(o, d->expected);
    intake_csvout_long(o, d->on_time);
    intake_csvout_long(o, d->late);
    intake_csvout_long(o, d->missing);
    intake_csvout_long(o, d->rejected);
    intake_csvout_long(o, d->developed);
    intake_csvout_num(o, intake_rep_pct(d->developed, d->expected), 1);
    intake_csvout_long(o, d->below);
    intake_csvout_num(o, intake_rep_pct(d->below, d->expected), 1);
    for (c = 1; c <= 4; c++)
        intake_csvout_long(o, d->factor[c]);
    intake_csvout_str(o, month);
    intake_csvout_end_row(o);
}

static const char *const columns[] = {
    "month", "district_code", "district", "expected", "on_time", "late",
    "missing", "rejected", "developed", "developed_pct", "below_threshold",
    "below_threshold_pct", "attitude", "skills", "resources", "way_out",
    "month_ce"};

static int write_csv(const struct intake_rep *r, const char *path,
                     struct ff_err *e)
{
    struct intake_csvout o;
    size_t i;
    int rc;

    if ((rc = intake_csvout_open(&o, path, 1, e)))
        return rc;
    for (i = 0; i < sizeof columns / sizeof columns[0]; i++)
        intake_csvout_str(&o, columns[i]);
    intake_csvout_end_row(&o);
    for (i = 0; i < r->nd; i++)
        csv_row(&o, r->month, &r->d[i]);
    csv_row(&o, r->month, &r->total);
    return intake_csvout_close(&o, e);
}

static void xlsx_row(struct intake_xlsx *x, int row, const char *month,
                     const struct intake_rdistrict *d)
{
    char be[8];
    int c;

    intake_xlsx_text(x, row, 0, intake_month_be(month, be), 0);
    intake_xlsx_text(x, row, 16, month, 0);
    intake_xlsx_text(x, row, 1, d->code, 0);
    intake_xlsx_text(x, row, 2, d->name, 0);
    intake_xlsx_num(x, row, 3, (double)d->expected, 0);
    intake_xlsx_num(x, row, 4, (double)d->on_time, 0);
    intake_xlsx_num(x, row, 5, (double)d->late, 0);
    intake_xlsx_num(x, row, 6, (double)d->missing, 0);
    intake_xlsx_num(x, row, 7, (double)d->rejected, 0);
    intake_xlsx_num(x, row, 8, (double)d->developed, 0);
    intake_xlsx_num(x, row, 9, intake_rep_pct(d->developed, d->expected), 1);
    intake_xlsx_num(x, row, 10, (double)d->below, 0);
    intake_xlsx_num(x, row, 11, intake_rep_pct(d->below, d->expected), 1);
    for (c = 1; c <= 4; c++)
        intake_xlsx_num(x, row, 11 + c, (double)d->factor[c], 0);
}

static int write_xlsx(const struct intake_rep *r, const char *path,
                      struct ff_err *e)
{
    static const char *const miss_cols[] = {
        "district_code", "district", "subdistrict", "village_no",
        "village_name", "house_no", "hhid", "head"};
    struct intake_xlsx *x = intake_xlsx_new(path, e);
    size_t i;
    int row, c;

    if (x == NULL)
        return e->code;
    if (intake_xlsx_sheet(x, "reconciliation", e))
        goto fail;
    intake_xlsx_width(x, 0, 1, 12);
    intake_xlsx_width(x, 2, 2, 24);
    intake_xlsx_width(x, 3, 16, 12);
    for (c = 0; c < (int)(sizeof columns / sizeof columns[0]); c++)
        intake_xlsx_text(x, 0, c, columns[c], 1);
    for (i = 0; i < r->nd; i++)
        xlsx_row(x, (int)i + 1, r->month, &r->d[i]);
    xlsx_row(x, (int)r->nd + 1, r->month, &r->total);
    if (intake_xlsx_sheet(x, "missing", e))
        goto fail;
    intake_xlsx_width(x, 0, 0, 12);
    intake_xlsx_width(x, 1, 2, 20);
    intake_xlsx_width(x, 4, 4, 24);
    intake_xlsx_width(x, 6, 6, 14);
    intake_xlsx_width(x, 7, 7, 32);
    for (c = 0; c < 8; c++)
        intake_xlsx_text(x, 0, c, miss_cols[c], 1);
    row = 1;
    for (i = 0; i < r->nhh; i++) {
        const struct intake_rhh *h = &r->hh[i];

        if (h->status != 1 || h->reported_month)
            continue;
        intake_xlsx_text(x, row, 0, h->district_code, 0);
        intake_xlsx_text(x, row, 1, h->district, 0);
        intake_xlsx_text(x, row, 2, h->subdistrict, 0);
        intake_xlsx_num(x, row, 3, h->village_no, 0);
        intake_xlsx_text(x, row, 4, h->village_name, 0);
        intake_xlsx_text(x, row, 5, h->house_no, 0);
        intake_xlsx_text(x, row, 6, h->code, 0);
        intake_xlsx_text(x, row, 7, h->head, 0);
        row++;
    }
    return intake_xlsx_close(x, e);
fail:
    intake_xlsx_free(x);
    return e->code;
}

int intake_report_run(struct intake_ledger *L,
                      const struct intake_report_opts *o,
                      struct intake_report_totals *t, struct ff_err *e)
{
    static const char *const names[] = {"reconciliation.csv",
                                        "reconciliation.xlsx",
                                        "reconciliation.pdf"};
    struct ff_outset *set = NULL;
    struct intake_rep r;
    char path[1300];
    int rc, i;

    memset(t, 0, sizeof *t);
    rc = build(L, o, &r, e);
    if (rc == FF_OK)
        rc = intake_ledger_read_done(L, e);
    if (rc || (rc = ff_mkdirs(o->dir, e)))
        goto out;
    /* The three files are one report: staged together and moved in
     * together, so a failure or a kill never leaves this month's CSV
     * beside last month's PDF (core/outfile.h, sets).  Without a PDF, an
     * earlier report's PDF goes. */
    if ((set = ff_outset_new(o->dir, e)) == NULL) {
        rc = e->code;
        goto out;
    }
    for (i = 0; i < (o->no_pdf ? 2 : 3); i++) {
        if (ff_outset_path(set, names[i], path, sizeof path)) {
            rc = ff_err_set(e, FF_EUSAGE, o->dir, 0, 0, "path is too long");
            goto out;
        }
        rc = i == 0   ? write_csv(&r, path, e)
             : i == 1 ? write_xlsx(&r, path, e)
                      : intake_report_pdf(&r, path, e);
        if (rc) {
            ff_outset_err(set, e);
            goto out;
        }
    }
    if ((rc = ff_outset_commit(set, names, o->no_pdf ? 2 : 3, names + 2,
                               o->no_pdf ? 1 : 0,
                               o->group_read ? 0640 : 0600, e)))
        goto out;
    t->districts = (long)r.nd;
    t->expected = r.total.expected;
    t->on_time = r.total.on_time;
    t->late = r.total.late;
    t->missing = r.total.missing;
    t->rejected = r.total.rejected;
    t->developed = r.total.developed;
    t->below = r.total.below;
    t->threshold = r.threshold;
out:
    ff_outset_free(set);
    rep_free(&r);
    return rc;
}

struct export_ctx {
    struct intake_csvout o;
    int redact;
    struct ff_buf scratch;
    long rows;
};

/* A free-text cell, masked when the export is redacted. */
static int text_cell(struct export_ctx *x, const char *s)
{
    if (!x->redact || s == NULL) {
        intake_csvout_str(&x->o, s);
        return FF_OK;
    }
    ff_buf_reset(&x->scratch);
    if (intake_redact(s, strlen(s), &x->scratch))
        return FF_ESYS;
    intake_csvout_str(&x->o, x->scratch.data);
    return FF_OK;
}

static int export_row(void *ctx, const struct intake_export_row *r)
{
    struct export_ctx *x = ctx;
    struct intake_csvout *o = &x->o;
    char when[32];

    x->rows++;
    intake_format_bangkok(r->submitted, when);
    intake_csvout_str(o, r->hhid);
    intake_csvout_str(o, r->month);
    intake_csvout_str(o, when);
    intake_csvout_long(o, r->late);
    if (text_cell(x, r->activity))
        return FF_ESYS;
    intake_csvout_str(o, r->category);
    if (text_cell(x, r->result))
        return FF_ESYS;
    if (r->has_income)
        intake_csvout_num(o, r->income, r->income == (long long)r->income
                                            ? 0 : 2);
    else
        intake_csvout_str(o, NULL);
    intake_csvout_long(o, r->status);
    if (text_cell(x, r->reporter))
        return FF_ESYS;
    intake_csvout_str(o, r->submitted_text);
    intake_csvout_str(o, r->submission_id);
    intake_csvout_str(o, r->file);
    intake_csvout_long(o, r->record_no);
    intake_csvout_long(o, r->line);
    intake_csvout_long(o, r->load_id);
    intake_csvout_str(o, r->review);
    intake_csvout_end_row(o);
    return FF_OK;
}

int intake_export_run(struct intake_ledger *L, const char *month,
                      const char *path, int redact, int mode, long *rows,
                      struct ff_err *e)
{
    struct export_ctx x;
    int rc;

    memset(&x, 0, sizeof x);
    x.redact = redact;
    ff_buf_init(&x.scratch);
    if ((rc = intake_csvout_open_mode(&x.o, path, 1, mode, e)))
        return rc;
    fputs("hhid,month,submitted_bangkok,late,activity,category,result,"
          "income_after,status_after,reporter,submitted_as_given,"
          "submission_id,source_file,record,line,load,review\r\n", x.o.f.fp);
    rc = intake_ledger_each_accepted(L, month, export_row, &x, e);
    if (rc == FF_ESYS && e->code == FF_OK)
        ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
    ff_buf_release(&x.scratch);
    if (rc == FF_OK)
        rc = intake_ledger_read_done(L, e);
    if (rc) {
        intake_csvout_abort(&x.o);
        return rc;
    }
    if (rows)
        *rows = x.rows;
    return intake_csvout_close(&x.o, e);
}

int intake_report_build(struct intake_ledger *L, const char *month,
                        double threshold, struct intake_rep *r,
                        struct ff_err *e)
{
    struct intake_report_opts o;
    int rc;

    memset(&o, 0, sizeof o);
    o.month = month;
    o.threshold = threshold;
    if ((rc = build(L, &o, r, e)))
        rep_free(r);
    return rc;
}

void intake_report_release(struct intake_rep *r)
{
    rep_free(r);
    memset(r, 0, sizeof *r);
}
