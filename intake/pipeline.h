/*
 * pipeline.h - one file's records from the CSV reader to the writer, over
 * two threads.
 *
 * A parser thread reads the CSV and applies the rules (pure work: no
 * SQLite) and hands the records over in a ring of a few fixed-size
 * batches; the calling thread, the writer, gets them in record order and
 * does everything that touches the ledger, so the outcome never depends
 * on thread timing, and memory stays flat in the file size.  The parser
 * also reads the header (the dialect, the column names) and decides the
 * day/month order of a file's slashed dates from its data.
 */
#ifndef INTAKE_PIPELINE_H
#define INTAKE_PIPELINE_H

#include <stddef.h>

#include "buf.h"
#include "dialect.h"
#include "err.h"
#include "load.h"
#include "rules.h"

struct ff_table;

/* One record as the writer gets it, valid during the store call. */
struct intake_piped {
    long record, line;
    char *const *fields;        /* fields[0..nfields), NUL-terminated */
    const size_t *lens;
    size_t nfields;
    /* The rules' verdict, the writer's to change; its field pointers
     * point where the parser had the record, and are to be set again
     * from fields. */
    struct intake_checked *c;
    /* intake_pipeline_row_hash of a valid record whose dialect has no
     * submission id, else NULL. */
    const unsigned char *digest;
};

/*
 * The day/month order of a file's slashed dates while the parser decides
 * it (pipeline.c, order_observe).  held: the records read meanwhile,
 * packed as a struct held, nfields lengths, the NUL-terminated fields,
 * padded to 8.  Private.
 */
struct intake_order_state {
    int scanning;               /* the order comes from the file's data */
    int deciding;               /* not decided yet: records are held */
    int slashed;                /* slashed dates seen */
    long dmy_line, mdy_line;    /* first line deciding either way */
    long col;                   /* 1-based column of the timestamp */
    struct ff_buf held;
    size_t nheld;
};

/*
 * Caller-allocated (intake_pipeline_init), and kept from file to file so
 * that its memory is reused.  The caller sets the public fields; what
 * they point to is borrowed.
 */
struct intake_pipeline {
    const struct intake_dialects *dialects;
    /* The file being read: its path names it to dialect detection; its
     * date_order and hxl_row are set. */
    struct intake_load_file *file;
    const char *name;           /* the file as messages name it */
    struct intake_layout *lay;  /* set from the header record */
    struct intake_rules_ctx *rc;    /* its date_order set when decided */
    /* The writer's half of each record, on the calling thread; an error
     * stops the parser and is the run's. */
    int (*store)(void *ctx, const struct intake_piped *rec,
                 struct ff_err *e);
    void *store_ctx;
    /* Private.  The header's cells, NUL-terminated, for the outcomes'
     * column: copied by the parser from record 1, read by the writer
     * after. */
    struct ff_buf hdr;
    size_t *hdr_off;
    size_t nhdr;
    struct intake_order_state ord;
    char **fptr;                /* field pointers of the record stored */
    size_t fcap;
};

void intake_pipeline_init(struct intake_pipeline *p);
void intake_pipeline_release(struct intake_pipeline *p);

/*
 * Read csv to its end, storing each data record through p->store.
 * date_order (enum intake_date_order) is --date-order: UNKNOWN lets the
 * file's data decide, and a file whose dates never decide, or decide both
 * ways, is refused (FF_EINPUT).  Returns FF_OK, or the first error of
 * either thread with e filled.  p->lay->dialect stays NULL for a file
 * without a header.
 */
int intake_pipeline_run(struct intake_pipeline *p, struct ff_table *csv,
                        int date_order, struct ff_err *e);

/* The header text of 1-based column col of the last file read (at most
 * 120 bytes of it), or "" (no such column, or not text). */
const char *intake_pipeline_column(const struct intake_pipeline *p,
                                   long col);

/* SHA-256 of every field, length-prefixed so that boundaries count: the
 * duplicate key of a record whose dialect has no submission id. */
void intake_pipeline_row_hash(char *const *fields, const size_t *lens,
                              size_t n, unsigned char out[32]);

#endif
