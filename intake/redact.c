/*
 * redact.c - masking phone numbers and citizen IDs in free text.  A digit
 * run may contain single separators between digits, so "081-234-5678",
 * "08 1234 5678" and "3-2407-31582-38-4" are each one run; "38,000" is not
 * (',' ends a run) and stays.
 */
#include "redact.h"

#include <string.h>

#define MIN_DIGITS 9

/* Bytes of a digit at s (1 ASCII, 3 Thai), or 0. */
static size_t digit_at(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;

    if (n >= 1 && u[0] >= '0' && u[0] <= '9')
        return 1;
    if (n >= 3 && u[0] == 0xE0 && u[1] == 0xB9 && u[2] >= 0x90 &&
        u[2] <= 0x99)
        return 3;
    return 0;
}

int intake_redact(const char *s, size_t n, struct ff_buf *out)
{
    size_t i = 0;

    while (i < n) {
        size_t k = digit_at(s + i, n - i), j, end, digits = 0;

        if (k == 0) {
            if (ff_buf_addc(out, s[i]))
                return -1;
            i++;
            continue;
        }
        /* Extend the run over digits and single separators between them. */
        j = i;
        end = i;
        while (j < n) {
            size_t d = digit_at(s + j, n - j);

            if (d) {
                digits++;
                j += d;
                end = j;
            } else if ((s[j] == '-' || s[j] == ' ' || s[j] == '.') &&
                       digit_at(s + j + 1, n - j - 1)) {
                j++;
            } else {
                break;
            }
        }
        if (digits >= MIN_DIGITS) {
            if (ff_buf_adds(out, "[ลบ]"))
                return -1;
        } else if (ff_buf_add(out, s + i, end - i)) {
            return -1;
        }
        i = end;
    }
    return 0;
}
