/* fuzz_dialect.c - dialect detection from an export's header record, and
 * the dialect map parser.  The first byte chooses which. */
#include <stdint.h>
#include <string.h>

#include "csv.h"
#include "dialect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
    const struct intake_dialects *ds;
};

static int on_header(void *c, const struct ff_csv_record *r, struct ff_err *e)
{
    const struct ctx *x = c;
    struct intake_layout lay;
    struct ff_err ignore;

    (void)e;
    ff_err_clear(&ignore);
    intake_dialect_detect(x->ds, r->fields, r->lens, r->nfields, "fuzz.csv",
                          &lay, &ignore);
    return 42;      /* only the header matters: stop */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct intake_dialects ds;
    struct ff_err e;

    if (size < 1)
        return 0;
    memset(&ds, 0, sizeof ds);
    ff_err_clear(&e);
    if (data[0] & 1) {
        intake_dialects_parse(&ds, "fuzz.map", (const char *)data + 1,
                              size - 1, &e);
    } else if (intake_dialects_load(&ds, NULL, &e) == FF_OK) {
        struct ctx x = {&ds};
        struct ff_csv *c = ff_csv_open_mem("fuzz.csv", (const char *)data + 1,
                                           size - 1, NULL, &e);

        if (c) {
            ff_csv_read(c, on_header, &x, &e);
            ff_csv_free(c);
        }
    }
    intake_dialects_release(&ds);
    return 0;
}
