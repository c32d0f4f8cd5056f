/*
 * table.h - one tabular reader: the same rows from CSV, UTF-16 text, XLSX,
 * XLS and zips of CSV, the format detected from the bytes.
 *
 * The register and intake read their input through this module and see
 * struct ff_csv_record rows whatever the file is: fields as NUL-terminated
 * UTF-8 with lengths, the record number (1 = the first row delivered) and
 * the physical line (text) or sheet row (spreadsheets).  Detection never
 * looks at the file name:
 *
 *   "PK\3\4"        zip: XLSX when it holds xl/workbook.xml, else a zip of
 *                   CSV (ODK Central's submissions.csv.zip: the root table,
 *                   not a repeat group's table; Google Forms' download)
 *   D0 CF 11 E0     XLS (BIFF8, through libfreexl)
 *   FF FE / FE FF   UTF-16 text from Excel ("Unicode text": tabs, BOM)
 *   anything else   CSV: UTF-8 or Windows-874, decided by core/csv.c
 *
 * Each input is read once.  "-" is standard input; a pipe works.  Text is
 * streamed; the zip formats need random access, so their bytes are spooled
 * (while being read, once) to an unlinked 0600 temporary file of at most
 * FF_TABLE_SPOOL_MAX bytes.  The tap in the options sees every raw byte of
 * the input in order, exactly once, whatever the format.
 *
 * Spreadsheet cells arrive as text: numbers stored as numbers come back as
 * their digits (24010879092, never 2.4010879092E10), dates stored as serial
 * numbers with a date style as ISO text (2025-01-05, or 2025-01-05T09:13:07
 * when the cell holds a time of day).  Missing cells are empty fields;
 * empty rows are skipped; trailing empty cells are dropped and every row is
 * padded with empty fields to the widest row seen so far, so a row is only
 * shorter than its header when it really is.
 */
#ifndef FF_TABLE_H
#define FF_TABLE_H

#include <stddef.h>

#include "csv.h"
#include "err.h"

#define FF_TABLE_SPOOL_MAX (1024UL * 1024 * 1024)

struct ff_table_opts {
    const char *sheet;      /* spreadsheet sheet by name; NULL: the first */
    char delim;             /* text: 0 detects from the header line */
    int encoding;           /* text: FF_CSV_ENC_DETECT or forced */
    /* Called with every raw input byte, in order (see above). */
    void (*tap)(void *tap_ctx, const unsigned char *buf, size_t n);
    void *tap_ctx;
    /* Input larger than this is refused (FF_EINPUT) as soon as it is read,
     * whatever the format, so that an endless stream ends (0: no limit). */
    unsigned long long max_bytes;
};

struct ff_table;

/*
 * Open path ("-": standard input) and detect its format.  opts may be NULL
 * and is copied.  Returns NULL with e filled (FF_ESYS cannot open/read,
 * FF_EINPUT not a table ffkit reads, e.g. a zip with no CSV, a named sheet
 * that does not exist).  Caller frees with ff_table_free().
 */
struct ff_table *ff_table_open(const char *path,
                               const struct ff_table_opts *opts,
                               struct ff_err *e);

/*
 * The same from an open descriptor (a pipe, standard input, a file opened
 * once so that nothing can replace it between reads); name is used in
 * messages.  fd is borrowed: the caller closes it after ff_table_free().
 */
struct ff_table *ff_table_open_fd(const char *name, int fd,
                                  const struct ff_table_opts *opts,
                                  struct ff_err *e);

/* The same from memory (tests, fuzzing); data is borrowed. */
struct ff_table *ff_table_open_mem(const char *name, const char *data,
                                   size_t n, const struct ff_table_opts *opts,
                                   struct ff_err *e);

/*
 * Deliver every row to fn (see ff_csv_record_fn in csv.h).  Returns FF_OK at
 * the end, fn's code if it stopped, or FF_EINPUT/FF_ESYS with e filled at
 * file:line (or sheet row).
 */
int ff_table_read(struct ff_table *t, ff_csv_record_fn fn, void *ctx,
                  struct ff_err *e);

/* What was read, as static strings: "CSV", "UTF-16 text", "XLSX", "XLS",
 * "zip of CSV". */
const char *ff_table_format(const struct ff_table *t);
/* Text encoding ("UTF-8", "UTF-8 with BOM", "Windows-874", "UTF-16LE",
 * "UTF-16BE"; "UTF-8" for XLSX).  Final once ff_table_read() returned;
 * a static string. */
const char *ff_table_encoding(const struct ff_table *t);
/* Sheet read (XLSX/XLS) or zip member read; NULL for plain text.  Valid
 * until ff_table_free(). */
const char *ff_table_sheet(const struct ff_table *t);
/* Field delimiter of text formats; 0 for spreadsheets. */
char ff_table_delimiter(const struct ff_table *t);

void ff_table_free(struct ff_table *t);

#endif
