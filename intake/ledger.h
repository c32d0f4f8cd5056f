/*
 * ledger.h - the monthly results ledger: one SQLite file (the only file
 * that includes sqlite3.h is intake/ledger.c).
 *
 * The ledger holds register snapshots (the households each load was
 * validated against), loads, source files (name, SHA-256, dialect) and every
 * input record with its outcome and provenance.  It is append-only: a load
 * inserts rows and, when it supersedes a record accepted by an earlier load,
 * adds a row to `supersession`; nothing accepted is ever deleted or updated.
 * The schema is in ledger.c and intake/README.md.
 *
 * Every write happens inside intake_ledger_begin() ... _commit(); the file is
 * in WAL mode, so a process killed at any point leaves the ledger as it was
 * before the transaction.  A new ledger file is created with mode 0600: it
 * holds heads' names.
 */
#ifndef INTAKE_LEDGER_H
#define INTAKE_LEDGER_H

#include <stddef.h>

#include "dialect.h"
#include "err.h"

struct intake_ledger;

/*
 * Open the ledger at path, creating it (mode 0600) and its schema when
 * create is set and it does not exist; without create a missing file is
 * FF_EINPUT.  A ledger of schema 1 is migrated to schema 2 (writers only).
 * Returns NULL with e filled (the path) on failure.  Caller frees with
 * intake_ledger_free().
 */
struct intake_ledger *intake_ledger_open(const char *path, int create,
                                         struct ff_err *e);
/*
 * Open an existing ledger for reading only (report, export, check): the
 * file is never created, migrated or switched to WAL, no write lock is
 * taken, and every read sees one commit (a read transaction held until
 * intake_ledger_free).  In WAL mode a writer holding the ledger does not
 * delay it.  A file that is not an ffkit ledger, or whose schema version
 * this code does not know, is FF_EINPUT, and so is a ledger of schema 1
 * (only a writer, intake_ledger_open, migrates it); a damaged one FF_ESYS.
 * Returns
 * NULL with e filled on failure.  Caller frees with intake_ledger_free().
 */
struct intake_ledger *intake_ledger_open_ro(const char *path,
                                            struct ff_err *e);
/*
 * Call after the last read of a read-only ledger and before the results
 * are published: FF_ESYS with e filled if what was read may not be one
 * commit (only possible for a ledger the user may not write, which is read
 * without SQLite's shared memory: a writer changed the file meanwhile).
 */
int intake_ledger_read_done(struct intake_ledger *L, struct ff_err *e);
void intake_ledger_free(struct intake_ledger *L);

/*
 * A warning for the user after opening, or NULL: a ledger others could read
 * (a writer has just taken their permissions away; a reader cannot).
 */
const char *intake_ledger_warning(const struct intake_ledger *L);

/* The schema version this code reads and writes. */
#define INTAKE_LEDGER_SCHEMA 3
/* The version a writer's open migrated the ledger from, or 0. */
int intake_ledger_migrated_from(const struct intake_ledger *L);

/*
 * The whole-ledger check ('ffintake check'): SQLite's integrity_check, then
 * the ledger's own invariants (every record has exactly one current
 * outcome; at most one accepted record per household and month; every
 * supersession points at real records; every source hash is unique and
 * final; every snapshot and source holds as many rows as it says; every
 * withdrawal takes out a valid record for a reviewer's rejection of its
 * load; edit counts, stale marks and supersession reasons are ones a load
 * writes).  fn gets
 * one line per problem (ids, codes and months only, never a name).
 * *problems gets their number.  Returns FF_OK when the check ran, whatever
 * it found; FF_E* with e filled when it could not run.
 */
int intake_ledger_check(struct intake_ledger *L,
                        void (*fn)(void *ctx, const char *problem),
                        void *ctx, long *problems, struct ff_err *e);

/* One write transaction (BEGIN IMMEDIATE ... COMMIT / ROLLBACK). */
int intake_ledger_begin(struct intake_ledger *L, struct ff_err *e);
int intake_ledger_commit(struct intake_ledger *L, struct ff_err *e);
void intake_ledger_rollback(struct intake_ledger *L);

/* A savepoint inside the open transaction (one file of a load): release
 * keeps what was written since, rollback_to undoes it; both end it. */
int intake_ledger_savepoint(struct intake_ledger *L, struct ff_err *e);
int intake_ledger_release(struct intake_ledger *L, struct ff_err *e);
int intake_ledger_rollback_to(struct intake_ledger *L, struct ff_err *e);

