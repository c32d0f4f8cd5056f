/*
 * table.c - the tabular reader: format detection and dispatch (table.h).
 *
 * The input is read exactly once through raw_read(), which hands every byte
 * to the caller's tap in order.  The first bytes are kept to detect the
 * format and then replayed to the format's reader.  Text (CSV, UTF-16)
 * streams straight through; zips are copied to an anonymous spool as they
 * are read (libzip needs to seek), so a pipe or standard input works and the
 * bytes the tap saw are the bytes parsed.
 */
#include "table.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "spool.h"
#include "xls.h"
#include "xlsx_read.h"
#include "zip.h"

#define HEAD_BYTES 8
#define READ_BYTES 65536

enum { FMT_CSV, FMT_UTF16, FMT_XLSX, FMT_XLS, FMT_ZIPCSV };

struct ff_table {
    char *name;
    int fd, own_fd;
    const char *mem;
    size_t mem_len, mem_pos;
    struct ff_table_opts o;
    char *sheet;
    unsigned char head[HEAD_BYTES];
    size_t head_len, head_pos;
    int eof;
    unsigned long long nread;       /* raw input bytes read */
    int fmt;

    struct ff_csv *csv;

    /* UTF-16 */
    iconv_t cd;
    int big_endian;
    char inbuf[READ_BYTES + 8];
    size_t in_len;
    unsigned long long in_off;      /* input bytes converted so far */
    /* UTF-8 converted but not handed out yet: a reader may ask for fewer
     * bytes than one character takes (the end of its chunk). */
    char outbuf[2 * READ_BYTES + 16];
    size_t out_len, out_pos;

    /* zip formats */
    int spool;
    struct ff_zip *zip;
    struct ff_zip_file *zf;
    struct ff_xlsx_read *xr;
    struct ff_xls *xls;
    char *member;
};

/* Read fresh input bytes and tap them. */
static int raw_read(struct ff_table *t, char *buf, size_t cap, size_t *got,
                    struct ff_err *e)
{
    ssize_t n;

    *got = 0;
    if (t->eof)
        return FF_OK;
    if (t->mem) {
        size_t k = t->mem_len - t->mem_pos;

        if (k > cap)
            k = cap;
        memcpy(buf, t->mem + t->mem_pos, k);
        t->mem_pos += k;
        n = (ssize_t)k;
    } else {
        do
            n = read(t->fd, buf, cap);
        while (n < 0 && errno == EINTR);
        if (n < 0)
            return ff_err_sys(e, t->name, "cannot read");
    }
    if (n == 0) {
        t->eof = 1;
    } else {
        t->nread += (unsigned long long)n;
        if (t->o.max_bytes && t->nread > t->o.max_bytes)
            return ff_err_set(e, FF_EINPUT, t->name, 0, 0,
                              "input is larger than %llu MiB: not a form "
                              "export (split it, e.g. by month)",
                              t->o.max_bytes >> 20);
        if (t->o.tap)
            t->o.tap(t->o.tap_ctx, (const unsigned char *)buf, (size_t)n);
    }
    *got = (size_t)n;
    return FF_OK;
}

/* The input from its start: the detection bytes again, then the rest. */
static int replay_read(void *ctx, char *buf, size_t cap, size_t *got,
                       struct ff_err *e)
{
    struct ff_table *t = ctx;

    if (t->head_pos < t->head_len) {
        size_t k = t->head_len - t->head_pos;

        if (k > cap)
            k = cap;
        memcpy(buf, t->head + t->head_pos, k);
        t->head_pos += k;
        *got = k;
        return FF_OK;
    }
    return raw_read(t, buf, cap, got, e);
}

/*
 * UTF-16 to UTF-8.  A code unit pair cut by a read waits in inbuf for the
 * next one; an unpaired surrogate is an error at its byte offset (iconv
 * would otherwise stop there or substitute silently).
 */
static int utf16_convert(struct ff_table *t, char *buf, size_t cap,
                         size_t *got, struct ff_err *e);

static int utf16_read(void *ctx, char *buf, size_t cap, size_t *got,
                      struct ff_err *e)
{
    struct ff_table *t = ctx;
    size_t k;
    int rc;

    *got = 0;
    if (t->out_pos == t->out_len) {
        t->out_pos = t->out_len = 0;
        if ((rc = utf16_convert(t, t->outbuf, sizeof t->outbuf, &t->out_len,
                                e)))
            return rc;
    }
    k = t->out_len - t->out_pos;
    if (k > cap)
        k = cap;
    memcpy(buf, t->outbuf + t->out_pos, k);
    t->out_pos += k;
    *got = k;
    return FF_OK;
}

