/*
 * test_hhid.c - household tokens: Damm check digit, HMAC tags and key
 * files, the payload config parser and its errors, parsing form fields.
 *
 * Codes come from tests/data/households.csv plus generated ones, 1,000 in
 * all.  Temporary files go to a fresh directory under $TMPDIR or /tmp.
 */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "err.h"
#include "hhid.h"
#include "hmac.h"
#include "utf8.h"

#define NCODES 1000
#define KOBO "https://ee.kobotoolbox.org/x/XXXX?d[/data/hhid]="
#define GFORMS "https://docs.google.com/forms/d/e/ID/viewform?usp=pp_url&" \
               "entry.123456="

struct household {
    char code[12];
    char first[128], last[128], cid[32], phone[32];
};

static char tmpdir[256];

/* Read households.csv (no quoted fields in this file): code, name, ID... */
static int load_households(struct household *h, int max)
{
    FILE *f = fopen("tests/data/households.csv", "r");
    char line[2048];
    int n = 0;

    if (f == NULL)
        return 0;
    if (fgets(line, sizeof line, f) == NULL) {
        fclose(f);
        return 0;
    }
    while (n < max && fgets(line, sizeof line, f) != NULL) {
        char *field[20];
        int nf = 0;
        char *p = line;

        line[strcspn(line, "\r\n")] = '\0';
        field[nf++] = p;
        while ((p = strchr(p, ',')) != NULL && nf < 20) {
            *p++ = '\0';
            field[nf++] = p;
        }
        /* The columns of tests/data/households.csv (samples/README.md). */
        if (nf < 17 || strlen(field[0]) != 11)
            continue;
        memset(&h[n], 0, sizeof h[n]);
        snprintf(h[n].code, sizeof h[n].code, "%s", field[0]);
        snprintf(h[n].first, sizeof h[n].first, "%s", field[9]);
        snprintf(h[n].last, sizeof h[n].last, "%s", field[10]);
        snprintf(h[n].cid, sizeof h[n].cid, "%s", field[11]);
        snprintf(h[n].phone, sizeof h[n].phone, "%s", field[16]);
        n++;
    }
    fclose(f);
    return n;
}

/* Codes like the province's (24 + 9 digits), from a fixed LCG. */
static void generate(char code[12], uint32_t *seed)
{
    int i;

    code[0] = '2';
    code[1] = '4';
    for (i = 2; i < 11; i++) {
        *seed = *seed * 1103515245u + 12345u;
        code[i] = (char)('0' + (*seed >> 16) % 10);
    }
    code[11] = '\0';
}

static const char *write_file(const char *name, const char *text)
{
    static char path[512];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    f = fopen(path, "wb");
    if (f == NULL)
        return path;
    fputs(text, f);
    fclose(f);
    return path;
}

/* Load config text; expect failure at row:col with msg containing want. */
static void cfg_error(const char *text, long row, long col, const char *want,
                      int line)
{
    struct ff_err e;
    char path[512];
    struct ff_payload_cfg *c;

    snprintf(path, sizeof path, "%s", write_file("bad.conf", text));
    ff_err_clear(&e);
    c = ff_payload_cfg_load(path, NULL, &e);
    check_total++;
    if (c != NULL || e.code != FF_EINPUT || strcmp(e.file, path) != 0 ||
        e.row != row || e.col != col || strstr(e.msg, want) == NULL) {
        check_failed++;
        fprintf(stderr,
                "%s:%d: config error: got code %d %s:%ld:%ld: %s\n"
                "    want %ld:%ld containing '%s'\n",
                __FILE__, line, e.code, e.file, e.row, e.col, e.msg, row, col,
                want);
    }
    ff_payload_cfg_free(c);
}
#define CFG_ERROR(text, row, col, want) \
    cfg_error(text, row, col, want, __LINE__)

static int parse(const struct ff_payload_cfg *c, const char *s,
                 struct ff_hhid_parsed *r)
{
    return ff_payload_parse_ex(c, s, strlen(s), r);
}

