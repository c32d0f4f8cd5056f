/*
 * report.c - reconciliation.csv / .xlsx / .pdf for a month: the model
 * (recon.h) built once, written three ways, the files moved in together.
 */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "outfile.h"
#include "recon.h"
#include "report_pdf.h"
#include "xlsxw.h"

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

static void xlsx_row(struct ff_xlsxw *x, int row, const char *month,
                     const struct intake_rdistrict *d)
{
    char be[8];
    int c;

    ff_xlsxw_text(x, row, 0, intake_month_be(month, be), 0);
    ff_xlsxw_text(x, row, 16, month, 0);
    ff_xlsxw_text(x, row, 1, d->code, 0);
    ff_xlsxw_text(x, row, 2, d->name, 0);
    ff_xlsxw_num(x, row, 3, (double)d->expected, 0);
    ff_xlsxw_num(x, row, 4, (double)d->on_time, 0);
    ff_xlsxw_num(x, row, 5, (double)d->late, 0);
    ff_xlsxw_num(x, row, 6, (double)d->missing, 0);
    ff_xlsxw_num(x, row, 7, (double)d->rejected, 0);
    ff_xlsxw_num(x, row, 8, (double)d->developed, 0);
    ff_xlsxw_num(x, row, 9, intake_rep_pct(d->developed, d->expected), 1);
    ff_xlsxw_num(x, row, 10, (double)d->below, 0);
    ff_xlsxw_num(x, row, 11, intake_rep_pct(d->below, d->expected), 1);
    for (c = 1; c <= 4; c++)
        ff_xlsxw_num(x, row, 11 + c, (double)d->factor[c], 0);
}

static int write_xlsx(const struct intake_rep *r, const char *path,
                      struct ff_err *e)
{
    static const char *const miss_cols[] = {
        "district_code", "district", "subdistrict", "village_no",
        "village_name", "house_no", "hhid", "head"};
    struct ff_xlsxw *x = ff_xlsxw_new(path, FF_XLSXW_STAFF, 0600, e);
    size_t i;
    int row, c;

    if (x == NULL)
        return e->code;
    if (ff_xlsxw_sheet(x, "reconciliation", e))
        goto fail;
    ff_xlsxw_width(x, 0, 1, 12);
    ff_xlsxw_width(x, 2, 2, 24);
    ff_xlsxw_width(x, 3, 16, 12);
    for (c = 0; c < (int)(sizeof columns / sizeof columns[0]); c++)
        ff_xlsxw_text(x, 0, c, columns[c], 1);
    for (i = 0; i < r->nd; i++)
        xlsx_row(x, (int)i + 1, r->month, &r->d[i]);
    xlsx_row(x, (int)r->nd + 1, r->month, &r->total);
    if (ff_xlsxw_sheet(x, "missing", e))
        goto fail;
    ff_xlsxw_width(x, 0, 0, 12);
    ff_xlsxw_width(x, 1, 2, 20);
    ff_xlsxw_width(x, 4, 4, 24);
    ff_xlsxw_width(x, 6, 6, 14);
    ff_xlsxw_width(x, 7, 7, 32);
    for (c = 0; c < 8; c++)
        ff_xlsxw_text(x, 0, c, miss_cols[c], 1);
    row = 1;
    for (i = 0; i < r->nlisted; i++) {
        const struct intake_rlisted *h = &r->listed[i];

        if (!h->missing)
            continue;
        ff_xlsxw_text(x, row, 0, h->district_code, 0);
        ff_xlsxw_text(x, row, 1, h->district, 0);
        ff_xlsxw_text(x, row, 2, h->subdistrict, 0);
        ff_xlsxw_num(x, row, 3, h->village_no, 0);
        ff_xlsxw_text(x, row, 4, h->village_name, 0);
        ff_xlsxw_text(x, row, 5, h->house_no, 0);
        ff_xlsxw_text(x, row, 6, h->code, 0);
        ff_xlsxw_text(x, row, 7, h->head, 0);
        row++;
    }
    return ff_xlsxw_close(x, e);
fail:
    ff_xlsxw_free(x);
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
    if ((rc = intake_recon_build(L, o->month, o->threshold, &r, e)))
        return rc;
    if ((rc = intake_ledger_read_done(L, e)) ||
        (rc = ff_mkdirs(o->dir, e)))
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
    intake_recon_release(&r);
    return rc;
}