/* ---- register snapshots ---- */

struct intake_snapshot {
    long id;                /* 0: none */
    char file[256];
    char sha256[65];
    char loaded_at[32];     /* ISO 8601 UTC */
    int survey_year;        /* BE, e.g. 2567 */
    double threshold;       /* baht/person/year */
    long households;
};

/* A household as the ledger keeps it (no citizen ID, no phone). */
struct intake_household {
    const char *code;
    const char *province;
    const char *district_code;
    const char *district;
    const char *subdistrict;
    int village_no;
    const char *village_name;
    const char *house_no;
    const char *head;       /* title + names: for the follow-up list only */
    int members;
    double income;
    int status;
};

/* The snapshot with this file hash, or id 0. */
int intake_ledger_snapshot_by_sha(struct intake_ledger *L, const char *sha,
                                  struct intake_snapshot *out,
                                  struct ff_err *e);
/* The newest snapshot, or id 0 when the ledger has none. */
int intake_ledger_snapshot_latest(struct intake_ledger *L,
                                  struct intake_snapshot *out,
                                  struct ff_err *e);
/* Insert s (id is set on return). */
int intake_ledger_snapshot_add(struct intake_ledger *L,
                               struct intake_snapshot *s, struct ff_err *e);
/*
 * Set the count of households snapshot lists, once they are all added (a
 * register read as a stream is counted at its end).  Inside the
 * transaction that added them: the ledger's check compares the count with
 * the rows.
 */
int intake_ledger_snapshot_set_households(struct intake_ledger *L,
                                         long snapshot, long households,
                                         struct ff_err *e);
/*
 * on: the smaller page cache for storing a register's households (8 MiB);
 * off: back to the ledger's 32 MiB.  FF_ESYS with e filled on failure.
 */
int intake_ledger_register_cache(struct intake_ledger *L, int on,
                                 struct ff_err *e);
int intake_ledger_household_add(struct intake_ledger *L, long snapshot,
                                const struct intake_household *h,
                                struct ff_err *e);
/*
 * Call fn for each household of the snapshot in code order.  Before and
 * after, the ledger is checked for damage (SQLite's quick_check of the
 * household table; the rows read against the snapshot's stored count):
 * FF_ESYS with a message saying what to do when it is damaged.
 */
int intake_ledger_each_household(struct intake_ledger *L, long snapshot,
                                 int (*fn)(void *ctx,
                                           const struct intake_household *h),
                                 void *ctx, struct ff_err *e);
/* The same, with the same checks, giving each household's code only (the
 * other members of h are zero). */
int intake_ledger_each_code(struct intake_ledger *L, long snapshot,
                            int (*fn)(void *ctx,
                                      const struct intake_household *h),
                            void *ctx, struct ff_err *e);

/* ---- loads ---- */

/* The source file already loaded with this hash: its id and load, or 0. */
int intake_ledger_source_by_sha(struct intake_ledger *L, const char *sha,
                                long *source_id, long *load_id,
                                struct ff_err *e);
int intake_ledger_load_add(struct intake_ledger *L, long snapshot,
                           const char *started_at, long *load_id,
                           struct ff_err *e);
int intake_ledger_load_finish(struct intake_ledger *L, long load_id,
                              const char *finished_at, struct ff_err *e);
/* sha may be a provisional unique text, replaced by _set_sha later. */
int intake_ledger_source_add(struct intake_ledger *L, long load_id,
                             const char *file, const char *sha,
                             const char *head_sha, unsigned long long bytes,
                             long *source_id, struct ff_err *e);
/* The file's final hash, the hash of its first 64 KiB and its size. */
int intake_ledger_source_set_sha(struct intake_ledger *L, long source_id,
                                 const char *sha, const char *head_sha,
                                 unsigned long long bytes, struct ff_err *e);
/* *found = 1 when a source of this size and first-64-KiB hash exists. */
int intake_ledger_source_by_head(struct intake_ledger *L,
                                 unsigned long long bytes,
                                 const char *head_sha, int *found,
                                 struct ff_err *e);
/* What reading the file found: its dialect, encoding, delimiter, records. */
int intake_ledger_source_finish(struct intake_ledger *L, long source_id,
                                const char *dialect, const char *encoding,
                                char delimiter, long records,
                                struct ff_err *e);

