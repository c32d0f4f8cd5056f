/*
 * pdf.h - PDF documents for ffkit, over libharu (only core/pdf*.c include
 * it, through core/pdf_hpdf.h).
 *
 * One `struct ff_pdf` per worker thread.  It loads and parses the fonts once
 * (ff_pdf_new) and then writes any number of documents one after the other
 * (ff_pdf_begin ... ff_pdf_save), so the font is parsed once per worker, not
 * once per household.  Coordinates are points (1/72 in) with the origin at
 * the TOP-LEFT of the page and y growing downwards, like a layout template;
 * core/pdf.c flips them for PDF.  Text is drawn through text.h.
 *
 * Saving is atomic: the document is written to a temporary name beside the
 * target and renamed when complete, so a crash never leaves a half-written
 * PDF under its final name.
 */
#ifndef FF_PDF_H
#define FF_PDF_H

#include <stddef.h>

#include "err.h"

#define FF_MM 2.834645669       /* points per millimetre */
#define FF_A4_W 595.2756        /* A4 width in points */
#define FF_A4_H 841.8898        /* A4 height in points */

struct ff_pdf;

struct ff_pdf_opts {
    const char *font_dir;   /* NULL: $FFKIT_FONT_DIR, else the build default */
    const char *regular;    /* NULL: "Laksaman.ttf" */
    const char *bold;       /* NULL: "Laksaman-Bold.ttf" */
    /*
     * Nonzero: let libharu build every font stream of every document itself
     * (the way before the per-worker font cache; see pdf_font.c).  Slower, same
     * pages; tests compare the two.
     */
    int no_font_cache;
};

/* Load fonts; NULL with e filled (the font path) on failure.  Caller frees. */
struct ff_pdf *ff_pdf_new(const struct ff_pdf_opts *o, struct ff_err *e);
void ff_pdf_free(struct ff_pdf *p);

/* Start a new, empty document (discarding any unsaved one). */
int ff_pdf_begin(struct ff_pdf *p, struct ff_err *e);

/*
 * Start a new document that is written to path while it is made, for long
 * documents (a district's packet): each page's objects go out to the file,
 * and are freed, once the next page is added, so memory stays flat in the
 * number of pages.  Finish it with ff_pdf_save or ff_pdf_save_to and the
 * same path (the file lands atomically as with those); beginning another
 * document or failing removes the partial file.  ff_pdf_save_mem cannot
 * save it.
 */
int ff_pdf_begin_file(struct ff_pdf *p, const char *path, struct ff_err *e);

/* Document title for the PDF metadata (never personal data). */
int ff_pdf_set_title(struct ff_pdf *p, const char *title, struct ff_err *e);

/* Append a page of w x h points and make it current. */
int ff_pdf_add_page(struct ff_pdf *p, double w, double h, struct ff_err *e);
int ff_pdf_page_count(const struct ff_pdf *p);    /* pages so far */

/*
 * Write the document to path atomically (temporary name, fsync, rename) and
 * end it (also on failure).  e names path on failure; the target is then
 * untouched and no temporary file is left.  An error of an earlier void
 * drawing call (ff_pdf_line etc.) is reported here.
 */
int ff_pdf_save(struct ff_pdf *p, const char *path, struct ff_err *e);

/* The same, but the file lands with group g (outfile.h): under its name
 * only once the group commits.  g NULL: as ff_pdf_save. */
struct ff_outgroup;
int ff_pdf_save_to(struct ff_pdf *p, const char *path, struct ff_outgroup *g,
                   struct ff_err *e);

/* Write the document to memory instead; *data is owned by the caller
 * (free with ff_free).  Used by tests and by packet assembly. */
int ff_pdf_save_mem(struct ff_pdf *p, char **data, size_t *len,
                    struct ff_err *e);

/* Graphics on the current page.  Colours are 0xRRGGBB. */
void ff_pdf_line(struct ff_pdf *p, double x1, double y1, double x2, double y2,
                 double width, unsigned rgb);
void ff_pdf_dashed_line(struct ff_pdf *p, double x1, double y1, double x2,
                        double y2, double width, unsigned rgb);
void ff_pdf_rect(struct ff_pdf *p, double x, double y, double w, double h,
                 double width, unsigned rgb);
void ff_pdf_fill_rect(struct ff_pdf *p, double x, double y, double w,
                      double h, unsigned rgb);

/*
 * Many filled rectangles as one path and one fill (QR modules): add with
 * ff_pdf_path_rect, then ff_pdf_path_fill.
 */
void ff_pdf_path_rect(struct ff_pdf *p, double x, double y, double w,
                      double h);
void ff_pdf_path_fill(struct ff_pdf *p, unsigned rgb);

/*
 * Make the rectangles of the next ff_pdf_path_rect calls, up to
 * ff_pdf_path_fill, cells of a grid: x, y, w and h count cells of `cell`
 * points from the grid's top-left corner (gx, gy).  The path is written in
 * cell units under one transformation, much shorter than in points.
 */
void ff_pdf_path_grid(struct ff_pdf *p, double gx, double gy, double cell);

/*
 * Outline (bookmarks).  parent 0 is the root; returns an id > 0 to use as a
 * parent, or 0 on failure (e filled).  page is 0-based in this document.
 */
int ff_pdf_outline_add(struct ff_pdf *p, int parent, const char *title,
                       int page, struct ff_err *e);

/*
 * Static content, per worker.  Drawing on the current page between
 * ff_pdf_clip_begin and ff_pdf_clip_end is kept under key (bytes and the
 * glyphs used); ff_pdf_clip_replay writes it onto the current page of this
 * or a later document instead of drawing it again.  For whole items that
 * depend on nothing but key (a template item that has no placeholders):
 * key must mean the same drawing for the life of p.  Replay returns 1 when
 * it wrote the clip, 0 when there is none for key (draw it, between begin
 * and end, to keep it) and -1 on failure (e filled); begin and end return
 * FF_OK or an FF_E* code.  With no_font_cache nothing is kept.
 */
int ff_pdf_clip_replay(struct ff_pdf *p, const void *key, struct ff_err *e);
int ff_pdf_clip_begin(struct ff_pdf *p, struct ff_err *e);
int ff_pdf_clip_end(struct ff_pdf *p, const void *key, struct ff_err *e);

/*
 * For benchmarks only: draw s[0..n) unshaped with libharu's own
 * HPDF_Page_ShowText (marks collide, no ActualText), baseline at y.  The
 * reference that bench/text_bench.c compares the shaped path with.
 */
int ff_pdf_text_unshaped(struct ff_pdf *p, int face, double size,
                         unsigned rgb, double x, double y, const char *s,
                         size_t n, struct ff_err *e);

#endif
