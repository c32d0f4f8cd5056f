/*
 * ledger.c - the monthly results ledger over SQLite; the only file that
 * includes sqlite3.h.
 *
 * It turns SQLite's error and ownership rules into ffkit's: every failure is
 * copied into the caller's ff_err at once (sqlite3_errmsg is overwritten by
 * the next call), statements are prepared once per connection and reset
 * after each use, and text is bound SQLITE_STATIC because the caller's
 * buffers outlive each step.
 *
 * Workload: a load streams up to millions of records through one write
 * transaction, so the hot statements (record insert, duplicate lookup) are
 * prepared once and the indexes are kept small: the duplicate key is
 * indexed only for first valid occurrences and (hhid, month) only for
 * accepted records.  Reports scan.  Writes are append-only except that a
 * load may flip records *it inserted* from provisional "superseded" to
 * "accepted" before it commits; earlier loads' rows are never touched.
 */
#include "ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "fault.h"
#include "rules.h"

/*
 * 2: records carry the header of the column that decided (col_name), a
 * short detail, the logical key across edits, ODK's edit count, Kobo's
 * deprecatedID, the review state and a stale flag (an older version that
 * arrived after a newer one); supersession says why (NULL: a later
 * submission, 'edit'); withdrawal holds the records whose submission the
 * reviewer rejected later, and the view ledger counts them out.  A
 * version-1 ledger gets the columns, the table and the view when a writer
 * (load, register, migrate) opens it (ALTER TABLE ADD COLUMN: its rows keep
 * NULL, which means what version 1 meant).  3: the index of logical keys
 * holds only the records the duplicate index cannot find by their key
 * (KEY_INDEXED), and the accepted records are indexed month first; a
 * version-2 ledger has its indexes replaced the same way.
 * Readers open the ledger read-only and refuse versions 1 and 2, saying
 * which command migrates it.
 */
#define SCHEMA_VERSION_TEXT "3"     /* INTAKE_LEDGER_SCHEMA */
/* Older versions, migrated by writers (migrate): 1 before edits and
 * reviews were kept (migrate_v2 adds their columns), 2 with the index of
 * every record's logical key (v3_schema makes it the index of the few,
 * and orders the accepted records' index by month first). */
static const char *const old_versions[] = {
    "1", "written before edits and reviews were kept",
    "2", "with the larger index of submissions",
};

/*
 * Which records the index record_key2 holds: those with a logical key that
 * the duplicate index (record_dup) cannot find by it.  The first valid
 * record of a submission has dup_key = dup_key(its submission id), and its
 * logical key is that id, or the id less "uuid:" (ODK's instanceID): it
 * is found by record_dup under dup_key(key) or dup_key("uuid:" || key)
 * (ff_dup_key in SQL), and is left out here.  What is left are the edits,
 * the duplicates and the versions without an id of their own: a few in a
 * hundred.  The index of every record's 36-byte key was the largest of the
 * ledger and took half of a national month's load (its inserts land at
 * random in it, and it outgrew the page cache).  P is a table alias with
 * its dot, or "": a query that is to use the index repeats this
 * expression word for word (SQLite's rule for partial indexes).
 */
#define KEY_INDEXED(P)                                                    \
    P "logical_key IS NOT NULL AND (" P "dup_key IS NULL OR "             \
    P "submission_id IS NULL OR (" P "submission_id <> " P "logical_key " \
    "AND " P "submission_id <> 'uuid:' || " P "logical_key))"

/*
 * The newest record (its id, 0 if none) with the logical key KEY (an SQL
 * expression) and the SQL condition AND ("AND k...."): the greater of the
 * two places such a record is indexed, the duplicate index under the hash
 * of the key or of "uuid:" and the key (a submission's first record), and
 * record_key2 (the rest, KEY_INDEXED).
 */
#define KEY_LATEST(KEY, AND)                                              \
    "max(coalesce((SELECT max(k.id) FROM record k WHERE k.dup_key IN "    \
    "(ff_dup_key(" KEY "), ff_dup_key('uuid:' || " KEY ")) AND "          \
    "k.logical_key = " KEY " " AND "), 0), coalesce((SELECT max(k.id) "   \
    "FROM record k WHERE k.logical_key = " KEY " AND " KEY_INDEXED("k.")  \
    " " AND "), 0))"

/* A record is no longer accepted when a later record superseded it or the
 * reviewer rejected its submission since (withdrawal). */
