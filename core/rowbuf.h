/*
 * rowbuf.h - one spreadsheet row being assembled, for the sheet readers
 * (xlsx_read.c, xls.c).
 *
 * Cells arrive by column number, possibly with gaps (sparse rows); gaps are
 * empty fields.  On emit, trailing empty fields are dropped, an empty row is
 * skipped, and the row is padded with empty fields to the widest row seen so
 * far (Excel leaves the empty cells at the end of a row out, the register and
 * intake compare a row's width with its header's).
 */
#ifndef FF_ROWBUF_H
#define FF_ROWBUF_H

#include <stddef.h>

#include "buf.h"
#include "csv.h"
#include "err.h"

struct ff_rowbuf {
    struct ff_buf bytes;        /* fields, each NUL-terminated */
    size_t *offs, *lens;
    char **ptrs;
    size_t n, cap;              /* fields in the row, allocated */
    size_t width;               /* widest row delivered so far */
    long record;                /* rows delivered */
};

void ff_rowbuf_init(struct ff_rowbuf *rb);
void ff_rowbuf_release(struct ff_rowbuf *rb);

/*
 * Put s[0..n) at 0-based column col.  Columns must not go backwards (a cell
 * at or before the last one is an error).  Fills e (file, sheet row) and
 * returns FF_EINPUT past FF_CSV_MAX_FIELDS columns or
 * FF_CSV_MAX_RECORD_BYTES, FF_ESYS out of memory.
 */
int ff_rowbuf_put(struct ff_rowbuf *rb, size_t col, const char *s, size_t n,
                  const char *file, long row, struct ff_err *e);

/*
 * Deliver the row (sheet row `row`) to fn unless it is empty, then start a
 * new one.  Returns fn's code.
 */
int ff_rowbuf_emit(struct ff_rowbuf *rb, long row, ff_csv_record_fn fn,
                   void *ctx, const char *file, struct ff_err *e);

/*
 * A number stored in a cell as text the way Excel shows it at full
 * precision: an integer below 10^15 (a household code, a citizen ID) as its
 * digits, anything else in the shortest form that reads back to the same
 * double, at most 15 significant digits (Excel keeps no more).
 */
void ff_rowbuf_number(double v, char *out, size_t size);

#endif
