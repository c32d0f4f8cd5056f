/*
 * pipeline.c - the parser thread and the batch ring between it and the
 * writer (see pipeline.h).
 *
 * The parser packs each record into the batch being filled and hands full
 * batches to the writer; NBATCH batches of about BATCH_BYTES bound the
 * memory whatever the file size.  The packed form is needed because the
 * CSV reader's record lives only until its callback returns: the batch is
 * its copy, and the writer rebuilds the field pointers into it.
 */
#include "pipeline.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "csv.h"
#include "sha256.h"
#include "table.h"
#include "utf8.h"

void intake_pipeline_init(struct intake_pipeline *pl)
{
    memset(pl, 0, sizeof *pl);
    ff_buf_init(&pl->hdr);
    ff_buf_init(&pl->ord.held);
}

void intake_pipeline_release(struct intake_pipeline *pl)
{
    ff_free(pl->fptr);
    ff_free(pl->hdr_off);
    ff_buf_release(&pl->hdr);
    ff_buf_release(&pl->ord.held);
}

/* Keep the header record's cells for naming columns in the outcomes. */
static int keep_header(struct intake_pipeline *pl,
                       const struct ff_csv_record *rec)
{
    size_t i, *off;

    ff_buf_reset(&pl->hdr);
    off = ff_realloc(pl->hdr_off, (rec->nfields + 1) * sizeof *off);
    if (off == NULL)
        return FF_ESYS;
    pl->hdr_off = off;
    for (i = 0; i < rec->nfields; i++) {
        const char *t = rec->fields[i];
        size_t tn = ff_utf8_trim(&t, rec->lens[i]);

        if (tn > 120)
            tn = 120;           /* a question text: the start is enough */
        while (tn && (unsigned char)t[tn] >= 0x80 &&
               (unsigned char)t[tn] < 0xC0)
            tn--;               /* do not cut a UTF-8 sequence */
        off[i] = pl->hdr.len;
        if (ff_buf_add(&pl->hdr, t, tn) || ff_buf_addc(&pl->hdr, '\0'))
            return FF_ESYS;
    }
    pl->nhdr = rec->nfields;
    return FF_OK;
}

/* "" also for a ragged row's extra field. */
const char *intake_pipeline_column(const struct intake_pipeline *pl,
                                   long col)
{
    if (col < 1 || (size_t)col > pl->nhdr ||
        ff_utf8_invalid_at(pl->hdr.data + pl->hdr_off[col - 1],
                           strlen(pl->hdr.data + pl->hdr_off[col - 1])) !=
            strlen(pl->hdr.data + pl->hdr_off[col - 1]))
        return "";
    return pl->hdr.data + pl->hdr_off[col - 1];
}

void intake_pipeline_row_hash(char *const *fields, const size_t *lens,
                              size_t n, unsigned char out[32])
{
    struct intake_sha256 h;
    size_t i;

    intake_sha256_init(&h);
    for (i = 0; i < n; i++) {
        unsigned char len[8];
        int k;

        for (k = 0; k < 8; k++)
            len[k] = (unsigned char)((uint64_t)lens[i] >> (8 * k));
        intake_sha256_update(&h, len, 8);
        intake_sha256_update(&h, fields[i], lens[i]);
    }
    intake_sha256_final(&h, out);
}

/*
 * A packed record: struct packed, then nfields size_t lengths, then the
 * fields, each NUL-terminated, padded to 8 bytes.
 */
#define NBATCH 6
#define BATCH_BYTES (512 * 1024)

struct packed {
    long record, line;
    size_t nfields;
    size_t bytes;                   /* this record's packed size */
    int has_digest;
    unsigned char digest[32];
    struct intake_checked c;        /* field pointers rebuilt by the writer */
};

struct batch {
    struct ff_buf b;
    size_t n;                       /* records */
};

struct pipe {
    struct intake_pipeline *pl;
    struct ff_table *csv;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct batch slot[NBATCH];
    size_t head, tail, nfull;       /* ring: [head, head + nfull) are full */
    int done, abort;
    int parse_rc;
    struct ff_err parse_e;
};

/* Hand the batch being filled to the writer; wait for a free one. */
static int push(struct pipe *p)
{
    int stop;

    pthread_mutex_lock(&p->mu);
    p->nfull++;
    p->tail = (p->tail + 1) % NBATCH;
    pthread_cond_broadcast(&p->cv);
    while (p->nfull == NBATCH && !p->abort)
        pthread_cond_wait(&p->cv, &p->mu);
    stop = p->abort;
    pthread_mutex_unlock(&p->mu);
    if (!stop) {
        ff_buf_reset(&p->slot[p->tail].b);
        p->slot[p->tail].n = 0;
    }
    return stop;
}

