/*
 * load.c - one load: files -> CSV records -> rules -> duplicates and
 * supersession -> ledger, inside one transaction.
 *
 * Three threads per file: one hashes it (SHA-256 for provenance), one
 * parses it and applies the rules (no SQLite), and the calling thread does
 * everything that touches the ledger, in record order, so the outcome never
 * depends on thread timing.
 *
 * Memory stays flat in the file size: the CSV reader holds one record, the
 * parser hands records over in a ring of a few fixed-size batches, records
 * go to SQLite as they arrive, and the only table kept here is the winner
 * per (household, month) touched by the load, which is bounded by the
 * register times the months in the files, not by the number of records.
 *
 * Supersession without rewriting history: a valid record is inserted as
 * "superseded" and the winner of each (household, month) is flipped to
 * "accepted" when the load ends.  If an earlier load's accepted record loses,
 * a supersession row says so; that record itself is never changed.
 */
#include "load.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "outfile.h"
#include "buf.h"
#include "csv.h"
#include "table.h"
#include "csvout.h"
#include "register.h"
#include "sha256.h"
#include "utf8.h"

/*
 * Winner of one (household, month) during the load, 24 bytes: a load that
 * touches a million (household, month) pairs keeps 24 MB here.
 */
struct winner {
    uint64_t key;           /* winner_key(); 0 = free slot; NEW_WINNER bit */
    long long id;           /* winning record so far */
    long long submitted;
};
#define NEW_WINNER (1ULL << 63)     /* the winner is a record of this load */

/*
 * A (household, month) that already had an accepted record before this
 * load: only those can be superseded across loads, and they are few (a
 * correction of an earlier month), so they live in a list of their own
 * rather than in every winner entry.
 */
struct earlier {
    uint64_t key;
    long long id;           /* the record accepted before this load */
    long long by;           /* this load's record that supersedes it, or 0 */
};

struct codes {
    char (*v)[12];
    size_t n, cap;
};

/*
 * A record of an earlier load (or of this one) that this load took out by
 * identity rather than by time: replaced by an edit of the same submission
 * ("edit"), or rejected by the reviewer since ("review").  done: its
 * supersession row is written already.
 */
struct taken {
    long long id, by;
    const char *why;
    int done;
};

/*
 * The day/month order of a file's slashed dates while the parser decides
 * it (see order_observe).  held: the records read meanwhile, packed as a
 * struct held, nfields lengths, the NUL-terminated fields, padded to 8.
 */
struct order_state {
    int scanning;               /* the order comes from the file's data */
    int deciding;               /* not decided yet: records are held */
    int slashed;                /* slashed dates seen */
    long dmy_line, mdy_line;    /* first line deciding either way */
    long col;                   /* 1-based column of the timestamp */
    struct ff_buf held;
    size_t nheld;
};

struct run {
    struct intake_ledger *L;
    const struct intake_load_opts *o;
    struct intake_load_summary *sum;
    struct intake_load_file *file;
    struct intake_layout lay;
    struct intake_rules_ctx rc;
    struct codes codes;
    struct winner *w;
    size_t wn, wcap;
    struct earlier *prev;
    size_t nprev, cap_prev;
    struct ff_buf raw;
    char **fptr;                /* field pointers of the record stored */
    size_t fcap;
    long load_id;
    struct taken *taken;
    size_t ntaken, cap_taken;
    /* The file's header cells, NUL-terminated, for the outcomes' column
     * (copied by the parser from record 1, read by the writer after). */
    struct ff_buf hdr;
    size_t *hdr_off;
    size_t nhdr;
    const char *name;           /* the file as messages name it */
    struct order_state ord;     /* its day/month order (parser thread) */
};

static int code_cmp(const void *a, const void *b)
{
    return memcmp(a, b, 11);
}

static int add_code(void *ctx, const struct intake_household *h)
{
    struct codes *c = ctx;

    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 1024;
        char(*v)[12] = ff_realloc(c->v, cap * sizeof *v);

        if (v == NULL)
            return FF_ESYS;
        c->v = v;
        c->cap = cap;
    }
    snprintf(c->v[c->n++], 12, "%s", h->code);
    return FF_OK;
}

static int known(void *ctx, const char *code)
{
    struct run *r = ctx;

    return bsearch(code, r->codes.v, r->codes.n, sizeof r->codes.v[0],
                   code_cmp) != NULL;
}

/* Keep the header record's cells for naming columns in the outcomes. */
static int keep_header(struct run *r, const struct ff_csv_record *rec)
{
    size_t i, *off;

    ff_buf_reset(&r->hdr);
    off = ff_realloc(r->hdr_off, (rec->nfields + 1) * sizeof *off);
    if (off == NULL)
        return FF_ESYS;
    r->hdr_off = off;
    for (i = 0; i < rec->nfields; i++) {
        const char *t = rec->fields[i];
        size_t tn = ff_utf8_trim(&t, rec->lens[i]);

        if (tn > 120)
            tn = 120;           /* a question text: the start is enough */
        while (tn && (unsigned char)t[tn] >= 0x80 &&
               (unsigned char)t[tn] < 0xC0)
            tn--;               /* do not cut a UTF-8 sequence */
        off[i] = r->hdr.len;
        if (ff_buf_add(&r->hdr, t, tn) || ff_buf_addc(&r->hdr, '\0'))
            return FF_ESYS;
    }
    r->nhdr = rec->nfields;
    return FF_OK;
}

/* The header of 1-based column col, or "" (a ragged row's extra field). */
static const char *column_name(const struct run *r, long col)
{
    if (col < 1 || (size_t)col > r->nhdr ||
        ff_utf8_invalid_at(r->hdr.data + r->hdr_off[col - 1],
                           strlen(r->hdr.data + r->hdr_off[col - 1])) !=
            strlen(r->hdr.data + r->hdr_off[col - 1]))
        return "";
    return r->hdr.data + r->hdr_off[col - 1];
}

static int add_taken(struct run *r, long long id, long long by,
                     const char *why, int done, struct ff_err *e)
{
    if (r->ntaken == r->cap_taken) {
        size_t cap = r->cap_taken ? r->cap_taken * 2 : 64;
        struct taken *v = ff_realloc(r->taken, cap * sizeof *v);

        if (v == NULL)
            return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        r->taken = v;
        r->cap_taken = cap;
    }
    r->taken[r->ntaken].id = id;
    r->taken[r->ntaken].by = by;
    r->taken[r->ntaken].why = why;
    r->taken[r->ntaken++].done = done;
    return FF_OK;
}

static struct taken *find_taken(struct run *r, long long id)
{
    size_t i;

    for (i = 0; i < r->ntaken; i++)
        if (r->taken[i].id == id)
            return &r->taken[i];
    return NULL;
}

/*
 * The 11-digit code and the month "YYYY-MM" as one number: code * 2^16 +
 * months since year 0, plus one so that no key is 0.  Below 2^53.
 */
static uint64_t winner_key(const char *hhid, const char *month)
{
    uint64_t code = 0;
    unsigned year = 0, m;
    int i;

    for (i = 0; i < 11; i++)
        code = code * 10 + (uint64_t)(hhid[i] - '0');
    for (i = 0; i < 4; i++)
        year = year * 10 + (unsigned)(month[i] - '0');
    m = (unsigned)(month[5] - '0') * 10 + (unsigned)(month[6] - '0');
    return (code << 16) + year * 12 + m;
}

/* The slot of key in the winner table (free when its key is 0). */
static struct winner *winner_slot(struct run *r, uint64_t key)
{
    uint64_t h = key;
    size_t i;

