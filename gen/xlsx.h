/*
 * xlsx.h - ffgen's spreadsheets, through libxlsxwriter (the only gen/ file
 * that includes xlsxwriter.h is gen/xlsx.c; intake has its own boundary in
 * intake/xlsx.c, because gen/ and intake/ never include each other).
 *
 * Text cells only: an XLSForm is a table of strings.  The workbook is
 * written to a temporary name and renamed, so a failed write leaves no
 * half file.
 */
#ifndef GEN_XLSX_H
#define GEN_XLSX_H

#include "err.h"

struct gen_xlsx;

/* Start a workbook for path; NULL with e filled on failure.  Caller
 * finishes with gen_xlsx_close() (writes) or gen_xlsx_free() (discards). */
struct gen_xlsx *gen_xlsx_new(const char *path, struct ff_err *e);
/* Add a sheet and make it current; name <= 31 characters. */
int gen_xlsx_sheet(struct gen_xlsx *x, const char *name, struct ff_err *e);
/* A string cell (never a formula) on the current sheet, 0-based; NULL or
 * "" writes nothing.  Errors are kept and reported by gen_xlsx_close(). */
void gen_xlsx_text(struct gen_xlsx *x, int row, int col, const char *s,
                   int bold);
/* Write the file (mode 0644: a form holds no personal data); FF_OK or
 * FF_ESYS/FF_EINTERNAL with e filled.  Frees x in every case. */
int gen_xlsx_close(struct gen_xlsx *x, struct ff_err *e);
void gen_xlsx_free(struct gen_xlsx *x);

#endif
