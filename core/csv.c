/*
 * csv.c - streaming CSV reader: encoding detection, conversion, libcsv.
 *
 * The only file that includes csv.h from libcsv.  Workload: registers of a
 * few thousand rows and form exports of up to millions of records; memory
 * holds one input chunk and the current record, whatever the file size.
 *
 * Encoding is decided at the first non-ASCII byte (ASCII reads the same in
 * UTF-8 and Windows-874): bytes before it are fed as they are, and from it
 * on a window of up to DECIDE_BYTES is gathered and judged (see decide()).
 *
 * Physical line numbers: libcsv does not report positions, so input is fed
 * to it one physical line at a time (split on LF).  A record starts on the
 * first non-empty line fed while no record is open; the end-of-record
 * callback closes it.  A quoted field spanning lines keeps the record open,
 * so its start line stays the line of its first field (RFC 4180 §2.6).
 */
#include "csv.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "utf8.h"

#define CHUNK_BYTES 65536
/* Text gathered from the first non-ASCII byte on to decide the encoding. */
#define DECIDE_BYTES 16384
/*
 * A stray quote is fed again as this byte, which never occurs in UTF-8, so
 * libcsv takes it as an ordinary character; on_field() turns it back.
 */
#define QUOTE_MARK '\xFF'

/* A record larger than this is a runaway quote, not data. */
#define MAX_RECORD_BYTES FF_CSV_MAX_RECORD_BYTES

struct ff_csv {
    char *name;
    FILE *fp;
    const char *mem;                /* borrowed input when reading memory */
    size_t mem_len, mem_pos;
    int fd;                         /* borrowed descriptor, or -1 */
    struct ff_csv_src src;          /* where bytes come from */
    void (*tap)(void *, const unsigned char *, size_t);
    void *tap_ctx;
    unsigned long long max_bytes, nread;    /* bound (0: none), bytes read */
    int at_eof;                     /* src returned 0 bytes */
    int enc;                        /* FF_CSV_ENC_DETECT until decided */
    char delim;
    iconv_t cd;                     /* CP874 -> UTF-8, or (iconv_t)-1 */
    char *chunk;                    /* raw bytes read, CHUNK_BYTES */
    size_t chunk_len;
    int first_pending;              /* the sniffed first chunk is unused */
    struct ff_buf conv;             /* chunk converted to UTF-8 */
    struct csv_parser parser;
    int parser_ok;

    /* The record being assembled. */
    struct ff_buf fields;           /* field bytes, each NUL-terminated */
    size_t *offs, *lens;
    char **ptrs;
    size_t nfields, cap;
    long record, line, rec_line;
    long col_bytes;                 /* bytes fed since the last LF */
    int in_record;
    int line_ended;                 /* the last piece fed ended with LF */
    size_t header_fields;           /* fields of record 1 */
    struct ff_buf held;             /* lines of the open record, as fed */
    int refeeding;                  /* feeding held lines again */
    long quote_field;               /* field whose quote was made literal */
    int marks;                      /* QUOTE_MARKs fed, not yet seen */

    /* The current read. */
    ff_csv_record_fn fn;
    void *ctx;
    struct ff_err *e;
    int stop;                       /* code that stops the read, or 0 */
};

