/*
 * render.c - drawing template items: text through text.h (shaped, wrapped
 * Thai), graphics and QR through pdf.h and qr.h.  Template units are mm
 * with the origin top-left, as are pdf.h's (in points), so conversion is a
 * single factor.
 */
#include "render.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "text.h"

#define MM(v) ((v) * FF_MM)
#define RULE_GREY 0x9A9A9A
#define HEAD_FILL 0xE6ECF2

/* Content stops this far above the page's bottom edge (the packet footer
 * and the printer's unprintable margin live below). */
#define BOTTOM_MM 13.0
/* A table continued on a new page starts here (below the QR code). */
#define CONT_TOP_QR_MM 42.0
#define CONT_TOP_MM 15.0

/*
 * Where the flow is on the current page: the item before ended at
 * `cursor` (mm) and started at `top`; nothing may go below `limit`.
 * `dry` measures without drawing (page counts for packet covers).
 */
struct rctx {
    struct ff_pdf *pdf;
    const struct gen_template *t;
    struct gen_vars *v;
    const struct ff_qr *qr;
    double cursor, top, limit;
    double pw, ph;          /* page size, mm */
    int dry;
    int pages;              /* pages begun */
};

/* The placeholders of s as "head, village_name" into out. */
static void field_names(const char *s, char *out, size_t size)
{
    size_t o = 0;

    out[0] = '\0';
    while (s && (s = strchr(s, '{')) != NULL) {
        const char *c;

        if (s[1] == '{') {
            s += 2;
            continue;
        }
        c = strchr(s, '}');
        if (c == NULL)
            break;
        if (o + (size_t)(c - s) + 3 < size) {
            o += (size_t)snprintf(out + o, size - o, "%s%.*s", o ? ", " : "",
                                  (int)(c - s - 1), s + 1);
        }
        s = c + 1;
    }
    if (o == 0)
        snprintf(out, size, "text");
}

/* Report text that did not fit (names, never values). */
static void warn_cut(const struct gen_vars *v, const struct tpl_item *it,
                     const char *raw, const char *how)
{
    char fields[200], msg[700];

    if (v->warn == NULL)
        return;
    field_names(raw, fields, sizeof fields);
    snprintf(msg, sizeof msg, "%s:%ld: household %s, %s, field %s: %s",
             v->tpl_path ? v->tpl_path : "template", it->line,
             v->h ? v->h->code : "-", v->doc ? v->doc : "document", fields,
             how);
    v->warn(v->warn_ctx, msg);
}

/*
 * Draw raw (placeholders expanded) in the box at (x, y) points, w wide.
 * h > 0: a fixed box; text that does not fit shrinks to the item's minimum
 * size, then is cut with "…" and reported.  *used_h gets the height taken.
 */
#define RCACHE_MEASURES 128

static int measure_fixed(struct rctx *r, const struct tpl_item *it,
                         const char *raw, double w, int align, int bold,
                         double *used_h, struct ff_err *e);

static int draw_text(struct rctx *r, const struct tpl_item *it,
                     const char *raw, double x, double y, double w, double h,
                     int align, int bold, double *used_h, struct ff_err *e)
{
    struct ff_text_style st;
    struct ff_text_fit fit;
    struct ff_buf b;
    int rc = FF_OK;

    ff_buf_init(&b);
    if (gen_vars_expand(r->v, raw, strlen(raw), &b, e)) {
        ff_buf_release(&b);
        return e->code;
    }
    st.font = bold ? FF_FONT_BOLD : FF_FONT_REGULAR;
    st.size = it->size;
    st.rgb = it->color;
    st.align = align;
    st.leading = it->leading;
    memset(&fit, 0, sizeof fit);
    fit.min_size = it->min_size > 0 ? it->min_size : it->size * 0.8;
    if (r->dry) {
        int fits = 1;

        if (ff_text_measure(r->pdf, &st, w, 0, b.data, b.len, &fit.used_h,
                            &fits, e) < 0)
            rc = e->code;
        else if (h > 0 && fit.used_h > h)
            fit.used_h = h;
    } else if ((rc = ff_text_box_fit(r->pdf, &st, x, y, w, h, b.data, b.len,
                                     &fit, e)) == FF_OK && fit.cut) {
        char how[80];

        snprintf(how, sizeof how, "%s: printed at %g pt and cut with '…'",
                 fit.lines ? "does not fit its box" : "has no room",
                 fit.size);
        warn_cut(r->v, it, raw, how);
    }
    if (used_h)
        *used_h = fit.used_h;
    ff_buf_release(&b);
    return rc;
}