static void test_check_digit(const char (*codes)[12], int n)
{
    char s[13];
    int i, pos, d;
    long missed = 0, tried = 0;

    /* The example in Damm's paper and on every summary of it. */
    CHECK_INT(ff_hhid_check_char("572", 3), '4');
    CHECK_INT(ff_hhid_check_char("5724", 4), '0');
    CHECK_INT(ff_hhid_check_char("", 0), '0');
    CHECK_INT(ff_hhid_check_char("12a", 3), '\0');
    CHECK(ff_hhid_is_code("24050612765", 11));
    CHECK(!ff_hhid_is_code("2405061276", 10));
    CHECK(!ff_hhid_is_code("2405061276x", 11));
    CHECK(!ff_hhid_is_code(NULL, 11));

    for (i = 0; i < n; i++) {
        memcpy(s, codes[i], 11);
        s[11] = ff_hhid_check_char(s, 11);
        s[12] = '\0';
        CHECK_INT(ff_hhid_check_char(s, 12), '0');
        /* Every single-digit substitution, check digit included. */
        for (pos = 0; pos < 12; pos++) {
            char keep = s[pos];

            for (d = '0'; d <= '9'; d++) {
                if (d == keep)
                    continue;
                s[pos] = (char)d;
                tried++;
                if (ff_hhid_check_char(s, 12) == '0')
                    missed++;
            }
            s[pos] = keep;
        }
        /* Every adjacent transposition of unequal digits. */
        for (pos = 0; pos < 11; pos++) {
            char a = s[pos], b = s[pos + 1];

            if (a == b)
                continue;
            s[pos] = b;
            s[pos + 1] = a;
            tried++;
            if (ff_hhid_check_char(s, 12) == '0')
                missed++;
            s[pos] = a;
            s[pos + 1] = b;
        }
    }
    CHECK_INT(missed, 0);
    CHECK(tried > 100000L);
}

/* The same errors seen through the parser, as intake sees them. */
static void test_errors_via_parse(const char (*codes)[12], int n)
{
    struct ff_hhid_parsed r;
    char tok[32], bad[32];
    int i, pos;
    long wrong = 0;

    for (i = 0; i < n; i++) {
        CHECK_INT(ff_payload_token(NULL, codes[i], tok, sizeof tok), 13);
        if (parse(NULL, tok, &r) != FF_HHID_OK ||
            strcmp(r.code, codes[i]) != 0 || !r.has_check || r.has_tag)
            wrong++;
        for (pos = 0; pos < 13; pos++) {
            if (pos == 11)
                continue;   /* the dash */
            snprintf(bad, sizeof bad, "%s", tok);
            bad[pos] = bad[pos] == '9' ? '0' : (char)(bad[pos] + 1);
            if (parse(NULL, bad, &r) != FF_HHID_BAD_CHECK)
                wrong++;
        }
        /* Swap the last code digit with the check digit across the dash. */
        if (tok[10] != tok[12]) {
            snprintf(bad, sizeof bad, "%s", tok);
            bad[10] = tok[12];
            bad[12] = tok[10];
            if (parse(NULL, bad, &r) != FF_HHID_BAD_CHECK)
                wrong++;
        }
    }
    CHECK_INT(wrong, 0);
}

struct parse_case {
    const char *in;
    int want;
    const char *code;   /* expected r.code */
};

