/*
 * hooks.c - JSON bodies into report records: the only file that includes
 * jansson.h.
 *
 * A record here is what a CSV row is to a load: a list of (column, value)
 * pairs in the order the sender wrote them, so that a submission posted as
 * JSON and the same submission in an export are classified by the same
 * rules and stored with the same raw fields.  Three shapes are read:
 *
 *   - KoboToolbox REST Services and data API: one object of flat keys by
 *     path ("report/hhid", "meta/rootUuid"); a column is the last path
 *     segment, as in Kobo's CSV export without group names;
 *   - a Google Apps Script onFormSubmit post (/hooks/json): an object, or an
 *     array of objects, keyed by column headers;
 *   - ODK Central OData: nested objects ("report": {"hhid": ...},
 *     "__system": {...}) flattened, with the columns its CSV export names
 *     (KEY, SubmissionDate, ReviewState, meta-instanceID).
 *
 * Values become text: strings as they are, numbers as written in JSON
 * (jansson keeps integers exact; reals are printed back with 17 digits
 * only when not integral), null as empty, true/false as words, and arrays
 * or objects that are not flattened as compact JSON.
 */
#include "hooks.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "alloc.h"

static void rec_release(struct intake_hook_rec *r)
{
    size_t i;

    for (i = 0; i < r->n; i++) {
        ff_free(r->key[i]);
        ff_free(r->val[i]);
    }
    ff_free(r->key);
    ff_free(r->val);
    ff_free(r->key_len);
    ff_free(r->val_len);
    memset(r, 0, sizeof *r);
}

void intake_hook_doc_release(struct intake_hook_doc *d)
{
    size_t i;

    for (i = 0; i < d->n; i++)
        rec_release(&d->rec[i]);
    ff_free(d->rec);
    ff_free(d->next);
    memset(d, 0, sizeof *d);
}

int intake_hook_rec_add(struct intake_hook_rec *r, const char *k, size_t kn,
                        const char *v, size_t vn)
{
    if (r->n == r->cap) {
        /* Four parallel arrays: cap moves only once all four have. */
        size_t c[4] = {r->cap, r->cap, r->cap, r->cap};
        void *p;

        if ((p = ff_grow(r->key, &c[0], r->n + 1, sizeof *r->key, 16)))
            r->key = p;
        if (p && (p = ff_grow(r->val, &c[1], r->n + 1, sizeof *r->val, 16)))
            r->val = p;
        if (p && (p = ff_grow(r->key_len, &c[2], r->n + 1,
                              sizeof *r->key_len, 16)))
            r->key_len = p;
        if (p && (p = ff_grow(r->val_len, &c[3], r->n + 1,
                              sizeof *r->val_len, 16)))
            r->val_len = p;
        if (p == NULL)
            return FF_ESYS;
        r->cap = c[0];
    }
    r->key[r->n] = ff_strndup(k, kn);
    r->val[r->n] = ff_strndup(v, vn);
    if (r->key[r->n] == NULL || r->val[r->n] == NULL) {
        ff_free(r->key[r->n]);
        ff_free(r->val[r->n]);
        return FF_ESYS;
    }
    r->key_len[r->n] = kn;
    r->val_len[r->n] = vn;
    r->n++;
    return FF_OK;
}

/* The text of a scalar, or compact JSON of a container, into buf (or a
 * freshly allocated *big when longer); returns its length. */
