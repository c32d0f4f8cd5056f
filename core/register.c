/*
 * register.c - read and validate the household register.
 *
 * Workload: a province list of a few hundred to tens of thousands of rows,
 * read once per command (ffgen), or a national one of a million rows read
 * as a stream (ffintake register, ff_register_each).  Strings live in an
 * arena owned by the register; a hash index on the household code finds
 * duplicates while reading and serves lookups afterwards.  Validation never
 * stops at a bad row: each one is recorded (file, line, column, reason) and
 * skipped.  Messages never quote names, citizen IDs or phone numbers: they
 * end up in logs.
 *
 * Both ways run the same on_row(): a stream only differs in what it keeps.
 * It hands each household to its callback and rewinds the arena, place
 * names point into the geography table (alive for the whole read), and the
 * index keeps the code's line instead of its place in hh.  A slot is one
 * 64-bit word (code and line or place), at most 75 % full: 1,000,000
 * households keep 16 MB (24 MB while the index doubles) however long their
 * rows are.
 */
#include "register.h"

#include <ctype.h>
#include <dirent.h>
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
#include "geo.h"
#include "housecode.h"
#include "paths.h"
#include "table.h"
#include "utf8.h"

enum field {
    F_CODE, F_PROVINCE, F_DISTRICT, F_SUBDISTRICT, F_VILLAGE_NO,
    F_VILLAGE_NAME, F_HOUSE_NO, F_TITLE, F_FIRST_NAME, F_LAST_NAME,
    F_CITIZEN_ID, F_MEMBERS, F_INCOME, F_INDICATORS, F_STATUS, F_PHONE,
    F_VILLAGE_CODE, F_FULL_NAME,
    F_COUNT
};

/*
 * required: the column must be in the header whatever the layout.  The
 * geography (village_code, or province + district + subdistrict +
 * village_no) and the head's name (full_name, or title + first_name +
 * last_name) are required as groups: see missing_field().  max_cps bounds
 * a value where it enters (issue: a 40,000-character field broke every
 * report): generous for real Thai names and addresses, far below Excel's
 * 32,767-character cell.
 */
static const struct {
    const char *name;
    int required;
    size_t max_cps;
} fields[F_COUNT] = {
    {"code", 1, 64},          {"province", 0, 128},
    {"district", 0, 128},     {"subdistrict", 0, 128},
    {"village_no", 0, 32},    {"village_name", 0, 256},
    {"house_no", 1, 64},      {"title", 0, 64},
    {"first_name", 0, 256},   {"last_name", 0, 256},
    {"citizen_id", 0, 64},    {"members", 1, 32},
    {"income", 1, 64},        {"indicators", 0, 1024},
    {"status", 1, 128},       {"phone", 0, 64},
    {"village_code", 0, 32},  {"full_name", 0, 600},
};

#define MAX_ALIASES 12

struct colmap {
    char *alias[F_COUNT][MAX_ALIASES];
    int nalias[F_COUNT];
    char name[64];          /* the map's file name: the layout */
    struct colmap *next;    /* the other layouts, tried in order */
};

/* Arena of string blocks: households point into it. */
struct ff_register_pool {
    struct ff_register_pool *next;
    size_t used, cap;
    char data[];
};

/*
 * A slot holds the code as a number + 1 (at most 10^11 < 2^37) in its low
 * KEY_BITS bits, 0 for an empty slot, and above them a value: the
 * household's index in hh, or in a stream (no hh) the line the code was
 * first read on, VAL_MAX when that line is past what the bits hold.
 */
#define KEY_BITS 37
#define KEY_MASK ((UINT64_C(1) << KEY_BITS) - 1)
#define VAL_MAX ((UINT64_C(1) << (64 - KEY_BITS)) - 1)

struct ff_register_index {
    size_t cap;             /* power of two */
    uint64_t *keys;         /* see above */
};

/* The last place a name resolved to: rows come sorted by village, so one
 * entry per level serves almost every row of a large register. */
struct name_cache {
    char text[128];         /* the cell as typed */
    size_t n;
    char parent[7];
    const struct ff_geo_place *p;
};

/* The pooled copy of the last place's name: one copy per run of rows. */
struct place_cache {
    const char *code;       /* into the geo table */
    const char *name;
};

struct loader {
    struct ff_register *r;
    struct colmap *maps;    /* every layout, in the order tried */
    struct colmap *map;     /* the layout of the header found */
    struct ff_geo *geo;
    int col[F_COUNT];       /* CSV field index of each field, -1 absent */
    size_t header_fields;   /* fields up to the last non-empty header */
    int have_header;
    long scanned;           /* records looked at for a header */
    char **prev;            /* the record above (two-row headers) */
    size_t *prev_lens, prev_n;
    struct ff_err header_err;   /* why the best candidate was no header */
    int header_best;        /* required groups the best candidate had */
    struct name_cache nc[3];
    struct place_cache pc[3];
    size_t cap;             /* households allocated */
    size_t bad_cap;
    /* A stream: each household goes here instead of into r->hh. */
    int (*each)(void *ctx, const struct ff_household *h, struct ff_err *e);
    void *each_ctx;
};

/* ---- column map ---- */

static void colmap_free(struct colmap *m)
{
    int f, i;

    if (m == NULL)
        return;
    colmap_free(m->next);
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

/*
 * Header names match ignoring white space (Alt+Enter line breaks inside a
 * cell, a space before "(บาท/คน/ปี)") and ASCII case.
 */
static int alias_eq(const char *a, const char *s, size_t n)
{
    size_t i = 0, j = 0, na = strlen(a);

    for (;;) {
        while (i < na && isspace((unsigned char)a[i]))
            i++;
        while (j < n && isspace((unsigned char)s[j]))
            j++;
        /* NBSP (C2 A0) counts as a space too. */
        if (i + 1 < na && (unsigned char)a[i] == 0xC2 &&
            (unsigned char)a[i + 1] == 0xA0) {
            i += 2;
            continue;
        }
        if (j + 1 < n && (unsigned char)s[j] == 0xC2 &&
            (unsigned char)s[j + 1] == 0xA0) {
            j += 2;
            continue;
        }
        if (i == na || j == n)
            return i == na && j == n;
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)s[j]))
            return 0;
        i++;
        j++;
    }
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

/*
 * A stream's arena after each household: only that row's strings were in
 * it.  The newest block is kept for the next row, so a file of ordinary
 * rows allocates nothing per row.
 */
