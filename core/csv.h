/*
 * csv.h - streaming CSV reader over libcsv, with encoding and delimiter
 * detection.
 *
 * The reader pushes one record at a time to a callback and keeps only the
 * current record in memory, so memory does not grow with the file.  It
 * detects the encoding while streaming: a UTF-8 BOM, plain UTF-8, or
 * Windows-874/TIS-620 (what Excel writes on a Thai PC), which is converted to
 * UTF-8 with iconv before parsing.  ASCII reads the same in all of them, so
 * the decision is made at the first non-ASCII byte, wherever in the file it
 * is, from a window of text starting there.  Latin-1 or other single-byte
 * text that is not Thai, and UTF-8 Thai that was opened as Windows-874 and
 * saved again as UTF-8 ("เธญเธ..."), are refused with a message saying what
 * the file appears to be.  A mostly-UTF-8 file with a few damaged bytes
 * stays UTF-8 and the damaged records are flagged (bad_utf8_field).
 * Bounds: a record holds at most FF_CSV_MAX_FIELDS fields and
 * FF_CSV_MAX_RECORD_BYTES bytes.  A quote that opens a field and is not
 * closed before a line that looks like a record of its own (as many
 * delimiters as the header), or before the end of the input, is taken as a
 * literal character and the lines after it are read again: that record is
 * flagged (stray_quote_field), no other is lost.
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

#define FF_CSV_MAX_FIELDS 16384               /* Excel's column limit */
#define FF_CSV_MAX_RECORD_BYTES (64UL * 1024 * 1024)

struct ff_csv_opts {
    char delim;             /* 0: detect from the header line */
    int encoding;           /* FF_CSV_ENC_DETECT or a forced encoding */
    /*
     * Raw-byte tap: when set, called with every byte read from the input,
     * in order, before any conversion (a caller hashes exactly what the
     * parser consumed), exactly once, a BOM included.
     */
    void (*tap)(void *tap_ctx, const unsigned char *buf, size_t n);
    void *tap_ctx;
    /* Input larger than this is refused (FF_EINPUT) as soon as it is
     * read, so that an endless stream ends (0: no limit). */
    unsigned long long max_bytes;
};

/*
 * A byte source: fill buf[0..cap) and set *got (0 at the end of input).
 * Returns FF_OK or an error code with e filled.
 */
struct ff_csv_src {
    int (*read)(void *ctx, char *buf, size_t cap, size_t *got,
                struct ff_err *e);
    void *ctx;
};

struct ff_csv_record {
    long record;            /* 1-based record number; the header is 1 */
    long line;              /* 1-based physical line the record starts on */
    size_t nfields;
    char **fields;          /* NUL-terminated UTF-8 (unless bad_utf8_field) */
    size_t *lens;           /* field lengths in bytes */
    long bad_utf8_field;    /* 1-based field holding invalid UTF-8, or 0 */
    /*
     * 1-based field whose opening quote was never closed, or 0.  The reader
     * took that quote as a literal character and read the lines after it
     * again as records of their own; the caller should reject this record
     * (a stray quote costs at most its own record, issue 11 item 5).
     */
    long stray_quote_field;
    /*
     * Empty fields a spreadsheet reader added at the end of the row to
     * bring it to the width of the widest row so far (Excel leaves the
     * empty cells at the end of a row out); 0 for text.  A caller that
     * compares the row with a narrower header may drop these.
     */
    size_t padded;
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
 * Read from memory instead of a file (tests, fuzzing).  `name` is used in
 * messages; data is borrowed and must outlive the reader.
 */
struct ff_csv *ff_csv_open_mem(const char *name, const char *data, size_t n,
                               const struct ff_csv_opts *opts,
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
 * Read every record, calling fn for each.  Returns FF_OK at the end of the
 * input, the callback's code if it stopped, or FF_ESYS/FF_EINPUT (e filled:
 * the file, and the line where reading failed) on I/O or parse failure.
 */
int ff_csv_read(struct ff_csv *c, ff_csv_record_fn fn, void *ctx,
                struct ff_err *e);

/*
 * Read from a byte source (the tabular reader: stdin, UTF-16 converted to
 * UTF-8, a CSV inside a zip).  src is copied; its ctx is borrowed and must
 * outlive the reader.  opts->tap, if set, is called on what src returns;
 * opts->max_bytes bounds it.
 */
struct ff_csv *ff_csv_open_src(const char *name, const struct ff_csv_src *src,
                               const struct ff_csv_opts *opts,
                               struct ff_err *e);

/*
 * What detection found ("UTF-8", "UTF-8 with BOM", "Windows-874"; a static
 * string).  A file that is all ASCII is "UTF-8".  Final once ff_csv_read()
 * has returned.
 */
const char *ff_csv_encoding_name(const struct ff_csv *c);
char ff_csv_delimiter(const struct ff_csv *c);

void ff_csv_free(struct ff_csv *c);

#endif
