/*
 * xlsx_read.c - streaming XLSX reader; the only file that includes expat.h.
 *
 * An XLSX file is a zip of XML parts (ECMA-376 Part 1): xl/workbook.xml
 * names the sheets and points at each through xl/_rels/workbook.xml.rels;
 * xl/styles.xml says which cell styles are dates; xl/sharedStrings.xml holds
 * the text that cells of type "s" refer to by number; each sheet's XML holds
 * <row r="N"><c r="B3" s="1" t="s"><v>0</v></c>...</row>.  Every part is
 * parsed as a stream with expat (namespace-aware, so prefixes do not matter),
 * so memory stays flat.  Shared strings go to an anonymous spool: the text
 * in one file, the offset of each string in another, two pread()s a lookup.
 *
 * Numbers are stored as shortest decimal text of an IEEE double; Excel
 * keeps 15 significant digits, so they are written back with at most 15
 * (an integer below 10^15, a household code or citizen ID, exactly as its
 * digits).  Dates are numbers too: days since 1899-12-30 (or 1904-01-01
 * when the workbook says date1904), the fraction the time of day; a cell is
 * a date when its style's number format is (built-in ids, or a format code
 * with d, y, h or s outside quotes and brackets).
 */
#include "xlsx_read.h"

#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "rowbuf.h"
#include "spool.h"
#include "utf8.h"

#define READ_BYTES 65536
#define MAX_SHEETS 4096
/*
 * Shared strings up to this size (text plus 8 bytes of offset each) are
 * read back into memory after spooling; beyond it they are looked up in the
 * spool through a small cache, so memory stays bounded by this figure.
 */
#define SS_MEM_MAX (32UL * 1024 * 1024)
#define SS_CACHE 1024               /* entries of the spool-mode cache */
#define SS_CACHE_BYTES 96           /* longest string the cache keeps */
#define KIND_DATE 1
#define KIND_TIME 2

struct sheet {
    char *name, *rid;
};

struct ss_slot {
    uint64_t index_plus1;           /* 0: empty */
    unsigned char len;
    char text[SS_CACHE_BYTES];
};

struct ff_xlsx_read {
    char *name;
    struct ff_zip *z;
    struct ff_err *e;
    int stop;                       /* error code that stops parsing */
    XML_Parser xp;
    const char *part;               /* member being parsed */

    /* workbook */
    struct sheet *sheets;
    size_t nsheets;
    int date1904;
    long chosen;
    char *sheet_part, *ss_part, *styles_part;
    char *want_rid;

    /* styles: per cellXfs index, KIND_* bits */
    unsigned char *xf_kind;
    size_t nxf, xf_cap;
    long *fmt_id;                   /* custom numFmts */
    unsigned char *fmt_kind;
    size_t nfmt;
    int in_cellxfs;

    /* shared strings */
    int ss_fd, off_fd;
    FILE *ss_fp, *off_fp;
    uint64_t ss_bytes, nss;
    int in_si, in_rph;
    char *ss_mem;                   /* the strings, when small enough */
    uint64_t *off_mem;              /* nss + 1 offsets, likewise */
    struct ss_slot *cache;          /* spool mode: SS_CACHE entries */
    unsigned long ss_mem_max;       /* SS_MEM_MAX, or the test override */

    /* text collection */
    struct ff_buf text;
    int collect;

    /* sheet */
    struct ff_rowbuf rb;
    long row, next_row;
    size_t col, next_col;
    char ctype[16];
    long cstyle;
    int in_is, in_v;
    struct ff_buf val;
    ff_csv_record_fn fn;
    void *ctx;
};

static const char *local(const char *n)
{
    const char *p = strrchr(n, '|');

    return p ? p + 1 : n;
}

static const char *attr(const char **a, const char *name)
{
    for (; a[0]; a += 2)
        if (strcmp(local(a[0]), name) == 0)
            return a[1];
    return NULL;
}

static void fail(struct ff_xlsx_read *x, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct ff_xlsx_read *x, int code, const char *fmt, ...)
{
    va_list ap;

    if (!x->stop) {
        va_start(ap, fmt);
        x->stop = ff_err_vset(x->e, code, x->name, x->row, 0, fmt, ap);
        va_end(ap);
        XML_StopParser(x->xp, XML_FALSE);
    }
}

