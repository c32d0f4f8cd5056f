/*
 * buf.c - growable byte buffer.  Growth doubles so that appending n bytes one
 * at a time costs O(n).  An empty buffer points at a static "" so that
 * init cannot fail; the first append allocates.
 */
#include "buf.h"

#include "alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char empty[1];

void ff_buf_init(struct ff_buf *b)
{
    b->data = empty;
    b->len = 0;
    b->cap = 0;
}

void ff_buf_release(struct ff_buf *b)
{
    if (b->cap)
        ff_free(b->data);
    ff_buf_init(b);
}

void ff_buf_reset(struct ff_buf *b)
{
    b->len = 0;
    if (b->cap)
        b->data[0] = '\0';
}

int ff_buf_grow(struct ff_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1, had = b->cap;
    char *p;

    if (need <= b->cap)
        return 0;
    p = ff_grow(had ? b->data : NULL, &b->cap, need, 1, 64);
    if (p == NULL)
        return -1;
    if (!had)
        p[0] = '\0';
    b->data = p;
    return 0;
}

int ff_buf_add(struct ff_buf *b, const void *p, size_t n)
{
    if (ff_buf_grow(b, n))
        return -1;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int ff_buf_addc(struct ff_buf *b, char c)
{
    return ff_buf_add(b, &c, 1);
}

int ff_buf_adds(struct ff_buf *b, const char *s)
{
    return ff_buf_add(b, s, strlen(s));
}

int ff_buf_addf(struct ff_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || ff_buf_grow(b, (size_t)n))
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

char *ff_buf_detach(struct ff_buf *b, size_t *len)
{
    char *p;

    if (!b->cap && ff_buf_grow(b, 0))
        return NULL;
    p = b->data;
    if (len)
        *len = b->len;
    ff_buf_init(b);
    return p;
}
