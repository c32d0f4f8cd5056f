/*
 * test_table.c - the tabular reader: every format gives the rows of the
 * clean CSV; the tap sees every input byte; encoding decided over the whole
 * file; Latin-1 and double-encoded UTF-8 refused; bounds on records.
 *
 * The Excel-like variants of tests/data/households.csv are made by
 * tests/lib/mktable.py (hand-written SpreadsheetML; BIFF8 by python3-xlwt)
 * and iconv, in a temporary directory.
 */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "table.h"

#define REG "tests/data/households.csv"

static char dir[64];

/* Every record as "line|f1<TAB>f2...\n", newlines in fields as "\\n". */
static int dump_row(void *ctx, const struct ff_csv_record *r,
                    struct ff_err *e)
{
    struct ff_buf *b = ctx;
    size_t i, j;

    (void)e;
    ff_buf_addf(b, "%ld|", r->line);
    for (i = 0; i < r->nfields; i++) {
        if (i)
            ff_buf_addc(b, '\t');
        for (j = 0; j < r->lens[i]; j++) {
            if (r->fields[i][j] == '\n')
                ff_buf_adds(b, "\\n");
            else
                ff_buf_addc(b, r->fields[i][j]);
        }
    }
    if (r->bad_utf8_field)
        ff_buf_adds(b, "|BAD");
    if (r->stray_quote_field)
        ff_buf_addf(b, "|QUOTE%ld", r->stray_quote_field);
    ff_buf_addc(b, '\n');
    return FF_OK;
}

static void tap(void *ctx, const unsigned char *p, size_t n)
{
    ff_buf_add(ctx, p, n);
}

struct got {
    int rc;
    struct ff_err e;
    char format[32], encoding[32], sheet[64];
    char delim;
};

/* Read path (or memory) into rows; the tap's bytes must be the input's. */
static char *dump(const char *path, const char *mem, size_t n,
                  const char *sheet, struct got *g)
{
    struct ff_table_opts o;
    struct ff_table *t;
    struct ff_buf rows, tapped;

    memset(g, 0, sizeof *g);
    memset(&o, 0, sizeof o);
    ff_buf_init(&rows);
    ff_buf_init(&tapped);
    ff_err_clear(&g->e);
    o.sheet = sheet;
    o.tap = tap;
    o.tap_ctx = &tapped;
    t = mem ? ff_table_open_mem(path, mem, n, &o, &g->e)
            : ff_table_open(path, &o, &g->e);
    if (t == NULL) {
        g->rc = g->e.code;
    } else {
        g->rc = ff_table_read(t, dump_row, &rows, &g->e);
        snprintf(g->format, sizeof g->format, "%s", ff_table_format(t));
        snprintf(g->encoding, sizeof g->encoding, "%s", ff_table_encoding(t));
        snprintf(g->sheet, sizeof g->sheet, "%s",
                 ff_table_sheet(t) ? ff_table_sheet(t) : "");
        g->delim = ff_table_delimiter(t);
        ff_table_free(t);
    }
    if (g->rc == FF_OK && !mem) {
        /* The tap saw exactly the file's bytes, in order, once. */
        FILE *f = fopen(path, "rb");
        struct ff_buf want;
        char buf[65536];
        size_t k;

        ff_buf_init(&want);
        while (f && (k = fread(buf, 1, sizeof buf, f)) > 0)
            ff_buf_add(&want, buf, k);
        if (f)
            fclose(f);
        CHECK(want.len == tapped.len &&
              (want.len == 0 || memcmp(want.data, tapped.data, want.len) == 0));
        ff_buf_release(&want);
    }
    ff_buf_release(&tapped);
    ff_buf_addc(&rows, '\0');
    return ff_buf_detach(&rows, NULL);
}

static int run(const char *cmd)
{
    char full[10240];

    snprintf(full, sizeof full, "cd %s && %s", dir, cmd);
    return system(full);
}

