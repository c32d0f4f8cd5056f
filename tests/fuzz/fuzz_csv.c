/* fuzz_csv.c - the CSV record reader: encodings, delimiters, quoting. */
#include <stdint.h>

#include "csv.h"
#include "fuzz_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ff_err e;
    struct ff_csv *c;
    size_t total = 0;

    ff_err_clear(&e);
    c = ff_csv_open_mem("fuzz.csv", (const char *)data, size, NULL, &e);
    if (c) {
        ff_csv_read(c, fuzz_touch_record, &total, &e);
        ff_csv_free(c);
    }
    return 0;
}