static void oom(struct ff_xlsx_read *x)
{
    fail(x, FF_ESYS, "out of memory");
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct ff_xlsx_read *x = ud;

    if (x->collect && !x->stop && ff_buf_add(&x->text, s, (size_t)len))
        oom(x);
}

/* A DTD could define entities that expand without bound: refuse any. */
static void XMLCALL on_doctype(void *ud, const XML_Char *name,
                               const XML_Char *sys, const XML_Char *pub,
                               int internal)
{
    (void)name, (void)sys, (void)pub, (void)internal;
    fail(ud, FF_EINPUT, "the spreadsheet holds a DTD, which no Excel file "
         "does; it is refused");
}

/*
 * Parse zip member `part` with the given handlers.  A missing part is
 * FF_OK when optional.
 */
static int parse_part(struct ff_xlsx_read *x, const char *part, int optional,
                      XML_StartElementHandler start,
                      XML_EndElementHandler end)
{
    struct ff_zip_file *f = NULL;
    char *buf = NULL;
    long i = ff_zip_find(x->z, part);
    size_t got;
    int rc = FF_OK;

    if (i < 0) {
        if (optional)
            return FF_OK;
        return ff_err_set(x->e, FF_EINPUT, x->name, 0, 0,
                          "the spreadsheet has no '%s'; is the file "
                          "damaged?", part);
    }
    x->part = part;
    x->xp = XML_ParserCreateNS("UTF-8", '|');
    buf = ff_malloc(READ_BYTES);
    if (x->xp == NULL || buf == NULL) {
        rc = ff_err_set(x->e, FF_ESYS, x->name, 0, 0, "out of memory");
        goto out;
    }
    XML_SetUserData(x->xp, x);
    XML_SetElementHandler(x->xp, start, end);
    XML_SetCharacterDataHandler(x->xp, on_text);
    XML_SetStartDoctypeDeclHandler(x->xp, on_doctype);
    if ((f = ff_zip_file_open(x->z, i, x->e)) == NULL) {
        rc = x->e->code;
        goto out;
    }
    do {
        if ((rc = ff_zip_file_read(f, buf, READ_BYTES, &got, x->e)))
            goto out;
        if (XML_Parse(x->xp, buf, (int)got, got == 0) == XML_STATUS_ERROR) {
            if (x->stop) {
                rc = x->stop;
                goto out;
            }
            rc = ff_err_set(x->e, FF_EINPUT, x->name, x->row, 0,
                            "%s line %lu: not well-formed XML (%s); is the "
                            "file damaged?", part,
                            (unsigned long)XML_GetCurrentLineNumber(x->xp),
                            XML_ErrorString(XML_GetErrorCode(x->xp)));
            goto out;
        }
        if (x->stop) {
            rc = x->stop;
            goto out;
        }
    } while (got > 0);
out:
    ff_zip_file_close(f);
    if (x->xp)
        XML_ParserFree(x->xp);
    x->xp = NULL;
    ff_free(buf);
    return rc;
}

/* --- workbook and relationships ---------------------------------------- */

static void XMLCALL wb_start(void *ud, const XML_Char *el, const XML_Char **a)
{
    struct ff_xlsx_read *x = ud;
    const char *n = local(el);

    if (strcmp(n, "sheet") == 0) {
        const char *name = attr(a, "name"), *rid = attr(a, "id");
        struct sheet *s;

        if (name == NULL || rid == NULL || x->nsheets >= MAX_SHEETS)
            return;
        s = ff_realloc(x->sheets, (x->nsheets + 1) * sizeof *s);
        if (s == NULL)
            {
            oom(x);
            return;
        }
        x->sheets = s;
        s[x->nsheets].name = ff_strdup(name);
        s[x->nsheets].rid = ff_strdup(rid);
        x->nsheets++;
        if (s[x->nsheets - 1].name == NULL || s[x->nsheets - 1].rid == NULL)
            oom(x);
    } else if (strcmp(n, "workbookPr") == 0) {
        const char *d = attr(a, "date1904");

        x->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
    }
}

