/*
 * qr.h - QR codes (ISO/IEC 18004) through libqrencode: encode a payload,
 * draw it as vector squares on a PDF page, write it as a 1-bit PNG (libpng).
 * The only files including qrencode.h and png.h are core/qr.c and core/png.c.
 */
#ifndef FF_QR_H
#define FF_QR_H

#include <stddef.h>

#include "err.h"
#include "pdf.h"

#define FF_QR_QUIET 4   /* quiet zone in modules, as the standard asks */

struct ff_qr {
    int version;            /* 1..40 */
    int width;              /* modules per side, without quiet zone */
    unsigned char *dark;    /* width*width bytes, 1 = dark module */
};

/*
 * Encode payload (8-bit mode) at level 'L', 'M', 'Q' or 'H', in the smallest
 * version that fits, but fail (FF_EINPUT) when it needs a version above
 * max_version (0: no limit).  Caller frees with ff_qr_free().
 */
struct ff_qr *ff_qr_encode(const char *payload, char level, int max_version,
                           struct ff_err *e);
void ff_qr_free(struct ff_qr *q);

/*
 * Draw the symbol with its quiet zone in a square of side `size` points whose
 * top-left corner is (x, y): dark modules as one filled path of squares.
 */
void ff_qr_draw(struct ff_pdf *p, const struct ff_qr *q, double x, double y,
                double size);

/*
 * Write a 1-bit greyscale PNG with the quiet zone, `dpi` dots per inch and
 * modules of module_mm millimetres (rounded to whole pixels, at least 1),
 * atomically (temporary name + rename).  e names the path on failure.
 */
int ff_qr_write_png(const struct ff_qr *q, const char *path, int dpi,
                    double module_mm, struct ff_err *e);

#endif
