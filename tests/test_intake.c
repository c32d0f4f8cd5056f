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
    struct intake_rules_ctx rc = {known, NULL, NULL, INTAKE_ORDER_DMY};
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

    /* Google Sheets' locales and Forms' download: the same moment. */
    {
        static const struct {
            const char *s;
            int order;
        } same[] = {
            {"5/1/2568, 9:13:07", INTAKE_ORDER_DMY},
            {"5/1/2025 9:13:07", INTAKE_ORDER_DMY},
            {"1/5/2025 9:13:07", INTAKE_ORDER_MDY},
            {"1/5/2025 9:13:07 AM", INTAKE_ORDER_MDY},
            {"05/01/68 09:13:07", INTAKE_ORDER_DMY},
            {"2025/01/05 9:13:07 AM GMT+7", INTAKE_ORDER_MDY},
            {"2025/01/05 9:13:07 AM GMT+07:00", INTAKE_ORDER_DMY},
            {"2025-01-05T02:13:07Z", INTAKE_ORDER_UNKNOWN},
        };
        long long want = 0;
        size_t k;

        CHECK_INT(intake_parse_time_ex("5/1/2568, 9:13:07", 17,
                                       INTAKE_ZONE_BANGKOK, INTAKE_ORDER_DMY,
                                       &want), INTAKE_TIME_OK);
        intake_format_bangkok(want, when);
        CHECK_STR(when, "2025-01-05 09:13:07");
        for (k = 0; k < sizeof same / sizeof same[0]; k++) {
            t = 0;
            CHECK_INT(intake_parse_time_ex(same[k].s, strlen(same[k].s),
                                           INTAKE_ZONE_BANGKOK, same[k].order,
                                           &t), INTAKE_TIME_OK);
            CHECK(t == want);
        }
        CHECK_INT(intake_parse_time_ex("1/5/2025 9:13:07 PM", 19,
                                       INTAKE_ZONE_BANGKOK, INTAKE_ORDER_MDY,
                                       &t), INTAKE_TIME_OK);
        CHECK(t == want + 12 * 3600);
        CHECK_INT(intake_parse_time_ex("13/5/2025 13:00 PM", 18, 0,
                                       INTAKE_ORDER_DMY, &t), INTAKE_TIME_BAD);
        CHECK_INT(intake_parse_time_ex("2025-01-05", 10, 0, 0, &t),
                  INTAKE_TIME_DATE_ONLY);
        CHECK_INT(intake_parse_time_ex("5/1/2025", 8, 0, 0, &t),
                  INTAKE_TIME_DATE_ONLY);
        CHECK_INT(intake_parse_time_ex("2025-13-05", 10, 0, 0, &t),
                  INTAKE_TIME_BAD);
        CHECK_INT(intake_parse_time_ex("5/1/202", 7, 0, 0, &t),
                  INTAKE_TIME_BAD);
        CHECK_INT(intake_time_order_hint("5/1/2025 9:13", 13),
                  INTAKE_ORDER_UNKNOWN);
        CHECK_INT(intake_time_order_hint("13/1/2025 9:13", 14),
                  INTAKE_ORDER_DMY);
        CHECK_INT(intake_time_order_hint("1/13/2025 9:13", 14),
                  INTAKE_ORDER_MDY);
        CHECK_INT(intake_time_order_hint("1/6/69", 6), INTAKE_ORDER_DMY);
        CHECK_INT(intake_time_order_hint("1/6/2568, 9:00", 14),
                  INTAKE_ORDER_DMY);
        CHECK_INT(intake_time_order_hint("2025/01/05 9:13", 15), -1);
        CHECK_INT(intake_time_order_hint("2025-01-05T09:13", 16), -1);
    }
    CHECK_INT(intake_parse_month("ม.ค. 68", strlen("ม.ค. 68"), m), 0);
    CHECK_STR(m, "2025-01");
    CHECK_INT(intake_parse_month("ม.ค. 268", strlen("ม.ค. 268"), m), -1);
    CHECK_INT(intake_parse_month("2025-01-01", 10, m), 0);     /* XLSForm */
    CHECK_STR(m, "2025-01");
    CHECK_INT(intake_parse_month("2025-01-15", 10, m), -1);
    CHECK_INT(intake_parse_review("rejected", 8), INTAKE_REVIEW_REJECTED);
    CHECK_INT(intake_parse_review("Not Approved", 12), INTAKE_REVIEW_REJECTED);
    CHECK_INT(intake_parse_review("validation_status_not_approved", 30),
              INTAKE_REVIEW_REJECTED);
    CHECK_INT(intake_parse_review("hasIssues", 9), INTAKE_REVIEW_FLAGGED);
    CHECK_INT(intake_parse_review("On Hold", 7), INTAKE_REVIEW_FLAGGED);
    CHECK_INT(intake_parse_review("validation_status_on_hold", 25),
              INTAKE_REVIEW_FLAGGED);
    CHECK_INT(intake_parse_review("approved", 8), INTAKE_REVIEW_NONE);
    CHECK_INT(intake_parse_review("Approved", 8), INTAKE_REVIEW_NONE);
    CHECK_INT(intake_parse_review("", 0), INTAKE_REVIEW_NONE);
    {
        char set[48];

        CHECK_STR(intake_category_set_name(INTAKE_CAT_BIT(2) |
                                           INTAKE_CAT_BIT(3), set),
                  "skills resources");
        CHECK_STR(intake_category_set_name(0, set), "");
    }
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
    CHECK_INT((long)ds.n, 3);
    for (i = 0; i < 13; i++)
        khl[i] = strlen(kh[i]);
    CHECK_INT(intake_dialect_detect(&ds, (char *const *)kh, khl, 13, "f",
                                    &lay, &e), FF_OK);
    CHECK_STR(lay.dialect->name, "kobo");
    CHECK_INT(lay.col[INTAKE_F_SUBMITTED], 12);
    CHECK_INT(intake_dialect_detect(&ds, (char *const *)kh, khl, 12, "f",
                                    &lay, &e), FF_EINPUT);
    CHECK_STR(e.msg, "header matches no dialect (closest 'kobo' lacks "
                     "column '_submission_time'; if the file names it "
                     "otherwise, copy dialect 'kobo' into "
                     "intake-dialects.map with the line 'submitted = "
                     "_submission_time | YOUR HEADER')");
    /* A dialect from a mapping file: the message names its line. */
    CHECK_INT(intake_dialects_parse(&ds, "my.map",
                                    "dialect mine\n  submitted = when\n"
                                    "  hhid = hhid\n  month = month\n"
                                    "  activity = activity\n  category = "
                                    "t_category\n  result = result\n"
                                    "  status = status_after\n"
                                    "  reporter = reporter | who\n",
                                    178, &e), FF_OK);
    {
        static const char *mh[] = {"when", "hhid", "month", "activity",
                                   "t_category", "result", "status"};
        size_t ml[7];

        for (i = 0; i < 7; i++)
            ml[i] = strlen(mh[i]);
        ff_err_clear(&e);
        CHECK_INT(intake_dialect_detect(&ds, (char *const *)mh, ml, 7, "f",
                                        &lay, &e), FF_EINPUT);
        CHECK_STR(e.msg, "header matches no dialect (closest 'mine' lacks "
                         "column 'status_after'; if the file names it "
                         "otherwise, add its header to my.map line 8: "
                         "'status = status_after | YOUR HEADER')");
    }
    ff_err_clear(&e);
    /* Group prefixes (Kobo "report/hhid", ODK "report-hhid"), labels as
     * headers, split select_multiple columns, the ODK Central header. */
    {
        static const char *gh[] = {
            "start", "report/รหัสบ้าน", "report/เดือนที่รายงาน",
            "report/กิจกรรม", "report/ประเภทปัจจัย (4ท)/ทักษะ",
            "report/ประเภทปัจจัย (4ท)/ทางออก", "report/ผลการดำเนินงาน",
            "report/สถานะหลังพัฒนา", "meta/rootUuid", "_uuid",
            "_submission_time", "_validation_status", "__version__",
            "_index", "report/income_after", "report/reporter",
            "photo_URL"};
        static const char *oh[] = {
            "SubmissionDate", "report-hhid", "report-month",
            "report-activity", "report-t_category", "report-result",
            "report-income_after", "report-status_after",
            "report-reporter", "meta-instanceID", "KEY", "SubmitterID",
            "SubmitterName", "AttachmentsPresent", "AttachmentsExpected",
            "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"};
        static const char *ah[] = {"a/hhid", "b/hhid", "month", "activity",
                                   "t_category", "result", "status_after",
                                   "_uuid", "_submission_time",
                                   "income_after", "reporter"};
        size_t gl[20];

        for (i = 0; i < 17; i++)
            gl[i] = strlen(gh[i]);
        CHECK_INT(intake_dialect_detect(&ds, (char *const *)gh, gl, 17, "f",
                                        &lay, &e), FF_OK);
        CHECK_STR(lay.dialect->name, "kobo");
        CHECK_INT(lay.col[INTAKE_F_HHID], 1);
        CHECK_INT(lay.col[INTAKE_F_CATEGORY], -1);
        CHECK_INT(lay.catcol[INTAKE_CAT_SKILLS], 4);
        CHECK_INT(lay.catcol[INTAKE_CAT_WAY_OUT], 5);
        CHECK_INT(lay.catcol[INTAKE_CAT_ATTITUDE], -1);
        CHECK_INT(lay.col[INTAKE_F_KEY], 8);
        CHECK_INT(lay.col[INTAKE_F_REVIEW], 11);
        CHECK_INT(lay.col[INTAKE_F_INCOME], 14);
        for (i = 0; i < 20; i++)
            gl[i] = strlen(oh[i]);
        CHECK_INT(intake_dialect_detect(&ds, (char *const *)oh, gl, 20, "f",
                                        &lay, &e), FF_OK);
        CHECK_STR(lay.dialect->name, "odk-central");
        CHECK_INT(lay.col[INTAKE_F_ID], 9);
        CHECK_INT(lay.col[INTAKE_F_KEY], 10);
        CHECK_INT(lay.col[INTAKE_F_EDITS], 18);
        CHECK_INT(lay.col[INTAKE_F_REVIEW], 16);
        CHECK_INT(lay.col[INTAKE_F_STATUS], 7);
        for (i = 0; i < 11; i++)
            gl[i] = strlen(ah[i]);
        CHECK_INT(intake_dialect_detect(&ds, (char *const *)ah, gl, 11, "f",
                                        &lay, &e), FF_EINPUT);
        CHECK_STR(e.msg, "header matches no dialect (closest 'kobo': several "
                         "group columns end in 'hhid'; map the full header "
                         "in intake-dialects.map: 'hhid = GROUP/hhid')");
        ff_err_clear(&e);
    }
    {
        static const char *hx[] = {"#loc+name", "", "#date+submitted"};
        static const char *nx[] = {"#1", "x", ""};
        size_t hl[3] = {9, 0, 15}, nl[3] = {2, 1, 0};

        CHECK_INT(intake_is_hxl_row((char *const *)hx, hl, 3), 1);
        CHECK_INT(intake_is_hxl_row((char *const *)nx, nl, 3), 0);
    }
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
    /* Values as names or labels; a 4T set; a number and label at odds. */
    {
        static const struct {
            const char *cat, *status;
            int set, st;
        } v[] = {
            {"Skills", "1 พัฒนาได้", 2, 1},
            {"ทักษะ", "พัฒนาได้", 2, 1},
            {"skills resources", "2", 6, 2},
            {"ทักษะ, ทรัพยากร", "ขอรับการสงเคราะห์", 6, 2},
            {"Way out, attitude", "4 อื่นๆ (เสียชีวิต/ย้าย)", 9, 4},
            {"skills banana", "1", 0, 0},
            {"skills", "1 ขอรับการสงเคราะห์", 2, 0},
        };
        size_t k;

        for (k = 0; k < sizeof v / sizeof v[0]; k++) {
            rec[5] = v[k].cat;
            rec[8] = v[k].status;
            classify(&lay, rec, 13, 0, &c);
            if (v[k].set == 0 || v[k].st == 0) {
                CHECK_INT(c.reason, INTAKE_R_BAD_VALUE);
                CHECK_INT(c.fault, v[k].set == 0 ? INTAKE_F_CATEGORY
                                                 : INTAKE_F_STATUS);
            } else {
                CHECK_INT(c.outcome, INTAKE_ACCEPTED);
                CHECK_INT(c.category, v[k].set);
                CHECK_INT(c.status, v[k].st);
            }
        }
        rec[5] = "skills";
        rec[8] = "1";
        rec[12] = "2025-01-05";
        CHECK_INT(classify(&lay, rec, 13, 0, &c), INTAKE_R_NO_TIME);
        CHECK_INT(c.col, 13);
    }
    intake_dialects_release(&ds);
    return check_done("test_intake");
}
