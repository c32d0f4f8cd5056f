/*
 * flow.c - flowing pages and tables for the pages drawn in C (see flow.h).
 *
 * Vertical metrics of a block of n lines at y: the first baseline at
 * y + size (as ff_text_box places it), then one leading per line, and
 * DESC x size below the last baseline for the marks below the line (ุ ู ฺ
 * and the tails of ฎ ฏ ญ).  A cell adds PAD_T x size above and the same
 * below.  Every style is drawn with an explicit leading (LEADING x size
 * unless the caller set one), so that the heights measured here are the
 * heights text.c draws, whatever its own default.
 */
#include "flow.h"

#include <stdio.h>
#include <string.h>

#define LEADING 1.4     /* x size: room for Thai stacked marks */
#define DESC 0.42       /* x size below the last baseline */
#define PAD_T 0.16      /* x size above and below the text of a cell */
#define PAD_X 3.0       /* points left and right of a cell's text */
#define RULE_RGB 0xB0B0B0
#define FRAME_RGB 0x606060
#define FF_FLOW_LINE 800

static const struct ff_text_style foot_default = {FF_FONT_REGULAR, 10,
                                                  0x555555, FF_ALIGN_LEFT,
                                                  0};

static struct ff_text_style with_leading(const struct ff_text_style *st,
                                         int align)
{
    struct ff_text_style s = *st;

    if (s.leading <= 0)
        s.leading = LEADING * s.size;
    if (align >= 0)
        s.align = align;
    return s;
}

double ff_flow_body_w(const struct ff_flow *f)
{
    return f->page_w - f->ml - f->mr;
}

static double table_x(const struct ff_flow *f)
{
    return f->table && f->table->x > 0 ? f->table->x : f->ml;
}

static double table_w(const struct ff_flow_table *t)
{
    double w = 0;
    int c;

    for (c = 0; c < t->ncols; c++)
        w += t->cols[c].w;
    return w;
}

/* Height of n lines of st (with its explicit leading). */
static double lines_h(const struct ff_text_style *st, int n)
{
    if (n <= 0)
        return 0;
    return st->size + (n - 1) * st->leading + DESC * st->size;
}

static int count_lines(struct ff_flow *f, const struct ff_text_style *st,
                       double w, const char *s, struct ff_err *e)
{
    if (s == NULL || *s == '\0')
        return 0;
    return ff_text_count_lines(f->p, st, w, s, strlen(s), e);
}

double ff_flow_text_h(struct ff_flow *f, const struct ff_text_style *st,
                      double w, const char *s, struct ff_err *e)
{
    struct ff_text_style s2 = with_leading(st, -1);
    int n = count_lines(f, &s2, w, s, e);

    return n < 0 ? 0 : lines_h(&s2, n);
}

int ff_flow_box(struct ff_flow *f, const struct ff_text_style *st, double x,
                double y, double w, const char *s, struct ff_err *e)
{
    struct ff_text_style s2 = with_leading(st, -1);

    if (f->dry || s == NULL || *s == '\0')
        return FF_OK;
    return ff_text_box(f->p, &s2, x, y, w, 0, s, strlen(s), NULL, e) < 0
               ? e->code
               : FF_OK;
}

int ff_flow_line_text(struct ff_flow *f, const struct ff_text_style *st,
                      double x, double y, const char *s, struct ff_err *e)
{
    if (f->dry || s == NULL || *s == '\0')
        return FF_OK;
    return ff_text_line(f->p, st, x, y, s, strlen(s), e);
}

void ff_flow_fill(struct ff_flow *f, double x, double y, double w, double h,
                  unsigned rgb)
{
    if (!f->dry)
        ff_pdf_fill_rect(f->p, x, y, w, h, rgb);
}

void ff_flow_rule(struct ff_flow *f, double x1, double y1, double x2,
                  double y2, double width, unsigned rgb)
{
    if (!f->dry)
        ff_pdf_line(f->p, x1, y1, x2, y2, width, rgb);
}

void ff_flow_rect(struct ff_flow *f, double x, double y, double w, double h,
                  double width, unsigned rgb)
{
    if (!f->dry)
        ff_pdf_rect(f->p, x, y, w, h, width, rgb);
}

const char *ff_flow_page_label(const struct ff_flow *f, char *out,
                               size_t size)
{
    if (f->pages > 0)
        snprintf(out, size, "หน้า %d/%d", f->page, f->pages);
    else
        snprintf(out, size, "หน้า %d", f->page);
    return out;
}

