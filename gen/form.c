/*
 * form.c - templates/report-form.def into an XLSForm or an Apps Script.
 *
 * The definition is three tables (survey, choices, settings) in TAB-
 * separated text, so that a province can edit a label in a text editor and
 * both outputs follow; XLSForm is then a direct copy of the tables, and the
 * Apps Script a translation of the few question types the form uses (text,
 * integer, month-year date, select_one, select_multiple).  Workload: a few
 * dozen rows; the whole file is held in memory.
 */
#include "form.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "outfile.h"
#include "utf8.h"
#include "xlsxw.h"

#define MAX_COLS 16
#define MAX_ROWS 256

enum { SURVEY, CHOICES, SETTINGS, NSHEETS };
static const char *const sheet_names[NSHEETS] = {"survey", "choices",
                                                 "settings"};

struct row {
    char *cell[MAX_COLS];
    int n;
    long line;
};

struct sheet {
    struct row head;
    struct row rows[MAX_ROWS];
    int nrows, seen;
};

struct def {
    struct ff_buf text;
    struct sheet s[NSHEETS];
};

/* Split line (NUL-terminated, in place) at TABs into r. */
static int split(char *line, long lineno, struct row *r, const char *path,
                 struct ff_err *e)
{
    char *p = line;

    r->n = 0;
    r->line = lineno;
    for (;;) {
        char *tab = strchr(p, '\t');

        if (r->n == MAX_COLS)
            return ff_err_set(e, FF_EINPUT, path, lineno,
                              (long)(p - line) + 1,
                              "more than %d cells", MAX_COLS);
        r->cell[r->n++] = p;
        if (tab == NULL)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return FF_OK;
}

static int col_of(const struct sheet *s, const char *name)
{
    int i;

    for (i = 0; i < s->head.n; i++)
        if (strcmp(s->head.cell[i], name) == 0)
            return i;
    return -1;
}

static const char *cell(const struct sheet *s, const struct row *r,
                        const char *name)
{
    int c = col_of(s, name);

    return c >= 0 && c < r->n ? r->cell[c] : "";
}

static int parse(struct def *d, const char *path, struct ff_err *e)
{
    static const char *const need[NSHEETS][3] = {
        {"type", "name", "label"}, {"list_name", "name", "label"},
        {"form_id", NULL, NULL}};
    char *p = d->text.data, *end = d->text.data + d->text.len;
    struct sheet *cur = NULL;
    long lineno = 0;
    int i, k, rc;

    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *ln = p;
        size_t n;

        if (nl)
            *nl = '\0';
        p = nl ? nl + 1 : end;
        lineno++;
        n = strlen(ln);
        if (n && ln[n - 1] == '\r')
            ln[--n] = '\0';
        if (ff_utf8_invalid_at(ln, n) != n)
            return ff_err_set(e, FF_EINPUT, path, lineno,
                              (long)ff_utf8_invalid_at(ln, n) + 1,
                              "invalid UTF-8");
        if (n == 0 || ln[0] == '#')
            continue;
        if (ln[0] == '[') {
            for (i = 0; i < NSHEETS; i++)
                if (n == strlen(sheet_names[i]) + 2 &&
                    memcmp(ln + 1, sheet_names[i], n - 2) == 0 &&
                    ln[n - 1] == ']')
                    break;
            if (i == NSHEETS)
                return ff_err_set(e, FF_EINPUT, path, lineno, 1,
                                  "expected [survey], [choices] or "
                                  "[settings]");
            if (d->s[i].seen)
                return ff_err_set(e, FF_EINPUT, path, lineno, 1,
                                  "sheet '%s' given twice", sheet_names[i]);
            cur = &d->s[i];
            cur->seen = 1;
            continue;
        }
        if (cur == NULL)
            return ff_err_set(e, FF_EINPUT, path, lineno, 1,
                              "expected a sheet name such as [survey] "
                              "first");
        if (cur->head.n == 0) {
            if ((rc = split(ln, lineno, &cur->head, path, e)))
                return rc;
            continue;
        }
        if (cur->nrows == MAX_ROWS)
            return ff_err_set(e, FF_EINPUT, path, lineno, 1,
                              "more than %d rows", MAX_ROWS);
        if ((rc = split(ln, lineno, &cur->rows[cur->nrows], path, e)))
            return rc;
        if (cur->rows[cur->nrows].n > cur->head.n)
            return ff_err_set(e, FF_EINPUT, path, lineno, 1,
                              "%d cells where the header has %d",
                              cur->rows[cur->nrows].n, cur->head.n);
        cur->nrows++;
    }
    for (i = 0; i < NSHEETS; i++) {
        if (!d->s[i].seen || d->s[i].head.n == 0)
            return ff_err_set(e, FF_EINPUT, path, lineno, 0,
                              "no [%s] sheet with a header row",
                              sheet_names[i]);
        for (k = 0; k < 3 && need[i][k]; k++)
            if (col_of(&d->s[i], need[i][k]) < 0)
                return ff_err_set(e, FF_EINPUT, path, d->s[i].head.line, 1,
                                  "sheet '%s' has no '%s' column",
                                  sheet_names[i], need[i][k]);
    }
    return FF_OK;
}

