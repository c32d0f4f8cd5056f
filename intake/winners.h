/*
 * winners.h - the winner of each (household, month) during one load.
 *
 * A valid record competes for its (household, month): the latest
 * submission time wins, ties going to the later record, and an edit takes
 * the place of the version it replaces.  The table holds the pairs the
 * load touches, so it is bounded by the register times the months in the
 * files, not by the number of records: 24 bytes a pair and a third more
 * slots, 32 MB for a million.  A pair that already had an accepted
 * record before the load is listed apart as well (struct intake_earlier):
 * only those can be superseded across loads, and they are few (a
 * correction of an earlier month).  The ledger is asked once per pair, on
 * its first record.
 *
 * The arrays are public so that the load can walk them once settled; the
 * keys are this module's business.
 */
#ifndef INTAKE_WINNERS_H
#define INTAKE_WINNERS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "ledger.h"

struct intake_winner {
    uint64_t key;           /* the pair (private); 0 = free slot */
    long long id;           /* winning record so far */
    long long submitted;
};

struct intake_earlier {
    uint64_t key;           /* the pair (private) */
    long long id;           /* the record accepted before this load */
    long long by;           /* this load's record that supersedes it, or 0
                               (known once settled) */
};

/* Caller-allocated: zero it (or intake_winners_init), release at the end. */
struct intake_winners {
    struct intake_winner *w;    /* open-addressing hash table of wcap */
    size_t wn, wcap;
    size_t expect;              /* pairs expected (intake_winners_expect) */
    struct intake_earlier *prev;
    size_t nprev, cap_prev;
};

void intake_winners_init(struct intake_winners *t);
void intake_winners_release(struct intake_winners *t);

/*
 * About pairs (household, month) are expected: the table is made that
 * large when its first entry comes, not doubled on the way there (each
 * doubling held the old table and the new one at once: 25 + 50 MB at a
 * million households).  Before the first intake_winners_compete().
 */
void intake_winners_expect(struct intake_winners *t, size_t pairs);

/* Empty the table for another load, keeping its memory. */
void intake_winners_reset(struct intake_winners *t);

/*
 * A new valid record id for (hhid, month) (11 digits, "YYYY-MM"),
 * submitted at that time.  rep (may be NULL) is the earlier version of the
 * same submission that this record is an edit of: where rep is the
 * winner, the edit takes its place whatever the times say.  A pair met for
 * the first time asks L for its accepted record.  FF_ESYS ("out of
 * memory") or the ledger's error, with e filled.
 */
int intake_winners_compete(struct intake_winners *t, struct intake_ledger *L,
                           const char *hhid, const char *month, long long id,
                           long long submitted,
                           const struct intake_version *rep,
                           struct ff_err *e);

/* Record id, if it is the winner of (hhid, month) so far, wins no more;
 * the pair's earlier accepted record, if any, stays accepted.  hhid and
 * month not of the form above: nothing happens. */
void intake_winners_drop(struct intake_winners *t, const char *hhid,
                         const char *month, long long id);

/* The table as it was, to go back to (a file that was loaded before). */
struct intake_winners_saved {
    struct intake_winner *w;    /* a copy, owned */
    size_t wn, wcap, nprev;
};

/* Save t into *s; FF_ESYS ("out of memory") with e filled.  Release *s
 * with intake_winners_restore or intake_winners_discard. */
int intake_winners_save(const struct intake_winners *t,
                        struct intake_winners_saved *s, struct ff_err *e);
/* Put t back as saved; *s is used up (discarding it after is harmless). */
void intake_winners_restore(struct intake_winners *t,
                            struct intake_winners_saved *s);
void intake_winners_discard(struct intake_winners_saved *s);

/*
 * Settling, at the end of the load.  First _earlier: each earlier pair's
 * by is set to its new winner (0 when the earlier record kept its place),
 * and t->prev[0..nprev) is sorted by id.  Then _new: the ids of this
 * load's records that won are packed to t->w[0..n).id, sorted, and n
 * returned (the entries' other members mean nothing then); after it t is
 * no hash table any more, until intake_winners_reset.
 * Sorted by id, the records' pages are rewritten once each, in order.
 */
void intake_winners_settle_earlier(struct intake_winners *t);
size_t intake_winners_settle_new(struct intake_winners *t);

#endif
