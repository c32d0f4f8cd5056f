/*
 * fuzz_redact.c - masking of personal numbers in free text (redact.h).
 * Checks the promise export --redact makes: no run of 9 or more ASCII
 * digits survives, valid UTF-8 stays valid, and text without digits is
 * copied unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "redact.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct ff_buf b;
    size_t i, run = 0, digits = 0;

    ff_buf_init(&b);
    if (intake_redact(s, size, &b) == 0) {
        for (i = 0; i < b.len; i++) {
            run = b.data[i] >= '0' && b.data[i] <= '9' ? run + 1 : 0;
            if (run >= 9)
                abort();
        }
        if (ff_utf8_invalid_at(s, size) == size &&
            ff_utf8_invalid_at(b.data, b.len) != b.len)
            abort();
        for (i = 0; i < size; i++)
            digits += (s[i] >= '0' && s[i] <= '9') ||
                      (i + 2 < size && (unsigned char)s[i] == 0xE0 &&
                       (unsigned char)s[i + 1] == 0xB9 &&
                       (unsigned char)s[i + 2] >= 0x90 &&
                       (unsigned char)s[i + 2] <= 0x99);
        if (digits == 0 && (b.len != size || memcmp(b.data, s, size) != 0))
            abort();
    }
    ff_buf_release(&b);
    return 0;
}
