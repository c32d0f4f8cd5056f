/*
 * register.c - read and validate the household register.
 *
 * Workload: a province list of a few hundred to tens of thousands of rows,
 * read once per command.  Strings live in an arena owned by the register;
 * a hash index on the household code finds duplicates while reading and
 * serves lookups afterwards.  Validation never stops at a bad row: each one
 * is recorded (file, line, column, reason) and skipped.  Messages never
 * quote names, citizen IDs or phone numbers: they end up in logs.
 */
#include "register.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "conf.h"
#include "csv.h"
#include "paths.h"
#include "table.h"
#include "utf8.h"

enum field {
    F_CODE, F_PROVINCE, F_DISTRICT, F_SUBDISTRICT, F_VILLAGE_NO,
    F_VILLAGE_NAME, F_HOUSE_NO, F_TITLE, F_FIRST_NAME, F_LAST_NAME,
    F_CITIZEN_ID, F_MEMBERS, F_INCOME, F_INDICATORS, F_STATUS, F_PHONE,
    F_COUNT
};

static const struct {
    const char *name;
    int required;
} fields[F_COUNT] = {
    {"code", 1}, {"province", 1}, {"district", 1}, {"subdistrict", 1},
    {"village_no", 1}, {"village_name", 0}, {"house_no", 1}, {"title", 1},
    {"first_name", 1}, {"last_name", 1}, {"citizen_id", 0}, {"members", 1},
    {"income", 1}, {"indicators", 0}, {"status", 1}, {"phone", 0},
};

#define MAX_ALIASES 12

struct colmap {
    char *alias[F_COUNT][MAX_ALIASES];
    int nalias[F_COUNT];
};

/* Arena of string blocks: households point into it. */
struct ff_register_pool {
    struct ff_register_pool *next;
    size_t used, cap;
    char data[];
};

struct ff_register_index {
    size_t cap;             /* power of two */
    uint64_t *keys;         /* code as a number + 1; 0 = empty */
    size_t *idx;
};

struct loader {
    struct ff_register *r;
    struct colmap *map;
    int col[F_COUNT];       /* CSV field index of each field, -1 absent */
    size_t header_fields;
    size_t cap;             /* households allocated */
    size_t bad_cap;
};

/* ---- column map ---- */

static void colmap_free(struct colmap *m)
{
    int f, i;

    if (m == NULL)
        return;
    for (f = 0; f < F_COUNT; f++)
        for (i = 0; i < m->nalias[f]; i++)
            ff_free(m->alias[f][i]);
    ff_free(m);
}

static int field_by_name(const char *s, size_t n)
{
    int f;

    for (f = 0; f < F_COUNT; f++)
        if (strlen(fields[f].name) == n && memcmp(fields[f].name, s, n) == 0)
            return f;
    return -1;
}

/*
 * Parse "field : alias | alias  # comment" lines.  Errors name the map
 * file, line and column.
 */
static struct colmap *colmap_load(const char *path, struct ff_err *e)
{
    struct colmap *m = ff_calloc(1, sizeof *m);
    struct ff_conf cf;
    struct ff_conf_line l;
    struct ff_buf copy;
    int more;

