/* fuzz_payload.c - parsing the household field of a report: code, check
 * character and tag, with and without a province key. */
#include <stdint.h>
#include <string.h>

#include "hhid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ff_hhid_parsed r;
    char code[12];
    int rc;

    rc = ff_payload_parse(NULL, (const char *)data, size, code);
    ff_payload_parse_ex(NULL, (const char *)data, size, &r);
    /* A code accepted must be 11 digits and survive a round trip. */
    if (rc == FF_HHID_OK && !ff_hhid_is_code(code, strlen(code)))
        __builtin_trap();
    return 0;
}