static void same_as_csv(const char *want, const char *file, const char *sheet,
                        const char *format, const char *encoding)
{
    char path[256];
    struct got g;
    char *rows;

    snprintf(path, sizeof path, "%s/%s", dir, file);
    rows = dump(path, NULL, 0, sheet, &g);
    CHECK_INT(g.rc, FF_OK);
    if (g.rc)
        fprintf(stderr, "%s: %s\n", file, g.e.msg);
    CHECK_STR(g.format, format);
    CHECK_STR(g.encoding, encoding);
    if (strcmp(rows, want) != 0) {
        size_t i = 0;

        while (rows[i] && rows[i] == want[i])
            i++;
        fprintf(stderr, "%s differs from the CSV at byte %zu: '%.80s'\n",
                file, i, rows + i);
    }
    CHECK(strcmp(rows, want) == 0);
    ff_free(rows);
}

static void formats(void)
{
    struct got g;
    char *want = dump(REG, NULL, 0, NULL, &g), *rows;
    char top[512], cmd[8192];

    CHECK_INT(g.rc, FF_OK);
    CHECK_STR(g.format, "CSV");
    if (getcwd(top, sizeof top) == NULL)
        return;
    snprintf(cmd, sizeof cmd,
             "T=%s; P='/usr/bin/python3 %s/tests/lib/mktable.py';"
             "$P xlsx $T/" REG " h.xlsx --numbers 1,5,11,12,13 &&"
             "$P xlsx $T/" REG " h2.xlsx --inline --sparse --exp --trailing "
             "--numbers 1,11 --prefix x --first-sheet Decoy "
             "--sheet ทะเบียน &&"
             "$P xls $T/" REG " h.xls --numbers 1,5,11,12,13 &&"
             "{ printf '\\377\\376'; tr , '\\t' < $T/" REG " | sed 's/$/\\r/'"
             " | iconv -f UTF-8 -t UTF-16LE; } > h16le.txt &&"
             "{ printf '\\376\\377'; tr , '\\t' < $T/" REG
             " | iconv -f UTF-8 -t UTF-16BE; } > h16be.txt &&"
             "cp $T/" REG " form.csv && printf 'a,b\\n1,2\\n' > form-members.csv"
             " && mkdir -p media && echo x > media/x.jpg &&"
             "$P zip odk.zip form.csv=form.csv form-members.csv=form-members.csv"
             " media/x.jpg=media/x.jpg &&"
             "$P zip two.zip a.csv=form.csv b.csv=form-members.csv",
             top, top);
    CHECK_INT(run(cmd), 0);

    same_as_csv(want, "h.xlsx", NULL, "XLSX", "UTF-8");
    same_as_csv(want, "h2.xlsx", "ทะเบียน", "XLSX", "UTF-8");
    /* Shared strings looked up in the spool rather than in memory. */
    setenv("FFKIT_XLSX_SS_MEM_MAX", "0", 1);
    same_as_csv(want, "h.xlsx", NULL, "XLSX", "UTF-8");
    unsetenv("FFKIT_XLSX_SS_MEM_MAX");
    same_as_csv(want, "h.xls", NULL, "XLS", "UTF-8");
    same_as_csv(want, "h16le.txt", NULL, "UTF-16 text", "UTF-16LE");
    same_as_csv(want, "h16be.txt", NULL, "UTF-16 text", "UTF-16BE");
    same_as_csv(want, "odk.zip", NULL, "zip of CSV", "UTF-8");

    /* The first sheet unless one is named; a missing one names those there. */
    snprintf(cmd, sizeof cmd, "%s/h2.xlsx", dir);
    rows = dump(cmd, NULL, 0, NULL, &g);
    CHECK_STR(rows, "1|not this one\n");
    CHECK_STR(g.sheet, "Decoy");
    ff_free(rows);
    rows = dump(cmd, NULL, 0, "Nope", &g);
    CHECK_INT(g.rc, FF_EINPUT);
    CHECK_STR(g.e.msg, "no sheet 'Nope'; the sheets are 'Decoy', 'ทะเบียน'");
    ff_free(rows);
    snprintf(cmd, sizeof cmd, "%s/odk.zip", dir);
    ff_free(dump(cmd, NULL, 0, NULL, &g));
    CHECK_STR(g.sheet, "form.csv");
    snprintf(cmd, sizeof cmd, "%s/two.zip", dir);
    ff_free(dump(cmd, NULL, 0, NULL, &g));
    CHECK_INT(g.rc, FF_EINPUT);
    CHECK_STR(g.e.msg, "the zip file holds several CSV files ('a.csv', "
                       "'b.csv') and none is the main table");
    ff_free(want);
}