/* Apply the rules to one record and pack it into the batch being filled. */
static int classify(struct pipe *p, const struct ff_csv_record *rec,
                    struct ff_err *e)
{
    struct intake_pipeline *pl = p->pl;
    struct batch *b = &p->slot[p->tail];
    struct packed k;
    size_t i, at = b->b.len, need, nf;
    static const char zeros[8] = {0};

    memset(&k, 0, sizeof k);
    k.record = rec->record;
    k.line = rec->line;
    /* A sheet pads its rows to the widest row so far: after one wide row
     * the padding beyond the header is not the record's. */
    nf = rec->nfields;
    if (rec->padded && nf > pl->lay->ncols)
        nf -= rec->padded < nf - pl->lay->ncols ? rec->padded
                                                : nf - pl->lay->ncols;
    k.nfields = nf;
    intake_rules_check(pl->lay, pl->rc, rec->fields, rec->lens, nf,
                       rec->bad_utf8_field, &k.c);
    /* The reader re-read the lines after a stray quote; this record,
     * which held it, is rejected for it, the cause of any other fault the
     * rules found in it (core/csv.h). */
    if (rec->stray_quote_field && k.c.reason != INTAKE_R_INVALID_UTF8) {
        k.c.outcome = INTAKE_REJECTED;
        k.c.reason = INTAKE_R_STRAY_QUOTE;
        k.c.col = rec->stray_quote_field;
    }
    if (k.c.outcome == INTAKE_ACCEPTED && pl->lay->col[INTAKE_F_ID] < 0) {
        intake_pipeline_row_hash(rec->fields, rec->lens, nf, k.digest);
        k.has_digest = 1;
    }
    need = sizeof k + nf * sizeof(size_t);
    for (i = 0; i < nf; i++)
        need += rec->lens[i] + 1;
    need = (need + 7) & ~(size_t)7;
    k.bytes = need;
    if (ff_buf_grow(&b->b, need))
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    ff_buf_add(&b->b, &k, sizeof k);
    ff_buf_add(&b->b, rec->lens, nf * sizeof(size_t));
    for (i = 0; i < nf; i++)
        ff_buf_add(&b->b, rec->fields[i], rec->lens[i] + 1);
    ff_buf_add(&b->b, zeros, at + need - b->b.len);
    b->n++;
    if (b->b.len >= BATCH_BYTES && push(p))
        return FF_EINTERNAL;    /* the writer failed; its error is reported */
    return FF_OK;
}

/*
 * The day/month order of a file's slashed dates ("5/1/2025"), decided from
 * its data, because Google Sheets writes them in the sheet's locale and
 * says nothing of which: a day above 12 or a Buddhist year (the Thai
 * locale) decides, for the whole file.  ISO dates (Kobo, ODK) need no
 * decision: the first one ends it.  The file is read once, through one
 * descriptor (load.c, load_file), so the records read while the order is still
 * open are held back here, unclassified, and classified in their order as
 * soon as a date decides; a file whose slashed dates never decide is
 * refused at its end.  After the decision every date is still looked at:
 * one that decides the other way (two locales in one file) refuses it.
 * Held records cost memory only until the decision, which the first date
 * after the 12th of a month makes; ORDER_HOLD_MAX bounds the rest.
 */
#define ORDER_HOLD_MAX ((size_t)256 << 20)

struct held {
    long record, line, bad_utf8_field, stray_quote_field;
    size_t nfields, padded;
    size_t bytes;                   /* this record's packed size */
};

static const char order_hint_text[] =
    "say which with --date-order dmy or --date-order mdy (the sheet's "
    "locale: Thai and UK dmy, US mdy)";

/* Look at rec's timestamp (parser thread); FF_EINPUT with e filled when
 * the file's dates decide both ways. */
static int order_observe(struct intake_pipeline *pl,
                         const struct ff_csv_record *rec, struct ff_err *e)
{
    struct intake_order_state *o = &pl->ord;
    long c = pl->lay->col[INTAKE_F_SUBMITTED];
    const char *t;
    int h;

    if (c < 0 || (size_t)c >= rec->nfields || rec->bad_utf8_field)
        return FF_OK;
    o->col = c + 1;
    t = rec->fields[c];
    if (ff_utf8_trim(&t, rec->lens[c]) == 0)
        return FF_OK;
    h = intake_time_order_hint(rec->fields[c], rec->lens[c]);
    if (h < 0) {
        if (!o->slashed)
            o->scanning = o->deciding = 0;  /* ISO dates: nothing to decide */
        return FF_OK;
    }
    o->slashed = 1;
    if (h == INTAKE_ORDER_DMY && o->dmy_line == 0)
        o->dmy_line = rec->line;
    if (h == INTAKE_ORDER_MDY && o->mdy_line == 0)
        o->mdy_line = rec->line;
    if (o->dmy_line && o->mdy_line)
        return ff_err_set(e, FF_EINPUT, pl->name, o->mdy_line, o->col,
                          "dates in this column are month/day here but "
                          "day/month on line %ld: the file mixes two "
                          "locales; export each sheet again or fix the "
                          "dates", o->dmy_line);
    if (o->deciding && (o->dmy_line || o->mdy_line)) {
        o->deciding = 0;
        pl->rc->date_order = o->dmy_line ? INTAKE_ORDER_DMY
                                         : INTAKE_ORDER_MDY;
        pl->file->date_order = pl->rc->date_order;
    }
    return FF_OK;
}