static void on_field(void *s, size_t len, void *data)
{
    struct ff_csv *c = data;

    if (c->stop)
        return;
    if (c->nfields >= FF_CSV_MAX_FIELDS) {
        c->stop = ff_err_set(c->e, FF_EINPUT, c->name, c->rec_line, 0,
                             "record has more than %d fields",
                             FF_CSV_MAX_FIELDS);
        return;
    }
    if (c->fields.len + len > MAX_RECORD_BYTES) {
        c->stop = ff_err_set(c->e, FF_EINPUT, c->name, c->rec_line, 0,
                             "record is longer than %lu MiB",
                             MAX_RECORD_BYTES >> 20);
        return;
    }
    if (c->nfields == c->cap) {
        /* Three parallel arrays: cap moves only once all three have. */
        size_t k[3] = {c->cap, c->cap, c->cap};
        void *p;

        if ((p = ff_grow(c->offs, &k[0], c->nfields + 1, sizeof *c->offs,
                         32)) != NULL)
            c->offs = p;
        if (p && (p = ff_grow(c->lens, &k[1], c->nfields + 1,
                              sizeof *c->lens, 32)))
            c->lens = p;
        if (p && (p = ff_grow(c->ptrs, &k[2], c->nfields + 1,
                              sizeof *c->ptrs, 32)))
            c->ptrs = p;
        if (p == NULL) {
            c->stop = ff_err_set(c->e, FF_ESYS, c->name, c->rec_line, 0,
                                 "out of memory");
            return;
        }
        c->cap = k[0];
    }
    c->offs[c->nfields] = c->fields.len;
    c->lens[c->nfields] = len;
    if (ff_buf_add(&c->fields, s ? s : "", s ? len : 0) ||
        ff_buf_addc(&c->fields, '\0')) {
        c->stop = ff_err_set(c->e, FF_ESYS, c->name, c->rec_line, 0,
                             "out of memory");
        return;
    }
    if (c->marks && s) {
        /* The stray quote was fed as QUOTE_MARK (see recover_quote()). */
        char *q = memchr(c->fields.data + c->offs[c->nfields], QUOTE_MARK,
                         len);

        if (q) {
            *q = '"';
            c->marks--;
            c->quote_field = (long)c->nfields + 1;
        }
    }
    c->nfields++;
}

static void on_record(int term, void *data)
{
    struct ff_csv *c = data;
    struct ff_csv_record r;
    size_t i;
    int rc;

    (void)term;
    c->in_record = 0;
    if (c->stop) {
        c->nfields = 0;
        ff_buf_reset(&c->fields);
        return;
    }
    r.record = ++c->record;
    r.line = c->rec_line;
    r.nfields = c->nfields;
    r.bad_utf8_field = 0;
    r.padded = 0;
    for (i = 0; i < c->nfields; i++) {
        c->ptrs[i] = c->fields.data + c->offs[i];
        if (!r.bad_utf8_field &&
            ff_utf8_invalid_at(c->ptrs[i], c->lens[i]) != c->lens[i])
            r.bad_utf8_field = (long)i + 1;
    }
    r.fields = c->ptrs;
    r.lens = c->lens;
    r.stray_quote_field = c->quote_field;
    c->quote_field = 0;
    if (r.record == 1)
        c->header_fields = r.nfields;
    rc = c->fn(c->ctx, &r, c->e);
    if (rc != FF_OK)
        c->stop = rc;
    c->nfields = 0;
    ff_buf_reset(&c->fields);
}

/* Delimiter of the header line: the most frequent of , ; TAB unquoted. */
static char sniff_delim(const char *s, size_t n)
{
    size_t i, comma = 0, semi = 0, tab = 0;
    int quoted = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted && (s[i] == '\n' || s[i] == '\r'))
            break;
        else if (!quoted && s[i] == ',')
            comma++;
        else if (!quoted && s[i] == ';')
            semi++;
        else if (!quoted && s[i] == '\t')
            tab++;
    }
    if (semi > comma && semi >= tab)
        return ';';
    if (tab > comma && tab > semi)
        return '\t';
    return ',';
}

/*
 * Windows-874 bytes that no Thai text holds: positions the code page leaves
 * undefined.  Latin-1 letters such as ü (0xFC) fall here.
 */
static int cp874_undefined(unsigned char b)
{
    return (b >= 0x81 && b <= 0x84) || (b >= 0x86 && b <= 0x90) ||
           (b >= 0x98 && b <= 0x9F) || (b >= 0xDB && b <= 0xDE) ||
           b >= 0xFC;
}

