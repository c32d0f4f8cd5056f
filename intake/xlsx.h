/*
 * xlsx.h - spreadsheets for province staff, through libxlsxwriter (the only
 * file that includes xlsxwriter.h is intake/xlsx.c).
 *
 * A small table writer: sheets, bold header cells, text and number cells.
 * Text cells are written as strings, never formulas, and text that a
 * spreadsheet would run as a formula is neutralised with a leading
 * apostrophe like in our CSV files.  The workbook is written to a temporary
 * name and renamed, so a failed write leaves no half file.
 */
#ifndef INTAKE_XLSX_H
#define INTAKE_XLSX_H

#include "err.h"

struct intake_xlsx;

/* Start a workbook for path; NULL with e filled on failure.  Caller
 * finishes with intake_xlsx_close() (writes) or _free() (discards). */
struct intake_xlsx *intake_xlsx_new(const char *path, struct ff_err *e);
/* Add a sheet and make it current; name <= 31 characters. */
int intake_xlsx_sheet(struct intake_xlsx *x, const char *name,
                      struct ff_err *e);
/* Column width in characters for columns first..last of the sheet. */
void intake_xlsx_width(struct intake_xlsx *x, int first, int last,
                       double width);
/* Cells on the current sheet, 0-based.  bold: header style. */
void intake_xlsx_text(struct intake_xlsx *x, int row, int col,
                      const char *s, int bold);
void intake_xlsx_num(struct intake_xlsx *x, int row, int col, double v,
                     int decimals);
/* Write the file; returns FF_OK or FF_ESYS/FF_EINTERNAL with e filled.
 * Frees x in every case. */
int intake_xlsx_close(struct intake_xlsx *x, struct ff_err *e);
void intake_xlsx_free(struct intake_xlsx *x);

#endif
