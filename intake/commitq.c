/*
 * commitq.c - the writer thread of ffintake serve and its queue.
 *
 * Workload: up to thousands of single-record posts a second from tens of
 * connections.  One transaction per record would pay one fsync (the WAL,
 * synchronous = FULL) per record, a few milliseconds each on an office
 * PC's disk; here a batch takes every group that arrived while the last
 * one was committing, so the fsync is paid per batch and throughput grows
 * with concurrency while each request still waits for its own commit.
 *
 * Every record of a batch is looked up first by its receipt key (the
 * SHA-256 of the post's columns and values): a sender that retries
 * because it never saw the answer gets 200 and the first copy, and the
 * ledger holds the submission once.  The receipt is written in the same
 * transaction as the record, so neither can exist without the other.
 */
#include "commitq.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "loadcfg.h"
#include "rules.h"

enum { G_QUEUED, G_TAKEN, G_DONE };

struct group {
    struct intake_sub *subs;
    size_t n;
    int state, status, abandoned;
    struct ff_err e;
    void (*release)(void *arg);
    void *arg;
    pthread_cond_t cv;          /* its own: a commit wakes only its waiters */
    struct group *next;
};

struct intake_commitq {
    struct intake_ledger *L;
    struct intake_stream *st;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t work;
    struct group *head, **tail;
    size_t queued, max_batch, max_queued;
    int stop;
    long long batches, records;
};

static int take_id(void *ctx, int n, const char *const *v)
{
    (void)n;
    *(long long *)ctx = v[0] ? strtoll(v[0], NULL, 10) : 0;
    return FF_OK;
}

struct state_ctx {
    struct intake_sub *s;
};

static int take_state(void *ctx, int n, const char *const *v)
{
    struct intake_sub *s = ctx;

    (void)n;
    snprintf(s->outcome, sizeof s->outcome, "%s", v[0] ? v[0] : "");
    snprintf(s->reason, sizeof s->reason, "%s", v[1] ? v[1] : "");
    s->late = v[2] ? (int)strtol(v[2], NULL, 10) : -1;
    return FF_OK;
}

/* One record inside the open transaction. */
static int store(struct intake_commitq *q, struct intake_sub *s,
                 struct ff_err *e)
{
    struct intake_stream_result res;
    const char *p[2];
    char idtext[32];
    long long id = 0;
    int rc;

    p[0] = s->key;
    if ((rc = intake_ledger_sql(q->L, "SELECT record_id FROM hook_receipt "
                                      "WHERE key = ?1",
                                p, 1, take_id, &id, NULL, e)))
        return rc;
    if (id) {
        s->stored = 0;
        s->record = id;
        return FF_OK;
    }
    if ((rc = intake_stream_add(q->st, s->source, &s->lay, s->fields, s->lens,
                                s->n, &res, e)))
        return rc;
    s->stored = res.stored;
    s->record = res.id;
    snprintf(idtext, sizeof idtext, "%lld", res.id);
    p[1] = idtext;
    return intake_ledger_sql(q->L, "INSERT INTO hook_receipt VALUES(?1, ?2)",
                             p, 2, NULL, NULL, NULL, e);
}

static int write_batch(struct intake_commitq *q, struct group *batch,
                       struct ff_err *e)
{
    struct group *g;
    char now[32];
    size_t i;
    int rc;

    intake_now_iso(now);
    if ((rc = intake_stream_begin(q->st, now, e)))
        return rc;
    for (g = batch; g; g = g->next)
        for (i = 0; i < g->n; i++)
            if ((rc = store(q, &g->subs[i], e))) {
                intake_stream_rollback(q->st);
                return rc;
            }
    if ((rc = intake_stream_commit(q->st, e)))
        return rc;
    /* The outcomes after the winners settled, as the ledger view says. */
    for (g = batch; g; g = g->next)
        for (i = 0; i < g->n; i++) {
            struct intake_sub *s = &g->subs[i];
            char idtext[32];
            const char *p[1] = {idtext};
            struct ff_err e2;

            ff_err_clear(&e2);
            snprintf(idtext, sizeof idtext, "%lld", s->record);
            s->late = -1;
            intake_ledger_sql(q->L, "SELECT current_outcome, reason, late "
                                    "FROM ledger WHERE id = ?1",
                              p, 1, take_state, s, NULL, &e2);
        }
    return FF_OK;
}

