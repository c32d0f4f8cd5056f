/*
 * table_bench.c - read a table with core/table.c and count what came out:
 * the reader alone, without the register or the ledger, to measure its time
 * and peak memory on large files (bench/bench_table.sh).
 *
 * usage: table_bench FILE [SHEET]
 */
#include <stdio.h>

#include "table.h"

struct count {
    long rows;
    unsigned long long bytes;
};

static int count_row(void *ctx, const struct ff_csv_record *r,
                     struct ff_err *e)
{
    struct count *c = ctx;
    size_t i;

    (void)e;
    c->rows++;
    for (i = 0; i < r->nfields; i++)
        c->bytes += r->lens[i];
    return FF_OK;
}

int main(int argc, char **argv)
{
    struct ff_table_opts o = {0};
    struct count c = {0, 0};
    struct ff_table *t;
    struct ff_err e;
    char msg[800];
    int rc;

    if (argc < 2) {
        fprintf(stderr, "usage: table_bench FILE [SHEET]\n");
        return 2;
    }
    ff_err_clear(&e);
    o.sheet = argc > 2 ? argv[2] : NULL;
    t = ff_table_open(argv[1], &o, &e);
    if (t == NULL) {
        fprintf(stderr, "table_bench: %s\n", ff_err_str(&e, msg, sizeof msg));
        return 1;
    }
    rc = ff_table_read(t, count_row, &c, &e);
    if (rc) {
        fprintf(stderr, "table_bench: %s\n", ff_err_str(&e, msg, sizeof msg));
    } else {
        printf("%s: %s, %s: %ld rows, %llu field bytes\n", argv[1],
               ff_table_format(t), ff_table_encoding(t), c.rows, c.bytes);
    }
    ff_table_free(t);
    return rc ? 1 : 0;
}
