/*
 * load.h - the load command: stream submission files through the rules
 * into the ledger, in one transaction.
 *
 * Files are taken in the order given ("later files after earlier ones").
 * A file whose SHA-256 is already in the ledger is skipped: loading the same
 * file twice changes nothing.  A file that cannot be read or whose header
 * matches no dialect rejects the whole load (nothing is stored).
 */
#ifndef INTAKE_LOAD_H
#define INTAKE_LOAD_H

#include "dialect.h"
#include "ledger.h"
#include "rules.h"

struct intake_load_file {
    const char *path;           /* borrowed; "-" is standard input */
    char sha256[65];
    unsigned long long bytes;
    long source_id;
    long prior_load;            /* > 0: already loaded by that load */
    char dialect[64];
    const char *encoding;       /* static string */
    char delimiter;
    long records;               /* data records, header excluded */
    /* The ids of the first and last record this load stored from it, or
     * 0: its records lie between (the outcomes CSV reads that range, not
     * the whole ledger). */
    long long first_id, last_id;
    int date_order;             /* enum intake_date_order its dates used */
    int hxl_row;                /* 1: an HXL hashtag row was skipped */
    int regular;                /* a regular file (set by the load) */
};

/* Per reason, the column that decided most often (the load summary's
 * "bad_value: 10 (column สถานะหลังพัฒนา: ...)"). */
struct intake_reason_column {
    int reason;
    char column[128];           /* header text */
    const char *detail;         /* static message of its first record */
    long n;
};
#define INTAKE_MAX_REASON_COLUMNS 64

struct intake_load_summary {
    long load_id;               /* 0 when nothing new was loaded */
    long records, accepted, duplicate, superseded, rejected, late;
    long superseded_earlier;    /* earlier loads' records superseded now */
    long by_reason[INTAKE_NREASONS];
    long edits;                 /* new versions that replaced an earlier one */
    long stale;                 /* old versions that arrived after newer */
    long withdrawn;             /* accepted reports a reviewer rejected now */
    long flagged;               /* accepted, flagged by the reviewer */
    struct intake_reason_column cols[INTAKE_MAX_REASON_COLUMNS];
    int ncols;
};

/* The column most often at fault for reason, or NULL. */
const struct intake_reason_column *
intake_load_top_column(const struct intake_load_summary *s, int reason);

struct intake_load_opts {
    const struct intake_dialects *dialects;
    /* QR payload config: its key checks tags (NULL: no key). */
    const struct ff_payload_cfg *payload;
    const char *now;            /* ISO 8601 UTC time of the load */
    /* --outcomes: written and made durable before the ledger commits, so
     * that a failure to write it leaves the ledger unchanged (NULL: none). */
    const char *outcomes;
    int outcomes_mode;          /* 0600 (0: that), or 0640 */
    /* Inputs larger than this are refused as they are read (0: the
     * default, INTAKE_MAX_INPUT_BYTES). */
    unsigned long long max_bytes;
    /* --date-order: the day/month order of slashed dates in every file
     * (enum intake_date_order); UNKNOWN: decided from each file's data. */
    int date_order;
};

/* 4 GiB: ten times a national month of kobo records (439 MB a million);
 * an endless stream (/dev/zero, `yes`) ends with a message here. */
#define INTAKE_MAX_INPUT_BYTES (4ULL << 30)

/*
 * Load files[0..n) (their path fields set; the rest is filled) into L.
 * Returns FF_OK with *sum filled, or an error code with e filled and the
 * ledger unchanged.
 */
int intake_load_run(struct intake_ledger *L, struct intake_load_file *files,
                    int n, const struct intake_load_opts *o,
                    struct intake_load_summary *sum, struct ff_err *e);

/* Write the outcomes of the given files (after a load) as CSV to path. */
int intake_load_write_outcomes(struct intake_ledger *L,
                               const struct intake_load_file *files, int n,
                               const char *path, int mode, struct ff_err *e);

/* ---- a stream: records one at a time (ffintake serve) ---- */

/*
 * The same rules as a load for records that arrive one by one.  Each
 * begin ... commit is one load (one transaction); within it each source
 * name (e.g. "hook:kobo") and dialect gets a source row.  A record that is
 * valid and whose submission id (or, without one, every field) is already
 * stored is not stored again: the result names the first copy.
 */
struct intake_stream;

struct intake_stream_result {
    long long id;       /* the record stored, or the first copy */
    int stored;         /* 1: a new record; 0: already stored as id */
    int outcome;        /* provisional until commit (winners settle then) */
    int reason;
    int late;           /* -1 unknown */
};

/* o (borrowed, must outlive the stream) gives dialects and payload; its
 * now and outcomes are unused.  Caller frees with intake_stream_free(). */
struct intake_stream *intake_stream_new(struct intake_ledger *L,
                                        const struct intake_load_opts *o,
                                        struct ff_err *e);
/* Rolls back an open transaction. */
void intake_stream_free(struct intake_stream *s);

/* Begin a transaction and its load (now: ISO 8601 UTC).  The newest
 * register's codes are read again only when the snapshot changed.
 * FF_EINPUT without a register; on any error nothing is open. */
int intake_stream_begin(struct intake_stream *s, const char *now,
                        struct ff_err *e);

/* Classify fields[0..nfields), laid out by lay (its dialect borrowed),
 * and store it unless already stored.  An error leaves the transaction to
 * be rolled back by the caller. */
int intake_stream_add(struct intake_stream *s, const char *source,
                      const struct intake_layout *lay, char *const *fields,
                      const size_t *lens, size_t nfields,
                      struct intake_stream_result *res, struct ff_err *e);

/* Settle the winners and commit (durably: synchronous = FULL).  On error
 * everything of the transaction is rolled back. */
int intake_stream_commit(struct intake_stream *s, struct ff_err *e);
void intake_stream_rollback(struct intake_stream *s);

/* Counts of the last transaction. */
const struct intake_load_summary *
intake_stream_summary(const struct intake_stream *s);

#endif
