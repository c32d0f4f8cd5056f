/*
 * fuzz_dialectmap.c - the intake-dialects.map parser (dialect.h), all of
 * the input (fuzz_dialect gives it only odd-first-byte inputs), then the
 * dialects it defines matched against the header of a KoboToolbox export.
 */
#include <stdint.h>
#include <string.h>

#include "dialect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kobo[] = {"start", "end", "hhid", "month", "activity",
                       "t_category", "result", "income_after",
                       "status_after", "reporter", "_id", "_uuid",
                       "_submission_time"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct intake_dialects ds;
    struct intake_layout lay;
    char names[sizeof kobo / sizeof kobo[0]][24];
    char *fields[sizeof kobo / sizeof kobo[0]];
    size_t lens[sizeof kobo / sizeof kobo[0]], i;
    struct ff_err e;

    memset(&ds, 0, sizeof ds);
    ff_err_clear(&e);
    if (intake_dialects_parse(&ds, "fuzz.map", (const char *)data, size,
                              &e) == FF_OK) {
        /* The reader hands out writable fields; so does this. */
        for (i = 0; i < sizeof kobo / sizeof kobo[0]; i++) {
            lens[i] = strlen(kobo[i]);
            memcpy(names[i], kobo[i], lens[i] + 1);
            fields[i] = names[i];
        }
        ff_err_clear(&e);
        intake_dialect_detect(&ds, fields, lens, i, "fuzz.csv", &lay, &e);
    }
    intake_dialects_release(&ds);
    return 0;
}