static int value_text(json_t *v, char *buf, size_t size, char **big,
                      const char **out, size_t *n)
{
    *big = NULL;
    switch (json_typeof(v)) {
    case JSON_STRING:
        *out = json_string_value(v);
        *n = json_string_length(v);
        return FF_OK;
    case JSON_INTEGER:
        *n = (size_t)snprintf(buf, size, "%" JSON_INTEGER_FORMAT,
                              json_integer_value(v));
        break;
    case JSON_REAL: {
        double d = json_real_value(v);

        *n = (size_t)snprintf(buf, size, "%.17g", d);
        /* The shortest text that reads back as the same double. */
        for (int p = 1; p < 17; p++) {
            char t[64];
            int k = snprintf(t, sizeof t, "%.*g", p, d);

            if (strtod(t, NULL) == d) {
                memcpy(buf, t, (size_t)k + 1);
                *n = (size_t)k;
                break;
            }
        }
        break;
    }
    case JSON_TRUE:
        *n = (size_t)snprintf(buf, size, "true");
        break;
    case JSON_FALSE:
        *n = (size_t)snprintf(buf, size, "false");
        break;
    case JSON_NULL:
        buf[0] = '\0';
        *n = 0;
        break;
    default: {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

        if (s == NULL)
            return FF_ESYS;
        *big = s;
        *out = s;
        *n = strlen(s);
        return FF_OK;
    }
    }
    *out = buf;
    return FF_OK;
}

static int add_value(struct intake_hook_rec *r, const char *k, size_t kn,
                     json_t *v)
{
    char buf[64], *big;
    const char *t;
    size_t n;
    int rc;

    if ((rc = value_text(v, buf, sizeof buf, &big, &t, &n)))
        return rc;
    rc = intake_hook_rec_add(r, k, kn, t, n);
    free(big);          /* json_dumps uses the C allocator */
    return rc;
}