    ff_buf_init(&copy);
    if (m == NULL) {
        ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
        return NULL;
    }
    if (ff_conf_load(&cf, path, "column map", e)) {
        ff_conf_release(&cf);
        goto fail;
    }
    /* Each line is copied NUL-terminated; at(p) maps back into l.text. */
#define at(p) (l.text + ((p) - line))
    while ((more = ff_conf_next(&cf, &l, e)) > 0) {
        char *colon, *p, *line;
        const char *name;
        size_t n;
        int f;

        ff_buf_reset(&copy);
        if (ff_buf_add(&copy, l.text, ff_conf_strip_comment(&l)) ||
            ff_buf_addc(&copy, '\0')) {
            ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
            goto fail_conf;
        }
        line = copy.data;
        name = line;
        n = ff_utf8_trim(&name, strlen(line));
        if (n == 0)
            continue;
        colon = strchr(line, ':');
        if (colon == NULL) {
            ff_conf_err(e, &l, at(name),
                        "expected 'field : header | header'");
            goto fail_conf;
        }
        n = ff_utf8_trim(&name, (size_t)(colon - name));
        f = field_by_name(name, n);
        if (f < 0) {
            ff_conf_err(e, &l, at(name), "unknown field '%.*s'", (int)n,
                        name);
            goto fail_conf;
        }
        p = colon + 1;
        for (;;) {
            char *bar = strchr(p, '|');
            const char *a = p;
            size_t alen = ff_utf8_trim(&a, bar ? (size_t)(bar - p)
                                              : strlen(p));

            if (alen == 0) {
                ff_conf_err(e, &l, at(p), "empty header name");
                goto fail_conf;
            }
            if (m->nalias[f] == MAX_ALIASES) {
                ff_conf_err(e, &l, at(p), "more than %d names for '%s'",
                            MAX_ALIASES, fields[f].name);
                goto fail_conf;
            }
            m->alias[f][m->nalias[f]] = ff_strndup(a, alen);
            if (m->alias[f][m->nalias[f]] == NULL) {
                ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
                goto fail_conf;
            }
            m->nalias[f]++;
            if (bar == NULL)
                break;
            p = bar + 1;
        }
    }
#undef at
    if (more < 0)
        goto fail_conf;
    ff_conf_release(&cf);
    ff_buf_release(&copy);
    return m;
fail_conf:
    ff_conf_release(&cf);
fail:
    ff_buf_release(&copy);
    colmap_free(m);
    return NULL;
}

static int alias_eq(const char *a, const char *s, size_t n)
{
    size_t i;

    if (strlen(a) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)s[i]))
            return 0;
    return 1;
}

/* ---- arena and index ---- */

static const char *pool_str(struct ff_register *r, const char *s, size_t n)
{
    struct ff_register_pool *p = r->pool;

    if (p == NULL || p->cap - p->used < n + 1) {
        size_t cap = n + 1 > 65536 ? n + 1 : 65536;

        p = ff_malloc(sizeof *p + cap);
        if (p == NULL)
            return NULL;
        p->next = r->pool;
        p->used = 0;
        p->cap = cap;
        r->pool = p;
    }
    memcpy(p->data + p->used, s, n);
    p->data[p->used + n] = '\0';
    p->used += n + 1;
    return p->data + p->used - n - 1;
}

static uint64_t code_key(const char *code)
{
    uint64_t k = 0;
    int i;

    for (i = 0; i < FF_HHID_LEN; i++)
        k = k * 10 + (uint64_t)(code[i] - '0');
    return k + 1;
}

static size_t key_slot(const struct ff_register_index *x, uint64_t k)
{
    uint64_t h = k * 0x9E3779B97F4A7C15ULL;
    size_t i = (size_t)(h >> 32) & (x->cap - 1);

    while (x->keys[i] != 0 && x->keys[i] != k)
        i = (i + 1) & (x->cap - 1);
    return i;
}

static int index_grow(struct ff_register_index *x)
{
    struct ff_register_index n;
    size_t i;

    n.cap = x->cap ? x->cap * 2 : 1024;
    n.keys = ff_calloc(n.cap, sizeof *n.keys);
    n.idx = ff_calloc(n.cap, sizeof *n.idx);
    if (n.keys == NULL || n.idx == NULL) {
        ff_free(n.keys);
        ff_free(n.idx);
        return -1;
    }
    for (i = 0; i < x->cap; i++) {
        if (x->keys[i]) {
            size_t s = key_slot(&n, x->keys[i]);

            n.keys[s] = x->keys[i];
            n.idx[s] = x->idx[i];
        }
    }
    ff_free(x->keys);
    ff_free(x->idx);
    *x = n;
    return 0;
}