static void XMLCALL no_end(void *ud, const XML_Char *el)
{
    (void)ud, (void)el;
}

/* "worksheets/sheet1.xml" is relative to xl/; "/xl/..." is absolute. */
static char *resolve(const char *target)
{
    struct ff_buf b;

    ff_buf_init(&b);
    if (target[0] == '/')
        ff_buf_adds(&b, target + 1);
    else if (ff_buf_adds(&b, "xl/") == FF_OK)
        ff_buf_adds(&b, target);
    return ff_buf_detach(&b, NULL);
}

static void XMLCALL rels_start(void *ud, const XML_Char *el,
                               const XML_Char **a)
{
    struct ff_xlsx_read *x = ud;
    const char *id, *type, *target, *t;
    char **slot = NULL;

    if (strcmp(local(el), "Relationship") != 0)
        return;
    id = attr(a, "Id");
    type = attr(a, "Type");
    target = attr(a, "Target");
    if (id == NULL || target == NULL)
        return;
    t = type ? strrchr(type, '/') : NULL;
    if (x->want_rid && strcmp(id, x->want_rid) == 0)
        slot = &x->sheet_part;
    else if (t && strcmp(t, "/sharedStrings") == 0)
        slot = &x->ss_part;
    else if (t && strcmp(t, "/styles") == 0)
        slot = &x->styles_part;
    if (slot && *slot == NULL && (*slot = resolve(target)) == NULL)
        oom(x);
}

/* --- styles ------------------------------------------------------------- */

static int builtin_kind(long id)
{
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) ||
        (id >= 34 && id <= 36) || (id >= 50 && id <= 58) ||
        (id >= 71 && id <= 74) || id == 81)
        return KIND_DATE;
    if (id == 22 || id == 77)
        return KIND_DATE | KIND_TIME;
    if ((id >= 18 && id <= 21) || id == 32 || id == 33 ||
        (id >= 45 && id <= 47) || (id >= 75 && id <= 80 && id != 77))
        return KIND_TIME;
    return 0;
}

/* Date/time tokens of a format code outside "text", \c and [brackets]. */
static int code_kind(const char *s)
{
    int kind = 0;

    if (strcasecmp(s, "General") == 0)
        return 0;
    for (; *s; s++) {
        char ch = *s;

        if (ch == '"') {
            while (s[1] && s[1] != '"')
                s++;
            if (s[1])
                s++;
        } else if (ch == '\\' || ch == '_' || ch == '*') {
            if (s[1])
                s++;
        } else if (ch == '[') {
            /* [h]:mm elapsed time; [Red], [$-th-TH], [<100] are not. */
            if (s[1] == 'h' || s[1] == 'H' || s[1] == 's' || s[1] == 'S' ||
                s[1] == 'm' || s[1] == 'M')
                kind |= KIND_TIME;
            while (s[1] && s[1] != ']')
                s++;
            if (s[1])
                s++;
        } else if (ch == 'd' || ch == 'D' || ch == 'y' || ch == 'Y' ||
                   ch == 'b' || ch == 'B') {
            kind |= KIND_DATE;
        } else if (ch == 'h' || ch == 'H' || ch == 's' || ch == 'S') {
            kind |= KIND_TIME;
        } else if ((ch == 'e' || ch == 'E') &&
                   (s[1] == '+' || s[1] == '-')) {
            return 0;   /* scientific notation */
        }
    }
    return kind;
}

