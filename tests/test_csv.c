/* test_csv.c - CSV reader: encodings, delimiters, lines, quoting, errors. */
#include "check.h"

#include "alloc.h"
#include "csv.h"

#define MAXREC 64

struct seen {
    int n;
    long line[MAXREC];
    size_t nfields[MAXREC];
    long bad[MAXREC];
    char f0[MAXREC][64];
    char f5[MAXREC][128];
    int stop_at;
};

static int collect(void *ctx, const struct ff_csv_record *r, struct ff_err *e)
{
    struct seen *s = ctx;

    (void)e;
    if (s->n < MAXREC) {
        s->line[s->n] = r->line;
        s->nfields[s->n] = r->nfields;
        s->bad[s->n] = r->bad_utf8_field;
        snprintf(s->f0[s->n], sizeof s->f0[0], "%s", r->fields[0]);
        snprintf(s->f5[s->n], sizeof s->f5[0], "%s",
                 r->nfields > 5 ? r->fields[5] : "");
    }
    s->n++;
    if (s->stop_at && s->n == s->stop_at)
        return 42;
    return FF_OK;
}

static int read_file(const char *path, struct seen *s, char *enc, char *delim)
{
    struct ff_err e;
    struct ff_csv *c;
    int rc;

    ff_err_clear(&e);
    memset(s, 0, sizeof *s);
    c = ff_csv_open(path, NULL, &e);
    if (c == NULL)
        return -1;
    rc = ff_csv_read(c, collect, s, &e);
    if (enc)
        snprintf(enc, 32, "%s", ff_csv_encoding_name(c));
    if (delim)
        *delim = ff_csv_delimiter(c);
    ff_csv_free(c);
    return rc;
}

int main(void)
{
    struct seen s;
    char enc[32], delim;
    struct ff_err e;
    struct ff_csv *c;
    char msg[600];
    int i;

    /* Plain UTF-8, comma, LF. */
    CHECK_INT(read_file("tests/data/register/good.csv", &s, enc, &delim), 0);
    CHECK_INT(s.n, 11);
    CHECK_STR(enc, "UTF-8");
    CHECK_INT(delim, ',');
    CHECK_STR(s.f0[0], "รหัสบ้าน");
    CHECK_STR(s.f0[1], "24010105963");
    CHECK_INT(s.line[10], 11);
    CHECK_INT(s.nfields[3], 16);

    /* BOM, CRLF and ';' give the same records, BOM dropped. */
    CHECK_INT(read_file("tests/data/register/bom_crlf_semicolon.csv", &s, enc,
                        &delim), 0);
    CHECK_INT(s.n, 11);
    CHECK_STR(enc, "UTF-8 with BOM");
    CHECK_INT(delim, ';');
    CHECK_STR(s.f0[0], "รหัสบ้าน");
    CHECK_STR(s.f5[1], "บ้านแหลมปลาไหล");

    /* Windows-874 is detected and converted. */
    CHECK_INT(read_file("tests/data/register/cp874.csv", &s, enc, &delim), 0);
    CHECK_STR(enc, "Windows-874");
    CHECK_INT(s.n, 11);
    CHECK_STR(s.f0[0], "รหัสบ้าน");
    CHECK_STR(s.f5[1], "บ้านแหลมปลาไหล");
    for (i = 0; i < s.n; i++)
        CHECK_INT(s.bad[i], 0);

    /* A quoted field spanning lines; a record with a bad byte is flagged. */
    CHECK_INT(read_file("tests/data/register/multiline_badutf8.csv", &s, enc,
                        NULL), 0);
    CHECK_STR(enc, "UTF-8");
    CHECK_INT(s.n, 4);
    CHECK_STR(s.f5[1], "บ้าน\nแหลม, ปลาไหล");
    CHECK_INT(s.line[1], 2);
    CHECK_INT(s.line[2], 4);
    CHECK_INT(s.bad[2], 9);
    CHECK_INT(s.line[3], 5);
    CHECK_INT(s.bad[3], 0);

    /* From memory: doubled quotes, blank lines, no final newline. */
    {
        const char *data = "a,b\n\n\"x \"\"q\"\"\",2\r\n\r\nlast,3";
        ff_err_clear(&e);
        memset(&s, 0, sizeof s);
        c = ff_csv_open_mem("mem.csv", data, strlen(data), NULL, &e);
        CHECK(c != NULL);
        CHECK_INT(ff_csv_read(c, collect, &s, &e), 0);
        ff_csv_free(c);
        CHECK_INT(s.n, 3);
        CHECK_STR(s.f0[1], "x \"q\"");
        CHECK_INT(s.line[1], 3);
        CHECK_STR(s.f0[2], "last");
        CHECK_INT(s.line[2], 5);
    }

    /* The callback's code stops the read. */
    memset(&s, 0, sizeof s);
    s.stop_at = 2;
    ff_err_clear(&e);
    c = ff_csv_open("tests/data/register/good.csv", NULL, &e);
    CHECK_INT(ff_csv_read(c, collect, &s, &e), 42);
    CHECK_INT(s.n, 2);
    ff_csv_free(c);

    /* A missing file names the path and the system's reason. */
    ff_err_clear(&e);
    CHECK(ff_csv_open("tests/data/nope.csv", NULL, &e) == NULL);
    CHECK_INT(e.code, FF_ESYS);
    CHECK_STR(ff_err_str(&e, msg, sizeof msg),
              "tests/data/nope.csv: cannot open: No such file or directory");

    /* Out of memory at every allocation of a small read: error, no crash. */
    for (i = 1; i < 40; i++) {
        ff_err_clear(&e);
        memset(&s, 0, sizeof s);
        ff_alloc_fail_after(i);
        c = ff_csv_open("tests/data/register/good.csv", NULL, &e);
        if (c) {
            int rc = ff_csv_read(c, collect, &s, &e);
            CHECK(rc == FF_OK || rc == FF_ESYS);
            ff_csv_free(c);
        } else {
            CHECK_INT(e.code, FF_ESYS);
        }
        ff_alloc_fail_after(0);
    }
    return check_done("test_csv");
}
