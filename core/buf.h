/*
 * buf.h - a growable byte buffer (git's strbuf, simplified).
 *
 * Holds bytes plus a trailing NUL that is not counted in len, so b.data can
 * be passed to C string functions when the content has no NUL.  A struct the
 * caller owns: ff_buf_init() / ff_buf_release().
 */
#ifndef FF_BUF_H
#define FF_BUF_H

#include <stddef.h>

struct ff_buf {
    char *data;     /* NUL-terminated, never NULL after init */
    size_t len;     /* bytes used, excluding the NUL */
    size_t cap;     /* bytes allocated */
};

void ff_buf_init(struct ff_buf *b);
void ff_buf_release(struct ff_buf *b);
void ff_buf_reset(struct ff_buf *b);     /* len = 0, keeps memory */

/* Each returns 0, or -1 when out of memory (the buffer is then unchanged). */
int ff_buf_grow(struct ff_buf *b, size_t extra);
int ff_buf_add(struct ff_buf *b, const void *p, size_t n);
int ff_buf_addc(struct ff_buf *b, char c);
int ff_buf_adds(struct ff_buf *b, const char *s);
int ff_buf_addf(struct ff_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Give up ownership of the data (caller frees with ff_free); b is re-inited. */
char *ff_buf_detach(struct ff_buf *b, size_t *len);

#endif