static int write_xlsx(const struct def *d, const char *out, struct ff_err *e)
{
    struct ff_xlsxw *x = ff_xlsxw_new(out, FF_XLSXW_LITERAL, 0644, e);
    int i, r, c;

    if (x == NULL)
        return e->code;
    for (i = 0; i < NSHEETS; i++) {
        const struct sheet *s = &d->s[i];

        if (ff_xlsxw_sheet(x, sheet_names[i], e)) {
            ff_xlsxw_free(x);
            return e->code;
        }
        for (c = 0; c < s->head.n; c++)
            ff_xlsxw_text(x, 0, c, s->head.cell[c], 1);
        for (r = 0; r < s->nrows; r++)
            for (c = 0; c < s->rows[r].n; c++)
                ff_xlsxw_text(x, r + 1, c, s->rows[r].cell[c], 0);
    }
    return ff_xlsxw_close(x, e);
}

/* s as a JavaScript single-quoted string literal. */
static int js_str(struct ff_buf *b, const char *s)
{
    int rc = ff_buf_addc(b, '\'');

    for (; *s && rc == FF_OK; s++) {
        if (*s == '\'' || *s == '\\')
            rc = ff_buf_addc(b, '\\');
        if (rc == FF_OK)
            rc = ff_buf_addc(b, *s);
    }
    return rc || ff_buf_addc(b, '\'');
}

/* The labels of choice list `list` as a JavaScript array. */
static int js_choices(struct ff_buf *b, const struct def *d, const char *list)
{
    const struct sheet *s = &d->s[CHOICES];
    int r, first = 1, rc = ff_buf_addc(b, '[');

    for (r = 0; r < s->nrows && rc == FF_OK; r++) {
        if (strcmp(cell(s, &s->rows[r], "list_name"), list) != 0)
            continue;
        if (!first)
            rc = ff_buf_adds(b, ", ");
        first = 0;
        if (rc == FF_OK)
            rc = js_str(b, cell(s, &s->rows[r], "label"));
    }
    return rc || ff_buf_addc(b, ']');
}

/* The pattern inside "regex(., '...')", or NULL. */
static const char *regex_of(const char *constraint, char *out, size_t size)
{
    const char *a = strstr(constraint, "regex(., '"), *z;

    if (a == NULL)
        return NULL;
    a += 10;
    z = strrchr(a, '\'');
    if (z == NULL || (size_t)(z - a) >= size)
        return NULL;
    memcpy(out, a, (size_t)(z - a));
    out[z - a] = '\0';
    return out;
}

static int write_gs(const struct def *d, const char *out, int *nq,
                    struct ff_err *e)
{
    const struct sheet *s = &d->s[SURVEY];
    const struct sheet *st = &d->s[SETTINGS];
    struct ff_buf b;
    char pat[256];
    int r, rc = FF_OK;