static int has_var(const char *s)
{
    return s != NULL && strchr(s, '{') != NULL;
}

static void begin_page(struct rctx *r, double w, double h)
{
    r->pw = w;
    r->ph = h;
    r->cursor = r->top = 0;
    r->limit = h - BOTTOM_MM;
    r->pages++;
}

/* QR and footer of the page ending; the household's page counter. */
static int end_page(struct rctx *r, struct ff_err *e)
{
    if (!r->dry) {
        if (r->t && r->t->has_qr &&
            gen_render_item(r->pdf, &r->t->qr, 0, 0, r->v, r->qr, e))
            return e->code;
        if (r->v->footer &&
            gen_render_footer(r->pdf, MM(r->pw), MM(r->ph), r->v, e))
            return e->code;
    }
    r->v->page++;
    return FF_OK;
}

static int new_page(struct rctx *r, struct ff_err *e)
{
    if (end_page(r, e))
        return e->code;
    if (!r->dry && ff_pdf_add_page(r->pdf, MM(r->pw), MM(r->ph), e))
        return e->code;
    begin_page(r, r->pw, r->ph);
    r->cursor = r->t && r->t->has_qr ? CONT_TOP_QR_MM : CONT_TOP_MM;
    return FF_OK;
}

/* Rows of a table: rows=, or the value of grow= within [rows, max]. */
static int table_rows(const struct rctx *r, const struct tpl_item *it)
{
    int n = it->rows;

    if (it->grow && r->v->h) {
        struct ff_buf b;
        struct ff_err e;
        char *end;
        long k;

        ff_buf_init(&b);
        ff_err_clear(&e);
        if (ff_buf_addc(&b, '{') == 0 && ff_buf_adds(&b, it->grow) == 0 &&
            ff_buf_addc(&b, '}') == 0) {
            struct ff_buf out;

            ff_buf_init(&out);
            if (gen_vars_expand(r->v, b.data, b.len, &out, &e) == FF_OK) {
                k = strtol(out.data, &end, 10);
                if (end != out.data && k > n)
                    n = k > INT_MAX ? INT_MAX : (int)k;
            }
            ff_buf_release(&out);
        }
        ff_buf_release(&b);
        if (it->max_rows > 0 && n > it->max_rows)
            n = it->max_rows;
    }
    return n;
}

/* The heading row at y (mm); returns its height in mm. */
static int table_head(struct rctx *r, const struct tpl_item *it, double y,
                      double *hh_mm, struct ff_err *e)
{
    const double pad = MM(1.2);
    double hh = MM(it->headh), cx = MM(it->x);
    size_t c;

    /* Headings wrap, and the row grows to hold them: a dry pass first. */
    for (c = 0; c < it->ncols; c++) {
        double cw = MM(it->widths[c]), used = 0;

        if (measure_fixed(r, it, it->heads[c], cw - 2 * pad, FF_ALIGN_CENTER,
                          1, &used, e))
            return e->code;
        if (used + 2 * pad > hh)
            hh = used + 2 * pad;
    }
    if (!r->dry) {
        ff_pdf_fill_rect(r->pdf, MM(it->x), MM(y), MM(it->w), hh,
                         it->has_fill ? it->fill : HEAD_FILL);
        for (c = 0; c < it->ncols; c++) {
            double cw = MM(it->widths[c]);

            if (draw_text(r, it, it->heads[c], cx + pad, MM(y) + pad,
                          cw - 2 * pad, 0, FF_ALIGN_CENTER, 1, NULL, e))
                return e->code;
            cx += cw;
        }
    }
    *hh_mm = hh / FF_MM;
    return FF_OK;
}

