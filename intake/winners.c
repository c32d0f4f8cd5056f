/*
 * winners.c - the winner table of a load (see winners.h).
 *
 * Open addressing with linear probing, at most three quarters full: the
 * lookups are one per valid record, so they must stay short and touch
 * little memory.  A key is the household code and the month packed into
 * one number, with one bit saying whether the winner is a record of this
 * load (NEW_WINNER), so an entry is 24 bytes.
 */
#include "winners.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

#define NEW_WINNER (1ULL << 63)     /* the winner is a record of this load */

void intake_winners_init(struct intake_winners *t)
{
    memset(t, 0, sizeof *t);
}

void intake_winners_release(struct intake_winners *t)
{
    ff_free(t->w);
    ff_free(t->prev);
    memset(t, 0, sizeof *t);
}

void intake_winners_expect(struct intake_winners *t, size_t pairs)
{
    t->expect = pairs;
}

void intake_winners_reset(struct intake_winners *t)
{
    if (t->w)
        memset(t->w, 0, t->wcap * sizeof *t->w);
    t->wn = 0;
    t->nprev = 0;
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
static struct intake_winner *winner_slot(struct intake_winners *t,
                                         uint64_t key)
{
    uint64_t h = key;
    size_t i;

    /* splitmix64's finaliser: the keys themselves cluster. */
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    h ^= h >> 31;
    i = (size_t)(h % t->wcap);
    while (t->w[i].key && (t->w[i].key & ~NEW_WINNER) != key)
        if (++i == t->wcap)
            i = 0;
    return &t->w[i];
}

static int winner_grow(struct intake_winners *t)
{
    struct intake_winner *old = t->w;
    size_t oldcap = t->wcap, i;

    t->wcap = oldcap ? oldcap * 2 : 4096;
    /* The first table as large as expected, at most three quarters full
     * and no larger (any size will do: slots are found by remainder, not
     * by mask; the power of two above a million households was 50 MB
     * where 32 MB hold them); its pages are touched only as entries land
     * in them. */
    if (!oldcap && t->expect / 3 * 4 + 4 > t->wcap &&
        t->expect < SIZE_MAX / 64)
        t->wcap = t->expect / 3 * 4 + 4;
    t->w = ff_calloc(t->wcap, sizeof *t->w);
    if (t->w == NULL) {
        t->w = old;
        t->wcap = oldcap;
        return FF_ESYS;
    }
    for (i = 0; i < oldcap; i++)
        if (old[i].key)
            *winner_slot(t, old[i].key & ~NEW_WINNER) = old[i];
    ff_free(old);
    return FF_OK;
}

/* Note that key's accepted record before this load was record id. */
static int remember_earlier(struct intake_winners *t, uint64_t key,
                            long long id, struct ff_err *e)
{
    struct intake_earlier *v = ff_grow(t->prev, &t->cap_prev, t->nprev + 1,
                                       sizeof *v, 256);

    if (v == NULL)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    t->prev = v;
    t->prev[t->nprev].key = key;
    t->prev[t->nprev].id = id;
    t->prev[t->nprev++].by = 0;
    return FF_OK;
}

/*
 * Ties go to the later record because records arrive in file order.  An
 * edit competes with rep's time when that is later: an ODK edit keeps the
 * original SubmissionDate; a Kobo edit may be stamped later or not.
 */
int intake_winners_compete(struct intake_winners *t, struct intake_ledger *L,
                           const char *hhid, const char *month, long long id,
                           long long submitted,
                           const struct intake_version *rep,
                           struct ff_err *e)
{
    uint64_t key = winner_key(hhid, month);
    struct intake_winner *w;
    int rc;

    /* Three quarters full at most: linear probing stays short. */
    if ((t->wn + 1) * 4 > t->wcap * 3 && winner_grow(t))
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    w = winner_slot(t, key);
    if (w->key == 0) {
        long long pid = 0, psub = 0;

        rc = intake_ledger_accepted_for(L, hhid, month, &pid, &psub, e);
        if (rc)
            return rc;
        if (pid && (rc = remember_earlier(t, key, pid, e)))
            return rc;
        t->wn++;
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

void intake_winners_drop(struct intake_winners *t, const char *hhid,
                         const char *month, long long id)
{
    struct intake_winner *w;

    if (t->wcap == 0 || strlen(hhid) != 11 || strlen(month) != 7)
        return;
    w = winner_slot(t, winner_key(hhid, month));
    if (w->key && w->id == id) {
        w->key &= ~NEW_WINNER;
        w->id = 0;
        w->submitted = INT64_MIN;
    }
}

int intake_winners_save(const struct intake_winners *t,
                        struct intake_winners_saved *s, struct ff_err *e)
{
    s->wn = t->wn;
    s->wcap = t->wcap;
    s->nprev = t->nprev;
    s->w = NULL;
    if (t->wcap) {
        s->w = ff_malloc(t->wcap * sizeof *s->w);
        if (s->w == NULL)
            return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        memcpy(s->w, t->w, t->wcap * sizeof *s->w);
    }
    return FF_OK;
}

/* The earlier list only grows while a file is read: cutting it back to its
 * length is enough. */
void intake_winners_restore(struct intake_winners *t,
                            struct intake_winners_saved *s)
{
    ff_free(t->w);
    t->w = s->w;
    t->wn = s->wn;
    t->wcap = s->wcap;
    t->nprev = s->nprev;
    s->w = NULL;
}

void intake_winners_discard(struct intake_winners_saved *s)
{
    ff_free(s->w);
    s->w = NULL;
}

static int by_id(const void *a, const void *b)
{
    const struct intake_winner *x = a, *y = b;

    return (x->id > y->id) - (x->id < y->id);
}

static int by_earlier_id(const void *a, const void *b)
{
    const struct intake_earlier *x = a, *y = b;

    return (x->id > y->id) - (x->id < y->id);
}

void intake_winners_settle_earlier(struct intake_winners *t)
{
    size_t i;

    for (i = 0; i < t->nprev; i++) {
        const struct intake_winner *w = winner_slot(t, t->prev[i].key);

        if (w->key & NEW_WINNER)
            t->prev[i].by = w->id;
    }
    if (t->nprev)
        qsort(t->prev, t->nprev, sizeof *t->prev, by_earlier_id);
}

/*
 * The table is done with once the supersessions are known, so the new
 * winners are packed to its front and put in id order there.  A load's
 * records have ids from one range, each winning one pair at most, so a
 * bitmap over the range sorts them in place: qsort's merge sort took a
 * second array as large (24 MB for a million households, the load's peak
 * memory).  A range too sparse for a bitmap (or no memory for it) falls
 * back to qsort.
 */
size_t intake_winners_settle_new(struct intake_winners *t)
{
    size_t i, n = 0, span, words;
    long long lo = 0, hi = 0;
    uint64_t *bits;

    for (i = 0; i < t->wcap; i++)
        if (t->w[i].key & NEW_WINNER) {
            if (n == 0 || t->w[i].id < lo)
                lo = t->w[i].id;
            if (n == 0 || t->w[i].id > hi)
                hi = t->w[i].id;
            t->w[n++] = t->w[i];
        }
    t->wn = 0;                  /* no longer a hash table */
    if (n < 2)
        return n;
    span = (size_t)(hi - lo) + 1;
    words = span / 64 + 1;
    bits = span / 16 <= n + 4096 ? ff_calloc(words, sizeof *bits) : NULL;
    if (bits == NULL) {
        qsort(t->w, n, sizeof *t->w, by_id);
        return n;
    }
    for (i = 0; i < n; i++) {
        size_t b = (size_t)(t->w[i].id - lo);

        bits[b / 64] |= 1ULL << (b % 64);
    }
    n = 0;
    for (i = 0; i < words; i++)
        while (bits[i]) {
            int z = __builtin_ctzll(bits[i]);

            t->w[n].key = 0;
            t->w[n].submitted = 0;
            t->w[n++].id = lo + (long long)(i * 64 + (size_t)z);
            bits[i] &= bits[i] - 1;
        }
    ff_free(bits);
    return n;
}
