/*
 * render.h - draw a loaded template for one household onto PDF pages.
 */
#ifndef GEN_RENDER_H
#define GEN_RENDER_H

#include "err.h"
#include "pdf.h"
#include "qr.h"
#include "template.h"
#include "vars.h"

/*
 * Append the template's pages to the current document of pdf, expanding
 * placeholders from v and drawing qr (may be NULL: no QR) where the
 * template places it.  v->page is advanced for each page drawn (v is
 * updated so that several documents of one household number on).
 */
int gen_render(struct ff_pdf *pdf, const struct gen_template *t,
               struct gen_vars *v, const struct ff_qr *qr, struct ff_err *e);

/*
 * A worker's memory of items that draw the same for every household but
 * flow (their place depends on the text above them): where each was drawn
 * and where it ended, so that at the same place it is replayed from the
 * ff_pdf's static content (pdf.h clips) instead of measured and drawn
 * again.  One per ff_pdf, never shared between threads.
 */
struct gen_rcache;
struct gen_rcache *gen_rcache_new(void);   /* NULL: out of memory */
void gen_rcache_free(struct gen_rcache *c);

/*
 * The pages gen_render would draw for v's household (tables continue on
 * new pages), without drawing: into *pages.  v is left as it was.
 */
int gen_render_count(struct ff_pdf *pdf, const struct gen_template *t,
                     struct gen_vars *v, int *pages, struct ff_err *e);

/*
 * Draw one item on the current page, shifted by (dx, dy) millimetres
 * (labels place one cell's template many times on a sheet).
 */
int gen_render_item(struct ff_pdf *pdf, const struct tpl_item *it,
                    double dx, double dy, const struct gen_vars *v,
                    const struct ff_qr *qr, struct ff_err *e);

/*
 * The packet footer at the bottom of a page of w x h points: household
 * code and head's name, the packet name, "หน้า page/pages".  With v->h
 * NULL the left part is left out (cover and blank pages).
 */
int gen_render_footer(struct ff_pdf *pdf, double w, double h,
                      const struct gen_vars *v, struct ff_err *e);

#endif
