/*
 * fuzz_time.c - intake's timestamp and month parsers (rules.h).  The first
 * byte picks the parser and the zone.  Checks what the rules rely on: a
 * parsed month is exactly "YYYY-MM" with a month 01..12, and a parsed time
 * formats back to a Bangkok date of the same shape.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data + 1;
    char month[8], when[32];
    long long utc;

    if (size < 1)
        return 0;
    if (data[0] & 1) {
        memset(month, 'x', sizeof month);
        if (intake_parse_month(s, size - 1, month) == 0) {
            if (strlen(month) != 7 || month[4] != '-' ||
                strcmp(month + 5, "01") < 0 || strcmp(month + 5, "12") > 0)
                abort();
            (void)intake_deadline_utc(month);
        }
    } else if (intake_parse_time(s, size - 1,
                                 data[0] & 2 ? INTAKE_ZONE_BANGKOK
                                             : INTAKE_ZONE_UTC,
                                 &utc) == 0) {
        intake_format_bangkok(utc, when);
        if (strlen(when) != 19 || when[4] != '-' || when[10] != ' ')
            abort();
    }
    return 0;
}