static int footer(struct ff_flow *f, struct ff_err *e)
{
    const struct ff_text_style *st = f->foot_st ? f->foot_st : &foot_default;
    struct ff_text_style right = *st;
    double y = f->page_h - f->mb / 2 + st->size / 2;
    char label[64];
    int rc;

    if (f->footer)
        return f->dry ? FF_OK : f->footer(f, f->ctx, e);
    right.align = FF_ALIGN_RIGHT;
    if ((rc = ff_flow_line_text(f, st, f->ml, y, f->foot, e)))
        return rc;
    return ff_flow_line_text(f, &right, f->page_w - f->mr, y,
                             ff_flow_page_label(f, label, sizeof label), e);
}

/* Height of the table's heading band. */
static double head_h(struct ff_flow *f, const struct ff_flow_table *t,
                     struct ff_err *e)
{
    struct ff_text_style st = with_leading(t->head_st, FF_ALIGN_CENTER);
    double h = 0, x;
    int c, n;

    for (c = 0; c < t->ncols; c++) {
        n = count_lines(f, &st, t->cols[c].w - 2 * PAD_X, t->cols[c].head, e);
        if (n < 0)
            return -1;
        x = lines_h(&st, n);
        if (x > h)
            h = x;
    }
    return h + 2 * PAD_T * st.size;
}

static double title_h(struct ff_flow *f, const struct ff_flow_table *t,
                      int cont, struct ff_err *e)
{
    char s[600];

    if (t->title == NULL)
        return 0;
    snprintf(s, sizeof s, "%s%s", t->title, cont ? " (ต่อ)" : "");
    return ff_flow_text_h(f, t->title_st, table_w(t), s, e) + 4;
}

/* Draw the title ("(ต่อ)" when cont) and heading of f->table at f->y. */
static int draw_head(struct ff_flow *f, int cont, struct ff_err *e)
{
    const struct ff_flow_table *t = f->table;
    struct ff_text_style st = with_leading(t->head_st, FF_ALIGN_CENTER);
    double x = table_x(f), w = table_w(t), h;
    char s[600];
    int c, rc;

    if (t->title) {
        snprintf(s, sizeof s, "%s%s", t->title, cont ? " (ต่อ)" : "");
        h = title_h(f, t, cont, e);
        if ((rc = ff_flow_box(f, t->title_st, x, f->y, w, s, e)))
            return rc;
        f->y += h;
    }
    h = head_h(f, t, e);
    if (h < 0)
        return e->code;
    f->table_top = f->y;
    ff_flow_fill(f, x, f->y, w, h, t->head_rgb);
    for (c = 0; c < t->ncols; c++) {
        double th = ff_flow_text_h(f, &st, t->cols[c].w - 2 * PAD_X,
                                   t->cols[c].head, e);

        /* Centred vertically in the band. */
        if ((rc = ff_flow_box(f, &st, x + PAD_X, f->y + (h - th) / 2,
                              t->cols[c].w - 2 * PAD_X, t->cols[c].head, e)))
            return rc;
        x += t->cols[c].w;
    }
    f->y += h;
    return FF_OK;
}

static void frame(struct ff_flow *f)
{
    const struct ff_flow_table *t = f->table;
    double x, w;
    int c;

    if (t == NULL || f->y <= f->table_top)
        return;
    x = table_x(f);
    w = table_w(t);
    for (c = 0; c + 1 < t->ncols; c++) {
        x += t->cols[c].w;
        ff_flow_rule(f, x, f->table_top, x, f->y, 0.3, RULE_RGB);
    }
    ff_flow_rect(f, table_x(f), f->table_top, w, f->y - f->table_top, 0.6,
                 FRAME_RGB);
}

static int row_h(struct ff_flow *f, const char *const *cells,
                 const struct ff_text_style *st, double *h, struct ff_err *e)
{
    const struct ff_flow_table *t = f->table;
    struct ff_text_style s = with_leading(st, -1);
    int c, n, most = 1;

    for (c = 0; c < t->ncols; c++) {
        n = count_lines(f, &s, t->cols[c].w - 2 * PAD_X - (c ? 0 : f->indent),
                        cells[c], e);
        if (n < 0)
            return e->code;
        if (n > most)
            most = n;
    }
    *h = lines_h(&s, most) + 2 * PAD_T * s.size;
    return FF_OK;
}

static int draw_row(struct ff_flow *f, const char *const *cells,
                    const struct ff_text_style *st, unsigned fill, double h,
                    struct ff_err *e)
{
    const struct ff_flow_table *t = f->table;
    double x = table_x(f), w = table_w(t);
    int c, rc;

