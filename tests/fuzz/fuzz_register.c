/* fuzz_register.c - the household register parser and its validation. */
#include <stdint.h>

#include "register.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ff_err e;
    struct ff_register *r;

    ff_err_clear(&e);
    r = ff_register_parse("fuzz.csv", (const char *)data, size,
                          FF_SOURCE_DIR "/templates/register-columns.map", &e);
    if (r && r->n)
        (void)ff_register_find(r, r->hh[r->n - 1].code);
    ff_register_free(r);
    return 0;
}