static void pool_rewind(struct ff_register *r)
{
    struct ff_register_pool *p = r->pool, *next;

    if (p == NULL)
        return;
    for (next = p->next; next; next = p->next) {
        p->next = next->next;
        ff_free(next);
    }
    p->used = 0;
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

    while (x->keys[i] != 0 && (x->keys[i] & KEY_MASK) != k)
        i = (i + 1) & (x->cap - 1);
    return i;
}

static uint64_t slot_val(const struct ff_register_index *x, size_t s)
{
    return x->keys[s] >> KEY_BITS;
}

static int index_grow(struct ff_register_index *x)
{
    struct ff_register_index n;
    size_t i;

    n.cap = x->cap ? x->cap * 2 : 1024;
    n.keys = ff_calloc(n.cap, sizeof *n.keys);
    if (n.keys == NULL)
        return -1;
    for (i = 0; i < x->cap; i++)
        if (x->keys[i])
            n.keys[key_slot(&n, x->keys[i] & KEY_MASK)] = x->keys[i];
    ff_free(x->keys);
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
    /* A streamed register has no households to point at. */
    if (r->hh == NULL)
        return NULL;
    s = key_slot(r->index, code_key(code));
    return r->index->keys[s] ? &r->hh[slot_val(r->index, s)] : NULL;
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

/* ---- values as offices type them ---- */

/* Drop a leading word (and the spaces after it) when s starts with it. */
static int drop_prefix(const char **s, size_t *n, const char *word)
{
    size_t w = strlen(word);

    if (*n < w || memcmp(*s, word, w) != 0)
        return 0;
    *s += w;
    *n = ff_utf8_trim(s, *n - w);
    return 1;
}

/* Drop a trailing word (and the spaces before it). */
static void drop_suffix(const char **s, size_t *n, const char *word)
{
    size_t w = strlen(word);

    if (*n >= w && memcmp(*s + *n - w, word, w) == 0)
        *n = ff_utf8_trim(s, *n - w);
}

/* 1 when a and b[0..n) are equal once white space is removed from both. */
static int same_words(const char *a, const char *b, size_t n)
{
    return alias_eq(a, b, n);
}

static const struct {
    const char *label;
    int status;
} status_labels[] = {
    {"พัฒนาได้", 1},
    {"ขอรับการสงเคราะห์", 2},
    {"สงเคราะห์", 2},
    {"พึ่งตนเองได้", 3},
    {"อื่นๆ (เสียชีวิต/ย้าย)", 4},
    {"อื่นๆ", 4},
    {"อื่น", 4},
    {"เสียชีวิต", 4},
    {"ย้าย", 4},
    {"เสียชีวิต/ย้าย", 4},
    {"ยังไม่จำแนก", 0},
};

static int status_of_label(const char *s, size_t n)
{
    size_t i;

    /* Labels may come in parentheses: "1 (พัฒนาได้)". */
    if (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
        s++;
        n -= 2;
    }
    for (i = 0; i < sizeof status_labels / sizeof status_labels[0]; i++)
        if (same_words(status_labels[i].label, s, n))
            return status_labels[i].status;
    return -1;
}

/*
 * Status: "1", "๑", "1 พัฒนาได้", "1. พัฒนาได้", "พัฒนาได้" ...  Returns
 * 0..4, -1 when it is none of these, -2 when a number and a label
 * disagree ("1 ขอรับการสงเคราะห์": one of the two was mistyped).
 */
static int parse_status(const char *s, size_t n)
{
    char buf[512];
    const char *t;
    size_t len;
    int st;

    if (n == 0)
        return 0;
    if (n >= sizeof buf)
        return -1;
    len = ff_utf8_thai_digits_to_ascii(s, n, buf);
    t = buf;
    if (t[0] >= '0' && t[0] <= '9') {
        if (len == 1)
            return t[0] >= '1' && t[0] <= '4' ? t[0] - '0' : -1;
        if (t[1] != ' ' && t[1] != '.' && t[1] != ')' && t[1] != '(' &&
            (unsigned char)t[1] < 0x80 && t[1] != '\t')
            return -1;
        if (t[0] < '1' || t[0] > '4')
            return -1;
        st = t[0] - '0';
        t++;
        len--;
        if (len && (*t == '.' || *t == ')'))
            t++, len--;
        len = ff_utf8_trim(&t, len);
        if (len == 0)
            return st;
        return status_of_label(t, len) == st ? st : -2;
    }
    return status_of_label(t, len);
}

/* Members: "4", "๔", "4 คน". */
static int parse_members(const char *s, size_t n, long *out)
{
    drop_suffix(&s, &n, "คน");
    return parse_int(s, n, out);
}

/* Village number: "5", "หมู่ 5", "หมู่ที่ 5", "ม.5", "ม. ๕". */
static int parse_village_no(const char *s, size_t n, long *out)
{
    if (!drop_prefix(&s, &n, "หมู่ที่") && !drop_prefix(&s, &n, "หมู่"))
        drop_prefix(&s, &n, "ม.");
    return parse_int(s, n, out);
}

/* Income: "13048", "13,048", "๑๓,๐๔๘", "13,048 บาท". */
static int parse_income(const char *s, size_t n, double *out)
{
    drop_suffix(&s, &n, "บาท");
    return parse_number(s, n, out);
}

/*
 * Digits of s[0..n) (Thai digits too) with '-', spaces and dots between
 * them removed, into out (cap bytes); the number of digits, or -1 when
 * something else is there.
 */
static long only_digits(const char *s, size_t n, char *out, size_t cap,
                        const char *seps)
{
    char buf[128];
    size_t len, i, k = 0;

    if (n >= sizeof buf)
        return -1;
    len = ff_utf8_thai_digits_to_ascii(s, n, buf);
    for (i = 0; i < len; i++) {
        if (buf[i] >= '0' && buf[i] <= '9') {
            if (k + 1 >= cap)
                return -1;
            out[k++] = buf[i];
        } else if (!strchr(seps, buf[i])) {
            return -1;
        }
    }
    out[k] = '\0';
    return (long)k;
}

/* A phone number, or several separated by ',' or '/': 0XXXXXXXX(X). */
static int phone_ok(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t j = i;
        char d[32];
        const char *p;
        size_t pn;
        long k;

        while (j < n && s[j] != ',' && s[j] != '/')
            j++;
        p = s + i;
        pn = ff_utf8_trim(&p, j - i);
        if (pn >= 3 && memcmp(p, "+66", 3) == 0) {
            k = only_digits(p + 3, pn - 3, d + 1, sizeof d - 1, "-() ");
            d[0] = '0';
            if (k >= 0)
                k++;
        } else {
            k = only_digits(p, pn, d, sizeof d, "-() ");
        }
        if (k < 9 || k > 10 || d[0] != '0')
            return 0;
        i = j + 1;
    }
    return n > 0;
}

