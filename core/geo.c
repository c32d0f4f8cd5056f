/*
 * geo.c - the DOPA geography table: load, look up by name or code, suggest.
 *
 * The table is small (77 provinces, 928 districts, 7,451 subdistricts) and
 * read once per command.  Each level is kept sorted by code, so the
 * children of a place are one contiguous run found by binary search (a
 * district code starts with its province's code, a subdistrict code with
 * its district's): a lookup costs a search plus a scan of at most a few
 * dozen names, which keeps a million-row register cheap even unsorted.
 */
#include "geo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "csv.h"
#include "paths.h"
#include "utf8.h"

struct place {
    struct ff_geo_place p;
    char *key;              /* normalised name: no spaces, no prefix */
};

struct level {
    struct place *v;
    size_t n, cap;
};

struct ff_geo {
    struct level lv[3];
    char *path;
};

static const size_t code_len[3] = {2, 4, 6};

/* Longest first, so that "กิ่งอำเภอ" is not taken for "กิ่ง" + ... */
static const char *const prefixes[3][5] = {
    {"จังหวัด", "จ.", NULL},
    {"กิ่งอำเภอ", "อำเภอ", "อ.", "เขต", NULL},
    {"ตำบล", "แขวง", "ต.", NULL},
};

static int is_space_cp(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xA0 ||
           c == 0x200B || c == 0x3000;
}

/*
 * The matching key of a name: white space removed, then one level prefix
 * dropped when something is left after it.  out must hold n + 1 bytes.
 */
static size_t normalise(int level, const char *s, size_t n, char *out)
{
    size_t i = 0, o = 0, k;

    while (i < n) {
        uint32_t c;
        size_t len = ff_utf8_decode(s + i, n - i, &c);

        if (len == 0)
            len = 1, c = (unsigned char)s[i];
        if (!is_space_cp(c)) {
            memcpy(out + o, s + i, len);
            o += len;
        }
        i += len;
    }
    out[o] = '\0';
    for (k = 0; prefixes[level][k]; k++) {
        size_t pl = strlen(prefixes[level][k]);

        if (o > pl && memcmp(out, prefixes[level][k], pl) == 0) {
            memmove(out, out + pl, o - pl + 1);
            o -= pl;
            break;
        }
    }
    return o;
}

static int place_cmp(const void *a, const void *b)
{
    return strcmp(((const struct place *)a)->p.code,
                  ((const struct place *)b)->p.code);
}

struct loadctx {
    struct ff_geo *g;
    int col[6];             /* province/district/subdistrict code, name */
};

static const char *const colname[6] = {
    "province_code", "province_th", "district_code", "district_th",
    "subdistrict_code", "subdistrict_th",
};

static int add(struct ff_geo *g, int level, const char *code, size_t cn,
               const char *name, size_t nn, long line, struct ff_err *e)
{
    struct level *L = &g->lv[level];
    struct place *p;
    size_t i;

    if (cn != code_len[level] || strspn(code, "0123456789") < cn || nn == 0)
        return ff_err_set(e, FF_EINPUT, g->path, line, 0,
                          "malformed %s code or name",
                          colname[level * 2]);
    /* Rows come grouped by province and district: skip repeats cheaply;
     * any that slip through are dropped after sorting. */
    if (L->n && strcmp(L->v[L->n - 1].p.code, code) == 0)
        return FF_OK;
    p = ff_grow(L->v, &L->cap, L->n + 1, sizeof *L->v, 128);
    if (p == NULL)
        return ff_err_set(e, FF_ESYS, g->path, 0, 0, "out of memory");
    L->v = p;
    p = &L->v[L->n];
    memset(p, 0, sizeof *p);
    memcpy(p->p.code, code, cn);
    p->p.name = ff_strndup(name, nn);
    p->key = ff_malloc(nn + 1);
    if (p->p.name == NULL || p->key == NULL) {
        ff_free((char *)p->p.name);
        ff_free(p->key);
        return ff_err_set(e, FF_ESYS, g->path, 0, 0, "out of memory");
    }
    normalise(level, name, nn, p->key);
    L->n++;
    for (i = 0; i < (size_t)level; i++)
        if (strncmp(code, g->lv[i].v[g->lv[i].n - 1].p.code,
                    code_len[i]) != 0)
            return ff_err_set(e, FF_EINPUT, g->path, line, 0,
                              "%s %.*s does not start with its parent's "
                              "code", colname[level * 2], (int)cn, code);
    return FF_OK;
}