/* Thai vowels and tone marks written above or below a consonant. */
static int cp874_combining(unsigned char b)
{
    return b == 0xD1 || (b >= 0xD4 && b <= 0xDA) || (b >= 0xE7 && b <= 0xEE);
}

static int ascii_letter(unsigned char b)
{
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
}

/*
 * Is s[0..n), known not to be UTF-8, Thai in Windows-874?  Thai text comes
 * in runs of several bytes that start with a consonant or a leading vowel
 * and sit between spaces or punctuation.  Latin-1 (or Windows-1252) text has
 * single accented letters inside Latin words, and those bytes are, in
 * Windows-874, tone marks (é = 0xE9 = ้), leading vowels without a
 * consonant (à = 0xE0 = เ), digits (ñ = 0xF1 = ๑) or undefined (ü = 0xFC).
 * A run is implausible as Thai when it holds an undefined byte, starts with
 * a combining mark, is a lone leading vowel, or is at most two bytes glued
 * to a Latin letter.  Thai when at most one run in ten is implausible.
 */
static int looks_thai_cp874(const unsigned char *s, size_t n)
{
    size_t i = 0, runs = 0, bad = 0;

    while (i < n) {
        size_t j = i, k;
        int odd = 0;

        if (s[i] < 0x80) {
            i++;
            continue;
        }
        while (j < n && s[j] >= 0x80)
            j++;
        for (k = i; k < j; k++)
            if (cp874_undefined(s[k]))
                odd = 1;
        if (cp874_combining(s[i]))
            odd = 1;
        if (j - i == 1 && s[i] >= 0xE0 && s[i] <= 0xE4)
            odd = 1;
        if (j - i <= 2 && ((i > 0 && ascii_letter(s[i - 1])) ||
                           (j < n && ascii_letter(s[j]))))
            odd = 1;
        runs++;
        bad += (size_t)odd;
        i = j;
    }
    return runs > 0 && bad * 10 <= runs;
}

/*
 * UTF-8 Thai read as Windows-874 and saved again as UTF-8: every Thai
 * character U+0E00..U+0E7F was E0 B8 xx or E0 B9 xx, which Windows-874 shows
 * as เ (0xE0) then ธ (0xB8) or น (0xB9) then one more character (or '?' where
 * xx is undefined there).  So the text is mostly triples เธ? / เน?.  Real
 * Thai has เธ only in a few words (เธอ), never as most of its letters.
 */
static int looks_double_encoded(const char *s, size_t n)
{
    size_t i = 0, k, thai = 0, triples = 0;
    uint32_t cp, prev2 = 0, prev1 = 0;
    int in_triple = 0;

    while (i < n) {
        k = ff_utf8_decode(s + i, n - i, &cp);
        if (k == 0) {
            i++;
            continue;
        }
        i += k;
        if (cp >= 0x0E00 && cp <= 0x0E7F)
            thai++;
        if (in_triple) {
            in_triple--;
        } else if (prev2 == 0x0E40 && (prev1 == 0x0E18 || prev1 == 0x0E19)) {
            triples++;
            in_triple = 0;
            prev2 = prev1 = 0;
            continue;
        }
        prev2 = prev1;
        prev1 = cp;
    }
    return triples >= 2 && triples * 3 * 10 >= thai * 6;
}

/*
 * Decide the encoding from s[0..n), which starts at the first non-ASCII
 * byte of the file (line c->line, column c->col_bytes + 1).  Returns FF_OK
 * with c->enc set, or FF_EINPUT naming what the file appears to be.
 */
