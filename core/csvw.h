/*
 * csvw.h - writing CSV for Excel users: UTF-8 with BOM (so Excel shows
 * Thai), CRLF, RFC 4180 quoting, and formula neutralisation: a cell that
 * a spreadsheet would run as a formula (starting with = + - @, TAB or CR)
 * is prefixed with a single quote character and quoted, as OWASP advises
 * against CSV injection; the ledger keeps the text verbatim.  Numbers written with
 * ff_csvw_fixed/ff_csvw_int are not text and are never guarded.
 */
#ifndef FF_CSVW_H
#define FF_CSVW_H

#include <stddef.h>
#include <stdio.h>

/* 1 when a spreadsheet would treat s[0..n) as a formula. */
int ff_csvw_is_formula(const char *s, size_t n);

/* Write the BOM (call once, first). */
void ff_csvw_bom(FILE *fp);
/* One text cell; first = 1 for the first cell of a row (no comma). */
void ff_csvw_cell(FILE *fp, int first, const char *s, size_t n);
void ff_csvw_str(FILE *fp, int first, const char *s);
/* A number cell with a fixed number of decimals. */
void ff_csvw_fixed(FILE *fp, int first, double v, int decimals);
void ff_csvw_int(FILE *fp, int first, long v);
/* End the row (CRLF). */
void ff_csvw_end(FILE *fp);

#endif
