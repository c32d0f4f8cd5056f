/*
 * png.c - QR symbols as 1-bit greyscale PNG files, over libpng.
 *
 * The only file that includes png.h.  It owns the PNG layout (1 bit per
 * pixel, white = 1, a pHYs chunk with the print resolution, the quiet zone
 * drawn in) and the atomic write: the image goes to a temporary file beside
 * the target, which is fsynced and renamed over the target only when
 * complete, so a reader never sees half a PNG and a failure leaves the
 * target as it was.
 *
 * libpng reports errors by calling an error function that must not return;
 * the documented way is longjmp back to a setjmp in the caller.  All of that
 * is confined to encode(): nothing it changes after setjmp is read after the
 * jump, so no local needs to be volatile.  libpng's memory goes through
 * ff_malloc, so the allocation fault tests reach it too.
 */
#include "qr.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <png.h>

#include "alloc.h"
#include "outfile.h"

#define MAX_SIDE_PX 20000   /* larger than any print needs */

struct png_job {
    const struct ff_qr *q;
    int fd;
    int px;                 /* pixels per module */
    int side;               /* pixels per side, quiet zone included */
    int dpi;
    unsigned char *row;     /* one packed pixel row */
    int write_errno;        /* errno of a failed write(), else 0 */
    char msg[200];          /* libpng's error message */
    jmp_buf jmp;
};