static int decide(struct ff_csv *c, const char *s, size_t n, struct ff_err *e)
{
    size_t i = 0, good = 0, bad = 0, k;
    uint32_t cp;

    while (i < n) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        k = ff_utf8_decode(s + i, n - i, &cp);
        if (k == 0) {
            if (!c->at_eof && n - i < 4)
                break;      /* a sequence cut by the window */
            bad++;
            i++;
        } else {
            good++;
            i += k;
        }
    }
    /*
     * Thai in Windows-874 is bytes 0xA1..0xFB, which almost never form valid
     * UTF-8 sequences; a UTF-8 file damaged in a few records still has far
     * more good sequences than bad bytes.
     */
    if (bad <= good) {
        if (looks_double_encoded(s, n))
            return ff_err_set(e, FF_EINPUT, c->name, c->line,
                              c->col_bytes + 1,
                              "text is UTF-8 Thai that was opened as "
                              "Windows-874 and saved again as UTF-8 (it "
                              "reads 'เธ...'); characters are lost: export "
                              "the file again from its source, or open the "
                              "original as UTF-8");
        c->enc = FF_CSV_ENC_UTF8;
        return FF_OK;
    }
    if (!looks_thai_cp874((const unsigned char *)s, n))
        return ff_err_set(e, FF_EINPUT, c->name, c->line, c->col_bytes + 1,
                          "text is neither UTF-8 nor Thai Windows-874 (it "
                          "looks like Latin-1 or another single-byte "
                          "encoding); save the file as UTF-8");
    c->enc = FF_CSV_ENC_CP874;
    c->cd = iconv_open("UTF-8", "CP874");
    if (c->cd == (iconv_t)-1)
        return ff_err_sys(e, c->name, "cannot convert from Windows-874");
    return FF_OK;
}

static int src_file(void *ctx, char *buf, size_t cap, size_t *got,
                    struct ff_err *e)
{
    struct ff_csv *c = ctx;

    *got = fread(buf, 1, cap, c->fp);
    if (*got == 0 && ferror(c->fp))
        return ff_err_sys(e, c->name, "cannot read");
    return FF_OK;
}

static int src_fd(void *ctx, char *buf, size_t cap, size_t *got,
                  struct ff_err *e)
{
    struct ff_csv *c = ctx;

    for (;;) {
        ssize_t k = read(c->fd, buf, cap);

        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return ff_err_sys(e, c->name, "cannot read");
        *got = (size_t)k;
        return FF_OK;
    }
}

static int src_mem(void *ctx, char *buf, size_t cap, size_t *got,
                   struct ff_err *e)
{
    struct ff_csv *c = ctx;
    size_t n = c->mem_len - c->mem_pos;

    (void)e;
    if (n > cap)
        n = cap;
    memcpy(buf, c->mem + c->mem_pos, n);
    c->mem_pos += n;
    *got = n;
    return FF_OK;
}

/*
 * Read up to cap bytes into buf (looping over short reads: a pipe gives
 * what it has), counting them against max_bytes and tapping them.
 */
static int read_into(struct ff_csv *c, char *buf, size_t cap, size_t *got,
                     struct ff_err *e)
{
    size_t n = 0, k;
    int rc;

    while (n < cap && !c->at_eof) {
        if ((rc = c->src.read(c->src.ctx, buf + n, cap - n, &k, e)) != FF_OK)
            return rc;
        if (k == 0) {
            c->at_eof = 1;
            break;
        }
        c->nread += k;
        if (c->max_bytes && c->nread > c->max_bytes)
            return ff_err_set(e, FF_EINPUT, c->name, c->line, 0,
                              "input is larger than %llu MiB: not a form "
                              "export (split it, e.g. by month)",
                              c->max_bytes >> 20);
        if (c->tap)
            c->tap(c->tap_ctx, (const unsigned char *)buf + n, k);
        n += k;
    }
    *got = n;
    return FF_OK;
}

static int read_chunk(struct ff_csv *c, struct ff_err *e)
{
    return read_into(c, c->chunk, CHUNK_BYTES, &c->chunk_len, e);
}

