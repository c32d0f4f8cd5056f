/*
 * render.c - drawing template items: text through text.h (shaped, wrapped
 * Thai), graphics and QR through pdf.h and qr.h.  Template units are mm
 * with the origin top-left, as are pdf.h's (in points), so conversion is a
 * single factor.
 */
#include "render.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "text.h"

#define MM(v) ((v) * FF_MM)
#define RULE_GREY 0x9A9A9A
#define HEAD_FILL 0xE6ECF2

static int draw_text(struct ff_pdf *pdf, const struct tpl_item *it,
                     const char *raw, double x, double y, double w, double h,
                     int align, int bold, const struct gen_vars *v,
                     struct ff_err *e)
{
    struct ff_text_style st;
    struct ff_buf b;
    int rc;

    ff_buf_init(&b);
    if (gen_vars_expand(v, raw, strlen(raw), &b, e)) {
        ff_buf_release(&b);
        return e->code;
    }
    st.font = bold ? FF_FONT_BOLD : FF_FONT_REGULAR;
    st.size = it->size;
    st.rgb = it->color;
    st.align = align;
    st.leading = it->leading;
    rc = ff_text_box(pdf, &st, x, y, w, h, b.data, b.len, NULL, e) < 0
             ? e->code
             : FF_OK;
    ff_buf_release(&b);
    return rc;
}

static int draw_table(struct ff_pdf *pdf, const struct tpl_item *it,
                      const struct gen_vars *v, struct ff_err *e)
{
    double x = MM(it->x), y = MM(it->y), w = MM(it->w);
    double hh = MM(it->headh), rh = MM(it->rowh);
    double bottom = y + hh + rh * it->rows, cx = x;
    const double pad = MM(1.2);
    size_t c;
    int r;

    ff_pdf_fill_rect(pdf, x, y, w, hh, it->has_fill ? it->fill : HEAD_FILL);
    for (c = 0; c < it->ncols; c++) {
        double cw = MM(it->widths[c]);

        if (draw_text(pdf, it, it->heads[c], cx + pad, y + pad,
                      cw - 2 * pad, hh - pad, FF_ALIGN_CENTER, 1, v, e))
            return e->code;
        if (c > 0)
            ff_pdf_line(pdf, cx, y, cx, bottom, it->width * 0.6, 0);
        cx += cw;
    }
    for (r = 0; r < it->rows; r++) {
        double ry = y + hh + rh * r;

        ff_pdf_line(pdf, x, ry, x + w, ry, r ? it->width * 0.6 : it->width,
                    0);
        if ((size_t)r < it->nfirst &&
            draw_text(pdf, it, it->first[r], x + pad, ry + pad,
                      MM(it->widths[0]) - 2 * pad, rh - pad, FF_ALIGN_LEFT, 0,
                      v, e))
            return e->code;
    }
    ff_pdf_rect(pdf, x, y, w, bottom - y, it->width, 0);
    return FF_OK;
}

