/*
 * test_err.c - struct ff_err formatting and the quoting of values in
 * messages: control characters, C1, bidi overrides and bytes that are not
 * UTF-8 never reach the terminal raw, and quoted values are capped.
 */
#include "check.h"

#include "err.h"
#include "utf8.h"

/* 1 when s holds a byte or code point a terminal would act on. */
static int has_raw_control(const char *s)
{
    size_t n = strlen(s), i = 0;

    while (i < n) {
        uint32_t c = 0;
        size_t k = ff_utf8_decode(s + i, n - i, &c);

        if (k == 0)
            return 1;
        if ((c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7F && c <= 0x9F) ||
            (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
            return 1;
        i += k;
    }
    return 0;
}

static void quoting(void)
{
    char q[FF_ERR_QUOTE_MAX], small[8];
    const char *attack = "\x1b]0;owned\a\x1b[2J";
    const char *bidi = "\xe2\x80\xae" "cod.exe\xe2\x81\xa6";
    char long_thai[400] = "";
    size_t n, i;

    /* Thai and printable ASCII pass unchanged. */
    n = ff_err_quote(q, sizeof q, "นายสมหมาย 1", strlen("นายสมหมาย 1"));
    CHECK_STR(q, "นายสมหมาย 1");
    CHECK_INT(n, strlen("นายสมหมาย 1"));

    ff_err_quote(q, sizeof q, attack, strlen(attack));
    CHECK_STR(q, "\\x1b]0;owned\\x07\\x1b[2J");
    ff_err_quote(q, sizeof q, bidi, strlen(bidi));
    CHECK_STR(q, "\\u202ecod.exe\\u2066");
    ff_err_quote(q, sizeof q, "a\nb\r\tc\x7f", 7);
    CHECK_STR(q, "a\\nb\\r\\tc\\x7f");
    /* C1 as UTF-8 (U+009B, CSI), and a Windows-874 byte that is not UTF-8. */
    ff_err_quote(q, sizeof q, "\xc2\x9b" "2J \xa1", 6);
    CHECK_STR(q, "\\u009b2J \\xa1");
    /* An embedded NUL is a value byte like any other. */
    ff_err_quote(q, sizeof q, "a\0b", 3);
    CHECK_STR(q, "a\\x00b");
    ff_err_quote(q, sizeof q, NULL, 0);
    CHECK_STR(q, "");

    /* Capped at FF_ERR_QUOTE_CPS code points, never inside a character. */
    for (i = 0; i < 100; i++)
        memcpy(long_thai + 3 * i, "ก", 3);
    long_thai[300] = '\0';
    ff_err_quote(q, sizeof q, long_thai, 300);
    CHECK_INT(ff_utf8_count_cps(q, strlen(q)), FF_ERR_QUOTE_CPS + 1);
    CHECK(strcmp(q + strlen(q) - 3, "…") == 0);
    CHECK_INT(ff_utf8_invalid_at(q, strlen(q)), strlen(q));
    /* Exactly FF_ERR_QUOTE_CPS: no ellipsis. */
    ff_err_quote(q, sizeof q, long_thai, 3 * FF_ERR_QUOTE_CPS);
    CHECK_INT(strlen(q), 3 * FF_ERR_QUOTE_CPS);
    /* The worst case fits FF_ERR_QUOTE_MAX. */
    {
        char ctl[200];

        memset(ctl, '\x1b', sizeof ctl);
        n = ff_err_quote(q, sizeof q, ctl, sizeof ctl);
        CHECK_INT(n, 4 * FF_ERR_QUOTE_CPS + 3);
    }
    /* A small buffer cuts before an escape, never inside one. */
    n = ff_err_quote(small, sizeof small, "ab\x1b" "cd", 5);
    CHECK_STR(small, "ab\\x1bc");
    n = ff_err_quote(small, sizeof small, "abcก", 6);
    CHECK_STR(small, "abcก");
    n = ff_err_quote(small, 6, "abcก", 6);
    CHECK_STR(small, "abc");
    /* ff_err_escape: no cap. */
    {
        char big[400];

        n = ff_err_escape(big, sizeof big, long_thai, 300);
        CHECK_INT(n, 300);
        n = ff_err_escape(big, 10, long_thai, 300);
        CHECK_INT(n, 9);
    }
}

static void formatting(void)
{
    struct ff_err e;
    char msg[700];

    ff_err_clear(&e);
    ff_err_set(&e, FF_EINPUT, "r.csv", 3, 2, "bad '%s'", "x\x1b[2J");
    CHECK_STR(ff_err_str(&e, msg, sizeof msg), "r.csv:3:2: bad 'x\\x1b[2J'");
    /* A file name is escaped too (a shell glob passes any name). */
    ff_err_clear(&e);
    ff_err_set(&e, FF_EINPUT, "a\x1b]0;x\a\xe2\x80\xae.csv", 1, 0, "empty");
    CHECK_STR(ff_err_str(&e, msg, sizeof msg),
              "a\\x1b]0;x\\x07\\u202e.csv:1: empty");
    CHECK(!has_raw_control(msg));
    /* A newline that does not start an indented line cannot fake a line. */
    ff_err_clear(&e);
    ff_err_set(&e, FF_EINPUT, "f", 0, 0, "x\nffgen: all good");
    CHECK_STR(ff_err_str(&e, msg, sizeof msg), "f: x\\nffgen: all good");
    /* A template error's context lines and caret are kept. */
    ff_err_clear(&e);
    ff_err_set(&e, FF_EINPUT, "t.tpl", 2, 3, "bad\n    box\tx\n      ^");
    CHECK_STR(ff_err_str(&e, msg, sizeof msg),
              "t.tpl:2:3: bad\n    box\tx\n      ^");
    /* A small output buffer is cut, never overrun. */
    ff_err_clear(&e);
    ff_err_set(&e, FF_EINPUT, "abc.csv", 12, 3, "\x1b\x1b\x1b");
    CHECK_STR(ff_err_str(&e, msg, 16), "abc.csv:12:3: ");
    CHECK_STR(ff_err_str(&e, msg, 20), "abc.csv:12:3: \\x1b");
    CHECK_STR(ff_err_str(&e, msg, 5), "abc.");
}

int main(void)
{
    quoting();
    formatting();
    return check_done("test_err");
}