/* BMN indicators not passed: numbers 1-99 separated by ';' ',' or space. */
static int indicators_ok(const char *s, size_t n)
{
    char buf[1100];
    size_t len, i;
    long v = -1;

    if (n >= sizeof buf)
        return 0;
    len = ff_utf8_thai_digits_to_ascii(s, n, buf);
    for (i = 0; i <= len; i++) {
        char c = i < len ? buf[i] : ';';

        if (c >= '0' && c <= '9') {
            v = (v < 0 ? 0 : v * 10) + (c - '0');
            if (v > 99)
                return 0;
        } else if (c == ';' || c == ',' || c == ' ') {
            if (v == 0)
                return 0;
            v = -1;
        } else {
            return 0;
        }
    }
    return 1;
}

/*
 * A place-name cell for a message: at most 60 bytes, cut at a character
 * boundary, control characters shown as '?'.  Only place-name cells are
 * ever quoted (they hold no personal data); names, IDs and phone numbers
 * never are.
 */
static const char *quote_place(const char *s, size_t n, char *out,
                               size_t size)
{
    size_t i, o = 0, max = size - 1 < 60 ? size - 1 : 60;

    for (i = 0; i < n && o < max; i++)
        out[o++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7F ? '?' : s[i];
    while (o > 0 && o < n && ((unsigned char)s[o] & 0xC0) == 0x80)
        o--;
    out[o] = '\0';
    return out;
}

/*
 * Split "นายสมชาย ใจดี" (TPMAP's one name field) into title, first and
 * last name.  A title is only taken when no combining mark follows it
 * ("นางสาวิตรี" is นาง + สาวิตรี, not นางสาว + ...).
 */
static const char *const titles[] = {
    "เด็กชาย", "เด็กหญิง", "นางสาว", "ด.ช.", "ด.ญ.", "น.ส.", "นาย", "นาง",
};

static int thai_mark_at(const char *s, size_t n)
{
    uint32_t c;

    if (n == 0 || ff_utf8_decode(s, n, &c) == 0)
        return 0;
    return c == 0x0E31 || (c >= 0x0E34 && c <= 0x0E3A) ||
           (c >= 0x0E47 && c <= 0x0E4E);
}

static void split_name(const char *s, size_t n, const char **t, size_t *tn,
                       const char **f, size_t *fn, const char **l,
                       size_t *ln)
{
    size_t i, k;

    *t = s;
    *tn = 0;
    for (k = 0; k < sizeof titles / sizeof titles[0]; k++) {
        size_t w = strlen(titles[k]);

        if (n > w && memcmp(s, titles[k], w) == 0 &&
            !thai_mark_at(s + w, n - w)) {
            *tn = w;
            s += w;
            n = ff_utf8_trim(&s, n - w);
            break;
        }
    }
    for (i = 0; i < n && s[i] != ' '; i++)
        ;
    *f = s;
    *fn = i;
    *l = s + i;
    *ln = ff_utf8_trim(l, n - i);
}

/* ---- loading ---- */

static int add_bad(struct loader *L, const struct ff_err *bad, int why,
                   struct ff_err *e)
{
    struct ff_register *r = L->r;
    struct ff_err *b;

    if (r->nbad_kept < FF_REGISTER_MAX_BAD_KEPT) {
        b = ff_grow(r->bad, &L->bad_cap, r->nbad_kept + 1, sizeof *b, 16);
        if (b == NULL)
            return ff_err_set(e, FF_ESYS, r->path, 0, 0, "out of memory");
        r->bad = b;
        r->bad[r->nbad_kept++] = *bad;
    }
    r->nbad++;
    r->rejected_by[why]++;
    return FF_OK;
}

/* Count a bad value left empty in column f; the first one is kept. */
static void flag(struct loader *L, int f, long line, const char *reason)
{
    struct ff_register *r = L->r;
    size_t i;

    for (i = 0; i < r->nflags; i++)
        if (strcmp(r->flags[i].field, fields[f].name) == 0)
            break;
    if (i == r->nflags) {
        if (r->nflags == FF_REGISTER_MAX_FLAGS)
            return;
        r->nflags++;
        r->flags[i].field = fields[f].name;
        r->flags[i].count = 0;
        ff_err_clear(&r->flags[i].first);
        ff_err_set(&r->flags[i].first, FF_EINPUT, r->path, line,
                   L->col[f] + 1, "%s", reason);
    }
    r->flags[i].count++;
}

/*
 * The first field (in field order) a header mapped with these columns
 * lacks, or -1; *have counts the requirements met, to pick the most
 * header-like row for the message when no row is a header.
 */
static int missing_field(const int *col, int *have)
{
    static const int geo[] = {F_PROVINCE, F_DISTRICT, F_SUBDISTRICT,
                              F_VILLAGE_NO};
    static const int names[] = {F_TITLE, F_FIRST_NAME, F_LAST_NAME};
    int f, miss = F_COUNT;
    size_t i;

    *have = 0;
    for (f = 0; f < F_COUNT; f++) {
        if (!fields[f].required)
            continue;
        if (col[f] >= 0)
            ++*have;
        else if (f < miss)
            miss = f;
    }
    for (i = 0; i < 4; i++) {
        if (col[geo[i]] >= 0 || col[F_VILLAGE_CODE] >= 0)
            ++*have;
        else if (geo[i] < miss)
            miss = geo[i];
    }
    for (i = 0; i < 3; i++) {
        if (col[names[i]] >= 0 || col[F_FULL_NAME] >= 0)
            ++*have;
        else if (names[i] < miss)
            miss = names[i];
    }
    return miss == F_COUNT ? -1 : miss;
}

/* The trimmed header cell i: this row's, or the one above when empty. */
static const char *header_cell(const struct loader *L,
                               const struct ff_csv_record *rec, size_t i,
                               size_t *n)
{
    const char *s = rec->fields[i];

    *n = ff_utf8_trim(&s, rec->lens[i]);
    if (*n == 0 && L->prev && i < L->prev_n) {
        s = L->prev[i];
        *n = ff_utf8_trim(&s, L->prev_lens[i]);
    }
    return s;
}

static void free_prev(struct loader *L)
{
    size_t i;

    for (i = 0; L->prev && i < L->prev_n; i++)
        ff_free(L->prev[i]);
    ff_free(L->prev);
    ff_free(L->prev_lens);
    L->prev = NULL;
    L->prev_lens = NULL;
    L->prev_n = 0;
}

static int keep_prev(struct loader *L, const struct ff_csv_record *rec)
{
    size_t i;

    free_prev(L);
    L->prev = ff_calloc(rec->nfields ? rec->nfields : 1, sizeof *L->prev);
    L->prev_lens = ff_calloc(rec->nfields ? rec->nfields : 1,
                             sizeof *L->prev_lens);
    if (L->prev == NULL || L->prev_lens == NULL)
        return -1;
    L->prev_n = rec->nfields;
    for (i = 0; i < rec->nfields; i++) {
        if ((L->prev[i] = ff_strndup(rec->fields[i], rec->lens[i])) == NULL)
            return -1;
        L->prev_lens[i] = rec->lens[i];
    }
    return 0;
}

/*
 * Is rec the header under one of the layouts?  Sets L->have_header and the
 * columns when it is; otherwise remembers why the best candidate so far
 * was not, for the message when no header turns up.
 */
static void try_header(struct loader *L, const struct ff_csv_record *rec)
{
    const struct colmap *m;
    size_t i, last = 0;
    int col[F_COUNT], f, a, have, miss;

    if (rec->bad_utf8_field)
        return;
    for (m = L->maps; m; m = m->next) {
        for (f = 0; f < F_COUNT; f++)
            col[f] = -1;
        for (i = 0; i < rec->nfields; i++) {
            size_t n;
            const char *s = header_cell(L, rec, i, &n);

            if (n)
                last = i + 1;
            for (f = 0; f < F_COUNT; f++)
                for (a = 0; a < m->nalias[f]; a++)
                    if (col[f] < 0 && alias_eq(m->alias[f][a], s, n))
                        col[f] = (int)i;
        }
        miss = missing_field(col, &have);
        if (miss < 0) {
            memcpy(L->col, col, sizeof col);
            L->map = (struct colmap *)m;
            L->header_fields = last;
            L->have_header = 1;
            L->r->header_line = rec->line;
            snprintf(L->r->layout, sizeof L->r->layout, "%s", m->name);
            return;
        }
        if (have > L->header_best || L->header_err.code == FF_OK) {
            ff_err_clear(&L->header_err);   /* the better one replaces */
            ff_err_set(&L->header_err, FF_EINPUT, L->r->path, rec->line,
                           0, "header has no '%s' column (%s); names are "
                           "set in %s",
                           m->nalias[miss] ? m->alias[miss][0] : "?",
                           fields[miss].name, m->name);
            L->header_best = have;
        }
    }
}

/* The trimmed text of field f in rec ("" when the column is absent). */
static const char *get(const struct loader *L,
                       const struct ff_csv_record *rec, int f, size_t *n)
{
    const char *s;

    if (L->col[f] < 0 || (size_t)L->col[f] >= rec->nfields) {
        *n = 0;
        return "";
    }
    s = rec->fields[L->col[f]];
    *n = ff_utf8_trim(&s, rec->lens[L->col[f]]);
    return s;
}

static const char *pooled_place(struct loader *L, int level,
                                const struct ff_geo_place *p)
{
    struct place_cache *c = &L->pc[level];

    /* A stream's arena is rewound after each row; the table outlives the
     * read, and its names are what would have been copied. */
    if (L->each)
        return p->name;
    if (c->code != p->code)
        c->name = NULL;
    if (c->name == NULL) {
        c->name = pool_str(L->r, p->name, strlen(p->name));
        c->code = p->code;
    }
    return c->name;
}

/*
 * Resolve the name s[0..n) of this level inside parent through the cache;
 * NULL when the table has no such place.
 */
static const struct ff_geo_place *place_by_name(struct loader *L, int level,
                                                const char *parent,
                                                const char *s, size_t n)
{
    struct name_cache *c = &L->nc[level];
    const char *pc = parent ? parent : "";

    if (c->p && c->n == n && n < sizeof c->text &&
        memcmp(c->text, s, n) == 0 && strcmp(c->parent, pc) == 0)
        return c->p;
    c->p = ff_geo_find_name(L->geo, level, parent, s, n);
    if (c->p && n < sizeof c->text) {
        memcpy(c->text, s, n);
        c->n = n;
        snprintf(c->parent, sizeof c->parent, "%s", pc);
    } else {
        c->p = NULL;
        return ff_geo_find_name(L->geo, level, parent, s, n);
    }
    return c->p;
}

static const char *const level_word[3] = {"province", "district",
                                          "subdistrict"};
static const int level_field[3] = {F_PROVINCE, F_DISTRICT, F_SUBDISTRICT};

/*
 * The place named in column level_field[level] (or NULL when the column is
 * absent or empty); a name the table does not have inside parent rejects
 * the row with the nearest names.
 */
static int name_place(struct loader *L, const struct ff_csv_record *rec,
                      int level, const char *parent,
                      const struct ff_geo_place **out, struct ff_err *bad)
{
    struct ff_register *r = L->r;
    int f = level_field[level];
    const char *s;
    size_t n;
    char q[64], near[400];

    *out = NULL;
    s = get(L, rec, f, &n);
    if (n == 0)
        return FF_OK;
    *out = place_by_name(L, level, parent, s, n);
    if (*out)
        return FF_OK;
    ff_geo_nearest(L->geo, level, parent, s, n, near, sizeof near);
    if (level == FF_GEO_PROVINCE)
        return ff_err_set(bad, FF_EINPUT, r->path, rec->line, L->col[f] + 1,
                          "province '%s' is not a province of Thailand; "
                          "nearest: %s", quote_place(s, n, q, sizeof q),
                          near);
    {
        const struct ff_geo_place *up =
            ff_geo_find_code(L->geo, level - 1, parent);

        return ff_err_set(bad, FF_EINPUT, r->path, rec->line, L->col[f] + 1,
                          "%s '%s' is not a %s of %s (%s); nearest: %s",
                          level_word[level], quote_place(s, n, q, sizeof q),
                          level_word[level], up ? up->name : "?", parent,
                          near);
    }
}

/*
 * District, subdistrict and village of the row from its columns (never
 * from the household code).  FF_OK, or FF_EINPUT with bad filled.
 */
static int resolve_place(struct loader *L, const struct ff_csv_record *rec,
                         struct ff_household *h, struct ff_err *bad)
{
    struct ff_register *r = L->r;
    const struct ff_geo_place *pl[3] = {NULL, NULL, NULL};
    const char *s;
    size_t n;
    long v = -1;
    int level;

    s = get(L, rec, F_VILLAGE_NO, &n);
    if (n > 0 && (parse_village_no(s, n, &v) || v < 0 || v > 999))
        return ff_err_set(bad, FF_EINPUT, r->path, rec->line,
                          L->col[F_VILLAGE_NO] + 1,
                          "village number is not a number from 0 to 999");
    s = get(L, rec, F_VILLAGE_CODE, &n);
    if (n > 0) {
        char d[16];
        long k = only_digits(s, n, d, sizeof d, "- ");
        const struct ff_geo_place *code_pl[3];
        long vc;

        if (k != 8 && k != 10)
            return ff_err_set(bad, FF_EINPUT, r->path, rec->line,
                              L->col[F_VILLAGE_CODE] + 1,
                              "village code is not 8 or 10 digits (tambon "
                              "6 + หมู่ 2)");
        memcpy(h->village_code, d, (size_t)k + 1);
        vc = (d[6] - '0') * 10 + (d[7] - '0');
        for (level = 0; level < 3; level++) {
            char c[7];

            memcpy(c, d, (size_t)(2 + 2 * level));
            c[2 + 2 * level] = '\0';
            code_pl[level] = ff_geo_find_code(L->geo, level, c);
            if (code_pl[level] == NULL)
                return ff_err_set(bad, FF_EINPUT, r->path, rec->line,
                                  L->col[F_VILLAGE_CODE] + 1,
                                  "village code %s: %s %s is not in the "
                                  "geography table", d, level_word[level],
                                  c);
        }
        /* Names, where the layout has them, must name the same places. */
        for (level = 0; level < 3; level++) {
            const char *parent = level ? code_pl[level - 1]->code : NULL;

            if (name_place(L, rec, level, parent, &pl[level], bad))
                return FF_EINPUT;
            if (pl[level] && pl[level] != code_pl[level])
                return ff_err_set(bad, FF_EINPUT, r->path, rec->line,
                                  L->col[level_field[level]] + 1,
                                  "%s column says %s (%s) but village code "
                                  "%s is in %s (%s)", level_word[level],
                                  pl[level]->name, pl[level]->code, d,
                                  code_pl[level]->name,
                                  code_pl[level]->code);
            pl[level] = code_pl[level];
        }
        if (v >= 0 && v != vc)
            return ff_err_set(bad, FF_EINPUT, r->path, rec->line,
                              L->col[F_VILLAGE_NO] + 1,
                              "village number %ld disagrees with village "
                              "code %s (หมู่ %ld)", v, d, vc);
        v = vc;
    } else {
        for (level = 0; level < 3; level++) {
            const char *parent = level ? pl[level - 1]->code : NULL;

            if (name_place(L, rec, level, parent, &pl[level], bad))
                return FF_EINPUT;
            if (pl[level] == NULL)
                return ff_err_set(bad, FF_EINPUT, r->path, rec->line,
                                  L->col[level_field[level]] + 1,
                                  "%s is empty", level_word[level]);
        }
        if (v < 0)
            return ff_err_set(bad, FF_EINPUT, r->path, rec->line,
                              L->col[F_VILLAGE_NO] + 1,
                              "village number is empty");
        /* A หมู่ over 99 has no DOPA village code: keep it exact. */
        snprintf(h->village_code, sizeof h->village_code,
                 v > 99 ? "%s%03ld" : "%s%02ld", pl[2]->code, v);
    }
    h->village_no = (int)v;
    memcpy(h->province_code, pl[0]->code, 3);
    memcpy(h->district_code, pl[1]->code, 5);
    memcpy(h->subdistrict_code, pl[2]->code, 7);
    if ((h->province = pooled_place(L, 0, pl[0])) == NULL ||
        (h->district = pooled_place(L, 1, pl[1])) == NULL ||
        (h->subdistrict = pooled_place(L, 2, pl[2])) == NULL)
        return FF_ESYS;
    return FF_OK;
}

/* 1 when every field of rec is empty (Excel's trailing rows). */
static int blank_record(const struct ff_csv_record *rec)
{
    size_t i;

    for (i = 0; i < rec->nfields; i++) {
        const char *s = rec->fields[i];

        if (ff_utf8_trim(&s, rec->lens[i]))
            return 0;
    }
    return 1;
}

#define BAD(why, f, ...)                                                    \
    do {                                                                    \
        ff_err_set(&bad, FF_EINPUT, r->path, rec->line,                     \
                   L->col[f] >= 0 ? L->col[f] + 1 : 0, __VA_ARGS__);        \
        reason = why;                                                       \
        goto reject;                                                        \
    } while (0)

static int on_row(void *ctx, const struct ff_csv_record *rec,
                  struct ff_err *e)
{
    struct loader *L = ctx;
    struct ff_register *r = L->r;
    struct ff_household h;
    struct ff_err bad;
    const char *s, *opt[F_COUNT];
    size_t n, slot, optn[F_COUNT], i;
    double income;
    long v;
    int f, reason = FF_REJECT_ROW, st, rc;

    if (!L->have_header) {
        if (blank_record(rec))
            return FF_OK;
        try_header(L, rec);
        if (L->have_header) {
            free_prev(L);
            return FF_OK;
        }
        if (++L->scanned >= FF_REGISTER_HEADER_SCAN) {
            *e = L->header_err;
            return e->code;
        }
        if (keep_prev(L, rec))
            return ff_err_set(e, FF_ESYS, r->path, 0, 0, "out of memory");
        return FF_OK;
    }
    if (blank_record(rec)) {
        r->blank_rows++;
        return FF_OK;
    }
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
    /* Trailing empty cells beyond the header's last name do not count. */
    for (i = L->header_fields; i < rec->nfields; i++) {
        s = rec->fields[i];
        if (ff_utf8_trim(&s, rec->lens[i]))
            break;
    }
    if (rec->nfields < L->header_fields || i < rec->nfields) {
        ff_err_set(&bad, FF_EINPUT, r->path, rec->line, 0,
                   "row has %zu fields, the header has %zu", rec->nfields,
                   L->header_fields);
        goto reject;
    }

    /* Absurd lengths are refused where they enter (reports have limits). */
    for (f = 0; f < F_COUNT; f++) {
        size_t cps;

        s = get(L, rec, f, &n);
        if (n <= fields[f].max_cps)
            continue;
        cps = ff_utf8_count_cps(s, n);
        if (cps <= fields[f].max_cps)
            continue;
        if (f == F_CITIZEN_ID || f == F_PHONE || f == F_INDICATORS)
            continue;       /* flagged below, the household stays */
        BAD(FF_REJECT_LONG, f, "%s is %zu characters long; at most %zu are "
            "accepted", fields[f].name, cps, fields[f].max_cps);
    }

    s = get(L, rec, F_CODE, &n);
    {
        size_t nd;

        switch (ff_housecode_parse(s, n, h.code, &nd)) {
        case FF_HOUSECODE_OK:
            break;
        case FF_HOUSECODE_EMPTY:
            BAD(FF_REJECT_CODE, F_CODE, "household code is empty");
        case FF_HOUSECODE_EXCEL:
            BAD(FF_REJECT_EXCEL_CODE, F_CODE, "household code is a number "
                "as Excel shows it (like 2.40101E+10): its digits are lost");
        case FF_HOUSECODE_DIGITS:
            BAD(FF_REJECT_CODE, F_CODE, "household code has %zu digits, "
                "not 11", nd);
        default:
            BAD(FF_REJECT_CODE, F_CODE, "household code is not 11 digits");
        }
    }

    s = get(L, rec, F_STATUS, &n);
    st = parse_status(s, n);
    if (st == -2)
        BAD(FF_REJECT_VALUE, F_STATUS, "status number and label disagree");
    if (st < 0)
        BAD(FF_REJECT_VALUE, F_STATUS, "status is not 1-4, a status label "
            "or empty");
    h.status = st;

    s = get(L, rec, F_MEMBERS, &n);
    if (n == 0)
        BAD(FF_REJECT_EMPTY, F_MEMBERS, "members is empty");
    if (parse_members(s, n, &v) || v < 1 || v > FF_MEMBERS_MAX)
        BAD(FF_REJECT_VALUE, F_MEMBERS, "members is not a whole number from "
            "1 to %d", FF_MEMBERS_MAX);
    h.members = (int)v;

    s = get(L, rec, F_INCOME, &n);
    if (n == 0)
        BAD(FF_REJECT_EMPTY, F_INCOME, "income is empty");
    if (parse_income(s, n, &income) || income < 0)
        BAD(FF_REJECT_VALUE, F_INCOME, "income is not a number");
    if (income > FF_INCOME_MAX)
        BAD(FF_REJECT_VALUE, F_INCOME, "income is over %.0f baht per person "
            "per year", FF_INCOME_MAX);
    h.income = income;

    rc = resolve_place(L, rec, &h, &bad);
    if (rc == FF_ESYS)
        return ff_err_set(e, FF_ESYS, r->path, 0, 0, "out of memory");
    if (rc) {
        reason = FF_REJECT_PLACE;
        goto reject;
    }

    for (f = 0; f < F_COUNT; f++)
        opt[f] = get(L, rec, f, &optn[f]);
    if (L->col[F_FULL_NAME] >= 0 && L->col[F_FIRST_NAME] < 0) {
        split_name(opt[F_FULL_NAME], optn[F_FULL_NAME], &opt[F_TITLE],
                   &optn[F_TITLE], &opt[F_FIRST_NAME], &optn[F_FIRST_NAME],
                   &opt[F_LAST_NAME], &optn[F_LAST_NAME]);
        if (optn[F_FIRST_NAME] == 0 || optn[F_LAST_NAME] == 0)
            BAD(FF_REJECT_EMPTY, F_FULL_NAME, "full_name has no given name "
                "and family name");
    } else {
        static const int need[] = {F_TITLE, F_FIRST_NAME, F_LAST_NAME};

        for (i = 0; i < 3; i++)
            if (optn[need[i]] == 0)
                BAD(FF_REJECT_EMPTY, need[i], "%s is empty",
                    fields[need[i]].name);
    }
    if (optn[F_HOUSE_NO] == 0)
        BAD(FF_REJECT_EMPTY, F_HOUSE_NO, "house_no is empty");

    /* Fields ffkit neither prints nor counts: a bad value is left empty
     * and flagged, the household stays. */
    if (optn[F_CITIZEN_ID] > 0) {
        char id[32];
        long k = only_digits(opt[F_CITIZEN_ID], optn[F_CITIZEN_ID], id,
                             sizeof id, "- ");

        if (k != 13 || !ff_citizen_id_valid(id, 13)) {
            flag(L, F_CITIZEN_ID, rec->line,
                 memchr(opt[F_CITIZEN_ID], 'E', optn[F_CITIZEN_ID])
                     ? "citizen ID is a number as Excel shows it (digits "
                       "lost); left empty"
                     : "citizen ID is not 13 digits with a valid check "
                       "digit; left empty");
            optn[F_CITIZEN_ID] = 0;
        } else {
            opt[F_CITIZEN_ID] = id;
            optn[F_CITIZEN_ID] = 13;
            if ((h.citizen_id = pool_str(r, id, 13)) == NULL)
                return ff_err_set(e, FF_ESYS, r->path, 0, 0,
                                  "out of memory");
        }
    }
    if (optn[F_PHONE] > 0 && (optn[F_PHONE] > fields[F_PHONE].max_cps ||
                              !phone_ok(opt[F_PHONE], optn[F_PHONE]))) {
        flag(L, F_PHONE, rec->line, "phone is not a Thai phone number; "
             "left empty");
        optn[F_PHONE] = 0;
    }
    if (optn[F_INDICATORS] > 0 &&
        (optn[F_INDICATORS] > fields[F_INDICATORS].max_cps ||
         !indicators_ok(opt[F_INDICATORS], optn[F_INDICATORS]))) {
        flag(L, F_INDICATORS, rec->line, "indicators are not numbers 1-99 "
             "separated by ';'; left empty");
        optn[F_INDICATORS] = 0;
    }

    /* Duplicates: the first row with a code wins. */
    if (r->index->cap == 0 || (r->n + 1) * 4 > r->index->cap * 3)
        if (index_grow(r->index))
            return ff_err_set(e, FF_ESYS, r->path, 0, 0, "out of memory");
    slot = key_slot(r->index, code_key(h.code));
    if (r->index->keys[slot]) {
        uint64_t first = slot_val(r->index, slot);

        if (L->each == NULL)
            first = (uint64_t)r->hh[first].line;
        if (first == VAL_MAX)
            ff_err_set(&bad, FF_EINPUT, r->path, rec->line,
                       L->col[F_CODE] + 1,
                       "duplicate household code (first on an earlier "
                       "line)");
        else
            ff_err_set(&bad, FF_EINPUT, r->path, rec->line,
                       L->col[F_CODE] + 1,
                       "duplicate household code (first on line %ld)",
                       (long)first);
        reason = FF_REJECT_DUPLICATE;
        goto reject;
    }

    {
        const char **dst[] = {
            &h.village_name, &h.house_no, &h.title, &h.first_name,
            &h.last_name, &h.indicators, &h.phone
        };
        const int src[] = {
            F_VILLAGE_NAME, F_HOUSE_NO, F_TITLE, F_FIRST_NAME, F_LAST_NAME,
            F_INDICATORS, F_PHONE
        };

        for (i = 0; i < sizeof src / sizeof src[0]; i++)
            if ((*dst[i] = pool_str(r, opt[src[i]], optn[src[i]])) == NULL)
                return ff_err_set(e, FF_ESYS, r->path, 0, 0,
                                  "out of memory");
        if (h.citizen_id == NULL && (h.citizen_id = pool_str(r, "", 0)) ==
                                        NULL)
            return ff_err_set(e, FF_ESYS, r->path, 0, 0, "out of memory");
    }
    if (L->each == NULL) {
        struct ff_household *p;

        /* The index holds its place in hh in VAL_MAX. */
        if ((uint64_t)r->n >= VAL_MAX)
            return ff_err_set(e, FF_ESYS, r->path, rec->line, 0,
                              "more than %llu households to hold in "
                              "memory", (unsigned long long)VAL_MAX - 1);
        p = ff_grow(r->hh, &L->cap, r->n + 1, sizeof *p, 256);
        if (p == NULL)
            return ff_err_set(e, FF_ESYS, r->path, 0, 0, "out of memory");
        r->hh = p;
    }
    /* The DOPA check digit is a warning only: the rule is unconfirmed. */
    if (!ff_housecode_is_dopa(h.code)) {
        r->survey_codes++;
    } else if (!ff_housecode_dopa_ok(h.code)) {
        if (r->dopa_fail++ == 0)
            r->dopa_first_line = rec->line;
    }
    if (L->each) {
        /* The line is all a later duplicate's message needs. */
        uint64_t line = rec->line > 0 && (uint64_t)rec->line < VAL_MAX
                            ? (uint64_t)rec->line : VAL_MAX;

        r->index->keys[slot] = code_key(h.code) | line << KEY_BITS;
        r->n++;
        rc = L->each(L->each_ctx, &h, e);
        pool_rewind(r);
        return rc;
    }
    r->index->keys[slot] = code_key(h.code) | (uint64_t)r->n << KEY_BITS;
    r->hh[r->n++] = h;
    return FF_OK;
reject:
    /* A rejected row may have pooled its citizen ID already. */
    if (L->each)
        pool_rewind(r);
    return add_bad(L, &bad, reason, e);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');

    return b ? b + 1 : path;
}

/*
 * The layouts: the map given, or every register-*.map of the template
 * directory with register-columns.map (the BMN export's) first and the
 * others in name order, so a province adds a layout by adding a file.
 */
static struct colmap *load_maps(const char *map_path, struct ff_err *e)
{
    struct colmap *head = NULL, **tail = &head, *m;
    char def[1100], **names = NULL;
    size_t n = 0, cap = 0, i;
    struct dirent *de;
    DIR *d;

    if (map_path) {
        if ((m = colmap_load(map_path, e)) != NULL)
            snprintf(m->name, sizeof m->name, "%s", base_name(map_path));
        return m;
    }
    if ((d = opendir(ff_template_dir())) == NULL) {
        ff_err_sys(e, ff_template_dir(), "cannot open template directory");
        return NULL;
    }
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);

        if (len < 14 || strncmp(de->d_name, "register-", 9) != 0 ||
            strcmp(de->d_name + len - 4, ".map") != 0 ||
            strcmp(de->d_name, "register-columns.map") == 0)
            continue;
        {
            char **v = ff_grow(names, &cap, n + 1, sizeof *v, 8);

            if (v == NULL)
                goto oom;
            names = v;
        }
        if ((names[n] = ff_strdup(de->d_name)) == NULL)
            goto oom;
        n++;
    }
    closedir(d);
    d = NULL;
    qsort(names, n, sizeof *names, name_cmp);
    for (i = 0; i <= n; i++) {
        const char *nm = i == 0 ? "register-columns.map" : names[i - 1];

        if ((m = colmap_load(ff_template_path(nm, def, sizeof def), e)) ==
            NULL)
            goto fail;
        snprintf(m->name, sizeof m->name, "%s", nm);
        *tail = m;
        tail = &m->next;
    }
    for (i = 0; i < n; i++)
        ff_free(names[i]);
    ff_free(names);
    return head;