/* Keep a copy of rec until the order is decided. */
static int order_hold(struct intake_pipeline *pl,
                      const struct ff_csv_record *rec, struct ff_err *e)
{
    struct intake_order_state *o = &pl->ord;
    struct held h;
    size_t i, at = o->held.len, need;
    static const char zeros[8] = {0};

    need = sizeof h + rec->nfields * sizeof(size_t);
    for (i = 0; i < rec->nfields; i++)
        need += rec->lens[i] + 1;
    need = (need + 7) & ~(size_t)7;
    if (o->held.len + need > ORDER_HOLD_MAX)
        return ff_err_set(e, FF_EINPUT, pl->name, rec->line, o->col,
                          "the dates of the first %zu records could all be "
                          "day/month or month/day (no day above 12, no "
                          "Buddhist year): %s", o->nheld, order_hint_text);
    if (ff_buf_grow(&o->held, need))
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    memset(&h, 0, sizeof h);
    h.record = rec->record;
    h.line = rec->line;
    h.bad_utf8_field = rec->bad_utf8_field;
    h.stray_quote_field = rec->stray_quote_field;
    h.padded = rec->padded;
    h.nfields = rec->nfields;
    h.bytes = need;
    ff_buf_add(&o->held, &h, sizeof h);
    ff_buf_add(&o->held, rec->lens, rec->nfields * sizeof(size_t));
    for (i = 0; i < rec->nfields; i++)
        ff_buf_add(&o->held, rec->fields[i], rec->lens[i] + 1);
    ff_buf_add(&o->held, zeros, at + need - o->held.len);
    o->nheld++;
    return FF_OK;
}

/* Classify the held records, in their order, now that the order is known. */
static int order_release(struct pipe *p, struct ff_err *e)
{
    struct intake_order_state *o = &p->pl->ord;
    const char *at = o->held.data, *end = o->held.data + o->held.len;
    char **fields = NULL;
    size_t cap = 0, j;
    int rc = FF_OK;

    while (rc == FF_OK && at < end) {
        struct held h;
        struct ff_csv_record rec;
        const char *f;

        memcpy(&h, at, sizeof h);
        if (h.nfields > cap) {
            char **v = ff_realloc(fields, h.nfields * sizeof *v);

            if (v == NULL) {
                rc = ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
                break;
            }
            fields = v;
            cap = h.nfields;
        }
        /* Every member of the record as the reader gave it: a field
         * left out here is read as stack garbage by classify(). */
        memset(&rec, 0, sizeof rec);
        rec.record = h.record;
        rec.line = h.line;
        rec.nfields = h.nfields;
        rec.bad_utf8_field = h.bad_utf8_field;
        rec.stray_quote_field = h.stray_quote_field;
        rec.padded = h.padded;
        rec.lens = (size_t *)(void *)(at + sizeof h);
        f = at + sizeof h + h.nfields * sizeof(size_t);
        for (j = 0; j < h.nfields; j++) {
            fields[j] = (char *)f;
            f += rec.lens[j] + 1;
        }
        rec.fields = fields;
        rc = classify(p, &rec, e);
        at += h.bytes;
    }
    ff_free(fields);
    ff_buf_reset(&o->held);
    o->nheld = 0;
    return rc;
}

/* The end of the file: records still held are classified, unless their
 * slashed dates never decided the order. */
static int order_finish(struct pipe *p, struct ff_err *e)
{
    struct intake_pipeline *pl = p->pl;
    struct intake_order_state *o = &pl->ord;

    if (!o->deciding)
        return FF_OK;
    o->deciding = o->scanning = 0;
    if (o->slashed)
        return ff_err_set(e, FF_EINPUT, pl->name, 1, o->col,
                          "every date in this column could be day/month or "
                          "month/day (no day above 12, no Buddhist year): "
                          "%s", order_hint_text);
    return order_release(p, e);
}

static int parse_record(void *ctx, const struct ff_csv_record *rec,
                        struct ff_err *e)
{
    struct pipe *p = ctx;
    struct intake_pipeline *pl = p->pl;
    int rc;