#define LEDGER_VIEW                                                         \
    "SELECT r.*, CASE WHEN r.outcome = 'accepted' AND (s.record_id IS NOT " \
    "NULL OR w.record_id IS NOT NULL) THEN 'superseded' ELSE r.outcome "    \
    "END AS current_outcome FROM record r LEFT JOIN supersession s ON "     \
    "s.record_id = r.id LEFT JOIN withdrawal w ON w.record_id = r.id"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(\n"
    "  key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS register_snapshot(\n"
    "  id INTEGER PRIMARY KEY, file TEXT NOT NULL, sha256 TEXT NOT NULL,\n"
    "  loaded_at TEXT NOT NULL, survey_year INTEGER NOT NULL,\n"
    "  threshold REAL NOT NULL, households INTEGER NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS household(\n"
    "  snapshot INTEGER NOT NULL REFERENCES register_snapshot(id),\n"
    "  code TEXT NOT NULL, province TEXT NOT NULL,\n"
    "  district_code TEXT NOT NULL,\n"
    "  district TEXT NOT NULL, subdistrict TEXT NOT NULL,\n"
    "  village_no INTEGER NOT NULL, village_name TEXT NOT NULL,\n"
    "  house_no TEXT NOT NULL, head TEXT NOT NULL, members INTEGER,\n"
    "  income REAL, status INTEGER NOT NULL,\n"
    "  PRIMARY KEY(snapshot, code)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS load(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  snapshot INTEGER NOT NULL REFERENCES register_snapshot(id),\n"
    "  started_at TEXT NOT NULL, finished_at TEXT);\n"
    "CREATE TABLE IF NOT EXISTS source(\n"
    "  id INTEGER PRIMARY KEY, load_id INTEGER NOT NULL REFERENCES load(id),\n"
    "  file TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE, bytes INTEGER,\n"
    "  head_sha256 TEXT,\n"
    "  dialect TEXT NOT NULL, encoding TEXT, delimiter TEXT,\n"
    "  records INTEGER);\n"
    "CREATE TABLE IF NOT EXISTS record(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  load_id INTEGER NOT NULL, source_id INTEGER NOT NULL,\n"
    "  record_no INTEGER NOT NULL, line INTEGER NOT NULL,\n"
    "  outcome TEXT NOT NULL, reason TEXT, col INTEGER, late INTEGER,\n"
    "  hhid TEXT, month TEXT, submitted INTEGER, submitted_text TEXT,\n"
    "  submission_id TEXT, row_sha256 BLOB, activity TEXT, category TEXT,\n"
    "  result TEXT, income REAL, status INTEGER, reporter TEXT, raw BLOB,\n"
    "  dup_key INTEGER);\n"
    "CREATE INDEX IF NOT EXISTS record_dup ON record(dup_key)\n"
    "  WHERE dup_key IS NOT NULL;\n"
    "CREATE TABLE IF NOT EXISTS supersession(\n"
    "  record_id INTEGER PRIMARY KEY REFERENCES record(id),\n"
    "  by_record INTEGER NOT NULL REFERENCES record(id),\n"
    "  load_id INTEGER NOT NULL REFERENCES load(id));\n"
    "CREATE TABLE IF NOT EXISTS withdrawal(\n"
    "  record_id INTEGER PRIMARY KEY REFERENCES record(id),\n"
    "  by_record INTEGER NOT NULL REFERENCES record(id),\n"
    "  load_id INTEGER NOT NULL REFERENCES load(id));\n"
    "CREATE VIEW IF NOT EXISTS ledger AS " LEDGER_VIEW ";\n"
    "INSERT OR IGNORE INTO meta VALUES('schema_version', '1');\n";

/* Version 2's additions, applied to a ledger that lacks them. */
static const char *const v2_columns[][2] = {
    {"record", "col_name TEXT"},     {"record", "detail TEXT"},
    {"record", "logical_key TEXT"},  {"record", "edits INTEGER"},
    {"record", "deprecated TEXT"},   {"record", "review TEXT"},
    {"record", "stale INTEGER"},     {"supersession", "why TEXT"},
};
static const char v2_schema[] =
    "UPDATE meta SET value = '2' WHERE key = 'schema_version' AND "
    "value = '1';\n";
/* Version 3's indexes.  The accepted records by (month, hhid), not
 * (hhid, month): a month's load adds its entries to that month's part of
 * the index, which stays in the page cache, where (hhid, month) spread
 * them over every month's pages (month 4 at 300,000 households: 11.7 ->
 * 8.0 s).  The load's accepted lookup is the index's only user. */
static const char v3_schema[] =
    "DROP INDEX IF EXISTS record_key;\n"
    "CREATE INDEX IF NOT EXISTS record_key2 ON record(logical_key)\n"
    "  WHERE " KEY_INDEXED("") ";\n"
    "DROP INDEX IF EXISTS record_accepted;\n"
    "CREATE INDEX IF NOT EXISTS record_accepted2 ON record(month, hhid)\n"
    "  WHERE outcome = 'accepted';\n"
    "UPDATE meta SET value = '3' WHERE key = 'schema_version';\n";

enum stmt_id {
    S_SNAP_BY_SHA,
    S_SNAP_LATEST,
    S_SNAP_ADD,
    S_SNAP_SET_HH,
    S_HH_ADD,
    S_HH_EACH,
    S_HH_CODES,
    S_SRC_BY_SHA,
    S_LOAD_ADD,
    S_LOAD_FINISH,
    S_SRC_ADD,
    S_SRC_FINISH,
    S_REC_ADD,
    S_SEEN,
    S_SRC_BY_HEAD,
    S_SRC_SET_SHA,
    S_ACCEPTED_FOR,
    S_MONTH_ACCEPTED,
    S_MARK_ACCEPTED,
    S_SUPERSEDE,
    S_OUTCOMES,
    S_FACT_VALID,
    S_FACT_INCOME,
    S_FACT_INCOME_SORTED,
    S_FACT_REJECTED,
    S_ACCEPTED_EACH,
    S_SNAP_HOUSEHOLDS,
    S_LIVE_VERSION,
    S_FACT_FACTORS,
    S_WITHDRAW,
    S_COUNT
};

static const char *const sql[S_COUNT] = {
    [S_SNAP_BY_SHA] = "SELECT id, file, sha256, loaded_at, survey_year, "
                      "threshold, households FROM register_snapshot "
                      "WHERE sha256 = ?1 ORDER BY id DESC LIMIT 1",
    [S_SNAP_LATEST] = "SELECT id, file, sha256, loaded_at, survey_year, "
                      "threshold, households FROM register_snapshot "
                      "ORDER BY id DESC LIMIT 1",
    [S_SNAP_ADD] = "INSERT INTO register_snapshot(file, sha256, loaded_at, "
                   "survey_year, threshold, households) "
                   "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [S_SNAP_SET_HH] = "UPDATE register_snapshot SET households = ?2 "
                      "WHERE id = ?1",
    [S_HH_ADD] = "INSERT INTO household VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                 "?8, ?9, ?10, ?11, ?12, ?13)",
    [S_HH_EACH] = "SELECT code, district_code, district, subdistrict, "
                  "village_no, village_name, house_no, head, members, "
                  "income, status, province FROM household "
                  "WHERE snapshot = ?1 "
                  "ORDER BY code",
    [S_HH_CODES] = "SELECT code FROM household WHERE snapshot = ?1 "
                   "ORDER BY code",
    [S_SRC_BY_SHA] = "SELECT id, load_id FROM source WHERE sha256 = ?1",
    [S_SRC_BY_HEAD] = "SELECT 1 FROM source WHERE bytes = ?1 AND "
                      "head_sha256 = ?2 LIMIT 1",
    [S_SRC_SET_SHA] = "UPDATE source SET sha256 = ?2, head_sha256 = ?3, "
                      "bytes = ?4 WHERE id = ?1",
    [S_LOAD_ADD] = "INSERT INTO load(snapshot, started_at) VALUES(?1, ?2)",
    [S_LOAD_FINISH] = "UPDATE load SET finished_at = ?2 WHERE id = ?1",
    [S_SRC_ADD] = "INSERT INTO source(load_id, file, sha256, bytes, "
                  "head_sha256, dialect) VALUES(?1, ?2, ?3, ?4, ?5, '')",
    [S_SRC_FINISH] = "UPDATE source SET dialect = ?2, encoding = ?3, "
                     "delimiter = ?4, records = ?5 WHERE id = ?1",
    [S_REC_ADD] = "INSERT INTO record(load_id, source_id, record_no, line, "
                  "outcome, reason, col, late, hhid, month, submitted, "
                  "submitted_text, submission_id, row_sha256, activity, "
                  "category, result, income, status, reporter, raw, "
                  "dup_key, col_name, detail, logical_key, edits, "
                  "deprecated, review, stale) "
                  "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                  "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, "
                  "?23, ?24, ?25, ?26, ?27, ?28, ?29)",
    [S_SEEN] = "SELECT submission_id, row_sha256, logical_key, id "
               "FROM record WHERE dup_key = ?1 ORDER BY id",
    [S_ACCEPTED_FOR] = "SELECT r.id, r.submitted FROM record r "
                       "WHERE r.hhid = ?1 AND r.month = ?2 "
                       "AND r.outcome = 'accepted' AND NOT EXISTS "
                       "(SELECT 1 FROM supersession s "
                       "WHERE s.record_id = r.id) AND NOT EXISTS "
                       "(SELECT 1 FROM withdrawal w WHERE w.record_id = "
                       "r.id) ORDER BY r.id DESC LIMIT 1",
    [S_MONTH_ACCEPTED] = "SELECT 1 FROM record WHERE month = ?1 AND "
                         "outcome = 'accepted' LIMIT 1",
    /* One statement for a run of this load's ids, the winners among them
     * picked by the caller's predicate (ff_pick): per row the statement's
     * setup and teardown were a fifth of the flip's cost. */
    [S_MARK_ACCEPTED] = "UPDATE record SET outcome = 'accepted' "
                        "WHERE id BETWEEN ?1 AND ?2 AND ff_pick(id, ?3)",
    [S_SUPERSEDE] = "INSERT INTO supersession(record_id, by_record, "
                    "load_id, why) VALUES(?1, ?2, ?3, ?4)",
    [S_OUTCOMES] = "SELECT s.file, r.record_no, r.line, r.outcome, "
                   "r.reason, r.late, r.hhid, r.month, r.col_name, "
                   "r.detail FROM record r "
                   "JOIN source s ON s.id = r.source_id "
                   "WHERE r.source_id = ?1 AND r.id BETWEEN ?2 AND ?3 "
                   "ORDER BY r.id",
    /* A report the reviewer rejected later (withdrawn) is no report: it
     * counts neither for lateness nor as reported. */
    /* The valid records up to the month, one row each and unsorted: the
     * caller marks a household reported (its month) and developed (any),
     * and late when none of its month's records with a time is on time.
     * GROUP BY hhid here sorted the whole ledger twice (11 of a national
     * report's 30 s). */
    [S_FACT_VALID] = "SELECT hhid, coalesce(submitted, 0), "
                     "(month = ?1) + 2 * (submitted IS NULL) "
                     "FROM record r WHERE month <= ?1 AND outcome IN "
                     "('accepted', 'superseded') AND NOT EXISTS "
                     "(SELECT 1 FROM withdrawal w WHERE w.record_id "
                     "= r.id)",
    /* Latest income: the accepted record of the latest month that has one.
     * A household has one accepted record a month, so the month decides:
     * rows come unsorted with the month as a number (year * 12 + month),
     * and the caller keeps the greatest; only if it meets one month twice
     * does it ask for S_FACT_INCOME_SORTED, whose last row per household
     * wins (the sort was 9.6 of a national report's 26 s). */
    [S_FACT_INCOME] = "SELECT hhid, CAST(substr(month, 1, 4) AS INTEGER) "
                      "* 12 + CAST(substr(month, 6, 2) AS INTEGER), income "
                      "FROM ledger WHERE current_outcome = 'accepted' AND "
                      "month <= ?1 AND income IS NOT NULL",
    [S_FACT_INCOME_SORTED] = "SELECT hhid, 1, income FROM ledger "
                      "WHERE current_outcome = 'accepted' AND month <= ?1 "
                      "AND income IS NOT NULL "
                      "ORDER BY hhid, month, submitted, id",
    /* A rejected record without a readable month (a ragged row) counts
     * for the month most records of its file report on (ties: the
     * earliest month).  That month is found once per file (mode), not
     * once per such record: a correlated subquery here re-scanned the
     * records for every one of them, quadratic on a national ledger. */
    [S_FACT_REJECTED] = "WITH nm AS (SELECT source_id, hhid FROM record "
                        "WHERE outcome = 'rejected' AND month IS NULL), "
                        "cnt AS (SELECT source_id, month, COUNT(*) AS n "
                        "FROM record WHERE month IS NOT NULL AND source_id "
                        "IN (SELECT source_id FROM nm) "
                        "GROUP BY source_id, month), "
                        "mode AS (SELECT source_id, month FROM "
                        "(SELECT source_id, month, row_number() OVER "
                        "(PARTITION BY source_id ORDER BY n DESC, month) "
                        "AS k FROM cnt) WHERE k = 1) "
                        "SELECT hhid, COUNT(*) FROM "
                        "(SELECT hhid FROM record WHERE outcome = 'rejected' "
                        "AND month = ?1 UNION ALL SELECT nm.hhid FROM nm "
                        "JOIN mode ON mode.source_id = nm.source_id "
                        "WHERE mode.month = ?1) GROUP BY hhid",
    /* multi: the duplicate keys held by more than one record (a few in a
     * hundred), from one pass over their index. */
    [S_ACCEPTED_EACH] = "WITH multi(k) AS (SELECT dup_key FROM record "
                        "WHERE dup_key IS NOT NULL GROUP BY dup_key "
                        "HAVING count(*) > 1) "
                        "SELECT r.hhid, r.month, r.submitted, r.late, "
                        "r.submitted_text, r.submission_id, r.activity, "
                        "r.category, r.result, r.reporter, r.status, "
                        "r.income, s.file, r.record_no, r.line, r.load_id, "
                        /* The review state as the latest export of the
                         * same submission gave it (a duplicate may carry
                         * a newer one).  Only later records can be newer,
                         * and only a submission whose key is in multi or
                         * among the few in record_key2 can have one: for
                         * the others (nearly all) r's own state, without
                         * a seek into the large duplicate index for each
                         * (13 s of a national export's 24). */
                        "CASE WHEN r.logical_key IS NULL THEN r.review "
                        "WHEN ff_dup_key(r.logical_key) NOT IN multi AND "
                        "ff_dup_key('uuid:' || r.logical_key) NOT IN multi "
                        "AND NOT EXISTS (SELECT 1 FROM record k WHERE "
                        "k.logical_key = r.logical_key AND k.id > r.id AND "
                        KEY_INDEXED("k.") ") THEN r.review "
                        "ELSE (SELECT r2.review FROM record r2 WHERE "
                        "r2.id = max(r.id, "
                        KEY_LATEST("r.logical_key", "AND k.id > r.id")
                        ")) END "
                        "FROM ledger r JOIN source s ON s.id = r.source_id "
                        "WHERE r.current_outcome = 'accepted' "
                        "AND r.month = ?1 ORDER BY r.hhid, r.id",
    [S_SNAP_HOUSEHOLDS] = "SELECT households FROM register_snapshot "
                          "WHERE id = ?1",
    /* The live version of a submission: its newest record that is valid
     * and was not older on arrival. */
    [S_LIVE_VERSION] = "SELECT r.id, r.load_id, r.hhid, r.month, "
                       "r.submitted, r.edits, r.deprecated, "
                       "r.submission_id, r.current_outcome, EXISTS "
                       "(SELECT 1 FROM withdrawal w WHERE w.record_id = "
                       "r.id) FROM ledger r "
                       "WHERE r.id = "
                       KEY_LATEST("?1", "AND k.outcome IN ('accepted', "
                                  "'superseded') AND k.stale IS NULL"),
    [S_WITHDRAW] = "INSERT INTO withdrawal(record_id, by_record, load_id) "
                   "VALUES(?1, ?2, ?3)",
    /* The 4T factors of the month's accepted reports, one row per
     * household (a set: "skills resources"). */
    [S_FACT_FACTORS] = "SELECT hhid, category FROM ledger "
                       "WHERE current_outcome = 'accepted' AND month = ?1",
};

struct intake_ledger {
    sqlite3 *db;
    char path[256];
    sqlite3_stmt *st[S_COUNT];
    int in_tx;
    /* The read-only connection's one read transaction sees one commit for
     * its life: the household table's integrity check holds for all of it
     * once passed (the report walks the snapshot twice). */
    int read_only, hh_checked;
    int immutable;          /* read-only, as an immutable file (open_ro) */
    struct stat opened;     /* the file when it was opened immutable */
    char warning[300];      /* for the user, or "" (intake_ledger_warning) */
    int busy;       /* the last begin or ad-hoc statement met SQLITE_BUSY */
    /* Ad-hoc statements, cached by the address of their SQL text (the
     * callers pass literals): the server runs a few per request. */
    const char *adhoc_sql[16];
    sqlite3_stmt *adhoc[16];
    int migrated_from;      /* schema version migrated on open, or 0 */
    /*
     * Months looked up for accepted records, and whether any was found
     * (S_MONTH_ACCEPTED): for a month with none, S_ACCEPTED_FOR cannot
     * find one for any household, and a month's first load (nearly every
     * load) skips a lookup per household.  A record only becomes accepted
     * through intake_ledger_mark_accepted, and only this connection writes
     * within its transaction, so the list is forgotten there and at each
     * transaction's start and end.
     */
    struct {
        char month[8];
        int any;
    } months[8];
    int nmonths;
};

/* What to do about a damaged ledger, in every message that finds one. */
#define DAMAGED_HINT                                                       \
    "the ledger is damaged; nothing was changed: run 'ffintake check "     \
    "--ledger' on it and restore the file from a backup"

