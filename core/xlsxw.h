/*
 * xlsxw.h - writing spreadsheets, through libxlsxwriter (the only file that
 * includes xlsxwriter.h is core/xlsxw.c): ffintake's reconciliation and
 * ffgen's XLSForm.
 *
 * A small table writer: sheets, bold header cells, text and number cells.
 * Text cells are written as strings, never formulas; for staff, text that
 * a spreadsheet would run as a formula is neutralised with a leading
 * apostrophe like in our CSV files (FF_XLSXW_STAFF).  A workbook read by
 * software (an XLSForm) keeps its text exactly (FF_XLSXW_LITERAL).  The
 * workbook is made in a private folder and moved into place, so a failed
 * write leaves no half file.
 */
#ifndef FF_XLSXW_H
#define FF_XLSXW_H

#include "err.h"

struct ff_xlsxw;

enum ff_xlsxw_kind {
    FF_XLSXW_STAFF,     /* formula-like text gets an apostrophe */
    FF_XLSXW_LITERAL    /* text as given: the reader is software */
};

/* Start a workbook for path, to be moved in with file mode `mode`; NULL
 * with e filled on failure.  Caller finishes with ff_xlsxw_close()
 * (writes) or _free() (discards). */
struct ff_xlsxw *ff_xlsxw_new(const char *path, enum ff_xlsxw_kind kind,
                              int mode, struct ff_err *e);
/* Add a sheet and make it current; name <= 31 characters. */
int ff_xlsxw_sheet(struct ff_xlsxw *x, const char *name,
                      struct ff_err *e);
/* Column width in characters for columns first..last of the sheet. */
void ff_xlsxw_width(struct ff_xlsxw *x, int first, int last,
                       double width);
/* Cells on the current sheet, 0-based.  bold: header style. */
void ff_xlsxw_text(struct ff_xlsxw *x, int row, int col,
                      const char *s, int bold);
void ff_xlsxw_num(struct ff_xlsxw *x, int row, int col, double v,
                     int decimals);
/* Write the file; returns FF_OK or FF_ESYS/FF_EINTERNAL with e filled.
 * Frees x in every case. */
int ff_xlsxw_close(struct ff_xlsxw *x, struct ff_err *e);
void ff_xlsxw_free(struct ff_xlsxw *x);

#endif
