/* test_intake.c - intake's pure parts: SHA-256, time/month/hhid parsing,
 * lateness, the dialect map and detection, the rules' order, and formula
 * neutralisation. */
#include "check.h"

#include "csvw.h"
#include "hhid.h"
#include "../intake/dialect.h"
#include "../intake/rules.h"
#include "../intake/sha256.h"

static const char *hash(const char *s, size_t n, char out[65])
{
    struct intake_sha256 h;

    intake_sha256_init(&h);
    intake_sha256_update(&h, s, n);
    intake_sha256_hex(&h, out);
    return out;
}

static int known(void *ctx, const char *code)
{
    (void)ctx;
    return strcmp(code, "24010105963") == 0;
}

/* Run the rules on one kobo-like record given as 13 fields. */
static int classify(const struct intake_layout *lay, const char **f,
                    size_t n, long bad, struct intake_checked *c)
{
    struct intake_rules_ctx rc = {known, NULL, NULL};
    size_t lens[16], i;

    for (i = 0; i < n; i++)
        lens[i] = strlen(f[i]);
    intake_rules_check(lay, &rc, (char *const *)f, lens, n, bad, c);
    return c->outcome == INTAKE_REJECTED ? c->reason : 0;
}

int main(void)
{
    char hex[65], code[12], m[8], when[32];
    struct intake_sha256 h;
    struct intake_dialects ds;
    struct intake_layout lay;
    struct intake_checked c;
    struct ff_err e;
    long long t;
    int i;
    static const char *kh[] = {"start", "end", "hhid", "month", "activity",
                               "t_category", "result", "income_after",
                               "status_after", "reporter", "_id", "_uuid",
                               "_submission_time"};
    size_t khl[13];
    const char *rec[13] = {"", "", "24010105963", "2025-01", "a", "skills",
                           "r", "", "1", "x", "1", "u1",
                           "2025-01-20T16:59:59"};

    /* FIPS 180-4 examples. */
    CHECK_STR(hash("abc", 3, hex), "ba7816bf8f01cfea414140de5dae2223"
                                   "b00361a396177a9cb410ff61f20015ad");
    CHECK_STR(hash("", 0, hex), "e3b0c44298fc1c149afbf4c8996fb924"
                                "27ae41e4649b934ca495991b7852b855");
    CHECK_STR(hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                   56, hex), "248d6a61d20638b8e5c026930c3e6039"
                             "a33ce45964ff2167f6ecedd419db06c1");
    intake_sha256_init(&h);
    for (i = 0; i < 1000000 / 50; i++)
        intake_sha256_update(&h, "aaaaaaaaaaaaaaaaaaaaaaaaa"
                                 "aaaaaaaaaaaaaaaaaaaaaaaaa", 50);
    intake_sha256_hex(&h, hex);
    CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
                   "f1809a48a497200e046d39ccc7112cd0");

    /* The SHA-instruction path (where the CPU has it) equals the portable
     * one for every length 0..300 and split point. */
    {
        static unsigned char buf[300];
        struct intake_sha256 a, b;
        char ha[65], hb[65];
        int n, cut, bad = 0;

        for (n = 0; n < 300; n++)
            buf[n] = (unsigned char)(n * 7 + 3);
        for (n = 0; n < 300; n++)
            for (cut = 0; cut <= n; cut += 37) {
                intake_sha256_init(&a);
                intake_sha256_init_portable(&b);
                intake_sha256_update(&a, buf, (size_t)cut);
                intake_sha256_update(&a, buf + cut, (size_t)(n - cut));
                intake_sha256_update(&b, buf, (size_t)n);
                intake_sha256_hex(&a, ha);
                intake_sha256_hex(&b, hb);
                bad += strcmp(ha, hb) != 0;
            }
        CHECK_INT(bad, 0);
    }

    /* Times: kobo UTC, offsets, Thai BE local; the deadline edges. */
    CHECK_INT(intake_parse_time("2025-01-20T16:59:59", 19, INTAKE_ZONE_UTC,
                                &t), 0);
    CHECK(t <= intake_deadline_utc("2025-01"));         /* 20th 23:59:59 */
    CHECK_INT(intake_parse_time("2025-01-20T17:00:00", 19, INTAKE_ZONE_UTC,
                                &t), 0);
    CHECK(t > intake_deadline_utc("2025-01"));          /* 21st 00:00:00 */
    intake_parse_time("2025-01-20T20:30:00", 19, INTAKE_ZONE_UTC, &t);
    CHECK(t > intake_deadline_utc("2025-01"));          /* 21st 03:30 local */
    intake_parse_time("2025-01-19T19:29:00", 19, INTAKE_ZONE_UTC, &t);
    CHECK(t <= intake_deadline_utc("2025-01"));         /* 20th 02:29 local */
    intake_format_bangkok(t, when);
    CHECK_STR(when, "2025-01-20 02:29:00");
    CHECK_INT(intake_parse_time("20/1/2568, 23:59:59", 19,
                                INTAKE_ZONE_BANGKOK, &t), 0);
    CHECK(t == intake_deadline_utc("2025-01"));
    CHECK_INT(intake_parse_time("21/1/2568, 0:00:00", 18,
                                INTAKE_ZONE_BANGKOK, &t), 0);
    CHECK(t == intake_deadline_utc("2025-01") + 1);
    CHECK_INT(intake_parse_time("2025-01-20T10:05:11.345+07:00", 29,
                                INTAKE_ZONE_UTC, &t), 0);
    intake_format_bangkok(t, when);
    CHECK_STR(when, "2025-01-20 10:05:11");
    CHECK_INT(intake_parse_time("2025-03-05T03:00:00.000Z", 24,
                                INTAKE_ZONE_BANGKOK, &t), 0);
    intake_format_bangkok(t, when);
    CHECK_STR(when, "2025-03-05 10:00:00");
    CHECK_INT(intake_parse_time("2025-02-29T00:00:00", 19, 0, &t), -1);
    CHECK_INT(intake_parse_time("29/2/2567, 10:00:00", 19, 0, &t), 0);
    CHECK_INT(intake_parse_time("2025-01-20 25:00:00", 19, 0, &t), -1);
    CHECK_INT(intake_parse_time("yesterday", 9, 0, &t), -1);
    CHECK_INT(intake_parse_time("20/1/2568", 9, 0, &t), -1);

    /* Months, CE and BE. */
    CHECK_INT(intake_parse_month("2025-01", 7, m), 0);
    CHECK_STR(m, "2025-01");
    CHECK_INT(intake_parse_month("2568-02", 7, m), 0);
    CHECK_STR(m, "2025-02");
    CHECK_INT(intake_parse_month("มีนาคม 2568", strlen("มีนาคม 2568"), m), 0);
    CHECK_STR(m, "2025-03");
    CHECK_INT(intake_parse_month("2025-13", 7, m), -1);
    CHECK_INT(intake_parse_month("มกรา 2568", strlen("มกรา 2568"), m), -1);

    /* Household field: bare code, CODE-C (Damm), Excel damage. */
    CHECK_INT(ff_payload_parse(NULL, "24010105963", 11, code), 0);
    CHECK_STR(code, "24010105963");
    CHECK_INT(ff_payload_parse(NULL, "24010105963-5", 13, code), 0);
    CHECK_INT(ff_payload_parse(NULL, "24010105963-6", 13, code), 2);
    CHECK_INT(ff_payload_parse(NULL, "2.4010105963E+10", 16, code), 1);
    CHECK_INT(ff_payload_parse(NULL, "2401010596", 10, code), 1);
    CHECK_INT(ff_payload_parse(NULL, "240101059631", 12, code), 1);

    /* Neutralisation. */
    CHECK(ff_csvw_is_formula("=1+2", 4));
    CHECK(ff_csvw_is_formula("+66812345678", 12));
    CHECK(ff_csvw_is_formula("@SUM(A1)", 8));
    CHECK(ff_csvw_is_formula("-1", 2));
    CHECK(!ff_csvw_is_formula("1=1", 3));
    CHECK(!ff_csvw_is_formula("", 0));

    /* The map: errors name file, line and column. */
    ff_err_clear(&e);
    ds.n = 0, ds.d = NULL;
    CHECK_INT(intake_dialects_parse(&ds, "m", "  hhid = x\n", 11, &e),
              FF_EINPUT);
    CHECK_INT(e.row, 1);
    CHECK_INT(e.col, 3);
    intake_dialects_release(&ds);
    ff_err_clear(&e);
    ds.n = 0, ds.d = NULL;
    CHECK_INT(intake_dialects_parse(&ds, "m", "dialect a\n\n  hhid x\n", 20,
                                    &e), FF_EINPUT);
    CHECK_INT(e.row, 3);
    CHECK_INT(e.col, 1);
    CHECK_STR(e.msg, "expected 'field = column header'\n      hhid x\n    ^");
    intake_dialects_release(&ds);
    ff_err_clear(&e);
    CHECK_INT(intake_dialects_load(&ds, NULL, &e), FF_OK);
    CHECK_INT((long)ds.n, 2);
    for (i = 0; i < 13; i++)
        khl[i] = strlen(kh[i]);
    CHECK_INT(intake_dialect_detect(&ds, (char *const *)kh, khl, 13, "f",
                                    &lay, &e), FF_OK);
    CHECK_STR(lay.dialect->name, "kobo");
    CHECK_INT(lay.col[INTAKE_F_SUBMITTED], 12);
    CHECK_INT(intake_dialect_detect(&ds, (char *const *)kh, khl, 12, "f",
                                    &lay, &e), FF_EINPUT);
    CHECK_STR(e.msg, "header matches no dialect (closest 'kobo' lacks "
                     "column '_submission_time')");
    intake_dialect_detect(&ds, (char *const *)kh, khl, 13, "f", &lay, &e);

    /* The rules, in order: first failing rule wins. */
    CHECK_INT(classify(&lay, rec, 13, 0, &c), 0);
    CHECK_INT(c.late, 0);
    CHECK_INT(classify(&lay, rec, 13, 7, &c), INTAKE_R_INVALID_UTF8);
    CHECK_INT(classify(&lay, rec, 12, 0, &c), INTAKE_R_RAGGED_ROW);
    rec[11] = " ";
    CHECK_INT(classify(&lay, rec, 13, 0, &c), INTAKE_R_MISSING_REQUIRED);
    CHECK_INT(c.col, 12);
    rec[2] = "2.4010105963E+10";    /* still missing id: that rule first */
    CHECK_INT(classify(&lay, rec, 13, 0, &c), INTAKE_R_MISSING_REQUIRED);
    rec[11] = "u1";
    CHECK_INT(classify(&lay, rec, 13, 0, &c), INTAKE_R_HHID_MALFORMED);
    rec[2] = "24010105963-1";
    CHECK_INT(classify(&lay, rec, 13, 0, &c), INTAKE_R_BAD_CHECK);
    rec[2] = "24010105964";
    CHECK_INT(classify(&lay, rec, 13, 0, &c), INTAKE_R_UNKNOWN_HHID);
    rec[2] = " 24010105963 ";
    rec[12] = "2025-01-32T00:00:00";
    CHECK_INT(classify(&lay, rec, 13, 0, &c), INTAKE_R_BAD_VALUE);
    CHECK_INT(c.col, 13);
    rec[12] = "2025-01-21T00:00:00";
    rec[7] = "-5";
    CHECK_INT(classify(&lay, rec, 13, 0, &c), INTAKE_R_BAD_VALUE);
    CHECK_INT(c.col, 8);
    rec[7] = "41,600.50";
    CHECK_INT(classify(&lay, rec, 13, 0, &c), 0);
    CHECK(c.income == 41600.5);
    CHECK_INT(c.late, 1);
    CHECK_STR(c.hhid, "24010105963");
    intake_dialects_release(&ds);
    return check_done("test_intake");
}