    /* splitmix64's finaliser: the keys themselves cluster. */
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    h ^= h >> 31;
    i = (size_t)h & (r->wcap - 1);
    while (r->w[i].key && (r->w[i].key & ~NEW_WINNER) != key)
        i = (i + 1) & (r->wcap - 1);
    return &r->w[i];
}

static int winner_grow(struct run *r)
{
    struct winner *old = r->w;
    size_t oldcap = r->wcap, i;

    r->wcap = oldcap ? oldcap * 2 : 4096;
    r->w = ff_calloc(r->wcap, sizeof *r->w);
    if (r->w == NULL) {
        r->w = old;
        r->wcap = oldcap;
        return FF_ESYS;
    }
    for (i = 0; i < oldcap; i++)
        if (old[i].key)
            *winner_slot(r, old[i].key & ~NEW_WINNER) = old[i];
    ff_free(old);
    return FF_OK;
}

/* Note that key's accepted record before this load was record id. */
static int remember_earlier(struct run *r, uint64_t key, long long id,
                            struct ff_err *e)
{
    if (r->nprev == r->cap_prev) {
        size_t cap = r->cap_prev ? r->cap_prev * 2 : 256;
        struct earlier *v = ff_realloc(r->prev, cap * sizeof *v);

        if (v == NULL)
            return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        r->prev = v;
        r->cap_prev = cap;
    }
    r->prev[r->nprev].key = key;
    r->prev[r->nprev].id = id;
    r->prev[r->nprev++].by = 0;
    return FF_OK;
}

/*
 * A new valid record for (hhid, month): it wins when its submission time is
 * not earlier than the current winner's (ties go to the later record, and
 * records arrive in file order).  rep (may be NULL) is the earlier version
 * of the same submission that this record is an edit of: where rep is the
 * winner, the edit takes its place whatever the times say, and competes
 * with rep's time when that is later (an ODK edit keeps the original
 * SubmissionDate; a Kobo edit may be stamped later or not).
 */
static int compete(struct run *r, const char *hhid, const char *month,
                   long long id, long long submitted,
                   const struct intake_version *rep, struct ff_err *e)
{
    uint64_t key = winner_key(hhid, month);
    struct winner *w;
    int rc;

    /* Three quarters full at most: linear probing stays short. */
    if ((r->wn + 1) * 4 > r->wcap * 3 && winner_grow(r))
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    w = winner_slot(r, key);
    if (w->key == 0) {
        long long pid = 0, psub = 0;

        rc = intake_ledger_accepted_for(r->L, hhid, month, &pid, &psub, e);
        if (rc)
            return rc;
        if (pid && (rc = remember_earlier(r, key, pid, e)))
            return rc;
        r->wn++;
        if (rep && rep->id == pid && psub > submitted)
            submitted = psub;
        if (pid == 0 || submitted >= psub) {
            w->key = key | NEW_WINNER;
            w->id = id;
            w->submitted = submitted;
        } else {
            w->key = key;
            w->id = pid;
            w->submitted = psub;
        }
        return FF_OK;
    }
    if (rep && w->id == rep->id) {
        w->key |= NEW_WINNER;
        w->id = id;
        if (submitted > w->submitted)
            w->submitted = submitted;
        return FF_OK;
    }
    if (submitted >= w->submitted) {
        w->key |= NEW_WINNER;
        w->id = id;
        w->submitted = submitted;
    }
    return FF_OK;
}

/*
 * Record v no longer counts: replaced by record by (an edit that moved the
 * report to another household or month: a supersession row, for an
 * earlier load's accepted record) or rejected by the reviewer (why
 * "review": a withdrawal row, whatever v's outcome).  A winner of this
 * load loses its place (the pair's earlier accepted record, if any, stays
 * accepted).
 */
static int take_out(struct run *r, const struct intake_version *v,
                    long long by, const char *why, struct ff_err *e)
{
    int rc;

    if (find_taken(r, v->id))
        return FF_OK;
    if (v->load_id == r->load_id && r->wcap &&
        strlen(v->hhid) == 11 && strlen(v->month) == 7) {
        struct winner *w = winner_slot(r, winner_key(v->hhid, v->month));

        if (w->key && w->id == v->id) {
            w->key &= ~NEW_WINNER;
            w->id = 0;
            w->submitted = INT64_MIN;
        }
    }
    if (strcmp(why, "review") == 0)
        rc = intake_ledger_withdraw(r->L, v->id, by, r->load_id, e);
    else if (v->load_id != r->load_id && !v->accepted)
        return FF_OK;           /* already out of the count */
    else
        rc = intake_ledger_supersede_why(r->L, v->id, by, r->load_id, why,
                                         e);
    if (rc)
        return rc;
    if (v->load_id != r->load_id && v->accepted)
        r->sum->superseded_earlier++;
    return add_taken(r, v->id, by, why, 1, e);
}

/* "uuid:abc" and "abc" name the same instance (Kobo writes both forms). */
static size_t norm_id(const char *s, size_t n, char *out, size_t size)
{
    const char *t = s;

    n = ff_utf8_trim(&t, n);
    if (n >= 5 && memcmp(t, "uuid:", 5) == 0) {
        t += 5;
        n -= 5;
    }
    if (n >= size)
        n = size - 1;
    memcpy(out, t, n);
    out[n] = '\0';
    return n;
}

/*
 * The logical key of a record: ODK's KEY or Kobo's rootUuid; else the key
 * of the version Kobo's deprecatedID names (or that id itself); else its
 * own version id.  *maybe_edit says whether it can be a new version of
 * something already loaded.
 */
static int logical_key(struct run *r, const struct intake_checked *c,
                       char key[128], char dep[128], int *maybe_edit,
                       struct ff_err *e)
{
    const char *k = c->field[INTAKE_F_KEY], *d = c->field[INTAKE_F_DEPRECATED];
    const char *v = c->field[INTAKE_F_ID];
    int rc, found;

    key[0] = dep[0] = '\0';
    *maybe_edit = 0;
    if (d && norm_id(d, c->field_len[INTAKE_F_DEPRECATED], dep, 128) == 0)
        dep[0] = '\0';
    if (k && norm_id(k, c->field_len[INTAKE_F_KEY], key, 128) > 0) {
        *maybe_edit = 1;
        return FF_OK;
    }
    if (dep[0]) {
        char with[134];

        *maybe_edit = 1;
        snprintf(with, sizeof with, "uuid:%s", dep);
        if ((rc = intake_ledger_key_of_version(r->L, dep, strlen(dep), key,
                                               128, &found, e)))
            return rc;
        if (!found && (rc = intake_ledger_key_of_version(
                           r->L, with, strlen(with), key, 128, &found, e)))
            return rc;
        if (!found || key[0] == '\0')
            snprintf(key, 128, "%s", dep);
        return FF_OK;
    }
    if (v)
        norm_id(v, c->field_len[INTAKE_F_ID], key, 128);
    return FF_OK;
}

static int has_text(const char *s, size_t n)
{
    return s && ff_utf8_trim(&s, n) > 0;
}