static int parser_start(struct ff_csv *c, struct ff_err *e)
{
    if (csv_init(&c->parser, CSV_APPEND_NULL) != 0)
        return ff_err_set(e, FF_ESYS, c->name, 0, 0, "out of memory");
    c->parser_ok = 1;
    csv_set_delim(&c->parser, (unsigned char)c->delim);
    csv_set_realloc_func(&c->parser, ff_realloc);
    csv_set_free_func(&c->parser, ff_free);
    return FF_OK;
}

static struct ff_csv *open_common(struct ff_csv *c,
                                  const struct ff_csv_opts *opts,
                                  struct ff_err *e)
{
    c->cd = (iconv_t)-1;
    ff_buf_init(&c->conv);
    ff_buf_init(&c->fields);
    ff_buf_init(&c->held);
    c->line = 1;
    if (opts) {
        c->tap = opts->tap;
        c->tap_ctx = opts->tap_ctx;
        c->max_bytes = opts->max_bytes;
    }
    c->chunk = ff_malloc(CHUNK_BYTES);
    if (c->chunk == NULL) {
        ff_err_set(e, FF_ESYS, c->name, 0, 0, "out of memory");
        goto fail;
    }
    if (read_chunk(c, e))
        goto fail;
    c->first_pending = 1;
    c->enc = opts ? opts->encoding : FF_CSV_ENC_DETECT;
    if (c->enc == FF_CSV_ENC_DETECT && c->chunk_len >= 3 &&
        memcmp(c->chunk, "\xEF\xBB\xBF", 3) == 0)
        c->enc = FF_CSV_ENC_UTF8_BOM;
    if (c->enc == FF_CSV_ENC_UTF8_BOM && c->chunk_len >= 3 &&
        memcmp(c->chunk, "\xEF\xBB\xBF", 3) == 0) {
        memmove(c->chunk, c->chunk + 3, c->chunk_len - 3);
        c->chunk_len -= 3;
    }
    /* The delimiter is ASCII in every encoding: sniff the raw bytes. */
    c->delim = opts && opts->delim ? opts->delim
                                   : sniff_delim(c->chunk, c->chunk_len);
    if (c->enc == FF_CSV_ENC_CP874) {
        c->cd = iconv_open("UTF-8", "CP874");
        if (c->cd == (iconv_t)-1) {
            ff_err_sys(e, c->name, "cannot convert from Windows-874");
            goto fail;
        }
    }
    if (parser_start(c, e))
        goto fail;
    return c;
fail:
    ff_csv_free(c);
    return NULL;
}

static struct ff_csv *new_reader(const char *name, struct ff_err *e)
{
    struct ff_csv *c = ff_calloc(1, sizeof *c);

    if (c == NULL) {
        ff_err_set(e, FF_ESYS, name, 0, 0, "out of memory");
        return NULL;
    }
    c->cd = (iconv_t)-1;
    c->fd = -1;
    c->name = ff_strdup(name);
    if (c->name == NULL) {
        ff_err_set(e, FF_ESYS, name, 0, 0, "out of memory");
        ff_free(c);
        return NULL;
    }
    return c;
}

struct ff_csv *ff_csv_open(const char *path, const struct ff_csv_opts *opts,
                           struct ff_err *e)
{
    struct ff_csv *c = new_reader(path, e);

    if (c == NULL)
        return NULL;
    c->fp = fopen(path, "rb");
    if (c->fp == NULL) {
        ff_err_sys(e, path, "cannot open");
        ff_free(c->name);
        ff_free(c);
        return NULL;
    }
    c->src.read = src_file;
    c->src.ctx = c;
    return open_common(c, opts, e);
}

struct ff_csv *ff_csv_open_fd(const char *name, int fd,
                              const struct ff_csv_opts *opts,
                              struct ff_err *e)
{
    struct ff_csv *c = new_reader(name, e);

    if (c == NULL)
        return NULL;
    c->fd = fd;
    c->src.read = src_fd;
    c->src.ctx = c;
    return open_common(c, opts, e);
}