static void test_parse_outcomes(void)
{
    static const struct parse_case cases[] = {
        {"24050612765", FF_HHID_OK, "24050612765"},
        {"  24050612765\t", FF_HHID_OK, "24050612765"},
        {"\xc2\xa0" "24050612765\r\n", FF_HHID_OK, "24050612765"},
        {"24050612765-1", FF_HHID_OK, "24050612765"},
        {" 24050612765-1 ", FF_HHID_OK, "24050612765"},
        {"๒๔๐๕๐๖๑๒๗๖๕", FF_HHID_OK, "24050612765"},
        {"๒๔๐๕๐๖๑๒๗๖๕-๑", FF_HHID_OK, "24050612765"},
        {"24050612765-2", FF_HHID_BAD_CHECK, "24050612765"},
        {"24050612765-", FF_HHID_BAD_CHECK, "24050612765"},
        {"24050612765-X", FF_HHID_BAD_CHECK, "24050612765"},
        {"24050612765-11", FF_HHID_BAD_CHECK, "24050612765"},
        {"24050612765--", FF_HHID_BAD_CHECK, "24050612765"},
        /* A tag cannot be verified without a key: refused. */
        {"24050612765-1-ABCDEF", FF_HHID_BAD_CHECK, "24050612765"},
        {"2.4010203E+10", FF_HHID_MALFORMED, ""},
        {"2.40507E+10", FF_HHID_MALFORMED, ""},
        {"2403087279", FF_HHID_MALFORMED, ""},
        {"2403087279-5", FF_HHID_MALFORMED, ""},
        {"240506127651", FF_HHID_MALFORMED, ""},
        {"024050612765", FF_HHID_MALFORMED, ""},
        {"2405061276A", FF_HHID_MALFORMED, ""},
        {"HH24050612765", FF_HHID_MALFORMED, ""},
        {"2405 0612765", FF_HHID_MALFORMED, ""},
        {"24050612765 -1", FF_HHID_MALFORMED, ""},
        {"24,050,612,765", FF_HHID_MALFORMED, ""},
        {"24050612765.0", FF_HHID_MALFORMED, ""},
        {"-24050612765", FF_HHID_MALFORMED, ""},
        {"", FF_HHID_MALFORMED, ""},
        {"   ", FF_HHID_MALFORMED, ""},
        {"รหัสบ้าน", FF_HHID_MALFORMED, ""},
        {"๒๔๐๕๐๖๑๒๗๖", FF_HHID_MALFORMED, ""},
        /* The printed form follows the code's own grouping 4-6-1. */
        {"2405-061276-5", FF_HHID_OK, "24050612765"},
        {"2405-061276-5-1", FF_HHID_OK, "24050612765"},
        {" 2405 061276 5-1 ", FF_HHID_OK, "24050612765"},
        {"๒๔๐๕-๐๖๑๒๗๖-๕-๑", FF_HHID_OK, "24050612765"},
        {"2405-061276-5-2", FF_HHID_BAD_CHECK, "24050612765"},
        {"2405-061276-5-1-ABCDEF", FF_HHID_BAD_CHECK, "24050612765"},
        {"2405-061276 5", FF_HHID_MALFORMED, ""},
        {"2405-06127-65", FF_HHID_MALFORMED, ""},
        {"240-5061276-5", FF_HHID_MALFORMED, ""},
        {"2405-061276-55", FF_HHID_MALFORMED, ""},
    };
    struct ff_hhid_parsed r;
    char code[12];
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = parse(NULL, cases[i].in, &r);

        check_total++;
        if (got != cases[i].want || strcmp(r.code, cases[i].code) != 0) {
            check_failed++;
            fprintf(stderr, "%s:%d: parse '%s': got %d '%s' (%s), want %d "
                    "'%s'\n", __FILE__, __LINE__, cases[i].in, got, r.code,
                    r.why, cases[i].want, cases[i].code);
        }
        if (got != FF_HHID_OK)
            CHECK(r.why[0] != '\0');
        CHECK_INT(ff_payload_parse(NULL, cases[i].in, strlen(cases[i].in),
                                   code), cases[i].want);
        CHECK_STR(code, cases[i].code);
    }
    parse(NULL, "2.4010203E+10", &r);
    CHECK(strstr(r.why, "Excel") != NULL);
    /* A long Thai value is quoted without cutting a character in two. */
    parse(NULL, "ครัวเรือนนายสมชายใจดี", &r);
    CHECK(ff_utf8_invalid_at(r.why, strlen(r.why)) == strlen(r.why));
    parse(NULL, "2403087279", &r);
    CHECK(strstr(r.why, "10 digits, want 11") != NULL);
    parse(NULL, "240506127651", &r);
    CHECK(strstr(r.why, "12 digits") != NULL);
    parse(NULL, "24050612765-2", &r);
    CHECK(strstr(r.why, "want '1'") != NULL);
    parse(NULL, "24050612765-1-ABCDEF", &r);
    CHECK(strstr(r.why, "no key") != NULL);
    CHECK_INT(ff_payload_parse_ex(NULL, NULL, 0, &r), FF_HHID_MALFORMED);
    /* Only the first n bytes count. */
    CHECK_INT(ff_payload_parse_ex(NULL, "24050612765-2", 11, &r), FF_HHID_OK);
}