static int db_error(struct intake_ledger *L, struct ff_err *e,
                    const char *what)
{
    int rc = sqlite3_errcode(L->db);

    /* Damage is a system error (exit 3), not bad input: the user's files
     * are fine, the ledger is not, and nothing read from it can be
     * trusted. */
    if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
        return ff_err_set(e, FF_ESYS, L->path, 0, 0, "%s: %s (%s)", what,
                          DAMAGED_HINT, sqlite3_errmsg(L->db));
    return ff_err_set(e, rc == SQLITE_NOMEM || rc == SQLITE_IOERR ||
                                 rc == SQLITE_FULL || rc == SQLITE_CANTOPEN
                             ? FF_ESYS
                             : FF_EINTERNAL,
                      L->path, 0, 0, "%s: %s", what, sqlite3_errmsg(L->db));
}

static const char *col_text(sqlite3_stmt *s, int i);

/* The prepared statement, reset and unbound, ready for binding. */
static sqlite3_stmt *stmt(struct intake_ledger *L, int id, struct ff_err *e)
{
    sqlite3_stmt *s = L->st[id];

    if (s == NULL) {
        if (sqlite3_prepare_v3(L->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                               &L->st[id], NULL) != SQLITE_OK) {
            db_error(L, e, "cannot prepare statement");
            return NULL;
        }
        return L->st[id];
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return s;
}

/*
 * The indexed duplicate key: 64 bits of the submission id (FNV-1a) or of
 * the row hash.  An 8-byte key keeps the index of a million submissions
 * near 20 MB, inside the page cache, where the 36-byte UUIDs themselves
 * made inserts miss the cache; equality is confirmed on the full value.
 */
static sqlite3_int64 dup_key(const char *id, size_t n,
                             const unsigned char *sha)
{
    uint64_t h = 1469598103934665603ULL;
    size_t i;

    if (id) {
        for (i = 0; i < n; i++)
            h = (h ^ (unsigned char)id[i]) * 1099511628211ULL;
    } else {
        for (i = 0, h = 0; i < 8; i++)
            h = h << 8 | sha[i];
    }
    return (sqlite3_int64)(h >> 1);
}

static int exec(struct intake_ledger *L, const char *q, struct ff_err *e)
{
    char *msg = NULL;

    if (sqlite3_exec(L->db, q, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = ff_err_set(e, FF_ESYS, L->path, 0, 0, "%s",
                            msg ? msg : sqlite3_errmsg(L->db));

        sqlite3_free(msg);
        return rc;
    }
    return FF_OK;
}

/* Run a statement that returns no rows. */
static int step_done(struct intake_ledger *L, sqlite3_stmt *s,
                     struct ff_err *e, const char *what)
{
    int rc = sqlite3_step(s);

    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return db_error(L, e, what);
    return FF_OK;
}

/*
 * Fault injection for SQLite's own I/O (tests only): with
 * FFKIT_FAIL_SQLITE_WRITE=N in the environment (read by core/fault.h),
 * the ledger is opened through a shim VFS whose N-th write (and every
 * later one) fails with SQLITE_FULL, as a full disk would.  Everything else is forwarded to the
 * default VFS.  The shim is registered once per process, never as default.
 */
struct faulty_file {
    sqlite3_file base;          /* must be first: SQLite casts to it */
    sqlite3_file *real;         /* the default VFS's file, allocated after */
};

static sqlite3_vfs faulty_vfs;
static long faulty_writes, faulty_at;

static int ff_close(sqlite3_file *f)
{
    struct faulty_file *x = (struct faulty_file *)f;
    int rc = x->real->pMethods ? x->real->pMethods->xClose(x->real) : SQLITE_OK;

    return rc;
}

static int ff_read(sqlite3_file *f, void *b, int n, sqlite3_int64 off)
{
    struct faulty_file *x = (struct faulty_file *)f;

    return x->real->pMethods->xRead(x->real, b, n, off);
}

static int ff_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 off)
{
    struct faulty_file *x = (struct faulty_file *)f;

    if (__atomic_add_fetch(&faulty_writes, 1, __ATOMIC_RELAXED) >= faulty_at)
        return SQLITE_FULL;
    return x->real->pMethods->xWrite(x->real, b, n, off);
}

static int ff_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    struct faulty_file *x = (struct faulty_file *)f;

    return x->real->pMethods->xTruncate(x->real, size);
}

static int ff_sync(sqlite3_file *f, int flags)
{
    struct faulty_file *x = (struct faulty_file *)f;

    return x->real->pMethods->xSync(x->real, flags);
}

static int ff_size(sqlite3_file *f, sqlite3_int64 *size)
{
    struct faulty_file *x = (struct faulty_file *)f;

    return x->real->pMethods->xFileSize(x->real, size);
}

static int ff_lock(sqlite3_file *f, int l)
{
    struct faulty_file *x = (struct faulty_file *)f;

    return x->real->pMethods->xLock(x->real, l);
}

static int ff_unlock(sqlite3_file *f, int l)
{
    struct faulty_file *x = (struct faulty_file *)f;

    return x->real->pMethods->xUnlock(x->real, l);
}

static int ff_check_lock(sqlite3_file *f, int *out)
{
    struct faulty_file *x = (struct faulty_file *)f;

    return x->real->pMethods->xCheckReservedLock(x->real, out);
}

static int ff_fcntl(sqlite3_file *f, int op, void *arg)
{
    struct faulty_file *x = (struct faulty_file *)f;

    return x->real->pMethods->xFileControl(x->real, op, arg);
}

static int ff_sector(sqlite3_file *f)
{
    struct faulty_file *x = (struct faulty_file *)f;

    return x->real->pMethods->xSectorSize(x->real);
}

static int ff_devchar(sqlite3_file *f)
{
    struct faulty_file *x = (struct faulty_file *)f;

    return x->real->pMethods->xDeviceCharacteristics(x->real);
}

static int ff_shm_map(sqlite3_file *f, int pg, int sz, int extend,
                      void volatile **pp)
{
    struct faulty_file *x = (struct faulty_file *)f;

    return x->real->pMethods->xShmMap(x->real, pg, sz, extend, pp);
}

static int ff_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
    struct faulty_file *x = (struct faulty_file *)f;

    return x->real->pMethods->xShmLock(x->real, off, n, flags);
}

static void ff_shm_barrier(sqlite3_file *f)
{
    struct faulty_file *x = (struct faulty_file *)f;

    x->real->pMethods->xShmBarrier(x->real);
}

static int ff_shm_unmap(sqlite3_file *f, int del)
{
    struct faulty_file *x = (struct faulty_file *)f;

    return x->real->pMethods->xShmUnmap(x->real, del);
}

static const sqlite3_io_methods faulty_io = {
    2, ff_close, ff_read, ff_write, ff_truncate, ff_sync, ff_size, ff_lock,
    ff_unlock, ff_check_lock, ff_fcntl, ff_sector, ff_devchar, ff_shm_map,
    ff_shm_lock, ff_shm_barrier, ff_shm_unmap, NULL, NULL
};

static int ff_open(sqlite3_vfs *v, const char *name, sqlite3_file *f,
                   int flags, int *out)
{
    sqlite3_vfs *real = v->pAppData;
    struct faulty_file *x = (struct faulty_file *)f;
    int rc;

    x->real = (sqlite3_file *)(x + 1);
    rc = real->xOpen(real, name, x->real, flags, out);
    x->base.pMethods = x->real->pMethods ? &faulty_io : NULL;
    return rc;
}

static int ff_delete(sqlite3_vfs *v, const char *name, int sync)
{
    sqlite3_vfs *real = v->pAppData;

    return real->xDelete(real, name, sync);
}

static int ff_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    sqlite3_vfs *real = v->pAppData;

    return real->xAccess(real, name, flags, out);
}

static int ff_fullpath(sqlite3_vfs *v, const char *name, int n, char *out)
{
    sqlite3_vfs *real = v->pAppData;

    return real->xFullPathname(real, name, n, out);
}

static int ff_random(sqlite3_vfs *v, int n, char *out)
{
    sqlite3_vfs *real = v->pAppData;

    return real->xRandomness(real, n, out);
}

static int ff_sleep(sqlite3_vfs *v, int us)
{
    sqlite3_vfs *real = v->pAppData;

    return real->xSleep(real, us);
}

static int ff_time(sqlite3_vfs *v, double *out)
{
    sqlite3_vfs *real = v->pAppData;

    return real->xCurrentTime(real, out);
}

static int ff_lasterr(sqlite3_vfs *v, int n, char *out)
{
    sqlite3_vfs *real = v->pAppData;

    return real->xGetLastError(real, n, out);
}

/* The VFS name to open the ledger with: the shim when armed, else NULL. */
static const char *ledger_vfs(void)
{
    long at = ff_fault_sqlite_write();
    sqlite3_vfs *real;

    if (at <= 0)
        return NULL;
    if (faulty_vfs.zName == NULL) {
        real = sqlite3_vfs_find(NULL);
        if (real == NULL)
            return NULL;
        faulty_at = at;
        faulty_vfs.iVersion = 1;
        faulty_vfs.szOsFile = (int)sizeof(struct faulty_file) + real->szOsFile;
        faulty_vfs.mxPathname = real->mxPathname;
        faulty_vfs.zName = "ffkit-faulty";
        faulty_vfs.pAppData = real;
        faulty_vfs.xOpen = ff_open;
        faulty_vfs.xDelete = ff_delete;
        faulty_vfs.xAccess = ff_access;
        faulty_vfs.xFullPathname = ff_fullpath;
        faulty_vfs.xRandomness = ff_random;
        faulty_vfs.xSleep = ff_sleep;
        faulty_vfs.xCurrentTime = ff_time;
        faulty_vfs.xGetLastError = ff_lasterr;
        sqlite3_vfs_register(&faulty_vfs, 0);
    }
    return faulty_vfs.zName;
}

/*
 * What the file at L->path is: 0 an empty database (no table yet), 1 an
 * ffkit ledger of the schema version this code knows, 2 (writer only) a
 * ledger of the older version 1 that the writer migrates; anything else is
 * refused with e filled (a reader refuses version 1 and says which command
 * migrates it).  Reading meta is also the first read of the file, so "not
 * a database" and a damaged first page show here.
 */
static int schema_state(struct intake_ledger *L, int writer,
                        struct ff_err *e)
{
    sqlite3_stmt *s = NULL;
    int rc, tables = 0, state = -1;
    char version[32] = "";
    size_t i;

