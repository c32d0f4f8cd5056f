/*
 * labels.c - `ffgen labels`: sticker sheets.  The label template's single
 * page is drawn once per cell, shifted to the cell's corner; text boxes are
 * bounded by the template so nothing spills into a neighbour's sticker.
 */
#include "labels.h"

#include <string.h>

#include "paths.h"
#include "pdf.h"
#include "qr.h"
#include "thai.h"

#include "docset.h"
#include "render.h"
#include "vars.h"

#define MM(v) ((v) * FF_MM)
#define MARK_MM 2.5

const struct tpl_sheet *gen_labels_sheet(const struct gen_template *t,
                                         const char *name)
{
    size_t i;

    for (i = 0; i < t->nsheets; i++)
        if (name == NULL || strcmp(t->sheets[i].name, name) == 0)
            return &t->sheets[i];
    return NULL;
}

/* Short marks at every cell corner, outside the cells where there is room. */
static void cut_marks(struct ff_pdf *p, const struct tpl_sheet *s)
{
    int c, r;

    for (r = 0; r <= s->rows; r++) {
        for (c = 0; c <= s->cols; c++) {
            double x = s->left + c * (s->w + s->hgap) - (c ? s->hgap : 0);
            double y = s->top + r * (s->h + s->vgap) - (r ? s->vgap : 0);

            ff_pdf_line(p, MM(x - MARK_MM), MM(y), MM(x + MARK_MM), MM(y),
                        0.3, 0x888888);
            ff_pdf_line(p, MM(x), MM(y - MARK_MM), MM(x), MM(y + MARK_MM),
                        0.3, 0x888888);
        }
    }
}

int gen_labels_run(const struct gen_labels_opts *o,
                   const struct ff_household *const *hh, size_t n,
                   struct ff_err *e)
{
    struct gen_template *t;
    const struct tpl_sheet *s;
    const struct tpl_page *pg;
    struct ff_pdf *p = NULL;
    char path[1024];
    struct gen_vars v;
    size_t i, per;
    int rc = FF_OK;

    t = gen_template_load(ff_template_path("labels.tpl", path, sizeof path),
                          e);
    if (t == NULL)
        return e->code;
    s = gen_labels_sheet(t, o->layout);
    if (s == NULL) {
        rc = ff_err_set(e, FF_EUSAGE, t->path, 0, 0, "no sheet '%s' in the "
                        "label template (add a 'sheet name=%s ...' line)",
                        o->layout ? o->layout : "", o->layout ? o->layout
                                                              : "");
        goto out;
    }
    per = (size_t)(s->cols * s->rows);
    /* The label drawn in each cell: the page for this sheet, else the
     * first page (each layout sizes its text boxes to its own cells). */
    pg = &t->pages[0];
    for (i = 0; i < t->npages; i++)
        if (strcmp(t->pages[i].sheet, s->name) == 0)
            pg = &t->pages[i];
    memset(&v, 0, sizeof v);
    ff_today_bangkok(&v.year, &v.month, &v.day);
    v.threshold = GEN_BMN_THRESHOLD;
    v.doc = t->name;
    v.tpl_path = t->path;
    v.warn = o->warn;
    v.warn_ctx = o->warn_ctx;
    if ((p = ff_pdf_new(NULL, e)) == NULL || (rc = ff_pdf_begin(p, e)) ||
        (rc = ff_pdf_set_title(p, "Household QR labels", e))) {
        rc = e->code;
        goto out;
    }
    for (i = 0; i < n; i++) {
        const struct ff_household *h = hh[i];
        size_t cell = i % per, j;
        double dx = s->left + (double)(cell % (size_t)s->cols) *
                                  (s->w + s->hgap);
        double dy = s->top + (double)(cell / (size_t)s->cols) *
                                 (s->h + s->vgap);

        /* The page's coordinates start at the printable part of the cell:
         * a cell at the sheet's edge begins margin mm in. */
        if (dx < s->margin)
            dx = s->margin;
        if (dy < s->margin)
            dy = s->margin;
        char token[128];
        struct ff_qr *qr;

        if (cell == 0) {
            if ((rc = ff_pdf_add_page(p, FF_A4_W, FF_A4_H, e)))
                goto out;
            if (o->cut_marks)
                cut_marks(p, s);
        }
        qr = gen_household_qr(o->payload, h->code, token, sizeof token, e);
        if (qr == NULL) {
            rc = e->code;
            goto out;
        }
        v.h = h;
        v.token = token;
        for (j = 0; j < pg->n && rc == FF_OK; j++)
            rc = gen_render_item(p, &pg->items[j], dx, dy, &v, qr, e);
        ff_qr_free(qr);
        if (rc)
            goto out;
    }
    if (n == 0)
        rc = ff_err_set(e, FF_EINPUT, NULL, 0, 0, "no households selected: "
                        "nothing to print");
    else
        rc = ff_pdf_save(p, o->out_path, e);
out:
    ff_pdf_free(p);
    gen_template_free(t);
    return rc;
}
