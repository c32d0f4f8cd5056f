/*
 * xls.h - XLS (BIFF, Excel 97-2003) sheets over libfreexl.
 *
 * libfreexl parses the whole workbook when it opens it; an XLS sheet has at
 * most 65,536 rows, so that memory is bounded by the format.  Cells come
 * back as text like XLSX cells (see table.h): numbers as their digits,
 * dates as ISO text.
 */
#ifndef FF_XLS_H
#define FF_XLS_H

#include "csv.h"
#include "err.h"

struct ff_xls;

/*
 * Open the workbook in the seekable file fd (borrowed) and choose sheet
 * (NULL: the first).  name is used in messages.  NULL with e filled.
 * Caller frees with ff_xls_free().
 */
struct ff_xls *ff_xls_open(const char *name, int fd, const char *sheet,
                           struct ff_err *e);
int ff_xls_rows(struct ff_xls *x, ff_csv_record_fn fn, void *ctx,
                struct ff_err *e);
const char *ff_xls_sheet(const struct ff_xls *x);
void ff_xls_free(struct ff_xls *x);

#endif