static int on_row(void *ctx, const struct ff_csv_record *r, struct ff_err *e)
{
    struct loadctx *c = ctx;
    int k, rc;

    if (r->record == 1) {
        for (k = 0; k < 6; k++) {
            size_t i;

            c->col[k] = -1;
            for (i = 0; i < r->nfields; i++)
                if (strcmp(r->fields[i], colname[k]) == 0)
                    c->col[k] = (int)i;
            if (c->col[k] < 0)
                return ff_err_set(e, FF_EINPUT, c->g->path, r->line, 0,
                                  "header has no '%s' column", colname[k]);
        }
        return FF_OK;
    }
    for (k = 0; k < 6; k++)
        if ((size_t)c->col[k] >= r->nfields)
            return ff_err_set(e, FF_EINPUT, c->g->path, r->line, 0,
                              "row has %zu fields", r->nfields);
    for (k = 0; k < 3; k++) {
        int cc = c->col[2 * k], nc = c->col[2 * k + 1];

        rc = add(c->g, k, r->fields[cc], r->lens[cc], r->fields[nc],
                 r->lens[nc], r->line, e);
        if (rc)
            return rc;
    }
    return FF_OK;
}

void ff_geo_free(struct ff_geo *g)
{
    size_t i;
    int k;

    if (g == NULL)
        return;
    for (k = 0; k < 3; k++) {
        for (i = 0; i < g->lv[k].n; i++) {
            ff_free((char *)g->lv[k].v[i].p.name);
            ff_free(g->lv[k].v[i].key);
        }
        ff_free(g->lv[k].v);
    }
    ff_free(g->path);
    ff_free(g);
}

struct ff_geo *ff_geo_load(const char *path, struct ff_err *e)
{
    struct ff_geo *g = ff_calloc(1, sizeof *g);
    struct ff_csv *csv = NULL;
    struct loadctx c;
    char def[1100];
    int k;

    if (path == NULL)
        path = ff_template_path("geo/th-admin.csv", def, sizeof def);
    if (g == NULL || (g->path = ff_strdup(path)) == NULL) {
        ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
        goto fail;
    }
    memset(&c, 0, sizeof c);
    c.g = g;
    if ((csv = ff_csv_open(path, NULL, e)) == NULL)
        goto fail;
    if (ff_csv_read(csv, on_row, &c, e) != FF_OK)
        goto fail;
    for (k = 0; k < 3; k++) {
        struct level *L = &g->lv[k];
        size_t i, o = 0;

        if (L->n == 0) {
            ff_err_set(e, FF_EINPUT, path, 0, 0, "the geography table is "
                       "empty");
            goto fail;
        }
        qsort(L->v, L->n, sizeof *L->v, place_cmp);
        for (i = 0; i < L->n; i++) {
            if (o && strcmp(L->v[o - 1].p.code, L->v[i].p.code) == 0) {
                ff_free((char *)L->v[i].p.name);
                ff_free(L->v[i].key);
                continue;
            }
            L->v[o++] = L->v[i];
        }
        L->n = o;
    }
    ff_csv_free(csv);
    return g;
fail:
    ff_csv_free(csv);
    ff_geo_free(g);
    return NULL;
}