oom:
    ff_err_set(e, FF_ESYS, ff_template_dir(), 0, 0, "out of memory");
fail:
    if (d)
        closedir(d);
    for (i = 0; i < n; i++)
        ff_free(names[i]);
    ff_free(names);
    colmap_free(head);
    return NULL;
}

/*
 * Load from an open tabular reader (file or memory); it is freed here.
 * With each, a stream: households go to each, not into r->hh.
 */
static struct ff_register *
load_csv(const char *path, struct ff_table *csv, const char *map_path,
         int (*each)(void *, const struct ff_household *, struct ff_err *),
         void *each_ctx, struct ff_err *e)
{
    struct ff_register *r = NULL;
    struct loader L;

    memset(&L, 0, sizeof L);
    if (csv == NULL)
        return NULL;
    L.each = each;
    L.each_ctx = each_ctx;
    L.maps = load_maps(map_path, e);
    if (L.maps == NULL)
        goto fail;
    if ((L.geo = ff_geo_load(NULL, e)) == NULL)
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
    if (!L.have_header) {
        if (L.header_err.code)
            *e = L.header_err;
        else
            ff_err_set(e, FF_EINPUT, path, 0, 0, "file is empty");
        goto fail;
    }
    ff_table_free(csv);
    colmap_free(L.maps);
    ff_geo_free(L.geo);
    free_prev(&L);
    return r;
fail:
    ff_table_free(csv);
    colmap_free(L.maps);
    ff_geo_free(L.geo);
    free_prev(&L);
    ff_register_free(r);
    return NULL;
}