struct ff_csv *ff_csv_open_mem(const char *name, const char *data, size_t n,
                               const struct ff_csv_opts *opts,
                               struct ff_err *e)
{
    struct ff_csv *c = new_reader(name, e);

    if (c == NULL)
        return NULL;
    c->mem = data;
    c->mem_len = n;
    c->src.read = src_mem;
    c->src.ctx = c;
    return open_common(c, opts, e);
}

struct ff_csv *ff_csv_open_src(const char *name, const struct ff_csv_src *src,
                               const struct ff_csv_opts *opts,
                               struct ff_err *e)
{
    struct ff_csv *c = new_reader(name, e);

    if (c == NULL)
        return NULL;
    c->src = *src;
    return open_common(c, opts, e);
}

/*
 * Convert a Windows-874 chunk.  Bytes CP874 leaves undefined are copied as
 * they are, so the record carrying them is flagged as invalid UTF-8 rather
 * than silently altered.
 */
static int convert(struct ff_csv *c, const char *in, size_t n,
                   struct ff_err *e)
{
    char *src = (char *)in;
    size_t left = n;

    ff_buf_reset(&c->conv);
    if (ff_buf_grow(&c->conv, n * 3 + 16))
        return ff_err_set(e, FF_ESYS, c->name, 0, 0, "out of memory");
    while (left > 0) {
        char *dst = c->conv.data + c->conv.len;
        size_t room = c->conv.cap - c->conv.len - 1;

        if (iconv(c->cd, &src, &left, &dst, &room) == (size_t)-1) {
            c->conv.len = (size_t)(dst - c->conv.data);
            if (errno == EILSEQ || errno == EINVAL) {
                c->conv.data[c->conv.len++] = *src++;
                left--;
                continue;
            }
            return ff_err_sys(e, c->name, "cannot convert from Windows-874");
        }
        c->conv.len = (size_t)(dst - c->conv.data);
    }
    c->conv.data[c->conv.len] = '\0';
    return FF_OK;
}

static int feed(struct ff_csv *c, const char *s, size_t n, struct ff_err *e);

/*
 * Where the quote open at the end of s[0..n) was opened, reading as libcsv
 * does (RFC 4180 without CSV_STRICT): a quote at the start of a field, after
 * blanks, opens it; "" inside is a quote; a quote followed by the delimiter
 * or a line end closes it, followed by anything else it does not.  Returns
 * n when no quote is open.
 */
static size_t open_quote_at(const struct ff_csv *c, const char *s, size_t n)
{
    size_t i, open = n;
    int start = 1, quoted = 0;

    for (i = 0; i < n; i++) {
        char ch = s[i];

        if (quoted) {
            if (ch != '"')
                continue;
            if (i + 1 < n && s[i + 1] == '"') {
                i++;
            } else if (i + 1 == n || s[i + 1] == c->delim ||
                       s[i + 1] == '\n' || s[i + 1] == '\r') {
                quoted = 0;
                open = n;
            }
        } else if (ch == c->delim || ch == '\n') {
            start = 1;
        } else if (start && (ch == ' ' || ch == '\t')) {
            continue;
        } else if (start && ch == '"') {
            quoted = 1;
            open = i;
            start = 0;
        } else {
            start = 0;
        }
    }
    return quoted ? open : n;
}

/*
 * A line inside a quoted field that holds as many delimiters as a whole
 * record is a record of its own: the quote before it was stray.
 */
static int looks_like_record(const struct ff_csv *c, const char *s, size_t n)
{
    size_t i, d = 0;

    if (c->header_fields < 3)
        return 0;
    for (i = 0; i < n; i++)
        d += s[i] == c->delim;
    return d + 1 >= c->header_fields;
}

/*
 * Issue 11 item 5: a stray quote must cost at most its own record.  The
 * lines of the open record are fed again from its first line, with the
 * quote that opened the runaway field made a literal character; the record
 * is delivered with stray_quote_field set, so the caller rejects it and
 * names it, and the lines after it are read as the records they are.
 */
