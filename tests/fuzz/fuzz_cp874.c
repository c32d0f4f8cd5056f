/*
 * fuzz_cp874.c - the Windows-874 (TIS-620) to UTF-8 converter, forced, so
 * every input goes through it (fuzz_csv mostly detects UTF-8).  Checks the
 * converter's promise: every field it hands out is valid UTF-8 and
 * NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>

#include "csv.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check(void *ctx, const struct ff_csv_record *r, struct ff_err *e)
{
    size_t i;

    (void)ctx;
    (void)e;
    for (i = 0; i < r->nfields; i++) {
        if (r->fields[i][r->lens[i]] != '\0')
            abort();
        /* Windows-874 bytes that map to nothing are the reader's to flag. */
        if (r->bad_utf8_field == 0 &&
            ff_utf8_invalid_at(r->fields[i], r->lens[i]) != r->lens[i])
            abort();
    }
    return FF_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ff_csv_opts o = {.encoding = FF_CSV_ENC_CP874};
    struct ff_err e;
    struct ff_csv *c;

    ff_err_clear(&e);
    if (size > 0 && (data[0] & 1))
        o.delim = ';';
    c = ff_csv_open_mem("fuzz.csv", (const char *)data, size, &o, &e);
    if (c) {
        ff_csv_read(c, check, NULL, &e);
        ff_csv_free(c);
    }
    return 0;
}