struct ff_register *ff_register_load(const char *path, const char *map_path,
                                     struct ff_err *e)
{
    return load_csv(path, ff_table_open(path, NULL, e), map_path, NULL,
                    NULL, e);
}

struct ff_register *
ff_register_each(const char *path, const char *map_path,
                 int (*fn)(void *ctx, const struct ff_household *h,
                           struct ff_err *e),
                 void *ctx, struct ff_err *e)
{
    return load_csv(path, ff_table_open(path, NULL, e), map_path, fn, ctx,
                    e);
}

struct ff_register *
ff_register_parse_each(const char *name, const char *data, size_t n,
                       const char *map_path,
                       int (*fn)(void *ctx, const struct ff_household *h,
                                 struct ff_err *e),
                       void *ctx, struct ff_err *e)
{
    return load_csv(name, ff_table_open_mem(name, data, n, NULL, e),
                    map_path, fn, ctx, e);
}

struct ff_register *ff_register_parse(const char *name, const char *data,
                                      size_t n, const char *map_path,
                                      struct ff_err *e)
{
    return load_csv(name, ff_table_open_mem(name, data, n, NULL, e), map_path,
                    NULL, NULL, e);
}

int ff_register_check_usable(const struct ff_register *r, struct ff_err *e)
{
    long records = r->records;
    size_t excel = r->rejected_by[FF_REJECT_EXCEL_CODE];

    if (excel * 100 > (size_t)records * FF_REGISTER_MAX_REJECT_PCT ||
        (r->n == 0 && excel > 0))
        return ff_err_set(e, FF_EINPUT, r->path, 0, 0,
                          "refused: %zu of %ld household codes were turned "
                          "into numbers by Excel (like 2.40101E+10) and "
                          "their digits are lost; in Excel format the "
                          "code column as Text, type or paste the codes "
                          "again, and save a new copy",
                          excel, records);
    if (r->n == 0)
        return ff_err_set(e, FF_EINPUT, r->path, 0, 0,
                          "refused: no household could be read (%ld rows, "
                          "%zu rejected)", records, r->nbad);
    if (r->nbad * 100 > (size_t)records * FF_REGISTER_MAX_REJECT_PCT)
        return ff_err_set(e, FF_EINPUT, r->path, 0, 0,
                          "refused: %zu of %ld rows were rejected (more "
                          "than %d%%); correct the rows named above and "
                          "try again", r->nbad, records,
                          FF_REGISTER_MAX_REJECT_PCT);
    return FF_OK;
}

