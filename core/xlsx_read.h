/*
 * xlsx_read.h - streaming XLSX (SpreadsheetML) reader, over core/zip.c and
 * expat.  Not to be confused with core/xlsxw.c, the libxlsxwriter writer.
 *
 * One sheet is parsed as a stream of XML events, so memory holds one row
 * whatever the sheet's size.  Shared strings, which cells refer to by
 * number, are spooled to an anonymous file and looked up there, so a
 * million unique names do not live in memory either.  Rows are delivered as
 * struct ff_csv_record (see table.h for how cells become text).
 */
#ifndef FF_XLSX_READ_H
#define FF_XLSX_READ_H

#include "csv.h"
#include "err.h"
#include "zip.h"

struct ff_xlsx_read;

/* 1 when the archive is an XLSX package (it holds xl/workbook.xml). */
int ff_xlsx_read_is_xlsx(const struct ff_zip *z);

/*
 * Prepare to read sheet `sheet` (NULL: the first in the workbook) of z
 * (borrowed; must outlive the reader).  name is the file, for messages.
 * Reads the workbook, styles and shared strings.  NULL with e filled
 * (FF_EINPUT: no such sheet, naming the sheets there are; broken package).
 * Caller frees with ff_xlsx_read_free().
 */
struct ff_xlsx_read *ff_xlsx_read_open(const char *name, struct ff_zip *z,
                                       const char *sheet, struct ff_err *e);

/* Deliver the sheet's rows; as ff_table_read(). */
int ff_xlsx_read_rows(struct ff_xlsx_read *x, ff_csv_record_fn fn, void *ctx,
                      struct ff_err *e);

/* The name of the sheet being read. */
const char *ff_xlsx_read_sheet(const struct ff_xlsx_read *x);

void ff_xlsx_read_free(struct ff_xlsx_read *x);

#endif
