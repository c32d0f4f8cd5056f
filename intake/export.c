/*
 * export.c - the accepted rows of a month as CSV with BOM, streamed from
 * the ledger one row at a time (memory flat in the ledger), free text
 * masked on request.
 */
#include "export.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "csvout.h"
#include "redact.h"
#include "rules.h"

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
