/*
 * commitq.h - group commit: submissions from many request threads, one
 * writer thread, one durable transaction per batch.
 *
 * A request hands over a group (the records of one HTTP body) and waits.
 * The writer takes every group queued while the previous batch was being
 * fsynced, classifies their records through the load's stream (load.h),
 * commits once, and only then wakes the requests: a 2xx answer is a
 * promise that the record is on disk.  Under load, batches grow by
 * themselves, so the cost of the fsync is shared.
 */
#ifndef INTAKE_COMMITQ_H
#define INTAKE_COMMITQ_H

#include <stddef.h>

#include "dialect.h"
#include "err.h"
#include "ledger.h"
#include "load.h"

/* One record to store, and what became of it. */
struct intake_sub {
    /* in: set by the request */
    const char *source;         /* "hook:kobo", static */
    struct intake_layout lay;
    char **fields;              /* borrowed from the group's owner */
    size_t *lens, n;
    char key[72];               /* receipt key: the retry of a post */
    /* out: set by the writer before the group is done */
    int stored;                 /* 1 new (201), 0 already there (200) */
    long long record;
    char outcome[16], reason[24];
    int late;                   /* -1 unknown */
};

enum intake_group_status {
    INTAKE_GROUP_OK = 0,
    INTAKE_GROUP_BUSY,          /* not written in time: 503, retry */
    INTAKE_GROUP_FAILED         /* the ledger refused the batch: 503 too */
};

struct intake_commitq;

/*
 * Start the writer over L (owned by the writer thread from now on until
 * intake_commitq_free) with the load options o (borrowed).  max_batch
 * bounds the records of one transaction, max_queued those waiting.
 */
struct intake_commitq *intake_commitq_new(struct intake_ledger *L,
                                          const struct intake_load_opts *o,
                                          size_t max_batch,
                                          size_t max_queued,
                                          struct ff_err *e);
/* Finish the batches queued, stop the writer, free it (not L). */
void intake_commitq_free(struct intake_commitq *q);

/*
 * Store subs[0..n) in one batch and wait at most timeout_ms for its
 * commit.  The subs and what their fields point to must stay valid until
 * the call returns, and afterwards too when it returns INTAKE_GROUP_BUSY
 * with *kept = 1: the writer still holds them and frees them with
 * release(arg) when it is done (a batch already being written is not
 * abandoned; its records may be stored, and a retry is then answered
 * 200).  Returns enum intake_group_status; e says why a batch failed.
 */
int intake_commitq_submit(struct intake_commitq *q, struct intake_sub *subs,
                          size_t n, long timeout_ms,
                          void (*release)(void *arg), void *arg, int *kept,
                          struct ff_err *e);

/* Batches committed and records stored since the start (for /health). */
void intake_commitq_stats(struct intake_commitq *q, long long *batches,
                          long long *records);

#endif