static void XMLCALL st_start(void *ud, const XML_Char *el, const XML_Char **a)
{
    struct ff_xlsx_read *x = ud;
    const char *n = local(el);

    if (strcmp(n, "numFmt") == 0) {
        const char *id = attr(a, "numFmtId"), *code = attr(a, "formatCode");
        long *fi;
        unsigned char *fk;

        if (id == NULL || code == NULL)
            return;
        fi = ff_realloc(x->fmt_id, (x->nfmt + 1) * sizeof *fi);
        if (fi == NULL)
            {
            oom(x);
            return;
        }
        x->fmt_id = fi;
        fk = ff_realloc(x->fmt_kind, x->nfmt + 1);
        if (fk == NULL)
            {
            oom(x);
            return;
        }
        x->fmt_kind = fk;
        fi[x->nfmt] = strtol(id, NULL, 10);
        fk[x->nfmt] = (unsigned char)code_kind(code);
        x->nfmt++;
    } else if (strcmp(n, "cellXfs") == 0) {
        x->in_cellxfs = 1;
    } else if (strcmp(n, "xf") == 0 && x->in_cellxfs) {
        const char *id = attr(a, "numFmtId");
        long v = id ? strtol(id, NULL, 10) : 0;
        int kind = builtin_kind(v);
        size_t i;

        for (i = 0; i < x->nfmt; i++)
            if (x->fmt_id[i] == v)
                kind = x->fmt_kind[i];
        unsigned char *k = ff_grow(x->xf_kind, &x->xf_cap, x->nxf + 1, 1,
                                   64);

        if (k == NULL) {
            oom(x);
            return;
        }
        x->xf_kind = k;
        x->xf_kind[x->nxf++] = (unsigned char)kind;
    }
}

static void XMLCALL st_end(void *ud, const XML_Char *el)
{
    struct ff_xlsx_read *x = ud;

    if (strcmp(local(el), "cellXfs") == 0)
        x->in_cellxfs = 0;
}

/* --- shared strings ----------------------------------------------------- */

static void XMLCALL ss_start(void *ud, const XML_Char *el, const XML_Char **a)
{
    struct ff_xlsx_read *x = ud;
    const char *n = local(el);

    (void)a;
    if (strcmp(n, "si") == 0) {
        x->in_si = 1;
        ff_buf_reset(&x->text);
    } else if (strcmp(n, "rPh") == 0) {
        x->in_rph = 1;      /* phonetic guide: not part of the text */
    } else if (strcmp(n, "t") == 0 && x->in_si && !x->in_rph) {
        x->collect = 1;
    }
}

static void XMLCALL ss_end(void *ud, const XML_Char *el)
{
    struct ff_xlsx_read *x = ud;
    const char *n = local(el);

    if (strcmp(n, "t") == 0) {
        x->collect = 0;
    } else if (strcmp(n, "rPh") == 0) {
        x->in_rph = 0;
    } else if (strcmp(n, "si") == 0 && x->in_si) {
        uint64_t off = x->ss_bytes;

        x->in_si = 0;
        if (fwrite(&off, sizeof off, 1, x->off_fp) != 1 ||
            (x->text.len &&
             fwrite(x->text.data, 1, x->text.len, x->ss_fp) != x->text.len)) {
            fail(x, FF_ESYS, "cannot write the shared strings to a "
                 "temporary file");
            return;
        }
        x->ss_bytes += x->text.len;
        x->nss++;
        if (x->ss_bytes > FF_ZIP_MEMBER_MAX)
            fail(x, FF_EINPUT, "shared strings are larger than %s",
                 "4 GiB");
    }
}

static int pread_all(int fd, void *buf, size_t n, uint64_t off);

