/*
 * conf.c - configuration lines (see conf.h).
 */
#include "conf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

int ff_conf_load(struct ff_conf *c, const char *path, const char *what,
                 struct ff_err *e)
{
    FILE *fp;
    char chunk[8192];
    size_t k;
    int rc = FF_OK;

    memset(c, 0, sizeof *c);
    ff_buf_init(&c->owned);
    c->name = path;
    fp = fopen(path, "rb");
    if (fp == NULL)
        return ff_err_sys(e, path, "cannot open %s", what);
    while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (c->owned.len + k > FF_CONF_MAX_BYTES) {
            rc = ff_err_set(e, FF_EINPUT, path, 0, 0, "%s is larger than "
                            "%lu MiB; is it the right file?", what,
                            FF_CONF_MAX_BYTES >> 20);
            goto out;
        }
        if (ff_buf_add(&c->owned, chunk, k)) {
            rc = ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
            goto out;
        }
    }
    if (ferror(fp))
        rc = ff_err_sys(e, path, "cannot read %s", what);
out:
    fclose(fp);
    if (rc == FF_OK) {
        c->data = c->owned.data ? c->owned.data : "";
        c->len = c->owned.len;
        if (c->len >= 3 && memcmp(c->data, "\xEF\xBB\xBF", 3) == 0)
            c->pos = 3;
    }
    return rc;
}

void ff_conf_init_mem(struct ff_conf *c, const char *name, const char *data,
                      size_t n)
{
    memset(c, 0, sizeof *c);
    ff_buf_init(&c->owned);
    c->name = name;
    c->data = data ? data : "";
    c->len = data ? n : 0;
    /* Notepad writes a byte-order mark; it is not part of the first line. */
    if (c->len >= 3 && memcmp(c->data, "\xEF\xBB\xBF", 3) == 0)
        c->pos = 3;
}

void ff_conf_release(struct ff_conf *c)
{
    ff_buf_release(&c->owned);
}

int ff_conf_next(struct ff_conf *c, struct ff_conf_line *l, struct ff_err *e)
{
    const char *p = c->data + c->pos, *nl, *nul;
    size_t len, bad;

    if (c->pos >= c->len)
        return 0;
    nl = memchr(p, '\n', c->len - c->pos);
    len = nl ? (size_t)(nl - p) : c->len - c->pos;
    c->pos += len + (nl != NULL);
    c->no++;
    if (len && p[len - 1] == '\r')
        len--;
    l->name = c->name;
    l->no = c->no;
    l->text = p;
    l->len = len;
    if ((nul = memchr(p, '\0', len)) != NULL) {
        ff_conf_err(e, l, nul, "NUL byte; is this a text file?");
        return -1;
    }
    if ((bad = ff_utf8_invalid_at(p, len)) != len) {
        ff_conf_err(e, l, p + bad, "invalid UTF-8; save the file as UTF-8");
        return -1;
    }
    return 1;
}

int ff_conf_is_comment(const struct ff_conf_line *l)
{
    size_t i = 0;

    while (i < l->len && (l->text[i] == ' ' || l->text[i] == '\t'))
        i++;
    return i == l->len || l->text[i] == '#';
}

size_t ff_conf_strip_comment(const struct ff_conf_line *l)
{
    size_t i;

    for (i = 0; i < l->len; i++)
        if (l->text[i] == '#' &&
            (i == 0 || l->text[i - 1] == ' ' || l->text[i - 1] == '\t'))
            return i;
    return l->len;
}

long ff_conf_col(const struct ff_conf_line *l, const char *at)
{
    size_t off = at > l->text ? (size_t)(at - l->text) : 0;

    if (off > l->len)
        off = l->len;
    return (long)ff_utf8_count_cps(l->text, off) + 1;
}

/*
 * Display width of text[0..n): Thai above and below marks (U+0E31,
 * U+0E34..U+0E3A, U+0E47..U+0E4E) take no column of their own; a tab is
 * shown as one space in the echoed line.
 */
static int display_width(const char *s, size_t n)
{
    size_t i = 0, k;
    uint32_t cp;
    int w = 0;

    while (i < n) {
        k = ff_utf8_decode(s + i, n - i, &cp);
        if (k == 0)
            k = 1, cp = '?';
        i += k;
        if (cp == 0x0E31 || (cp >= 0x0E34 && cp <= 0x0E3A) ||
            (cp >= 0x0E47 && cp <= 0x0E4E))
            continue;
        w++;
    }
    return w;
}

/* A character a message may echo (conf lines are not personal data, but a
 * message must not carry terminal controls or bidi overrides). */
static int shown_as_is(uint32_t c)
{
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xFFFD)
        return 0;
    if (c == 0x061C || (c >= 0x200B && c <= 0x200F) ||
        (c >= 0x2028 && c <= 0x202E) || (c >= 0x2060 && c <= 0x2069) ||
        c == 0xFEFF)
        return 0;
    return 1;
}

int ff_conf_err(struct ff_err *e, const struct ff_conf_line *l,
                const char *at, const char *fmt, ...)
{
    char head[300], shown[160];
    size_t n = l->len, i, m = 0, at_shown = (size_t)-1;
    long col = at ? ff_conf_col(l, at) : 0;
    int pad = 0;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    /* Echo at most the line's first 150 bytes, cut at a character. */
    if (n > sizeof shown - 10) {
        n = sizeof shown - 10;
        while (n > 0 && ((unsigned char)l->text[n] & 0xC0) == 0x80)
            n--;
    }
    /* What could move the cursor or reorder the terminal's line (controls,
     * C1, bidi and invisible format characters, broken UTF-8) shows as
     * '?', a tab as a space; the caret then points into what is shown. */
    for (i = 0; i < n;) {
        uint32_t cp;
        size_t k = ff_utf8_decode(l->text + i, n - i, &cp);

        if (at == l->text + i)
            at_shown = m;
        if (k == 0)
            k = 1, cp = 0xFFFD;
        if (cp == '\t')
            shown[m++] = ' ';
        else if (!shown_as_is(cp))
            shown[m++] = '?';
        else {
            memcpy(shown + m, l->text + i, k);
            m += k;
        }
        i += k;
    }
    if (at == l->text + n)
        at_shown = m;
    shown[m] = '\0';
    if (at && at_shown != (size_t)-1) {
        pad = display_width(shown, at_shown);
        return ff_err_set(e, FF_EINPUT, l->name, l->no, col,
                          "%s\n    %s\n    %*s^", head, shown, pad, "");
    }
    return ff_err_set(e, FF_EINPUT, l->name, l->no, col, "%s\n    %s%s",
                      head, shown, n < l->len ? "..." : "");
}