/* ODK's Edits: a count, or -1. */
static long edits_of(const struct intake_checked *c)
{
    const char *s = c->field[INTAKE_F_EDITS];
    size_t n = s ? ff_utf8_trim(&s, c->field_len[INTAKE_F_EDITS]) : 0, i;
    long v = 0;

    if (n == 0 || n > 6)
        return -1;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Count a decided column for the summary's "column most often at fault". */
static void count_column(struct intake_load_summary *sum, int reason,
                         const char *col, const char *detail)
{
    int i;

    if (col == NULL || col[0] == '\0')
        return;
    for (i = 0; i < sum->ncols; i++)
        if (sum->cols[i].reason == reason &&
            strcmp(sum->cols[i].column, col) == 0) {
            sum->cols[i].n++;
            return;
        }
    if (sum->ncols == INTAKE_MAX_REASON_COLUMNS)
        return;
    sum->cols[i].reason = reason;
    snprintf(sum->cols[i].column, sizeof sum->cols[i].column, "%s", col);
    sum->cols[i].detail = detail;
    sum->cols[i].n = 1;
    sum->ncols++;
}

const struct intake_reason_column *
intake_load_top_column(const struct intake_load_summary *s, int reason)
{
    const struct intake_reason_column *best = NULL;
    int i;

    for (i = 0; i < s->ncols; i++)
        if (s->cols[i].reason == reason && (best == NULL ||
                                            s->cols[i].n > best->n))
            best = &s->cols[i];
    return best;
}

/* SHA-256 of every field, length-prefixed so that boundaries count. */
static void row_hash(char *const *fields, const size_t *lens, size_t n,
                     unsigned char out[32])
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
 * The writer's half of a record: duplicates, identity across edits, the
 * reviewer's verdict, the ledger row, the winner.  fields[0..nfields) are
 * the record's fields; c came from the rules (its field pointers are
 * rebuilt here from the layout); digest is the row hash when the dialect
 * has no submission id and the record is valid.
 */
static int store_record(struct run *r, long record_no, long line,
                        char *const *fields, const size_t *lens,
                        size_t nfields, struct intake_checked *c,
                        const unsigned char *digest, struct ff_err *e)
{
    struct intake_row row;
    struct intake_version live;
    const struct intake_version *rep = NULL;
    char key[128], dep[128], review[64];
    long long id = 0;
    size_t i;
    int rc, f, maybe_edit = 0;

    for (f = 0; f < INTAKE_NFIELDS; f++) {
        long col = r->lay.col[f];

        c->field[f] = nfields == r->lay.ncols && col >= 0 ? fields[col]
                                                          : NULL;
        c->field_len[f] = c->field[f] ? lens[col] : 0;
    }
    r->file->records++;
    r->sum->records++;
    memset(&row, 0, sizeof row);
    memset(&live, 0, sizeof live);
    key[0] = dep[0] = '\0';
    row.load_id = r->load_id;
    row.source_id = r->file->source_id;
    row.record_no = record_no;
    row.line = line;
    row.outcome = c->outcome;
    row.reason = c->reason;
    row.col = c->col;
    row.late = c->late;
    row.month = c->month;
    row.submitted = c->submitted;
    row.has_submitted = c->has_submitted;
    for (f = 0; f < INTAKE_NFIELDS; f++) {
        row.field[f] = c->field[f];
        row.field_len[f] = c->field_len[f];
    }
    row.category = c->category;
    row.status = c->status;
    row.income = c->income;
    row.has_income = c->has_income;
    row.detail = c->detail;
    row.edits = -1;
    if (c->outcome == INTAKE_REJECTED && c->reason != INTAKE_R_RAGGED_ROW)
        row.col_name = column_name(r, c->col);
    else if (c->fault >= 0)
        row.col_name = column_name(r, r->lay.col[c->fault] + 1);
    if (c->field[INTAKE_F_REVIEW] && c->review != INTAKE_REVIEW_NONE) {
        const char *t = c->field[INTAKE_F_REVIEW];
        size_t tn = ff_utf8_trim(&t, c->field_len[INTAKE_F_REVIEW]);

        snprintf(review, sizeof review, "%.*s", (int)(tn < 60 ? tn : 60), t);
        row.review_text = review;
    }
    if (c->hhid[0]) {
        row.hhid = c->hhid;
        row.hhid_len = 11;
    } else if (r->lay.col[INTAKE_F_HHID] < (long)nfields) {
        /* Keep the field as given (trimmed) when it is text. */
        const char *t = fields[r->lay.col[INTAKE_F_HHID]];
        size_t tn = lens[r->lay.col[INTAKE_F_HHID]];

        if (ff_utf8_invalid_at(t, tn) == tn) {
            row.hhid_len = ff_utf8_trim(&t, tn);
            row.hhid = t;
        }
    }
    if (c->outcome == INTAKE_ACCEPTED) {
        const char *sid = c->field[INTAKE_F_ID];
        size_t sidn = sid ? ff_utf8_trim(&sid, c->field_len[INTAKE_F_ID]) : 0;
        int seen = 0;

        if ((rc = intake_ledger_seen(r->L, sid, sidn, digest, &seen, e)))
            return rc;
        if (seen && sid) {
            /* A version the reviewer rejected before and now gives
             * another explicit state (approved after all) counts again:
             * as a new record, the withdrawn one stays as it is.  An empty
             * state does not: it may be an older export, from before the
             * review. */
            if ((rc = logical_key(r, c, key, dep, &maybe_edit, e)) ||
                (key[0] &&
                 (rc = intake_ledger_live_version(r->L, key, &live, e))))
                return rc;
            if (live.id && live.withdrawn &&
                has_text(c->field[INTAKE_F_REVIEW],
                         c->field_len[INTAKE_F_REVIEW])) {
                seen = 0;
                row.detail = "approved again after the reviewer had "
                             "rejected it";
            }
            memset(&live, 0, sizeof live);
        }
        if (seen) {
            row.outcome = INTAKE_DUPLICATE;
            row.reason = sid ? INTAKE_R_SAME_ID : INTAKE_R_IDENTICAL;
            row.detail = sid ? "this version of the submission was loaded "
                               "before"
                             : "identical to an earlier record";
            if (c->review == INTAKE_REVIEW_FLAGGED)
                row.detail = "loaded before; the reviewer flags it now "
                             "(has issues / on hold)";
            /* The key lets the export show the latest review state. */
            row.logical_key = key;
        } else {
            row.outcome = INTAKE_SUPERSEDED;    /* until it wins */
            row.submission_id = sid;
            row.submission_id_len = sidn;
            row.row_sha256 = sid ? NULL : digest;
            if ((rc = logical_key(r, c, key, dep, &maybe_edit, e)))
                return rc;
            row.logical_key = key;
            row.deprecated = dep;
            row.edits = edits_of(c);
            if (maybe_edit && key[0] &&
                (rc = intake_ledger_live_version(r->L, key, &live, e)))
                return rc;
            if (live.withdrawn)
                live.id = 0;    /* out already: nothing to replace */
            if (live.id) {
                char mine[128];

                norm_id(sid ? sid : "", sidn, mine, sizeof mine);
                if ((row.edits >= 0 && live.edits > row.edits) ||
                    (live.deprecated[0] && strcmp(live.deprecated, mine) == 0)) {
                    /* An older version, loaded after its edit. */
                    row.stale = 1;
                    row.detail = "an older version of a submission whose "
                                 "edit is loaded already";
                } else {
                    rep = &live;
                }
            }
        }
    } else if (c->reason == INTAKE_R_REVIEW_REJECTED) {
        /* Whatever version the reviewer rejected, the submission is out:
         * a copy accepted before no longer counts. */
        if ((rc = logical_key(r, c, key, dep, &maybe_edit, e)))
            return rc;
        if (key[0] && (rc = intake_ledger_live_version(r->L, key, &live, e)))
            return rc;
    }
    if (row.outcome == INTAKE_REJECTED || row.outcome == INTAKE_DUPLICATE) {
        ff_buf_reset(&r->raw);
        for (i = 0; i < nfields; i++)
            if ((i && ff_buf_addc(&r->raw, '\x1f')) ||
                ff_buf_add(&r->raw, fields[i], lens[i]))
                return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        row.raw = r->raw.data;
        row.raw_len = r->raw.len;
    }
    if ((rc = intake_ledger_record_add(r->L, &row, &id, e)))
        return rc;
    switch (row.outcome) {
    case INTAKE_REJECTED:
        r->sum->rejected++;
        r->sum->by_reason[row.reason]++;
        count_column(r->sum, row.reason, row.col_name, row.detail);
        if (live.id) {
            if ((rc = take_out(r, &live, id, "review", e)))
                return rc;
            r->sum->withdrawn++;
        }
        break;
    case INTAKE_DUPLICATE:
        r->sum->duplicate++;
        r->sum->by_reason[row.reason]++;
        if (c->review == INTAKE_REVIEW_FLAGGED)
            r->sum->flagged++;
        break;
    default:
        if (c->review == INTAKE_REVIEW_FLAGGED)
            r->sum->flagged++;
        if (c->late == 1)
            r->sum->late++;
        r->sum->superseded++;   /* corrected when the winners are known */
        if (row.stale) {
            r->sum->stale++;
            return FF_OK;       /* an old version never competes */
        }
        if (rep) {
            r->sum->edits++;
            if (strcmp(rep->hhid, c->hhid) || strcmp(rep->month, c->month)) {
                if ((rc = take_out(r, rep, id, "edit", e)))
                    return rc;
            } else if (rep->load_id != r->load_id &&
                       (rc = add_taken(r, rep->id, id, "edit", 0, e))) {
                return rc;
            }
        }
        return compete(r, c->hhid, c->month, id, c->submitted, rep, e);
    }
    return FF_OK;
}