/* Vertical rules and frame of a table part from y0 to y1 (mm). */
static void table_frame(struct rctx *r, const struct tpl_item *it, double y0,
                        double y1)
{
    double cx = MM(it->x);
    size_t c;

    if (r->dry)
        return;
    for (c = 0; c + 1 < it->ncols; c++) {
        cx += MM(it->widths[c]);
        ff_pdf_line(r->pdf, cx, MM(y0), cx, MM(y1), it->width * 0.6, 0);
    }
    ff_pdf_rect(r->pdf, MM(it->x), MM(y0), MM(it->w), MM(y1 - y0),
                it->width, 0);
}

/*
 * A table at y (mm): its heading, then its rows, each as tall as rowh or
 * its first-column text; when the page is full the table continues on a
 * new page, under "(ต่อ)" (with caption= before it) and its heading again.
 */
static int draw_table(struct rctx *r, const struct tpl_item *it, double y,
                      double *bottom, struct ff_err *e)
{
    const double pad = MM(1.2);
    int rows = table_rows(r, it), i;
    double hh, y0 = y, ry;

    if (table_head(r, it, y, &hh, e))
        return e->code;
    ry = y + hh;
    for (i = 0; i < rows; i++) {
        double rh = it->rowh, used = 0;
        const char *cell = (size_t)i < it->nfirst ? it->first[i] : NULL;

        if (cell) {
            if (measure_fixed(r, it, cell, MM(it->widths[0]) - 2 * pad,
                              FF_ALIGN_LEFT, 0, &used, e))
                return e->code;
            /* used ends 0.42 em below the last baseline, room enough for
             * the below vowels: a small pad under it. */
            if ((used + pad) / FF_MM + 0.3 > rh)
                rh = (used + pad) / FF_MM + 0.3;
        }
        if (ry + rh > r->limit && ry > y0 + hh) {
            struct tpl_item cap = *it;
            double used_cap = 0;
            struct ff_buf b;

            table_frame(r, it, y0, ry);
            if (new_page(r, e))
                return e->code;
            ff_buf_init(&b);
            if ((it->text && ff_buf_adds(&b, it->text)) ||
                ff_buf_adds(&b, it->text ? " (ต่อ)" : "(ต่อ)")) {
                ff_buf_release(&b);
                return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
            }
            cap.size = it->size + 2;
            cap.color = 0;
            if (draw_text(r, &cap, b.data, MM(it->x), MM(r->cursor),
                          MM(it->w), 0, FF_ALIGN_LEFT, 1, &used_cap, e)) {
                ff_buf_release(&b);
                return e->code;
            }
            ff_buf_release(&b);
            y0 = r->cursor + used_cap / FF_MM + 1;
            if (table_head(r, it, y0, &hh, e))
                return e->code;
            ry = y0 + hh;
        }
        if (!r->dry) {
            ff_pdf_line(r->pdf, MM(it->x), MM(ry), MM(it->x + it->w), MM(ry),
                        ry > y0 + hh + 0.01 ? it->width * 0.6 : it->width, 0);
            if (cell && draw_text(r, it, cell, MM(it->x) + pad, MM(ry) + pad,
                                  MM(it->widths[0]) - 2 * pad, 0,
                                  FF_ALIGN_LEFT, 0, NULL, e))
                return e->code;
        }
        ry += rh;
    }
    table_frame(r, it, y0, ry);
    *bottom = ry;
    return FF_OK;
}

/*
 * Place and draw one item, shifted by (dx, dy) mm; *top and *bottom get
 * where it went (mm) for the items after it.
 */