    rc = sqlite3_prepare_v2(L->db, "SELECT COUNT(*) FROM sqlite_master", -1,
                            &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
        tables = sqlite3_column_int(s, 0);
    if (rc != SQLITE_ROW) {
        if (sqlite3_errcode(L->db) == SQLITE_NOTADB)
            ff_err_set(e, FF_EINPUT, L->path, 0, 0,
                       "not an ffkit ledger (not an SQLite database)");
        else
            db_error(L, e, "cannot read ledger");
        goto out;
    }
    sqlite3_finalize(s);
    s = NULL;
    if (tables == 0) {
        state = 0;
        goto out;
    }
    rc = sqlite3_prepare_v2(L->db, "SELECT value FROM meta WHERE key = "
                                   "'schema_version'", -1, &s, NULL);
    if (rc != SQLITE_OK) {
        if (sqlite3_errcode(L->db) == SQLITE_ERROR)
            ff_err_set(e, FF_EINPUT, L->path, 0, 0,
                       "not an ffkit ledger (an SQLite file of other "
                       "tables); nothing was changed");
        else
            db_error(L, e, "cannot read ledger");
        goto out;
    }
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        snprintf(version, sizeof version, "%s", col_text(s, 0));
    else if (rc != SQLITE_DONE) {
        db_error(L, e, "cannot read ledger");
        goto out;
    }
    for (i = 0; i < sizeof old_versions / sizeof old_versions[0]; i += 2) {
        if (strcmp(version, old_versions[i]) != 0)
            continue;
        if (writer) {
            L->migrated_from = atoi(version);
            state = 2;
            goto out;
        }
        ff_err_set(e, FF_EINPUT, L->path, 0, 0,
                   "ledger schema version %s (%s) cannot be read by this "
                   "ffintake until it is migrated: run 'ffintake migrate "
                   "--ledger %.200s' (or any 'ffintake load' into it) "
                   "once; nothing was changed", old_versions[i],
                   old_versions[i + 1], L->path);
        goto out;
    }
    if (strcmp(version, SCHEMA_VERSION_TEXT) != 0) {
        if (version[0] == '\0')
            ff_err_set(e, FF_EINPUT, L->path, 0, 0,
                       "not an ffkit ledger (no schema version)");
        else
            ff_err_set(e, FF_EINPUT, L->path, 0, 0,
                       "ledger schema version '%.20s' is not one this "
                       "ffintake knows (%s): use the ffintake that wrote it",
                       version, SCHEMA_VERSION_TEXT);
        goto out;
    }
    state = 1;
out:
    sqlite3_finalize(s);
    return state;
}

/* ff_dup_key(text): dup_key of a submission id, for the queries that find
 * a submission's first record by its logical key (KEY_INDEXED).  Only our
 * queries call it; no index or view depends on it, so the file stays
 * readable by any SQLite. */
static void sql_dup_key(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    const unsigned char *t = sqlite3_value_text(argv[0]);

    (void)argc;
    if (t == NULL)
        sqlite3_result_null(cx);
    else
        sqlite3_result_int64(cx, dup_key((const char *)t,
                                         (size_t)sqlite3_value_bytes(argv[0]),
                                         NULL));
}

/* ff_pick(id, pointer): the caller's predicate on a record id
 * (intake_ledger_mark_accepted); false for anything but our pointer. */
#define PICK_TYPE "ffkit-pick"

static void sql_pick(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    const struct intake_pick *p = sqlite3_value_pointer(argv[1], PICK_TYPE);

    (void)argc;
    sqlite3_result_int(cx, p != NULL &&
                               p->pick(p->ctx, sqlite3_value_int64(argv[0])));
}

/*
 * SQLite's allocator counts every allocation under a global mutex for
 * sqlite3_status(), which only a test of memory reads
 * (intake_ledger_count_memory); a load makes millions of them.  It can
 * only be turned off before SQLite initializes itself, so once, before the
 * first open (and before ledger_vfs, which initializes it).
 */
static pthread_once_t config_once = PTHREAD_ONCE_INIT;
static int count_memory;        /* set before any open, or never */

static void config_sqlite(void)
{
    if (!count_memory)
        (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

void intake_ledger_count_memory(void)
{
    count_memory = 1;
}

/* sqlite3_open_v2 of name (the path, or an immutable URI of it) with our
 * flags and our SQL function, which every query on a schema-3 ledger may
 * call; L->db is set even on failure. */
static int open_db(struct intake_ledger *L, const char *name, int flags,
                   struct ff_err *e)
{
    pthread_once(&config_once, config_sqlite);
    if (sqlite3_open_v2(name, &L->db, flags | SQLITE_OPEN_NOMUTEX,
                        ledger_vfs()) != SQLITE_OK) {
        if (L->db == NULL)
            return ff_err_set(e, FF_ESYS, L->path, 0, 0,
                              "cannot open ledger");
        return db_error(L, e, "cannot open ledger");
    }
    sqlite3_extended_result_codes(L->db, 0);
    if (sqlite3_create_function_v2(L->db, "ff_dup_key", 1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                                       SQLITE_INNOCUOUS,
                                   NULL, sql_dup_key, NULL, NULL,
                                   NULL) != SQLITE_OK)
        return db_error(L, e, "cannot open ledger");
    if (sqlite3_create_function_v2(L->db, "ff_pick", 2,
                                   SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL,
                                   sql_pick, NULL, NULL,
                                   NULL) != SQLITE_OK)
        return db_error(L, e, "cannot open ledger");
    return FF_OK;
}

/* stat(path) failed: say why (errno). */
static void no_ledger(const char *path, struct ff_err *e)
{
    if (errno == ENOENT)
        ff_err_set(e, FF_EINPUT, path, 0, 0,
                   "no ledger here (run 'ffintake register' first)");
    else
        ff_err_sys(e, path, "cannot open ledger");
}

static struct intake_ledger *ledger_alloc(const char *path, struct ff_err *e)
{
    struct intake_ledger *L = ff_calloc(1, sizeof *L);

    if (L == NULL) {
        ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
        return NULL;
    }
    snprintf(L->path, sizeof L->path, "%s", path);
    return L;
}

/*
 * A ledger others may read (made by an older ffkit, copied with cp, or
 * chmod'ed) holds heads' names for anyone on the machine.  A writer takes
 * the permissions of others away, and from its -wal and -shm, and says so:
 * quietly keeping it open would break the promise of mode 0600, and
 * refusing would stop the office's work for a problem we can fix.  Group
 * bits are kept: an office may share the ledger with its group on purpose.
 * A reader (often another user, who may not chmod) only warns.
 */
static void tighten(struct intake_ledger *L, int writer)
{
    static const char *const sfx[] = {"", "-wal", "-shm"};
    struct stat st;
    char p[300];
    size_t i;

    if (stat(L->path, &st) != 0 || (st.st_mode & 07) == 0)
        return;
    if (!writer || getuid() != st.st_uid) {
        snprintf(L->warning, sizeof L->warning,
                 "%.200s: others may read this ledger (mode %04o), which "
                 "holds heads' names: chmod o-rwx it", L->path,
                 (unsigned)(st.st_mode & 07777));
        return;
    }
    for (i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", L->path, sfx[i]);
        if (stat(p, &st) == 0 && (st.st_mode & 07))
            (void)chmod(p, st.st_mode & 07770);
    }
    snprintf(L->warning, sizeof L->warning,
             "%.200s: others could read this ledger, which holds heads' "
             "names; it is now mode %04o", L->path,
             (unsigned)((st.st_mode & 07770) & 07777));
}

const char *intake_ledger_warning(const struct intake_ledger *L)
{
    return L->warning[0] ? L->warning : NULL;
}

int intake_ledger_migrated_from(const struct intake_ledger *L)
{
    return L->migrated_from;
}

/* Add version 2's columns to a ledger made by version 1 (additive: old
 * rows keep NULL there). */
static int migrate_v2(struct intake_ledger *L, struct ff_err *e)
{
    size_t i;

    for (i = 0; i < sizeof v2_columns / sizeof v2_columns[0]; i++) {
        char q[160];
        sqlite3_stmt *s;
        size_t nl = strcspn(v2_columns[i][1], " ");
        int have = 0;

        snprintf(q, sizeof q, "SELECT 1 FROM pragma_table_info('%s') "
                 "WHERE name = '%.*s'", v2_columns[i][0], (int)nl,
                 v2_columns[i][1]);
        if (sqlite3_prepare_v2(L->db, q, -1, &s, NULL) != SQLITE_OK)
            return db_error(L, e, "cannot read the ledger's schema");
        have = sqlite3_step(s) == SQLITE_ROW;
        sqlite3_finalize(s);
        if (have)
            continue;
        snprintf(q, sizeof q, "ALTER TABLE %s ADD COLUMN %s",
                 v2_columns[i][0], v2_columns[i][1]);
        if (exec(L, q, e))
            return e->code;
    }
    /* A version-1 view knows nothing of withdrawals. */
    {
        sqlite3_stmt *s;
        int old = 0;

        if (sqlite3_prepare_v2(L->db, "SELECT sql FROM sqlite_master WHERE "
                               "type = 'view' AND name = 'ledger'", -1, &s,
                               NULL) != SQLITE_OK)
            return db_error(L, e, "cannot read the ledger's schema");
        if (sqlite3_step(s) == SQLITE_ROW)
            old = strstr((const char *)sqlite3_column_text(s, 0),
                         "withdrawal") == NULL;
        sqlite3_finalize(s);
        if (old && exec(L, "DROP VIEW ledger; CREATE VIEW ledger AS "
                           LEDGER_VIEW ";", e))
            return e->code;
    }
    return exec(L, v2_schema, e);
}

struct intake_ledger *intake_ledger_open(const char *path, int create,
                                         struct ff_err *e)
{
    struct intake_ledger *L;
    struct stat st;
    int fd, state;

    if (stat(path, &st) != 0) {
        if (errno != ENOENT || !create) {
            no_ledger(path, e);
            return NULL;
        }
        /* Create it ourselves so that it is 0600 from the first byte;
         * SQLite gives its -wal and -shm files the same mode. */
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  0600);
        if (fd < 0 && errno != EEXIST) {
            ff_err_sys(e, path, "cannot create ledger");
            return NULL;
        }
        if (fd >= 0) {
            /* Whatever the umask: the ledger holds heads' names. */
            (void)fchmod(fd, 0600);
            close(fd);
        }
    }
    if ((L = ledger_alloc(path, e)) == NULL)
        return NULL;
    if (open_db(L, L->path, SQLITE_OPEN_READWRITE, e))
        goto fail;
    sqlite3_busy_timeout(L->db, 10000);
    /* Before any pragma or CREATE: a file that is not ours, or a ledger
     * of a schema we do not know, is refused untouched. */
    if ((state = schema_state(L, 1, e)) < 0)
        goto fail;
    tighten(L, 1);
    /* WAL: a reader (report) never blocks a load, and a killed load leaves
     * only an uncommitted tail that the next open ignores.  synchronous =
     * FULL: one commit per load, so the extra fsync is free and a power cut
     * after "loaded" cannot lose the load.  32 MiB of page cache keeps the
     * two small indexes of a million-record load in memory.  16 KiB pages
     * (for a new ledger; an existing one keeps its own): a million records
     * take 8% less CPU than with 4 KiB pages, mostly fewer WAL writes.
     * temp_store = FILE: each file of a load is stored under a savepoint,
     * and SQLite keeps the old content of every existing page changed
     * under it (the indexes of all the months already loaded, which a
     * load's random keys touch all over) in a sub-journal; in memory that
     * grew the load by ~70 MB per national month in the ledger.  As a
     * file (SQLite spills it past 64 KiB to an unlinked file in TMPDIR)
     * it is the kernel's page cache, not our memory; no load statement
     * sorts (tests/test_ledger_memory.c). */
    if (exec(L, "PRAGMA page_size = 16384;"
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                "PRAGMA cache_size = -32768; PRAGMA temp_store = FILE;",
             e))
        goto fail;
    if (exec(L, "BEGIN IMMEDIATE", e))
        goto fail;
    if (exec(L, schema, e) || migrate_v2(L, e) || exec(L, v3_schema, e)) {
        exec(L, "ROLLBACK", NULL);
        goto fail;
    }
    if (exec(L, "COMMIT", e))
        goto fail;
    if (state != 2)
        L->migrated_from = 0;
    return L;
fail:
    intake_ledger_free(L);
    return NULL;
}

/* "file:" URI of path with immutable=1 (RFC 3986 percent-encoding). */
static int immutable_uri(const char *path, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    const unsigned char *p;

    n = (size_t)snprintf(out, size, "file:");
    for (p = (const unsigned char *)path; *p; p++) {
        if (n + 4 >= size)
            return -1;
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("/-._~", *p)) {
            out[n++] = (char)*p;
        } else {
            out[n++] = '%';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 15];
        }
    }
    if (n + sizeof "?immutable=1" > size)
        return -1;
    memcpy(out + n, "?immutable=1", sizeof "?immutable=1");
    return 0;
}

