/*
 * load.c - one load: files -> CSV records -> rules -> duplicates and
 * supersession -> ledger, inside one transaction.
 *
 * Three threads per file: one hashes it (SHA-256 for provenance), one
 * parses it and applies the rules (no SQLite; pipeline.c), and the calling
 * thread does everything that touches the ledger, in record order, so the
 * outcome never depends on thread timing.  This file is that writer's half
 * (store_record), the loop over the files, and the stream API that serve's
 * hooks feed one record at a time.
 *
 * Memory stays flat in the file size: the CSV reader holds one record, the
 * parser hands records over in a ring of a few fixed-size batches, records
 * go to SQLite as they arrive, and the only table kept is the winner per
 * (household, month) touched by the load (winners.c), which is bounded by
 * the register times the months in the files, not by the number of
 * records.
 *
 * Supersession without rewriting history: a valid record is inserted as
 * "superseded" and the winner of each (household, month) is flipped to
 * "accepted" when the load ends.  If an earlier load's accepted record loses,
 * a supersession row says so; that record itself is never changed.
 */
#include "load.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "outfile.h"
#include "buf.h"
#include "table.h"
#include "csvout.h"
#include "pipeline.h"
#include "sha256.h"
#include "utf8.h"
#include "winners.h"

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

struct run {
    struct intake_ledger *L;
    const struct intake_load_opts *o;
    struct intake_load_summary *sum;
    struct intake_load_file *file;
    struct intake_layout lay;
    struct intake_rules_ctx rc;
    struct codes codes;
    struct intake_winners win;
    struct ff_buf raw;
    long load_id;
    struct taken *taken;
    size_t ntaken, cap_taken;
    struct intake_pipeline pipe;    /* the file's parser thread, its header */
};

static int code_cmp(const void *a, const void *b)
{
    return memcmp(a, b, 11);
}

/* The codes in code_cmp's order, for bsearch.  SQLite returns them so
 * already (the household table's key is (snapshot, code), compared as
 * bytes): checked in one pass, so that glibc's qsort, a merge sort with a
 * second array as large, runs only if that ever changes. */
static void sort_codes(struct codes *c)
{
    size_t i;

    for (i = 1; i < c->n; i++)
        if (code_cmp(c->v[i - 1], c->v[i]) > 0) {
            qsort(c->v, c->n, sizeof c->v[0], code_cmp);
            return;
        }
}

static int add_code(void *ctx, const struct intake_household *h)
{
    struct codes *c = ctx;
    char(*v)[12] = ff_grow(c->v, &c->cap, c->n + 1, sizeof *v, 1024);

    if (v == NULL)
        return FF_ESYS;
    c->v = v;
    snprintf(c->v[c->n++], 12, "%s", h->code);
    return FF_OK;
}

static int known(void *ctx, const char *code)
{
    struct run *r = ctx;

    return bsearch(code, r->codes.v, r->codes.n, sizeof r->codes.v[0],
                   code_cmp) != NULL;
}

