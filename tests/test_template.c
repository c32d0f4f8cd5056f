/* test_template.c - the layout template parser: good files and each kind
 * of error with its message, line and column (and the caret line). */
#include "check.h"

#include "err.h"
#include "template.h"
#include "vars.h"

static char msg[1200];

/* Parse text; return the formatted error or "ok". */
static const char *parse(const char *text)
{
    struct ff_err e;
    struct gen_template *t;

    ff_err_clear(&e);
    t = gen_template_parse("t.tpl", text, strlen(text), &e);
    if (t) {
        gen_template_free(t);
        return "ok";
    }
    return ff_err_str(&e, msg, sizeof msg);
}

int main(void)
{
    struct ff_err e;
    struct gen_template *t;
    const char *names[] = {"templates/folder.tpl", "templates/plan.tpl",
                           "templates/results.tpl"};
    size_t i;

    /* The shipped templates load. */
    for (i = 0; i < 3; i++) {
        ff_err_clear(&e);
        t = gen_template_load(names[i], &e);
        CHECK(t != NULL);
        if (t == NULL)
            fprintf(stderr, "%s\n", ff_err_str(&e, msg, sizeof msg));
        gen_template_free(t);
    }

    /* A small template: what it holds. */
    {
        const char *s =
            "# comment\n"
            "document folder\n"
            "title \"สมุด\"\n"
            "qr x=170 y=10 size=30 nolabel\n"
            "page size=A4\n"
            "text x=15 y=12 w=150 size=18 bold align=center \"รหัส {code}\"\n"
            "box x=1 y=2 w=3 h=4 fill=#E6ECF2   # trailing comment\n"
            "table x=15 y=40 rows=3 cols=\"ก:20|ข:30\" first=\"1|2\"\n"
            "page size=A4 landscape\n"
            "line x1=0 y1=0 x2=10 y2=10 dashed\r\n";
        ff_err_clear(&e);
        t = gen_template_parse("t.tpl", s, strlen(s), &e);
        CHECK(t != NULL);
        if (t) {
            CHECK_STR(t->name, "folder");
            CHECK_STR(t->title, "สมุด");
            CHECK(t->has_qr && t->qr.w == 30 && !t->qr.label);
            CHECK_INT(t->npages, 2);
            CHECK_INT(t->pages[0].n, 3);
            CHECK(t->pages[0].items[0].bold);
            CHECK_INT(t->pages[0].items[0].align, 1);
            CHECK_STR(t->pages[0].items[0].text, "รหัส {code}");
            CHECK_INT(t->pages[0].items[1].fill, 0xE6ECF2);
            CHECK_INT(t->pages[0].items[2].ncols, 2);
            CHECK(t->pages[0].items[2].w == 50);
            CHECK_STR(t->pages[0].items[2].heads[1], "ข");
            CHECK_INT(t->pages[0].items[2].nfirst, 2);
            CHECK(t->pages[1].w == 297 && t->pages[1].h == 210);
            CHECK(t->pages[1].items[0].dashed);
            gen_template_free(t);
        }
    }

    /* Blocks: define once, use with an offset and a value. */
    {
        const char *s =
            "document d\n"
            "define m\n"
            "box x=1 y=0 w=3 h=4\n"
            "text x=2 y=1 \"{month:$value}\"\n"
            "end\n"
            "page\n"
            "use m dy=50 value=2568-01\n"
            "use m dx=5 dy=100 value=2568-02\n";
        ff_err_clear(&e);
        t = gen_template_parse("t.tpl", s, strlen(s), &e);
        CHECK(t != NULL);
        if (t) {
            CHECK_INT(t->pages[0].n, 4);
            CHECK(t->pages[0].items[0].y == 50 && t->pages[0].items[0].x == 1);
            CHECK(t->pages[0].items[2].y == 100 && t->pages[0].items[2].x == 6);
            CHECK_STR(t->pages[0].items[1].text, "{month:2568-01}");
            CHECK_STR(t->pages[0].items[3].text, "{month:2568-02}");
            gen_template_free(t);
        }
    }
    CHECK_STR(parse("document d\npage\nuse nope\n"),
              "t.tpl:3:5: no block 'nope' defined above\n    use nope\n"
              "        ^");
    CHECK_STR(parse("document d\ndefine m\nbox x=1 y=1 w=1 h=1\npage\n"),
              "t.tpl:2: 'define m' has no 'end'");
    CHECK_STR(parse("document d\npage\nend\n"),
              "t.tpl:3:1: 'end' without 'define'\n    end\n    ^");
    CHECK_STR(parse("document d\ndefine m\nbox x=1 y=zz w=1 h=1\nend\n"
                    "page\nuse m\n"),
              "t.tpl:3:11: y= is not a number: 'zz'\n"
              "    box x=1 y=zz w=1 h=1\n              ^");
    CHECK_STR(parse("document d\ndefine m\ntext x=1 y=1 \"{month:$value}\"\n"
                    "end\npage\nuse m value=13\n"),
              "t.tpl:3:15: unknown placeholder in text (see "
              "templates/README.md for the list)\n"
              "    text x=1 y=1 \"{month:13}\"\n                  ^");

    /* Each kind of error, with position and caret. */
    CHECK_STR(parse("document d\npage\nbx x=1\n"),
              "t.tpl:3:1: unknown statement 'bx' (expected page, text, box, "
              "line, rules, table, checkbox, qr, document, title, sheet, define, use)\n"
              "    bx x=1\n    ^");
    CHECK_STR(parse("document d\npage\nbox x=1 y=2 w=3\n"),
              "t.tpl:3:1: 'box' needs h=\n    box x=1 y=2 w=3\n    ^");
    CHECK_STR(parse("document d\npage\nbox x=1 y=abc w=3 h=4\n"),
              "t.tpl:3:11: y= is not a number: 'abc'\n"
              "    box x=1 y=abc w=3 h=4\n              ^");
    CHECK_STR(parse("document d\npage\ntext x=1 y=2 \"ชื่อ {nmae}\"\n"),
              "t.tpl:3:18: unknown placeholder in text (see "
              "templates/README.md for the list)\n"
              "    text x=1 y=2 \"ชื่อ {nmae}\"\n"
              "                     ^");
    CHECK_STR(parse("document d\npage\ntext x=1 y=2 \"open\n"),
              "t.tpl:3:14: string is not closed with '\"'\n"
              "    text x=1 y=2 \"open\n                 ^");
    CHECK_STR(parse("document d\npage\nbox x=1 y=2 w=3 h=4 fill=red\n"),
              "t.tpl:3:26: fill= must be a colour like #1F3A5F\n"
              "    box x=1 y=2 w=3 h=4 fill=red\n"
              "                             ^");
    CHECK_STR(parse("document d\npage\nline x1=0 y1=0 x2=1 y2=1 colour=#000000\n"),
              "t.tpl:3:26: 'line' does not take this\n"
              "    line x1=0 y1=0 x2=1 y2=1 colour=#000000\n"
              "                             ^");
    CHECK_STR(parse("document d\ntext x=1 y=2 \"a\"\n"),
              "t.tpl:2:1: 'text' before the first 'page'\n"
              "    text x=1 y=2 \"a\"\n    ^");
    CHECK_STR(parse("document d\n"), "t.tpl:1: template has no 'page'");
    CHECK_STR(parse("page\n"), "t.tpl:1: template has no 'document NAME' "
              "line");
    CHECK_STR(parse("document d\npage\ntable x=1 y=2 rows=2 cols=\"a|b:3\"\n"),
              "t.tpl:3:22: column 1 of cols= needs ':width' (millimetres)\n"
              "    table x=1 y=2 rows=2 cols=\"a|b:3\"\n"
              "                         ^");
    CHECK_STR(parse("document d\npage\ntext x=1 y=2 size=900 \"a\"\n"),
              "t.tpl:3:19: size= must be between 4 and 200\n"
              "    text x=1 y=2 size=900 \"a\"\n"
              "                      ^");
    CHECK_STR(parse("document d\npage\ntext x=1 y=2 align=middle w=9 \"a\"\n"),
              "t.tpl:3:20: align= must be left, center, right or justify\n"
              "    text x=1 y=2 align=middle w=9 \"a\"\n"
              "                       ^");
    CHECK_STR(parse("document d\npage size=A3\n"),
              "t.tpl:2:11: size= must be A4\n    page size=A3\n"
              "              ^");
    CHECK_STR(parse("document d\npage\ntext x=1 y=2 \"a\\q\"\n"),
              "t.tpl:3:16: unknown escape '\\q' (use \\\" \\\\ or \\n)\n"
              "    text x=1 y=2 \"a\\q\"\n                   ^");
    CHECK_STR(parse("document d\npage\ntext x=1 y=2 \"\xff\"\n"),
              "t.tpl: template is not valid UTF-8");
    ff_err_clear(&e);
    CHECK(gen_template_load("templates/none.tpl", &e) == NULL);
    CHECK_STR(ff_err_str(&e, msg, sizeof msg), "templates/none.tpl: cannot "
              "open template: No such file or directory");

    /* Placeholders: known names, arguments, literal braces. */
    CHECK(gen_vars_known("code", 4));
    CHECK(gen_vars_known("deadline:2568-01", 16));
    CHECK(!gen_vars_known("deadline:2568-13", 16));
    CHECK(!gen_vars_known("citizen_id", 10));   /* never printed */
    CHECK(!gen_vars_known("phone", 5));
    {
        struct gen_vars v;
        struct ff_buf b;
        const char *s = "{{x}} {deadline:2568-02} {month:2025-03} {year}";

        memset(&v, 0, sizeof v);
        v.year = 2025;
        v.month = 1;
        v.day = 2;
        ff_buf_init(&b);
        ff_err_clear(&e);
        CHECK_INT(gen_vars_expand(&v, s, strlen(s), &b, &e), 0);
        /* Dates and months never break at their spaces (text.h joins). */
        CHECK_STR(b.data, "{x} 20\x04กุมภาพันธ์\x04" "2568 มีนาคม\x04" "2568 2568");
        ff_buf_release(&b);
    }
    return check_done("test_template");
}