static int place_item(struct rctx *r, const struct tpl_item *it, double dx,
                      double dy, double *top, double *bottom,
                      struct ff_err *e)
{
    double ymm = it->flow ? r->cursor + it->y
                 : it->beside ? r->top
                              : it->y + dy;

    if (it->flow && ymm < it->min_y + dy)
        ymm = it->min_y + dy;
    double x, y, w = MM(it->w), h = MM(it->h);
    double used = 0;

    /* A flowing text or table with no room left on the page starts the
     * next one (documents then have more pages; packets count them first,
     * see gen_render_count). */
    if (it->flow && r->t &&
        ((it->kind == TPL_TEXT &&
          ymm + (ff_text_leading(&(struct ff_text_style){
                     it->bold, it->size, 0, 0, it->leading}) +
                 0.42 * it->size) / FF_MM > r->limit) ||
         (it->kind == TPL_TABLE && ymm + it->headh + it->rowh > r->limit))) {
        if (new_page(r, e))
            return e->code;
        ymm = r->cursor;
    }
    x = MM(it->x + dx);
    y = MM(ymm);
    *top = ymm;
    *bottom = ymm + it->h;
    switch (it->kind) {
    case TPL_TEXT:
    case TPL_CHECKBOX: {
        double box = it->kind == TPL_CHECKBOX
                         ? (it->size * 0.62 > MM(4) ? it->size * 0.62 : MM(4))
                         : 0;
        double tx = x + (box > 0 ? box + MM(1.5) : 0);
        double tw = w > 0 ? w : MM(r->pw) - tx - MM(10);

        if (h <= 0 && (it->flow || it->beside) &&
            MM(r->limit) - y < MM(r->ph))
            h = MM(r->limit) - y;   /* flowing text stops at the bottom */
        else if (h <= 0 && has_var(it->text))
            h = ff_text_leading(&(struct ff_text_style){
                    it->bold, it->size, 0, 0, it->leading}) +
                0.25 * it->size;   /* a fixed field: one line */
        if (box > 0 && !r->dry)
            ff_pdf_rect(r->pdf, x, y + it->size * 1.1 - box, box, box, 0.7,
                        0);
        if (draw_text(r, it, it->text, tx, y, tw, h, it->kind == TPL_TEXT
                                                         ? it->align
                                                         : FF_ALIGN_LEFT,
                      it->bold, &used, e))
            return e->code;
        /* A fixed box keeps its place; a flowing one takes what it used
         * (its h= is then the most it may take). */
        *bottom = ymm + (it->h > 0 && !it->flow && !it->beside
                             ? it->h
                             : used / FF_MM);
        return FF_OK;
    }
    case TPL_BOX:
        if (it->to_flow)
            h = MM(r->cursor + it->h) - y;
        *bottom = ymm + h / FF_MM;
        if (r->dry)
            return FF_OK;
        if (it->has_fill)
            ff_pdf_fill_rect(r->pdf, x, y, w, h, it->fill);
        if (it->width > 0)
            ff_pdf_rect(r->pdf, x, y, w, h, it->width, it->color);
        return FF_OK;
    case TPL_LINE:
        *bottom = it->y2 + dy > ymm ? it->y2 + dy : ymm;
        if (r->dry)
            return FF_OK;
        if (it->dashed)
            ff_pdf_dashed_line(r->pdf, x, y, MM(it->x2 + dx), MM(it->y2 + dy),
                               it->width, it->color);
        else
            ff_pdf_line(r->pdf, x, y, MM(it->x2 + dx), MM(it->y2 + dy),
                        it->width, it->color);
        return FF_OK;
    case TPL_RULES: {
        double step = MM(it->step), ry;

        if (it->to_flow)
            h = MM(r->cursor + it->h) - y;
        if (y + h > MM(r->limit))
            h = MM(r->limit) - y;   /* writing space ends at the bottom */
        *bottom = ymm + h / FF_MM;
        if (r->dry)
            return FF_OK;
        for (ry = y + step; ry <= y + h + 0.01; ry += step) {
            if (it->dashed)
                ff_pdf_dashed_line(r->pdf, x, ry, x + w, ry, it->width * 0.5,
                                   it->color ? it->color : RULE_GREY);
            else
                ff_pdf_line(r->pdf, x, ry, x + w, ry, it->width * 0.5,
                            it->color ? it->color : RULE_GREY);
        }
        return FF_OK;
    }
    case TPL_TABLE: {
        struct tpl_item shifted = *it;

        shifted.x += dx;
        return draw_table(r, &shifted, ymm, bottom, e);
    }
    case TPL_QR:
        *bottom = ymm + it->w;
        if (r->qr == NULL || r->dry)
            return FF_OK;
        ff_qr_draw(r->pdf, r->qr, x, y, w);
        if (it->label) {
            struct tpl_item lab = *it;

            lab.color = 0;
            lab.min_size = it->size * 0.7;
            /* The token sits in the quiet zone's lower half, clear of
             * anything under the symbol. */
            return draw_text(r, &lab, "{code_spaced}", x - MM(4),
                             y + w - MM(2.2), w + MM(8), 0, FF_ALIGN_CENTER,
                             1, NULL, e);
        }
        return FF_OK;
    }
    return FF_OK;
}