/* The -wal file exists (a writer is or was at work). */
static int wal_exists(const char *path)
{
    char wal[300];
    struct stat st;

    snprintf(wal, sizeof wal, "%s-wal", path);
    return stat(wal, &st) == 0 || errno != ENOENT;
}

struct intake_ledger *intake_ledger_open_ro(const char *path,
                                            struct ff_err *e)
{
    struct intake_ledger *L;
    struct stat st;
    char uri[1024];

    if (stat(path, &st) != 0) {
        no_ledger(path, e);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        ff_err_set(e, FF_EINPUT, path, 0, 0, "not an ffkit ledger (not a "
                                             "regular file)");
        return NULL;
    }
    if ((L = ledger_alloc(path, e)) == NULL)
        return NULL;
    /* Read-only: no journal-mode switch, no CREATE, no BEGIN IMMEDIATE.
     * In WAL mode a reader sees the last commit and never waits for a
     * writer; the short timeout only covers a writer's checkpoint. */
    if (open_db(L, L->path, SQLITE_OPEN_READONLY, e))
        goto fail;
    sqlite3_busy_timeout(L->db, 2000);
    if (schema_state(L, 0, e) != 1) {
        /*
         * A WAL ledger whose -shm and -wal do not exist and cannot be
         * created (another user's ledger, a read-only share) cannot be
         * opened the ordinary way.  With no -wal the main file holds every
         * commit, so it is read as immutable; read_done() then confirms
         * that no writer touched it meanwhile.
         */
        if (sqlite3_errcode(L->db) != SQLITE_READONLY &&
            sqlite3_errcode(L->db) != SQLITE_CANTOPEN)
            goto fail_state;
        if (wal_exists(path) || immutable_uri(path, uri, sizeof uri))
            goto fail_state;
        sqlite3_close(L->db);
        L->db = NULL;
        ff_err_clear(e);
        if (open_db(L, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, e))
            goto fail;
        L->immutable = 1;
        L->opened = st;
        if (schema_state(L, 0, e) != 1)
            goto fail_state;
    }
    /* temp_store FILE: the report's GROUP BY and window sorts spill to a
     * temporary file past the cache instead of growing in memory with the
     * ledger (a national ledger is millions of records). */
    if (exec(L, "PRAGMA cache_size = -32768; PRAGMA temp_store = FILE;",
             e))
        goto fail;
    tighten(L, 0);
    /* One read transaction: every query of the report sees the same
     * commit, even if a load commits meanwhile. */
    if (exec(L, "BEGIN", e))
        goto fail;
    L->in_tx = 1;
    L->read_only = 1;
    return L;
fail_state:
    if (e->code == FF_OK)
        ff_err_set(e, FF_EINPUT, path, 0, 0,
                   "not an ffkit ledger (an empty database)");
fail:
    intake_ledger_free(L);
    return NULL;
}

int intake_ledger_read_done(struct intake_ledger *L, struct ff_err *e)
{
    struct stat st;

    if (!L->immutable)
        return FF_OK;
    if (stat(L->path, &st) != 0 || wal_exists(L->path) ||
        st.st_ino != L->opened.st_ino || st.st_size != L->opened.st_size ||
        st.st_mtim.tv_sec != L->opened.st_mtim.tv_sec ||
        st.st_mtim.tv_nsec != L->opened.st_mtim.tv_nsec)
        return ff_err_set(e, FF_ESYS, L->path, 0, 0,
                          "the ledger was written while it was being read "
                          "(a load ran meanwhile); nothing was written: run "
                          "the command again");
    return FF_OK;
}

void intake_ledger_free(struct intake_ledger *L)
{
    int i;

    if (L == NULL)
        return;
    if (L->in_tx)
        intake_ledger_rollback(L);
    for (i = 0; i < S_COUNT; i++)
        sqlite3_finalize(L->st[i]);
    for (i = 0; i < 16; i++)
        sqlite3_finalize(L->adhoc[i]);
    sqlite3_close(L->db);
    ff_free(L);
}

int intake_ledger_begin(struct intake_ledger *L, struct ff_err *e)
{
    int rc = exec(L, "BEGIN IMMEDIATE", e);

    L->nmonths = 0;             /* others may have committed since */
    L->busy = rc != FF_OK && sqlite3_errcode(L->db) == SQLITE_BUSY;
    if (rc == FF_OK)
        L->in_tx = 1;
    return rc;
}

int intake_ledger_commit(struct intake_ledger *L, struct ff_err *e)
{
    int rc = exec(L, "COMMIT", e);

    L->nmonths = 0;
    if (rc == FF_OK)
        L->in_tx = 0;
    return rc;
}

void intake_ledger_rollback(struct intake_ledger *L)
{
    int i;

    /* Statements still stepping would keep the transaction open. */
    for (i = 0; i < S_COUNT; i++)
        if (L->st[i])
            sqlite3_reset(L->st[i]);
    for (i = 0; i < 16; i++)
        if (L->adhoc[i])
            sqlite3_reset(L->adhoc[i]);
    exec(L, "ROLLBACK", NULL);
    L->in_tx = 0;
    L->nmonths = 0;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);

    return t ? (const char *)t : "";
}

static void copy_text(char *dst, size_t size, sqlite3_stmt *s, int i)
{
    snprintf(dst, size, "%s", col_text(s, i));
}

static int read_snapshot(struct intake_ledger *L, sqlite3_stmt *s,
                         struct intake_snapshot *out, struct ff_err *e)
{
    int rc = sqlite3_step(s);

    memset(out, 0, sizeof *out);
    if (rc == SQLITE_ROW) {
        out->id = (long)sqlite3_column_int64(s, 0);
        copy_text(out->file, sizeof out->file, s, 1);
        copy_text(out->sha256, sizeof out->sha256, s, 2);
        copy_text(out->loaded_at, sizeof out->loaded_at, s, 3);
        out->survey_year = sqlite3_column_int(s, 4);
        out->threshold = sqlite3_column_double(s, 5);
        out->households = (long)sqlite3_column_int64(s, 6);
        rc = sqlite3_step(s);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return db_error(L, e, "cannot read register snapshot");
    return FF_OK;
}

int intake_ledger_snapshot_by_sha(struct intake_ledger *L, const char *sha,
                                  struct intake_snapshot *out,
                                  struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_SNAP_BY_SHA, e);

    if (s == NULL)
        return e->code;
    sqlite3_bind_text(s, 1, sha, -1, SQLITE_STATIC);
    return read_snapshot(L, s, out, e);
}

int intake_ledger_snapshot_latest(struct intake_ledger *L,
                                  struct intake_snapshot *out,
                                  struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_SNAP_LATEST, e);

    if (s == NULL)
        return e->code;
    return read_snapshot(L, s, out, e);
}

int intake_ledger_snapshot_add(struct intake_ledger *L,
                               struct intake_snapshot *snap, struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_SNAP_ADD, e);
    int rc;

    if (s == NULL)
        return e->code;
    sqlite3_bind_text(s, 1, snap->file, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, snap->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, snap->loaded_at, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 4, snap->survey_year);
    sqlite3_bind_double(s, 5, snap->threshold);
    sqlite3_bind_int64(s, 6, snap->households);
    rc = step_done(L, s, e, "cannot add register snapshot");
    if (rc == FF_OK)
        snap->id = (long)sqlite3_last_insert_rowid(L->db);
    return rc;
}

int intake_ledger_snapshot_set_households(struct intake_ledger *L,
                                         long snapshot, long households,
                                         struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_SNAP_SET_HH, e);
    int rc;

    if (s == NULL)
        return e->code;
    sqlite3_bind_int64(s, 1, snapshot);
    sqlite3_bind_int64(s, 2, households);
    if ((rc = step_done(L, s, e, "cannot count register snapshot")))
        return rc;
    if (sqlite3_changes(L->db) != 1)
        return ff_err_set(e, FF_EINTERNAL, NULL, 0, 0,
                          "register snapshot %ld is not in the ledger",
                          snapshot);
    return FF_OK;
}

/*
 * The household table is one B-tree written once per snapshot: 8 MiB of
 * page cache instead of the 32 MiB a load's indexes want took the same CPU
 * for 1,000,000 households (12.2-12.4 s user against 12.5-12.6 s) and 25
 * MB less peak memory (issue 12; bench/README.md).
 */
int intake_ledger_register_cache(struct intake_ledger *L, int on,
                                 struct ff_err *e)
{
    return exec(L, on ? "PRAGMA cache_size = -8192"
                      : "PRAGMA cache_size = -32768", e);
}

int intake_ledger_household_add(struct intake_ledger *L, long snapshot,
                                const struct intake_household *h,
                                struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_HH_ADD, e);

    if (s == NULL)
        return e->code;
    sqlite3_bind_int64(s, 1, snapshot);
    sqlite3_bind_text(s, 2, h->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, h->province, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, h->district_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, h->district, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, h->subdistrict, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 7, h->village_no);
    sqlite3_bind_text(s, 8, h->village_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, h->house_no, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 10, h->head, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 11, h->members);
    sqlite3_bind_double(s, 12, h->income);
    sqlite3_bind_int(s, 13, h->status);
    return step_done(L, s, e, "cannot add household");
}

/*
 * SQLite's own structural check of the household table and its key, run
 * by every reader of the households before it trusts them.  Cost measured
 * on a national ledger (1,000,000 households, 1,000,000 records, 730 MB):
 * 0.75 s, against 1.5 s for the whole file (quick_check) and 3.9 s for
 * integrity_check, and a report of that ledger takes 10 s; a province's
 * ledger takes milliseconds.  The whole file is checked by 'ffintake
 * check' (bench/intake.md).
 */
