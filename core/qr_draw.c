/*
 * qr_draw.c - a QR symbol as vector squares on a PDF page.
 *
 * Kept apart from qr.c so that programs which only encode or write PNGs do
 * not link core/pdf.c (a static library pulls an object in only for the
 * symbols a program uses).  A version 6 symbol has about 860 dark modules
 * in about 420 horizontal runs; painting one rectangle per run, all in one
 * path with one fill, halves each page's content stream, which adds up when
 * thousands of pages are printed.
 */
#include "qr.h"

struct draw_ctx {
    struct ff_pdf *p;
    double x, y;        /* top-left corner of the first module */
    double module;      /* side of one module, points */
};

static void draw_run(void *ctx, int row, int col, int len)
{
    struct draw_ctx *d = ctx;

    ff_pdf_path_rect(d->p, col, row, len, 1);
}

void ff_qr_draw(struct ff_pdf *p, const struct ff_qr *q, double x, double y,
                double size)
{
    struct draw_ctx d;

    if (p == NULL || q == NULL || q->width <= 0 || size <= 0)
        return;
    /*
     * The quiet zone is part of `size` (ISO/IEC 18004 asks for 4 modules of
     * light margin) so that a layout template reserves the whole area and
     * no neighbouring line or text can intrude into it.
     */
    d.p = p;
    d.module = size / (q->width + 2 * FF_QR_QUIET);
    d.x = x + FF_QR_QUIET * d.module;
    d.y = y + FF_QR_QUIET * d.module;
    ff_pdf_path_grid(p, d.x, d.y, d.module);
    ff_qr_dark_runs(q, draw_run, &d);
    ff_pdf_path_fill(p, 0x000000);
}
