/*
 * pdf_subset.c - a TrueType font file holding only the glyphs one document
 * draws, for its FontFile2: HarfBuzz's subsetter (libharfbuzz-subset,
 * <hb-subset.h>), and the one file of ffkit that calls it.
 *
 * core/text.c wraps libharfbuzz (shaping); libharfbuzz-subset is a separate
 * library with its own header and pkg-config name (harfbuzz-subset), and
 * what it does here - cut a font file for a PDF - belongs with the PDF font
 * code, so this file is its one wrapper.
 *
 * The embedded font of a CIDFontType2 with a CIDToGIDMap needs only the
 * tables a renderer reads to draw glyphs by index: head, hhea, maxp, hmtx,
 * loca and glyf (PDF 32000-1, 9.9; cmap, name, post and the OpenType layout
 * tables are not used, and OS/2 is kept because it is small and some
 * printers' rasterisers look for it).  Every other table of the font is
 * dropped.  Glyph indices are not renumbered (HB_SUBSET_FLAGS_RETAIN_GIDS):
 * the CIDToGIDMap, /W and ToUnicode that pdf_font.c builds once per face map
 * content codes to the font's own glyph indices, so they stay valid for
 * every document; a glyph not kept is an empty one.
 *
 * Hinting is dropped (HB_SUBSET_FLAGS_NO_HINTING: glyph instructions, fpgm,
 * prep, cvt).  In Laksaman the instructions are 55 % of the glyf table;
 * PDF renderers (poppler, MuPDF, pdf.js, printers' RIPs) draw these outlines
 * unhinted or auto-hinted at print resolution.  .notdef keeps its outline
 * (HB_SUBSET_FLAGS_NOTDEF_OUTLINE), and the components of kept composite
 * glyphs are added by HarfBuzz's glyf closure.  With GSUB dropped, no
 * layout closure adds glyphs the document did not draw.
 *
 * Any failure (a font HarfBuzz cannot subset, no memory) makes the call fail,
 * and the caller then lets libharu embed the font its own way.
 */
#include "pdf_subset.h"

#include <hb-subset.h>
#include <hb.h>

#include <string.h>

/* The tables the subset keeps (see above); the font's others are dropped. */
static int keep_table(hb_tag_t tag)
{
    static const char *const keep[] = {"OS/2", "glyf", "head", "hhea",
                                       "hmtx", "loca", "maxp"};
    size_t i;

    for (i = 0; i < sizeof keep / sizeof *keep; i++)
        if (tag == hb_tag_from_string(keep[i], 4))
            return 1;
    return 0;
}

/* Add to drop every table of face that keep_table() does not keep. */
static void drop_other_tables(hb_face_t *face, hb_set_t *drop)
{
    hb_tag_t tags[64];
    unsigned start = 0, n, i;

    do {
        n = sizeof tags / sizeof *tags;
        n = hb_face_get_table_tags(face, start, &n, tags) ? n : 0;
        n = n < sizeof tags / sizeof *tags ? n : sizeof tags / sizeof *tags;
        for (i = 0; i < n; i++)
            if (!keep_table(tags[i]))
                hb_set_add(drop, tags[i]);
        start += n;
    } while (n == sizeof tags / sizeof *tags);
}

int ffp_ttf_subset(const unsigned char *font, size_t len, unsigned char *keep,
                   unsigned nglyphs, struct ff_buf *out)
{
    hb_blob_t *blob = NULL, *res = NULL;
    hb_face_t *face = NULL, *sub = NULL;
    hb_subset_input_t *in = NULL;
    hb_set_t *glyphs;
    const char *data;
    unsigned i, n;
    int rc = -1;

    if (nglyphs == 0 || len == 0 || len > 0x7fffffffu)
        return -1;
    blob = hb_blob_create_or_fail((const char *)font, (unsigned)len,
                                  HB_MEMORY_MODE_READONLY, NULL, NULL);
    if (blob == NULL)
        return -1;
    face = hb_face_create(blob, 0);
    if (hb_face_get_glyph_count(face) != nglyphs)
        goto out;       /* not the font the caller's keep[] describes */
    if ((in = hb_subset_input_create_or_fail()) == NULL)
        goto out;
    glyphs = hb_subset_input_glyph_set(in);
    keep[0] = 1;        /* .notdef */
    for (i = 0; i < nglyphs; i++)
        if (keep[i])
            hb_set_add(glyphs, i);
    drop_other_tables(face, hb_subset_input_set(in,
                                                HB_SUBSET_SETS_DROP_TABLE_TAG));
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS |
                                  HB_SUBSET_FLAGS_NO_HINTING |
                                  HB_SUBSET_FLAGS_NOTDEF_OUTLINE);
    if (!hb_set_allocation_successful(glyphs) ||
        (sub = hb_subset_or_fail(face, in)) == NULL)
        goto out;
    res = hb_face_reference_blob(sub);
    data = hb_blob_get_data(res, &n);
    if (data == NULL || n == 0)
        goto out;
    ff_buf_reset(out);
    if (ff_buf_add(out, data, n))
        goto out;
    rc = 0;
out:
    hb_blob_destroy(res);
    hb_face_destroy(sub);
    hb_subset_input_destroy(in);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return rc;
}