static int ss_spool(struct ff_xlsx_read *x)
{
    uint64_t end;

    x->ss_fd = ff_spool_fd(x->name, x->e);
    if (x->ss_fd < 0)
        return x->e->code;
    x->off_fd = ff_spool_fd(x->name, x->e);
    if (x->off_fd < 0)
        return x->e->code;
    x->ss_fp = fdopen(dup(x->ss_fd), "wb");
    x->off_fp = fdopen(dup(x->off_fd), "wb");
    if (x->ss_fp == NULL || x->off_fp == NULL)
        return ff_err_sys(x->e, x->name, "cannot open a temporary file");
    if (x->ss_part) {
        int rc = parse_part(x, x->ss_part, 1, ss_start, ss_end);

        if (rc)
            return rc;
    }
    end = x->ss_bytes;
    if (fwrite(&end, sizeof end, 1, x->off_fp) != 1 || fflush(x->ss_fp) ||
        fflush(x->off_fp))
        return ff_err_sys(x->e, x->name, "cannot write a temporary file");
    if (x->ss_bytes + 8 * (x->nss + 1) <= x->ss_mem_max) {
        x->ss_mem = ff_malloc((size_t)x->ss_bytes + 1);
        x->off_mem = ff_malloc((size_t)(x->nss + 1) * sizeof *x->off_mem);
        if (x->ss_mem == NULL || x->off_mem == NULL)
            return ff_err_set(x->e, FF_ESYS, x->name, 0, 0, "out of memory");
        if (pread_all(x->ss_fd, x->ss_mem, (size_t)x->ss_bytes, 0) ||
            pread_all(x->off_fd, x->off_mem,
                      (size_t)(x->nss + 1) * sizeof *x->off_mem, 0))
            return ff_err_sys(x->e, x->name, "cannot read a temporary file");
    } else {
        x->cache = ff_calloc(SS_CACHE, sizeof *x->cache);
        if (x->cache == NULL)
            return ff_err_set(x->e, FF_ESYS, x->name, 0, 0, "out of memory");
    }
    return FF_OK;
}