static const char *const reject_word[FF_REJECT_COUNT] = {
    "code", "Excel number code", "duplicate", "place", "value", "empty",
    "too long", "row",
};

const char *ff_register_describe(const struct ff_register *r, char *out,
                                 size_t size)
{
    size_t o = 0, i, nflagged = 0;
    int k, first = 1, w;

#define PUT(...)                                                            \
    do {                                                                    \
        w = snprintf(out + o, o < size ? size - o : 0, __VA_ARGS__);        \
        if (w > 0)                                                          \
            o += (size_t)w;                                                 \
    } while (0)

    if (size)
        out[0] = '\0';
    if (r->delimiter == 0) {
        /* A spreadsheet: no encoding or delimiter; its format and sheet
         * (a name from the file, so shown escaped) say what was read. */
        char q[FF_ERR_QUOTE_MAX];

        ff_err_quote(q, sizeof q, r->sheet ? r->sheet : "",
                     r->sheet ? strlen(r->sheet) : 0);
        PUT("%zu households read (%s, sheet '%s', layout %s, header row "
            "%ld), %zu rows rejected", r->n, r->format ? r->format : "?", q,
            r->layout, r->header_line, r->nbad);
    } else {
        char q[FF_ERR_QUOTE_MAX];

        q[0] = '\0';
        if (r->sheet)   /* a zip of CSV: the member read */
            ff_err_quote(q, sizeof q, r->sheet, strlen(r->sheet));
        PUT("%zu households read (%s%s%s%s%s, '%c', layout %s, header row "
            "%ld), %zu rows rejected", r->n, r->sheet ? r->format : "",
            r->sheet ? " '" : "", q, r->sheet ? "', " : "", r->encoding,
            r->delimiter == '\t' ? 'T' : r->delimiter, r->layout,
            r->header_line, r->nbad);
    }
    for (k = 0; k < FF_REJECT_COUNT; k++) {
        if (r->rejected_by[k] == 0)
            continue;
        PUT("%s%zu %s", first ? " (" : ", ", r->rejected_by[k],
            reject_word[k]);
        first = 0;
    }
    if (!first)
        PUT(")");
    for (i = 0; i < r->nflags; i++)
        nflagged += r->flags[i].count;
    PUT(", %zu fields flagged", nflagged);
    first = 1;
    for (i = 0; i < r->nflags; i++) {
        PUT("%s%s %zu", first ? " (" : ", ", r->flags[i].field,
            r->flags[i].count);
        first = 0;
    }
    if (!first)
        PUT(")");
#undef PUT
    if (o >= size && size)
        out[size - 1] = '\0';
    return out;
}

int ff_register_warning(const struct ff_register *r, size_t i,
                        struct ff_err *e)
{
    if (i < r->nflags) {
        const struct ff_register_flag *f = &r->flags[i];

        *e = f->first;
        snprintf(e->msg, sizeof e->msg, "%zu %s value%s left empty; first: "
                 "%s", f->count, f->field, f->count == 1 ? "" : "s",
                 f->first.msg);
        return 1;
    }
    if (i == r->nflags && r->dopa_fail) {
        ff_err_clear(e);
        ff_err_set(e, FF_EINPUT, r->path, 0, 0,
                   "%zu code%s fail%s the DOPA check digit; first at "
                   "%s:%ld (kept: the rule is not confirmed)", r->dopa_fail,
                   r->dopa_fail == 1 ? "" : "s",
                   r->dopa_fail == 1 ? "s" : "", r->path,
                   r->dopa_first_line);
        return 1;
    }
    return 0;
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
    /* 10-digit village codes: two villages may share a หมู่ number. */
    if ((c = strcmp(a->village_code, b->village_code)) != 0)
        return c;
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