/* Convert into buf, which has room for all of inbuf's text. */
static int utf16_convert(struct ff_table *t, char *buf, size_t cap,
                         size_t *got, struct ff_err *e)
{
    *got = 0;
    while (*got == 0) {
        size_t k, left, room = cap;
        char *in = t->inbuf, *out = buf;
        int rc;

        if ((rc = replay_read(t, t->inbuf + t->in_len,
                              sizeof t->inbuf - 8 - t->in_len, &k, e)))
            return rc;
        t->in_len += k;
        if (t->in_len == 0)
            return FF_OK;
        if (k == 0 && t->in_len < 2)
            return ff_err_set(e, FF_EINPUT, t->name, 0, 0, "UTF-16 text "
                              "ends in the middle of a character");
        left = t->in_len;
        if (iconv(t->cd, &in, &left, &out, &room) == (size_t)-1 &&
            errno != EINVAL && errno != E2BIG)
            return ff_err_set(e, FF_EINPUT, t->name, 0, 0, "invalid UTF-16 "
                              "at byte %llu",
                              t->in_off + (unsigned long long)(in - t->inbuf));
        if (errno == EINVAL && k == 0 && left == t->in_len)
            return ff_err_set(e, FF_EINPUT, t->name, 0, 0, "UTF-16 text "
                              "ends in the middle of a character");
        t->in_off += (unsigned long long)(in - t->inbuf);
        memmove(t->inbuf, in, left);
        t->in_len = left;
        *got = (size_t)(out - buf);
        if (k == 0 && *got == 0 && left == 0)
            return FF_OK;
    }
    return FF_OK;
}

static int zip_member_read(void *ctx, char *buf, size_t cap, size_t *got,
                           struct ff_err *e)
{
    struct ff_table *t = ctx;

    return ff_zip_file_read(t->zf, buf, cap, got, e);
}

/* Copy the whole input, from its start, to an anonymous spool file. */
static int spool_input(struct ff_table *t, struct ff_err *e)
{
    char *buf = ff_malloc(READ_BYTES);
    unsigned long long total = 0;
    size_t n;
    int rc = FF_OK;

    if (buf == NULL)
        return ff_err_set(e, FF_ESYS, t->name, 0, 0, "out of memory");
    if ((t->spool = ff_spool_fd(t->name, e)) < 0) {
        rc = e->code;
        goto out;
    }
    for (;;) {
        const char *p = buf;

        if ((rc = replay_read(t, buf, READ_BYTES, &n, e)) || n == 0)
            break;
        total += n;
        if (total > FF_TABLE_SPOOL_MAX) {
            rc = ff_err_set(e, FF_EINPUT, t->name, 0, 0, "zip file is larger "
                            "than %lu MiB", FF_TABLE_SPOOL_MAX >> 20);
            break;
        }
        while (n > 0) {
            ssize_t w = write(t->spool, p, n);

            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                rc = ff_err_sys(e, t->name, "cannot write a temporary copy");
                goto out;
            }
            p += w;
            n -= (size_t)w;
        }
    }
out:
    ff_free(buf);
    return rc;
}

static int ends_with_csv(const char *s)
{
    size_t n = strlen(s);

    return n > 4 && strcasecmp(s + n - 4, ".csv") == 0;
}

static const char *base(const char *s)
{
    const char *p = strrchr(s, '/');

    return p ? p + 1 : s;
}

/*
 * The main table of a zip of CSV.  ODK Central's submissions.csv.zip holds
 * <form>.csv and one <form>-<repeat group>.csv per repeat (plus media/);
 * Google Forms' download holds one CSV.  So: the only CSV, or the one whose
 * name, less ".csv", followed by '-', starts every other CSV's name.
 */
