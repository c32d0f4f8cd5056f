/*
 * csvout.h - the CSV files ffintake writes: RFC 4180 quoting, optional
 * UTF-8 BOM (Excel needs it to read Thai), formula neutralisation, and an
 * atomic finish (temporary file + rename) so that a reader never sees half
 * a file.
 *
 * Neutralisation (OWASP "CSV injection"): a text cell that begins with
 * '=', '+', '-', '@', TAB or CR would be run as a formula by a spreadsheet,
 * so it is written with a leading apostrophe.  The ledger keeps the text
 * verbatim; only what we write for spreadsheets is changed.
 */
#ifndef INTAKE_CSVOUT_H
#define INTAKE_CSVOUT_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

struct intake_csvout {
    FILE *fp;
    char path[512];
    char tmp[560];
    int nfields;            /* fields written on the current row */
    int failed;
};

/* 1 when a spreadsheet would treat text s[0..n) as a formula. */
int intake_cell_is_formula(const char *s, size_t n);

/* Create path's temporary sibling and write the BOM when bom is set. */
int intake_csvout_open(struct intake_csvout *o, const char *path, int bom,
                       struct ff_err *e);
/* A text cell (neutralised); s may be NULL for an empty cell. */
void intake_csvout_text(struct intake_csvout *o, const char *s, size_t n);
void intake_csvout_str(struct intake_csvout *o, const char *s);
/* A number cell, written as is. */
void intake_csvout_long(struct intake_csvout *o, long long v);
void intake_csvout_num(struct intake_csvout *o, double v, int decimals);
void intake_csvout_end_row(struct intake_csvout *o);
/*
 * Flush, fsync, close and rename over path.  On any write error returns
 * FF_ESYS (e names path) and removes the temporary file; path is untouched.
 */
int intake_csvout_close(struct intake_csvout *o, struct ff_err *e);
/* Give up: close and remove the temporary file. */
void intake_csvout_abort(struct intake_csvout *o);

#endif
