/*
 * csv.h - streaming CSV reader over libcsv, with encoding and delimiter
 * detection.
 *
 * The reader pushes one record at a time to a callback and keeps only the
 * current record in memory, so memory does not grow with the file.  It
 * detects the encoding from the first 64 KiB: a UTF-8 BOM, plain UTF-8, or
 * Windows-874/TIS-620 (what Excel writes on a Thai PC), which is converted to
 * UTF-8 with iconv before parsing.  A mostly-UTF-8 file with a few damaged
 * bytes stays UTF-8 and the damaged records are flagged (bad_utf8_field).
 * The delimiter (',', ';' or tab) is taken from the header line unless given.
 * CRLF and LF line ends, quoted fields with embedded delimiters, doubled
 * quotes and line breaks (RFC 4180) are handled by libcsv.
 */
#ifndef FF_CSV_H
#define FF_CSV_H

#include <stddef.h>

#include "err.h"

enum ff_csv_encoding {
    FF_CSV_ENC_DETECT = 0,
    FF_CSV_ENC_UTF8,        /* UTF-8 without BOM */
    FF_CSV_ENC_UTF8_BOM,    /* UTF-8 with BOM (the BOM is dropped) */
    FF_CSV_ENC_CP874        /* Windows-874 / TIS-620, converted to UTF-8 */
};

struct ff_csv_opts {
    char delim;             /* 0: detect from the header line */
    int encoding;           /* FF_CSV_ENC_DETECT or a forced encoding */
    /* Called with every raw input byte, in order, exactly once, before
     * any decoding (a BOM included), so that a caller can hash exactly
     * the bytes that were parsed (NULL: none). */
    void (*tap)(void *tap_ctx, const unsigned char *buf, size_t n);
    void *tap_ctx;
    /* Input larger than this is refused (FF_EINPUT) as soon as it is
     * read, so that an endless stream ends (0: no limit). */
    unsigned long long max_bytes;
};

struct ff_csv_record {
    long record;            /* 1-based record number; the header is 1 */
    long line;              /* 1-based physical line the record starts on */
    size_t nfields;
    char **fields;          /* NUL-terminated UTF-8 (unless bad_utf8_field) */
    size_t *lens;           /* field lengths in bytes */
    long bad_utf8_field;    /* 1-based field holding invalid UTF-8, or 0 */
};

/*
 * Called once per record, the header included.  The record and its fields
 * are valid only during the call.  Return FF_OK to go on; any other value
 * stops the reader, which then returns that value (fill e if you like).
 */
typedef int (*ff_csv_record_fn)(void *ctx, const struct ff_csv_record *r,
                                struct ff_err *e);

struct ff_csv;

/*
 * Open path for reading ("-" is not special).  opts may be NULL.  Returns
 * NULL and fills e (FF_ESYS, the path) when the file cannot be opened or
 * read.  Caller frees with ff_csv_free().
 */
struct ff_csv *ff_csv_open(const char *path, const struct ff_csv_opts *opts,
                           struct ff_err *e);

/*
 * Read from an open descriptor (a pipe, standard input, a file opened
 * once so that nothing can replace it between reads); name is used in
 * messages.  fd is borrowed: the caller closes it after ff_csv_free().
 */
struct ff_csv *ff_csv_open_fd(const char *name, int fd,
                              const struct ff_csv_opts *opts,
                              struct ff_err *e);

/*
 * Read from memory instead of a file (tests, fuzzing).  `name` is used in
 * messages; data is borrowed and must outlive the reader.
 */
struct ff_csv *ff_csv_open_mem(const char *name, const char *data, size_t n,
                               const struct ff_csv_opts *opts,
                               struct ff_err *e);

/*
 * Read every record, calling fn for each.  Returns FF_OK at the end of the
 * input, the callback's code if it stopped, or FF_ESYS/FF_EINPUT (e filled:
 * the file, and the line where reading failed) on I/O or parse failure.
 */
int ff_csv_read(struct ff_csv *c, ff_csv_record_fn fn, void *ctx,
                struct ff_err *e);

/* What detection found ("UTF-8", "UTF-8 with BOM", "Windows-874"). */
const char *ff_csv_encoding_name(const struct ff_csv *c);
char ff_csv_delimiter(const struct ff_csv *c);

void ff_csv_free(struct ff_csv *c);

#endif
