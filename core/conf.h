/*
 * conf.h - the one reader of ffkit's configuration lines: the column map
 * (register-columns.map), the payload config (qr.conf) and the dialect map
 * (intake-dialects.map) read their lines, comments, "key = value" pairs
 * and report their errors through it.
 *
 * A file is read whole (configuration is small; at most FF_CONF_MAX_BYTES),
 * a UTF-8 byte-order mark is dropped, lines end at LF (a CR before it is
 * not part of the line), any length.  Columns are counted in code points
 * from 1, so a Thai line reports the column a person counts; an error shows
 * the line and a caret under that column (padded by display width, so it
 * lands under the character in a terminal whatever the Thai marks before
 * it).
 */
#ifndef FF_CONF_H
#define FF_CONF_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

#define FF_CONF_MAX_BYTES (4UL * 1024 * 1024)

struct ff_conf {
    const char *name;           /* for messages; borrowed */
    const char *data;
    size_t len, pos;
    long no;                    /* lines read */
    struct ff_buf owned;        /* the file's bytes when loaded */
};

struct ff_conf_line {
    const char *name;           /* the file, for messages */
    long no;                    /* 1-based */
    const char *text;           /* the line without its line end */
    size_t len;                 /* bytes */
};

/*
 * Read the file at path (what: "column map", ... for messages).  FF_OK or
 * FF_ESYS with e filled; a file over FF_CONF_MAX_BYTES is FF_EINPUT.
 * Release with ff_conf_release().
 */
int ff_conf_load(struct ff_conf *c, const char *path, const char *what,
                 struct ff_err *e);

/* Read lines from memory instead (borrowed; name for messages). */
void ff_conf_init_mem(struct ff_conf *c, const char *name, const char *data,
                      size_t n);

void ff_conf_release(struct ff_conf *c);

/*
 * The next line into *l: returns 1, or 0 at the end of the input, or -1
 * with e filled (FF_EINPUT at file:line:column) when the line is not valid
 * UTF-8 or holds a NUL byte.
 */
int ff_conf_next(struct ff_conf *c, struct ff_conf_line *l, struct ff_err *e);

/* 1 when the line is blank or its first non-blank character is '#'. */
int ff_conf_is_comment(const struct ff_conf_line *l);

/*
 * Length of the line before a comment that starts with '#' at the line
 * start or after a blank (so "a#b" keeps its '#').
 */
size_t ff_conf_strip_comment(const struct ff_conf_line *l);

/* 1-based column, in code points, of the byte at in the line. */
long ff_conf_col(const struct ff_conf_line *l, const char *at);

/*
 * Report FF_EINPUT at file:line:column of `at` (NULL: no column) with the
 * message, then the line and a caret under the column.  Returns FF_EINPUT.
 */
int ff_conf_err(struct ff_err *e, const struct ff_conf_line *l,
                const char *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