static long pick_csv(struct ff_table *t, struct ff_err *e)
{
    long i, j, n = ff_zip_count(t->zip), root = -1, ncsv = 0;
    struct ff_buf list;

    for (i = 0; i < n; i++) {
        const char *s = ff_zip_entry_name(t->zip, i);
        size_t stem;
        int all = 1;

        if (!ends_with_csv(s) || strncmp(s, "__MACOSX/", 9) == 0 ||
            base(s)[0] == '.')
            continue;
        ncsv++;
        stem = strlen(base(s)) - 4;
        for (j = 0; j < n && all; j++) {
            const char *o = ff_zip_entry_name(t->zip, j);

            if (j == i || !ends_with_csv(o) || strncmp(o, "__MACOSX/", 9) == 0
                || base(o)[0] == '.')
                continue;
            if (strncmp(base(o), base(s), stem) != 0 || base(o)[stem] != '-')
                all = 0;
        }
        if (all)
            root = root < 0 ? i : -2;
    }
    if (root >= 0)
        return root;
    ff_buf_init(&list);
    for (i = 0; i < n && list.len < 300; i++)
        if (ends_with_csv(ff_zip_entry_name(t->zip, i)))
            ff_buf_addf(&list, "%s'%s'", list.len ? ", " : "",
                        ff_zip_entry_name(t->zip, i));
    if (ncsv == 0)
        ff_err_set(e, FF_EINPUT, t->name, 0, 0, "the zip file holds no CSV "
                   "file and is not an XLSX workbook");
    else
        ff_err_set(e, FF_EINPUT, t->name, 0, 0, "the zip file holds several "
                   "CSV files (%s) and none is the main table", list.data);
    ff_buf_release(&list);
    return -1;
}

static int open_zip(struct ff_table *t, struct ff_err *e)
{
    struct ff_csv_src src;
    struct ff_csv_opts co;
    long i;
    int rc;

    if ((rc = spool_input(t, e)))
        return rc;
    if ((t->zip = ff_zip_open_fd(t->name, t->spool, e)) == NULL)
        return e->code;
    if (ff_xlsx_read_is_xlsx(t->zip)) {
        t->fmt = FMT_XLSX;
        t->xr = ff_xlsx_read_open(t->name, t->zip, t->sheet, e);
        return t->xr ? FF_OK : e->code;
    }
    t->fmt = FMT_ZIPCSV;
    if ((i = pick_csv(t, e)) < 0)
        return e->code;
    if ((t->member = ff_strdup(ff_zip_entry_name(t->zip, i))) == NULL)
        return ff_err_set(e, FF_ESYS, t->name, 0, 0, "out of memory");
    if ((t->zf = ff_zip_file_open(t->zip, i, e)) == NULL)
        return e->code;
    memset(&co, 0, sizeof co);
    co.delim = t->o.delim;
    co.encoding = t->o.encoding;
    src.read = zip_member_read;
    src.ctx = t;
    t->csv = ff_csv_open_src(t->name, &src, &co, e);
    return t->csv ? FF_OK : e->code;
}

static int open_xls(struct ff_table *t, struct ff_err *e)
{
    int rc;

    t->fmt = FMT_XLS;
    if ((rc = spool_input(t, e)))
        return rc;
    t->xls = ff_xls_open(t->name, t->spool, t->sheet, e);
    return t->xls ? FF_OK : e->code;
}

static int open_text(struct ff_table *t, struct ff_err *e)
{
    struct ff_csv_src src;
    struct ff_csv_opts co;

    memset(&co, 0, sizeof co);
    co.delim = t->o.delim;
    co.encoding = t->o.encoding;
    src.ctx = t;
    src.read = replay_read;
    if (t->head_len >= 2 && ((t->head[0] == 0xFF && t->head[1] == 0xFE) ||
                             (t->head[0] == 0xFE && t->head[1] == 0xFF))) {
        t->fmt = FMT_UTF16;
        t->big_endian = t->head[0] == 0xFE;
        t->head_pos = 2;        /* the BOM is not text */
        t->in_off = 2;
        t->cd = iconv_open("UTF-8", t->big_endian ? "UTF-16BE" : "UTF-16LE");
        if (t->cd == (iconv_t)-1)
            return ff_err_sys(e, t->name, "cannot convert from UTF-16");
        co.encoding = FF_CSV_ENC_UTF8;
        src.read = utf16_read;
    }
    t->csv = ff_csv_open_src(t->name, &src, &co, e);
    return t->csv ? FF_OK : e->code;
}

static struct ff_table *start(struct ff_table *t,
                              const struct ff_table_opts *opts,
                              struct ff_err *e)
{
    size_t n;