static int recover_quote(struct ff_csv *c, struct ff_err *e)
{
    struct ff_buf tmp = c->held;
    size_t q = open_quote_at(c, tmp.data, tmp.len);
    int rc;

    ff_buf_init(&c->held);
    /* A byte like our mark already in the text (invalid UTF-8 there) would
     * be turned into a quote: refuse rather than guess. */
    if (q == tmp.len ||
        (c->marks == 0 && memchr(tmp.data, QUOTE_MARK, tmp.len) != NULL)) {
        rc = ff_err_set(e, FF_EINPUT, c->name, c->rec_line, 0,
                        "a quote opened in this record is never closed; "
                        "every line after it would be lost (remove or "
                        "double the stray '\"')");
        goto out;
    }
    tmp.data[q] = QUOTE_MARK;
    c->marks++;
    csv_free(&c->parser);
    c->parser_ok = 0;
    if ((rc = parser_start(c, e)) != FF_OK)
        goto out;
    c->nfields = 0;
    ff_buf_reset(&c->fields);
    c->in_record = 0;
    c->line = c->rec_line;
    c->col_bytes = 0;
    rc = feed(c, tmp.data, tmp.len, e);
out:
    ff_buf_release(&tmp);
    return rc;
}

/* Feed s[0..n) to libcsv one physical line at a time. */
static int feed(struct ff_csv *c, const char *s, size_t n, struct ff_err *e)
{
    size_t pos = 0;
    int rc;

    while (pos < n && !c->stop) {
        const char *nl = memchr(s + pos, '\n', n - pos);
        size_t piece = nl ? (size_t)(nl - (s + pos)) + 1 : n - pos;
        size_t k, have;

        if (!c->in_record) {
            for (k = 0; k < piece; k++)
                if (s[pos + k] != '\r' && s[pos + k] != '\n')
                    break;
            if (k < piece) {
                c->in_record = 1;
                c->rec_line = c->line;
                ff_buf_reset(&c->held);
            }
        } else if (c->line_ended && looks_like_record(c, s + pos, piece)) {
            if ((rc = recover_quote(c, e)) != FF_OK)
                return rc;
            continue;       /* this line again, after the repaired ones */
        }
        if (c->in_record && ff_buf_add(&c->held, s + pos, piece))
            return ff_err_set(e, FF_ESYS, c->name, c->line, 0,
                              "out of memory");
        /*
         * libcsv grows its field buffer by a fixed block (128 bytes by
         * default), which copies a long field quadratically; asking for the
         * current size again (at least one chunk) before each piece makes
         * the growth geometric.
         */
        have = csv_get_buffer_size(&c->parser);
        csv_set_blk_size(&c->parser, have > CHUNK_BYTES ? have : CHUNK_BYTES);
        if (csv_parse(&c->parser, s + pos, piece, on_field, on_record, c) !=
            piece) {
            if (csv_error(&c->parser) == CSV_ENOMEM)
                return ff_err_set(e, FF_ESYS, c->name, c->line, 0,
                                  "out of memory");
            return ff_err_set(e, FF_ESYS, c->name, c->line, 0,
                              "cannot parse: %s",
                              csv_strerror(csv_error(&c->parser)));
        }
        if (c->in_record && csv_get_buffer_size(&c->parser) > MAX_RECORD_BYTES)
            return ff_err_set(e, FF_EINPUT, c->name, c->rec_line, 0,
                              "record is longer than %lu MiB; is a quote "
                              "left open?", MAX_RECORD_BYTES >> 20);
        c->line_ended = nl != NULL;
        if (nl) {
            c->line++;
            c->col_bytes = 0;
        } else {
            c->col_bytes += (long)piece;
        }
        pos += piece;
    }
    return c->stop;
}

/* Feed raw bytes in the decided encoding. */
static int feed_raw(struct ff_csv *c, const char *s, size_t n,
                    struct ff_err *e)
{
    int rc;

