/*
 * template.c - the layout template parser.
 *
 * One statement per line:  KEYWORD [key=value | flag | "text"]...
 * Values are numbers (millimetres for positions and sizes, points for text
 * size and stroke width), words, #RRGGBB colours or "quoted strings" with
 * \" \\ and \n escapes.  '#' outside quotes at the start of a token begins a
 * comment.  Every error carries file:line:col (col counts characters, so
 * the caret lands under the right place in a Thai line) and shows the line.
 */
#include "template.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "text.h"
#include "utf8.h"
#include "vars.h"

#define MAX_TOKENS 48

struct token {
    const char *key;        /* NULL for a bare word or a string */
    size_t key_len;
    const char *val;        /* the word, the value, or the string */
    size_t val_len;
    int quoted;
    size_t col;             /* byte offset in the line */
    char *unescaped;        /* owned: quoted value without escapes */
    int used;
};

/* A `define NAME` ... `end` block: a range of the template's own text. */
struct tpl_def {
    char name[32];
    long first_line;        /* line number of the first body line */
    const char *body;       /* body text (borrowed from the source) */
    size_t len;
};

#define MAX_DEFS 16

struct parser {
    const char *name;
    const char *line;       /* current line (not NUL-terminated) */
    size_t line_len;
    long lineno;
    struct token tok[MAX_TOKENS];
    size_t ntok;
    struct ff_err *e;
    struct tpl_def defs[MAX_DEFS];
    size_t ndefs;
    int in_def;             /* inside define ... end */
};

/* Display column of byte offset off: Thai marks take no column. */
static long display_col(const char *s, size_t off)
{
    size_t i = 0;
    long col = 1;
    uint32_t cp;

    while (i < off) {
        size_t k = ff_utf8_decode(s + i, off - i, &cp);

        if (k == 0) {
            k = 1;
            cp = '?';
        }
        if (!(cp == 0x0E31 || (cp >= 0x0E34 && cp <= 0x0E3A) ||
              (cp >= 0x0E47 && cp <= 0x0E4E)))
            col++;
        i += k;
    }
    return col;
}

