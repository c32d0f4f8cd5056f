/*
 * housecode.c - parsing, checking and grouping the 11-digit house code.
 *
 * The DOPA check-digit rule comes from one open-source implementation
 * (NECTEC) and is not confirmed on a real register, so callers treat a
 * failure as a warning, never as a reason to drop a household.
 */
#include "housecode.h"

#include <stdio.h>
#include <string.h>

#include "utf8.h"

int ff_housecode_parse(const char *s, size_t n, char out[12],
                       size_t *ndigits)
{
    char buf[64];
    size_t len, i, k = 0;
    int sep_ok = 0, bad = 0, excel = 0;

    out[0] = '\0';
    if (ndigits)
        *ndigits = 0;
    if (n == 0)
        return FF_HOUSECODE_EMPTY;
    if (n >= sizeof buf)
        return FF_HOUSECODE_BAD;
    len = ff_utf8_thai_digits_to_ascii(s, n, buf);
    for (i = 0; i < len; i++) {
        char c = buf[i];

        if (c >= '0' && c <= '9') {
            if (k < 11)
                out[k] = c;
            k++;
            sep_ok = 1;
        } else if ((c == '-' || c == ' ') && sep_ok && i + 1 < len) {
            /* A separator only between digits, never two in a row. */
            sep_ok = 0;
        } else if (c == '.' || c == 'E' || c == 'e' || c == '+') {
            excel = 1;
        } else {
            bad = 1;
        }
    }
    if (ndigits)
        *ndigits = k;
    if (bad || (!excel && !sep_ok)) {
        out[0] = '\0';
        return FF_HOUSECODE_BAD;
    }
    if (excel) {
        out[0] = '\0';
        return memchr(buf, 'E', len) || memchr(buf, 'e', len)
                   ? FF_HOUSECODE_EXCEL : FF_HOUSECODE_BAD;
    }
    if (k != 11) {
        out[0] = '\0';
        return FF_HOUSECODE_DIGITS;
    }
    out[11] = '\0';
    return FF_HOUSECODE_OK;
}

int ff_housecode_dopa_ok(const char *code)
{
    int sum = 0, i;

    if (code == NULL || strlen(code) != 11 ||
        strspn(code, "0123456789") != 11)
        return 0;
    for (i = 0; i < 10; i++)
        sum += (11 - i) * (code[i] - '0');
    return (11 - sum % 11) % 10 == code[10] - '0';
}

int ff_housecode_is_dopa(const char *code)
{
    return code != NULL && code[0] >= '1' && code[0] <= '9';
}

const char *ff_housecode_group(const char *code, char *out, size_t size)
{
    if (strlen(code) >= 11 && strspn(code, "0123456789") >= 11)
        snprintf(out, size, "%.4s-%.6s-%.1s%s", code, code + 4, code + 10,
                 code + 11);
    else
        snprintf(out, size, "%s", code);
    return out;
}
