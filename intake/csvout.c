/*
 * csvout.c - CSV writing with quoting, BOM, formula neutralisation and an
 * atomic rename.  Fields are quoted only when they need it (delimiter,
 * quote, line break, or surrounding space), like Google Sheets writes them.
 */
#include "csvout.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int intake_cell_is_formula(const char *s, size_t n)
{
    return n > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' ||
                     s[0] == '@' || s[0] == '\t' || s[0] == '\r');
}

int intake_csvout_open(struct intake_csvout *o, const char *path, int bom,
                       struct ff_err *e)
{
    memset(o, 0, sizeof *o);
    snprintf(o->path, sizeof o->path, "%s", path);
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld", path, (long)getpid());
    o->fp = fopen(o->tmp, "wb");
    if (o->fp == NULL)
        return ff_err_sys(e, path, "cannot create");
    if (bom)
        fputs("\xEF\xBB\xBF", o->fp);
    return FF_OK;
}

static void sep(struct intake_csvout *o)
{
    if (o->nfields++ > 0)
        putc(',', o->fp);
}

void intake_csvout_text(struct intake_csvout *o, const char *s, size_t n)
{
    int quote, neut;
    size_t i;

    sep(o);
    if (s == NULL || n == 0)
        return;
    neut = intake_cell_is_formula(s, n);
    quote = s[0] == ' ' || s[n - 1] == ' ' ||
            memchr(s, ',', n) || memchr(s, '"', n) || memchr(s, '\n', n) ||
            memchr(s, '\r', n);
    if (quote)
        putc('"', o->fp);
    if (neut)
        putc('\'', o->fp);
    for (i = 0; i < n; i++) {
        if (s[i] == '"')
            putc('"', o->fp);
        putc(s[i], o->fp);
    }
    if (quote)
        putc('"', o->fp);
}

void intake_csvout_str(struct intake_csvout *o, const char *s)
{
    intake_csvout_text(o, s, s ? strlen(s) : 0);
}

void intake_csvout_long(struct intake_csvout *o, long long v)
{
    sep(o);
    fprintf(o->fp, "%lld", v);
}

void intake_csvout_num(struct intake_csvout *o, double v, int decimals)
{
    sep(o);
    fprintf(o->fp, "%.*f", decimals, v);
}

void intake_csvout_end_row(struct intake_csvout *o)
{
    putc('\n', o->fp);
    o->nfields = 0;
}

int intake_csvout_close(struct intake_csvout *o, struct ff_err *e)
{
    int bad;

    if (o->fp == NULL)
        return FF_OK;
    bad = fflush(o->fp) != 0 || ferror(o->fp) || fsync(fileno(o->fp)) != 0;
    if (fclose(o->fp) != 0)
        bad = 1;
    o->fp = NULL;
    if (bad) {
        int rc = ff_err_sys(e, o->path, "cannot write");

        unlink(o->tmp);
        return rc;
    }
    if (rename(o->tmp, o->path) != 0) {
        int rc = ff_err_sys(e, o->path, "cannot rename into place");

        unlink(o->tmp);
        return rc;
    }
    return FF_OK;
}

void intake_csvout_abort(struct intake_csvout *o)
{
    if (o->fp) {
        fclose(o->fp);
        o->fp = NULL;
        unlink(o->tmp);
    }
}