static int quick_check_households(struct intake_ledger *L, struct ff_err *e)
{
    sqlite3_stmt *s = NULL;
    int rc;
    char first[160] = "";

    rc = sqlite3_prepare_v2(L->db, "PRAGMA quick_check(household)", -1, &s,
                            NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
        snprintf(first, sizeof first, "%s", col_text(s, 0));
    if (rc != SQLITE_ROW) {
        db_error(L, e, "cannot check the household table");
        sqlite3_finalize(s);
        return e->code;
    }
    sqlite3_finalize(s);
    if (strcmp(first, "ok") != 0)
        return ff_err_set(e, FF_ESYS, L->path, 0, 0,
                          "household table: %s", DAMAGED_HINT);
    return FF_OK;
}

/* Every household of the snapshot, all its columns or (full 0) its code
 * only: a load needs the codes of a million households, and decoding the
 * other eleven columns of each was a fifth of a second of it. */
static int walk_households(struct intake_ledger *L, long snapshot, int full,
                           int (*fn)(void *ctx,
                                     const struct intake_household *h),
                           void *ctx, struct ff_err *e)
{
    sqlite3_stmt *s;
    long long n = 0, stored;
    int rc, cb = FF_OK;

    if (!L->hh_checked) {
        if ((rc = quick_check_households(L, e)))
            return rc;
        L->hh_checked = L->read_only;
    }
    if ((s = stmt(L, full ? S_HH_EACH : S_HH_CODES, e)) == NULL)
        return e->code;
    sqlite3_bind_int64(s, 1, snapshot);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct intake_household h;

        n++;
        memset(&h, 0, sizeof h);
        h.code = col_text(s, 0);
        if (full) {
            h.district_code = col_text(s, 1);
            h.district = col_text(s, 2);
            h.subdistrict = col_text(s, 3);
            h.village_no = sqlite3_column_int(s, 4);
            h.village_name = col_text(s, 5);
            h.house_no = col_text(s, 6);
            h.head = col_text(s, 7);
            h.members = sqlite3_column_int(s, 8);
            h.income = sqlite3_column_double(s, 9);
            h.status = sqlite3_column_int(s, 10);
            h.province = col_text(s, 11);
        }
        if ((cb = fn(ctx, &h)) != FF_OK)
            break;
    }
    sqlite3_reset(s);
    if (cb != FF_OK)
        return cb;
    if (rc != SQLITE_DONE)
        return db_error(L, e, "cannot read households");
    /* A damaged page of the household table can read as fewer rows with
     * no error at all (a report of 2 districts instead of 11, a load that
     * calls most records unknown).  The snapshot stored its count when it
     * was written: every reader compares before it trusts the rows. */
    if ((s = stmt(L, S_SNAP_HOUSEHOLDS, e)) == NULL)
        return e->code;
    sqlite3_bind_int64(s, 1, snapshot);
    rc = sqlite3_step(s);
    stored = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error(L, e, "cannot read register snapshot");
    if (stored != n)
        return ff_err_set(e, FF_ESYS, L->path, 0, 0,
                          "register snapshot %ld lists %lld households but "
                          "%lld could be read: %s", snapshot, stored, n,
                          DAMAGED_HINT);
    return FF_OK;
}

int intake_ledger_each_household(struct intake_ledger *L, long snapshot,
                                 int (*fn)(void *ctx,
                                           const struct intake_household *h),
                                 void *ctx, struct ff_err *e)
{
    return walk_households(L, snapshot, 1, fn, ctx, e);
}

int intake_ledger_each_code(struct intake_ledger *L, long snapshot,
                            int (*fn)(void *ctx,
                                      const struct intake_household *h),
                            void *ctx, struct ff_err *e)
{
    return walk_households(L, snapshot, 0, fn, ctx, e);
}

int intake_ledger_source_by_sha(struct intake_ledger *L, const char *sha,
                                long *source_id, long *load_id,
                                struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_SRC_BY_SHA, e);
    int rc;

    if (s == NULL)
        return e->code;
    *source_id = *load_id = 0;
    sqlite3_bind_text(s, 1, sha, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *source_id = (long)sqlite3_column_int64(s, 0);
        *load_id = (long)sqlite3_column_int64(s, 1);
        rc = SQLITE_DONE;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return db_error(L, e, "cannot look up source file");
    return FF_OK;
}

int intake_ledger_load_add(struct intake_ledger *L, long snapshot,
                           const char *started_at, long *load_id,
                           struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_LOAD_ADD, e);
    int rc;

    if (s == NULL)
        return e->code;
    sqlite3_bind_int64(s, 1, snapshot);
    sqlite3_bind_text(s, 2, started_at, -1, SQLITE_STATIC);
    rc = step_done(L, s, e, "cannot add load");
    if (rc == FF_OK)
        *load_id = (long)sqlite3_last_insert_rowid(L->db);
    return rc;
}

int intake_ledger_load_finish(struct intake_ledger *L, long load_id,
                              const char *finished_at, struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_LOAD_FINISH, e);

    if (s == NULL)
        return e->code;
    sqlite3_bind_int64(s, 1, load_id);
    sqlite3_bind_text(s, 2, finished_at, -1, SQLITE_STATIC);
    return step_done(L, s, e, "cannot finish load");
}

int intake_ledger_source_add(struct intake_ledger *L, long load_id,
                             const char *file, const char *sha,
                             const char *head_sha, unsigned long long bytes,
                             long *source_id, struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_SRC_ADD, e);
    int rc;

    if (s == NULL)
        return e->code;
    sqlite3_bind_int64(s, 1, load_id);
    sqlite3_bind_text(s, 2, file, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, sha, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)bytes);
    sqlite3_bind_text(s, 5, head_sha, -1, SQLITE_STATIC);
    rc = step_done(L, s, e, "cannot add source file");
    if (rc == FF_OK)
        *source_id = (long)sqlite3_last_insert_rowid(L->db);
    return rc;
}

int intake_ledger_source_finish(struct intake_ledger *L, long source_id,
                                const char *dialect, const char *encoding,
                                char delimiter, long records,
                                struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_SRC_FINISH, e);
    char d[2] = {delimiter, '\0'};

    if (s == NULL)
        return e->code;
    sqlite3_bind_int64(s, 1, source_id);
    sqlite3_bind_text(s, 2, dialect, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, encoding, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, d, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 5, records);
    return step_done(L, s, e, "cannot finish source file");
}

static void bind_field(sqlite3_stmt *s, int i,
                       const struct intake_checked *c, int f)
{
    if (c->field[f])
        sqlite3_bind_text(s, i, c->field[f], (int)c->field_len[f],
                          SQLITE_STATIC);
}

int intake_ledger_record_add(struct intake_ledger *L,
                             const struct intake_row *r, long long *id,
                             struct ff_err *e)
{
    const struct intake_checked *c = r->c;
    sqlite3_stmt *s = stmt(L, S_REC_ADD, e);
    int rc, valid = r->outcome == INTAKE_ACCEPTED ||
                    r->outcome == INTAKE_SUPERSEDED;
    char cats[48];

    if (s == NULL)
        return e->code;
    sqlite3_bind_int64(s, 1, r->load_id);
    sqlite3_bind_int64(s, 2, r->source_id);
    sqlite3_bind_int64(s, 3, r->record_no);
    sqlite3_bind_int64(s, 4, r->line);
    sqlite3_bind_text(s, 5, intake_outcome_name(r->outcome), -1,
                      SQLITE_STATIC);
    if (r->reason)
        sqlite3_bind_text(s, 6, intake_reason_name(r->reason), -1,
                          SQLITE_STATIC);
    if (c->col)
        sqlite3_bind_int64(s, 7, c->col);
    if (c->late >= 0)
        sqlite3_bind_int(s, 8, c->late);
    if (r->hhid)
        sqlite3_bind_text(s, 9, r->hhid, (int)r->hhid_len, SQLITE_STATIC);
    if (c->month[0])
        sqlite3_bind_text(s, 10, c->month, -1, SQLITE_STATIC);
    if (c->has_submitted)
        sqlite3_bind_int64(s, 11, c->submitted);
    if (valid) {
        bind_field(s, 12, c, INTAKE_F_SUBMITTED);
        if (r->submission_id) {
            sqlite3_bind_text(s, 13, r->submission_id,
                              (int)r->submission_id_len, SQLITE_STATIC);
            sqlite3_bind_int64(s, 22, dup_key(r->submission_id,
                                              r->submission_id_len, NULL));
        }
        if (r->row_sha256) {
            sqlite3_bind_blob(s, 14, r->row_sha256, 32, SQLITE_STATIC);
            sqlite3_bind_int64(s, 22, dup_key(NULL, 0, r->row_sha256));
        }
        bind_field(s, 15, c, INTAKE_F_ACTIVITY);
        sqlite3_bind_text(s, 16, intake_category_set_name(c->category, cats),
                          -1, SQLITE_TRANSIENT);
        bind_field(s, 17, c, INTAKE_F_RESULT);
        if (c->has_income)
            sqlite3_bind_double(s, 18, c->income);
        sqlite3_bind_int(s, 19, c->status);
        bind_field(s, 20, c, INTAKE_F_REPORTER);
    } else if (r->raw) {
        sqlite3_bind_blob(s, 21, r->raw, (int)r->raw_len, SQLITE_STATIC);
    }
    if (r->col_name && r->col_name[0])
        sqlite3_bind_text(s, 23, r->col_name, -1, SQLITE_STATIC);
    if (r->detail && r->detail[0])
        sqlite3_bind_text(s, 24, r->detail, -1, SQLITE_STATIC);
    if ((valid || r->outcome == INTAKE_DUPLICATE) && r->logical_key &&
        r->logical_key[0])
        sqlite3_bind_text(s, 25, r->logical_key, -1, SQLITE_STATIC);
    if (valid && r->edits >= 0)
        sqlite3_bind_int64(s, 26, r->edits);
    if (valid && r->deprecated && r->deprecated[0])
        sqlite3_bind_text(s, 27, r->deprecated, -1, SQLITE_STATIC);
    if (r->review_text && r->review_text[0])
        sqlite3_bind_text(s, 28, r->review_text, -1, SQLITE_STATIC);
    if (valid && r->stale)
        sqlite3_bind_int(s, 29, 1);
    rc = step_done(L, s, e, "cannot add record");
    if (rc == FF_OK && id)
        *id = sqlite3_last_insert_rowid(L->db);
    return rc;
}

/*
 * The valid first occurrence with this submission id (id non-NULL) or row
 * hash: *seen, its record id into *record and its logical key into key
 * (either may be NULL).  The indexed key is a hash: equality is confirmed
 * on the full value.  The one duplicate lookup: loads, key_of_version and
 * the server's hooks (first_seen) all come here, through the cached
 * statement.  ORDER BY id costs nothing: the index is (dup_key, rowid).
 */
static int lookup_version(struct intake_ledger *L, const char *id,
                          size_t id_len, const unsigned char *row_sha256,
                          int *seen, long long *record, char *key,
                          size_t key_size, struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_SEEN, e);
    int rc = SQLITE_DONE;

    if (s == NULL)
        return e->code;
    *seen = 0;
    sqlite3_bind_int64(s, 1, dup_key(id, id_len, row_sha256));
    while (!*seen && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (id)
            *seen = (size_t)sqlite3_column_bytes(s, 0) == id_len &&
                    memcmp(sqlite3_column_text(s, 0), id, id_len) == 0;
        else
            *seen = sqlite3_column_bytes(s, 1) == 32 &&
                    memcmp(sqlite3_column_blob(s, 1), row_sha256, 32) == 0;
        if (*seen && key)
            copy_text(key, key_size, s, 2);
        if (*seen && record)
            *record = sqlite3_column_int64(s, 3);
    }
    if (*seen)
        rc = SQLITE_DONE;
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return db_error(L, e, "cannot look up duplicate");
    return FF_OK;
}

int intake_ledger_seen(struct intake_ledger *L, const char *id,
                       size_t id_len, const unsigned char *row_sha256,
                       int *seen, struct ff_err *e)
{
    return lookup_version(L, id, id_len, row_sha256, seen, NULL, NULL, 0, e);
}

/* Whether month may hold an accepted record: 1 yes or not known, 0 no,
 * or -1 on error (set in e). */