    if (rec->record == 1) {
        if (keep_header(pl, rec))
            return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        rc = intake_dialect_detect(pl->dialects, rec->fields, rec->lens,
                                   rec->nfields, pl->file->path, pl->lay, e);
        if (rc == FF_OK && pl->lay->col[INTAKE_F_SUBMITTED] < 0)
            pl->ord.scanning = pl->ord.deciding = 0;
        return rc;
    }
    /* An HXL hashtag row under the header ("#loc+name") is no report. */
    if (rec->record == 2 &&
        intake_is_hxl_row(rec->fields, rec->lens, rec->nfields)) {
        pl->file->hxl_row = 1;
        return FF_OK;
    }
    if (pl->ord.scanning) {
        if ((rc = order_observe(pl, rec, e)))
            return rc;
        if (pl->ord.deciding)
            return order_hold(pl, rec, e);
        if (pl->ord.nheld && (rc = order_release(p, e)))
            return rc;
    }
    return classify(p, rec, e);
}

static void *parse_main(void *arg)
{
    struct pipe *p = arg;
    int rc = ff_table_read(p->csv, parse_record, p, &p->parse_e);

    if (rc == FF_OK)
        rc = order_finish(p, &p->parse_e);

    pthread_mutex_lock(&p->mu);
    if (rc == FF_OK && p->slot[p->tail].n) {
        p->nfull++;
        p->tail = (p->tail + 1) % NBATCH;
    }
    p->parse_rc = rc;
    p->done = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Store every record of a full batch. */
static int write_batch(struct intake_pipeline *pl, struct batch *b,
                       struct ff_err *e)
{
    struct intake_piped rec;
    const char *at = b->b.data;
    size_t i, j;
    int rc;

    for (i = 0; i < b->n; i++) {
        struct packed k;
        const size_t *lens;
        const char *f;

        memcpy(&k, at, sizeof k);
        lens = (const size_t *)(const void *)(at + sizeof k);
        f = at + sizeof k + k.nfields * sizeof(size_t);
        if (k.nfields > pl->fcap) {
            char **v = ff_realloc(pl->fptr, k.nfields * sizeof *v);

            if (v == NULL)
                return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
            pl->fptr = v;
            pl->fcap = k.nfields;
        }
        for (j = 0; j < k.nfields; j++) {
            pl->fptr[j] = (char *)f;
            f += lens[j] + 1;
        }
        rec.record = k.record;
        rec.line = k.line;
        rec.fields = pl->fptr;
        rec.lens = lens;
        rec.nfields = k.nfields;
        rec.c = &k.c;
        rec.digest = k.has_digest ? k.digest : NULL;
        rc = pl->store(pl->store_ctx, &rec, e);
        if (rc)
            return rc;
        at += k.bytes;
    }
    return FF_OK;
}

/* Run the parser thread over csv and write what it hands over. */
int intake_pipeline_run(struct intake_pipeline *pl, struct ff_table *csv,
                        int date_order, struct ff_err *e)
{
    struct pipe p;
    pthread_t th;
    int rc = FF_OK, i;

    pl->file->date_order = pl->rc->date_order = date_order;
    pl->ord.scanning = pl->ord.deciding =
        date_order == INTAKE_ORDER_UNKNOWN;
    pl->ord.slashed = 0;
    pl->ord.dmy_line = pl->ord.mdy_line = pl->ord.col = 0;
    ff_buf_reset(&pl->ord.held);
    pl->ord.nheld = 0;
    memset(&p, 0, sizeof p);
    p.pl = pl;
    p.csv = csv;
    ff_err_clear(&p.parse_e);
    for (i = 0; i < NBATCH; i++)
        ff_buf_init(&p.slot[i].b);
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    if (pthread_create(&th, NULL, parse_main, &p) != 0) {
        rc = ff_err_set(e, FF_ESYS, pl->file->path, 0, 0,
                        "cannot start the parser thread");
        goto out;
    }
    for (;;) {
        struct batch *b;

        pthread_mutex_lock(&p.mu);
        while (p.nfull == 0 && !p.done)
            pthread_cond_wait(&p.cv, &p.mu);
        if (p.nfull == 0) {
            pthread_mutex_unlock(&p.mu);
            break;
        }
        b = &p.slot[p.head];
        pthread_mutex_unlock(&p.mu);
        rc = write_batch(pl, b, e);
        pthread_mutex_lock(&p.mu);
        p.nfull--;
        p.head = (p.head + 1) % NBATCH;
        if (rc)
            p.abort = 1;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);
        if (rc)
            break;
    }
    pthread_join(th, NULL);
    if (rc == FF_OK && p.parse_rc != FF_OK) {
        *e = p.parse_e;
        rc = p.parse_rc;
    }
out:
    for (i = 0; i < NBATCH; i++)
        ff_buf_release(&p.slot[i].b);
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
    return rc;
}
