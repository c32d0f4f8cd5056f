/*
 * test_winners.c - the winner table of a load (intake/winners.c).
 *
 * When a load settles, exactly the records the table gives as winners are
 * made accepted.  A winner missing would lose a household's report; a
 * loser given would count two reports for one household and month.  So
 * this checks, over an empty ledger (no earlier records):
 *   - every pair's winner by time, ties to the later record, each given
 *     once, sorted by id at settling;
 *   - a dropped winner not given, and a later record winning its pair;
 *   - the same at a table size that is not a power of two (slots found by
 *     remainder, probes wrapping past the end) and past the size expected
 *     (the table grows and every pair is found again).
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../intake/ledger.h"
#include "../intake/winners.h"

static void code_of(int i, char hhid[12])
{
    snprintf(hhid, 12, "%011d", 10000000 + i);
}

/* Is id among the n settled winners (sorted by id)? */
static int is_winner(const struct intake_winners *t, size_t n, long long id)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (t->w[mid].id == id)
            return 1;
        if (t->w[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/*
 * pairs households, month 2025-01; expect as told to the table.  Record
 * ids: household i's first record is 1 + i, submitted at 1000; every third
 * household sends a second record (id base2 + i) submitted later (it
 * wins), every fifth one a second record submitted earlier (it loses),
 * and every seventh one a second record at the same time (a tie: the
 * later record wins).  Every eleventh household's winner is dropped.
 */
static void run(struct intake_ledger *L, size_t expect, int pairs)
{
    struct intake_winners t;
    struct ff_err e;
    long long base2 = 10LL * pairs;
    char hhid[12];
    int i, rc = FF_OK;
    size_t won = 0, n, k;

    intake_winners_init(&t);
    intake_winners_expect(&t, expect);
    for (i = 0; i < pairs && rc == FF_OK; i++) {
        code_of(i, hhid);
        rc = intake_winners_compete(&t, L, hhid, "2025-01", 1 + i, 1000, NULL,
                                    &e);
    }
    CHECK_INT(rc, FF_OK);
    CHECK(t.wcap * 3 >= (size_t)pairs * 4);
    /* As large as expected and no larger: at a million households a table
     * rounded up to a power of two was 50 MB where 32 MB hold it. */
    if (expect >= (size_t)pairs && expect > 4096)
        CHECK(t.wcap * 3 <= expect * 4 + 12);
    for (i = 0; i < pairs && rc == FF_OK; i++) {
        long long when = i % 3 == 0 ? 2000 : i % 5 == 0 ? 500
                                            : i % 7 == 0 ? 1000 : -1;

        if (when < 0)
            continue;
        code_of(i, hhid);
        rc = intake_winners_compete(&t, L, hhid, "2025-01", base2 + i, when,
                                    NULL, &e);
    }
    CHECK_INT(rc, FF_OK);
    for (i = 0; i < pairs && rc == FF_OK; i += 11) {
        long long when = i % 3 == 0 ? 2000 : i % 5 == 0 ? 500
                                            : i % 7 == 0 ? 1000 : -1;
        long long winner = when == 2000 || when == 1000 ? base2 + i : 1 + i;

        code_of(i, hhid);
        intake_winners_drop(&t, hhid, "2025-01", winner);
        /* Dropping a record that is not the winner changes nothing. */
        intake_winners_drop(&t, hhid, "2025-01", 1 + i == winner ? base2 + i
                                                                  : 1 + i);
    }
    /* A household whose winner was dropped takes a new record. */
    code_of(0, hhid);
    CHECK_INT(intake_winners_compete(&t, L, hhid, "2025-01", 20LL * pairs, 1,
                                     NULL, &e),
              FF_OK);
    for (i = 0; i < pairs; i++)
        won += i % 11 != 0;
    won++;      /* household 0's new record */
    intake_winners_settle_earlier(&t);
    CHECK_INT((long)t.nprev, 0);        /* the ledger had no records */
    n = intake_winners_settle_new(&t);
    CHECK_INT((long)n, (long)won);
    for (k = 1; k < n; k++)
        CHECK(t.w[k - 1].id < t.w[k].id);
    for (i = 0; i < pairs; i++) {
        long long when = i % 3 == 0 ? 2000 : i % 5 == 0 ? 500
                                            : i % 7 == 0 ? 1000 : -1;
        long long first = 1 + i, second = base2 + i;
        int dropped = i % 11 == 0;

        if (when < 0) {
            CHECK(is_winner(&t, n, first) == !dropped);
        } else if (when == 500) {
            CHECK(!is_winner(&t, n, second));
            CHECK(is_winner(&t, n, first) == !dropped);
        } else {
            CHECK(!is_winner(&t, n, first));
            CHECK(is_winner(&t, n, second) == !dropped);
        }
    }
    CHECK(is_winner(&t, n, 20LL * pairs));
    intake_winners_release(&t);
}

int main(void)
{
    char tmpdir[200], db[260];
    struct intake_ledger *L;
    struct ff_err e;

    if (check_tmpdir(tmpdir, sizeof tmpdir, "winners"))
        return 1;
    snprintf(db, sizeof db, "%s/l.db", tmpdir);
    L = intake_ledger_open(db, 1, &e);
    CHECK(L != NULL);
    if (L == NULL)
        return check_done("test_winners");
    CHECK_INT(intake_ledger_begin(L, &e), FF_OK);
    run(L, 0, 3000);            /* the first table, 4096, then grown */
    run(L, 7001, 7001);         /* 9,338 slots: not a power of two */
    run(L, 20000, 20000);
    run(L, 5000, 12000);        /* grown past what was expected */
    intake_ledger_rollback(L);
    intake_ledger_free(L);
    unlink(db);
    rmdir(tmpdir);
    return check_done("test_winners");
}