static int perr(struct parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Report at byte offset off of the current line, with the line and a caret. */
static int perr(struct parser *p, size_t off, const char *fmt, ...)
{
    char head[256], shown[220];
    long col = display_col(p->line, off);
    size_t n = p->line_len < sizeof shown - 1 ? p->line_len
                                               : sizeof shown - 1;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    memcpy(shown, p->line, n);
    shown[n] = '\0';
    return ff_err_set(p->e, FF_EINPUT, p->name, p->lineno, col,
                      "%s\n    %s\n    %*s^", head, shown, (int)(col - 1),
                      "");
}

static void free_tokens(struct parser *p)
{
    size_t i;

    for (i = 0; i < p->ntok; i++)
        ff_free(p->tok[i].unescaped);
    p->ntok = 0;
}

/* Read a quoted string starting at s[i] == '"'; returns end offset. */
static int read_quoted(struct parser *p, size_t i, size_t *end,
                       struct token *t)
{
    struct ff_buf b;
    size_t j = i + 1;

    ff_buf_init(&b);
    while (j < p->line_len && p->line[j] != '"') {
        char c = p->line[j];

        if (c == '\\' && j + 1 < p->line_len) {
            char d = p->line[j + 1];

            c = d == 'n' ? '\n' : d;
            if (d != 'n' && d != '"' && d != '\\') {
                ff_buf_release(&b);
                return perr(p, j, "unknown escape '\\%c' (use \\\" \\\\ "
                            "or \\n)", d);
            }
            j++;
        }
        if (ff_buf_addc(&b, c)) {
            ff_buf_release(&b);
            return ff_err_set(p->e, FF_ESYS, p->name, 0, 0, "out of memory");
        }
        j++;
    }
    if (j >= p->line_len) {
        ff_buf_release(&b);
        return perr(p, i, "string is not closed with '\"'");
    }
    if (ff_utf8_invalid_at(b.data, b.len) != b.len) {
        ff_buf_release(&b);
        return perr(p, i, "string is not valid UTF-8");
    }
    t->unescaped = ff_buf_detach(&b, &t->val_len);
    if (t->unescaped == NULL)
        return ff_err_set(p->e, FF_ESYS, p->name, 0, 0, "out of memory");
    t->val = t->unescaped;
    t->quoted = 1;
    *end = j + 1;
    return FF_OK;
}

static int tokenize(struct parser *p)
{
    size_t i = 0;

    p->ntok = 0;
    for (;;) {
        struct token *t;
        size_t start;

        while (i < p->line_len && (p->line[i] == ' ' || p->line[i] == '\t'))
            i++;
        if (i >= p->line_len || p->line[i] == '#')
            return FF_OK;
        if (p->ntok == MAX_TOKENS)
            return perr(p, i, "too many items on one line");
        t = &p->tok[p->ntok++];
        memset(t, 0, sizeof *t);
        t->col = i;
        if (p->line[i] == '"') {
            if (read_quoted(p, i, &i, t))
                return p->e->code;
        } else {
            start = i;
            while (i < p->line_len && p->line[i] != ' ' &&
                   p->line[i] != '\t' && p->line[i] != '=' &&
                   p->line[i] != '"')
                i++;
            if (i < p->line_len && p->line[i] == '=') {
                t->key = p->line + start;
                t->key_len = i - start;
                if (t->key_len == 0)
                    return perr(p, start, "'=' without a name before it");
                i++;
                if (i < p->line_len && p->line[i] == '"') {
                    if (read_quoted(p, i, &i, t))
                        return p->e->code;
                } else {
                    start = i;
                    while (i < p->line_len && p->line[i] != ' ' &&
                           p->line[i] != '\t')
                        i++;
                    t->val = p->line + start;
                    t->val_len = i - start;
                    if (t->val_len == 0)
                        return perr(p, start, "'%.*s=' needs a value",
                                    (int)t->key_len, t->key);
                }
            } else {
                if (i < p->line_len && p->line[i] == '"')
                    return perr(p, i, "put a space before '\"'");
                t->val = p->line + start;
                t->val_len = i - start;
            }
        }
    }
}

static struct token *find(struct parser *p, const char *key)
{
    size_t i, n = strlen(key);

    for (i = 1; i < p->ntok; i++) {
        struct token *t = &p->tok[i];

        if (t->key && t->key_len == n && memcmp(t->key, key, n) == 0) {
            t->used = 1;
            return t;
        }
    }
    return NULL;
}

static int flag(struct parser *p, const char *word)
{
    size_t i, n = strlen(word);

    for (i = 1; i < p->ntok; i++) {
        struct token *t = &p->tok[i];

        if (!t->key && !t->quoted && t->val_len == n &&
            memcmp(t->val, word, n) == 0) {
            t->used = 1;
            return 1;
        }
    }
    return 0;
}

static struct token *string_arg(struct parser *p)
{
    size_t i;

    for (i = 1; i < p->ntok; i++)
        if (!p->tok[i].key && p->tok[i].quoted) {
            p->tok[i].used = 1;
            return &p->tok[i];
        }
    return NULL;
}

static int num(struct parser *p, const char *key, int required, double lo,
               double hi, double *out);

/* y= of a flowing item: "+N" (N mm below the item before) or a number. */
static int ypos(struct parser *p, struct tpl_item *it, const char *key)
{
    struct token *t = find(p, key);

    if (t && t->val_len > 1 && t->val[0] == '+') {
        char buf[64];
        char *end;
        double v;

        if (t->val_len >= sizeof buf)
            return perr(p, t->col, "%s= is not a number", key);
        memcpy(buf, t->val + 1, t->val_len - 1);
        buf[t->val_len - 1] = '\0';
        errno = 0;
        v = strtod(buf, &end);
        if (end == buf || *end != '\0' || errno || !isfinite(v) || v < 0 ||
            v > 300)
            return perr(p, t->col + t->key_len + 1, "%s=+ needs a distance "
                        "in millimetres from 0 to 300", key);
        it->y = v;
        it->flow = 1;
        return num(p, "miny", 0, 0, 2000, &it->min_y);
    }
    if (t)
        t->used = 0;
    if (flag(p, "beside")) {
        it->beside = 1;
        return t ? perr(p, t->col, "'beside' takes the top of the item "
                        "before: leave out %s=", key)
                 : FF_OK;
    }
    return num(p, key, 1, -2000, 2000, &it->y);
}

/* to=+N of a box or rules: its bottom N mm below the item before. */
static int to_pos(struct parser *p, struct tpl_item *it)
{
    struct token *t = find(p, "to");

    if (t == NULL)
        return num(p, "h", 1, 0, 2000, &it->h);
    if (t->val_len < 2 || t->val[0] != '+')
        return perr(p, t->col, "to= must be +N (millimetres below the item "
                    "before)");
    {
        char buf[64];
        char *end;

        snprintf(buf, sizeof buf, "%.*s", (int)t->val_len - 1, t->val + 1);
        it->h = strtod(buf, &end);
        if (end == buf || *end != '\0' || !isfinite(it->h) || it->h < 0 ||
            it->h > 300)
            return perr(p, t->col, "to=+ needs millimetres from 0 to 300");
    }
    it->to_flow = 1;
    if (find(p, "h"))
        return perr(p, t->col, "a box has either h= or to=");
    return FF_OK;
}

/* A number value of key; *out untouched when absent and !required. */
static int num(struct parser *p, const char *key, int required, double lo,
               double hi, double *out)
{
    struct token *t = find(p, key);
    char buf[64];
    char *end;
    double v;

    if (t == NULL) {
        if (required)
            return perr(p, p->tok[0].col, "'%.*s' needs %s=",
                        (int)p->tok[0].val_len, p->tok[0].val, key);
        return FF_OK;
    }
    if (t->val_len >= sizeof buf)
        return perr(p, t->col, "%s= is not a number", key);
    memcpy(buf, t->val, t->val_len);
    buf[t->val_len] = '\0';
    errno = 0;
    v = strtod(buf, &end);
    if (end == buf || *end != '\0' || errno || !isfinite(v))
        return perr(p, t->col + t->key_len + 1, "%s= is not a number: '%s'",
                    key, buf);
    if (v < lo || v > hi)
        return perr(p, t->col + t->key_len + 1,
                    "%s= must be between %g and %g", key, lo, hi);
    *out = v;
    return FF_OK;
}

static int color(struct parser *p, const char *key, unsigned *out, int *set)
{
    struct token *t = find(p, key);
    unsigned v = 0;
    size_t i;

    if (t == NULL)
        return FF_OK;
    if (t->val_len != 7 || t->val[0] != '#')
        return perr(p, t->col + t->key_len + 1,
                    "%s= must be a colour like #1F3A5F", key);
    for (i = 1; i < 7; i++) {
        int c = tolower((unsigned char)t->val[i]);

        if (!isxdigit(c))
            return perr(p, t->col + t->key_len + 1 + i,
                        "%s= must be a colour like #1F3A5F", key);
        v = v * 16 + (unsigned)(isdigit(c) ? c - '0' : c - 'a' + 10);
    }
    *out = v;
    if (set)
        *set = 1;
    return FF_OK;
}

/* Check the placeholders of a string token; the caret goes at the '{'. */
static int check_text(struct parser *p, const struct token *t)
{
    size_t bad = gen_template_check_placeholders(t->val, t->val_len);

    if (bad == t->val_len)
        return FF_OK;
    /* Point at the '{': after "key=" and the opening quote.  Escapes
     * before it would shift the caret; they are rare in templates. */
    return perr(p, t->col + (t->key ? t->key_len + 1 : 0) +
                       (t->quoted ? 1 : 0) + bad,
                "unknown placeholder in text (see templates/README.md for "
                "the list)");
}

static int dup_text(struct parser *p, const struct token *t, char **out)
{
    *out = ff_strndup(t->val, t->val_len);
    return *out ? FF_OK
                : ff_err_set(p->e, FF_ESYS, p->name, 0, 0, "out of memory");
}

/* Split "a|b|c" into an owned array. */
static int split_bar(struct parser *p, const struct token *t, char ***out,
                     size_t *n)
{
    size_t i, k = 1, start = 0;
    char **v;

    for (i = 0; i < t->val_len; i++)
        if (t->val[i] == '|')
            k++;
    v = ff_calloc(k, sizeof *v);
    if (v == NULL)
        return ff_err_set(p->e, FF_ESYS, p->name, 0, 0, "out of memory");
    *out = v;
    *n = k;
    k = 0;
    for (i = 0; i <= t->val_len; i++) {
        if (i == t->val_len || t->val[i] == '|') {
            v[k] = ff_strndup(t->val + start, i - start);
            if (v[k] == NULL)
                return ff_err_set(p->e, FF_ESYS, p->name, 0, 0,
                                  "out of memory");
            k++;
            start = i + 1;
        }
    }
    return FF_OK;
}

static int align_of(struct parser *p, int *out)
{
    struct token *t = find(p, "align");
    static const char *const words[] = {"left", "center", "right", "justify"};
    int i;

    if (t == NULL)
        return FF_OK;
    for (i = 0; i < 4; i++)
        if (strlen(words[i]) == t->val_len &&
            memcmp(words[i], t->val, t->val_len) == 0) {
            *out = i;
            return FF_OK;
        }
    return perr(p, t->col + t->key_len + 1,
                "align= must be left, center, right or justify");
}

static void item_defaults(struct tpl_item *it, long line)
{
    memset(it, 0, sizeof *it);
    it->line = line;
    it->size = 14;
    it->width = 0.6;
    it->align = FF_ALIGN_LEFT;
}

static int parse_item(struct parser *p, const char *kw, struct tpl_item *it)
{
    struct token *t;
    const double big = 2000;

    if (strcmp(kw, "text") == 0 || strcmp(kw, "checkbox") == 0) {
        it->kind = kw[0] == 't' ? TPL_TEXT : TPL_CHECKBOX;
        if (num(p, "x", 1, -big, big, &it->x) || ypos(p, it, "y") ||
            num(p, "w", 0, 0, big, &it->w) || num(p, "h", 0, 0, big, &it->h) ||
            num(p, "size", 0, 4, 200, &it->size) ||
            num(p, "minsize", 0, 4, 200, &it->min_size) ||
            num(p, "leading", 0, 0, 400, &it->leading) ||
            align_of(p, &it->align) || color(p, "color", &it->color, NULL))
            return p->e->code;
        it->bold = flag(p, "bold");
        t = string_arg(p);
        if (t == NULL)
            return perr(p, p->tok[0].col, "'%s' needs its text in quotes",
                        kw);
        if (check_text(p, t) || dup_text(p, t, &it->text))
            return p->e->code;
        if (it->align != FF_ALIGN_LEFT && it->w <= 0 && it->kind == TPL_TEXT)
            return perr(p, p->tok[0].col, "align= needs w= (the box width)");
        return FF_OK;
    }
    if (strcmp(kw, "box") == 0 || strcmp(kw, "rules") == 0) {
        it->kind = kw[0] == 'b' ? TPL_BOX : TPL_RULES;
        it->step = 8;
        if (num(p, "x", 1, -big, big, &it->x) || ypos(p, it, "y") ||
            num(p, "w", 1, 0, big, &it->w) || to_pos(p, it) ||
            num(p, "width", 0, 0, 20, &it->width) ||
            num(p, "step", 0, 2, 100, &it->step) ||
            color(p, "color", &it->color, NULL) ||
            color(p, "fill", &it->fill, &it->has_fill))
            return p->e->code;
        it->dashed = flag(p, "dashed");
        return FF_OK;
    }
    if (strcmp(kw, "line") == 0) {
        it->kind = TPL_LINE;
        if (num(p, "x1", 1, -big, big, &it->x) ||
            num(p, "y1", 1, -big, big, &it->y) ||
            num(p, "x2", 1, -big, big, &it->x2) ||
            num(p, "y2", 1, -big, big, &it->y2) ||
            num(p, "width", 0, 0, 20, &it->width) ||
            color(p, "color", &it->color, NULL))
            return p->e->code;
        it->dashed = flag(p, "dashed");
        return FF_OK;
    }
    if (strcmp(kw, "table") == 0) {
        double rows = 0;
        size_t i;

        it->kind = TPL_TABLE;
        it->size = 12;
        it->rowh = 8;
        it->headh = 0;
        double max_rows = 0;

        if (num(p, "x", 1, -big, big, &it->x) || ypos(p, it, "y") ||
            num(p, "rows", 1, 0, 200, &rows) ||
            num(p, "max", 0, 1, 500, &max_rows) ||
            num(p, "rowh", 0, 2, 200, &it->rowh) ||
            num(p, "headh", 0, 2, 200, &it->headh) ||
            num(p, "size", 0, 4, 100, &it->size) ||
            num(p, "width", 0, 0, 20, &it->width) ||
            color(p, "fill", &it->fill, &it->has_fill))
            return p->e->code;
        it->rows = (int)rows;
        it->max_rows = (int)max_rows;
        if ((t = find(p, "grow")) != NULL) {
            if (!gen_vars_known(t->val, t->val_len))
                return perr(p, t->col + 5, "grow= must name a placeholder "
                            "such as members");
            if ((it->grow = ff_strndup(t->val, t->val_len)) == NULL)
                return ff_err_set(p->e, FF_ESYS, p->name, 0, 0,
                                  "out of memory");
        } else if (max_rows > 0) {
            return perr(p, p->tok[0].col, "max= needs grow=");
        }
        t = find(p, "cols");
        if (t == NULL)
            return perr(p, p->tok[0].col,
                        "'table' needs cols=\"heading:width|...\"");
        if (check_text(p, t) || split_bar(p, t, &it->heads, &it->ncols))
            return p->e->code;
        it->widths = ff_calloc(it->ncols, sizeof *it->widths);
        if (it->widths == NULL)
            return ff_err_set(p->e, FF_ESYS, p->name, 0, 0, "out of memory");
        for (i = 0; i < it->ncols; i++) {
            char *colon = strrchr(it->heads[i], ':');
            char *end;

            if (colon == NULL)
                return perr(p, t->col, "column %zu of cols= needs "
                            "':width' (millimetres)", i + 1);
            it->widths[i] = strtod(colon + 1, &end);
            if (end == colon + 1 || *end != '\0' || it->widths[i] <= 0)
                return perr(p, t->col, "column %zu of cols= has a bad "
                            "width '%s'", i + 1, colon + 1);
            *colon = '\0';
            it->w += it->widths[i];
        }
        if (it->headh <= 0)
            it->headh = it->rowh;
        if ((t = find(p, "caption")) != NULL &&
            (check_text(p, t) || dup_text(p, t, &it->text)))
            return p->e->code;
        t = find(p, "first");
        if (t && (check_text(p, t) ||
                  split_bar(p, t, &it->first, &it->nfirst)))
            return p->e->code;
        if (t && it->nfirst > (size_t)(it->max_rows > it->rows
                                           ? it->max_rows : it->rows))
            return perr(p, t->col, "first= has %zu rows, the table %d",
                        it->nfirst, it->rows);
        return FF_OK;
    }
    if (strcmp(kw, "qr") == 0) {
        it->kind = TPL_QR;
        if (num(p, "x", 1, -big, big, &it->x) ||
            num(p, "y", 1, -big, big, &it->y) ||
            num(p, "size", 1, 5, 300, &it->w))
            return p->e->code;
        it->h = it->w;
        it->label = !flag(p, "nolabel");
        it->size = 11;
        return num(p, "labelsize", 0, 4, 40, &it->size);
    }
    return perr(p, p->tok[0].col, "unknown statement '%s' (expected page, "
                "text, box, line, rules, table, checkbox, qr, document, "
                "title, sheet, define, use)", kw);
}

static int page_size(struct parser *p, double *w, double *h)
{
    struct token *t = find(p, "size");

    *w = 210;
    *h = 297;
    if (t && !(t->val_len == 2 && memcmp(t->val, "A4", 2) == 0))
        return perr(p, t->col + 5, "size= must be A4");
    if (flag(p, "landscape")) {
        *w = 297;
        *h = 210;
    }
    flag(p, "portrait");
    return FF_OK;
}

static int add_page(struct parser *p, struct gen_template *t)
{
    struct tpl_page *pg;

    pg = ff_grow(t->pages, &t->cap, t->npages + 1, sizeof *pg, 4);
    if (pg == NULL)
        return ff_err_set(p->e, FF_ESYS, p->name, 0, 0, "out of memory");
    t->pages = pg;
    pg = &t->pages[t->npages++];
    memset(pg, 0, sizeof *pg);
    {
        struct token *sh = find(p, "sheet");

        if (sh && (sh->val_len == 0 || sh->val_len >= sizeof pg->sheet))
            return perr(p, sh->col, "sheet= needs a sheet name");
        if (sh)
            memcpy(pg->sheet, sh->val, sh->val_len);
    }
    return page_size(p, &pg->w, &pg->h);
}

static int add_item(struct parser *p, struct tpl_page *pg,
                    const struct tpl_item *it)
{
    struct tpl_item *v = ff_grow(pg->items, &pg->cap, pg->n + 1, sizeof *v,
                                 16);

    if (v == NULL)
        return ff_err_set(p->e, FF_ESYS, p->name, 0, 0, "out of memory");
    pg->items = v;
    pg->items[pg->n++] = *it;
    return FF_OK;
}

static void item_release(struct tpl_item *it)
{
    size_t i;

    ff_free(it->text);
    for (i = 0; it->heads && i < it->ncols; i++)
        ff_free(it->heads[i]);
    ff_free(it->heads);
    ff_free(it->widths);
    for (i = 0; it->first && i < it->nfirst; i++)
        ff_free(it->first[i]);
    ff_free(it->first);
    ff_free(it->grow);
    memset(it, 0, sizeof *it);
}

static int sheet(struct parser *p, struct gen_template *t)
{
    struct tpl_sheet *sh;
    struct token *name = find(p, "name");
    double cols = 0, rows = 0;

    if (t->nsheets == sizeof t->sheets / sizeof t->sheets[0])
        return perr(p, p->tok[0].col, "too many sheets");
    sh = &t->sheets[t->nsheets];
    memset(sh, 0, sizeof *sh);
    if (name == NULL || name->val_len == 0 || name->val_len >= sizeof sh->name)
        return perr(p, p->tok[0].col, "'sheet' needs name= (up to %zu "
                    "characters)", sizeof sh->name - 1);
    memcpy(sh->name, name->val, name->val_len);
    if (num(p, "cols", 1, 1, 20, &cols) || num(p, "rows", 1, 1, 40, &rows) ||
        num(p, "w", 1, 5, 297, &sh->w) || num(p, "h", 1, 5, 297, &sh->h) ||
        num(p, "left", 0, 0, 200, &sh->left) ||
        num(p, "top", 0, 0, 200, &sh->top) ||
        num(p, "hgap", 0, 0, 100, &sh->hgap) ||
        num(p, "vgap", 0, 0, 100, &sh->vgap))
        return p->e->code;
    sh->margin = 5;
    if (num(p, "margin", 0, 0, 30, &sh->margin))
        return p->e->code;
    sh->cols = (int)cols;
    sh->rows = (int)rows;
    if (sh->left + sh->cols * sh->w + (sh->cols - 1) * sh->hgap > 210.01 ||
        sh->top + sh->rows * sh->h + (sh->rows - 1) * sh->vgap > 297.01)
        return perr(p, p->tok[0].col, "sheet '%s' does not fit on A4",
                    sh->name);
    t->nsheets++;
    return FF_OK;
}

static int statement(struct parser *p, struct gen_template *t)
{
    char kw[32];
    struct tpl_item it;
    size_t i;
    struct token *s;

    if (p->tok[0].key || p->tok[0].quoted || p->tok[0].val_len >= sizeof kw)
        return perr(p, p->tok[0].col, "a line must start with a statement "
                    "name");
    memcpy(kw, p->tok[0].val, p->tok[0].val_len);
    kw[p->tok[0].val_len] = '\0';
    item_defaults(&it, p->lineno);
    if (strcmp(kw, "document") == 0) {
        if (p->ntok < 2 || p->tok[1].key || p->tok[1].quoted)
            return perr(p, p->tok[0].col, "'document' needs a name");
        p->tok[1].used = 1;
        ff_free(t->name);
        if ((t->name = ff_strndup(p->tok[1].val, p->tok[1].val_len)) == NULL)
            return ff_err_set(p->e, FF_ESYS, p->name, 0, 0, "out of memory");
    } else if (strcmp(kw, "title") == 0) {
        if ((s = string_arg(p)) == NULL)
            return perr(p, p->tok[0].col, "'title' needs its text in quotes");
        ff_free(t->title);
        if (dup_text(p, s, &t->title))
            return p->e->code;
    } else if (strcmp(kw, "sheet") == 0) {
        if (sheet(p, t))
            return p->e->code;
    } else if (strcmp(kw, "page") == 0) {
        if (add_page(p, t))
            return p->e->code;
    } else {
        if (parse_item(p, kw, &it)) {
            item_release(&it);
            return p->e->code;
        }
        if (it.kind == TPL_QR && t->npages == 0) {
            item_release(&t->qr);
            t->qr = it;
            t->has_qr = 1;
        } else if (t->npages == 0) {
            item_release(&it);
            return perr(p, p->tok[0].col, "'%s' before the first 'page'", kw);
        } else if (add_item(p, &t->pages[t->npages - 1], &it)) {
            item_release(&it);
            return p->e->code;
        }
    }
    for (i = 1; i < p->ntok; i++)
        if (!p->tok[i].used)
            return perr(p, p->tok[i].col, "'%s' does not take this", kw);
    return FF_OK;
}

/* Is the current line's statement `word` (first token)? */
static int is_kw(const struct parser *p, const char *word)
{
    size_t n = strlen(word);

    return p->ntok > 0 && !p->tok[0].key && !p->tok[0].quoted &&
           p->tok[0].val_len == n && memcmp(p->tok[0].val, word, n) == 0;
}

/* Shift every item added to the current page since `from` by (dx, dy). */
static void shift_items(struct gen_template *t, size_t from, double dx,
                        double dy)
{
    struct tpl_page *pg = &t->pages[t->npages - 1];
    size_t i;

    for (i = from; i < pg->n; i++) {
        pg->items[i].x += dx;
        if (!pg->items[i].flow && !pg->items[i].beside)
            pg->items[i].y += dy;
        pg->items[i].x2 += dx;
        pg->items[i].y2 += dy;
    }
}

/*
 * `use NAME dx= dy= value="..."`: parse the block's lines as if they stood
 * here, with every "$value" replaced, and move what they draw by (dx, dy).
 * Errors point at the block's own lines.
 */
static int use_block(struct parser *p, struct gen_template *t)
{
    const struct tpl_def *d = NULL;
    struct token *name = p->ntok > 1 ? &p->tok[1] : NULL;
    struct token *val;
    struct parser q;
    struct ff_buf line;
    double dx = 0, dy = 0;
    char value[256] = "";
    size_t i, pos = 0, first;
    int rc = FF_OK;

    if (name == NULL || name->key || name->quoted)
        return perr(p, p->tok[0].col, "'use' needs a block name");
    name->used = 1;
    for (i = 0; i < p->ndefs; i++)
        if (strlen(p->defs[i].name) == name->val_len &&
            memcmp(p->defs[i].name, name->val, name->val_len) == 0)
            d = &p->defs[i];
    if (d == NULL)
        return perr(p, name->col, "no block '%.*s' defined above",
                    (int)name->val_len, name->val);
    if (num(p, "dx", 0, -500, 500, &dx) || num(p, "dy", 0, -500, 500, &dy))
        return p->e->code;
    if ((val = find(p, "value")) != NULL)
        snprintf(value, sizeof value, "%.*s", (int)val->val_len, val->val);
    for (i = 1; i < p->ntok; i++)
        if (!p->tok[i].used)
            return perr(p, p->tok[i].col, "'use' does not take this");
    if (t->npages == 0)
        return perr(p, p->tok[0].col, "'use' before the first 'page'");
    first = t->pages[t->npages - 1].n;
    q = *p;
    q.ntok = 0;
    q.lineno = d->first_line - 1;
    ff_buf_init(&line);
    while (pos < d->len && rc == FF_OK) {
        const char *s = d->body + pos;
        const char *nl = memchr(s, '\n', d->len - pos);
        size_t len = nl ? (size_t)(nl - s) : d->len - pos, k;

        ff_buf_reset(&line);
        for (k = 0; k < len && rc == FF_OK; k++) {
            if (len - k >= 6 && memcmp(s + k, "$value", 6) == 0) {
                rc = ff_buf_adds(&line, value) ? FF_ESYS : FF_OK;
                k += 5;
            } else if (s[k] != '\r') {
                rc = ff_buf_addc(&line, s[k]) ? FF_ESYS : FF_OK;
            }
        }
        if (rc) {
            rc = ff_err_set(p->e, FF_ESYS, p->name, 0, 0, "out of memory");
            break;
        }
        q.line = line.data;
        q.line_len = line.len;
        q.lineno++;
        if (tokenize(&q) == FF_OK && q.ntok) {
            if (is_kw(&q, "use") || is_kw(&q, "define") || is_kw(&q, "page"))
                rc = perr(&q, q.tok[0].col, "a block cannot hold 'use', "
                          "'define' or 'page'");
            else
                rc = statement(&q, t);
        }
        rc = rc ? rc : p->e->code;
        free_tokens(&q);
        pos += len + 1;
    }
    ff_buf_release(&line);
    if (rc == FF_OK)
        shift_items(t, first, dx, dy);
    return rc;
}

/* define / end / use; returns 1 when the line was one of them (or inside a
 * block being defined), with *rc set. */
static int block_line(struct parser *p, struct gen_template *t,
                      const char *text, size_t next, int *rc)
{
    *rc = FF_OK;
    if (p->in_def) {
        if (is_kw(p, "end")) {
            struct tpl_def *d = &p->defs[p->ndefs - 1];

            d->len = (size_t)(p->line - d->body);
            p->in_def = 0;
        }
        return 1;
    }
    if (is_kw(p, "define")) {
        struct tpl_def *d;

        if (p->ntok != 2 || p->tok[1].key || p->tok[1].quoted ||
            p->tok[1].val_len >= sizeof d->name) {
            *rc = perr(p, p->tok[0].col, "'define' needs one short name");
            return 1;
        }
        if (p->ndefs == MAX_DEFS) {
            *rc = perr(p, p->tok[0].col, "more than %d blocks", MAX_DEFS);
            return 1;
        }
        d = &p->defs[p->ndefs++];
        memset(d, 0, sizeof *d);
        memcpy(d->name, p->tok[1].val, p->tok[1].val_len);
        d->first_line = p->lineno + 1;
        d->body = text + next;
        p->in_def = 1;
        return 1;
    }
    if (is_kw(p, "end")) {
        *rc = perr(p, p->tok[0].col, "'end' without 'define'");
        return 1;
    }
    if (is_kw(p, "use")) {
        *rc = use_block(p, t);
        return 1;
    }
    return 0;
}

struct gen_template *gen_template_parse(const char *name, const char *text,
                                        size_t n, struct ff_err *e)
{
    struct gen_template *t = ff_calloc(1, sizeof *t);
    struct parser p;
    size_t pos = 0;
    int rc = FF_OK;

    memset(&p, 0, sizeof p);
    p.name = name;
    p.e = e;
    if (t == NULL || (t->path = ff_strdup(name)) == NULL) {
        ff_err_set(e, FF_ESYS, name, 0, 0, "out of memory");
        goto fail;
    }
    if (ff_utf8_invalid_at(text, n) != n) {
        ff_err_set(e, FF_EINPUT, name, 0, 0, "template is not valid UTF-8");
        goto fail;
    }
    while (pos < n) {
        const char *nl = memchr(text + pos, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - (text + pos)) : n - pos;

        p.line = text + pos;
        p.line_len = len;
        if (len && p.line[len - 1] == '\r')
            p.line_len--;
        p.lineno++;
        if (tokenize(&p) ||
            (!block_line(&p, t, text, pos + len + 1, &rc) && p.ntok &&
             (rc = statement(&p, t)) != FF_OK) ||
            rc != FF_OK) {
            free_tokens(&p);
            goto fail;
        }
        free_tokens(&p);
        pos += len + 1;
    }
    if (p.in_def) {
        ff_err_set(e, FF_EINPUT, name, p.defs[p.ndefs - 1].first_line - 1, 0,
                   "'define %s' has no 'end'", p.defs[p.ndefs - 1].name);
        goto fail;
    }
    if (t->npages == 0) {
        ff_err_set(e, FF_EINPUT, name, p.lineno, 0,
                   "template has no 'page'");
        goto fail;
    }
    if (t->name == NULL) {
        ff_err_set(e, FF_EINPUT, name, 1, 0,
                   "template has no 'document NAME' line");
        goto fail;
    }
    return t;
fail:
    gen_template_free(t);
    return NULL;
}

struct gen_template *gen_template_load(const char *path, struct ff_err *e)
{
    FILE *fp = fopen(path, "rb");
    struct ff_buf b;
    char chunk[8192];
    size_t k;
    struct gen_template *t = NULL;

    ff_buf_init(&b);
    if (fp == NULL) {
        ff_err_sys(e, path, "cannot open template");
        return NULL;
    }
    while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0)
        if (ff_buf_add(&b, chunk, k)) {
            ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
            goto out;
        }
    if (ferror(fp)) {
        ff_err_sys(e, path, "cannot read template");
        goto out;
    }
    t = gen_template_parse(path, b.data, b.len, e);
out:
    fclose(fp);
    ff_buf_release(&b);
    return t;
}

void gen_template_free(struct gen_template *t)
{
    size_t i, j;

    if (t == NULL)
        return;
    for (i = 0; i < t->npages; i++) {
        for (j = 0; j < t->pages[i].n; j++)
            item_release(&t->pages[i].items[j]);
        ff_free(t->pages[i].items);
    }
    ff_free(t->pages);
    item_release(&t->qr);
    ff_free(t->path);
    ff_free(t->name);
    ff_free(t->title);
    ff_free(t);
}

size_t gen_template_check_placeholders(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        const char *open = memchr(s + i, '{', n - i);
        const char *close;
        size_t at;

        if (open == NULL)
            return n;
        at = (size_t)(open - s);
        if (at + 1 < n && s[at + 1] == '{') {
            i = at + 2;
            continue;
        }
        close = memchr(open, '}', n - at);
        if (close == NULL ||
            !gen_vars_known(open + 1, (size_t)(close - open - 1)))
            return at;
        i = (size_t)(close - s) + 1;
    }
    return n;
}