/*
 * One input record as stored: the rules' verdict on it, borrowed, and what
 * the load made of it.  c's col, late, month, submitted time, mapped
 * fields, categories, status and income are stored as they are; outcome,
 * reason and detail start as c's and the load may change them (a
 * duplicate; valid records are "superseded" until they win).
 */
struct intake_checked;
struct intake_row {
    const struct intake_checked *c;
    long load_id, source_id, record_no, line;
    int outcome;            /* enum intake_outcome */
    int reason;             /* enum intake_reason */
    const char *detail;     /* short message, never a personal value */
    const char *hhid;       /* code, or the trimmed field; may be NULL */
    size_t hhid_len;
    /* Duplicate keys, set on first valid occurrences only: the trimmed
     * submission id, or (dialects without one) SHA-256 of every field. */
    const char *submission_id;
    size_t submission_id_len;
    const unsigned char *row_sha256;    /* 32 bytes or NULL */
    const void *raw;        /* every field, 0x1F-separated (not valid rows) */
    size_t raw_len;
    /* Schema 2: what decided, identity across edits, the review. */
    const char *col_name;   /* header of the column that decided, or NULL */
    const char *logical_key;    /* valid rows: the submission across edits */
    long edits;             /* ODK's Edits, -1 when unknown */
    const char *deprecated; /* Kobo's deprecatedID (normalised), or NULL */
    const char *review_text;    /* the review state as given, or NULL */
    int stale;              /* an older version that arrived late */
};

int intake_ledger_record_add(struct intake_ledger *L,
                             const struct intake_row *r, long long *id,
                             struct ff_err *e);
/* *seen = 1 when a valid record has this submission id (id non-NULL) or
 * else this row hash. */
int intake_ledger_seen(struct intake_ledger *L, const char *id,
                       size_t id_len, const unsigned char *row_sha256,
                       int *seen, struct ff_err *e);
/* The record currently accepted for (hhid, month), or *id = 0. */
int intake_ledger_accepted_for(struct intake_ledger *L, const char *hhid,
                               const char *month, long long *id,
                               long long *submitted, struct ff_err *e);
/* A predicate on record ids, for intake_ledger_mark_accepted. */
struct intake_pick {
    int (*pick)(void *ctx, long long id);
    void *ctx;
};
/* Make the records of the current load with ids in [lo, hi] that pick
 * picks accepted; *changed is how many it made so. */
int intake_ledger_mark_accepted(struct intake_ledger *L, long long lo,
                                long long hi, const struct intake_pick *pick,
                                long long *changed, struct ff_err *e);
/* Record that load_id superseded an earlier load's accepted record. */
int intake_ledger_supersede(struct intake_ledger *L, long long id,
                            long long by, long load_id, struct ff_err *e);
/* The same with why: NULL (a later submission), "edit" (a new version of
 * the same submission). */
int intake_ledger_supersede_why(struct intake_ledger *L, long long id,
                                long long by, long load_id, const char *why,
                                struct ff_err *e);

/* Record that load_id's record by (the reviewer rejected the submission)
 * takes record id out: no longer accepted, nor counted as reported. */
int intake_ledger_withdraw(struct intake_ledger *L, long long id,
                           long long by, long load_id, struct ff_err *e);

/* The live (newest valid, not stale) version of a logical key. */
struct intake_version {
    long long id;           /* 0: none */
    long load_id;
    char hhid[12], month[8];
    long long submitted;
    long edits;             /* -1 unknown */
    char deprecated[128];
    char version[128];      /* its submission id */
    int accepted;           /* currently accepted */
    int withdrawn;          /* taken out by a reviewer's rejection */
};
int intake_ledger_live_version(struct intake_ledger *L, const char *key,
                               struct intake_version *v, struct ff_err *e);
/* The logical key of the valid record whose submission id is version[0..n),
 * into key (NUL-terminated); *found = 0 when there is none. */
int intake_ledger_key_of_version(struct intake_ledger *L, const char *version,
                                 size_t n, char *key, size_t size, int *found,
                                 struct ff_err *e);

/* ---- reading ---- */

struct intake_outcome_row {
    const char *file;
    long record_no, line;
    const char *outcome, *reason;
    int late;               /* -1 unknown */
    const char *hhid, *month;
    const char *column, *detail;    /* "" when none */
};

/* The records of one source file in input order; first_id and last_id
 * (non-zero) bound their ids, else every record is looked at. */
