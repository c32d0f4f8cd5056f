/*
 * hooks.h - JSON bodies (hooks, pulled pages) into report records, the
 * columns and values of each in the sender's order.  The only file that
 * includes jansson.h is intake/hooks.c.
 */
#ifndef INTAKE_HOOKS_H
#define INTAKE_HOOKS_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* How keys name columns. */
enum intake_hook_shape {
    INTAKE_HOOK_FLAT = 0,   /* keys are the column headers (Apps Script) */
    INTAKE_HOOK_KOBO,       /* "group/name": the column is "name" */
    INTAKE_HOOK_ODK         /* nested OData objects, flattened */
};

/* One record: n columns; key[i], val[i] NUL-terminated, lengths given. */
struct intake_hook_rec {
    size_t n, cap;
    char **key, **val;
    size_t *key_len, *val_len;
};

struct intake_hook_doc {
    size_t n;
    struct intake_hook_rec *rec;
    char *next;             /* parse_page: the next page's URL, or NULL */
};

/*
 * Parse body[0..n): one JSON object of fields, or (many) an array of them.
 * FF_EINPUT with e->msg (and row/col of a syntax error, or row = the array
 * element) for anything else: invalid JSON, a scalar, an array where one
 * object is expected, an element that is not an object or is empty.
 * Release d with intake_hook_doc_release() in every case.
 */
int intake_hook_parse(const char *body, size_t n, int shape, int many,
                      struct intake_hook_doc *d, struct ff_err *e);

/* A page of a pull: the records are the array body[member] (Kobo
 * "results", OData "value"), d->next the string body[next_member]. */
int intake_hook_parse_page(const char *body, size_t n, int shape,
                           const char *member, const char *next_member,
                           struct intake_hook_doc *d, struct ff_err *e);

void intake_hook_doc_release(struct intake_hook_doc *d);

/* The value of column key in r, or NULL. */
const char *intake_hook_get(const struct intake_hook_rec *r,
                            const char *key);

/* Append the column k[0..kn) with value v[0..vn) to r (copies both). */
int intake_hook_rec_add(struct intake_hook_rec *r, const char *k, size_t kn,
                        const char *v, size_t vn);

/* Append s as a JSON string literal (quoted, escaped) to b. */
int intake_json_string(struct ff_buf *b, const char *s);

#endif