    if (c->enc != FF_CSV_ENC_CP874)
        return feed(c, s, n, e);
    if ((rc = convert(c, s, n, e)) != FF_OK)
        return rc;
    return feed(c, c->conv.data, c->conv.len, e);
}

/*
 * Feed a chunk while the encoding is not decided: the ASCII before the
 * first non-ASCII byte goes straight in; from that byte on, at least
 * DECIDE_BYTES are gathered (reading ahead if the chunk is shorter), judged,
 * and fed in the encoding decided.
 */
static int feed_undecided(struct ff_csv *c, struct ff_err *e)
{
    struct ff_buf win;
    size_t i, got;
    int rc;

    for (i = 0; i < c->chunk_len; i++)
        if ((unsigned char)c->chunk[i] >= 0x80)
            break;
    if ((rc = feed(c, c->chunk, i, e)) != FF_OK || i == c->chunk_len)
        return rc;
    ff_buf_init(&win);
    if (ff_buf_add(&win, c->chunk + i, c->chunk_len - i)) {
        rc = ff_err_set(e, FF_ESYS, c->name, 0, 0, "out of memory");
        goto out;
    }
    while (win.len < DECIDE_BYTES && !c->at_eof) {
        if ((rc = read_chunk(c, e)) != FF_OK)
            goto out;
        if (ff_buf_add(&win, c->chunk, c->chunk_len)) {
            rc = ff_err_set(e, FF_ESYS, c->name, 0, 0, "out of memory");
            goto out;
        }
    }
    if ((rc = decide(c, win.data, win.len, e)) != FF_OK)
        goto out;
    rc = feed_raw(c, win.data, win.len, e);
out:
    ff_buf_release(&win);
    (void)got;
    return rc;
}

int ff_csv_read(struct ff_csv *c, ff_csv_record_fn fn, void *ctx,
                struct ff_err *e)
{
    int rc = FF_OK;

    c->fn = fn;
    c->ctx = ctx;
    c->e = e;
    c->stop = 0;
    for (;;) {
        if (!c->first_pending && (rc = read_chunk(c, e)) != FF_OK)
            return rc;
        c->first_pending = 0;
        if (c->chunk_len == 0)
            break;
        if (c->enc == FF_CSV_ENC_DETECT)
            rc = feed_undecided(c, e);
        else
            rc = feed_raw(c, c->chunk, c->chunk_len, e);
        if (rc != FF_OK)
            return rc;
    }
    /*
     * Still inside a record after a line end: a quoted field is open and the
     * rest of the file went into it.  Read those lines again with the stray
     * quote taken literally rather than lose them.
     */
    while (c->in_record && c->line_ended && !c->stop)
        if ((rc = recover_quote(c, e)) != FF_OK)
            return rc;
    csv_fini(&c->parser, on_field, on_record, c);
    return c->stop;
}

const char *ff_csv_encoding_name(const struct ff_csv *c)
{
    switch (c->enc) {
    case FF_CSV_ENC_UTF8_BOM:
        return "UTF-8 with BOM";
    case FF_CSV_ENC_CP874:
        return "Windows-874";
    default:
        return "UTF-8";
    }
}

char ff_csv_delimiter(const struct ff_csv *c)
{
    return c->delim;
}

void ff_csv_free(struct ff_csv *c)
{
    if (c == NULL)
        return;
    if (c->parser_ok)
        csv_free(&c->parser);
    if (c->cd != (iconv_t)-1)
        iconv_close(c->cd);
    if (c->fp)
        fclose(c->fp);
    ff_buf_release(&c->conv);
    ff_buf_release(&c->fields);
    ff_buf_release(&c->held);
    ff_free(c->offs);
    ff_free(c->lens);
    ff_free(c->ptrs);
    ff_free(c->chunk);
    ff_free(c->name);
    ff_free(c);
}
