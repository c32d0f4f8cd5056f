/*
 * xls.c - XLS through libfreexl; the only file that includes freexl.h.
 *
 * freexl_open() takes a path, so the caller's descriptor is reopened as
 * /proc/self/fd/N: the same open file, never a second lookup of the user's
 * path (which could name another file by then).  freexl reports dates with
 * a date format as "YYYY-MM-DD" / "YYYY-MM-DD HH:MM:SS" text; the space is
 * made a 'T' so XLS dates read like XLSX ones.
 */
#include "xls.h"

#include <freexl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "rowbuf.h"

struct ff_xls {
    char *name;
    const void *h;
    char *sheet;
    struct ff_rowbuf rb;
};

static const char *why(int rc)
{
    switch (rc) {
    case FREEXL_INSUFFICIENT_MEMORY:
        return "out of memory";
    case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
        return "it holds no workbook";
    case FREEXL_INVALID_CHARACTER:
    case FREEXL_UNSUPPORTED_CHARSET:
        return "its text is in a character set that cannot be converted";
    case FREEXL_CRAFTED_FILE:
        return "it is severely damaged";
    default:
        return "it is damaged or not a BIFF workbook";
    }
}

struct ff_xls *ff_xls_open(const char *name, int fd, const char *sheet,
                           struct ff_err *e)
{
    struct ff_xls *x = ff_calloc(1, sizeof *x);
    char path[64];
    unsigned int n = 0, i, pw = 0;
    int rc, chosen = -1;

    if (x == NULL || (x->name = ff_strdup(name)) == NULL) {
        ff_free(x);
        ff_err_set(e, FF_ESYS, name, 0, 0, "out of memory");
        return NULL;
    }
    ff_rowbuf_init(&x->rb);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    if ((rc = freexl_open(path, &x->h)) != FREEXL_OK) {
        x->h = NULL;
        ff_err_set(e, rc == FREEXL_INSUFFICIENT_MEMORY ? FF_ESYS : FF_EINPUT,
                   name, 0, 0, "cannot read the XLS workbook: %s", why(rc));
        goto fail;
    }
    if (freexl_get_info(x->h, FREEXL_BIFF_PASSWORD, &pw) == FREEXL_OK &&
        pw == FREEXL_BIFF_OBFUSCATED) {
        ff_err_set(e, FF_EINPUT, name, 0, 0, "the XLS workbook is protected "
                   "by a password; save it again without one");
        goto fail;
    }
    freexl_get_info(x->h, FREEXL_BIFF_SHEET_COUNT, &n);
    for (i = 0; i < n && i < 65535 && chosen < 0; i++) {
        const char *s = NULL;

        if (freexl_get_worksheet_name(x->h, (unsigned short)i, &s) ==
                FREEXL_OK && s &&
            (sheet == NULL || strcasecmp(s, sheet) == 0)) {
            chosen = (int)i;
            x->sheet = ff_strdup(s);
        }
    }
    if (chosen < 0) {
        if (sheet)
            ff_err_set(e, FF_EINPUT, name, 0, 0, "no sheet '%s' in the XLS "
                       "workbook", sheet);
        else
            ff_err_set(e, FF_EINPUT, name, 0, 0, "the workbook has no "
                       "sheet");
        goto fail;
    }
    if (x->sheet == NULL) {
        ff_err_set(e, FF_ESYS, name, 0, 0, "out of memory");
        goto fail;
    }
    if (freexl_select_active_worksheet(x->h, (unsigned short)chosen) !=
        FREEXL_OK) {
        ff_err_set(e, FF_EINPUT, name, 0, 0, "cannot read sheet '%s'",
                   x->sheet);
        goto fail;
    }
    return x;
fail:
    ff_xls_free(x);
    return NULL;
}

int ff_xls_rows(struct ff_xls *x, ff_csv_record_fn fn, void *ctx,
                struct ff_err *e)
{
    unsigned int rows = 0, r;
    unsigned short cols = 0, c;
    int rc;

    if (freexl_worksheet_dimensions(x->h, &rows, &cols) != FREEXL_OK)
        return ff_err_set(e, FF_EINPUT, x->name, 0, 0, "cannot read sheet "
                          "'%s'", x->sheet);
    for (r = 0; r < rows; r++) {
        for (c = 0; c < cols; c++) {
            FreeXL_CellValue v;
            char num[64];
            const char *s = NULL;

            if ((rc = freexl_get_cell_value(x->h, r, c, &v)) != FREEXL_OK)
                return ff_err_set(e, FF_EINPUT, x->name, (long)r + 1,
                                  (long)c + 1, "cannot read the cell: %s",
                                  why(rc));
            switch (v.type) {
            case FREEXL_CELL_INT:
                snprintf(num, sizeof num, "%d", v.value.int_value);
                s = num;
                break;
            case FREEXL_CELL_DOUBLE:
                ff_rowbuf_number(v.value.double_value, num, sizeof num);
                s = num;
                break;
            case FREEXL_CELL_TEXT:
            case FREEXL_CELL_SST_TEXT:
            case FREEXL_CELL_DATE:
            case FREEXL_CELL_TIME:
                s = v.value.text_value;
                break;
            case FREEXL_CELL_DATETIME:
                snprintf(num, sizeof num, "%s", v.value.text_value);
                if (strlen(num) > 10 && num[10] == ' ')
                    num[10] = 'T';
                s = num;
                break;
            default:
                break;
            }
            if (s && *s &&
                (rc = ff_rowbuf_put(&x->rb, c, s, strlen(s), x->name,
                                    (long)r + 1, e)))
                return rc;
        }
        if ((rc = ff_rowbuf_emit(&x->rb, (long)r + 1, fn, ctx, x->name, e)))
            return rc;
    }
    return FF_OK;
}

const char *ff_xls_sheet(const struct ff_xls *x)
{
    return x->sheet;
}

void ff_xls_free(struct ff_xls *x)
{
    if (x == NULL)
        return;
    if (x->h)
        freexl_close(x->h);
    ff_rowbuf_release(&x->rb);
    ff_free(x->sheet);
    ff_free(x->name);
    ff_free(x);
}