static void on_error(png_structp png, png_const_charp msg)
{
    struct png_job *j = png_get_error_ptr(png);

    snprintf(j->msg, sizeof j->msg, "%s", msg);
    longjmp(j->jmp, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    /* Warnings are about the input to libpng, which we control. */
    (void)png;
    (void)msg;
}

static png_voidp on_malloc(png_structp png, png_alloc_size_t n)
{
    (void)png;
    return ff_malloc(n);
}

static void on_free(png_structp png, png_voidp p)
{
    (void)png;
    ff_free(p);
}

static void on_write(png_structp png, png_bytep data, size_t n)
{
    struct png_job *j = png_get_io_ptr(png);

    while (n > 0) {
        ssize_t w = write(j->fd, data, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            j->write_errno = errno;
            png_error(png, "write failed");
        }
        data += w;
        n -= (size_t)w;
    }
}

static void on_flush(png_structp png)
{
    (void)png;
}

/* Pack pixel row y: bit 7 of byte 0 is the leftmost pixel, 1 is white. */
static void fill_row(struct png_job *j, int y)
{
    int r = y / j->px - FF_QR_QUIET, c, x;
    size_t bytes = ((size_t)j->side + 7) / 8;

    memset(j->row, 0xff, bytes);
    if (r < 0 || r >= j->q->width)
        return;
    for (c = 0; c < j->q->width; c++) {
        if (!j->q->dark[(size_t)r * (size_t)j->q->width + (size_t)c])
            continue;
        for (x = (c + FF_QR_QUIET) * j->px; x < (c + FF_QR_QUIET + 1) * j->px;
             x++)
            j->row[x / 8] &= (unsigned char)~(0x80u >> (x % 8));
    }
}

/* Write the image to j->fd; 0, or -1 with j->msg / j->write_errno set. */
static int encode(struct png_job *j)
{
    png_structp png;
    png_infop info;
    png_uint_32 ppm;
    int y;

    png = png_create_write_struct_2(PNG_LIBPNG_VER_STRING, j, on_error,
                                    on_warning, j, on_malloc, on_free);
    if (png == NULL) {
        snprintf(j->msg, sizeof j->msg, "out of memory");
        return -1;
    }
    info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        snprintf(j->msg, sizeof j->msg, "out of memory");
        return -1;
    }
    if (setjmp(j->jmp)) {
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    png_set_write_fn(png, j, on_write, on_flush);
    png_set_IHDR(png, info, (png_uint_32)j->side, (png_uint_32)j->side, 1,
                 PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    /* pHYs counts pixels per metre; 1 inch is 0.0254 m. */
    ppm = (png_uint_32)lround(j->dpi / 0.0254);
    png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    png_write_info(png, info);
    for (y = 0; y < j->side; y++) {
        fill_row(j, y);
        png_write_row(png, j->row);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return 0;
}

int ff_qr_write_png(const struct ff_qr *q, const char *path, int dpi,
                    double module_mm, struct ff_err *e)
{
    return ff_qr_write_png_to(q, path, dpi, module_mm, NULL, e);
}

int ff_qr_write_png_to(const struct ff_qr *q, const char *path, int dpi,
                       double module_mm, struct ff_outgroup *g,
                       struct ff_err *e)
{
    struct png_job j;
    struct ff_outfile o;
    long px;
    int rc = FF_OK;

    if (q == NULL || q->width <= 0)
        return ff_err_set(e, FF_EINTERNAL, path, 0, 0, "no QR code to write");
    if (dpi < 1 || dpi > 10000)
        return ff_err_set(e, FF_EINPUT, path, 0, 0,
                          "PNG resolution %d dpi out of range 1..10000", dpi);
    if (!(module_mm > 0 && module_mm <= 100))
        return ff_err_set(e, FF_EINPUT, path, 0, 0,
                          "QR module size %g mm out of range (0, 100]",
                          module_mm);
    px = lround(module_mm / 25.4 * dpi);
    if (px < 1)
        px = 1;
    if (px * (q->width + 2 * FF_QR_QUIET) > MAX_SIDE_PX)
        return ff_err_set(e, FF_EINPUT, path, 0, 0,
                          "PNG would be %ld pixels wide, more than %d; "
                          "lower the resolution or the module size",
                          px * (q->width + 2 * FF_QR_QUIET), MAX_SIDE_PX);
    memset(&j, 0, sizeof j);
    j.q = q;
    j.px = (int)px;
    j.side = j.px * (q->width + 2 * FF_QR_QUIET);
    j.dpi = dpi;
    j.fd = -1;

    /* outfile.c: temporary name beside the target, fsync, rename (now or
     * with the group). */
    if (ff_outfile_open(&o, path, 0644, e))
        return e->code;
    j.fd = fileno(o.fp);
    j.row = ff_malloc(((size_t)j.side + 7) / 8);
    if (j.row == NULL) {
        rc = ff_err_set(e, FF_ESYS, path, 0, 0,
                        "cannot write PNG: out of memory");
        goto out;
    }
    if (encode(&j) < 0) {
        if (j.write_errno) {
            errno = j.write_errno;
            rc = ff_err_sys(e, path, "cannot write");
        } else if (strstr(j.msg, "memory") != NULL) {
            /* Ours above, or libpng's "Out of memory". */
            rc = ff_err_set(e, FF_ESYS, path, 0, 0,
                            "cannot write PNG: out of memory");
        } else {
            rc = ff_err_set(e, FF_EINTERNAL, path, 0, 0,
                            "libpng failed: %s", j.msg);
        }
        goto out;
    }
    rc = g ? ff_outgroup_add(g, &o, e) : ff_outfile_commit(&o, e);
out:
    if (rc != FF_OK)
        ff_outfile_abort(&o);
    ff_free(j.row);
    return rc;
}

/* ---- reading back, for tests and verification ------------------------ */

struct read_job {
    FILE *f;
    unsigned char *pix;     /* w*h bytes, owned until handed to the caller */
    png_bytep *rows;
    char msg[200];
    jmp_buf jmp;
};

static void on_read_error(png_structp png, png_const_charp msg)
{
    struct read_job *j = png_get_error_ptr(png);

    snprintf(j->msg, sizeof j->msg, "%s", msg);
    longjmp(j->jmp, 1);
}

/*
 * Decode into j->pix; 0, or -1 with j->msg set.  j->pix and j->rows live in
 * the caller's struct, not in locals, so they survive the longjmp.
 */
static int decode(struct read_job *j, struct ff_png_info *info)
{
    png_structp png;
    png_infop pi;
    png_uint_32 w, h, y, rx = 0, ry = 0;
    int depth, ctype, unit = 0;

    png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, j, on_read_error,
                                   on_warning, j, on_malloc, on_free);
    if (png == NULL) {
        snprintf(j->msg, sizeof j->msg, "out of memory");
        return -1;
    }
    pi = png_create_info_struct(png);
    if (pi == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        snprintf(j->msg, sizeof j->msg, "out of memory");
        return -1;
    }
    if (setjmp(j->jmp)) {
        png_destroy_read_struct(&png, &pi, NULL);
        return -1;
    }
    png_init_io(png, j->f);
    png_read_info(png, pi);
    w = png_get_image_width(png, pi);
    h = png_get_image_height(png, pi);
    depth = png_get_bit_depth(png, pi);
    ctype = png_get_color_type(png, pi);
    if (ctype != PNG_COLOR_TYPE_GRAY || depth > 8 || w > MAX_SIDE_PX ||
        h > MAX_SIDE_PX)
        png_error(png, "not a greyscale PNG of at most 8 bits and 20000 "
                       "pixels a side");
    if (png_get_pHYs(png, pi, &rx, &ry, &unit) == 0 ||
        unit != PNG_RESOLUTION_METER)
        rx = ry = 0;
    info->width = (int)w;
    info->height = (int)h;
    info->bit_depth = depth;
    info->ppm_x = rx;
    info->ppm_y = ry;
    if (depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    png_read_update_info(png, pi);
    j->pix = png_malloc(png, (png_alloc_size_t)w * h + 1);
    j->rows = png_malloc(png, sizeof *j->rows * (h + 1));
    for (y = 0; y < h; y++)
        j->rows[y] = j->pix + (size_t)y * w;
    png_read_image(png, j->rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &pi, NULL);
    return 0;
}

int ff_qr_read_png(const char *path, struct ff_png_info *info,
                   unsigned char **pixels, struct ff_err *e)
{
    struct read_job j;
    size_t i, n;
    int rc = FF_OK;

    memset(&j, 0, sizeof j);
    memset(info, 0, sizeof *info);
    *pixels = NULL;
    j.f = fopen(path, "rb");
    if (j.f == NULL)
        return ff_err_sys(e, path, "cannot open PNG");
    if (decode(&j, info) < 0) {
        rc = ff_err_set(e, strstr(j.msg, "memory") ? FF_ESYS : FF_EINPUT,
                        path, 0, 0, "cannot read PNG: %s", j.msg);
        ff_free(j.pix);
        goto out;
    }
    /* Expanded samples are 0 or 255 for 1-bit input; keep 1 = white. */
    n = (size_t)info->width * (size_t)info->height;
    for (i = 0; i < n; i++)
        j.pix[i] = j.pix[i] >= 128;
    *pixels = j.pix;
out:
    ff_free(j.rows);
    fclose(j.f);
    return rc;
}