    ff_buf_init(&b);
    rc = ff_buf_adds(&b,
        "/*\n"
        " * report-form.gs - written by 'ffgen form' from report-form.def:\n"
        " * creates the monthly report form in Google Forms, with the\n"
        " * question titles ffintake's gforms dialect expects, and logs the\n"
        " * prefill link to put in templates/qr.conf (url = ...).\n"
        " *\n"
        " * Use: script.google.com > New project, paste this file, run\n"
        " * createReportForm, allow access; the log (View > Logs) shows the\n"
        " * form's edit link and the qr.conf line.  Then link the form to a\n"
        " * sheet (Responses > Link to Sheets) and download it as CSV.\n"
        " */\n"
        "function reportMonths_() {\n"
        "  // This and next Buddhist year: 'มกราคม 2568' is what ffintake\n"
        "  // reads as a month.\n"
        "  var names = ['มกราคม', 'กุมภาพันธ์', 'มีนาคม', 'เมษายน',\n"
        "               'พฤษภาคม', 'มิถุนายน', 'กรกฎาคม', 'สิงหาคม',\n"
        "               'กันยายน', 'ตุลาคม', 'พฤศจิกายน', 'ธันวาคม'];\n"
        "  var y = new Date().getFullYear() + 543, out = [];\n"
        "  for (var k = y; k <= y + 1; k++)\n"
        "    for (var m = 0; m < 12; m++) out.push(names[m] + ' ' + k);\n"
        "  return out;\n"
        "}\n\n"
        "function createReportForm() {\n"
        "  var form = FormApp.create(");
    if (rc == FF_OK && st->nrows)
        rc = js_str(&b, cell(st, &st->rows[0], "form_title"));
    rc = rc || ff_buf_adds(&b, ");\n  var item, hhid;\n");
    for (r = 0; r < s->nrows && rc == FF_OK; r++) {
        const struct row *w = &s->rows[r];
        const char *type = cell(s, w, "type"), *name = cell(s, w, "name");
        const char *label = cell(s, w, "label"), *hint = cell(s, w, "hint");
        const char *app = cell(s, w, "appearance");

        if (strcmp(type, "start") == 0 || strcmp(type, "end") == 0)
            continue;       /* Google stamps its own Timestamp */
        (*nq)++;
        if (strncmp(type, "select_one ", 11) == 0) {
            rc = ff_buf_adds(&b, "  item = form.addMultipleChoiceItem()"
                                 ".setChoiceValues(") ||
                 js_choices(&b, d, type + 11) || ff_buf_adds(&b, ");\n");
        } else if (strncmp(type, "select_multiple ", 16) == 0) {
            rc = ff_buf_adds(&b, "  item = form.addCheckboxItem()"
                                 ".setChoiceValues(") ||
                 js_choices(&b, d, type + 16) || ff_buf_adds(&b, ");\n");
        } else if (strcmp(type, "date") == 0 &&
                   strcmp(app, "month-year") == 0) {
            rc = ff_buf_adds(&b, "  item = form.addListItem()"
                                 ".setChoiceValues(reportMonths_());\n");
        } else if (strcmp(type, "integer") == 0) {
            rc = ff_buf_adds(&b, "  item = form.addTextItem().setValidation("
                                 "FormApp.createTextValidation()"
                                 ".requireWholeNumber().build());\n");
        } else if (strcmp(type, "text") == 0 &&
                   strcmp(app, "multiline") == 0) {
            rc = ff_buf_adds(&b, "  item = form.addParagraphTextItem();\n");
        } else if (strcmp(type, "text") == 0) {
            rc = ff_buf_adds(&b, "  item = form.addTextItem();\n");
            if (rc == FF_OK &&
                regex_of(cell(s, w, "constraint"), pat, sizeof pat))
                rc = ff_buf_adds(&b, "  item.setValidation(FormApp."
                                     "createTextValidation()"
                                     ".requireTextMatchesPattern(") ||
                     js_str(&b, pat) ||
                     ff_buf_adds(&b, ").setHelpText(") ||
                     js_str(&b, cell(s, w, "constraint_message")) ||
                     ff_buf_adds(&b, ").build());\n");
        } else {
            ff_buf_release(&b);
            return ff_err_set(e, FF_EINPUT, NULL, w->line, 1,
                              "question type '%.40s' has no Google Forms "
                              "equivalent here", type);
        }
        rc = rc || ff_buf_adds(&b, "  item.setTitle(") ||
             js_str(&b, label) || ff_buf_adds(&b, ");\n");
        if (rc == FF_OK && hint[0])
            rc = ff_buf_adds(&b, "  item.setHelpText(") ||
                 js_str(&b, hint) || ff_buf_adds(&b, ");\n");
        if (rc == FF_OK && strcmp(cell(s, w, "required"), "yes") == 0)
            rc = ff_buf_adds(&b, "  item.setRequired(true);\n");
        if (rc == FF_OK && strcmp(name, "hhid") == 0)
            rc = ff_buf_adds(&b, "  hhid = item;\n");
    }
    rc = rc || ff_buf_adds(&b,
        "  // The prefill link: the household answer becomes {token}.\n"
        "  var url = form.createResponse()\n"
        "      .withItemResponse(hhid.createResponse("
        "'24050612765'))\n"
        "      .toPrefilledUrl().replace('24050612765', '{token}');\n"
        "  Logger.log('edit the form: ' + form.getEditUrl());\n"
        "  Logger.log('templates/qr.conf:\\n  mode = url\\n  url = ' + url +\n"
        "             '\\n  max_version = 8');\n"
        "  return url;\n"
        "}\n");
    if (rc) {
        ff_buf_release(&b);
        return ff_err_set(e, FF_ESYS, out, 0, 0, "out of memory");
    }
    rc = ff_outfile_write(out, b.data, b.len, 0644, e);
    ff_buf_release(&b);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);

    return n >= k && strcmp(s + n - k, suffix) == 0;
}

