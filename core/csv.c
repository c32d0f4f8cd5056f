/*
 * csv.c - streaming CSV reader: encoding detection, conversion, libcsv.
 *
 * The only file that includes csv.h from libcsv.  Workload: registers of a
 * few thousand rows and form exports of up to millions of records; memory
 * holds one input chunk and the current record, whatever the file size.
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
#define SNIFF_BYTES 65536
/* A record larger than this is a runaway quote, not data. */
#define MAX_RECORD_BYTES (64UL * 1024 * 1024)

struct ff_csv {
    char *name;
    FILE *fp;
    int fd;                         /* borrowed descriptor, or -1 */
    int fd_eof;
    void (*tap)(void *, const unsigned char *, size_t);
    void *tap_ctx;
    unsigned long long max_bytes, nread;
    const char *mem;                /* borrowed input when reading memory */
    size_t mem_len, mem_pos;
    int enc;
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
    int in_record;

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
    if (c->nfields == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        size_t *o = ff_realloc(c->offs, cap * sizeof *o);
        size_t *l = o ? ff_realloc(c->lens, cap * sizeof *l) : NULL;
        char **p;

        if (o)
            c->offs = o;
        if (l)
            c->lens = l;
        p = l ? ff_realloc(c->ptrs, cap * sizeof *p) : NULL;
        if (p == NULL) {
            c->stop = ff_err_set(c->e, FF_ESYS, c->name, c->rec_line, 0,
                                 "out of memory");
            return;
        }
        c->ptrs = p;
        c->cap = cap;
    }
    c->offs[c->nfields] = c->fields.len;
    c->lens[c->nfields] = len;
    if (ff_buf_add(&c->fields, s ? s : "", s ? len : 0) ||
        ff_buf_addc(&c->fields, '\0')) {
        c->stop = ff_err_set(c->e, FF_ESYS, c->name, c->rec_line, 0,
                             "out of memory");
        return;
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
    for (i = 0; i < c->nfields; i++) {
        c->ptrs[i] = c->fields.data + c->offs[i];
        if (!r.bad_utf8_field &&
            ff_utf8_invalid_at(c->ptrs[i], c->lens[i]) != c->lens[i])
            r.bad_utf8_field = (long)i + 1;
    }
    r.fields = c->ptrs;
    r.lens = c->lens;
    rc = c->fn(c->ctx, &r, c->e);
    if (rc != FF_OK)
        c->stop = rc;
    c->nfields = 0;
    ff_buf_reset(&c->fields);
}

/* Choose the encoding from the first bytes of the file. */
static int sniff_encoding(const char *s, size_t n, int at_eof)
{
    size_t i = 0, good = 0, bad = 0, k;
    uint32_t cp;

    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        return FF_CSV_ENC_UTF8_BOM;
    while (i < n) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        k = ff_utf8_decode(s + i, n - i, &cp);
        if (k == 0) {
            if (!at_eof && n - i < 4)
                break;      /* a sequence cut by the sniff window */
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
    return bad > good ? FF_CSV_ENC_CP874 : FF_CSV_ENC_UTF8;
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

/* Fill the chunk from the descriptor: a pipe gives what it has, so read
 * until the chunk is full or the input ends (sniffing wants 64 KiB). */
static int read_fd(struct ff_csv *c, struct ff_err *e)
{
    c->chunk_len = 0;
    while (!c->fd_eof && c->chunk_len < CHUNK_BYTES) {
        ssize_t k = read(c->fd, c->chunk + c->chunk_len,
                         CHUNK_BYTES - c->chunk_len);

        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return ff_err_sys(e, c->name, "cannot read");
        if (k == 0)
            c->fd_eof = 1;
        c->chunk_len += (size_t)k;
    }
    return FF_OK;
}

static int read_chunk(struct ff_csv *c, struct ff_err *e)
{
    int rc = FF_OK;

    if (c->fd >= 0) {
        rc = read_fd(c, e);
    } else if (c->fp) {
        c->chunk_len = fread(c->chunk, 1, CHUNK_BYTES, c->fp);
        if (c->chunk_len == 0 && ferror(c->fp))
            return ff_err_sys(e, c->name, "cannot read");
    } else {
        size_t n = c->mem_len - c->mem_pos;

        if (n > CHUNK_BYTES)
            n = CHUNK_BYTES;
        memcpy(c->chunk, c->mem + c->mem_pos, n);
        c->mem_pos += n;
        c->chunk_len = n;
    }
    if (rc != FF_OK)
        return rc;
    c->nread += c->chunk_len;
    if (c->max_bytes && c->nread > c->max_bytes)
        return ff_err_set(e, FF_EINPUT, c->name, c->line, 0,
                          "input is larger than %llu MiB: not a form "
                          "export (split it, e.g. by month)",
                          c->max_bytes >> 20);
    if (c->tap && c->chunk_len)
        c->tap(c->tap_ctx, (const unsigned char *)c->chunk, c->chunk_len);
    return FF_OK;
}

static struct ff_csv *open_common(struct ff_csv *c,
                                  const struct ff_csv_opts *opts,
                                  struct ff_err *e)
{
    const char *data;
    size_t len;
    int at_eof;

    c->cd = (iconv_t)-1;
    ff_buf_init(&c->conv);
    ff_buf_init(&c->fields);
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
    data = c->chunk;
    len = c->chunk_len;
    at_eof = c->fd >= 0 ? c->fd_eof
             : c->fp   ? feof(c->fp) != 0
                       : c->mem_pos == c->mem_len;
    c->enc = opts && opts->encoding ? opts->encoding
                                    : sniff_encoding(data, len, at_eof);
    if (c->enc == FF_CSV_ENC_UTF8_BOM && len >= 3 &&
        memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        memmove(c->chunk, c->chunk + 3, len - 3);
        c->chunk_len -= 3;
    }
    c->delim = opts && opts->delim ? opts->delim
                                   : sniff_delim(c->chunk, c->chunk_len);
    if (c->enc == FF_CSV_ENC_CP874) {
        c->cd = iconv_open("UTF-8", "CP874");
        if (c->cd == (iconv_t)-1) {
            ff_err_sys(e, c->name, "cannot convert from Windows-874");
            goto fail;
        }
    }
    if (csv_init(&c->parser, CSV_APPEND_NULL) != 0) {
        ff_err_set(e, FF_ESYS, c->name, 0, 0, "out of memory");
        goto fail;
    }
    c->parser_ok = 1;
    csv_set_delim(&c->parser, (unsigned char)c->delim);
    csv_set_realloc_func(&c->parser, ff_realloc);
    /* libcsv grows a field's buffer by blk_size (128 bytes by default) at
     * each realloc: a long field costs quadratic copying (a runaway quote
     * took over 100 s to reach MAX_RECORD_BYTES under ASan).  1 MiB steps
     * keep that to 64 reallocs at the limit. */
    csv_set_blk_size(&c->parser, 1 << 20);
    csv_set_free_func(&c->parser, ff_free);
    return c;
fail:
    ff_csv_free(c);
    return NULL;
}

struct ff_csv *ff_csv_open(const char *path, const struct ff_csv_opts *opts,
                           struct ff_err *e)
{
    struct ff_csv *c = ff_calloc(1, sizeof *c);

    if (c == NULL) {
        ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
        return NULL;
    }
    c->cd = (iconv_t)-1;
    c->fd = -1;
    c->name = ff_strdup(path);
    if (c->name == NULL) {
        ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
        ff_free(c);
        return NULL;
    }
    c->fp = fopen(path, "rb");
    if (c->fp == NULL) {
        ff_err_sys(e, path, "cannot open");
        ff_free(c->name);
        ff_free(c);
        return NULL;
    }
    return open_common(c, opts, e);
}

/* A reader named name with no source yet, or NULL (e filled). */
static struct ff_csv *reader_new(const char *name, struct ff_err *e)
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

struct ff_csv *ff_csv_open_fd(const char *name, int fd,
                              const struct ff_csv_opts *opts,
                              struct ff_err *e)
{
    struct ff_csv *c = reader_new(name, e);

    if (c == NULL)
        return NULL;
    c->fd = fd;
    return open_common(c, opts, e);
}

struct ff_csv *ff_csv_open_mem(const char *name, const char *data, size_t n,
                               const struct ff_csv_opts *opts,
                               struct ff_err *e)
{
    struct ff_csv *c = reader_new(name, e);

    if (c == NULL)
        return NULL;
    c->mem = data;
    c->mem_len = n;
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

/* Feed s[0..n) to libcsv one physical line at a time. */
static int feed(struct ff_csv *c, const char *s, size_t n, struct ff_err *e)
{
    size_t pos = 0;

    while (pos < n && !c->stop) {
        const char *nl = memchr(s + pos, '\n', n - pos);
        size_t piece = nl ? (size_t)(nl - (s + pos)) + 1 : n - pos;
        size_t k;

        if (!c->in_record) {
            for (k = 0; k < piece; k++)
                if (s[pos + k] != '\r' && s[pos + k] != '\n')
                    break;
            if (k < piece) {
                c->in_record = 1;
                c->rec_line = c->line;
            }
        }
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
        if (nl)
            c->line++;
        pos += piece;
    }
    return c->stop;
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
        if (c->enc == FF_CSV_ENC_CP874) {
            if ((rc = convert(c, c->chunk, c->chunk_len, e)) != FF_OK)
                return rc;
            rc = feed(c, c->conv.data, c->conv.len, e);
        } else {
            rc = feed(c, c->chunk, c->chunk_len, e);
        }
        if (rc != FF_OK)
            return rc;
    }
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
    ff_free(c->offs);
    ff_free(c->lens);
    ff_free(c->ptrs);
    ff_free(c->chunk);
    ff_free(c->name);
    ff_free(c);
}