int gen_render_item(struct ff_pdf *pdf, const struct tpl_item *item,
                    double dx, double dy, const struct gen_vars *v,
                    const struct ff_qr *qr, struct ff_err *e)
{
    struct rctx r;
    double top, bottom;

    memset(&r, 0, sizeof r);
    r.pdf = pdf;
    r.v = (struct gen_vars *)v;
    r.qr = qr;
    r.pw = 210;
    r.ph = 297;
    r.limit = 1e6;
    return place_item(&r, item, dx, dy, &top, &bottom, e);
}

/* The content of the item is the same for every household: no
 * placeholder, no QR (where it goes may still depend on the flow). */
static int item_fixed_content(const struct tpl_item *it)
{
    size_t i;

    switch (it->kind) {
    case TPL_BOX:
    case TPL_LINE:
    case TPL_RULES:
        return 1;
    case TPL_TEXT:
    case TPL_CHECKBOX:
        return !has_var(it->text);
    case TPL_TABLE:
        /* A table with grow= varies only in its number of rows, which
         * place_cached keys its clips by. */
        for (i = 0; i < it->ncols; i++)
            if (has_var(it->heads[i]))
                return 0;
        for (i = 0; i < it->nfirst; i++)
            if (has_var(it->first[i]))
                return 0;
        return 1;
    default:
        return 0;
    }
}

/* The item draws the same for every household, at its own place. */
static int item_static(const struct tpl_item *it)
{
    return !it->flow && !it->beside && !it->to_flow && !it->grow &&
           item_fixed_content(it);
}

#define RCACHE_MAX 512
#define RCACHE_PER_ITEM 6

struct rc_ent {
    const struct tpl_item *item;
    double y;               /* mm, where it was drawn */
    double top, bottom;     /* mm, where it went */
    int rows;               /* a table's rows (grow=) */
    int misses;             /* replays that found no clip */
    int clip;               /* drawn as a clip keyed by this entry */
};

/*
 * The heights of a table's headings and first-column labels, texts without
 * variables, are the same for every household: measured once per worker
 * (by their words, size and width), not once per table drawn.
 */
struct rc_measure {
    char *text;
    double w, size, leading;
    int align, bold;
    double used_h;
};

struct gen_rcache {
    struct rc_ent *e[RCACHE_MAX];   /* each allocated on its own: its
                                       address is a clip key for life */
    size_t n;
    struct rc_measure m[RCACHE_MEASURES];
    size_t nm;
};

static struct rc_measure *measured(struct gen_rcache *c,
                                   const struct tpl_item *it, const char *raw,
                                   double w, int align, int bold)
{
    size_t i;

    for (i = 0; i < c->nm; i++) {
        struct rc_measure *m = &c->m[i];

        if (m->w == w && m->size == it->size && m->leading == it->leading &&
            m->align == align && m->bold == bold && strcmp(m->text, raw) == 0)
            return m;
    }
    return NULL;
}

