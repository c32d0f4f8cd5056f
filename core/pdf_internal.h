/*
 * pdf_internal.h - the narrow hook between core/pdf*.c and core/text.c.
 *
 * text.c shapes Thai with HarfBuzz and must write glyph runs (raw TJ
 * operators) into the current page's content stream, which libharu's public
 * API cannot do without losing zero-width marks.  core/pdf*.c keep every
 * libharu detail to themselves (core/pdf_hpdf.h) and offer only these few
 * calls.  Nothing outside text.c (and pdf*.c) includes this header.
 *
 * Content codes: the fonts are CID fonts with Identity-H where the two-byte
 * code is a BMP code point (CID = Unicode value) and libharu's CIDToGIDMap
 * sends it through the font's cmap to a glyph.  A glyph can therefore only be
 * drawn through a code point the font's cmap maps to it.
 */
#ifndef FF_PDF_INTERNAL_H
#define FF_PDF_INTERNAL_H

#include <stddef.h>

#include "err.h"
#include "pdf.h"

/* Path of the font file of `face` (0 regular, 1 bold), owned by p. */
const char *ff_pdf_font_path(const struct ff_pdf *p, int face);

/*
 * The bytes of that font file, read once by ff_pdf_new and owned by p, so
 * that HarfBuzz shapes with exactly the font libharu embeds.
 */
const char *ff_pdf_font_data(const struct ff_pdf *p, int face, size_t *len);

/*
 * The text context (HarfBuzz font, buffer, libthai breaker) lives with the
 * ff_pdf so that each worker thread has its own; text.c creates it lazily
 * and ff_pdf_free frees it with free_fn in ff_pdf_free.
 */
void *ff_pdf_text_ctx(const struct ff_pdf *p);
void ff_pdf_set_text_ctx(struct ff_pdf *p, void *ctx, void (*free_fn)(void *));

/*
 * The character content code `code` reads back as through the ToUnicode
 * table pdf_font.c writes: U+F700..U+F71F presentation forms give their Thai
 * character, every other code itself.
 */
unsigned ff_pdf_code_text(unsigned code);

/*
 * Mark `code` of `face` as drawn in the open document.  libharu embeds only
 * glyphs whose width it was asked for (HPDF_Font_TextWidth); glyphs written
 * as raw TJ would otherwise be embedded as empty outlines.  Cheap after the
 * first call per code and document.  Advance widths themselves are
 * floor(hmtx * 1000 / upem) in 1/1000 em, which text.c computes from the
 * font directly; that is also the font's /W entry libharu writes.
 */
int ff_pdf_use_code(struct ff_pdf *p, int face, unsigned code,
                    struct ff_err *e);

/*
 * Open a text object on the current page: colour, font and size, and the
 * text position at (x, y) where y is the baseline from the TOP of the page.
 * Raw operators follow through ff_pdf_text_raw; ff_pdf_text_close ends it.
 */
int ff_pdf_text_open(struct ff_pdf *p, int face, double size, unsigned rgb,
                     double x, double y, struct ff_err *e);
int ff_pdf_text_raw(struct ff_pdf *p, const char *s, size_t n,
                    struct ff_err *e);
int ff_pdf_text_close(struct ff_pdf *p, struct ff_err *e);

#endif
