/* fuzz_template.c - the layout template parser (and placeholder check). */
#include <stdint.h>

#include "template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ff_err e;
    struct gen_template *t;

    ff_err_clear(&e);
    t = gen_template_parse("fuzz.tpl", (const char *)data, size, &e);
    gen_template_free(t);
    return 0;
}