/* The height of raw, a text without variables, laid out in w (points). */
static int measure_fixed(struct rctx *r, const struct tpl_item *it,
                         const char *raw, double w, int align, int bold,
                         double *used_h, struct ff_err *e)
{
    struct gen_rcache *c = has_var(raw) ? NULL : r->v->rcache;
    struct rc_measure *m = c ? measured(c, it, raw, w, align, bold) : NULL;
    int dry = r->dry, rc;

    if (m) {
        *used_h = m->used_h;
        return FF_OK;
    }
    r->dry = 1;
    rc = draw_text(r, it, raw, 0, 0, w, 0, align, bold, used_h, e);
    r->dry = dry;
    if (rc == FF_OK && c && c->nm < RCACHE_MEASURES &&
        (c->m[c->nm].text = ff_strdup(raw)) != NULL) {
        m = &c->m[c->nm++];
        m->w = w;
        m->size = it->size;
        m->leading = it->leading;
        m->align = align;
        m->bold = bold;
        m->used_h = *used_h;
    }
    return rc;
}

struct gen_rcache *gen_rcache_new(void)
{
    return ff_calloc(1, sizeof(struct gen_rcache));
}

void gen_rcache_free(struct gen_rcache *c)
{
    size_t i;

    if (c == NULL)
        return;
    for (i = 0; i < c->n; i++)
        ff_free(c->e[i]);
    for (i = 0; i < c->nm; i++)
        ff_free(c->m[i].text);
    ff_free(c);
}

/*
 * A flowing item of fixed content at the flow's current place: replayed
 * when it was drawn at this place before, else drawn (as a clip, unless it
 * runs onto another page) and remembered.  Returns 1 when done here, 0
 * when the caller must draw it, -1 on failure.
 */
static int place_cached(struct rctx *r, const struct tpl_item *it,
                        double *top, double *bottom, struct ff_err *e)
{
    struct gen_rcache *c = r->v->rcache;
    double y = it->flow ? r->cursor + it->y : r->top;
    struct rc_ent *x = NULL;
    size_t i;
    int rc, pages, rows = it->kind == TPL_TABLE ? table_rows(r, it) : 0;

    if (it->flow && y < it->min_y)
        y = it->min_y;
    for (i = 0; i < c->n && x == NULL; i++)
        if (c->e[i]->item == it && fabs(c->e[i]->y - y) < 1e-6 &&
            c->e[i]->rows == rows &&
            (!it->to_flow || fabs(c->e[i]->bottom - r->cursor - it->h) <
                                 1e-6))
            x = c->e[i];
    if (x && x->clip) {
        if ((rc = ff_pdf_clip_replay(r->pdf, x, e)) < 0)
            return -1;
        if (rc > 0) {
            *top = x->top;
            *bottom = x->bottom;
            return 1;
        }
        /* Not kept or not replayable here (pdf.h: the page's state must be
         * plain): try once more, then draw it every time. */
        if (++x->misses > 1)
            x->clip = 0;
    }
    if (x && !x->clip)
        return 0;
    if (x == NULL) {
        size_t same = 0;

        /* Keeping a clip costs about three drawings (it is deflated once
         * for all): worth it for the few places an item usually lands,
         * not for every member count of a table. */
        for (i = 0; i < c->n; i++)
            same += c->e[i]->item == it;
        if (same >= RCACHE_PER_ITEM || c->n == RCACHE_MAX ||
            (x = ff_calloc(1, sizeof *x)) == NULL)
            return 0;       /* not remembered: drawn every time */
        x->item = it;
        x->y = y;
        x->rows = rows;
        c->e[c->n++] = x;
    }
    pages = r->pages;
    if (ff_pdf_clip_begin(r->pdf, e))
        return -1;
    if (place_item(r, it, 0, 0, top, bottom, e))
        return -1;
    if (r->pages != pages) {
        /* A table that went on to another page: not a clip. */
        return ff_pdf_clip_end(r->pdf, NULL, e) ? -1 : 1;
    }
    if (ff_pdf_clip_end(r->pdf, x, e))
        return -1;
    x->top = *top;
    x->bottom = *bottom;
    x->clip = 1;
    return 1;
}