/* ODK Central's OData names, as its CSV export writes them. */
static const char *odk_column(const char *path)
{
    static const char *const map[][2] = {
        {"__system/submissionDate", "SubmissionDate"},
        {"__system/updatedAt", "UpdatedAt"},
        {"__system/submitterId", "SubmitterID"},
        {"__system/submitterName", "SubmitterName"},
        {"__system/reviewState", "ReviewState"},
        {"__system/deviceId", "DeviceID"},
        {"__system/edits", "Edits"},
        {"meta/instanceID", "meta-instanceID"},
    };
    size_t i;

    for (i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(path, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

static int flatten(struct intake_hook_rec *r, json_t *obj, char *path,
                   size_t plen, size_t psize, int depth)
{
    const char *k;
    json_t *v;
    int rc;

    json_object_foreach(obj, k, v) {
        size_t kn = strlen(k), at = plen;

        if (at + kn + 2 > psize)
            return FF_EINPUT;
        if (at)
            path[at++] = '/';
        memcpy(path + at, k, kn + 1);
        if (json_is_object(v) && depth < 8) {
            if ((rc = flatten(r, v, path, at + kn, psize, depth + 1)))
                return rc;
        } else {
            const char *col = odk_column(path);
            const char *seg = strrchr(path, '/');

            if (col == NULL)
                col = depth == 0 && strcmp(path, "__id") == 0
                          ? "KEY"
                          : seg ? seg + 1 : path;
            if ((rc = add_value(r, col, strlen(col), v)))
                return rc;
        }
        path[plen] = '\0';
    }
    return FF_OK;
}

static int object_record(struct intake_hook_rec *r, json_t *obj, int shape)
{
    const char *k;
    json_t *v;
    int rc;

    if (shape == INTAKE_HOOK_ODK) {
        char path[1024] = "";
        size_t i, ki = r->n, vi = r->n;

        if ((rc = flatten(r, obj, path, 0, sizeof path, 0)))
            return rc;
        /* The version, not the submission: __id stays the same across
         * edits in ODK Central, meta/instanceID changes, and the original's
         * instanceID is its __id.  So KEY = instanceID makes an edit a new
         * record that supersedes the first (same SubmissionDate, the later
         * one wins), and a refetched version a duplicate. */
        for (i = 0; i < r->n; i++) {
            if (strcmp(r->key[i], "KEY") == 0)
                ki = i;
            else if (strcmp(r->key[i], "meta-instanceID") == 0)
                vi = i;
        }
        if (ki < r->n && vi < r->n && r->val_len[vi]) {
            char *t = ff_strndup(r->val[vi], r->val_len[vi]);

            if (t == NULL)
                return FF_ESYS;
            ff_free(r->val[ki]);
            r->val[ki] = t;
            r->val_len[ki] = r->val_len[vi];
        }
        return FF_OK;
    }
    json_object_foreach(obj, k, v) {
        const char *col = k;

        if (shape == INTAKE_HOOK_KOBO) {
            const char *seg = strrchr(k, '/');

            if (seg && seg[1])
                col = seg + 1;
        }
        if ((rc = add_value(r, col, strlen(col), v)))
            return rc;
    }
    return FF_OK;
}

static int take_records(struct intake_hook_doc *d, json_t *root, int shape,
                        int many, struct ff_err *e)
{
    size_t i, n = json_is_array(root) ? json_array_size(root) : 1;

    if (json_is_array(root) && !many)
        return ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                          "expected one JSON object of fields, not an "
                          "array");
    if (!json_is_array(root) && !json_is_object(root))
        return ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                          "expected a JSON object of fields");
    if (n == 0)
        return FF_OK;
    d->rec = ff_calloc(n, sizeof *d->rec);
    if (d->rec == NULL)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    for (i = 0; i < n; i++) {
        json_t *o = json_is_array(root) ? json_array_get(root, i) : root;
        int rc;

        if (!json_is_object(o))
            return ff_err_set(e, FF_EINPUT, NULL, (long)i + 1, 0,
                              "element %zu is not an object of fields",
                              i + 1);
        if (json_object_size(o) == 0)
            return ff_err_set(e, FF_EINPUT, NULL, (long)i + 1, 0,
                              "element %zu has no fields", i + 1);
        d->n = i + 1;
        rc = object_record(&d->rec[i], o, shape);
        if (rc == FF_EINPUT)
            return ff_err_set(e, FF_EINPUT, NULL, (long)i + 1, 0,
                              "element %zu: keys nested too deeply", i + 1);
        if (rc)
            return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    }
    return FF_OK;
}

static json_t *parse(const char *body, size_t n, struct ff_err *e)
{
    json_error_t je;
    json_t *root = json_loadb(body, n, JSON_REJECT_DUPLICATES, &je);

    if (root == NULL)
        ff_err_set(e, FF_EINPUT, NULL, je.line, je.column,
                   "not valid JSON (%s)", je.text);
    return root;
}

int intake_hook_parse(const char *body, size_t n, int shape, int many,
                      struct intake_hook_doc *d, struct ff_err *e)
{
    json_t *root;
    int rc;

    memset(d, 0, sizeof *d);
    if ((root = parse(body, n, e)) == NULL)
        return e->code;
    rc = take_records(d, root, shape, many, e);
    json_decref(root);
    return rc;
}

int intake_hook_parse_page(const char *body, size_t n, int shape,
                           const char *member, const char *next_member,
                           struct intake_hook_doc *d, struct ff_err *e)
{
    json_t *root, *list, *next;
    int rc;

    memset(d, 0, sizeof *d);
    if ((root = parse(body, n, e)) == NULL)
        return e->code;
    list = json_object_get(root, member);
    if (!json_is_array(list)) {
        json_decref(root);
        return ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                          "the answer has no '%s' array", member);
    }
    rc = take_records(d, list, shape, 1, e);
    next = next_member ? json_object_get(root, next_member) : NULL;
    if (rc == FF_OK && json_is_string(next) && json_string_length(next)) {
        d->next = ff_strdup(json_string_value(next));
        if (d->next == NULL)
            rc = ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    }
    json_decref(root);
    return rc;
}

const char *intake_hook_get(const struct intake_hook_rec *r, const char *key)
{
    size_t i;

    for (i = 0; i < r->n; i++)
        if (strcmp(r->key[i], key) == 0)
            return r->val[i];
    return NULL;
}

int intake_json_string(struct ff_buf *b, const char *s)
{
    json_t *j = json_string(s ? s : "");
    char *t;
    int rc;

    if (j == NULL)
        return FF_ESYS;
    t = json_dumps(j, JSON_ENCODE_ANY);
    json_decref(j);
    if (t == NULL)
        return FF_ESYS;
    rc = ff_buf_adds(b, t) ? FF_ESYS : FF_OK;
    free(t);
    return rc;
}