static int add_taken(struct run *r, long long id, long long by,
                     const char *why, int done, struct ff_err *e)
{
    struct taken *v = ff_grow(r->taken, &r->cap_taken, r->ntaken + 1,
                              sizeof *v, 64);

    if (v == NULL)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    r->taken = v;
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
    if (v->load_id == r->load_id)
        intake_winners_drop(&r->win, v->hhid, v->month, v->id);
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

/*
 * The writer's half of a record: duplicates, identity across edits, the
 * reviewer's verdict, the ledger row, the winner.  fields[0..nfields) are
 * the record's fields; c came from the rules (its field pointers are
 * rebuilt here from the layout) and is what the ledger row stores, with
 * only what this load decides beside it; digest is the row hash when the
 * dialect has no submission id and the record is valid.
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
    row.c = c;
    row.load_id = r->load_id;
    row.source_id = r->file->source_id;
    row.record_no = record_no;
    row.line = line;
    row.outcome = c->outcome;
    row.reason = c->reason;
    row.detail = c->detail;
    row.edits = -1;
    if (c->outcome == INTAKE_REJECTED && c->reason != INTAKE_R_RAGGED_ROW)
        row.col_name = intake_pipeline_column(&r->pipe, c->col);
    else if (c->fault >= 0)
        row.col_name =
            intake_pipeline_column(&r->pipe, r->lay.col[c->fault] + 1);
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
    if (r->file->first_id == 0)
        r->file->first_id = id;
    r->file->last_id = id;
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
        return intake_winners_compete(&r->win, r->L, c->hhid, c->month, id,
                                      c->submitted, rep, e);
    }
    return FF_OK;
}

/* The pipeline's writer: store_record for each record it hands over. */
static int store_piped(void *ctx, const struct intake_piped *k,
                       struct ff_err *e)
{
    return store_record(ctx, k->record, k->line, k->fields, k->lens,
                        k->nfields, k->c, k->digest, e);
}

static const char *basename_of(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

#define HEAD_BYTES 65536ULL     /* the head fingerprint of a source file */

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
 * file turns out to be one loaded before (see load_file).  The winner
 * table is copied only for input that could not be hashed before it was
 * read (a pipe): a regular file that may be one loaded before is hashed
 * whole first and skipped unread (open_input), so its records can only
 * turn out to be a repeat if the file changed while it was read, and
 * then the load is refused.  The copy was 32 MB for each file after the
 * first of a national load. */
struct undo {
    struct intake_winners_saved win;
    int has_win;
    size_t ntaken;
    struct intake_load_summary sum;
};

static int undo_save(struct run *r, struct undo *u, int with_table,
                     struct ff_err *e)
{
    u->ntaken = r->ntaken;
    u->sum = *r->sum;
    u->has_win = with_table;
    return with_table ? intake_winners_save(&r->win, &u->win, e) : FF_OK;
}

static void undo_apply(struct run *r, struct undo *u)
{
    intake_winners_restore(&r->win, &u->win);
    r->ntaken = u->ntaken;
    *r->sum = u->sum;
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
    if ((rc = undo_save(r, &u, !file->regular, e)))
        return rc;
    if ((rc = intake_ledger_savepoint(r->L, e))) {
        intake_winners_discard(&u.win);
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
    r->pipe.file = file;
    r->pipe.name = name;
    rc = intake_pipeline_run(&r->pipe, csv, r->o->date_order, e);
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
    if (prior_source && !u.has_win) {
        rc = ff_err_set(e, FF_EINPUT, name, 0, 0,
                        "the file changed while it was read: its bytes are "
                        "now those of a file loaded before; nothing was "
                        "loaded, load it again");
        goto out_done;
    }
    if (prior_source) {
        if ((rc = intake_ledger_rollback_to(r->L, e)))
            goto out_done;
        undo_apply(r, &u);
        file->source_id = prior_source;
        file->prior_load = prior_load == r->load_id ? -1 : prior_load;
        file->records = 0;
        file->first_id = file->last_id = 0;     /* those were rolled back */
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
    intake_winners_discard(&u.win);
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
    f->regular = 0;
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
    f->regular = S_ISREG(st.st_mode);
    if (!f->regular)
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

/* Winners flipped by one statement each: enough to spread its setup, few
 * enough that SQLite's list of the rows to change stays small. */
#define FLIP_RUN 4096

/* A run of the winners, sorted by id: ff_pick's set. */
struct winner_run {
    const struct intake_winner *w;
    size_t n;
};

static int winner_id_cmp(const void *key, const void *elem)
{
    long long id = *(const long long *)key;
    long long w = ((const struct intake_winner *)elem)->id;

    return (id > w) - (id < w);
}

static int is_winner(void *ctx, long long id)
{
    const struct winner_run *run = ctx;

    return bsearch(&id, run->w, run->n, sizeof *run->w, winner_id_cmp) !=
           NULL;
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
    const struct intake_earlier *prev = r->win.prev;
    size_t i, n;
    int rc;

    intake_winners_settle_earlier(&r->win);
    for (i = 0; i < r->win.nprev; i++) {
        const struct taken *t;

        if (prev[i].by == 0)
            continue;
        t = find_taken(r, prev[i].id);
        if (t && t->done)
            continue;           /* out by identity already */
        if ((rc = intake_ledger_supersede_why(r->L, prev[i].id, prev[i].by,
                                              r->load_id, t ? t->why : NULL,
                                              e)))
            return rc;
        r->sum->superseded_earlier++;
    }
    n = intake_winners_settle_new(&r->win);
    for (i = 0; i < n; i += FLIP_RUN) {
        struct winner_run run = {r->win.w + i, n - i < FLIP_RUN ? n - i
                                                                : FLIP_RUN};
        struct intake_pick pick = {is_winner, &run};
        long long changed = 0;

        if ((rc = intake_ledger_mark_accepted(r->L, run.w[0].id,
                                              run.w[run.n - 1].id, &pick,
                                              &changed, e)))
            return rc;
        if (changed != (long long)run.n)    /* each winner is in the load */
            return ff_err_set(e, FF_EINTERNAL, "ledger", 0, 0,
                              "the load's winners are not all its records");
        r->sum->accepted += (long)run.n;
        r->sum->superseded -= (long)run.n;
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
    intake_pipeline_init(&r.pipe);
    r.pipe.dialects = o->dialects;
    r.pipe.lay = &r.lay;
    r.pipe.rc = &r.rc;
    r.pipe.store = store_piped;
    r.pipe.store_ctx = &r;
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
    if ((rc = intake_ledger_each_code(L, snap.id, add_code, &r.codes, e)))
        goto out;
    sort_codes(&r.codes);
    /* A month's export has about one report per household. */
    intake_winners_expect(&r.win, r.codes.n);
    for (i = 0; i < n; i++) {
        struct intake_load_file *f = &files[i];
        int fd = -1, skip = 0;

        f->source_id = f->prior_load = f->records = 0;
        f->first_id = f->last_id = 0;
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
    intake_winners_release(&r.win);
    ff_free(r.taken);
    intake_pipeline_release(&r.pipe);
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
                                             files[i].first_id,
                                             files[i].last_id,
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
    intake_pipeline_init(&s->r.pipe);   /* never run: no header, no names */
    return s;
}

void intake_stream_free(struct intake_stream *s)
{
    if (s == NULL)
        return;
    if (s->open)
        intake_stream_rollback(s);
    ff_free(s->r.codes.v);
    intake_winners_release(&s->r.win);
    ff_free(s->r.taken);
    intake_pipeline_release(&s->r.pipe);
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
        if ((rc = intake_ledger_each_code(s->r.L, snap.id, add_code,
                                          &s->r.codes, e))) {
            if (e->code == FF_OK)
                ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
            s->snapshot = 0;
            goto fail;
        }
        sort_codes(&s->r.codes);
        s->snapshot = snap.id;
    }
    memset(&s->sum, 0, sizeof s->sum);
    intake_winners_reset(&s->r.win);
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
        intake_pipeline_row_hash(fields, lens, nfields, digest);
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
