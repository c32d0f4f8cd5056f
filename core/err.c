/*
 * err.c - filling and formatting struct ff_err.
 *
 * Nothing here allocates, so errors can be reported after an allocation
 * failure.  Messages longer than the fixed buffers are cut, never overflow.
 */
#include "err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void ff_err_clear(struct ff_err *e)
{
    e->code = FF_OK;
    e->file[0] = '\0';
    e->row = 0;
    e->col = 0;
    e->msg[0] = '\0';
}

int ff_err_vset(struct ff_err *e, int code, const char *file, long row,
                long col, const char *fmt, va_list ap)
{
    if (e == NULL || e->code != FF_OK)
        return code;
    e->code = code;
    snprintf(e->file, sizeof e->file, "%s", file ? file : "");
    e->row = row;
    e->col = col;
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    return code;
}

int ff_err_set(struct ff_err *e, int code, const char *file, long row,
               long col, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ff_err_vset(e, code, file, row, col, fmt, ap);
    va_end(ap);
    return code;
}

int ff_err_sys(struct ff_err *e, const char *file, const char *fmt, ...)
{
    int saved = errno;
    char head[384];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    return ff_err_set(e, FF_ESYS, file, 0, 0, "%s: %s", head,
                      strerror(saved));
}

const char *ff_err_str(const struct ff_err *e, char *buf, unsigned long size)
{
    char where[320] = "";

    if (e->file[0] && e->row > 0 && e->col > 0)
        snprintf(where, sizeof where, "%s:%ld:%ld: ", e->file, e->row, e->col);
    else if (e->file[0] && e->row > 0)
        snprintf(where, sizeof where, "%s:%ld: ", e->file, e->row);
    else if (e->file[0])
        snprintf(where, sizeof where, "%s: ", e->file);
    snprintf(buf, size, "%s%s", where, e->msg);
    return buf;
}

int ff_err_exit_code(int code)
{
    switch (code) {
    case FF_OK:
        return 0;
    case FF_EINPUT:
        return 1;
    case FF_EUSAGE:
        return 2;
    default:
        return 3;
    }
}
