/*
 * err.c - filling and formatting struct ff_err.
 *
 * Nothing here allocates, so errors can be reported after an allocation
 * failure.  Messages longer than the fixed buffers are cut, never overflow.
 *
 * Messages quote what users typed and what files hold, and they end up on a
 * terminal.  An ESC in a cell ("\e]0;...\a\e[2J" retitles and clears an
 * xterm), a C1 control (U+009B is CSI on some terminals) or a bidi override
 * (U+202E turns "24010105963.csv" around on screen) must reach the user as
 * something they can read, so both the quoting helper and ff_err_str()
 * escape them; the quoting helper also caps the length, since a value of
 * 40,000 characters helps nobody.
 */
#include "err.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

void ff_err_clear(struct ff_err *e)
{
    e->code = FF_OK;
    e->file[0] = '\0';
    e->row = 0;
    e->col = 0;
    e->msg[0] = '\0';
}

int ff_err_vset(struct ff_err *e, int code, const char *file, long row,
                long col, const char *fmt, va_list ap)
{
    if (e == NULL || e->code != FF_OK)
        return code;
    e->code = code;
    snprintf(e->file, sizeof e->file, "%s", file ? file : "");
    e->row = row;
    e->col = col;
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    return code;
}

int ff_err_set(struct ff_err *e, int code, const char *file, long row,
               long col, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ff_err_vset(e, code, file, row, col, fmt, ap);
    va_end(ap);
    return code;
}

int ff_err_sys(struct ff_err *e, const char *file, const char *fmt, ...)
{
    int saved = errno;
    char head[384];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    return ff_err_set(e, FF_ESYS, file, 0, 0, "%s: %s", head,
                      strerror(saved));
}

enum {
    KEEP_LAYOUT = 1     /* keep tabs and "\n    " continuation lines */
};

/* 1 when code point c must not reach a terminal as it is. */
static int unsafe_cp(uint32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
           c == 0x2028 || c == 0x2029;
}

/*
 * The escaper behind ff_err_quote, ff_err_escape and ff_err_str: copies
 * s[0..n) into out[0..size) a unit at a time (a character or its escape),
 * stopping before the unit that would not fit, or after max_cps code points
 * (0: no cap) with "…" when anything is left.  Returns the length written.
 */
static size_t escape(char *out, size_t size, const char *s, size_t n,
                     size_t max_cps, int flags)
{
    static const char ellipsis[] = "\xE2\x80\xA6";    /* U+2026 */
    size_t i = 0, len = 0, cps = 0;

    if (size == 0)
        return 0;
    while (i < n) {
        char unit[16];
        size_t k, ulen;
        uint32_t c = 0;

        if (max_cps && cps == max_cps) {
            if (len + sizeof ellipsis <= size) {
                memcpy(out + len, ellipsis, sizeof ellipsis - 1);
                len += sizeof ellipsis - 1;
            }
            break;
        }
        k = ff_utf8_decode(s + i, n - i, &c);
        if (k == 0) {
            /* Not UTF-8: show the byte, so a damaged file stays visible. */
            ulen = (size_t)snprintf(unit, sizeof unit, "\\x%02x",
                                    (unsigned char)s[i]);
            k = 1;
        } else if ((flags & KEEP_LAYOUT) &&
                   (c == '\t' || (c == '\n' && n - i > 4 &&
                                  memcmp(s + i + 1, "    ", 4) == 0))) {
            unit[0] = (char)c;
            ulen = 1;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            unit[0] = '\\';
            unit[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
            ulen = 2;
        } else if (c < 0x80 && unsafe_cp(c)) {
            ulen = (size_t)snprintf(unit, sizeof unit, "\\x%02x", (unsigned)c);
        } else if (unsafe_cp(c)) {
            ulen = (size_t)snprintf(unit, sizeof unit, "\\u%04x", (unsigned)c);
        } else {
            memcpy(unit, s + i, k);
            ulen = k;
        }
        if (len + ulen >= size)
            break;
        memcpy(out + len, unit, ulen);
        len += ulen;
        i += k;
        cps++;
    }
    out[len] = '\0';
    return len;
}

size_t ff_err_quote(char *out, size_t size, const char *value, size_t n)
{
    return escape(out, size, value, value ? n : 0, FF_ERR_QUOTE_CPS, 0);
}

size_t ff_err_escape(char *out, size_t size, const char *s, size_t n)
{
    return escape(out, size, s, s ? n : 0, 0, 0);
}

const char *ff_err_str(const struct ff_err *e, char *buf, unsigned long size)
{
    char file[sizeof e->file * 4];
    size_t len;
    int k = 0;

    if (size == 0)
        return buf;
    escape(file, sizeof file, e->file, strlen(e->file), 0, 0);
    if (e->file[0] && e->row > 0 && e->col > 0)
        k = snprintf(buf, size, "%s:%ld:%ld: ", file, e->row, e->col);
    else if (e->file[0] && e->row > 0)
        k = snprintf(buf, size, "%s:%ld: ", file, e->row);
    else if (e->file[0])
        k = snprintf(buf, size, "%s: ", file);
    else
        buf[0] = '\0';
    len = k < 0 ? 0 : (size_t)k < size ? (size_t)k : strlen(buf);
    escape(buf + len, size - len, e->msg, strlen(e->msg), 0, KEEP_LAYOUT);
    return buf;
}

int ff_err_exit_code(int code)
{
    switch (code) {
    case FF_OK:
        return 0;
    case FF_EINPUT:
        return 1;
    case FF_EUSAGE:
        return 2;
    default:
        return 3;
    }
}