/*
 * Items [j, k) of pg, all static: replayed from the worker's ff_pdf when
 * it drew them before (they are keyed by the first item, which lives as
 * long as the template), else drawn and kept.  Order on the page, and so
 * what paints over what, stays the template's.  The flow after them needs
 * only the last one's place, measured when an item flows from it.
 */
static int render_static(struct rctx *r, const struct tpl_page *pg, size_t j,
                         size_t k, struct ff_err *e)
{
    const void *key = &pg->items[j];
    int rc, dry = r->dry;
    double top, bottom;

    if (k < pg->n && (pg->items[k].flow || pg->items[k].beside ||
                      pg->items[k].to_flow)) {
        const struct tpl_item *last = &pg->items[k - 1];
        struct gen_rcache *c = r->v->rcache;
        size_t i;

        /* Where the last of them ends is the same every time. */
        for (i = 0; c && i < c->n; i++)
            if (c->e[i]->item == last && !c->e[i]->clip)
                break;
        if (c && i < c->n) {
            top = c->e[i]->top;
            bottom = c->e[i]->bottom;
        } else {
            r->dry = 1;
            rc = place_item(r, last, 0, 0, &top, &bottom, e);
            r->dry = dry;
            if (rc)
                return rc;
            if (c && c->n < RCACHE_MAX &&
                (c->e[c->n] = ff_calloc(1, sizeof *c->e[0])) != NULL) {
                c->e[c->n]->item = last;
                c->e[c->n]->y = last->y;
                c->e[c->n]->top = top;
                c->e[c->n]->bottom = bottom;
                c->n++;
            }
        }
        r->top = top;
        r->cursor = bottom;
    }
    if (r->dry)
        return FF_OK;
    rc = ff_pdf_clip_replay(r->pdf, key, e);
    if (rc < 0)
        return e->code;
    if (rc > 0)
        return FF_OK;
    if (ff_pdf_clip_begin(r->pdf, e))
        return e->code;
    for (; j < k; j++) {
        const struct ff_qr *qr = r->qr;

        r->qr = NULL;
        rc = place_item(r, &pg->items[j], 0, 0, &top, &bottom, e);
        r->qr = qr;
        if (rc)
            return e->code;
    }
    return ff_pdf_clip_end(r->pdf, key, e);
}

static int render(struct rctx *r, struct ff_err *e)
{
    const struct gen_template *t = r->t;
    size_t i, j, k;

    r->v->doc = t->name;
    r->v->tpl_path = t->path;
    for (i = 0; i < t->npages; i++) {
        const struct tpl_page *pg = &t->pages[i];

        if (!r->dry && ff_pdf_add_page(r->pdf, MM(pg->w), MM(pg->h), e))
            return e->code;
        begin_page(r, pg->w, pg->h);
        for (j = 0; j < pg->n; j = k) {
            const struct tpl_item *it = &pg->items[j];
            double top, bottom;

            for (k = j; k < pg->n && item_static(&pg->items[k]); k++)
                ;
            if (k > j) {
                if (render_static(r, pg, j, k, e))
                    return e->code;
                continue;
            }
            if (r->v->rcache && !r->dry && item_fixed_content(it)) {
                int c = place_cached(r, it, &top, &bottom, e);

                if (c < 0)
                    return e->code;
                if (c == 0 && place_item(r, it, 0, 0, &top, &bottom, e))
                    return e->code;
            } else if (place_item(r, it, 0, 0, &top, &bottom, e)) {
                return e->code;
            }
            if (it->beside) {
                if (bottom > r->cursor)
                    r->cursor = bottom;
            } else {
                r->top = top;
                r->cursor = bottom;
            }
            k = j + 1;
        }
        if (end_page(r, e))
            return e->code;
    }
    return FF_OK;
}