static void test_keys_and_tags(const char (*codes)[12], int n)
{
    char key1[512], key2[512], cfgp[512], tok[32], bad[32], msg[700];
    struct ff_payload_cfg *c1, *c2;
    struct ff_hhid_parsed r;
    struct ff_key k;
    struct ff_err e;
    struct stat st;
    int i, same = 0, wrong = 0;

    snprintf(key1, sizeof key1, "%s/one.key", tmpdir);
    snprintf(key2, sizeof key2, "%s/two.key", tmpdir);
    ff_err_clear(&e);
    CHECK_INT(ff_key_create(key1, &e), FF_OK);
    CHECK_INT(ff_key_create(key2, &e), FF_OK);
    CHECK(stat(key1, &st) == 0 && (st.st_mode & 0777) == 0600);
    /* Never overwrite a key: codes printed with it would stop verifying. */
    CHECK_INT(ff_key_create(key1, &e), FF_EINPUT);
    CHECK_STR(e.file, key1);
    CHECK(strstr(e.msg, "already exists") != NULL);
    ff_err_clear(&e);
    CHECK_INT(ff_key_create("/nonexistent-dir/x.key", &e), FF_ESYS);
    CHECK(strstr(e.msg, strerror(ENOENT)) != NULL);

    ff_err_clear(&e);
    c1 = ff_payload_cfg_load(NULL, key1, &e);
    c2 = ff_payload_cfg_load(NULL, key2, &e);
    CHECK(c1 != NULL && c2 != NULL);
    if (c1 == NULL || c2 == NULL)
        goto out;
    CHECK(ff_payload_has_key(c1));
    CHECK(!ff_payload_has_key(NULL));
    for (i = 0; i < n; i++) {
        char t2[32];

        if (ff_payload_token(c1, codes[i], tok, sizeof tok) != 20)
            wrong++;
        ff_payload_token(c2, codes[i], t2, sizeof t2);
        if (strcmp(tok, t2) == 0)
            same++;
        if (parse(c1, tok, &r) != FF_HHID_OK || !r.tag_verified ||
            strcmp(r.code, codes[i]) != 0)
            wrong++;
        /* A token printed with another province's key is refused. */
        if (parse(c1, t2, &r) != FF_HHID_BAD_CHECK)
            wrong++;
        /* Lower case as typed by hand is the same base32 tag. */
        snprintf(bad, sizeof bad, "%s", tok);
        for (char *p = bad + 14; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        if (parse(c1, bad, &r) != FF_HHID_OK)
            wrong++;
        /* Without a tag the code still parses (as a bare code would). */
        if (parse(c1, codes[i], &r) != FF_HHID_OK || r.tag_verified)
            wrong++;
    }
    CHECK_INT(wrong, 0);
    CHECK(same < 3);    /* 30-bit tags of two keys: chance collisions only */

    ff_payload_token(c1, "24050612765", tok, sizeof tok);
    CHECK_INT(strlen(tok), 20);
    CHECK(strncmp(tok, "24050612765-1-", 14) == 0);
    snprintf(bad, sizeof bad, "%s", tok);
    bad[19] = bad[19] == 'A' ? 'B' : 'A';
    CHECK_INT(parse(c1, bad, &r), FF_HHID_BAD_CHECK);
    CHECK(strstr(r.why, "tag does not match") != NULL);
    CHECK_STR(r.code, "24050612765");
    bad[19] = '\0';
    CHECK_INT(parse(c1, bad, &r), FF_HHID_BAD_CHECK);
    CHECK(strstr(r.why, "5 characters") != NULL);
    snprintf(bad, sizeof bad, "%.14s1BCDEF", tok);
    CHECK_INT(parse(c1, bad, &r), FF_HHID_BAD_CHECK);  /* '1' not base32 */
    snprintf(bad, sizeof bad, "24050612765-2%s", tok + 13);
    CHECK_INT(parse(c1, bad, &r), FF_HHID_BAD_CHECK);  /* check wrong */

    /* key_file in the config, relative to the config's folder. */
    snprintf(cfgp, sizeof cfgp, "%s",
             write_file("tag.conf", "key_file = two.key\n"));
    {
        struct ff_payload_cfg *c3 = ff_payload_cfg_load(cfgp, NULL, &e);
        char t3[32], t2[32];

        CHECK(c3 != NULL);
        ff_payload_token(c3, "24050612765", t3, sizeof t3);
        ff_payload_token(c2, "24050612765", t2, sizeof t2);
        CHECK_STR(t3, t2);
        ff_payload_cfg_free(c3);
        /* The key_path argument overrides key_file. */
        c3 = ff_payload_cfg_load(cfgp, key1, &e);
        CHECK(c3 != NULL);
        ff_payload_token(c3, "24050612765", t3, sizeof t3);
        CHECK_STR(t3, tok);
        ff_payload_cfg_free(c3);
    }

    /* Key file refusals. */
    ff_err_clear(&e);
    chmod(key1, 0640);
    CHECK_INT(ff_key_load(key1, &k, &e), FF_EINPUT);
    CHECK_STR(e.file, key1);
    CHECK(strstr(e.msg, "mode 0640") != NULL);
    CHECK(strstr(e.msg, "chmod 600") != NULL);
    chmod(key1, 0600);
    ff_err_clear(&e);
    {
        struct ff_payload_cfg *c3 = ff_payload_cfg_load(NULL, key1, &e);

        CHECK(c3 != NULL);
        ff_payload_cfg_free(c3);
    }

    {
        static const struct {
            const char *text;
            long row, col;
            const char *want;
        } bad_keys[] = {
            {"# only a comment\n", 0, 0, "no key"},
            {"0123\n", 1, 1, "4 hex digits, want 64"},
            {"# c\n\n  00112233445566778899aabbccddeeffg0112233445566778899aa"
             "bbccddeeff\n", 3, 35, "not a hex digit"},
            {"00112233445566778899aabbccddeeff00112233445566778899aabbccdd"
             "eeff\n0011\n", 2, 1, "second key line"},
        };
        size_t j;

        for (j = 0; j < sizeof bad_keys / sizeof bad_keys[0]; j++) {
            const char *p = write_file("bad.key", bad_keys[j].text);

            chmod(p, 0600);
            ff_err_clear(&e);
            CHECK_INT(ff_key_load(p, &k, &e), FF_EINPUT);
            CHECK_STR(e.file, p);
            CHECK_INT(e.row, bad_keys[j].row);
            CHECK_INT(e.col, bad_keys[j].col);
            if (strstr(e.msg, bad_keys[j].want) == NULL)
                fprintf(stderr, "    message: %s\n",
                        ff_err_str(&e, msg, sizeof msg));
            CHECK(strstr(e.msg, bad_keys[j].want) != NULL);
            /* Nothing of the file's content is echoed. */
            CHECK(strstr(e.msg, "0011") == NULL);
        }
        /* CRLF and surrounding blanks are fine. */
        {
            const char *p = write_file("crlf.key",
                                       "# k\r\n  00112233445566778899aabbcc"
                                       "ddeeff00112233445566778899aabbccddeeff"
                                       " \r\n");

            chmod(p, 0600);
            ff_err_clear(&e);
            CHECK_INT(ff_key_load(p, &k, &e), FF_OK);
            CHECK_INT(k.bytes[0], 0x00);
            CHECK_INT(k.bytes[1], 0x11);
            CHECK_INT(k.bytes[31], 0xff);
        }
    }
    ff_err_clear(&e);
    CHECK_INT(ff_key_load("/nonexistent-dir/k", &k, &e), FF_ESYS);
    CHECK(strstr(e.msg, strerror(ENOENT)) != NULL);
    ff_err_clear(&e);
    CHECK_INT(ff_key_load(tmpdir, &k, &e), FF_EINPUT);   /* a directory */
    ff_key_wipe(&k);
out:
    ff_payload_cfg_free(c1);
    ff_payload_cfg_free(c2);
}

static void test_config_good(void)
{
    struct ff_payload_cfg *c;
    struct ff_err e;
    char out[512];

    ff_err_clear(&e);
    c = ff_payload_cfg_load(NULL, NULL, &e);
    CHECK(c != NULL);
    CHECK_INT(ff_payload_level(c), 'M');
    CHECK_INT(ff_payload_max_version(c), 6);
    CHECK_INT(ff_payload_build(c, "24050612765", out, sizeof out, &e), FF_OK);
    CHECK_STR(out, "24050612765-1");
    ff_payload_cfg_free(c);
    ff_payload_cfg_free(NULL);
    CHECK_INT(ff_payload_level(NULL), 'M');

    /* An empty file, or only comments: the defaults. */
    c = ff_payload_cfg_load(write_file("empty.conf", ""), NULL, &e);
    CHECK(c != NULL);
    CHECK_INT(ff_payload_build(c, "24050612765", out, sizeof out, &e), FF_OK);
    CHECK_STR(out, "24050612765-1");
    ff_payload_cfg_free(c);
    c = ff_payload_cfg_load(write_file("comments.conf", "# a\n\n  # b"),
                            NULL, &e);
    CHECK(c != NULL);
    ff_payload_cfg_free(c);

    /* The shipped config: plain token at M, version 6. */
    c = ff_payload_cfg_load("templates/qr.conf", NULL, &e);
    CHECK(c != NULL);
    CHECK_INT(ff_payload_level(c), 'M');
    CHECK_INT(ff_payload_build(c, "24010105963", out, sizeof out, &e), FF_OK);
    CHECK_STR(out, "24010105963-5");
    ff_payload_cfg_free(c);

    c = ff_payload_cfg_load(write_file("kobo.conf",
                                       "# แบบรายงานผล, อำเภอบ้านโพธิ์\n"
                                       "mode = url\n"
                                       "url = " KOBO "{token}\n"
                                       "level = q\n"),
                            NULL, &e);
    CHECK(c != NULL);
    CHECK_INT(ff_payload_level(c), 'Q');
    CHECK_INT(ff_payload_build(c, "24050612765", out, sizeof out, &e), FF_OK);
    CHECK_STR(out, KOBO "24050612765-1");
    ff_payload_cfg_free(c);

    /* Notepad: BOM and CRLF; tabs and spaces around '='. */
    c = ff_payload_cfg_load(write_file("gforms.conf",
                                       "\xEF\xBB\xBFmode\t=\turl\r\n\r\n"
                                       "   # comment\r\n"
                                       "url =  " GFORMS "{token}  \r\n"
                                       "max_version = 10\r\n"),
                            NULL, &e);
    CHECK(c != NULL);
    CHECK_INT(ff_payload_max_version(c), 10);
    CHECK_INT(ff_payload_build(c, "24010105963", out, sizeof out, &e), FF_OK);
    CHECK_STR(out, GFORMS "24010105963-5");
    ff_payload_cfg_free(c);

    /* {token} in the middle; '#' in a value is part of it. */
    c = ff_payload_cfg_load(write_file("mid.conf",
                                       "mode = url\n"
                                       "url = https://x.example/f?h={token}"
                                       "&src=qr#top\n"),
                            NULL, &e);
    CHECK(c != NULL);
    CHECK_INT(ff_payload_build(c, "24010105963", out, sizeof out, &e), FF_OK);
    CHECK_STR(out, "https://x.example/f?h=24010105963-5&src=qr#top");
    /* Bad code and small buffers. */
    CHECK_INT(ff_payload_build(c, "2401010596", out, sizeof out, &e),
              FF_EINPUT);
    CHECK(strstr(e.msg, "'2401010596' is not 11 digits") != NULL);
    ff_err_clear(&e);
    CHECK_INT(ff_payload_build(c, "240101059631", out, sizeof out, &e),
              FF_EINPUT);
    ff_err_clear(&e);
    CHECK_INT(ff_payload_build(c, "24010105963", out, 10, &e), FF_EINTERNAL);
    CHECK_STR(out, "");
    CHECK_INT(ff_payload_token(c, "24010105963", out, 13), 0);
    CHECK_INT(ff_payload_token(c, "24010105963", out, 14), 13);
    CHECK_INT(ff_payload_token(c, "2401010596x", out, 14), 0);
    ff_payload_cfg_free(c);
    ff_err_clear(&e);
    CHECK(e.code == FF_OK);
}

static void test_config_errors(void)
{
    char longurl[400], text[600];
    struct ff_payload_cfg *c;
    struct ff_err e;

    CFG_ERROR("mode = plain\ncolour = red\n", 2, 1, "unknown key 'colour'");
    CFG_ERROR("mode plain\n", 1, 6, "expected '=' after 'mode'");
    CFG_ERROR("url: https://x\n", 1, 4, "expected '=' after 'url'");
    CFG_ERROR("  = M\n", 1, 3, "expected a key");
    CFG_ERROR("level =\n", 1, 8, "missing value after 'level ='");
    CFG_ERROR("mode = qr\n", 1, 8, "unknown mode 'qr'");
    CFG_ERROR("# ระดับ\nlevel = X\n", 2, 9, "unknown error-correction level");
    CFG_ERROR("level = MM\n", 1, 9, "unknown error-correction level 'MM'");
    CFG_ERROR("max_version = 41\n", 1, 15, "max_version '41' is not a whole");
    CFG_ERROR("max_version = 6.0\n", 1, 15, "'6.0'");
    CFG_ERROR("max_version = -1\n", 1, 15, "'-1'");
    CFG_ERROR("max_version = 0\n", 1, 15, "'0'");
    CFG_ERROR("max_version = 99999999999999999999\n", 1, 15, "not a whole");
    CFG_ERROR("level = M\nlevel = H\n", 2, 1,
              "'level' is set twice (first on line 1)");
    CFG_ERROR("mode = url\nurl = https://x.example/form\n", 2, 7,
              "no '{token}' placeholder");
    CFG_ERROR("mode = url\nurl = ftp://x.example/{token}\n", 2, 7,
              "must start with 'https://'");
    CFG_ERROR("mode = url\nurl = https://x.example/a b?{token}\n", 2, 26,
              "url has a space");
    /* Columns count code points: 'ฟ' is the 25th character. */
    CFG_ERROR("mode = url\nurl = https://x.example/ฟอร์ม?h={token}\n", 2,
              25, "outside ASCII");
    CFG_ERROR("mode = url\nurl = https://x.example/?a={token}&b={token}\n",
              2, 38, "'{token}' twice");
    CFG_ERROR("mode = url\nurl = https://x.example/?a={tokn}\n", 2, 28,
              "unexpected '{'");
    CFG_ERROR("mode = url\nurl = https://x.example/?a={TOKEN}\n", 2, 28,
              "unexpected '{'");
    CFG_ERROR("mode = url\n", 1, 8, "no 'url = ...' line");
    CFG_ERROR("url = https://x.example/?a={token}\n", 1, 1,
              "add 'mode = url'");

    /* Max version: a Kobo link that fits version 6 at M but not at H. */
    CFG_ERROR("mode = url\nlevel = H\nurl = " KOBO "{token}\n", 3, 7,
              "above the maximum version 6");
    CFG_ERROR("max_version = 1\nlevel = H\n", 1, 15,
              "QR payload of 13 bytes needs version 2 at level H, above the "
              "maximum version 1");
    memset(longurl, 'a', sizeof longurl);
    longurl[200] = '\0';
    snprintf(text, sizeof text, "mode = url\nurl = https://x.example/%s"
             "?h={token}\n", longurl);
    CFG_ERROR(text, 2, 7,
              "QR payload of 234 bytes needs version 11 at level M");
    /* The same link is fine when the province allows a larger symbol. */
    snprintf(text, sizeof text, "mode = url\nmax_version = 13\nurl = "
             "https://x.example/%s?h={token}\n", longurl);
    ff_err_clear(&e);
    c = ff_payload_cfg_load(write_file("big.conf", text), NULL, &e);
    CHECK(c != NULL);
    ff_payload_cfg_free(c);

    ff_err_clear(&e);
    CHECK(ff_payload_cfg_load("/nonexistent-dir/qr.conf", NULL, &e) == NULL);
    CHECK_INT(e.code, FF_ESYS);
    CHECK_STR(e.file, "/nonexistent-dir/qr.conf");
    CHECK(strstr(e.msg, strerror(ENOENT)) != NULL);

    {
        static char huge[2200], path[2100];

        memset(path, 'a', sizeof path);
        path[sizeof path - 1] = '\0';
        snprintf(huge, sizeof huge, "mode = url\nurl = https://x.example/"
                 "%.2000s?h={token}\n", path);
        CFG_ERROR(huge, 2, 7, "more than 2000; use the form's short link");
    }

    /* A missing key file is named as the file of the error. */
    ff_err_clear(&e);
    c = ff_payload_cfg_load(write_file("mk.conf", "key_file = no.key\n"),
                            NULL, &e);
    CHECK(c == NULL);
    CHECK_INT(e.code, FF_ESYS);
    CHECK(strstr(e.file, "/no.key") != NULL);
    CHECK(strstr(e.msg, "cannot open key file") != NULL);

    /* The message shows as file:line:col in ff_err_str. */
    ff_err_clear(&e);
    c = ff_payload_cfg_load(write_file("x.conf", "\n\nmode = qr\n"), NULL,
                            &e);
    CHECK(c == NULL);
    {
        char want[600], got[800];

        snprintf(want, sizeof want, "%s/x.conf:3:8: unknown mode 'qr' (want "
                 "plain or url)\n    mode = qr\n           ^", tmpdir);
        CHECK_STR(ff_err_str(&e, got, sizeof got), want);
    }
}

/* Every url example in the shipped templates/qr.conf is a valid config. */
static void test_shipped_examples(void)
{
    FILE *f = fopen("templates/qr.conf", "r");
    char line[512], text[700];
    int examples = 0;

    CHECK(f != NULL);
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        const char *u = strstr(line, "#     url = ");
        struct ff_payload_cfg *c;
        struct ff_err e;

        if (u != line)
            continue;
        examples++;
        snprintf(text, sizeof text, "mode = url\n%s", line + 6);
        ff_err_clear(&e);
        c = ff_payload_cfg_load(write_file("ex.conf", text), NULL, &e);
        CHECK(c != NULL);
        if (c == NULL)
            fprintf(stderr, "  example %s  fails: %s\n", line, e.msg);
        ff_payload_cfg_free(c);
    }
    fclose(f);
    CHECK_INT(examples, 3);
}

