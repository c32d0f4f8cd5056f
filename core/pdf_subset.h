/*
 * pdf_subset.h - the TrueType subset one document embeds (pdf_subset.c).
 */
#ifndef FF_PDF_SUBSET_H
#define FF_PDF_SUBSET_H

#include <stddef.h>

#include "buf.h"

/*
 * Write into out (reset first) a TrueType font file with the glyphs of
 * font[0..len) whose keep[] entry is non-zero (nglyphs entries, the font's
 * numGlyphs; keep[0], .notdef, is set), with the components of kept
 * composites, without hinting, glyph indices unchanged (HarfBuzz's
 * hb-subset).  0, or -1 when the font is not one this can subset (out is
 * then unspecified).
 */
int ffp_ttf_subset(const unsigned char *font, size_t len, unsigned char *keep,
                   unsigned nglyphs, struct ff_buf *out);

#endif