int gen_render(struct ff_pdf *pdf, const struct gen_template *t,
               struct gen_vars *v, const struct ff_qr *qr, struct ff_err *e)
{
    struct rctx r;

    memset(&r, 0, sizeof r);
    r.pdf = pdf;
    r.t = t;
    r.v = v;
    r.qr = qr;
    return render(&r, e);
}

int gen_render_count(struct ff_pdf *pdf, const struct gen_template *t,
                     struct gen_vars *v, int *pages, struct ff_err *e)
{
    struct rctx r;
    int page = v->page, rc;

    memset(&r, 0, sizeof r);
    r.pdf = pdf;
    r.t = t;
    r.v = v;
    r.dry = 1;
    rc = render(&r, e);
    v->page = page;
    *pages = r.pages;
    return rc;
}

/* One line of the footer; a name too long for it shrinks, then is cut
 * with "…" and reported (field names the part of the footer). */
static int fit_footer(struct ff_pdf *pdf, const struct ff_text_style *st,
                      double x, double y, double w, const char *s, size_t n,
                      const struct gen_vars *v, const char *field,
                      struct ff_err *e)
{
    struct ff_text_fit f;

    memset(&f, 0, sizeof f);
    f.min_size = 8.5;
    if (ff_text_box_fit(pdf, st, x, y, w, ff_text_leading(st) + 1, s, n, &f,
                        e))
        return e->code;
    if (f.cut && v->warn) {
        char msg[400];

        snprintf(msg, sizeof msg, "packet footer: household %s, %s, "
                 "field %s: does not fit its box: printed at %g pt and cut "
                 "with '…'", v->h ? v->h->code : "-",
                 v->doc ? v->doc : "cover", field, f.size);
        v->warn(v->warn_ctx, msg);
    }
    return FF_OK;
}

int gen_render_footer(struct ff_pdf *pdf, double w, double h,
                      const struct gen_vars *v, struct ff_err *e)
{
    struct ff_text_style st = {FF_FONT_REGULAR, 10.5, 0x333333,
                               FF_ALIGN_LEFT, 0};
    struct ff_buf b;
    double y = h - MM(9), margin = MM(12), span = w - 2 * margin;
    int rc = FF_OK;

    /* Fixed rather than templated: every packet page must carry the same
     * footer for the stack to be split and re-sorted after printing. */
    ff_buf_init(&b);
    ff_pdf_line(pdf, margin, y - MM(1.5), w - margin, y - MM(1.5), 0.4,
                0x999999);
    if (v->h) {
        if (ff_buf_adds(&b, v->h->code) || ff_buf_adds(&b, "  ") ||
            gen_vars_head(v->h, &b))
            goto oom;
        if (fit_footer(pdf, &st, margin, y, span * 0.36, b.data, b.len, v,
                       "head", e))
            goto fail;
    }
    st.align = FF_ALIGN_CENTER;
    if (v->packet && fit_footer(pdf, &st, margin + span * 0.38, y,
                                span * 0.40, v->packet, strlen(v->packet), v,
                                "packet", e))
        goto fail;
    /* The packet's own page number, as the cover lists it; the
     * household's page beside it. */
    st.align = FF_ALIGN_RIGHT;
    ff_buf_reset(&b);
    if ((v->h ? ff_buf_addf(&b, "หน้า %d (%d/%d)", ff_pdf_page_count(pdf),
                            v->page, v->pages)
              : ff_buf_addf(&b, "หน้า %d", ff_pdf_page_count(pdf))))
        goto oom;
    if (ff_text_box(pdf, &st, margin + span * 0.78, y, span * 0.22, MM(6),
                    b.data, b.len, NULL, e) < 0)
        goto fail;
    goto out;
oom:
    ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
fail:
    rc = e->code;
out:
    ff_buf_release(&b);
    return rc;
}
