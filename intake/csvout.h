/*
 * csvout.h - the CSV files ffintake writes, over core/csvw.h (quoting, BOM,
 * formula neutralisation, CRLF) and core/outfile.h (whole or not at all).
 *
 * A small stateful row writer so that report and load code can write cells
 * without tracking "first cell of the row".  Text cells that a spreadsheet
 * would run as a formula get a leading apostrophe (core/csvw.c); the ledger
 * keeps the text verbatim.
 */
#ifndef INTAKE_CSVOUT_H
#define INTAKE_CSVOUT_H

#include <stddef.h>

#include "err.h"
#include "outfile.h"

struct intake_csvout {
    struct ff_outfile f;
    int first;              /* next cell starts a row */
};

/* Create path's temporary sibling (mode 0600: rows may name people) and
 * write the UTF-8 BOM when bom is set. */
int intake_csvout_open(struct intake_csvout *o, const char *path, int bom,
                       struct ff_err *e);
/* The same with the final mode (0600, or 0640 for --group-read); also
 * sweeps the target's directory of what killed runs left there. */
int intake_csvout_open_mode(struct intake_csvout *o, const char *path,
                            int bom, int mode, struct ff_err *e);
/* A text cell (neutralised); s may be NULL for an empty cell. */
void intake_csvout_text(struct intake_csvout *o, const char *s, size_t n);
void intake_csvout_str(struct intake_csvout *o, const char *s);
/* Number cells, written as is. */
void intake_csvout_long(struct intake_csvout *o, long long v);
void intake_csvout_num(struct intake_csvout *o, double v, int decimals);
void intake_csvout_end_row(struct intake_csvout *o);
/* Check every write, fsync, rename over path; FF_ESYS with e on failure
 * (the target is then untouched). */
int intake_csvout_close(struct intake_csvout *o, struct ff_err *e);
/* Give up: remove the temporary file. */
void intake_csvout_abort(struct intake_csvout *o);

#endif
