/*
 * test_serve.c - the server's pure parts: JSON bodies into columns
 * (hooks.c), HTML escaping and the reporting months (web.c), secrets
 * (core/hmac.c's server half).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "hmac.h"
#include "hooks.h"
#include "rules.h"
#include "web.h"

static long long utc(int y, int m, int d, int hh, int mm, int ss)
{
    return intake_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

static void months(void)
{
    char cur[8], prev[8];

    /* 20 January 23:59 in Bangkok is still January's month... */
    intake_web_months(utc(2025, 1, 20, 16, 59, 0), cur, prev);
    CHECK_STR(cur, "2025-01");
    CHECK_STR(prev, "2024-12");
    /* ...one minute later the next deadline is February's. */
    intake_web_months(utc(2025, 1, 20, 17, 0, 0), cur, prev);
    CHECK_STR(cur, "2025-02");
    CHECK_STR(prev, "2025-01");
    /* After 20 December: January of the next year. */
    intake_web_months(utc(2025, 12, 25, 3, 0, 0), cur, prev);
    CHECK_STR(cur, "2026-01");
    CHECK_STR(prev, "2025-12");
    {
        char t[64];

        CHECK_STR(intake_web_month_thai("2025-01", t, sizeof t),
                  "มกราคม 2568");
    }
}

static void escaping(void)
{
    struct ff_buf b;
    const char *in = "<script>alert('x')</script> & \"q\" ทดสอบ";

    ff_buf_init(&b);
    CHECK_INT(intake_html_escape(&b, in, strlen(in)), FF_OK);
    CHECK_STR(b.data, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "
                      "&quot;q&quot; ทดสอบ");
    ff_buf_reset(&b);
    CHECK_INT(intake_json_string(&b, "a\"b\n<"), FF_OK);
    CHECK_STR(b.data, "\"a\\\"b\\n<\"");
    ff_buf_release(&b);
}

static void kobo(void)
{
    static const char body[] =
        "{\"_id\": 12, \"report/hhid\": \"24010105963\", \"x\": 1.5, "
        "\"n\": null, \"t\": true, \"_attachments\": [], "
        "\"_validation_status\": {}, \"meta/rootUuid\": \"uuid:a\"}";
    struct intake_hook_doc d;
    struct ff_err e;

    ff_err_clear(&e);
    CHECK_INT(intake_hook_parse(body, sizeof body - 1, INTAKE_HOOK_KOBO, 0,
                                &d, &e), FF_OK);
    CHECK_INT(d.n, 1);
    CHECK_INT(d.rec[0].n, 8);
    CHECK_STR(d.rec[0].key[1], "hhid");             /* the path's last part */
    CHECK_STR(intake_hook_get(&d.rec[0], "_id"), "12");
    CHECK_STR(intake_hook_get(&d.rec[0], "x"), "1.5");
    CHECK_STR(intake_hook_get(&d.rec[0], "n"), "");
    CHECK_STR(intake_hook_get(&d.rec[0], "t"), "true");
    CHECK_STR(intake_hook_get(&d.rec[0], "_attachments"), "[]");
    CHECK_STR(intake_hook_get(&d.rec[0], "rootUuid"), "uuid:a");
    intake_hook_doc_release(&d);
    /* Not an object of fields: each refused with a reason. */
    CHECK_INT(intake_hook_parse("[{\"a\": 1}]", 10, INTAKE_HOOK_KOBO, 0, &d,
                                &e), FF_EINPUT);
    intake_hook_doc_release(&d);
    ff_err_clear(&e);
    CHECK_INT(intake_hook_parse("{\"a\": ", 6, INTAKE_HOOK_FLAT, 1, &d, &e),
              FF_EINPUT);
    CHECK(strstr(e.msg, "not valid JSON") != NULL);
    CHECK_INT(e.row, 1);
    intake_hook_doc_release(&d);
    ff_err_clear(&e);
    CHECK_INT(intake_hook_parse("[{\"a\": 1}, 2]", 13, INTAKE_HOOK_FLAT, 1,
                                &d, &e), FF_EINPUT);
    CHECK_STR(e.msg, "element 2 is not an object of fields");
    intake_hook_doc_release(&d);
    ff_err_clear(&e);
    CHECK_INT(intake_hook_parse("{\"a\": 1, \"a\": 2}", 16, INTAKE_HOOK_FLAT,
                                1, &d, &e), FF_EINPUT);
    intake_hook_doc_release(&d);
}

static void odk(void)
{
    static const char body[] =
        "{\"value\": [{\"__id\": \"uuid:o-1\", \"report\": {\"hhid\": \"1\"}, "
        "\"meta\": {\"instanceID\": \"uuid:o-1-edit\"}, \"__system\": "
        "{\"submissionDate\": \"2025-03-02T02:00:00.000Z\", \"updatedAt\": "
        "null}}], \"@odata.nextLink\": \"http://x/next\"}";
    struct intake_hook_doc d;
    struct ff_err e;

    ff_err_clear(&e);
    CHECK_INT(intake_hook_parse_page(body, sizeof body - 1, INTAKE_HOOK_ODK,
                                     "value", "@odata.nextLink", &d, &e),
              FF_OK);
    CHECK_INT(d.n, 1);
    /* KEY is the version's instanceID: an edit is a new version. */
    CHECK_STR(intake_hook_get(&d.rec[0], "KEY"), "uuid:o-1-edit");
    CHECK_STR(intake_hook_get(&d.rec[0], "hhid"), "1");
    CHECK_STR(intake_hook_get(&d.rec[0], "SubmissionDate"),
              "2025-03-02T02:00:00.000Z");
    CHECK_STR(intake_hook_get(&d.rec[0], "UpdatedAt"), "");
    CHECK_STR(d.next, "http://x/next");
    intake_hook_doc_release(&d);
    CHECK_INT(intake_hook_parse_page("{}", 2, INTAKE_HOOK_ODK, "value", NULL,
                                     &d, &e), FF_EINPUT);
    intake_hook_doc_release(&d);
}

static void secrets(void)
{
    char a[41], b[41], h[FF_SECRET_HEX + 1], pw[FF_PWHASH_MAX];
    struct ff_err e;

    ff_err_clear(&e);
    CHECK_INT(ff_secret_random_hex(a, 20, &e), FF_OK);
    CHECK_INT(ff_secret_random_hex(b, 20, &e), FF_OK);
    CHECK_INT(strlen(a), 40);
    CHECK(strcmp(a, b) != 0);
    CHECK_INT(ff_secret_sha256_hex("abc", 3, h, &e), FF_OK);
    CHECK_STR(h, "ba7816bf8f01cfea414140de5dae2223"
                 "b00361a396177a9cb410ff61f20015ad");
    CHECK_INT(ff_secret_pwhash("correct horse", 13, pw, &e), FF_OK);
    CHECK(strncmp(pw, "$argon2id$", 10) == 0);
    CHECK(ff_secret_pwverify(pw, "correct horse", 13));
    CHECK(!ff_secret_pwverify(pw, "correct hors", 12));
    CHECK(!ff_secret_pwverify("garbage", "x", 1));
    CHECK(ff_secret_equal("abc", "abc", 3));
    CHECK(!ff_secret_equal("abc", "abd", 3));
}

int main(void)
{
    months();
    escaping();
    kobo();
    odk();
    secrets();
    return check_done("test_serve");
}