/* Dates, numbers, line breaks in header cells. */
static void cells(void)
{
    struct got g;
    char path[256], *rows;

    snprintf(path, sizeof path, "%s/cells.csv", dir);
    CHECK_INT(run("printf '\"ชื่อ\\nสกุล\",when,day,code,id,income\\n"
                  "a,2025-01-05T09:13:07,2025-01-05,24010879092,"
                  "3240731582384,31244.57\\n"
                  "b,2025-01-05T00:00:00,2024-12-31,00012,1,0.3\\n' "
                  "> cells.csv && /usr/bin/python3 $OLDPWD/tests/lib/"
                  "mktable.py xlsx cells.csv cells.xlsx --dates 2 "
                  "--dateonly 3 --numbers 4,5 --exp"), 0);
    snprintf(path, sizeof path, "%s/cells.xlsx", dir);
    rows = dump(path, NULL, 0, NULL, &g);
    CHECK_INT(g.rc, FF_OK);
    /* 00012 as a number is 12: what Excel shows, not a guess. */
    CHECK_STR(rows, "1|ชื่อ\\nสกุล\twhen\tday\tcode\tid\tincome\n"
                    "2|a\t2025-01-05T09:13:07\t2025-01-05\t24010879092\t"
                    "3240731582384\t31244.57\n"
                    "3|b\t2025-01-05T00:00:00\t2024-12-31\t12\t1\t0.3\n");
    ff_free(rows);
}

static void encodings(void)
{
    struct got g;
    struct ff_buf b;
    char *rows;
    int i;
    /* "สมชาย" in Windows-874, after 70,000 bytes of ASCII. */
    static const char thai874[] = "\xCA\xC1\xAA\xD2\xC2";
    static const char dbl[] =
        "\xE0\xB9\x80\xE0\xB8\x98\xE0\xB8\x83\xE0\xB9\x80\xE0\xB8\x98\xE0"
        "\xB8\x8B\xE0\xB9\x80\xE0\xB8\x98\xE0\xB8\x91\xE0\xB9\x80\xE0\xB8"
        "\x98\xE0\xB8\x8A\xE0\xB9\x80\xE0\xB8\x98\x3F\xE0\xB9\x80\xE0\xB8"
        "\x99\x3F\xE0\xB9\x80\xE0\xB8\x98\xE0\xB8\x92\xE0\xB9\x80\xE0\xB8"
        "\x98\x3F,x\n1,2\n";
    static const char her[] = "a,b\nเธอไปไหน,เธอ\n";

    ff_buf_init(&b);
    ff_buf_adds(&b, "code,name\n");
    for (i = 0; i < 7000; i++)
        ff_buf_adds(&b, "123456789,x\n");
    ff_buf_adds(&b, "1,");
    ff_buf_add(&b, thai874, sizeof thai874 - 1);
    ff_buf_adds(&b, "\n2,\xBB\xE8\xD2\n");
    rows = dump("late.csv", b.data, b.len, NULL, &g);
    CHECK_INT(g.rc, FF_OK);
    CHECK_STR(g.encoding, "Windows-874");
    CHECK(strstr(rows, "7002|1\tสมชาย\n7003|2\tป่า\n") != NULL);
    CHECK(strstr(rows, "BAD") == NULL);
    ff_free(rows);
    ff_buf_release(&b);

    /* Latin-1 (Müller, José, François) is not Thai: refused where it starts. */
    rows = dump("latin1.csv", "name,city\nM\xFCller,Z\xFCrich\nJos\xE9,"
                "Fran\xE7ois\n", 39, NULL, &g);
    CHECK_INT(g.rc, FF_EINPUT);
    CHECK_INT(g.e.row, 2);
    CHECK_INT(g.e.col, 2);
    CHECK(strstr(g.e.msg, "Latin-1") != NULL);
    CHECK_STR(rows, "1|name\tcity\n");
    ff_free(rows);

    /* UTF-8 Thai saved again through Windows-874: refused, never read. */
    rows = dump("dbl.csv", dbl, sizeof dbl - 1, NULL, &g);
    CHECK_INT(g.rc, FF_EINPUT);
    CHECK_INT(g.e.row, 1);
    CHECK(strstr(g.e.msg, "opened as Windows-874 and saved again") != NULL);
    CHECK_STR(rows, "");
    ff_free(rows);

    /* Real Thai with เธอ in it is not double-encoded. */
    rows = dump("her.csv", her, sizeof her - 1, NULL, &g);
    CHECK_INT(g.rc, FF_OK);
    CHECK_STR(g.encoding, "UTF-8");
    CHECK_STR(rows, "1|a\tb\n2|เธอไปไหน\tเธอ\n");
    ff_free(rows);

    /* A UTF-16 surrogate without its pair is an error, not a guess. */
    rows = dump("bad16.txt", "\xFF\xFE" "a\0\t\0b\0\n\0" "\x00\xD8" "c\0", 14,
                NULL, &g);
    CHECK_INT(g.rc, FF_EINPUT);
    CHECK(strstr(g.e.msg, "invalid UTF-16 at byte 10") != NULL);
    ff_free(rows);
}