/* First index in level whose code is >= prefix (of the parent's length). */
static size_t lower(const struct level *L, const char *prefix, size_t pl)
{
    size_t lo = 0, hi = L->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (strncmp(L->v[mid].p.code, prefix, pl) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The run [*from, *to) of places of level under parent. */
static void children(const struct ff_geo *g, int level, const char *parent,
                     size_t *from, size_t *to)
{
    const struct level *L = &g->lv[level];
    size_t pl = level == 0 || parent == NULL ? 0 : code_len[level - 1];
    size_t i = pl ? lower(L, parent, pl) : 0;

    *from = i;
    if (pl == 0 || strlen(parent) < pl) {
        *to = pl ? i : L->n;
        return;
    }
    while (i < L->n && strncmp(L->v[i].p.code, parent, pl) == 0)
        i++;
    *to = i;
}

const struct ff_geo_place *ff_geo_find_name(const struct ff_geo *g,
                                            int level,
                                            const char *parent_code,
                                            const char *s, size_t n)
{
    /* No name in the table is near this long: a longer one is simply not
     * found, and no allocation can fail and pass for "not found". */
    char key[1024];
    const struct ff_geo_place *found = NULL;
    size_t from, to, i, kn;

    if (level < 0 || level > 2 || n == 0 || n >= sizeof key)
        return NULL;
    kn = normalise(level, s, n, key);
    children(g, level, parent_code, &from, &to);
    for (i = from; i < to && !found; i++)
        if (strcmp(g->lv[level].v[i].key, key) == 0)
            found = &g->lv[level].v[i].p;
    /* Offices write the province's capital district as just "เมือง". */
    if (!found && level == FF_GEO_DISTRICT && kn == strlen("เมือง") &&
        memcmp(key, "เมือง", kn) == 0 && parent_code) {
        const struct ff_geo_place *pv =
            ff_geo_find_code(g, FF_GEO_PROVINCE, parent_code);

        for (i = from; pv && i < to && !found; i++) {
            const char *k = g->lv[level].v[i].key;

            if (strncmp(k, "เมือง", kn) == 0 &&
                strcmp(k + kn, pv->name) == 0)
                found = &g->lv[level].v[i].p;
        }
    }
    return found;
}

const struct ff_geo_place *ff_geo_find_code(const struct ff_geo *g,
                                            int level, const char *code)
{
    const struct level *L;
    size_t i;

    if (level < 0 || level > 2 || code == NULL ||
        strlen(code) != code_len[level])
        return NULL;
    L = &g->lv[level];
    i = lower(L, code, code_len[level]);
    return i < L->n && strcmp(L->v[i].p.code, code) == 0 ? &L->v[i].p
                                                          : NULL;
}

/* Code points of s[0..n) into cp (at most max); returns how many. */
static size_t to_cps(const char *s, size_t n, uint32_t *cp, size_t max)
{
    size_t i = 0, k = 0;

    while (i < n && k < max) {
        size_t len = ff_utf8_decode(s + i, n - i, &cp[k]);

        if (len == 0)
            len = 1, cp[k] = (unsigned char)s[i];
        i += len;
        k++;
    }
    return k;
}

#define CPS_MAX 64

/* Levenshtein distance over code points (names are short: cap at 64). */
static size_t distance(const uint32_t *a, size_t na, const uint32_t *b,
                       size_t nb)
{
    size_t row[CPS_MAX + 1], i, j;

    for (j = 0; j <= nb; j++)
        row[j] = j;
    for (i = 1; i <= na; i++) {
        size_t diag = row[0];

        row[0] = i;
        for (j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);

            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

const char *ff_geo_nearest(const struct ff_geo *g, int level,
                           const char *parent_code, const char *s, size_t n,
                           char *out, size_t size)
{
    uint32_t a[CPS_MAX], b[CPS_MAX];
    size_t best[3] = {0, 0, 0}, bd[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
    size_t from, to, i, na, o = 0;
    char key[4 * CPS_MAX + 1];
    int k;

    if (size)
        out[0] = '\0';
    if (level < 0 || level > 2)
        return out;
    if (n > 4 * CPS_MAX)
        n = 4 * CPS_MAX;
    na = to_cps(key, normalise(level, s, n, key), a, CPS_MAX);
    children(g, level, parent_code, &from, &to);
    for (i = from; i < to; i++) {
        const char *kk = g->lv[level].v[i].key;
        size_t nb = to_cps(kk, strlen(kk), b, CPS_MAX);
        size_t d = distance(a, na, b, nb);

        for (k = 0; k < 3; k++) {
            if (d < bd[k]) {
                memmove(&bd[k + 1], &bd[k], (size_t)(2 - k) * sizeof *bd);
                memmove(&best[k + 1], &best[k],
                        (size_t)(2 - k) * sizeof *best);
                bd[k] = d;
                best[k] = i;
                break;
            }
        }
    }
    for (k = 0; k < 3 && bd[k] != SIZE_MAX && o < size; k++) {
        const struct ff_geo_place *p = &g->lv[level].v[best[k]].p;
        int w = snprintf(out + o, size - o, "%s%s (%s)", k ? ", " : "",
                         p->name, p->code);

        if (w < 0)
            break;
        o += (size_t)w;
    }
    return out;
}
