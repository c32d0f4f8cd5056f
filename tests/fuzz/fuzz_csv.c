/* fuzz_csv.c - the CSV record reader: encodings, delimiters, quoting. */
#include <stdint.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(void *ctx, const struct ff_csv_record *r, struct ff_err *e)
{
    size_t i, *total = ctx;

    (void)e;
    for (i = 0; i < r->nfields; i++)
        *total += r->lens[i] + (r->fields[i][r->lens[i]] == '\0');
    return FF_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ff_err e;
    struct ff_csv *c;
    size_t total = 0;

    ff_err_clear(&e);
    c = ff_csv_open_mem("fuzz.csv", (const char *)data, size, NULL, &e);
    if (c) {
        ff_csv_read(c, count, &total, &e);
        ff_csv_free(c);
    }
    return 0;
}