/*
 * A real Google Forms prefill link (56-character form id) needs version 8
 * at M, as templates/qr.conf says: refused at the default 6, fine at 8.
 */
static void test_real_google_link(void)
{
    static const char url[] =
        "url = https://docs.google.com/forms/d/e/1FAIpQLSdAbCdEfGhIjKlMnOpQr"
        "StUvWxYz0123456789AbCdEfGhIjKl/viewform?usp=pp_url&entry.123456789"
        "0={token}\n";
    struct ff_payload_cfg *c;
    struct ff_err e;
    char text[600];

    snprintf(text, sizeof text, "mode = url\n%s", url);
    CFG_ERROR(text, 2, 7, "QR payload of 142 bytes needs version 8 at level "
              "M, above the maximum version 6");
    snprintf(text, sizeof text, "mode = url\nmax_version = 8\n%s", url);
    ff_err_clear(&e);
    c = ff_payload_cfg_load(write_file("g8.conf", text), NULL, &e);
    CHECK(c != NULL);
    ff_payload_cfg_free(c);
}

/* Payloads carry the household code and nothing else about the household. */
static void test_privacy(const struct household *h, int n)
{
    struct ff_payload_cfg *c;
    struct ff_err e;
    char out[512], tok[32], want[512];
    int i, leaks = 0, wrong = 0;

    ff_err_clear(&e);
    c = ff_payload_cfg_load(write_file("priv.conf", "mode = url\n"
                                       "url = " KOBO "{token}\n"),
                            NULL, &e);
    CHECK(c != NULL);
    if (c == NULL)
        return;
    for (i = 0; i < n; i++) {
        if (ff_payload_build(c, h[i].code, out, sizeof out, &e) != FF_OK)
            wrong++;
        ff_payload_token(c, h[i].code, tok, sizeof tok);
        snprintf(want, sizeof want, KOBO "%s-%c", h[i].code,
                 ff_hhid_check_char(h[i].code, 11));
        if (strcmp(out, want) != 0 || strcmp(tok, want + strlen(KOBO)) != 0)
            wrong++;
        if ((h[i].first[0] && strstr(out, h[i].first)) ||
            (h[i].last[0] && strstr(out, h[i].last)) ||
            (h[i].cid[0] && strstr(out, h[i].cid)) ||
            (h[i].phone[0] && strstr(out, h[i].phone)))
            leaks++;
    }
    CHECK_INT(wrong, 0);
    CHECK_INT(leaks, 0);
    ff_payload_cfg_free(c);
}

