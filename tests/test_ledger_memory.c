/*
 * test_ledger_memory.c - a load's memory must not grow with the ledger
 * (issue 15).  A load stores each file under a savepoint inside its one
 * transaction; SQLite then keeps, for every page that existed before the
 * savepoint and is changed under it, the page's old content in a
 * sub-journal.  A load's records land all over the existing indexes
 * (dup_key, (hhid, month), logical_key are random in the ledger's order),
 * so the sub-journal is a copy of most of the indexes of every month
 * already loaded: with temp_store = MEMORY it was held in memory, about
 * 70 MB a month on a national ledger.  Here: the same random inserts into
 * a ledger's indexes, once in the plain transaction and once under the
 * load's savepoint; the savepoint must not cost more than 1 MiB of
 * SQLite's memory on top (it cost 2.7 MiB with temp_store = MEMORY, a
 * copy of the indexes).  Temporary files go to a fresh directory under
 * $TMPDIR or /tmp.
 */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#include "../intake/ledger.h"

static char tmpdir[512];

/* n records with random keys, as a month's load spreads them over the
 * indexes, one INSERT each as a load makes them (a statement of many rows
 * would have a statement journal of its own); load and source ids refer
 * to nothing: no foreign keys. */
static int add_records(struct intake_ledger *L, int n, struct ff_err *e)
{
    static const char q[] =
        "INSERT INTO record(load_id, source_id, record_no, line, outcome, "
        "hhid, month, dup_key, logical_key) VALUES(1, 1, ?1, ?1, "
        "'accepted', printf('%011d', abs(random() % 100000000000)), "
        "'2025-01', random(), hex(randomblob(16)))";
    char no[24];
    const char *params[1] = {no};
    int i, rc = FF_OK;

    for (i = 0; i < n && rc == FF_OK; i++) {
        snprintf(no, sizeof no, "%d", i + 1);
        rc = intake_ledger_sql(L, q, params, 1, NULL, NULL, NULL, e);
    }
    return rc;
}

/* SQLite's memory high-water mark over adding n records in a transaction
 * (under the load's savepoint when savepoint), less its memory before;
 * the transaction is rolled back. */
static long long growth(struct intake_ledger *L, int n, int savepoint)
{
    long long cur, hw, base;
    struct ff_err e;

    CHECK_INT(intake_ledger_begin(L, &e), FF_OK);
    if (savepoint)
        CHECK_INT(intake_ledger_savepoint(L, &e), FF_OK);
    intake_ledger_memory(&base, &hw, 1);
    CHECK_INT(add_records(L, n, &e), FF_OK);
    intake_ledger_memory(&cur, &hw, 0);
    if (savepoint)
        CHECK_INT(intake_ledger_release(L, &e), FF_OK);
    intake_ledger_rollback(L);
    return hw - base;
}

int main(void)
{
    char db[600], p[700];
    struct intake_ledger *L;
    struct ff_err e;
    long long plain, saved;

    intake_ledger_count_memory();       /* before the first open */
    if (check_tmpdir(tmpdir, sizeof tmpdir, "ledgermem"))
        return 1;
    snprintf(db, sizeof db, "%s/l.db", tmpdir);
    L = intake_ledger_open(db, 1, &e);
    CHECK(L != NULL);
    if (L == NULL)
        return check_done("test_ledger_memory");

    /* "Earlier months": 30,000 records, about 3 MiB of index pages. */
    CHECK_INT(intake_ledger_begin(L, &e), FF_OK);
    CHECK_INT(add_records(L, 30000, &e), FF_OK);
    CHECK_INT(intake_ledger_commit(L, &e), FF_OK);

    /* Once to bring the indexes into the page cache, then the two. */
    (void)growth(L, 10000, 0);
    plain = growth(L, 10000, 0);
    saved = growth(L, 10000, 1);
    printf("test_ledger_memory: 10,000 records into 30,000: %lld KiB, "
           "under the savepoint %lld KiB\n", plain / 1024, saved / 1024);
    CHECK(plain > 0);
    CHECK(saved - plain < 1024 * 1024);

    intake_ledger_free(L);
    unlink(db);
    snprintf(p, sizeof p, "%s-wal", db);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db);
    unlink(p);
    rmdir(tmpdir);
    return check_done("test_ledger_memory");
}
