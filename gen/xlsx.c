/*
 * xlsx.c - the libxlsxwriter boundary for ffgen.
 *
 * libxlsxwriter reports errors as lxw_error codes from each call and keeps
 * the workbook in memory until workbook_close(); a form is a few dozen
 * cells.  Cell errors are remembered and reported once, at close.
 */
#include "xlsx.h"

#include <stdio.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "alloc.h"
#include "outfile.h"

struct gen_xlsx {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold;
    char path[512];
    char tmp[560];
    lxw_error first_error;
};

struct gen_xlsx *gen_xlsx_new(const char *path, struct ff_err *e)
{
    struct gen_xlsx *x = ff_calloc(1, sizeof *x);

    if (x == NULL) {
        ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
        return NULL;
    }
    snprintf(x->path, sizeof x->path, "%s", path);
    snprintf(x->tmp, sizeof x->tmp, "%s.tmp.%ld", path, (long)getpid());
    x->wb = workbook_new(x->tmp);
    if (x->wb == NULL) {
        ff_err_set(e, FF_ESYS, path, 0, 0, "cannot start workbook");
        ff_free(x);
        return NULL;
    }
    x->bold = workbook_add_format(x->wb);
    if (x->bold == NULL) {
        ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
        gen_xlsx_free(x);
        return NULL;
    }
    format_set_bold(x->bold);
    return x;
}

int gen_xlsx_sheet(struct gen_xlsx *x, const char *name, struct ff_err *e)
{
    x->ws = workbook_add_worksheet(x->wb, name);
    if (x->ws == NULL)
        return ff_err_set(e, FF_EINTERNAL, x->path, 0, 0,
                          "cannot add sheet '%s'", name);
    return FF_OK;
}

void gen_xlsx_text(struct gen_xlsx *x, int row, int col, const char *s,
                   int bold)
{
    lxw_error err;

    if (s == NULL || s[0] == '\0' || x->ws == NULL)
        return;
    err = worksheet_write_string(x->ws, (lxw_row_t)row, (lxw_col_t)col, s,
                                 bold ? x->bold : NULL);
    if (err != LXW_NO_ERROR && x->first_error == LXW_NO_ERROR)
        x->first_error = err;
}

int gen_xlsx_close(struct gen_xlsx *x, struct ff_err *e)
{
    lxw_error err = workbook_close(x->wb);
    int rc;

    x->wb = NULL;
    if (x->first_error != LXW_NO_ERROR)
        rc = ff_err_set(e, FF_EINTERNAL, x->path, 0, 0,
                        "cannot write workbook: %s",
                        lxw_strerror(x->first_error));
    else if (err != LXW_NO_ERROR)
        rc = ff_err_set(e, FF_ESYS, x->path, 0, 0,
                        "cannot write workbook: %s", lxw_strerror(err));
    else
        rc = ff_outfile_adopt(x->tmp, x->path, 0644, e);
    if (rc)
        unlink(x->tmp);
    ff_free(x);
    return rc;
}

void gen_xlsx_free(struct gen_xlsx *x)
{
    if (x == NULL)
        return;
    if (x->wb) {
        /* No "discard" in libxlsxwriter: write, then remove. */
        workbook_close(x->wb);
        unlink(x->tmp);
    }
    ff_free(x);
}