static void *writer_main(void *arg)
{
    struct intake_commitq *q = arg;

    pthread_mutex_lock(&q->mu);
    for (;;) {
        struct group *batch, *g, *last = NULL, *next;
        size_t n = 0;
        struct ff_err e;
        int rc, status;

        while (q->head == NULL && !q->stop)
            pthread_cond_wait(&q->work, &q->mu);
        if (q->head == NULL)
            break;
        /* Everything queued, up to max_batch records (at least one group). */
        batch = q->head;
        for (g = q->head; g && (n == 0 || n + g->n <= q->max_batch);
             g = g->next) {
            g->state = G_TAKEN;
            n += g->n;
            last = g;
        }
        q->head = last->next;
        if (q->head == NULL)
            q->tail = &q->head;
        last->next = NULL;
        q->queued -= n;
        pthread_mutex_unlock(&q->mu);

        ff_err_clear(&e);
        rc = write_batch(q, batch, &e);
        status = rc == FF_OK ? INTAKE_GROUP_OK
                 : intake_ledger_was_busy(q->L) ? INTAKE_GROUP_BUSY
                                                : INTAKE_GROUP_FAILED;
        if (rc) {
            char buf[1200];

            /* Positions and reasons only: no field of a record. */
            fprintf(stderr, "ffintake serve: batch of %zu records not "
                            "stored: %s\n", n, ff_err_str(&e, buf,
                                                          sizeof buf));
        }
        pthread_mutex_lock(&q->mu);
        if (rc == FF_OK) {
            q->batches++;
            q->records += (long long)n;
        }
        for (g = batch; g; g = next) {
            next = g->next;
            g->status = status;
            g->e = e;
            g->state = G_DONE;
            if (g->abandoned) {
                g->release(g->arg);
                pthread_cond_destroy(&g->cv);
                ff_free(g);
            } else {
                pthread_cond_signal(&g->cv);
            }
        }
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

struct intake_commitq *intake_commitq_new(struct intake_ledger *L,
                                          const struct intake_load_opts *o,
                                          size_t max_batch,
                                          size_t max_queued,
                                          struct ff_err *e)
{
    struct intake_commitq *q = ff_calloc(1, sizeof *q);

    if (q == NULL) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        return NULL;
    }
    q->L = L;
    q->max_batch = max_batch;
    q->max_queued = max_queued;
    q->tail = &q->head;
    if ((q->st = intake_stream_new(L, o, e)) == NULL) {
        ff_free(q);
        return NULL;
    }
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->work, NULL);
    if (pthread_create(&q->th, NULL, writer_main, q) != 0) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "cannot start the writer thread");
        intake_stream_free(q->st);
        pthread_cond_destroy(&q->work);
        pthread_mutex_destroy(&q->mu);
        ff_free(q);
        return NULL;
    }
    return q;
}

void intake_commitq_free(struct intake_commitq *q)
{
    if (q == NULL)
        return;
    pthread_mutex_lock(&q->mu);
    q->stop = 1;
    pthread_cond_broadcast(&q->work);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->th, NULL);
    intake_stream_free(q->st);
    pthread_cond_destroy(&q->work);
    pthread_mutex_destroy(&q->mu);
    ff_free(q);
}

int intake_commitq_submit(struct intake_commitq *q, struct intake_sub *subs,
                          size_t n, long timeout_ms,
                          void (*release)(void *arg), void *arg, int *kept,
                          struct ff_err *e)
{
    struct group *g;
    struct timespec until;
    int status, rc = 0;

    *kept = 0;
    g = ff_calloc(1, sizeof *g);
    if (g == NULL) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        return INTAKE_GROUP_FAILED;
    }
    g->subs = subs;
    g->n = n;
    g->release = release;
    g->arg = arg;
    pthread_cond_init(&g->cv, NULL);
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&q->mu);
    if (q->stop || q->queued + n > q->max_queued) {
        pthread_mutex_unlock(&q->mu);
        pthread_cond_destroy(&g->cv);
        ff_free(g);
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "too many submissions waiting");
        return INTAKE_GROUP_BUSY;
    }
    *q->tail = g;
    q->tail = &g->next;
    q->queued += n;
    pthread_cond_signal(&q->work);
    while (g->state != G_DONE && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&g->cv, &q->mu, &until);
    if (g->state == G_DONE) {
        status = g->status;
        if (status != INTAKE_GROUP_OK)
            *e = g->e;
        pthread_mutex_unlock(&q->mu);
        pthread_cond_destroy(&g->cv);
        ff_free(g);
        return status;
    }
    if (g->state == G_QUEUED) {
        /* Not taken yet: out of the queue, never to be written. */
        struct group **p = &q->head;

        while (*p != g)
            p = &(*p)->next;
        *p = g->next;
        if (q->tail == &g->next)
            q->tail = p;
        q->queued -= n;
        pthread_mutex_unlock(&q->mu);
        pthread_cond_destroy(&g->cv);
        ff_free(g);
    } else {
        g->abandoned = 1;       /* the writer frees it */
        *kept = 1;
        pthread_mutex_unlock(&q->mu);
    }
    ff_err_set(e, FF_ESYS, NULL, 0, 0, "the ledger was not written in time");
    return INTAKE_GROUP_BUSY;
}

void intake_commitq_stats(struct intake_commitq *q, long long *batches,
                          long long *records)
{
    pthread_mutex_lock(&q->mu);
    *batches = q->batches;
    *records = q->records;
    pthread_mutex_unlock(&q->mu);
}
