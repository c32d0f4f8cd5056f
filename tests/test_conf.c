/* test_conf.c - configuration lines: any length, BOM, CRLF, comments,
 * columns in code points, the caret under the character. */
#include "check.h"

#include "conf.h"

int main(void)
{
    struct ff_conf c;
    struct ff_conf_line l;
    struct ff_err e;
    static char big[5000];
    static const char text[] = "\xEF\xBB\xBF# comment\r\n"
                               "  # indented comment\n"
                               "\n"
                               "key = ค่า#ไม่ใช่ # but this is\r\n"
                               "last";
    int n = 0;

    ff_err_clear(&e);
    ff_conf_init_mem(&c, "t.conf", text, sizeof text - 1);
    while (ff_conf_next(&c, &l, &e) > 0) {
        n++;
        if (n <= 3)
            CHECK(ff_conf_is_comment(&l));
        if (n == 1)
            CHECK_INT(l.len, 9);    /* no BOM, no CR */
        if (n == 4) {
            CHECK(!ff_conf_is_comment(&l));
            /* '#' glued to a word is text; after a blank, a comment. */
            CHECK_INT(ff_conf_strip_comment(&l),
                      strlen("key = ค่า#ไม่ใช่ "));
            /* Column of '#': 6 ASCII + 3 Thai code points, then 1. */
            CHECK_INT(ff_conf_col(&l, strstr(l.text, "#")), 10);
            ff_conf_err(&e, &l, strstr(l.text, "#"), "bad '%s'", "x");
            /* Caret padded by display width: ่ takes no column. */
            CHECK_STR(e.msg, "bad 'x'\n    key = ค่า#ไม่ใช่ # but this is\n"
                             "            ^");
            CHECK_INT(e.row, 4);
            CHECK_INT(e.col, 10);
        }
        if (n == 5)
            CHECK(l.len == 4 && memcmp(l.text, "last", 4) == 0);
    }
    CHECK_INT(n, 5);
    ff_conf_release(&c);

    /* A 5,000-byte line is one line; the next is line 2. */
    memset(big, 'a', sizeof big - 2);
    big[sizeof big - 2] = '\n';
    big[sizeof big - 1] = 'b';
    ff_conf_init_mem(&c, "big.conf", big, sizeof big);
    CHECK_INT(ff_conf_next(&c, &l, &e), 1);
    CHECK_INT(l.len, sizeof big - 2);
    CHECK_INT(ff_conf_next(&c, &l, &e), 1);
    CHECK_INT(l.no, 2);
    CHECK_INT(ff_conf_next(&c, &l, &e), 0);
    ff_conf_release(&c);

    /* Invalid UTF-8 is reported at its line and column. */
    ff_err_clear(&e);
    ff_conf_init_mem(&c, "bad.conf", "ok\nab\xFF\n", 7);
    CHECK_INT(ff_conf_next(&c, &l, &e), 1);
    CHECK_INT(ff_conf_next(&c, &l, &e), -1);
    CHECK_INT(e.row, 2);
    CHECK_INT(e.col, 3);
    CHECK(strstr(e.msg, "\xFF") == NULL);  /* the broken byte not echoed */
    ff_conf_release(&c);

    /* Controls, C1 and bidi overrides in an echoed line show as '?', and
     * the caret still stands under the character at fault. */
    {
        static const char ctl[] = "a\x1B[2Jb\xC2\x85" "c\xE2\x80\xAE"
                                  "ค่า=x\x7F!";

        ff_err_clear(&e);
        ff_conf_init_mem(&c, "ctl.conf", ctl, sizeof ctl - 1);
        CHECK_INT(ff_conf_next(&c, &l, &e), 1);
        ff_conf_err(&e, &l, strchr(l.text, '='), "bad");
        CHECK_STR(e.msg, "bad\n    a?[2Jb?c?ค่า=x?!\n"
                         "               ^");
        ff_conf_release(&c);
    }
    return check_done("test_conf");
}