const struct ff_household *ff_register_find(const struct ff_register *r,
                                            const char *code)
{
    size_t s;

    if (r->index == NULL || r->index->cap == 0 ||
        !code || strlen(code) != FF_HHID_LEN)
        return NULL;
    for (s = 0; s < FF_HHID_LEN; s++)
        if (code[s] < '0' || code[s] > '9')
            return NULL;
    s = key_slot(r->index, code_key(code));
    return r->index->keys[s] ? &r->hh[r->index->idx[s]] : NULL;
}

/* ---- field validation ---- */

int ff_citizen_id_valid(const char *id, size_t n)
{
    int sum = 0, i;

    if (n != 13)
        return 0;
    for (i = 0; i < 13; i++)
        if (id[i] < '0' || id[i] > '9')
            return 0;
    for (i = 0; i < 12; i++)
        sum += (13 - i) * (id[i] - '0');
    return (11 - sum % 11) % 10 == id[12] - '0';
}

/* A number with optional thousands separators and Thai digits. */
static int parse_number(const char *s, size_t n, double *out)
{
    char buf[64], clean[64];
    size_t i, o = 0, len;
    char *end;
    double v;

    if (n == 0 || n >= sizeof buf)
        return -1;
    len = ff_utf8_thai_digits_to_ascii(s, n, buf);
    for (i = 0; i < len; i++) {
        if (buf[i] == ',')
            continue;
        if (!isdigit((unsigned char)buf[i]) && buf[i] != '.' &&
            !(i == 0 && (buf[i] == '-' || buf[i] == '+')))
            return -1;
        clean[o++] = buf[i];
    }
    clean[o] = '\0';
    if (o == 0 || strcmp(clean, ".") == 0)
        return -1;
    errno = 0;
    v = strtod(clean, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int parse_int(const char *s, size_t n, long *out)
{
    double v;

    if (parse_number(s, n, &v) || v != floor(v) || fabs(v) > 1e9)
        return -1;
    *out = (long)v;
    return 0;
}

/* ---- loading ---- */

static int add_bad(struct loader *L, const struct ff_err *bad,
                   struct ff_err *e)
{
    struct ff_register *r = L->r;

    if (r->nbad == L->bad_cap) {
        size_t cap = L->bad_cap ? L->bad_cap * 2 : 16;
        struct ff_err *b = ff_realloc(r->bad, cap * sizeof *b);

        if (b == NULL)
            return ff_err_set(e, FF_ESYS, r->path, 0, 0, "out of memory");
        r->bad = b;
        L->bad_cap = cap;
    }
    r->bad[r->nbad++] = *bad;
    return FF_OK;
}

static int map_header(struct loader *L, const struct ff_csv_record *rec,
                      struct ff_err *e)
{
    size_t i;
    int f, a;

    L->header_fields = rec->nfields;
    for (f = 0; f < F_COUNT; f++)
        L->col[f] = -1;
    for (i = 0; i < rec->nfields; i++) {
        const char *s = rec->fields[i];
        size_t n = ff_utf8_trim(&s, rec->lens[i]);

        for (f = 0; f < F_COUNT; f++)
            for (a = 0; a < L->map->nalias[f]; a++)
                if (L->col[f] < 0 && alias_eq(L->map->alias[f][a], s, n))
                    L->col[f] = (int)i;
    }
    for (f = 0; f < F_COUNT; f++)
        if (fields[f].required && L->col[f] < 0)
            return ff_err_set(e, FF_EINPUT, L->r->path, rec->line, 0,
                              "header has no '%s' column (%s); names are "
                              "set in register-columns.map",
                              L->map->nalias[f] ? L->map->alias[f][0] : "?",
                              fields[f].name);
    return FF_OK;
}

/* The trimmed text of field f in rec ("" when the column is absent). */
static const char *get(const struct loader *L,
                       const struct ff_csv_record *rec, int f, size_t *n)
{
    const char *s;

    if (L->col[f] < 0) {
        *n = 0;
        return "";
    }
    s = rec->fields[L->col[f]];
    *n = ff_utf8_trim(&s, rec->lens[L->col[f]]);
    return s;
}

#define BAD(f, ...)                                                         \
    do {                                                                    \
        ff_err_set(&bad, FF_EINPUT, r->path, rec->line,                     \
                   L->col[f] >= 0 ? L->col[f] + 1 : 0, __VA_ARGS__);        \
        goto reject;                                                        \
    } while (0)

static int on_row(void *ctx, const struct ff_csv_record *rec,
                  struct ff_err *e)
{
    struct loader *L = ctx;
    struct ff_register *r = L->r;
    struct ff_household h;
    struct ff_err bad;
    const char *s;
    char digits[64];
    size_t n, slot;
    double income;
    long v;
    int f;

    if (rec->record == 1)
        return map_header(L, rec, e);
    r->records++;
    ff_err_clear(&bad);
    memset(&h, 0, sizeof h);
    h.line = rec->line;
    if (rec->bad_utf8_field) {
        ff_err_set(&bad, FF_EINPUT, r->path, rec->line, rec->bad_utf8_field,
                   "invalid UTF-8 bytes in field %ld", rec->bad_utf8_field);
        goto reject;
    }
    if (rec->stray_quote_field) {
        ff_err_set(&bad, FF_EINPUT, r->path, rec->line,
                   rec->stray_quote_field,
                   "a quote opens this field and is never closed; the rows "
                   "after it were kept, this one is rejected (remove or "
                   "double the '\"')");
        goto reject;
    }
    if (rec->nfields != L->header_fields) {
        ff_err_set(&bad, FF_EINPUT, r->path, rec->line, 0,
                   "row has %zu fields, the header has %zu", rec->nfields,
                   L->header_fields);
        goto reject;
    }

    s = get(L, rec, F_CODE, &n);
    if (n == 0)
        BAD(F_CODE, "household code is empty");
    if (n >= sizeof digits)
        BAD(F_CODE, "household code is not 11 digits");
    n = ff_utf8_thai_digits_to_ascii(s, n, digits);
    if (!(n == FF_HHID_LEN && strspn(digits, "0123456789") == n))
        BAD(F_CODE, "household code '%s' is not 11 digits", digits);
    memcpy(h.code, digits, FF_HHID_LEN + 1);
    memcpy(h.district_code, digits, 4);
    memcpy(h.subdistrict_code, digits, 6);

    s = get(L, rec, F_STATUS, &n);
    if (n == 0) {
        h.status = FF_STATUS_NONE;
    } else if (parse_int(s, n, &v) || v < 1 || v > 4) {
        BAD(F_STATUS, "status '%.*s' is not 1-4 or empty", (int)n, s);
    } else {
        h.status = (int)v;
    }

    s = get(L, rec, F_MEMBERS, &n);
    if (parse_int(s, n, &v) || v < 1)
        BAD(F_MEMBERS, "members '%.*s' is not a positive integer", (int)n, s);
    h.members = (int)v;

    s = get(L, rec, F_INCOME, &n);
    if (parse_number(s, n, &income) || income < 0)
        BAD(F_INCOME, "income '%.*s' is not a number", (int)n, s);
    h.income = income;

    s = get(L, rec, F_VILLAGE_NO, &n);
    if (n == 0) {
        h.village_no = (h.code[6] - '0') * 10 + (h.code[7] - '0');
    } else if (parse_int(s, n, &v) || v < 0 || v > 999) {
        BAD(F_VILLAGE_NO, "village number '%.*s' is not a number", (int)n,
            s);
    } else {
        h.village_no = (int)v;
    }

    s = get(L, rec, F_CITIZEN_ID, &n);
    if (n > 0) {
        char id[64];
        size_t k;

        if (n >= sizeof id)
            BAD(F_CITIZEN_ID, "citizen ID is not 13 digits");
        k = ff_utf8_thai_digits_to_ascii(s, n, id);
        if (k != 13 || strspn(id, "0123456789") != 13)
            BAD(F_CITIZEN_ID, "citizen ID is not 13 digits");
        if (!ff_citizen_id_valid(id, k))
            BAD(F_CITIZEN_ID, "citizen ID has a wrong check digit");
    }
    for (f = 0; f < F_COUNT; f++) {
        if (fields[f].required && f != F_VILLAGE_NO) {
            get(L, rec, f, &n);
            if (n == 0 && f != F_STATUS)
                BAD(f, "%s is empty", fields[f].name);
        }
    }

    /* Duplicates: the first row with a code wins. */
    if (r->index->cap == 0 || (r->n + 1) * 2 > r->index->cap)
        if (index_grow(r->index))
            return ff_err_set(e, FF_ESYS, r->path, 0, 0, "out of memory");
    slot = key_slot(r->index, code_key(h.code));
    if (r->index->keys[slot]) {
        ff_err_set(&bad, FF_EINPUT, r->path, rec->line, L->col[F_CODE] + 1,
                   "duplicate household code '%s' (first on line %ld)",
                   h.code, r->hh[r->index->idx[slot]].line);
        goto reject;
    }

    {
        const char **dst[] = {
            &h.province, &h.district, &h.subdistrict, &h.village_name,
            &h.house_no, &h.title, &h.first_name, &h.last_name,
            &h.citizen_id, &h.indicators, &h.phone
        };
        const int src[] = {
            F_PROVINCE, F_DISTRICT, F_SUBDISTRICT, F_VILLAGE_NAME,
            F_HOUSE_NO, F_TITLE, F_FIRST_NAME, F_LAST_NAME, F_CITIZEN_ID,
            F_INDICATORS, F_PHONE
        };
        size_t i;

        for (i = 0; i < sizeof src / sizeof src[0]; i++) {
            s = get(L, rec, src[i], &n);
            if ((*dst[i] = pool_str(r, s, n)) == NULL)
                return ff_err_set(e, FF_ESYS, r->path, 0, 0,
                                  "out of memory");
        }
    }
    if (r->n == L->cap) {
        size_t cap = L->cap ? L->cap * 2 : 256;
        struct ff_household *p = ff_realloc(r->hh, cap * sizeof *p);

        if (p == NULL)
            return ff_err_set(e, FF_ESYS, r->path, 0, 0, "out of memory");
        r->hh = p;
        L->cap = cap;
    }
    r->index->keys[slot] = code_key(h.code);
    r->index->idx[slot] = r->n;
    r->hh[r->n++] = h;
    return FF_OK;
reject:
    return add_bad(L, &bad, e);
}

/* Load from an open tabular reader (file or memory); it is freed here. */
static struct ff_register *load_csv(const char *path, struct ff_table *csv,
                                    const char *map_path, struct ff_err *e)
{
    struct ff_register *r = NULL;
    struct loader L;
    char def[1024];

    memset(&L, 0, sizeof L);
    if (csv == NULL)
        return NULL;
    if (map_path == NULL)
        map_path = ff_template_path("register-columns.map", def, sizeof def);
    L.map = colmap_load(map_path, e);
    if (L.map == NULL)
        goto fail;
    r = ff_calloc(1, sizeof *r);
    if (r == NULL || (r->path = ff_strdup(path)) == NULL ||
        (r->index = ff_calloc(1, sizeof *r->index)) == NULL) {
        ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
        goto fail;
    }
    L.r = r;
    r->format = ff_table_format(csv);
    if (ff_table_read(csv, on_row, &L, e) != FF_OK)
        goto fail;
    r->encoding = ff_table_encoding(csv);
    r->delimiter = ff_table_delimiter(csv);
    if (ff_table_sheet(csv) &&
        (r->sheet = ff_strdup(ff_table_sheet(csv))) == NULL) {
        ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
        goto fail;
    }
    if (L.header_fields == 0) {
        ff_err_set(e, FF_EINPUT, path, 0, 0, "file is empty");
        goto fail;
    }
    ff_table_free(csv);
    colmap_free(L.map);
    return r;
fail:
    ff_table_free(csv);
    colmap_free(L.map);
    ff_register_free(r);
    return NULL;
}

struct ff_register *ff_register_load(const char *path, const char *map_path,
                                     struct ff_err *e)
{
    return load_csv(path, ff_table_open(path, NULL, e), map_path, e);
}

struct ff_register *ff_register_parse(const char *name, const char *data,
                                      size_t n, const char *map_path,
                                      struct ff_err *e)
{
    return load_csv(name, ff_table_open_mem(name, data, n, NULL, e), map_path,
                    e);
}

void ff_register_free(struct ff_register *r)
{
    struct ff_register_pool *p, *next;

    if (r == NULL)
        return;
    for (p = r->pool; p; p = next) {
        next = p->next;
        ff_free(p);
    }
    if (r->index) {
        ff_free(r->index->keys);
        ff_free(r->index->idx);
        ff_free(r->index);
    }
    ff_free(r->hh);
    ff_free(r->bad);
    ff_free(r->path);
    ff_free(r->sheet);
    ff_free(r);
}

const char *ff_status_label(int status)
{
    switch (status) {
    case FF_STATUS_DEVELOPABLE:
        return "พัฒนาได้";
    case FF_STATUS_WELFARE:
        return "ขอรับการสงเคราะห์";
    case FF_STATUS_SELF_RELIANT:
        return "พึ่งตนเองได้";
    case FF_STATUS_OTHER:
        return "อื่นๆ (เสียชีวิต/ย้าย)";
    default:
        return "ยังไม่จำแนก";
    }
}

int ff_house_no_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            const char *sa, *sb;
            size_t la, lb;
            int c;

            while (*a == '0' && isdigit((unsigned char)a[1]))
                a++;
            while (*b == '0' && isdigit((unsigned char)b[1]))
                b++;
            for (sa = a; isdigit((unsigned char)*a); a++)
                ;
            for (sb = b; isdigit((unsigned char)*b); b++)
                ;
            la = (size_t)(a - sa);
            lb = (size_t)(b - sb);
            if (la != lb)
                return la < lb ? -1 : 1;
            if ((c = memcmp(sa, sb, la)) != 0)
                return c < 0 ? -1 : 1;
            continue;
        }
        /* A digit run sorts before anything else ("5" < "5/1" < "ม.3"). */
        if (isdigit((unsigned char)*a) != isdigit((unsigned char)*b))
            return isdigit((unsigned char)*a) ? -1 : 1;
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++;
        b++;
    }
    return *a ? 1 : *b ? -1 : 0;
}

static int walking_cmp(const void *pa, const void *pb)
{
    const struct ff_household *a = *(const struct ff_household *const *)pa;
    const struct ff_household *b = *(const struct ff_household *const *)pb;
    int c;

    if ((c = strcmp(a->subdistrict_code, b->subdistrict_code)) != 0)
        return c;
    if (a->village_no != b->village_no)
        return a->village_no < b->village_no ? -1 : 1;
    if ((c = ff_house_no_cmp(a->house_no, b->house_no)) != 0)
        return c;
    return strcmp(a->code, b->code);
}

void ff_register_sort_walking(const struct ff_household **v, size_t n)
{
    qsort(v, n, sizeof *v, walking_cmp);
}

const char *ff_household_head(const struct ff_household *h, char *out,
                              size_t size)
{
    snprintf(out, size, "%s%s %s", h->title, h->first_name, h->last_name);
    return out;
}