int intake_ledger_each_outcome(struct intake_ledger *L, long source_id,
                               long long first_id, long long last_id,
                               int (*fn)(void *ctx,
                                         const struct intake_outcome_row *r),
                               void *ctx, struct ff_err *e);

/* Per-household facts for a report; fn gets (hhid, count, value). */
enum intake_fact {
    /* month <= m: every valid record, unsorted: count is its submission
     * time, value INTAKE_VALID_MONTH when its month is m, plus
     * INTAKE_VALID_UNTIMED when it has no time (count is 0 then) */
    INTAKE_FACT_VALID,
    /* month <= m: reported incomes, unsorted: count is the month as
     * year * 12 + month */
    INTAKE_FACT_INCOME,
    /* the same sorted by household, month, time and id, count 1: the last
     * row of a household is its latest */
    INTAKE_FACT_INCOME_SORTED,
    INTAKE_FACT_REJECTED    /* month = m: rejected records by hhid field */
};
#define INTAKE_VALID_MONTH 1
#define INTAKE_VALID_UNTIMED 2
/* The 4T set of each currently accepted report of month m: fn gets the
 * household and the stored set text ("skills resources"). */
int intake_ledger_each_factors(struct intake_ledger *L, const char *month,
                               int (*fn)(void *ctx, const char *hhid,
                                         const char *set),
                               void *ctx, struct ff_err *e);
int intake_ledger_each_fact(struct intake_ledger *L, int fact,
                            const char *month,
                            int (*fn)(void *ctx, const char *hhid,
                                      long long n, double v),
                            void *ctx, struct ff_err *e);

struct intake_export_row {
    const char *hhid, *month;
    long long submitted;
    int late;
    const char *submitted_text, *submission_id, *activity, *category,
        *result, *reporter;
    int status;
    double income;
    int has_income;
    const char *file;
    long record_no, line, load_id;
    const char *review;     /* review state as given, "" when none */
};

/* The currently accepted records of a month, by household code. */
int intake_ledger_each_accepted(struct intake_ledger *L, const char *month,
                                int (*fn)(void *ctx,
                                          const struct intake_export_row *r),
                                void *ctx, struct ff_err *e);

/* ---- ad-hoc statements (the server's tables and pages) ---- */

/*
 * Run one SQL statement q with text parameters params[0..nparams) (?1..;
 * NULL binds SQL NULL; SQLite's column affinity turns "5" into 5 where the
 * column is an integer).  For each result row, fn(ctx, ncols, vals) gets
 * the columns as text (NULL for SQL NULL), valid until it returns; a
 * non-zero return stops and is returned.  *last_id (may be NULL) gets the
 * rowid of the last insert.  Returns FF_OK or a code with e filled.
 */
int intake_ledger_sql(struct intake_ledger *L, const char *q,
                      const char *const *params, int nparams,
                      int (*fn)(void *ctx, int ncols,
                                const char *const *vals),
                      void *ctx, long long *last_id, struct ff_err *e);

/* Run statements without parameters or results (schema of the server's
 * tables). */
int intake_ledger_script(struct intake_ledger *L, const char *q,
                         struct ff_err *e);

/* SQLite's heap in use now (*now) and its high-water mark since the last
 * reset (*peak), in bytes, for the whole process; reset (non-zero) starts
 * a new high-water mark at the current use.  For tests and benchmarks of
 * a load's memory (tests/test_ledger_memory.c).  SQLite counts only when
 * intake_ledger_count_memory() was called before the process's first
 * open: counting takes a global mutex on every allocation. */
void intake_ledger_memory(long long *now, long long *peak, int reset);
void intake_ledger_count_memory(void);

/* 1 when the last intake_ledger_begin() or intake_ledger_sql() failed
 * because another process held the ledger's write lock past the busy
 * timeout: the caller may say "try again later" (HTTP 503). */
int intake_ledger_was_busy(const struct intake_ledger *L);

/* The first valid record with this submission id (id non-NULL) or else
 * this row hash, or *record = 0. */
int intake_ledger_first_seen(struct intake_ledger *L, const char *id,
                             size_t id_len, const unsigned char *row_sha256,
                             long long *record, struct ff_err *e);

/* The rowid of the record inserted last on this connection. */
int intake_ledger_last_record(struct intake_ledger *L, long long *id,
                              struct ff_err *e);

/* How long a write waits for another process's lock (default 10 s). */
void intake_ledger_set_busy_timeout(struct intake_ledger *L, int ms);

#endif
