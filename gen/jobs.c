/*
 * jobs.c - a tiny thread pool with pthreads.  Workload: thousands of
 * independent households, each a few milliseconds; contention is one
 * atomic increment per item and a mutex only around progress and errors.
 */
#include "jobs.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "alloc.h"

struct pool {
    const struct gen_jobs *j;
    size_t n;
    atomic_size_t next;
    atomic_int failed;
    size_t done;
    pthread_mutex_t lock;
    struct ff_err err;          /* the first error, under lock */
};

static void fail_with(struct pool *p, const struct ff_err *e)
{
    pthread_mutex_lock(&p->lock);
    if (!atomic_exchange(&p->failed, 1))
        p->err = *e;
    pthread_mutex_unlock(&p->lock);
}

/* The worker's finish hook and fini; a finish error is reported too. */
static void worker_end(struct pool *p, void *w)
{
    struct ff_err e;

    ff_err_clear(&e);
    if (p->j->finish && p->j->finish(w, &e) != FF_OK)
        fail_with(p, &e);
    p->j->fini(w);
}

static void *worker_main(void *arg)
{
    struct pool *p = arg;
    struct ff_err e;
    void *w;

    ff_err_clear(&e);
    w = p->j->init(p->j->shared, &e);
    if (w == NULL)
        goto fail;
    while (!atomic_load(&p->failed)) {
        size_t i = atomic_fetch_add(&p->next, 1);

        if (i >= p->n)
            break;
        if (p->j->run(p->j->shared, w, i, &e) != FF_OK)
            goto fail;
        pthread_mutex_lock(&p->lock);
        p->done++;
        if (p->j->progress)
            p->j->progress(p->j->progress_ctx, p->done, p->n);
        pthread_mutex_unlock(&p->lock);
    }
    worker_end(p, w);
    return NULL;
fail:
    fail_with(p, &e);
    if (w)
        worker_end(p, w);
    return NULL;
}

int gen_jobs_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 0 ? (int)n : 1;
}

int gen_jobs_run(const struct gen_jobs *j, size_t n, struct ff_err *e)
{
    struct pool p;
    pthread_t *t;
    int workers = j->workers > 0 ? j->workers : gen_jobs_cpus(), i, started;

    if ((size_t)workers > n)
        workers = n ? (int)n : 1;
    p.j = j;
    p.n = n;
    atomic_init(&p.next, 0);
    atomic_init(&p.failed, 0);
    p.done = 0;
    ff_err_clear(&p.err);
    pthread_mutex_init(&p.lock, NULL);
    t = ff_calloc((size_t)workers, sizeof *t);
    if (t == NULL) {
        pthread_mutex_destroy(&p.lock);
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    }
    for (started = 0; started < workers; started++)
        if (pthread_create(&t[started], NULL, worker_main, &p) != 0)
            break;
    if (started == 0)
        worker_main(&p);        /* no thread could start: do it here */
    for (i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    ff_free(t);
    pthread_mutex_destroy(&p.lock);
    if (atomic_load(&p.failed)) {
        *e = p.err;
        return e->code ? e->code : FF_EINTERNAL;
    }
    return FF_OK;
}