    if (opts)
        t->o = *opts;
    if (t->o.sheet && (t->sheet = ff_strdup(t->o.sheet)) == NULL) {
        ff_err_set(e, FF_ESYS, t->name, 0, 0, "out of memory");
        goto fail;
    }
    while (t->head_len < HEAD_BYTES) {
        if (raw_read(t, (char *)t->head + t->head_len,
                     HEAD_BYTES - t->head_len, &n, e))
            goto fail;
        if (n == 0)
            break;
        t->head_len += n;
    }
    if (t->head_len >= 4 && memcmp(t->head, "PK\3\4", 4) == 0) {
        if (open_zip(t, e))
            goto fail;
    } else if (t->head_len >= 8 &&
               memcmp(t->head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
        if (open_xls(t, e))
            goto fail;
    } else if (open_text(t, e)) {
        goto fail;
    }
    return t;
fail:
    ff_table_free(t);
    return NULL;
}

static struct ff_table *new_table(const char *name, struct ff_err *e)
{
    struct ff_table *t = ff_calloc(1, sizeof *t);

    if (t == NULL || (t->name = ff_strdup(name)) == NULL) {
        ff_free(t);
        ff_err_set(e, FF_ESYS, name, 0, 0, "out of memory");
        return NULL;
    }
    t->fd = -1;
    t->spool = -1;
    t->cd = (iconv_t)-1;
    return t;
}

struct ff_table *ff_table_open(const char *path,
                               const struct ff_table_opts *opts,
                               struct ff_err *e)
{
    struct ff_table *t = new_table(strcmp(path, "-") == 0 ? "(stdin)" : path,
                                   e);
    struct stat st;

    if (t == NULL)
        return NULL;
    if (strcmp(path, "-") == 0) {
        t->fd = 0;
    } else {
        t->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (t->fd < 0) {
            ff_err_sys(e, path, "cannot open");
            ff_table_free(t);
            return NULL;
        }
        t->own_fd = 1;
    }
    if (fstat(t->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ff_err_set(e, FF_EINPUT, path, 0, 0, "is a directory");
        ff_table_free(t);
        return NULL;
    }
    return start(t, opts, e);
}

struct ff_table *ff_table_open_fd(const char *name, int fd,
                                  const struct ff_table_opts *opts,
                                  struct ff_err *e)
{
    struct ff_table *t = new_table(name, e);
    struct stat st;

    if (t == NULL)
        return NULL;
    t->fd = fd;
    if (fstat(t->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ff_err_set(e, FF_EINPUT, name, 0, 0, "is a directory");
        ff_table_free(t);
        return NULL;
    }
    return start(t, opts, e);
}

struct ff_table *ff_table_open_mem(const char *name, const char *data,
                                   size_t n, const struct ff_table_opts *opts,
                                   struct ff_err *e)
{
    struct ff_table *t = new_table(name, e);

    if (t == NULL)
        return NULL;
    t->mem = data ? data : "";
    t->mem_len = n;
    return start(t, opts, e);
}

int ff_table_read(struct ff_table *t, ff_csv_record_fn fn, void *ctx,
                  struct ff_err *e)
{
    if (t->xr)
        return ff_xlsx_read_rows(t->xr, fn, ctx, e);
    if (t->xls)
        return ff_xls_rows(t->xls, fn, ctx, e);
    return ff_csv_read(t->csv, fn, ctx, e);
}

const char *ff_table_format(const struct ff_table *t)
{
    static const char *const names[] = {"CSV", "UTF-16 text", "XLSX", "XLS",
                                        "zip of CSV"};

    return names[t->fmt];
}

const char *ff_table_encoding(const struct ff_table *t)
{
    if (t->fmt == FMT_UTF16)
        return t->big_endian ? "UTF-16BE" : "UTF-16LE";
    if (t->csv)
        return ff_csv_encoding_name(t->csv);
    return "UTF-8";
}

const char *ff_table_sheet(const struct ff_table *t)
{
    if (t->xr)
        return ff_xlsx_read_sheet(t->xr);
    if (t->xls)
        return ff_xls_sheet(t->xls);
    return t->member;
}

char ff_table_delimiter(const struct ff_table *t)
{
    return t->csv ? ff_csv_delimiter(t->csv) : 0;
}

void ff_table_free(struct ff_table *t)
{
    if (t == NULL)
        return;
    ff_csv_free(t->csv);
    ff_xlsx_read_free(t->xr);
    ff_xls_free(t->xls);
    ff_zip_file_close(t->zf);
    ff_zip_free(t->zip);
    if (t->cd != (iconv_t)-1)
        iconv_close(t->cd);
    if (t->spool >= 0)
        close(t->spool);
    if (t->own_fd)
        close(t->fd);
    ff_free(t->member);
    ff_free(t->sheet);
    ff_free(t->name);
    ff_free(t);
}