int gen_form_write(const char *def_path, const char *out_path, int *fields,
                   struct ff_err *e)
{
    struct def *d;
    char chunk[4096];
    size_t got;
    FILE *fp;
    int rc, nq = 0;

    if (!ends_with(out_path, ".xlsx") && !ends_with(out_path, ".gs"))
        return ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "form: -o '%s' must "
                          "end in .xlsx (XLSForm) or .gs (Apps Script)",
                          out_path);
    d = ff_calloc(1, sizeof *d);
    if (d == NULL)
        return ff_err_set(e, FF_ESYS, def_path, 0, 0, "out of memory");
    ff_buf_init(&d->text);
    fp = fopen(def_path, "rb");
    if (fp == NULL) {
        rc = ff_err_sys(e, def_path, "cannot open form definition");
        goto out;
    }
    rc = FF_OK;
    while (rc == FF_OK && (got = fread(chunk, 1, sizeof chunk, fp)) > 0)
        if (ff_buf_add(&d->text, chunk, got))
            rc = ff_err_set(e, FF_ESYS, def_path, 0, 0, "out of memory");
    if (rc == FF_OK && ferror(fp))
        rc = ff_err_sys(e, def_path, "cannot read form definition");
    fclose(fp);
    if (rc == FF_OK && ff_buf_addc(&d->text, '\0'))
        rc = ff_err_set(e, FF_ESYS, def_path, 0, 0, "out of memory");
    if (rc == FF_OK) {
        d->text.len--;
        rc = parse(d, def_path, e);
    }
    if (rc == FF_OK) {
        if (ends_with(out_path, ".xlsx")) {
            const struct sheet *s = &d->s[SURVEY];
            int r;

            for (r = 0; r < s->nrows; r++)
                nq += strcmp(cell(s, &s->rows[r], "type"), "start") &&
                      strcmp(cell(s, &s->rows[r], "type"), "end");
            rc = write_xlsx(d, out_path, e);
        } else {
            rc = write_gs(d, out_path, &nq, e);
            if (rc && e->file[0] == '\0')
                snprintf(e->file, sizeof e->file, "%s", def_path);
        }
    }
    if (rc == FF_OK && fields)
        *fields = nq;
out:
    ff_buf_release(&d->text);
    ff_free(d);
    return rc;
}