    if (fill != 0xFFFFFFFFu)
        ff_flow_fill(f, x, f->y, w, h, fill);
    for (c = 0; c < t->ncols; c++) {
        struct ff_text_style s = with_leading(st, t->cols[c].align);
        double in = c ? 0 : f->indent;

        if ((rc = ff_flow_box(f, &s, x + PAD_X + in, f->y + PAD_T * s.size,
                              t->cols[c].w - 2 * PAD_X - in, cells[c], e)))
            return rc;
        x += t->cols[c].w;
    }
    f->y += h;
    ff_flow_rule(f, table_x(f), f->y, table_x(f) + w, f->y, 0.3, RULE_RGB);
    return FF_OK;
}

/* The open group's continuation row, under a repeated heading. */
static int group_cont(struct ff_flow *f, struct ff_err *e)
{
    const char *cells[32];
    char label[600];
    double h, in;
    int c, rc;

    if (f->group[0] == '\0' || f->table->ncols > 32)
        return FF_OK;
    snprintf(label, sizeof label, "%s (ต่อ)", f->group);
    cells[0] = label;
    for (c = 1; c < f->table->ncols; c++)
        cells[c] = "";
    in = f->indent;
    f->indent = 0;
    if ((rc = row_h(f, cells, f->group_st, &h, e)) == FF_OK)
        rc = draw_row(f, cells, f->group_st, f->group_fill, h, e);
    f->indent = in;
    return rc;
}

int ff_flow_page(struct ff_flow *f, struct ff_err *e)
{
    int rc;

    if (f->page > 0) {
        frame(f);
        if ((rc = footer(f, e)))
            return rc;
    }
    if (!f->dry && (rc = ff_pdf_add_page(f->p, f->page_w, f->page_h, e)))
        return rc;
    f->page++;
    f->y = f->mt;
    if (f->header && (rc = f->header(f, f->ctx, e)))
        return rc;
    if (f->table) {
        if ((rc = draw_head(f, 1, e)) || (rc = group_cont(f, e)))
            return rc;
    }
    return FF_OK;
}

int ff_flow_need(struct ff_flow *f, double h, struct ff_err *e)
{
    if (f->y + h > f->page_h - f->mb + 1e-6 && f->y > f->mt + 1e-6)
        return ff_flow_page(f, e);
    return FF_OK;
}

int ff_flow_text(struct ff_flow *f, const struct ff_text_style *st, double x,
                 double w, const char *s, struct ff_err *e)
{
    double h;
    int rc;

    if (x <= 0)
        x = f->ml;
    if (w <= 0)
        w = ff_flow_body_w(f);
    h = ff_flow_text_h(f, st, w, s, e);
    if (e && e->code != FF_OK)
        return e->code;
    if ((rc = ff_flow_need(f, h, e)) || (rc = ff_flow_box(f, st, x, f->y, w,
                                                          s, e)))
        return rc;
    f->y += h;
    return FF_OK;
}

int ff_flow_table_begin(struct ff_flow *f, const struct ff_flow_table *t,
                        const struct ff_text_style *cell_st,
                        struct ff_err *e)
{
    struct ff_text_style s = with_leading(cell_st, -1);
    double need, hh;
    int rc;

    f->table = NULL;
    f->group[0] = '\0';
    hh = head_h(f, t, e);
    if (hh < 0)
        return e->code;
    need = title_h(f, t, 0, e) + hh +
           (t->keep_rows > 0 ? t->keep_rows : 1) *
               (lines_h(&s, 1) + 2 * PAD_T * s.size);
    if ((rc = ff_flow_need(f, need, e)))
        return rc;
    f->table = t;
    f->cell_st = cell_st;
    return draw_head(f, 0, e);
}

double ff_flow_row_h(struct ff_flow *f, const char *const *cells,
                     const struct ff_text_style *st, struct ff_err *e)
{
    double h = 0;

    if (f->table == NULL || row_h(f, cells, st, &h, e))
        return 0;
    return h;
}

int ff_flow_table_row(struct ff_flow *f, const char *const *cells,
                      const struct ff_text_style *st, unsigned fill,
                      struct ff_err *e)
{
    double h;
    int rc;

    if (f->table == NULL)
        return ff_err_set(e, FF_EINTERNAL, NULL, 0, 0, "no table open");
    if ((rc = row_h(f, cells, st, &h, e)) || (rc = ff_flow_need(f, h, e)))
        return rc;
    return draw_row(f, cells, st, fill, h, e);
}

int ff_flow_table_group(struct ff_flow *f, const char *const *cells,
                        const struct ff_text_style *st, unsigned fill,
                        struct ff_err *e)
{
    struct ff_text_style s;
    double h;
    int rc;