static void bounds(void)
{
    static const char pair[] = "a,b,c,d\n1,\"open,c,d\n2,b,c,d\n"
                               "3,close\",c,d\n4,\"two\nlines\",c,d\n"
                               "5,b,c,d\n";
    struct got g;
    struct ff_buf b;
    char *rows;
    long before;
    size_t i;

    /* Issue 11 item 5: a stray quote in row 4 costs row 4 only (it used to
     * eat rows 5..10): the quote is read as a literal character, the lines
     * after it again, and row 4 is flagged for the caller to reject. */
    ff_buf_init(&b);
    ff_buf_adds(&b, "a,b\n1,x\n2,x\n3,\"x\n");
    for (i = 5; i <= 10; i++)
        ff_buf_addf(&b, "%zu,x\n", i);
    rows = dump("quote.csv", b.data, b.len, NULL, &g);
    CHECK_INT(g.rc, FF_OK);
    CHECK_STR(rows, "1|a\tb\n2|1\tx\n3|2\tx\n4|3\t\"x|QUOTE2\n5|5\tx\n"
                    "6|6\tx\n7|7\tx\n8|8\tx\n9|9\tx\n10|10\tx\n");
    ff_free(rows);
    ff_buf_release(&b);

    /* Two stray quotes in one column (Google Sheets cells) merged the two
     * reports and everything between; a line inside the "field" that holds
     * a whole record's delimiters shows the quote was stray.  A legitimate
     * line break inside a quoted field is kept. */
    rows = dump("pair.csv", pair, sizeof pair - 1, NULL, &g);
    CHECK_INT(g.rc, FF_OK);
    CHECK_STR(rows, "1|a\tb\tc\td\n2|1\t\"open\tc\td|QUOTE2\n3|2\tb\tc\td\n"
                    "4|3\tclose\"\tc\td\n5|4\ttwo\\nlines\tc\td\n"
                    "7|5\tb\tc\td\n");
    ff_free(rows);

    /* 40 MB of commas: refused at once, at its line. */
    ff_buf_init(&b);
    ff_buf_adds(&b, "a,b\n");
    for (i = 0; i < 40 * 1024 * 1024 / 64; i++)
        ff_buf_add(&b, ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"
                       ",,,,,,,,,,", 64);
    ff_buf_adds(&b, "\n");
    rows = dump("commas.csv", b.data, b.len, NULL, &g);
    CHECK_INT(g.rc, FF_EINPUT);
    CHECK_INT(g.e.row, 2);
    CHECK_STR(g.e.msg, "record has more than 16384 fields");
    ff_free(rows);
    ff_buf_release(&b);

    /* One 8 MB field: geometric growth, a few dozen reallocations. */
    ff_buf_init(&b);
    ff_buf_adds(&b, "a\n\"");
    for (i = 0; i < 8 * 1024 * 1024 / 64; i++)
        ff_buf_add(&b, "0123456789012345678901234567890123456789012345678901"
                       "234567890123", 64);
    ff_buf_adds(&b, "\"\n");
    before = ff_alloc_count();
    rows = dump("long.csv", b.data, b.len, NULL, &g);
    CHECK_INT(g.rc, FF_OK);
    before = ff_alloc_count() - before;
    if (before >= 500)
        fprintf(stderr, "%ld allocations for one field\n", before);
    CHECK(before < 500);
    ff_free(rows);
    ff_buf_release(&b);
}

int main(void)
{
    char cmd[128];

    snprintf(dir, sizeof dir, "/tmp/ffkit-table-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    formats();
    cells();
    encodings();
    bounds();
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return check_done("test_table");
}
