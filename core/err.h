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
 * into buf; returns buf.
 */
const char *ff_err_str(const struct ff_err *e, char *buf, unsigned long size);

/* The exit code a program should use for error code `code`. */
int ff_err_exit_code(int code);

#endif
