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
 *
 * Errors (NULL returned, e filled, file/row/col 0): FF_EINPUT for an empty
 * payload, an unknown level, max_version outside 0..40, a payload too large
 * for version 40 (libqrencode's ERANGE), or one above max_version; the
 * message then names the payload length in bytes and the version it needs.
 * FF_ESYS when out of memory, FF_EINTERNAL for other libqrencode failures.
 */
struct ff_qr *ff_qr_encode(const char *payload, char level, int max_version,
                           struct ff_err *e);
void ff_qr_free(struct ff_qr *q);

/*
 * Call fn(ctx, row, col, len) once for every maximal horizontal run of dark
 * modules, rows top to bottom, runs left to right (row and col are 0-based
 * module indices without the quiet zone); fn may be NULL.  Returns the
 * number of runs.  ff_qr_draw paints one rectangle per run: about half as
 * many rectangles, so half the content stream, as one square per module.
 */
size_t ff_qr_dark_runs(const struct ff_qr *q,
                       void (*fn)(void *ctx, int row, int col, int len),
                       void *ctx);

/*
 * Draw the symbol with its quiet zone in a square of side `size` points whose
 * top-left corner is (x, y): dark modules as one filled black path, one
 * rectangle per horizontal run (see ff_qr_dark_runs).  Lives in
 * core/qr_draw.c, so only programs that draw link core/pdf.c.  Does nothing
 * when p or q is NULL.
 */
void ff_qr_draw(struct ff_pdf *p, const struct ff_qr *q, double x, double y,
                double size);

/*
 * Write a 1-bit greyscale PNG with the quiet zone, `dpi` dots per inch and
 * modules of module_mm millimetres (rounded to whole pixels, at least 1),
 * atomically (temporary name + rename).  e names the path on failure.
 *
 * White is 1, black 0; the pHYs chunk carries dpi so that printing at 100 %
 * gives modules of the asked size.  The file is written to "path.tmpPID-N"
 * in the same directory, fsynced and renamed over path; on any failure the
 * temporary file is removed and path is untouched (except when only the
 * final fsync of the directory fails: the complete new file is then in
 * place, and the error says the rename may not survive a crash).  Errors: FF_EINPUT for
 * dpi outside 1..10000 or module_mm outside (0, 100]; FF_ESYS (file =
 * path, message ends in strerror) for I/O and out of memory; FF_EINTERNAL
 * with libpng's message.  Lives in core/png.c, the only file including
 * png.h.
 */
int ff_qr_write_png(const struct ff_qr *q, const char *path, int dpi,
                    double module_mm, struct ff_err *e);

/* The same, the file landing with group g (outfile.h); g NULL: now. */
struct ff_outgroup;
int ff_qr_write_png_to(const struct ff_qr *q, const char *path, int dpi,
                       double module_mm, struct ff_outgroup *g,
                       struct ff_err *e);

/* What ff_qr_read_png found in a PNG file's header chunks. */
struct ff_png_info {
    int width, height;              /* pixels */
    int bit_depth;                  /* from IHDR: 1 for ff_qr_write_png */
    unsigned long ppm_x, ppm_y;     /* pHYs pixels per metre, 0 if absent */
};

/*
 * Read back a greyscale PNG of up to 8 bits per pixel (as written by
 * ff_qr_write_png) so that tests and tools can check what was written:
 * *pixels gets width*height bytes, row by row, 1 = white (sample >= 50 %),
 * 0 = black; caller frees with ff_free.  FF_ESYS (file = path) when it
 * cannot be opened or memory runs out, FF_EINPUT with libpng's message when
 * it is not such a PNG.
 */
int ff_qr_read_png(const char *path, struct ff_png_info *info,
                   unsigned char **pixels, struct ff_err *e);

#endif
