/*
 * xlsxw.c - the libxlsxwriter boundary (ffintake's and ffgen's).
 *
 * libxlsxwriter reports errors as lxw_error codes from each call and keeps
 * the whole workbook until workbook_close(); our tables are small (one row
 * per district, one per missing household, a form's few dozen rows), so
 * the default in-memory mode is right.  Errors from cell writes are remembered and reported at close,
 * so callers can write a table without checking every cell.
 */
#include "xlsxw.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "alloc.h"
#include "outfile.h"
#include "csvw.h"

struct ff_xlsxw {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold, *num0, *num1, *num2;
    char path[512];
    const char *name;       /* the file name part of path */
    char tmp[1200];
    struct ff_outset *set;  /* the private folder the workbook is made in */
    enum ff_xlsxw_kind kind;
    int mode;
    lxw_error first_error;
};

/*
 * libxlsxwriter opens its output by name with fopen (following symlinks,
 * no O_EXCL, mode 0666 less the umask), and Debian 12's 1.1.4 cannot write
 * to memory.  So the workbook is made inside a fresh private folder
 * (core/outfile.h's sets: mkdtemp, 0700, beside the target), where nobody
 * can plant a link or read it, and moved into place with the caller's
 * mode (0600 for staff files); its own temporary files go there too.  A killed run's folder is
 * swept by the next run.
 */
struct ff_xlsxw *ff_xlsxw_new(const char *path, enum ff_xlsxw_kind kind,
                              int mode, struct ff_err *e)
{
    struct ff_xlsxw *x = ff_calloc(1, sizeof *x);
    lxw_workbook_options opt;
    char dir[512];
    const char *slash;

    if (x == NULL) {
        ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
        return NULL;
    }
    x->kind = kind;
    x->mode = mode;
    snprintf(x->path, sizeof x->path, "%s", path);
    slash = strrchr(x->path, '/');
    x->name = slash ? slash + 1 : x->path;
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == x->path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - x->path), x->path);
    x->set = ff_outset_new(dir, e);
    if (x->set == NULL) {
        ff_free(x);
        return NULL;
    }
    if (ff_outset_path(x->set, x->name, x->tmp, sizeof x->tmp)) {
        ff_err_set(e, FF_EUSAGE, path, 0, 0, "path is too long");
        ff_xlsxw_free(x);
        return NULL;
    }
    memset(&opt, 0, sizeof opt);
    opt.tmpdir = (char *)ff_outset_stage(x->set);
    x->wb = workbook_new_opt(x->tmp, &opt);
    if (x->wb == NULL) {
        ff_err_set(e, FF_ESYS, path, 0, 0, "cannot start workbook");
        ff_xlsxw_free(x);
        return NULL;
    }
    x->bold = workbook_add_format(x->wb);
    x->num0 = workbook_add_format(x->wb);
    x->num1 = workbook_add_format(x->wb);
    x->num2 = workbook_add_format(x->wb);
    if (!x->bold || !x->num0 || !x->num1 || !x->num2) {
        ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
        ff_xlsxw_free(x);
        return NULL;
    }
    format_set_bold(x->bold);
    format_set_num_format(x->num0, "#,##0");
    format_set_num_format(x->num1, "0.0");
    format_set_num_format(x->num2, "#,##0.00");
    return x;
}

int ff_xlsxw_sheet(struct ff_xlsxw *x, const char *name,
                      struct ff_err *e)
{
    x->ws = workbook_add_worksheet(x->wb, name);
    if (x->ws == NULL)
        return ff_err_set(e, FF_EINTERNAL, x->path, 0, 0,
                          "cannot add sheet '%s'", name);
    return FF_OK;
}

static void note(struct ff_xlsxw *x, lxw_error err)
{
    if (err != LXW_NO_ERROR && x->first_error == LXW_NO_ERROR)
        x->first_error = err;
}

void ff_xlsxw_width(struct ff_xlsxw *x, int first, int last,
                       double width)
{
    note(x, worksheet_set_column(x->ws, (lxw_col_t)first, (lxw_col_t)last,
                                 width, NULL));
}

void ff_xlsxw_text(struct ff_xlsxw *x, int row, int col,
                      const char *s, int bold)
{
    char *buf = NULL;

    if (s == NULL || s[0] == '\0' || x->ws == NULL)
        return;
    /* A string cell is never evaluated, but Excel turns it into a formula
     * when someone edits the cell; the apostrophe prevents that too. */
    if (x->kind == FF_XLSXW_STAFF && ff_csvw_is_formula(s, strlen(s))) {
        size_t n = strlen(s);

        buf = ff_malloc(n + 2);
        if (buf == NULL) {
            note(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
            return;
        }
        buf[0] = '\'';
        memcpy(buf + 1, s, n + 1);
        s = buf;
    }
    note(x, worksheet_write_string(x->ws, (lxw_row_t)row, (lxw_col_t)col, s,
                                   bold ? x->bold : NULL));
    ff_free(buf);
}

void ff_xlsxw_num(struct ff_xlsxw *x, int row, int col, double v,
                     int decimals)
{
    note(x, worksheet_write_number(x->ws, (lxw_row_t)row, (lxw_col_t)col, v,
                                   decimals == 0   ? x->num0
                                   : decimals == 1 ? x->num1
                                                   : x->num2));
}

int ff_xlsxw_close(struct ff_xlsxw *x, struct ff_err *e)
{
    lxw_error err;
    int rc = FF_OK;

    err = workbook_close(x->wb);
    x->wb = NULL;
    if (x->first_error != LXW_NO_ERROR)
        rc = ff_err_set(e, FF_EINTERNAL, x->path, 0, 0,
                        "cannot write workbook: %s",
                        lxw_strerror(x->first_error));
    else if (err != LXW_NO_ERROR)
        rc = ff_err_set(e, FF_ESYS, x->path, 0, 0,
                        "cannot write workbook: %s", lxw_strerror(err));
    else
        rc = ff_outset_commit(x->set, &x->name, 1, NULL, 0, x->mode, e);
    ff_outset_free(x->set);     /* with the workbook, on a failure */
    ff_free(x);
    return rc;
}

void ff_xlsxw_free(struct ff_xlsxw *x)
{
    if (x == NULL)
        return;
    /* libxlsxwriter has no "discard": close writes the file, which goes
     * with the private folder. */
    if (x->wb)
        workbook_close(x->wb);
    ff_outset_free(x->set);
    ff_free(x);
}