int gen_render_item(struct ff_pdf *pdf, const struct tpl_item *item,
                    double dx, double dy, const struct gen_vars *v,
                    const struct ff_qr *qr, struct ff_err *e)
{
    struct tpl_item shifted = *item;
    const struct tpl_item *it = &shifted;
    double x, y, w, h;

    shifted.x += dx;
    shifted.y += dy;
    shifted.x2 += dx;
    shifted.y2 += dy;
    x = MM(it->x);
    y = MM(it->y);
    w = MM(it->w);
    h = MM(it->h);

    switch (it->kind) {
    case TPL_TEXT:
        return draw_text(pdf, it, it->text, x, y, w > 0 ? w : FF_A4_W - x,
                         h, it->align, it->bold, v, e);
    case TPL_CHECKBOX: {
        double box = it->size * 0.62;

        ff_pdf_rect(pdf, x, y + it->size * 0.32, box, box, 0.7, 0);
        return draw_text(pdf, it, it->text, x + box + MM(1.5), y,
                         w > 0 ? w : FF_A4_W - x, h, FF_ALIGN_LEFT, it->bold,
                         v, e);
    }
    case TPL_BOX:
        if (it->has_fill)
            ff_pdf_fill_rect(pdf, x, y, w, h, it->fill);
        if (it->width > 0)
            ff_pdf_rect(pdf, x, y, w, h, it->width, it->color);
        return FF_OK;
    case TPL_LINE:
        if (it->dashed)
            ff_pdf_dashed_line(pdf, x, y, MM(it->x2), MM(it->y2), it->width,
                               it->color);
        else
            ff_pdf_line(pdf, x, y, MM(it->x2), MM(it->y2), it->width,
                        it->color);
        return FF_OK;
    case TPL_RULES: {
        double step = MM(it->step), ry;

        for (ry = y + step; ry <= y + h + 0.01; ry += step) {
            if (it->dashed)
                ff_pdf_dashed_line(pdf, x, ry, x + w, ry, it->width * 0.5,
                                   it->color ? it->color : RULE_GREY);
            else
                ff_pdf_line(pdf, x, ry, x + w, ry, it->width * 0.5,
                            it->color ? it->color : RULE_GREY);
        }
        return FF_OK;
    }
    case TPL_TABLE:
        return draw_table(pdf, it, v, e);
    case TPL_QR:
        if (qr == NULL)
            return FF_OK;
        ff_qr_draw(pdf, qr, x, y, w);
        if (it->label) {
            struct tpl_item lab = *it;

            lab.size = it->size;
            lab.color = 0;
            return draw_text(pdf, &lab, "{code_spaced}", x - MM(4),
                             y + w - MM(1), w + MM(8), 0, FF_ALIGN_CENTER, 1,
                             v, e);
        }
        return FF_OK;
    }
    return FF_OK;
}

static int has_var(const char *s)
{
    return s != NULL && strchr(s, '{') != NULL;
}

/* The item draws the same for every household: no placeholder, no QR. */
static int item_static(const struct tpl_item *it)
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

/*
 * Items [j, k) of pg, all static: replayed from the worker's ff_pdf when
 * it drew them before (they are keyed by the first item, which lives as
 * long as the template), else drawn and kept.  Order on the page, and so
 * what paints over what, stays the template's.
 */
static int render_static(struct ff_pdf *pdf, const struct tpl_page *pg,
                         size_t j, size_t k, struct gen_vars *v,
                         struct ff_err *e)
{
    const void *key = &pg->items[j];
    int r = ff_pdf_clip_replay(pdf, key, e);

    if (r < 0)
        return e->code;
    if (r > 0)
        return FF_OK;
    if (ff_pdf_clip_begin(pdf, e))
        return e->code;
    for (; j < k; j++)
        if (gen_render_item(pdf, &pg->items[j], 0, 0, v, NULL, e))
            return e->code;
    return ff_pdf_clip_end(pdf, key, e);
}

int gen_render(struct ff_pdf *pdf, const struct gen_template *t,
               struct gen_vars *v, const struct ff_qr *qr, struct ff_err *e)
{
    size_t i, j, k;

    for (i = 0; i < t->npages; i++) {
        const struct tpl_page *pg = &t->pages[i];

        if (ff_pdf_add_page(pdf, MM(pg->w), MM(pg->h), e))
            return e->code;
        for (j = 0; j < pg->n; j = k) {
            for (k = j; k < pg->n && item_static(&pg->items[k]); k++)
                ;
            if (k > j) {
                if (render_static(pdf, pg, j, k, v, e))
                    return e->code;
                continue;
            }
            if (gen_render_item(pdf, &pg->items[j], 0, 0, v, qr, e))
                return e->code;
            k = j + 1;
        }
        if (t->has_qr && gen_render_item(pdf, &t->qr, 0, 0, v, qr, e))
            return e->code;
        if (v->footer && gen_render_footer(pdf, MM(pg->w), MM(pg->h), v, e))
            return e->code;
        v->page++;
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
        if (ff_text_box(pdf, &st, margin, y, span * 0.36, MM(6), b.data,
                        b.len, NULL, e) < 0)
            goto fail;
    }
    st.align = FF_ALIGN_CENTER;
    if (v->packet && ff_text_box(pdf, &st, margin + span * 0.36, y,
                                 span * 0.52, MM(6), v->packet,
                                 strlen(v->packet), NULL, e) < 0)
        goto fail;
    st.align = FF_ALIGN_RIGHT;
    ff_buf_reset(&b);
    if (ff_buf_addf(&b, "หน้า %d/%d", v->page, v->pages))
        goto oom;
    if (ff_text_box(pdf, &st, margin + span * 0.88, y, span * 0.12, MM(6),
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