    if (f->table == NULL)
        return ff_err_set(e, FF_EINTERNAL, NULL, 0, 0, "no table open");
    s = with_leading(f->cell_st, -1);
    f->group[0] = '\0';     /* not repeated on a page it starts */
    if ((rc = row_h(f, cells, st, &h, e)) ||
        (rc = ff_flow_need(f, h + lines_h(&s, 1) + 2 * PAD_T * s.size, e)) ||
        (rc = draw_row(f, cells, st, fill, h, e)))
        return rc;
    snprintf(f->group, sizeof f->group, "%s", cells[0] ? cells[0] : "");
    f->group_st = st;
    f->group_fill = fill;
    return FF_OK;
}

void ff_flow_table_end(struct ff_flow *f)
{
    frame(f);
    f->table = NULL;
    f->group[0] = '\0';
}

static int pass(struct ff_flow *f, ff_flow_draw_fn draw, void *ctx,
                struct ff_err *e)
{
    int rc;

    f->page = 0;
    f->table = NULL;
    f->group[0] = '\0';
    if ((rc = ff_flow_page(f, e)) || (rc = draw(f, ctx, e)))
        return rc;
    ff_flow_table_end(f);
    return footer(f, e);
}

int ff_flow_measure(struct ff_flow *f, ff_flow_draw_fn draw, void *ctx,
                    int *pages, struct ff_err *e)
{
    int rc;

    f->dry = 1;
    f->pages = 0;
    rc = pass(f, draw, ctx, e);
    f->dry = 0;
    *pages = f->page;
    return rc;
}

int ff_flow_draw(struct ff_flow *f, ff_flow_draw_fn draw, void *ctx,
                 int pages, struct ff_err *e)
{
    int rc;

    f->dry = 0;
    f->pages = pages;
    if ((rc = pass(f, draw, ctx, e)))
        return rc;
    if (f->page != pages)
        return ff_err_set(e, FF_EINTERNAL, NULL, 0, 0,
                          "layout gave %d pages, drawing %d", pages,
                          f->page);
    return FF_OK;
}

int ff_flow_run(struct ff_flow *f, ff_flow_draw_fn draw, void *ctx,
                struct ff_err *e)
{
    int pages, rc;

    if ((rc = ff_flow_measure(f, draw, ctx, &pages, e)))
        return rc;
    return ff_flow_draw(f, draw, ctx, pages, e);
}

/* One centred line of a signature block; wraps and grows if long. */
static int sig_line(struct ff_flow *f, const struct ff_text_style *st,
                    double x, double w, double lh, const char *s,
                    struct ff_err *e)
{
    double h = ff_flow_text_h(f, st, w, s, e);
    int rc;

    if ((rc = ff_flow_box(f, st, x, f->y, w, s, e)))
        return rc;
    f->y += h + (lh - lines_h(st, 1)) > lh ? h + (lh - lines_h(st, 1)) : lh;
    return FF_OK;
}

static int signature(struct ff_flow *f, const char *role, const char *name,
                     const char *position, double *only_h, struct ff_err *e)
{
    static const struct ff_text_style st = {FF_FONT_REGULAR, 14, 0,
                                            FF_ALIGN_LEFT, 0};
    struct ff_text_style mid = with_leading(&st, FF_ALIGN_CENTER);
    const char *dots = "........................................";
    double x = f->ml + ff_flow_body_w(f) * 0.40;
    double w = f->ml + ff_flow_body_w(f) - x, lh = 1.5 * LEADING * st.size;
    char line[4][FF_FLOW_LINE];
    double need = 12;
    int i, rc;

    snprintf(line[0], sizeof line[0], "ลงชื่อ %s %s", dots, role);
    snprintf(line[1], sizeof line[1], "(%s)", name && *name ? name : dots);
    snprintf(line[2], sizeof line[2], "ตำแหน่ง %s",
             position && *position ? position : dots);
    snprintf(line[3], sizeof line[3], "วันที่ ........ / ........ / ........");
    for (i = 0; i < 4; i++)
        need += ff_flow_text_h(f, &mid, w, line[i], e) + lh;
    if (only_h) {
        *only_h = need;
        return FF_OK;
    }
    if ((rc = ff_flow_need(f, need, e)))
        return rc;
    f->y += 12;
    for (i = 0; i < 4; i++)
        if ((rc = sig_line(f, &mid, x, w, lh, line[i], e)))
            return rc;
    return FF_OK;
}

int ff_flow_signature(struct ff_flow *f, const char *role, const char *name,
                      const char *position, struct ff_err *e)
{
    return signature(f, role, name, position, NULL, e);
}

double ff_flow_signature_h(struct ff_flow *f, const char *role,
                           const char *name, const char *position,
                           struct ff_err *e)
{
    double h = 0;

    return signature(f, role, name, position, &h, e) ? 0 : h;
}
