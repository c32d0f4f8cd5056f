/*
 * err.h - the one error type of ffkit.
 *
 * Every fallible function takes a `struct ff_err *` as its last argument and
 * fills it on failure.  The buffers are fixed so that reporting an
 * out-of-memory condition needs no allocation.  The first error in a call
 * chain wins: ff_err_set() does nothing when the error is already set, so a
 * caller may simply return the code it got.  Only main() prints errors.
 */
#ifndef FF_ERR_H
#define FF_ERR_H

#include <stdarg.h>
#include <stddef.h>

/* Error codes; also the basis of the programs' exit codes (see --help). */
enum {
    FF_OK = 0,
    FF_EINPUT = 1,  /* the input was rejected (bad file, bad row, bad template) */
    FF_EUSAGE = 2,  /* bad command line */
    FF_ESYS = 3,    /* system call failed (I/O, out of memory) */
    FF_EINTERNAL = 4 /* a library reported something we did not expect */
};

struct ff_err {
    int code;        /* FF_OK when nothing went wrong */
    char file[256];  /* file the error is about, "" when none */
    long row;        /* 1-based record or line number, 0 when not applicable */
    long col;        /* 1-based field or column number, 0 when not applicable */
    char msg[512];   /* lowercase, no full stop, user data quoted 'like this' */
};

/* Reset *e to "no error". */
void ff_err_clear(struct ff_err *e);

/*
 * Record an error unless one is already recorded; returns `code` so that
 * `return ff_err_set(e, FF_EINPUT, path, row, col, "bad '%s'", s);` both
 * reports and propagates.  `file` may be NULL.
 */
int ff_err_set(struct ff_err *e, int code, const char *file, long row,
               long col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

int ff_err_vset(struct ff_err *e, int code, const char *file, long row,
                long col, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

/* Like ff_err_set, appending ": strerror(errno)" to the message. */
int ff_err_sys(struct ff_err *e, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Format *e as "file:row:col: message" (parts that are empty or 0 left out)
 * into buf; returns buf.  The file name and the message are escaped as by
 * ff_err_escape, so nothing a message carries can drive the terminal; two
 * things are kept: a tab, and a newline that starts an indented
 * continuation line (four spaces, as under a template error's caret),
 * which cannot pass for a message line of its own.
 */
const char *ff_err_str(const struct ff_err *e, char *buf, unsigned long size);

/*
 * Values in messages.  A message that quotes user data (a cell, a header, a
 * line of a config file, a command-line argument) passes the value through
 * ff_err_quote() and prints the result in quotes:
 *
 *     char q[FF_ERR_QUOTE_MAX];
 *
 *     ff_err_quote(q, sizeof q, s, n);
 *     return ff_err_set(e, FF_EINPUT, path, row, col,
 *                       "unknown field '%s'", q);
 *
 * Never quote the value of a field that holds or may hold personal data
 * (names, citizen IDs, phone numbers, addresses, incomes, free text, and a
 * household-code cell that is not a well-formed 11-digit code: a 13-digit
 * value there is a citizen ID): say what is wrong with it instead
 * ("13 digits, want 11").
 */

/* Code points of a value ff_err_quote shows; longer values end in "…". */
#define FF_ERR_QUOTE_CPS 40

/* An out buffer of this many bytes always holds ff_err_quote's result. */
#define FF_ERR_QUOTE_MAX (FF_ERR_QUOTE_CPS * 6 + 8)

/*
 * Copy value[0..n) into out[0..size), NUL-terminated, safe to print on a
 * terminal: control characters (C0, DEL, C1), bidirectional overrides and
 * isolates (U+202A..U+202E, U+2066..U+2069), line and paragraph separators
 * (U+2028, U+2029) and bytes that are not UTF-8 are written as escapes
 * (\n, \t, \x1b, \u202e); after FF_ERR_QUOTE_CPS code points the value is
 * cut (never inside a character or an escape) and "…" appended.  Thai and
 * other printable text is copied as it is.  value may be NULL when n is 0.
 * Returns the length of out.  Never fails, never allocates.
 */
size_t ff_err_quote(char *out, size_t size, const char *value, size_t n);

/*
 * Like ff_err_quote without the cap (only size bounds the result): for file
 * names and other text printed whole.
 */
size_t ff_err_escape(char *out, size_t size, const char *s, size_t n);

/* The exit code a program should use for error code `code`. */
int ff_err_exit_code(int code);

#endif
