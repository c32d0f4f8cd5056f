/*
 * jobs.h - run one function over items 0..n-1 on a few worker threads.
 *
 * Each worker gets its own context (a PDF writer with its fonts parsed
 * once, buffers) made by `init` and released by `fini`.  Items are handed
 * out one at a time through an atomic counter, so a slow item never holds
 * up the others.  The first error stops every worker; the error is the one
 * reported.
 */
#ifndef GEN_JOBS_H
#define GEN_JOBS_H

#include <stddef.h>

#include "err.h"

struct gen_jobs {
    int workers;                    /* <= 0: one per online CPU */
    void *shared;                   /* passed to every call */
    /* Make a worker's context; NULL with e filled on failure. */
    void *(*init)(void *shared, struct ff_err *e);
    int (*run)(void *shared, void *worker, size_t item, struct ff_err *e);
    /* May be NULL.  Called once per worker after its last item, also when
     * another worker failed: finish what is pending (files waiting for a
     * group commit).  Its error is reported if no other came first. */
    int (*finish)(void *worker, struct ff_err *e);
    void (*fini)(void *worker);
    /* Called from worker threads, serialised, after each item; may be NULL. */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
};

/* Run items 0..n-1.  Returns FF_OK or the first error (e filled). */
int gen_jobs_run(const struct gen_jobs *j, size_t n, struct ff_err *e);

/* Online CPUs (at least 1). */
int gen_jobs_cpus(void);

#endif
