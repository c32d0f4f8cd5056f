/*
 * csvout.c - a row writer over core/csvw.c and core/outfile.c.
 */
#include "csvout.h"

#include <stdio.h>
#include <string.h>

#include "csvw.h"

int intake_csvout_open(struct intake_csvout *o, const char *path, int bom,
                       struct ff_err *e)
{
    return intake_csvout_open_mode(o, path, bom, 0600, e);
}

int intake_csvout_open_mode(struct intake_csvout *o, const char *path,
                            int bom, int mode, struct ff_err *e)
{
    char dir[1024];
    const char *slash = strrchr(path, '/');
    int rc;

    /* What a killed export or load left beside the target goes first. */
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s",
                 slash == path ? 1 : (int)(slash - path), path);
    ff_outfile_sweep(dir);
    rc = ff_outfile_open(&o->f, path, mode, e);

    o->first = 1;
    if (rc == FF_OK && bom)
        ff_csvw_bom(o->f.fp);
    return rc;
}

void intake_csvout_text(struct intake_csvout *o, const char *s, size_t n)
{
    ff_csvw_cell(o->f.fp, o->first, s ? s : "", s ? n : 0);
    o->first = 0;
}

void intake_csvout_str(struct intake_csvout *o, const char *s)
{
    intake_csvout_text(o, s, s ? strlen(s) : 0);
}

void intake_csvout_long(struct intake_csvout *o, long long v)
{
    ff_csvw_int(o->f.fp, o->first, (long)v);
    o->first = 0;
}

void intake_csvout_num(struct intake_csvout *o, double v, int decimals)
{
    ff_csvw_fixed(o->f.fp, o->first, v, decimals);
    o->first = 0;
}

void intake_csvout_end_row(struct intake_csvout *o)
{
    ff_csvw_end(o->f.fp);
    o->first = 1;
}

int intake_csvout_close(struct intake_csvout *o, struct ff_err *e)
{
    return ff_outfile_commit(&o->f, e);
}

void intake_csvout_abort(struct intake_csvout *o)
{
    ff_outfile_abort(&o->f);
}
