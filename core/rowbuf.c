/*
 * rowbuf.c - assembling a spreadsheet row (see rowbuf.h).
 */
#include "rowbuf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

void ff_rowbuf_init(struct ff_rowbuf *rb)
{
    memset(rb, 0, sizeof *rb);
    ff_buf_init(&rb->bytes);
}

void ff_rowbuf_release(struct ff_rowbuf *rb)
{
    ff_buf_release(&rb->bytes);
    ff_free(rb->offs);
    ff_free(rb->lens);
    ff_free(rb->ptrs);
    memset(rb, 0, sizeof *rb);
}

static int grow(struct ff_rowbuf *rb, size_t need)
{
    /* Three parallel arrays: cap moves only once all three have. */
    size_t k[3] = {rb->cap, rb->cap, rb->cap};
    void *p;

    if (need <= rb->cap)
        return FF_OK;
    if ((p = ff_grow(rb->offs, &k[0], need, sizeof *rb->offs, 32)) != NULL)
        rb->offs = p;
    if (p && (p = ff_grow(rb->lens, &k[1], need, sizeof *rb->lens, 32)))
        rb->lens = p;
    if (p && (p = ff_grow(rb->ptrs, &k[2], need, sizeof *rb->ptrs, 32)))
        rb->ptrs = p;
    if (p == NULL)
        return FF_ESYS;
    rb->cap = k[0];
    return FF_OK;
}

/* Append one field (no column logic). */
static int add(struct ff_rowbuf *rb, const char *s, size_t n)
{
    if (rb->n == rb->cap && grow(rb, rb->n + 1))
        return FF_ESYS;
    rb->offs[rb->n] = rb->bytes.len;
    rb->lens[rb->n] = n;
    if (ff_buf_add(&rb->bytes, s, n) || ff_buf_addc(&rb->bytes, '\0'))
        return FF_ESYS;
    rb->n++;
    return FF_OK;
}

int ff_rowbuf_put(struct ff_rowbuf *rb, size_t col, const char *s, size_t n,
                  const char *file, long row, struct ff_err *e)
{
    if (col >= FF_CSV_MAX_FIELDS)
        return ff_err_set(e, FF_EINPUT, file, row, 0,
                          "row has more than %d columns", FF_CSV_MAX_FIELDS);
    if (col < rb->n)
        return ff_err_set(e, FF_EINPUT, file, row, (long)col + 1,
                          "cell comes after a cell to its right; the sheet "
                          "is damaged");
    if (rb->bytes.len + n > FF_CSV_MAX_RECORD_BYTES)
        return ff_err_set(e, FF_EINPUT, file, row, (long)col + 1,
                          "row is longer than %lu MiB",
                          FF_CSV_MAX_RECORD_BYTES >> 20);
    while (rb->n < col)
        if (add(rb, "", 0))
            goto oom;
    if (add(rb, s, n))
        goto oom;
    return FF_OK;
oom:
    return ff_err_set(e, FF_ESYS, file, row, 0, "out of memory");
}

int ff_rowbuf_emit(struct ff_rowbuf *rb, long row, ff_csv_record_fn fn,
                   void *ctx, const char *file, struct ff_err *e)
{
    struct ff_csv_record r;
    size_t i, real;
    int rc = FF_OK;

    while (rb->n > 0 && rb->lens[rb->n - 1] == 0)
        rb->n--;
    if (rb->n == 0)
        goto out;
    if (rb->n > rb->width)
        rb->width = rb->n;
    real = rb->n;
    while (rb->n < rb->width)
        if (add(rb, "", 0)) {
            rc = ff_err_set(e, FF_ESYS, file, row, 0, "out of memory");
            goto out;
        }
    for (i = 0; i < rb->n; i++)
        rb->ptrs[i] = rb->bytes.data + rb->offs[i];
    memset(&r, 0, sizeof r);
    r.record = ++rb->record;
    r.line = row;
    r.nfields = rb->n;
    r.fields = rb->ptrs;
    r.lens = rb->lens;
    r.bad_utf8_field = 0;
    r.padded = rb->n - real;
    rc = fn(ctx, &r, e);
out:
    rb->n = 0;
    ff_buf_reset(&rb->bytes);
    return rc;
}

void ff_rowbuf_number(double v, char *out, size_t size)
{
    int p;

    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(out, size, "%.0f", v == 0 ? 0.0 : v);
        return;
    }
    for (p = 1; p <= 15; p++) {
        snprintf(out, size, "%.*g", p, v);
        if (strtod(out, NULL) == v)
            return;
    }
    snprintf(out, size, "%.15g", v);
}