static int pread_all(int fd, void *buf, size_t n, uint64_t off)
{
    char *p = buf;

    while (n > 0) {
        ssize_t k = pread(fd, p, n, (off_t)off);

        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return 0;
}

/* Shared string i into x->val. */
static int ss_get(struct ff_xlsx_read *x, uint64_t i)
{
    uint64_t se[2];
    struct ss_slot *slot;

    ff_buf_reset(&x->val);
    if (i >= x->nss) {
        fail(x, FF_EINPUT, "a cell refers to a shared string that does not "
             "exist; is the file damaged?");
        return -1;
    }
    if (x->ss_mem) {
        if (ff_buf_add(&x->val, x->ss_mem + x->off_mem[i],
                       (size_t)(x->off_mem[i + 1] - x->off_mem[i]))) {
            fail(x, FF_ESYS, "out of memory");
            return -1;
        }
        return 0;
    }
    slot = &x->cache[i % SS_CACHE];
    if (slot->index_plus1 == i + 1) {
        if (ff_buf_add(&x->val, slot->text, slot->len)) {
            fail(x, FF_ESYS, "out of memory");
            return -1;
        }
        return 0;
    }
    if (pread_all(x->off_fd, se, sizeof se, i * sizeof se[0]) ||
        se[1] < se[0] || ff_buf_grow(&x->val, (size_t)(se[1] - se[0]) + 1) ||
        pread_all(x->ss_fd, x->val.data, (size_t)(se[1] - se[0]), se[0])) {
        fail(x, FF_ESYS, "cannot read the shared strings back");
        return -1;
    }
    x->val.len = (size_t)(se[1] - se[0]);
    if (x->val.len <= SS_CACHE_BYTES) {
        slot->index_plus1 = i + 1;
        slot->len = (unsigned char)x->val.len;
        memcpy(slot->text, x->val.data, x->val.len);
    }
    return 0;
}

/* --- cells -------------------------------------------------------------- */

/* 0-based column of a reference "BC12", or (size_t)-1. */
static size_t ref_col(const char *r)
{
    size_t c = 0;
    int n = 0;

    while (*r >= 'A' && *r <= 'Z' && n < 4) {
        c = c * 26 + (size_t)(*r - 'A' + 1);
        r++;
        n++;
    }
    return n == 0 || n > 3 ? (size_t)-1 : c - 1;
}

/* Civil date of a day count since 1970-01-01 (H. Hinnant's algorithm). */
static void civil(long z, long *y, int *m, int *d)
{
    long era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* A serial date/time as ISO text; 0 when it is not a usable date. */
static int format_date(const struct ff_xlsx_read *x, double v, int kind,
                       char *out, size_t size)
{
    double day = floor(v);
    long secs = lround((v - day) * 86400.0), days, y;
    int m, d;

    if (v < 0 || v > 2958465.0)     /* Excel's range ends at 9999-12-31 */
        return 0;
    if (secs >= 86400) {
        secs -= 86400;
        day += 1;
    }
    if (!(kind & KIND_DATE) && day == 0) {
        snprintf(out, size, "%02ld:%02ld:%02ld", secs / 3600,
                 secs / 60 % 60, secs % 60);
        return 1;
    }
    /*
     * 1900 system: serial 1 is 1900-01-01 and Lotus's phantom 1900-02-29 is
     * serial 60, so from 61 on the epoch is 1899-12-30.
     */
    if (x->date1904)
        days = (long)day - 24107;
    else
        days = (long)day - (day >= 61 ? 25569 : 25568);
    civil(days, &y, &m, &d);
    if ((kind & KIND_TIME) || secs != 0)
        snprintf(out, size, "%04ld-%02d-%02dT%02ld:%02ld:%02ld", y, m, d,
                 secs / 3600, secs / 60 % 60, secs % 60);
    else
        snprintf(out, size, "%04ld-%02d-%02d", y, m, d);
    return 1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/*
 * OOXML escapes characters XML cannot hold as _xHHHH_ (ECMA-376 Part 1,
 * 22.9.2.19 ST_Xstring): _x000D_ is a carriage return.  Decoded in place.
 */
static void unescape_x(struct ff_buf *b)
{
    size_t i, o = 0;

    for (i = 0; i < b->len; i++) {
        if (b->data[i] == '_' && i + 6 < b->len && b->data[i + 1] == 'x' &&
            b->data[i + 6] == '_' && hexval(b->data[i + 2]) >= 0 &&
            hexval(b->data[i + 3]) >= 0 && hexval(b->data[i + 4]) >= 0 &&
            hexval(b->data[i + 5]) >= 0) {
            uint32_t cp = (uint32_t)(hexval(b->data[i + 2]) << 12 |
                                     hexval(b->data[i + 3]) << 8 |
                                     hexval(b->data[i + 4]) << 4 |
                                     hexval(b->data[i + 5]));
            char enc[4];
            size_t k = ff_utf8_encode(cp, enc);

            if (k > 0 && k <= 7) {
                memcpy(b->data + o, enc, k);
                o += k;
                i += 6;
                continue;
            }
        }
        b->data[o++] = b->data[i];
    }
    b->len = o;
}

/*
 * Is s[0..n) a number already in the form ff_rowbuf_number() would give:
 * no exponent, no leading or trailing zeros, at most 15 digits?  Most cells
 * are, and copying them skips a strtod and a printf per cell.
 */
static int plain_decimal(const char *s, size_t n)
{
    size_t i = 0, digits = 0, dot = 0;

    if (i < n && s[i] == '-')
        i++;
    if (i == n || (s[i] == '0' && i + 1 < n))
        return 0;
    for (; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digits++;
        else if (s[i] == '.' && !dot)
            dot = i;
        else
            return 0;
    }
    if (dot && (dot == n - 1 || s[n - 1] == '0'))
        return 0;
    return digits > 0 && digits <= 15 && !(n == 2 && s[0] == '-' &&
                                           s[1] == '0');
}

static void end_cell(struct ff_xlsx_read *x)
{
    const char *t = x->ctype;
    char num[64];
    const char *s;
    size_t n;

    ff_buf_addc(&x->text, '\0');    /* room kept by ff_buf */
    x->text.len--;
    if (strcmp(t, "s") == 0) {
        char *end;
        unsigned long long i = strtoull(x->text.data, &end, 10);

        if (x->text.len == 0)
            goto put_empty;
        if (end == x->text.data || *end != '\0') {
            fail(x, FF_EINPUT, "a shared-string cell does not hold a "
                 "number; is the file damaged?");
            return;
        }
        if (ss_get(x, i))
            return;
        unescape_x(&x->val);
        s = x->val.data;
        n = x->val.len;
    } else if (strcmp(t, "inlineStr") == 0 || strcmp(t, "str") == 0) {
        unescape_x(&x->text);
        s = x->text.data;
        n = x->text.len;
    } else if (strcmp(t, "b") == 0) {
        s = x->text.len && x->text.data[0] == '1' ? "TRUE" : "FALSE";
        n = strlen(s);
        if (x->text.len == 0)
            goto put_empty;
    } else if (strcmp(t, "n") == 0 || t[0] == '\0') {
        char *end;
        double v;
        int kind = x->cstyle >= 0 && (size_t)x->cstyle < x->nxf
                       ? x->xf_kind[x->cstyle] : 0;

        if (x->text.len == 0)
            goto put_empty;
        if (!kind && plain_decimal(x->text.data, x->text.len)) {
            s = x->text.data;   /* already what Excel shows */
            n = x->text.len;
            goto put;
        }
        v = strtod(x->text.data, &end);
        if (end == x->text.data || *end != '\0' || !isfinite(v)) {
            s = x->text.data;   /* not a number after all: keep the text */
            n = x->text.len;
        } else {
            if (!kind || !format_date(x, v, kind, num, sizeof num))
                ff_rowbuf_number(v, num, sizeof num);
            s = num;
            n = strlen(num);
        }
    } else {
        /* "e" (an error such as #N/A), "d" (ISO date text): as written. */
        s = x->text.data;
        n = x->text.len;
    }
put:
    if (ff_rowbuf_put(&x->rb, x->col, s, n, x->name, x->row, x->e)) {
        x->stop = x->e->code;
        XML_StopParser(x->xp, XML_FALSE);
    }
    return;
put_empty:
    return;
}

static void XMLCALL sh_start(void *ud, const XML_Char *el, const XML_Char **a)
{
    struct ff_xlsx_read *x = ud;
    const char *n = local(el);

    if (x->stop)
        return;
    if (strcmp(n, "c") == 0) {
        const char *r = attr(a, "r"), *t = attr(a, "t"), *s = attr(a, "s");
        size_t col = r ? ref_col(r) : x->next_col;

        x->col = col == (size_t)-1 ? x->next_col : col;
        x->next_col = x->col + 1;
        snprintf(x->ctype, sizeof x->ctype, "%s", t ? t : "");
        x->cstyle = s ? strtol(s, NULL, 10) : 0;
        ff_buf_reset(&x->text);
        x->in_is = 0;
    } else if (strcmp(n, "v") == 0) {
        x->collect = 1;
    } else if (strcmp(n, "is") == 0) {
        x->in_is = 1;
    } else if (strcmp(n, "rPh") == 0) {
        x->in_rph = 1;
    } else if (strcmp(n, "t") == 0 && x->in_is && !x->in_rph) {
        x->collect = 1;
    } else if (strcmp(n, "row") == 0) {
        const char *r = attr(a, "r");
        long v = r ? strtol(r, NULL, 10) : 0;

        x->row = v > 0 ? v : x->next_row;
        x->next_row = x->row + 1;
        x->next_col = 0;
    }
}

static void XMLCALL sh_end(void *ud, const XML_Char *el)
{
    struct ff_xlsx_read *x = ud;
    const char *n = local(el);

    if (x->stop)
        return;
    if (strcmp(n, "v") == 0 || strcmp(n, "t") == 0) {
        x->collect = 0;
    } else if (strcmp(n, "rPh") == 0) {
        x->in_rph = 0;
    } else if (strcmp(n, "is") == 0) {
        x->in_is = 0;
    } else if (strcmp(n, "c") == 0) {
        x->collect = 0;
        end_cell(x);
    } else if (strcmp(n, "row") == 0) {
        int rc = ff_rowbuf_emit(&x->rb, x->row, x->fn, x->ctx, x->name, x->e);

        if (rc && !x->stop) {
            x->stop = rc;
            XML_StopParser(x->xp, XML_FALSE);
        }
    }
}

/* --- public ------------------------------------------------------------- */

int ff_xlsx_read_is_xlsx(const struct ff_zip *z)
{
    return ff_zip_find(z, "xl/workbook.xml") >= 0;
}

struct ff_xlsx_read *ff_xlsx_read_open(const char *name, struct ff_zip *z,
                                       const char *sheet, struct ff_err *e)
{
    struct ff_xlsx_read *x = ff_calloc(1, sizeof *x);
    size_t i;

    if (x == NULL || (x->name = ff_strdup(name)) == NULL) {
        ff_free(x);
        ff_err_set(e, FF_ESYS, name, 0, 0, "out of memory");
        return NULL;
    }
    x->z = z;
    x->e = e;
    x->ss_fd = x->off_fd = -1;
    x->chosen = -1;
    /* Tests force the spool path with FFKIT_XLSX_SS_MEM_MAX=0. */
    x->ss_mem_max = getenv("FFKIT_XLSX_SS_MEM_MAX")
                        ? strtoul(getenv("FFKIT_XLSX_SS_MEM_MAX"), NULL, 10)
                        : SS_MEM_MAX;
    ff_buf_init(&x->text);
    ff_buf_init(&x->val);
    ff_rowbuf_init(&x->rb);
    if (parse_part(x, "xl/workbook.xml", 0, wb_start, no_end))
        goto fail;
    for (i = 0; i < x->nsheets && x->chosen < 0; i++)
        if (sheet == NULL || strcmp(x->sheets[i].name, sheet) == 0)
            x->chosen = (long)i;
    for (i = 0; i < x->nsheets && x->chosen < 0; i++)
        if (strcasecmp(x->sheets[i].name, sheet) == 0)
            x->chosen = (long)i;
    if (x->chosen < 0) {
        struct ff_buf b;

        ff_buf_init(&b);
        for (i = 0; i < x->nsheets && b.len < 300; i++)
            ff_buf_addf(&b, "%s'%s'", i ? ", " : "", x->sheets[i].name);
        if (sheet)
            ff_err_set(e, FF_EINPUT, name, 0, 0, "no sheet '%s'; the "
                       "sheets are %s", sheet, b.len ? b.data : "(none)");
        else
            ff_err_set(e, FF_EINPUT, name, 0, 0, "the workbook has no "
                       "sheet");
        ff_buf_release(&b);
        goto fail;
    }
    x->want_rid = x->sheets[x->chosen].rid;
    if (parse_part(x, "xl/_rels/workbook.xml.rels", 0, rels_start, no_end))
        goto fail;
    if (x->sheet_part == NULL) {
        ff_err_set(e, FF_EINPUT, name, 0, 0, "sheet '%s' has no part in "
                   "the package; is the file damaged?",
                   x->sheets[x->chosen].name);
        goto fail;
    }
    if (parse_part(x, x->styles_part ? x->styles_part : "xl/styles.xml", 1,
                   st_start, st_end))
        goto fail;
    if (ss_spool(x))
        goto fail;
    return x;
fail:
    ff_xlsx_read_free(x);
    return NULL;
}

int ff_xlsx_read_rows(struct ff_xlsx_read *x, ff_csv_record_fn fn, void *ctx,
                      struct ff_err *e)
{
    x->e = e;
    x->fn = fn;
    x->ctx = ctx;
    x->stop = 0;
    x->row = 0;
    x->next_row = 1;
    return parse_part(x, x->sheet_part, 0, sh_start, sh_end);
}

const char *ff_xlsx_read_sheet(const struct ff_xlsx_read *x)
{
    return x->sheets[x->chosen].name;
}

void ff_xlsx_read_free(struct ff_xlsx_read *x)
{
    size_t i;

    if (x == NULL)
        return;
    for (i = 0; i < x->nsheets; i++) {
        ff_free(x->sheets[i].name);
        ff_free(x->sheets[i].rid);
    }
    ff_free(x->sheets);
    ff_free(x->sheet_part);
    ff_free(x->ss_part);
    ff_free(x->styles_part);
    ff_free(x->xf_kind);
    ff_free(x->fmt_id);
    ff_free(x->fmt_kind);
    ff_free(x->ss_mem);
    ff_free(x->off_mem);
    ff_free(x->cache);
    if (x->ss_fp)
        fclose(x->ss_fp);
    if (x->off_fp)
        fclose(x->off_fp);
    if (x->ss_fd >= 0)
        close(x->ss_fd);
    if (x->off_fd >= 0)
        close(x->off_fd);
    ff_buf_release(&x->text);
    ff_buf_release(&x->val);
    ff_rowbuf_release(&x->rb);
    ff_free(x->name);
    ff_free(x);
}