/*
 * The pipeline.  A parser thread reads the CSV and applies the rules (pure
 * work: no SQLite); it packs each record into a batch and hands full
 * batches to the writer (this thread), which does everything that touches
 * the ledger, in record order.  NBATCH batches of about BATCH_BYTES bound
 * the memory, whatever the file size.
 *
 * A packed record: struct packed, then nfields size_t lengths, then the
 * fields, each NUL-terminated, padded to 8 bytes.
 */
#define NBATCH 6
#define HEAD_BYTES 65536ULL     /* the head fingerprint of a source file */
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
    struct run *r;
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
    struct run *r = p->r;
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
    if (rec->padded && nf > r->lay.ncols)
        nf -= rec->padded < nf - r->lay.ncols ? rec->padded
                                               : nf - r->lay.ncols;
    k.nfields = nf;
    intake_rules_check(&r->lay, &r->rc, rec->fields, rec->lens, nf,
                       rec->bad_utf8_field, &k.c);
    /* The reader re-read the lines after a stray quote; this record,
     * which held it, is rejected for it, the cause of any other fault the
     * rules found in it (core/csv.h). */
    if (rec->stray_quote_field && k.c.reason != INTAKE_R_INVALID_UTF8) {
        k.c.outcome = INTAKE_REJECTED;
        k.c.reason = INTAKE_R_STRAY_QUOTE;
        k.c.col = rec->stray_quote_field;
    }
    if (k.c.outcome == INTAKE_ACCEPTED && r->lay.col[INTAKE_F_ID] < 0) {
        row_hash(rec->fields, rec->lens, nf, k.digest);
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
 * descriptor (load_file), so the records read while the order is still
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
static int order_observe(struct run *r, const struct ff_csv_record *rec,
                         struct ff_err *e)
{
    struct order_state *o = &r->ord;
    long c = r->lay.col[INTAKE_F_SUBMITTED];
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
        return ff_err_set(e, FF_EINPUT, r->name, o->mdy_line, o->col,
                          "dates in this column are month/day here but "
                          "day/month on line %ld: the file mixes two "
                          "locales; export each sheet again or fix the "
                          "dates", o->dmy_line);
    if (o->deciding && (o->dmy_line || o->mdy_line)) {
        o->deciding = 0;
        r->rc.date_order = o->dmy_line ? INTAKE_ORDER_DMY : INTAKE_ORDER_MDY;
        r->file->date_order = r->rc.date_order;
    }
    return FF_OK;
}

/* Keep a copy of rec until the order is decided. */
static int order_hold(struct run *r, const struct ff_csv_record *rec,
                      struct ff_err *e)
{
    struct order_state *o = &r->ord;
    struct held h;
    size_t i, at = o->held.len, need;
    static const char zeros[8] = {0};

    need = sizeof h + rec->nfields * sizeof(size_t);
    for (i = 0; i < rec->nfields; i++)
        need += rec->lens[i] + 1;
    need = (need + 7) & ~(size_t)7;
    if (o->held.len + need > ORDER_HOLD_MAX)
        return ff_err_set(e, FF_EINPUT, r->name, rec->line, o->col,
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
    struct order_state *o = &p->r->ord;
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
    struct run *r = p->r;
    struct order_state *o = &r->ord;

    if (!o->deciding)
        return FF_OK;
    o->deciding = o->scanning = 0;
    if (o->slashed)
        return ff_err_set(e, FF_EINPUT, r->name, 1, o->col,
                          "every date in this column could be day/month or "
                          "month/day (no day above 12, no Buddhist year): "
                          "%s", order_hint_text);
    return order_release(p, e);
}

static int parse_record(void *ctx, const struct ff_csv_record *rec,
                        struct ff_err *e)
{
    struct pipe *p = ctx;
    struct run *r = p->r;
    int rc;

    if (rec->record == 1) {
        if (keep_header(r, rec))
            return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        rc = intake_dialect_detect(r->o->dialects, rec->fields, rec->lens,
                                   rec->nfields, r->file->path, &r->lay, e);
        if (rc == FF_OK && r->lay.col[INTAKE_F_SUBMITTED] < 0)
            r->ord.scanning = r->ord.deciding = 0;
        return rc;
    }
    /* An HXL hashtag row under the header ("#loc+name") is no report. */
    if (rec->record == 2 &&
        intake_is_hxl_row(rec->fields, rec->lens, rec->nfields)) {
        r->file->hxl_row = 1;
        return FF_OK;
    }
    if (r->ord.scanning) {
        if ((rc = order_observe(r, rec, e)))
            return rc;
        if (r->ord.deciding)
            return order_hold(r, rec, e);
        if (r->ord.nheld && (rc = order_release(p, e)))
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
static int write_batch(struct run *r, struct batch *b, struct ff_err *e)
{
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
        if (k.nfields > r->fcap) {
            char **v = ff_realloc(r->fptr, k.nfields * sizeof *v);

            if (v == NULL)
                return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
            r->fptr = v;
            r->fcap = k.nfields;
        }
        for (j = 0; j < k.nfields; j++) {
            r->fptr[j] = (char *)f;
            f += lens[j] + 1;
        }
        rc = store_record(r, k.record, k.line, r->fptr, lens, k.nfields,
                          &k.c, k.has_digest ? k.digest : NULL, e);
        if (rc)
            return rc;
        at += k.bytes;
    }
    return FF_OK;
}

/* Run the parser thread over csv and write what it hands over. */
static int pipeline(struct run *r, struct ff_table *csv, struct ff_err *e)
{
    struct pipe p;
    pthread_t th;
    int rc = FF_OK, i;

    memset(&p, 0, sizeof p);
    p.r = r;
    p.csv = csv;
    ff_err_clear(&p.parse_e);
    for (i = 0; i < NBATCH; i++)
        ff_buf_init(&p.slot[i].b);
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    if (pthread_create(&th, NULL, parse_main, &p) != 0) {
        rc = ff_err_set(e, FF_ESYS, r->file->path, 0, 0,
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
        rc = write_batch(r, b, e);
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

static const char *basename_of(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

/*
 * The input is read once, through one descriptor: the parser's raw bytes
 * go through this tap into the file's hashes, so the SHA-256 stored is
 * exactly that of the bytes whose records were stored (a file replaced
 * between two opens can no longer pair one file's hash with another's
 * records), and a pipe or standard input works like a file.
 */
struct tap {
    struct intake_sha256 all, head;
    unsigned long long bytes;
};

static void tap_bytes(void *ctx, const unsigned char *buf, size_t n)
{
    struct tap *t = ctx;

    if (t->bytes < HEAD_BYTES) {
        size_t k = HEAD_BYTES - t->bytes < n ? (size_t)(HEAD_BYTES - t->bytes)
                                             : n;

        intake_sha256_update(&t->head, buf, k);
    }
    intake_sha256_update(&t->all, buf, n);
    t->bytes += n;
}

/* What a file's records did to the load's memory, to undo them when the
 * file turns out to be one loaded before (see load_file). */
struct undo {
    struct winner *w;
    size_t wn, wcap, nprev, ntaken;
    struct intake_load_summary sum;
};

static int undo_save(struct run *r, struct undo *u, struct ff_err *e)
{
    u->wn = r->wn;
    u->wcap = r->wcap;
    u->nprev = r->nprev;
    u->ntaken = r->ntaken;
    u->sum = *r->sum;
    u->w = NULL;
    if (r->wcap) {
        u->w = ff_malloc(r->wcap * sizeof *u->w);
        if (u->w == NULL)
            return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        memcpy(u->w, r->w, r->wcap * sizeof *u->w);
    }
    return FF_OK;
}

static void undo_apply(struct run *r, struct undo *u)
{
    ff_free(r->w);
    r->w = u->w;
    r->wn = u->wn;
    r->wcap = u->wcap;
    r->nprev = u->nprev;
    r->ntaken = u->ntaken;
    *r->sum = u->sum;
    u->w = NULL;
}

/*
 * Read one file, from the descriptor fd, into the open load.  Its hash is
 * known only at the end (a pipe cannot be hashed first), so the file is
 * stored under a savepoint and, when its bytes turn out to be those of a
 * file loaded before (or earlier on this command line), rolled back:
 * "already loaded", nothing of it kept.
 */
static int load_file(struct run *r, struct intake_load_file *file,
                     const char *name, int fd, int index, struct ff_err *e)
{
    struct ff_table_opts co;
    struct ff_table *csv = NULL;
    struct tap t;
    struct undo u;
    char provisional[80], head[65];
    long prior_source = 0, prior_load = 0;
    int rc;

    memset(&u, 0, sizeof u);
    if ((rc = undo_save(r, &u, e)))
        return rc;
    if ((rc = intake_ledger_savepoint(r->L, e))) {
        ff_free(u.w);
        return rc;
    }
    intake_sha256_init(&t.all);
    intake_sha256_init(&t.head);
    t.bytes = 0;
    memset(&co, 0, sizeof co);
    co.tap = tap_bytes;
    co.tap_ctx = &t;
    co.max_bytes = r->o->max_bytes ? r->o->max_bytes : INTAKE_MAX_INPUT_BYTES;
    csv = ff_table_open_fd(name, fd, &co, e);
    if (csv == NULL) {
        rc = e->code;
        goto out;
    }
    r->file = file;
    /* The source row first, so that records can refer to it; its hashes,
     * size, dialect and encoding are filled in once the file is read. */
    snprintf(provisional, sizeof provisional, "pending:%ld:%d", r->load_id,
             index);
    rc = intake_ledger_source_add(r->L, r->load_id, basename_of(name),
                                  provisional, "", 0, &file->source_id, e);
    if (rc)
        goto out;
    memset(&r->lay, 0, sizeof r->lay);
    r->name = name;
    file->date_order = r->rc.date_order = r->o->date_order;
    r->ord.scanning = r->ord.deciding =
        r->o->date_order == INTAKE_ORDER_UNKNOWN;
    r->ord.slashed = 0;
    r->ord.dmy_line = r->ord.mdy_line = r->ord.col = 0;
    ff_buf_reset(&r->ord.held);
    r->ord.nheld = 0;
    rc = pipeline(r, csv, e);
    if (rc)
        goto out;
    if (r->lay.dialect == NULL) {
        rc = ff_err_set(e, FF_EINPUT, name, 0, 0, "empty file: no header");
        goto out;
    }
    snprintf(file->dialect, sizeof file->dialect, "%s", r->lay.dialect->name);
    /* A spreadsheet has no encoding or delimiter: its format says more. */
    file->delimiter = ff_table_delimiter(csv);
    file->encoding = file->delimiter ? ff_table_encoding(csv)
                                     : ff_table_format(csv);
    intake_sha256_hex(&t.all, file->sha256);
    intake_sha256_hex(&t.head, head);
    file->bytes = t.bytes;
    if ((rc = intake_ledger_source_finish(r->L, file->source_id,
                                          file->dialect, file->encoding,
                                          file->delimiter, file->records,
                                          e)) ||
        (rc = intake_ledger_source_by_sha(r->L, file->sha256, &prior_source,
                                          &prior_load, e)))
        goto out;
    if (prior_source) {
        if ((rc = intake_ledger_rollback_to(r->L, e)))
            goto out_done;
        undo_apply(r, &u);
        file->source_id = prior_source;
        file->prior_load = prior_load == r->load_id ? -1 : prior_load;
        file->records = 0;
        goto out_done;
    }
    rc = intake_ledger_source_set_sha(r->L, file->source_id, file->sha256,
                                      head, file->bytes, e);
out:
    if (rc == FF_OK)
        rc = intake_ledger_release(r->L, e);
    /* On failure the whole load is rolled back by the caller. */
out_done:
    intake_sha256_release(&t.all);      /* unfinished on an error path */
    intake_sha256_release(&t.head);
    ff_free(u.w);
    ff_table_free(csv);
    return rc;
}

/*
 * Open one input once: "-" is standard input (named "stdin" in messages
 * and in the ledger).  A regular file of the
 * same size and first 64 KiB as a loaded one is hashed first, through the
 * same descriptor, so that loading a file again costs a hash, not a parse;
 * everything else is known only once it has been read.
 */
static int open_input(struct run *r, struct intake_load_file *f, int *fd,
                      int *skip, struct ff_err *e)
{
    struct stat st;
    char head[65];
    int maybe = 0, rc;

    *skip = 0;
    if (strcmp(f->path, "-") == 0) {
        *fd = -1;
        if ((*fd = dup(0)) < 0)
            return ff_err_sys(e, "stdin", "cannot read standard input");
        return FF_OK;
    }
    *fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (*fd < 0)
        return ff_err_sys(e, f->path, "cannot open");
    if (fstat(*fd, &st) != 0)
        return ff_err_sys(e, f->path, "cannot stat");
    if (!S_ISREG(st.st_mode))
        return FF_OK;
    if ((rc = intake_sha256_fd(*fd, f->path, HEAD_BYTES, head, e)) ||
        (rc = intake_ledger_source_by_head(r->L,
                                           (unsigned long long)st.st_size,
                                           head, &maybe, e)))
        return rc;
    if (!maybe)
        return FF_OK;
    if ((rc = intake_sha256_fd(*fd, f->path, 0, f->sha256, e)) ||
        (rc = intake_ledger_source_by_sha(r->L, f->sha256, &f->source_id,
                                          &f->prior_load, e)))
        return rc;
    if (f->prior_load && f->prior_load == r->load_id)
        f->prior_load = -1;
    f->bytes = (unsigned long long)st.st_size;
    *skip = f->prior_load != 0;
    if (!*skip)         /* the hash stored will be the parsed bytes' */
        f->sha256[0] = '\0';
    return FF_OK;
}

static int by_id(const void *a, const void *b)
{
    const struct winner *x = a, *y = b;

    return (x->id > y->id) - (x->id < y->id);
}

static int by_earlier_id(const void *a, const void *b)
{
    const struct earlier *x = a, *y = b;

    return (x->id > y->id) - (x->id < y->id);
}

/*
 * Flip the winners to accepted and record what they superseded.  In record
 * order: each page of the record table is then read and rewritten once,
 * where hash order visited the pages at random, each many times (a load
 * of a million records over 300,000 households: 14 s before).  The
 * supersessions first, while the table is still one; then it is done
 * with, so the new winners are packed to its front and sorted there.
 */
static int settle(struct run *r, struct ff_err *e)
{
    size_t i, n = 0;
    int rc;

    for (i = 0; i < r->nprev; i++) {
        const struct winner *w = winner_slot(r, r->prev[i].key);

        if (w->key & NEW_WINNER)
            r->prev[i].by = w->id;
    }
    if (r->nprev)
        qsort(r->prev, r->nprev, sizeof *r->prev, by_earlier_id);
    for (i = 0; i < r->nprev; i++) {
        const struct taken *t;

        if (r->prev[i].by == 0)
            continue;
        t = find_taken(r, r->prev[i].id);
        if (t && t->done)
            continue;           /* out by identity already */
        if ((rc = intake_ledger_supersede_why(r->L, r->prev[i].id,
                                              r->prev[i].by, r->load_id,
                                              t ? t->why : NULL, e)))
            return rc;
        r->sum->superseded_earlier++;
    }
    for (i = 0; i < r->wcap; i++)
        if (r->w[i].key & NEW_WINNER)
            r->w[n++] = r->w[i];
    r->wn = 0;                  /* no longer a hash table */
    if (n == 0)
        return FF_OK;           /* (and r->w may be NULL) */
    qsort(r->w, n, sizeof *r->w, by_id);
    for (i = 0; i < n; i++) {
        if ((rc = intake_ledger_mark_accepted(r->L, r->w[i].id, e)))
            return rc;
        r->sum->accepted++;
        r->sum->superseded--;
    }
    return FF_OK;
}

static int outcomes_prepare(struct intake_ledger *L,
                            const struct intake_load_file *files, int n,
                            const char *path, int mode,
                            struct intake_csvout *o, struct ff_err *e);

int intake_load_run(struct intake_ledger *L, struct intake_load_file *files,
                    int n, const struct intake_load_opts *o,
                    struct intake_load_summary *sum, struct ff_err *e)
{
    struct intake_csvout oc;
    struct intake_snapshot snap;
    struct run r;
    int rc, i, fresh = 0;

    memset(sum, 0, sizeof *sum);
    memset(&r, 0, sizeof r);
    r.L = L;
    r.o = o;
    r.sum = sum;
    r.rc.known = known;
    r.rc.payload = o->payload;
    r.rc.ctx = &r;
    ff_buf_init(&r.raw);
    ff_buf_init(&r.hdr);
    ff_buf_init(&r.ord.held);
    if ((rc = intake_ledger_begin(L, e)))
        goto out_free;
    if ((rc = intake_ledger_snapshot_latest(L, &snap, e)))
        goto out;
    if (snap.id == 0) {
        rc = ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                        "the ledger has no household register yet (run "
                        "'ffintake register REGISTER.csv --ledger L.db')");
        goto out;
    }
    if ((rc = intake_ledger_each_household(L, snap.id, add_code, &r.codes,
                                           e)))
        goto out;
    qsort(r.codes.v, r.codes.n, sizeof r.codes.v[0], code_cmp);
    for (i = 0; i < n; i++) {
        struct intake_load_file *f = &files[i];
        int fd = -1, skip = 0;

        f->source_id = f->prior_load = f->records = 0;
        f->dialect[0] = f->sha256[0] = '\0';
        f->encoding = "";
        f->date_order = INTAKE_ORDER_UNKNOWN;
        f->hxl_row = 0;
        if ((rc = open_input(&r, f, &fd, &skip, e)) || skip) {
            if (fd >= 0)
                close(fd);
            if (rc)
                goto out;
            continue;
        }
        if (!fresh) {
            rc = intake_ledger_load_add(L, snap.id, o->now, &r.load_id, e);
            if (rc) {
                close(fd);
                goto out;
            }
            sum->load_id = r.load_id;
            fresh = 1;
        }
        rc = load_file(&r, f, strcmp(f->path, "-") == 0 ? "stdin" : f->path,
                       fd, i, e);
        close(fd);
        if (rc)
            goto out;
    }
    /* Every file may have turned out to be loaded before. */
    for (i = 0; fresh && i < n; i++)
        if (files[i].prior_load == 0)
            break;
    if (fresh && i == n) {
        fresh = 0;
        sum->load_id = 0;
    }
    if (!fresh)
        goto out;       /* nothing new: roll back the empty transaction */
    if ((rc = settle(&r, e)) ||
        (rc = intake_ledger_load_finish(L, r.load_id, o->now, e)))
        goto out;
    if (o->outcomes &&
        (rc = outcomes_prepare(L, files, n, o->outcomes,
                               o->outcomes_mode ? o->outcomes_mode : 0600,
                               &oc, e)))
        goto out;
    rc = intake_ledger_commit(L, e);
    if (o->outcomes) {
        if (rc == FF_OK)
            rc = intake_csvout_close(&oc, e);   /* only the rename is left */
        else
            intake_csvout_abort(&oc);
    }
out:
    if (rc || !fresh)
        intake_ledger_rollback(L);
    if (rc)
        sum->load_id = 0;
out_free:
    ff_free(r.codes.v);
    ff_free(r.w);
    ff_free(r.prev);
    ff_free(r.fptr);
    ff_free(r.taken);
    ff_free(r.hdr_off);
    ff_buf_release(&r.hdr);
    ff_buf_release(&r.ord.held);
    ff_buf_release(&r.raw);
    return rc;
}

/*
 * The household column of --outcomes.  The ledger keeps a rejected record's
 * household field as it was typed, and that may be anything: a citizen ID
 * (13 digits) or a phone number typed into the wrong box, a name, or
 * Excel's "3.24063638161E+12" (a citizen ID with one digit lost).  Only a
 * well-formed code is shown: 11 ASCII digits, alone or as a token whose
 * check digit or tag failed (CODE-C, CODE-C-TAG: a dash, then at most 16
 * letters, digits and dashes); anything else stays empty (the file and
 * line say where to look).
 */
static const char *outcome_hhid(const char *h)
{
    size_t i;

    if (h == NULL)
        return NULL;
    for (i = 0; i < 11; i++)
        if (h[i] < '0' || h[i] > '9')
            return NULL;
    if (h[11] == '\0')
        return h;
    if (h[11] != '-')
        return NULL;
    for (i = 12; h[i] && i <= 12 + 16; i++)
        if (!(h[i] >= '0' && h[i] <= '9') && !(h[i] >= 'A' && h[i] <= 'Z') &&
            !(h[i] >= 'a' && h[i] <= 'z') && h[i] != '-')
            return NULL;
    return h[i] == '\0' && i > 12 ? h : NULL;
}

static int write_outcome(void *ctx, const struct intake_outcome_row *r)
{
    struct intake_csvout *o = ctx;
    char file[1024];

    /* The file name as the terminal would show it (err.h): the CSV is
     * also read with cat and less. */
    ff_err_escape(file, sizeof file, r->file, strlen(r->file));
    intake_csvout_str(o, file);
    intake_csvout_long(o, r->record_no);
    intake_csvout_long(o, r->line);
    intake_csvout_str(o, r->outcome);
    intake_csvout_str(o, r->reason);
    if (r->late >= 0)
        intake_csvout_long(o, r->late);
    else
        intake_csvout_str(o, NULL);
    intake_csvout_str(o, outcome_hhid(r->hhid));
    intake_csvout_str(o, r->month);
    intake_csvout_str(o, r->column);
    intake_csvout_str(o, r->detail);
    intake_csvout_end_row(o);
    return FF_OK;
}

/* Write the outcomes CSV to a prepared (fsynced, not yet renamed) file. */
static int outcomes_prepare(struct intake_ledger *L,
                            const struct intake_load_file *files, int n,
                            const char *path, int mode,
                            struct intake_csvout *o, struct ff_err *e)
{
    int i, rc;

    if ((rc = intake_csvout_open_mode(o, path, 0, mode, e)))
        return rc;
    fputs("file,record,line,outcome,reason,late,hhid,month,column,detail\r\n",
          o->f.fp);
    for (i = 0; i < n; i++) {
        if (files[i].source_id == 0 || files[i].prior_load < 0)
            continue;
        if ((rc = intake_ledger_each_outcome(L, files[i].source_id,
                                             write_outcome, o, e))) {
            intake_csvout_abort(o);
            return rc;
        }
    }
    if ((rc = ff_outfile_prepare(&o->f, e)))
        intake_csvout_abort(o);
    return rc;
}

int intake_load_write_outcomes(struct intake_ledger *L,
                               const struct intake_load_file *files, int n,
                               const char *path, int mode, struct ff_err *e)
{
    struct intake_csvout o;
    int rc = outcomes_prepare(L, files, n, path, mode, &o, e);

    return rc ? rc : intake_csvout_close(&o, e);
}

/* Where intake_register_import's stream of households goes. */
struct register_sink {
    struct intake_ledger *L;
    long snapshot;          /* 0: only read (the file is current already) */
};

static int store_household(void *ctx, const struct ff_household *h,
                           struct ff_err *e)
{
    struct register_sink *k = ctx;
    struct intake_household x;
    char head[512];

    if (k->snapshot == 0)
        return FF_OK;
    x.code = h->code;
    x.province = h->province;
    x.district_code = h->district_code;
    x.district = h->district;
    x.subdistrict = h->subdistrict;
    x.village_no = h->village_no;
    x.village_name = h->village_name;
    x.house_no = h->house_no;
    x.head = ff_household_head(h, head, sizeof head);
    x.members = h->members;
    x.income = h->income;
    x.status = h->status;
    return intake_ledger_household_add(k->L, k->snapshot, &x, e);
}

/*
 * The register is read as a stream (issue 12: a national register of
 * 1,000,000 households took 375 MB held whole): each household goes into
 * the new snapshot as it is read, inside the one transaction, and whether
 * the file may become the current snapshot is decided at its end, by
 * rolling back when it may not.  *regp keeps the counts and rejected rows
 * for the summary, not the households.
 */
static int register_import_tx(struct intake_ledger *L, const char *path,
                              const char *map_path, int survey_year,
                              double threshold, const char *now,
                              struct ff_register **regp,
                              struct intake_register_result *res,
                              struct ff_err *e)
{
    struct intake_snapshot snap;
    struct register_sink sink;
    struct ff_register *reg;
    char sha[65];
    int rc, already = 0;

    memset(res, 0, sizeof *res);
    *regp = NULL;
    if ((rc = intake_sha256_file(path, sha, NULL, e)))
        return rc;
    if ((rc = intake_ledger_begin(L, e)))
        return rc;
    if ((rc = intake_ledger_snapshot_by_sha(L, sha, &snap, e)))
        goto out;
    if (snap.id) {
        struct intake_snapshot cur;

        if ((rc = intake_ledger_snapshot_latest(L, &cur, e)))
            goto out;
        res->snapshot = snap.id;
        /* Current already: read for the summary and checks, store
         * nothing.  Stored before, but another file is current:
         * registering it again makes it current, as a new snapshot of
         * the same bytes. */
        if (cur.id == snap.id)
            already = 1;
        else
            res->restored = snap.id;
    }
    sink.L = L;
    sink.snapshot = 0;
    if (!already) {
        memset(&snap, 0, sizeof snap);
        snprintf(snap.file, sizeof snap.file, "%s", basename_of(path));
        memcpy(snap.sha256, sha, 65);
        snprintf(snap.loaded_at, sizeof snap.loaded_at, "%s", now);
        snap.survey_year = survey_year;
        snap.threshold = threshold;
        snap.households = 0;    /* counted at the end */
        if ((rc = intake_ledger_snapshot_add(L, &snap, e)))
            goto out;
        sink.snapshot = snap.id;
    }
    reg = ff_register_each(path, map_path, store_household, &sink, e);
    if (reg == NULL) {
        rc = e->code ? e->code : FF_EINTERNAL;
        goto out;
    }
    *regp = reg;
    res->households = (long)reg->n;
    res->bad_rows = (long)reg->nbad;
    /* An empty or mostly-rejected file never becomes the current snapshot:
     * every later load would be rejected as unknown_hhid. */
    if ((rc = ff_register_check_usable(reg, e)))
        goto out;
    if (already) {
        res->already = 1;
        intake_ledger_rollback(L);
        return FF_OK;
    }
    if ((rc = intake_ledger_snapshot_set_households(L, snap.id,
                                                    (long)reg->n, e)))
        goto out;
    res->snapshot = snap.id;
    rc = intake_ledger_commit(L, e);
out:
    if (rc)
        intake_ledger_rollback(L);
    return rc;
}

int intake_register_import(struct intake_ledger *L, const char *path,
                           const char *map_path, int survey_year,
                           double threshold, const char *now,
                           struct ff_register **regp,
                           struct intake_register_result *res,
                           struct ff_err *e)
{
    struct ff_err ignored;
    int rc;

    memset(res, 0, sizeof *res);
    *regp = NULL;
    if ((rc = intake_ledger_register_cache(L, 1, e)))
        return rc;
    rc = register_import_tx(L, path, map_path, survey_year, threshold, now,
                            regp, res, e);
    /* Only speed depends on the cache size: the result stands. */
    ff_err_clear(&ignored);
    (void)intake_ledger_register_cache(L, 0, &ignored);
    return rc;
}

/*
 * A stream: the same classification as a load, fed one record at a time
 * (ffintake serve's hooks), many transactions over one context.  Each
 * transaction is one load; each (source name, dialect) met in it is one
 * source row, named like "hook:kobo", whose provisional unique hash is
 * "hook:LOAD:N" (no file bytes to hash).  The winners of the transaction
 * are settled at commit exactly as at the end of a load, so a report that
 * arrives by hook gets the outcome it would get in an export.
 */
#define STREAM_SOURCES 8

struct intake_stream {
    struct run r;
    struct intake_load_summary sum;
    struct intake_load_file files[STREAM_SOURCES];
    char names[STREAM_SOURCES][64];
    const struct intake_dialect *dialect[STREAM_SOURCES];
    int nfiles;
    long snapshot;
    struct ff_buf raw;
    char now[32];
    int open;
};

struct intake_stream *intake_stream_new(struct intake_ledger *L,
                                        const struct intake_load_opts *o,
                                        struct ff_err *e)
{
    struct intake_stream *s = ff_calloc(1, sizeof *s);

    if (s == NULL) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        return NULL;
    }
    s->r.L = L;
    s->r.o = o;
    s->r.sum = &s->sum;
    s->r.rc.known = known;
    s->r.rc.payload = o->payload;
    s->r.rc.ctx = &s->r;
    ff_buf_init(&s->r.raw);
    return s;
}

void intake_stream_free(struct intake_stream *s)
{
    if (s == NULL)
        return;
    if (s->open)
        intake_stream_rollback(s);
    ff_free(s->r.codes.v);
    ff_free(s->r.w);
    ff_free(s->r.prev);
    ff_free(s->r.fptr);
    ff_free(s->r.taken);
    ff_free(s->r.hdr_off);
    ff_buf_release(&s->r.hdr);
    ff_buf_release(&s->r.raw);
    ff_free(s);
}

int intake_stream_begin(struct intake_stream *s, const char *now,
                        struct ff_err *e)
{
    struct intake_snapshot snap;
    int rc;

    if ((rc = intake_ledger_begin(s->r.L, e)))
        return rc;
    s->open = 1;
    if ((rc = intake_ledger_snapshot_latest(s->r.L, &snap, e)))
        goto fail;
    if (snap.id == 0) {
        rc = ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                        "the ledger has no household register yet");
        goto fail;
    }
    /* The codes of the newest register, read again only when a new
     * register snapshot has been stored meanwhile. */
    if (snap.id != s->snapshot) {
        s->r.codes.n = 0;
        if ((rc = intake_ledger_each_household(s->r.L, snap.id, add_code,
                                               &s->r.codes, e))) {
            if (e->code == FF_OK)
                ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
            s->snapshot = 0;
            goto fail;
        }
        qsort(s->r.codes.v, s->r.codes.n, sizeof s->r.codes.v[0], code_cmp);
        s->snapshot = snap.id;
    }
    memset(&s->sum, 0, sizeof s->sum);
    if (s->r.w)
        memset(s->r.w, 0, s->r.wcap * sizeof *s->r.w);
    s->r.wn = 0;
    s->r.nprev = 0;
    /* Records taken out by edits belong to one load: a group commit is
     * one, and the server's next group must not see this one's (nor grow
     * the list for as long as the server runs). */
    s->r.ntaken = 0;
    s->nfiles = 0;
    snprintf(s->now, sizeof s->now, "%s", now);
    if ((rc = intake_ledger_load_add(s->r.L, snap.id, now, &s->r.load_id, e)))
        goto fail;
    s->sum.load_id = s->r.load_id;
    return FF_OK;
fail:
    intake_stream_rollback(s);
    return rc;
}

/* The source row of (name, dialect) in this transaction, made on first use. */
static struct intake_load_file *stream_source(struct intake_stream *s,
                                              const char *name,
                                              const struct intake_dialect *d,
                                              struct ff_err *e)
{
    struct intake_load_file *f;
    char sha[64];
    int i;

    for (i = 0; i < s->nfiles; i++)
        if (s->dialect[i] == d && strcmp(s->names[i], name) == 0)
            return &s->files[i];
    if (s->nfiles == STREAM_SOURCES) {
        ff_err_set(e, FF_EINTERNAL, NULL, 0, 0, "too many hook sources");
        return NULL;
    }
    f = &s->files[s->nfiles];
    memset(f, 0, sizeof *f);
    snprintf(s->names[s->nfiles], sizeof s->names[0], "%s", name);
    f->path = s->names[s->nfiles];
    snprintf(f->dialect, sizeof f->dialect, "%s", d->name);
    snprintf(sha, sizeof sha, "hook:%ld:%d", s->r.load_id, s->nfiles);
    if (intake_ledger_source_add(s->r.L, s->r.load_id, name, sha, "", 0,
                                 &f->source_id, e))
        return NULL;
    s->dialect[s->nfiles++] = d;
    return f;
}

int intake_stream_add(struct intake_stream *s, const char *source,
                      const struct intake_layout *lay, char *const *fields,
                      const size_t *lens, size_t nfields,
                      struct intake_stream_result *res, struct ff_err *e)
{
    struct intake_checked c;
    unsigned char digest[32];
    int has_digest = 0, rc;
    long bad = 0;
    size_t i;
    struct intake_load_file *f;

    memset(res, 0, sizeof *res);
    for (i = 0; i < nfields && bad == 0; i++)
        if (ff_utf8_invalid_at(fields[i], lens[i]) != lens[i])
            bad = (long)i + 1;
    if ((f = stream_source(s, source, lay->dialect, e)) == NULL)
        return e->code;
    s->r.file = f;
    s->r.lay = *lay;
    intake_rules_check(lay, &s->r.rc, fields, lens, nfields, bad, &c);
    if (c.outcome == INTAKE_ACCEPTED && lay->col[INTAKE_F_ID] < 0) {
        row_hash(fields, lens, nfields, digest);
        has_digest = 1;
    }
    if (c.outcome == INTAKE_ACCEPTED) {
        /* Already stored (a retried post, or the same report loaded from
         * an export): nothing new is stored; the caller answers with the
         * first copy. */
        const char *sid = NULL;
        size_t sidn = 0;
        long col = lay->col[INTAKE_F_ID];

        if (col >= 0 && (size_t)col < nfields) {
            sid = fields[col];
            sidn = ff_utf8_trim(&sid, lens[col]);
        }
        if ((rc = intake_ledger_first_seen(s->r.L, sid, sidn,
                                           has_digest ? digest : NULL,
                                           &res->id, e)))
            return rc;
        if (res->id) {
            res->outcome = INTAKE_DUPLICATE;
            res->reason = sid ? INTAKE_R_SAME_ID : INTAKE_R_IDENTICAL;
            res->late = c.late;
            return FF_OK;
        }
    }
    /* Hook records are numbered like the data records of a file: the
     * first is record 2 (the header would be 1). */
    rc = store_record(&s->r, (long)f->records + 2, (long)f->records + 2,
                      fields, lens, nfields, &c,
                      has_digest ? digest : NULL, e);
    if (rc)
        return rc;
    res->stored = 1;
    res->outcome = c.outcome;
    res->reason = c.reason;
    res->late = c.late;
    return intake_ledger_last_record(s->r.L, &res->id, e);
}

int intake_stream_commit(struct intake_stream *s, struct ff_err *e)
{
    int rc = FF_OK, i;

    for (i = 0; i < s->nfiles && rc == FF_OK; i++)
        rc = intake_ledger_source_finish(s->r.L, s->files[i].source_id,
                                         s->files[i].dialect, "json", ' ',
                                         s->files[i].records, e);
    if (rc == FF_OK)
        rc = settle(&s->r, e);
    if (rc == FF_OK)
        rc = intake_ledger_load_finish(s->r.L, s->r.load_id, s->now, e);
    if (rc == FF_OK)
        rc = intake_ledger_commit(s->r.L, e);
    if (rc) {
        intake_stream_rollback(s);
        return rc;
    }
    s->open = 0;
    return FF_OK;
}

void intake_stream_rollback(struct intake_stream *s)
{
    intake_ledger_rollback(s->r.L);
    s->open = 0;
}

const struct intake_load_summary *
intake_stream_summary(const struct intake_stream *s)
{
    return &s->sum;
}