static int month_may_have_accepted(struct intake_ledger *L, const char *month,
                                   struct ff_err *e)
{
    sqlite3_stmt *s;
    int i, rc;

    if (strlen(month) >= sizeof L->months[0].month)
        return 1;
    for (i = 0; i < L->nmonths; i++)
        if (strcmp(L->months[i].month, month) == 0)
            return L->months[i].any;
    if (L->nmonths == (int)(sizeof L->months / sizeof L->months[0]))
        return 1;
    if ((s = stmt(L, S_MONTH_ACCEPTED, e)) == NULL)
        return -1;
    sqlite3_bind_text(s, 1, month, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        db_error(L, e, "cannot look up accepted record");
        return -1;
    }
    strcpy(L->months[L->nmonths].month, month);
    L->months[L->nmonths++].any = rc == SQLITE_ROW;
    return rc == SQLITE_ROW;
}

int intake_ledger_accepted_for(struct intake_ledger *L, const char *hhid,
                               const char *month, long long *id,
                               long long *submitted, struct ff_err *e)
{
    sqlite3_stmt *s;
    int rc;

    *id = 0;
    if ((rc = month_may_have_accepted(L, month, e)) <= 0)
        return rc < 0 ? e->code : FF_OK;
    if ((s = stmt(L, S_ACCEPTED_FOR, e)) == NULL)
        return e->code;
    sqlite3_bind_text(s, 1, hhid, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, month, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        *submitted = sqlite3_column_int64(s, 1);
        rc = SQLITE_DONE;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return db_error(L, e, "cannot look up accepted record");
    return FF_OK;
}

int intake_ledger_mark_accepted(struct intake_ledger *L, long long lo,
                                long long hi, const struct intake_pick *pick,
                                long long *changed, struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_MARK_ACCEPTED, e);
    int rc;

    L->nmonths = 0;             /* months may hold accepted records now */
    if (s == NULL)
        return e->code;
    sqlite3_bind_int64(s, 1, lo);
    sqlite3_bind_int64(s, 2, hi);
    /* The predicate travels as a pointer value only our ff_pick can read
     * (a typed pointer: no SQL text can forge one). */
    sqlite3_bind_pointer(s, 3, (void *)pick, PICK_TYPE, NULL);
    rc = step_done(L, s, e, "cannot mark record accepted");
    sqlite3_bind_null(s, 3);
    if (rc == FF_OK)
        *changed = sqlite3_changes64(L->db);
    return rc;
}

int intake_ledger_supersede(struct intake_ledger *L, long long id,
                            long long by, long load_id, struct ff_err *e)
{
    return intake_ledger_supersede_why(L, id, by, load_id, NULL, e);
}

int intake_ledger_supersede_why(struct intake_ledger *L, long long id,
                                long long by, long load_id, const char *why,
                                struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_SUPERSEDE, e);

    if (s == NULL)
        return e->code;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, by);
    sqlite3_bind_int64(s, 3, load_id);
    if (why)
        sqlite3_bind_text(s, 4, why, -1, SQLITE_STATIC);
    return step_done(L, s, e, "cannot record supersession");
}

int intake_ledger_withdraw(struct intake_ledger *L, long long id,
                           long long by, long load_id, struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_WITHDRAW, e);

    if (s == NULL)
        return e->code;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, by);
    sqlite3_bind_int64(s, 3, load_id);
    return step_done(L, s, e, "cannot record withdrawal");
}

int intake_ledger_live_version(struct intake_ledger *L, const char *key,
                               struct intake_version *v, struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_LIVE_VERSION, e);
    int rc;

    if (s == NULL)
        return e->code;
    memset(v, 0, sizeof *v);
    v->edits = -1;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        v->id = sqlite3_column_int64(s, 0);
        v->load_id = (long)sqlite3_column_int64(s, 1);
        copy_text(v->hhid, sizeof v->hhid, s, 2);
        copy_text(v->month, sizeof v->month, s, 3);
        v->submitted = sqlite3_column_int64(s, 4);
        if (sqlite3_column_type(s, 5) != SQLITE_NULL)
            v->edits = (long)sqlite3_column_int64(s, 5);
        copy_text(v->deprecated, sizeof v->deprecated, s, 6);
        copy_text(v->version, sizeof v->version, s, 7);
        v->accepted = strcmp(col_text(s, 8), "accepted") == 0;
        v->withdrawn = sqlite3_column_int(s, 9);
        rc = SQLITE_DONE;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return db_error(L, e, "cannot look up submission versions");
    return FF_OK;
}

int intake_ledger_key_of_version(struct intake_ledger *L, const char *version,
                                 size_t n, char *key, size_t size, int *found,
                                 struct ff_err *e)
{
    key[0] = '\0';
    return lookup_version(L, version, n, NULL, found, NULL, key, size, e);
}

int intake_ledger_each_outcome(struct intake_ledger *L, long source_id,
                               long long first_id, long long last_id,
                               int (*fn)(void *ctx,
                                         const struct intake_outcome_row *r),
                               void *ctx, struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_OUTCOMES, e);
    int rc, cb = FF_OK;

    if (s == NULL)
        return e->code;
    sqlite3_bind_int64(s, 1, source_id);
    /* A file's records are a run of ids: read that run, not the ledger
     * (a national ledger is millions of records, once per file). */
    sqlite3_bind_int64(s, 2, first_id);
    sqlite3_bind_int64(s, 3, first_id > 0 ? last_id : INT64_MAX);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct intake_outcome_row r;

        r.file = col_text(s, 0);
        r.record_no = (long)sqlite3_column_int64(s, 1);
        r.line = (long)sqlite3_column_int64(s, 2);
        r.outcome = col_text(s, 3);
        r.reason = col_text(s, 4);
        r.late = sqlite3_column_type(s, 5) == SQLITE_NULL
                     ? -1
                     : sqlite3_column_int(s, 5);
        r.hhid = col_text(s, 6);
        r.month = col_text(s, 7);
        r.column = col_text(s, 8);
        r.detail = col_text(s, 9);
        if ((cb = fn(ctx, &r)) != FF_OK)
            break;
    }
    sqlite3_reset(s);
    if (cb != FF_OK)
        return cb;
    if (rc != SQLITE_DONE)
        return db_error(L, e, "cannot read outcomes");
    return FF_OK;
}

int intake_ledger_each_fact(struct intake_ledger *L, int fact,
                            const char *month,
                            int (*fn)(void *ctx, const char *hhid,
                                      long long n, double v),
                            void *ctx, struct ff_err *e)
{
    static const int ids[] = {S_FACT_VALID, S_FACT_INCOME,
                              S_FACT_INCOME_SORTED, S_FACT_REJECTED};
    sqlite3_stmt *s;
    int rc, cb = FF_OK;

    if (fact < 0 || fact > INTAKE_FACT_REJECTED)
        return ff_err_set(e, FF_EINTERNAL, L->path, 0, 0, "bad fact %d",
                          fact);
    s = stmt(L, ids[fact], e);
    if (s == NULL)
        return e->code;
    sqlite3_bind_text(s, 1, month, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        cb = fn(ctx, col_text(s, 0), sqlite3_column_int64(s, 1),
                sqlite3_column_count(s) > 2 ? sqlite3_column_double(s, 2)
                                            : 0.0);
        if (cb != FF_OK)
            break;
    }
    sqlite3_reset(s);
    if (cb != FF_OK)
        return cb;
    if (rc != SQLITE_DONE)
        return db_error(L, e, "cannot read report facts");
    return FF_OK;
}

int intake_ledger_each_accepted(struct intake_ledger *L, const char *month,
                                int (*fn)(void *ctx,
                                          const struct intake_export_row *r),
                                void *ctx, struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_ACCEPTED_EACH, e);
    int rc, cb = FF_OK;

    if (s == NULL)
        return e->code;
    sqlite3_bind_text(s, 1, month, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct intake_export_row r;

        r.hhid = col_text(s, 0);
        r.month = col_text(s, 1);
        r.submitted = sqlite3_column_int64(s, 2);
        r.late = sqlite3_column_int(s, 3);
        r.submitted_text = col_text(s, 4);
        r.submission_id = col_text(s, 5);
        r.activity = col_text(s, 6);
        r.category = col_text(s, 7);
        r.result = col_text(s, 8);
        r.reporter = col_text(s, 9);
        r.status = sqlite3_column_int(s, 10);
        r.has_income = sqlite3_column_type(s, 11) != SQLITE_NULL;
        r.income = sqlite3_column_double(s, 11);
        r.file = col_text(s, 12);
        r.record_no = (long)sqlite3_column_int64(s, 13);
        r.line = (long)sqlite3_column_int64(s, 14);
        r.load_id = (long)sqlite3_column_int64(s, 15);
        r.review = col_text(s, 16);
        if ((cb = fn(ctx, &r)) != FF_OK)
            break;
    }
    sqlite3_reset(s);
    if (cb != FF_OK)
        return cb;
    if (rc != SQLITE_DONE)
        return db_error(L, e, "cannot read accepted records");
    return FF_OK;
}

int intake_ledger_source_by_head(struct intake_ledger *L,
                                 unsigned long long bytes,
                                 const char *head_sha, int *found,
                                 struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_SRC_BY_HEAD, e);
    int rc;

    if (s == NULL)
        return e->code;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)bytes);
    sqlite3_bind_text(s, 2, head_sha, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    *found = rc == SQLITE_ROW;
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error(L, e, "cannot look up source file");
    return FF_OK;
}

int intake_ledger_source_set_sha(struct intake_ledger *L, long source_id,
                                 const char *sha, const char *head_sha,
                                 unsigned long long bytes, struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_SRC_SET_SHA, e);

    if (s == NULL)
        return e->code;
    sqlite3_bind_int64(s, 1, source_id);
    sqlite3_bind_text(s, 2, sha, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, head_sha, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)bytes);
    return step_done(L, s, e, "cannot store file hash");
}

int intake_ledger_savepoint(struct intake_ledger *L, struct ff_err *e)
{
    return exec(L, "SAVEPOINT file", e);
}

int intake_ledger_release(struct intake_ledger *L, struct ff_err *e)
{
    return exec(L, "RELEASE file", e);
}

int intake_ledger_rollback_to(struct intake_ledger *L, struct ff_err *e)
{
    int i;

    for (i = 0; i < S_COUNT; i++)
        if (L->st[i])
            sqlite3_reset(L->st[i]);
    if (exec(L, "ROLLBACK TO file", e))
        return e->code;
    return exec(L, "RELEASE file", e);
}

/*
 * The invariants of 'ffintake check', one query each; every row a query
 * returns is one problem, already worded.  Only ids, codes, months and
 * hashes are printed: never a name or any other field a person typed.
 */