/* Out of memory anywhere in load/build/parse is an error, never a crash. */
static void test_alloc_failures(const char *key)
{
    const char *path = write_file("oom.conf", "mode = url\nurl = " KOBO
                                  "{token}\nkey_file = one.key\n");
    struct ff_hhid_parsed r;
    struct ff_err e;
    char out[512];
    long n;
    int ok = 0, bad = 0;

    (void)key;
    for (n = 1; n < 200 && !ok; n++) {
        struct ff_payload_cfg *c;
        int rc;

        ff_err_clear(&e);
        ff_alloc_fail_after(n);
        c = ff_payload_cfg_load(path, NULL, &e);
        if (c == NULL) {
            if (e.code != FF_ESYS || strstr(e.msg, "memory") == NULL)
                bad++;
            ff_alloc_fail_after(0);
            continue;
        }
        rc = ff_payload_build(c, "24050612765", out, sizeof out, &e);
        if (rc != FF_OK && e.code != FF_ESYS)
            bad++;
        ff_payload_parse_ex(c, "24050612765-1", 13, &r);
        ff_alloc_fail_after(0);
        ok = rc == FF_OK;
        ff_payload_cfg_free(c);
    }
    ff_alloc_fail_after(0);
    CHECK(ok);
    CHECK_INT(bad, 0);
    CHECK(n > 2);
}

int main(void)
{
    static struct household h[NCODES];
    static char codes[NCODES][12];
    char key[512], cmd[600];
    uint32_t seed = 2568;
    int n, i;

    if (check_tmpdir(tmpdir, sizeof tmpdir, "hhid"))
        return 1;
    n = load_households(h, NCODES);
    CHECK(n >= 300);
    for (i = 0; i < NCODES; i++) {
        if (i < n)
            memcpy(codes[i], h[i].code, 12);
        else
            generate(codes[i], &seed);
    }
    test_check_digit((const char (*)[12])codes, NCODES);
    test_errors_via_parse((const char (*)[12])codes, NCODES);
    test_parse_outcomes();
    test_keys_and_tags((const char (*)[12])codes, NCODES);
    test_config_good();
    test_config_errors();
    test_shipped_examples();
    test_real_google_link();
    test_privacy(h, n);
    snprintf(key, sizeof key, "%s/one.key", tmpdir);
    test_alloc_failures(key);

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return check_done("test_hhid");
}
