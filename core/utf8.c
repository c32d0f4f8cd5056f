/*
 * utf8.c - strict UTF-8 per RFC 3629: rejects overlong forms, surrogates
 * and code points above U+10FFFF, because a register or report that carries
 * them was damaged somewhere and must be reported, not guessed at.
 */
#include "utf8.h"

#include <string.h>

size_t ff_utf8_decode(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    uint32_t c;
    size_t len, i;

    if (n == 0)
        return 0;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    } else if ((s[0] & 0xE0) == 0xC0) {
        len = 2;
        c = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3;
        c = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4;
        c = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
        (len == 4 && c < 0x10000) || c > 0x10FFFF ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

size_t ff_utf8_encode(uint32_t c, char *out)
{
    unsigned char *o = (unsigned char *)out;

    if (c < 0x80) {
        o[0] = (unsigned char)c;
        return 1;
    } else if (c < 0x800) {
        o[0] = (unsigned char)(0xC0 | (c >> 6));
        o[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    } else if (c < 0x10000) {
        if (c >= 0xD800 && c <= 0xDFFF)
            return 0;
        o[0] = (unsigned char)(0xE0 | (c >> 12));
        o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    } else if (c <= 0x10FFFF) {
        o[0] = (unsigned char)(0xF0 | (c >> 18));
        o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
        o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        o[3] = (unsigned char)(0x80 | (c & 0x3F));
        return 4;
    }
    return 0;
}

size_t ff_utf8_invalid_at(const char *s, size_t n)
{
    size_t i = 0, k;
    uint32_t cp;

    while (i < n) {
        const unsigned char *u = (const unsigned char *)s + i;

        if (u[0] < 0x80) {
            i++;
            continue;
        }
        /* Thai (U+0E00..U+0E7F, E0 B8/B9 xx) is most of what we check,
         * and always well formed when its last byte is a continuation. */
        if (u[0] == 0xE0 && n - i >= 3 && (u[1] == 0xB8 || u[1] == 0xB9) &&
            (u[2] & 0xC0) == 0x80) {
            i += 3;
            continue;
        }
        k = ff_utf8_decode(s + i, n - i, &cp);
        if (k == 0)
            return i;
        i += k;
    }
    return n;
}

size_t ff_utf8_count_cps(const char *s, size_t n)
{
    size_t i, count = 0;

    for (i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            count++;
    return count;
}

size_t ff_utf8_thai_digits_to_ascii(const char *s, size_t n, char *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, o = 0;

    /* Thai digits are E0 B9 90..99 (U+0E50..U+0E59). */
    while (i < n) {
        if (i + 2 < n && u[i] == 0xE0 && u[i + 1] == 0xB9 &&
            u[i + 2] >= 0x90 && u[i + 2] <= 0x99) {
            out[o++] = (char)('0' + (u[i + 2] - 0x90));
            i += 3;
        } else {
            out[o++] = s[i++];
        }
    }
    out[o] = '\0';
    return o;
}

static size_t space_at(const unsigned char *s, size_t n)
{
    if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' ||
                   s[0] == '\n' || s[0] == '\v' || s[0] == '\f'))
        return 1;
    if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
        return 2;
    if (n >= 3 && s[0] == 0xE2 && s[1] == 0x80 && s[2] == 0x8B)
        return 3;
    return 0;
}

static size_t space_before(const unsigned char *s, size_t n)
{
    if (n >= 1 && space_at(s + n - 1, 1))
        return 1;
    if (n >= 2 && space_at(s + n - 2, 2) == 2)
        return 2;
    if (n >= 3 && space_at(s + n - 3, 3) == 3)
        return 3;
    return 0;
}

size_t ff_utf8_trim(const char **str, size_t n)
{
    const unsigned char *s = (const unsigned char *)*str;
    size_t k;

    while ((k = space_at(s, n)) != 0) {
        s += k;
        n -= k;
    }
    while ((k = space_before(s, n)) != 0)
        n -= k;
    *str = (const char *)s;
    return n;
}

char *ff_utf8_clip(char *s)
{
    size_t n = strlen(s), i = n;

    /* Back over continuation bytes to the last lead byte; drop it and what
     * follows when the sequence it starts is incomplete. */
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i > 0 && (unsigned char)s[i - 1] >= 0xC0) {
        uint32_t cp;

        if (ff_utf8_decode(s + i - 1, n - i + 1, &cp) == 0)
            s[i - 1] = '\0';
    }
    return s;
}