static const char *const invariants[] = {
    "SELECT printf('record %d: outcome ''%s'' is not accepted, superseded, "
    "duplicate or rejected', id, substr(coalesce(outcome, 'NULL'), 1, 20)) "
    "FROM record WHERE outcome IS NULL OR outcome NOT IN ('accepted', "
    "'superseded', 'duplicate', 'rejected')",
    "SELECT printf('record %d: superseded by record %d of load %d but its "
    "own outcome is ''%s'': it has no single current outcome', s.record_id, "
    "s.by_record, s.load_id, substr(r.outcome, 1, 20)) FROM supersession s "
    "JOIN record r ON r.id = s.record_id WHERE r.outcome != 'accepted' "
    /* Schema 2: an edit that moves a report to another household or
     * month supersedes the version it replaces also within one load, where
     * that version never became accepted (its outcome stays 'superseded';
     * the row says which record replaced it). */
    "AND NOT (r.outcome = 'superseded' AND s.why = 'edit' AND r.load_id = "
    "s.load_id)",
    "SELECT printf('household %s month %s: %d accepted records (ids %s)', "
    "substr(hhid, 1, 11), substr(month, 1, 7), COUNT(*), group_concat(id, "
    "', ')) FROM ledger WHERE current_outcome = 'accepted' GROUP BY hhid, "
    "month HAVING COUNT(*) > 1",
    "SELECT printf('supersession of record %d: %s', s.record_id, CASE WHEN "
    "r.id IS NULL THEN 'no such record' WHEN b.id IS NULL THEN "
    "printf('its replacement, record %d, does not exist', s.by_record) WHEN "
    "l.id IS NULL THEN printf('load %d does not exist', s.load_id) WHEN "
    "b.load_id != s.load_id THEN printf('its replacement, record %d, is not "
    "of load %d', s.by_record, s.load_id) ELSE printf('its replacement, "
    "record %d, is %s', s.by_record, substr(b.outcome, 1, 20)) END) FROM "
    "supersession s LEFT JOIN record r ON r.id = s.record_id LEFT JOIN "
    "record b ON b.id = s.by_record LEFT JOIN load l ON l.id = s.load_id "
    "WHERE r.id IS NULL OR b.id IS NULL OR l.id IS NULL OR b.load_id != "
    "s.load_id OR b.outcome NOT IN ('accepted', 'superseded')",
    "SELECT printf('source files %s: the same SHA-256 %s', group_concat(id, "
    "', '), substr(sha256, 1, 64)) FROM source GROUP BY sha256 HAVING "
    "COUNT(*) > 1",
    "SELECT printf('source file %d: no final SHA-256 (''%s'')', id, "
    "substr(sha256, 1, 16)) FROM source WHERE length(sha256) != 64 OR "
    "sha256 GLOB '*[^0-9a-f]*'",
    "SELECT printf('register snapshot %d: lists %d households, %d stored', "
    "s.id, s.households, (SELECT COUNT(*) FROM household h WHERE "
    "h.snapshot = s.id)) FROM register_snapshot s WHERE s.households != "
    "(SELECT COUNT(*) FROM household h WHERE h.snapshot = s.id)",
    "SELECT printf('source file %d: lists %d records, %d stored', s.id, "
    "s.records, coalesce(c.n, 0)) FROM source s LEFT JOIN (SELECT "
    "source_id, COUNT(*) AS n FROM record GROUP BY source_id) c ON "
    "c.source_id = s.id WHERE s.records IS NULL OR s.records != "
    "coalesce(c.n, 0)",
    "SELECT printf('record %d: its source file %d or load %d does not "
    "exist', r.id, r.source_id, r.load_id) FROM record r LEFT JOIN source s "
    "ON s.id = r.source_id LEFT JOIN load l ON l.id = r.load_id WHERE s.id "
    "IS NULL OR l.id IS NULL OR s.load_id != r.load_id",
    /* Schema 2: a withdrawal takes a valid record out because a later
     * record of its load is the reviewer's rejection of the submission. */
    "SELECT printf('withdrawal of record %d: %s', w.record_id, CASE WHEN "
    "r.id IS NULL THEN 'no such record' WHEN r.outcome NOT IN ('accepted', "
    "'superseded') THEN printf('the record is %s, not a valid report', "
    "substr(r.outcome, 1, 20)) WHEN b.id IS NULL THEN printf('the "
    "rejection, record %d, does not exist', w.by_record) WHEN l.id IS NULL "
    "THEN printf('load %d does not exist', w.load_id) WHEN b.load_id != "
    "w.load_id THEN printf('the rejection, record %d, is not of load %d', "
    "w.by_record, w.load_id) ELSE printf('record %d is %s (%s), not a "
    "reviewer''s rejection', w.by_record, substr(b.outcome, 1, 20), "
    "substr(coalesce(b.reason, ''), 1, 20)) END) FROM withdrawal w LEFT "
    "JOIN record r ON r.id = w.record_id LEFT JOIN record b ON b.id = "
    "w.by_record LEFT JOIN load l ON l.id = w.load_id WHERE r.id IS NULL OR "
    "r.outcome NOT IN ('accepted', 'superseded') OR b.id IS NULL OR l.id IS "
    "NULL OR b.load_id != w.load_id OR b.outcome != 'rejected' OR "
    "coalesce(b.reason, '') != 'review_rejected'",
    "SELECT printf('supersession of record %d: why ''%s'' is not a later "
    "submission (NULL) or an edit', record_id, substr(why, 1, 20)) FROM "
    "supersession WHERE why IS NOT NULL AND why != 'edit'",
    "SELECT printf('record %d: %s', id, CASE WHEN edits < 0 THEN "
    "printf('edit count %d is negative', edits) ELSE 'marked stale (an "
    "older version) but it is not a valid report with a logical key' END) "
    "FROM record WHERE edits < 0 OR (stale IS NOT NULL AND (outcome NOT IN "
    "('accepted', 'superseded') OR logical_key IS NULL))",
};

/* Run one check query; each row it returns is a problem. */
static int check_query(struct intake_ledger *L, const char *q,
                       const char *label,
                       void (*fn)(void *ctx, const char *problem), void *ctx,
                       long *problems, struct ff_err *e)
{
    sqlite3_stmt *s = NULL;
    char line[512];
    int rc;

    rc = sqlite3_prepare_v2(L->db, q, -1, &s, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *t = col_text(s, 0);

        rc = SQLITE_OK;
        if (label && strcmp(t, "ok") == 0)
            continue;
        snprintf(line, sizeof line, "%s%s", label ? label : "", t);
        fn(ctx, line);
        ++*problems;
    }
    if (rc != SQLITE_DONE) {
        int code = sqlite3_errcode(L->db);

        /* A damaged page stops a query: that is a finding, not a failure
         * of the check (the other queries may still run). */
        if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB ||
            code == SQLITE_ERROR) {
            snprintf(line, sizeof line, "cannot run a check (%s): %s",
                     label ? "integrity_check" : "invariant",
                     sqlite3_errmsg(L->db));
            fn(ctx, line);
            ++*problems;
        } else {
            db_error(L, e, "cannot check the ledger");
            sqlite3_finalize(s);
            return e->code;
        }
    }
    sqlite3_finalize(s);
    return FF_OK;
}

int intake_ledger_check(struct intake_ledger *L,
                        void (*fn)(void *ctx, const char *problem),
                        void *ctx, long *problems, struct ff_err *e)
{
    size_t i;
    int rc;

    *problems = 0;
    if ((rc = check_query(L, "PRAGMA integrity_check(100)",
                          "integrity_check: ", fn, ctx, problems, e)))
        return rc;
    for (i = 0; i < sizeof invariants / sizeof invariants[0]; i++)
        if ((rc = check_query(L, invariants[i], NULL, fn, ctx, problems, e)))
            return rc;
    return FF_OK;
}
/*
 * Ad-hoc statements for the server's own tables and pages (serve, auth,
 * pull).  The first 16 distinct texts stay prepared (a hook runs four per
 * record, and preparing them each time cost a fifth of the server's CPU);
 * any others are prepared per call.
 */
int intake_ledger_sql(struct intake_ledger *L, const char *q,
                      const char *const *params, int nparams,
                      int (*fn)(void *ctx, int ncols,
                                const char *const *vals),
                      void *ctx, long long *last_id, struct ff_err *e)
{
    const char *vals[32];
    sqlite3_stmt *s = NULL;
    int rc = FF_OK, i, step, slot = -1;

    L->busy = 0;
    for (i = 0; i < 16 && slot < 0; i++)
        if (L->adhoc_sql[i] == q || L->adhoc_sql[i] == NULL)
            slot = i;
    if (slot >= 0 && L->adhoc_sql[slot] == q) {
        s = L->adhoc[slot];
        sqlite3_clear_bindings(s);
    } else {
        if (sqlite3_prepare_v3(L->db, q, -1,
                               slot >= 0 ? SQLITE_PREPARE_PERSISTENT : 0, &s,
                               NULL) != SQLITE_OK)
            return db_error(L, e, "cannot prepare statement");
        if (slot >= 0) {
            L->adhoc_sql[slot] = q;
            L->adhoc[slot] = s;
        }
    }
    for (i = 0; i < nparams; i++)
        sqlite3_bind_text(s, i + 1, params[i], -1, SQLITE_STATIC);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int n = sqlite3_column_count(s);

        if (n > 32)
            n = 32;
        for (i = 0; i < n; i++)
            vals[i] = (const char *)sqlite3_column_text(s, i);
        if (fn && (rc = fn(ctx, n, vals)) != FF_OK)
            break;
    }
    if (rc == FF_OK && step != SQLITE_DONE) {
        L->busy = sqlite3_errcode(L->db) == SQLITE_BUSY;
        rc = db_error(L, e, "cannot run statement");
    }
    if (rc == FF_OK && last_id)
        *last_id = sqlite3_last_insert_rowid(L->db);
    if (slot >= 0)
        sqlite3_reset(s);
    else
        sqlite3_finalize(s);
    return rc;
}

int intake_ledger_script(struct intake_ledger *L, const char *q,
                         struct ff_err *e)
{
    return exec(L, q, e);
}

void intake_ledger_memory(long long *now, long long *peak, int reset)
{
    sqlite3_int64 cur = 0, hw = 0;

    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &hw, reset);
    *now = cur;
    *peak = reset ? cur : hw;
}

int intake_ledger_was_busy(const struct intake_ledger *L)
{
    return L->busy;
}

int intake_ledger_first_seen(struct intake_ledger *L, const char *id,
                             size_t id_len, const unsigned char *row_sha256,
                             long long *record, struct ff_err *e)
{
    int seen;

    *record = 0;
    if (id == NULL && row_sha256 == NULL)
        return FF_OK;
    return lookup_version(L, id, id_len, row_sha256, &seen, record, NULL, 0,
                          e);
}

int intake_ledger_last_record(struct intake_ledger *L, long long *id,
                              struct ff_err *e)
{
    (void)e;
    *id = sqlite3_last_insert_rowid(L->db);
    return FF_OK;
}

void intake_ledger_set_busy_timeout(struct intake_ledger *L, int ms)
{
    sqlite3_busy_timeout(L->db, ms);
}

int intake_ledger_each_factors(struct intake_ledger *L, const char *month,
                               int (*fn)(void *ctx, const char *hhid,
                                         const char *set),
                               void *ctx, struct ff_err *e)
{
    sqlite3_stmt *s = stmt(L, S_FACT_FACTORS, e);
    int rc, cb = FF_OK;

    if (s == NULL)
        return e->code;
    sqlite3_bind_text(s, 1, month, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if ((cb = fn(ctx, col_text(s, 0), col_text(s, 1))) != FF_OK)
            break;
    sqlite3_reset(s);
    if (cb != FF_OK)
        return cb;
    if (rc != SQLITE_DONE)
        return db_error(L, e, "cannot read report facts");
    return FF_OK;
}
