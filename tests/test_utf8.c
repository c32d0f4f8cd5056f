/* test_utf8.c - UTF-8 decoding, validation, trimming, Thai digits; buf. */
#include "check.h"

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "utf8.h"

int main(void)
{
    uint32_t cp = 0;
    char out[64];
    const char *s;
    size_t n;
    struct ff_buf b;
    struct ff_err e;
    char msg[600];

    CHECK_INT(ff_utf8_decode("\xe0\xb8\x81", 3, &cp), 3);
    CHECK_INT(cp, 0x0E01);
    CHECK_INT(ff_utf8_decode("\xc0\x80", 2, &cp), 0);       /* overlong */
    CHECK_INT(ff_utf8_decode("\xed\xa0\x80", 3, &cp), 0);   /* surrogate */
    CHECK_INT(ff_utf8_decode("\xe0\xb8", 2, &cp), 0);       /* truncated */
    CHECK_INT(ff_utf8_invalid_at("ab\xa1" "c", 4), 2);       /* TIS-620 byte */
    CHECK_INT(ff_utf8_invalid_at("ก", 3), 3);
    CHECK_INT(ff_utf8_count_cps("ที่", strlen("ที่")), 3);
    CHECK_INT(ff_utf8_encode(0x0E48, out), 3);
    CHECK(memcmp(out, "\xe0\xb9\x88", 3) == 0);

    n = ff_utf8_thai_digits_to_ascii("๓๘,๐๐๐ บาท", strlen("๓๘,๐๐๐ บาท"), out);
    CHECK_STR(out, "38,000 บาท");
    CHECK_INT(n, strlen("38,000 บาท"));

    s = " \xc2\xa0 ก ข \t";
    n = ff_utf8_trim(&s, strlen(s));
    CHECK_INT(n, strlen("ก ข"));
    CHECK(memcmp(s, "ก ข", n) == 0);

    ff_buf_init(&b);
    CHECK_STR(b.data, "");
    CHECK_INT(ff_buf_addf(&b, "%d-%s", 42, "x"), 0);
    CHECK_INT(ff_buf_adds(&b, "ก"), 0);
    CHECK_STR(b.data, "42-xก");
    ff_buf_release(&b);

    /* The fault-injection countdown makes the n-th allocation fail. */
    ff_alloc_fail_after(2);
    {
        void *p1 = ff_malloc(8), *p2 = ff_malloc(8);
        CHECK(p1 != NULL);
        CHECK(p2 == NULL);
        ff_free(p1);
    }
    ff_alloc_fail_after(0);

    ff_err_clear(&e);
    CHECK_INT(ff_err_set(&e, FF_EINPUT, "r.csv", 3, 2, "bad '%s'", "x"),
              FF_EINPUT);
    ff_err_set(&e, FF_ESYS, "other", 0, 0, "second");   /* first one wins */
    CHECK_STR(ff_err_str(&e, msg, sizeof msg), "r.csv:3:2: bad 'x'");
    CHECK_INT(ff_err_exit_code(FF_ESYS), 3);
    return check_done("test_utf8");
}
