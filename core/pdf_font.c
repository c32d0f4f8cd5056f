/*
 * pdf_font.c - the two TrueType faces of an ff_pdf: reading and loading
 * them, the ToUnicode map that makes extracted text the Thai that was
 * printed, this document's font objects, and the per-worker font cache.
 * libharu internals come through pdf_hpdf.h (see pdf.c for the whole).
 */
#include "pdf.h"

#include "alloc.h"
#include "buf.h"
#include "pdf_hpdf.h"
#include "pdf_internal.h"
#include "pdf_subset.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libdeflate.h>

/*
 * Thai presentation forms in the Windows Thai PUA (U+F700..U+F71F, the block
 * TLWG fonts and TH Sarabun use for GSUB alternates) and the character each
 * one is a shape of: descender-less ฐ/ญ, left-shifted and lowered marks.
 * Used only to write ToUnicode; read-only.
 */
static const unsigned short pua_thai[32] = {
    0x0E10, 0x0E34, 0x0E35, 0x0E36, 0x0E37, 0x0E48, 0x0E49, 0x0E4A, /* F700 */
    0x0E4B, 0x0E4C, 0x0E48, 0x0E49, 0x0E4A, 0x0E4B, 0x0E4C, 0x0E0D, /* F708 */
    0x0E31, 0x0E4D, 0x0E47, 0x0E48, 0x0E49, 0x0E4A, 0x0E4B, 0x0E4C, /* F710 */
    0x0E38, 0x0E39, 0x0E3A, 0x0E0E, 0x0E0F, 0x0E2C, 0x0E4D, 0x0E47, /* F718 */
};

unsigned ff_pdf_code_text(unsigned code)
{
    if (code >= 0xF700 && code <= 0xF71F)
        return pua_thai[code - 0xF700];
    return code;
}

/*
 * A ToUnicode CMap (CMapType 2, PDF 32000-1 9.10.3) for a font whose codes
 * are Unicode values: identity ranges for every code the font maps, except
 * the Thai presentation forms, which map back to the Thai character.  The
 * text depends only on the font, so it is built once per ff_pdf.
 */
static int is_pua_form(unsigned c)
{
    return c >= 0xF700 && c <= 0xF71F;
}

static int maps(HPDF_FontDef def, unsigned c)
{
    return HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)c) != 0;
}

#define RANGE_LINE 21   /* bytes of "<XXXX> <XXXX> <XXXX>\n" */

static int build_tounicode(struct face *f, HPDF_FontDef def)
{
    struct ff_buf b, ranges;
    unsigned c, start, nchar = 0;
    size_t i, nrange;
    int rc = -1;

    ff_buf_init(&b);
    ff_buf_init(&ranges);
    for (c = 1; c < NCODES; c++) {
        if (is_pua_form(c) || !maps(def, c))
            continue;
        start = c;
        /* A bfrange may only vary in the last byte of the code. */
        while ((c + 1) % 256 != 0 && !is_pua_form(c + 1) && maps(def, c + 1))
            c++;
        if (ff_buf_addf(&ranges, "<%04X> <%04X> <%04X>\n", start, c, start))
            goto out;
    }
    if (ff_buf_adds(&b, "/CIDInit /ProcSet findresource begin\n"
                        "12 dict begin\nbegincmap\n"
                        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS)"
                        " /Supplement 0 >> def\n"
                        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                        "1 begincodespacerange\n<0000> <FFFF>\n"
                        "endcodespacerange\n"))
        goto out;
    /* At most 100 entries per block (PDF 32000-1, 9.10.3). */
    nrange = ranges.len / RANGE_LINE;
    for (i = 0; i < nrange; i += 100) {
        size_t k = nrange - i < 100 ? nrange - i : 100;

        if (ff_buf_addf(&b, "%zu beginbfrange\n", k) ||
            ff_buf_add(&b, ranges.data + i * RANGE_LINE, k * RANGE_LINE) ||
            ff_buf_adds(&b, "endbfrange\n"))
            goto out;
    }
    for (c = 0xF700; c <= 0xF71F; c++)
        nchar += (unsigned)maps(def, c);
    if (nchar > 0) {
        if (ff_buf_addf(&b, "%u beginbfchar\n", nchar))
            goto out;
        for (c = 0xF700; c <= 0xF71F; c++)
            if (maps(def, c) &&
                ff_buf_addf(&b, "<%04X> <%04X>\n", c, pua_thai[c - 0xF700]))
                goto out;
        if (ff_buf_adds(&b, "endbfchar\n"))
            goto out;
    }
    if (ff_buf_adds(&b, "endcmap\nCMapName currentdict /CMap defineresource"
                        " pop\nend\nend\n"))
        goto out;
    f->tounicode = ff_buf_detach(&b, &f->tounicode_len);
    rc = 0;
out:
    ff_buf_release(&ranges);
    ff_buf_release(&b);
    return rc;
}

/*
 * Font cache.
 *
 * Every document of a worker gets fresh font objects, and libharu builds
 * them from scratch each time: a 65,536-entry CIDToGIDMap (one cmap lookup
 * per code, a linear search over the cmap's segments), the FontFile2 subset,
 * and it deflates the map, the ToUnicode CMap and the font file again.  For
 * thousands of small documents that was most of the run time, yet all of
 * these bytes depend on the font alone once the set of embedded glyphs is
 * fixed.  So each face keeps them, deflated, in its font_cache, and every
 * document writes the cached bytes:
 *   - flat_cmap gives libharu's TrueType cmap a single segment with a full
 *     glyph table, which makes HPDF_TTFontDef_GetGlyphid O(1);
 *   - put_deflated replaces a stream's data with already-deflated bytes and
 *     hooks the stream dictionary so libharu writes them as they are, with
 *     /Filter /FlateDecode (libharu would otherwise deflate them again);
 *   - install_descriptor hands libharu a FontDescriptor with the cached
 *     FontFile2 before it would build one (CIDFontType2_BeforeWrite_Func
 *     only builds it when fontdef->descriptor is NULL).
 * The cached FontFile2 embeds every glyph the font's cmap reaches from the
 * code points in_set accepts (Latin, Thai, the Thai presentation forms,
 * punctuation), so text drawn from that set always has its outlines.  A
 * document that draws any other code keeps libharu's own subsetting.
 */

/* Code points whose glyphs the cached font file embeds. */
static int in_set(unsigned c)
{
    return (c >= 0x20 && c <= 0x7E) || (c >= 0x0E00 && c <= 0x0E7F) ||
           (c >= 0xF700 && c <= 0xF71F) || c == 0xA0 || c == 0x2013 ||
           c == 0x2014 || c == 0x2018 || c == 0x2019 || c == 0x201C ||
           c == 0x201D || c == 0x2022 || c == 0x2026;
}

/*
 * Replace the cmap libharu parsed (format 4) by one segment 0..0xFFFF whose
 * glyph table holds the glyph of every code, built from the old lookups.
 * With one segment, HPDF_TTFontDef_GetGlyphid finds it at once and reads
 * glyph_id_array[id_range_offset / 2 + code - start - (seg_count - i)],
 * that is glyph_id_array[code].  The new table is checked code by code, and
 * the old one is kept on any difference, so a libharu that computes the
 * index otherwise is merely slower.  Only lookups use this copy: the
 * embedded font file takes the cmap table from the font file itself.
 */
static void flat_cmap(HPDF_FontDef def)
{
    HPDF_TTFontDefAttr a = ffp_ttdef_attr(def);
    HPDF_TTF_CmapRange old = a->cmap, flat;
    HPDF_UINT16 *gids;
    unsigned c;

    if (old.format != 4)
        return;
    memset(&flat, 0, sizeof flat);
    gids = HPDF_GetMem(def->mmgr, NCODES * sizeof *gids);
    flat.end_count = HPDF_GetMem(def->mmgr, sizeof *flat.end_count);
    flat.start_count = HPDF_GetMem(def->mmgr, sizeof *flat.start_count);
    flat.id_delta = HPDF_GetMem(def->mmgr, sizeof *flat.id_delta);
    flat.id_range_offset =
        HPDF_GetMem(def->mmgr, sizeof *flat.id_range_offset);
    if (gids == NULL || flat.end_count == NULL || flat.start_count == NULL ||
        flat.id_delta == NULL || flat.id_range_offset == NULL)
        goto undo;
    for (c = 0; c < NCODES; c++)
        gids[c] = HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)c);
    flat.format = 4;
    flat.seg_count_x2 = 2;
    flat.end_count[0] = 0xFFFF;
    flat.start_count[0] = 0;
    flat.id_delta[0] = 0;
    flat.id_range_offset[0] = 2;
    flat.glyph_id_array = gids;
    flat.glyph_id_array_count = NCODES;
    a->cmap = flat;
    for (c = 0; c < NCODES; c++)
        if (HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)c) != gids[c])
            goto undo;
    /* libharu frees these with the font definition (HPDF_FreeMem). */
    HPDF_FreeMem(def->mmgr, old.end_count);
    HPDF_FreeMem(def->mmgr, old.start_count);
    HPDF_FreeMem(def->mmgr, old.id_delta);
    HPDF_FreeMem(def->mmgr, old.id_range_offset);
    if (old.glyph_id_array)
        HPDF_FreeMem(def->mmgr, old.glyph_id_array);
    return;
undo:
    a->cmap = old;
    if (gids)
        HPDF_FreeMem(def->mmgr, gids);
    if (flat.end_count)
        HPDF_FreeMem(def->mmgr, flat.end_count);
    if (flat.start_count)
        HPDF_FreeMem(def->mmgr, flat.start_count);
    if (flat.id_delta)
        HPDF_FreeMem(def->mmgr, flat.id_delta);
    if (flat.id_range_offset)
        HPDF_FreeMem(def->mmgr, flat.id_range_offset);
}

static void font_cache_free(struct font_cache *c)
{
    ffp_zbytes_free(&c->map);
    ffp_zbytes_free(&c->tounicode);
    ffp_zbytes_free(&c->w);
    ffp_zbytes_free(&c->file);
    ff_free(c->keep);
    c->keep = NULL;
    ff_free(c->wid);
    c->wid = NULL;
    if (c->docw.data != NULL)
        ff_buf_release(&c->docw);
    ff_free(c->flags);
    c->flags = NULL;
    c->nflags = 0;
}

/*
 * Flag every glyph of the set as used in this document (through widths, as
 * libharu flags glyphs) and keep libharu's flags, composite components
 * included, for later documents: see font_cache.flags.  Only libharu's own
 * subsetting (a document with a code outside the set) reads them.
 */
static int flag_set(struct face *f)
{
    HPDF_FontDef def = ffp_font_attr(f->font)->fontdef;
    HPDF_TTFontDefAttr da = ffp_ttdef_attr(def);
    unsigned c;
    char u[4];
    size_t n;

    for (c = 0; c < NCODES; c++) {
        if (!in_set(c) || !maps(def, c))
            continue;
        n = ff_utf8_encode(c, u);
        (void)HPDF_Font_TextWidth(f->font, (const HPDF_BYTE *)u,
                                  (HPDF_UINT)n);
    }
    f->cache.flags = ff_malloc(da->num_glyphs ? da->num_glyphs : 1);
    if (f->cache.flags == NULL)
        return -1;
    memcpy(f->cache.flags, da->glyph_tbl.flgs, da->num_glyphs);
    f->cache.nflags = da->num_glyphs;
    return 0;
}

/*
 * The FontFile2 of this document: the glyphs of the codes it drew with this
 * face (f->used), cut from the font bytes by pdf_subset.c and deflated with
 * the worker's font compressor.  A fixed glyph set built once per worker
 * (the previous scheme) made every file carry ~35 KB of deflated outlines
 * per face, most of them never drawn; a document draws about 90 codes per
 * face, and cutting them out of the font in memory costs a few
 * microseconds.  FONT_LEVEL: libdeflate's level 1 rather than 6 costs 0.3
 * KB a household (34.9 against 34.6 KB) and saves about 0.9 million
 * instructions a household, a fifth of what the subset and its deflation
 * cost together (callgrind, 200 and 1,000 folders; bench/README.md).
 */
#define FONT_LEVEL 1

static int build_doc_font_file(struct ff_pdf *p, struct face *f)
{
    HPDF_FontDef def = ffp_font_attr(f->font)->fontdef;
    HPDF_TTFontDefAttr da = ffp_ttdef_attr(def);
    unsigned n = da->num_glyphs, c;
    size_t bound, len;

    if (n == 0)
        return -1;
    if (f->cache.nkeep != n) {
        ff_free(f->cache.keep);
        f->cache.nkeep = 0;
        if ((f->cache.keep = ff_malloc(n)) == NULL)
            return -1;
        f->cache.nkeep = n;
    }
    memset(f->cache.keep, 0, n);
    for (c = 0; c < NCODES; c += 8) {
        unsigned bits = f->used[c >> 3], k;

        for (k = 0; bits; k++, bits >>= 1)
            if (bits & 1) {
                unsigned gid = HPDF_TTFontDef_GetGlyphid(def,
                                                         (HPDF_UINT16)(c + k));

                if (gid < n)
                    f->cache.keep[gid] = 1;
            }
    }
    if (ffp_ttf_subset((const unsigned char *)f->data, f->len, f->cache.keep,
                       n, &p->subset))
        return -1;
    if (p->fzc == NULL &&
        (p->fzc = libdeflate_alloc_compressor(FONT_LEVEL)) == NULL)
        return -1;
    bound = libdeflate_zlib_compress_bound(p->fzc, p->subset.len);
    if (f->cache.file_cap < bound) {
        ffp_zbytes_free(&f->cache.file);
        f->cache.file_cap = 0;
        if ((f->cache.file.data = ff_malloc(bound)) == NULL)
            return -1;
        f->cache.file_cap = bound;
    }
    len = libdeflate_zlib_compress(p->fzc, p->subset.data, p->subset.len,
                                   f->cache.file.data, bound);
    if (len == 0)
        return -1;
    f->cache.file.len = len;
    f->cache.length1 = (unsigned)p->subset.len;
    return 0;
}

/* The FontDescriptor libharu would write, with the FontFile2 built here. */
static int install_descriptor(struct ff_pdf *p, struct face *f)
{
    HPDF_FontDef def = ffp_font_attr(f->font)->fontdef;
    HPDF_TTFontDefAttr da = ffp_ttdef_attr(def);
    HPDF_MMgr mm = p->doc->mmgr;
    HPDF_Dict desc, data;
    HPDF_STATUS ret = HPDF_OK;

    desc = HPDF_Dict_New(mm);
    if (desc == NULL || HPDF_Xref_Add(p->doc->xref, desc) != HPDF_OK)
        return -1;
    data = HPDF_DictStream_New(mm, p->doc->xref);
    if (data == NULL)
        return -1;
    ret += ffp_put_deflated(data, &f->cache.file);
    ret += HPDF_Dict_AddNumber(data, "Length1", (HPDF_INT32)f->cache.length1);
    ret += HPDF_Dict_AddNumber(data, "Length2", 0);
    ret += HPDF_Dict_AddNumber(data, "Length3", 0);
    ret += HPDF_Dict_Add(desc, "FontFile2", data);
    ret += HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
    ret += HPDF_Dict_AddNumber(desc, "Ascent", def->ascent);
    ret += HPDF_Dict_AddNumber(desc, "Descent", def->descent);
    ret += HPDF_Dict_AddNumber(desc, "Flags", (HPDF_INT32)def->flags);
    ret += HPDF_Dict_Add(desc, "FontBBox",
                         HPDF_Box_Array_New(mm, def->font_bbox));
    ret += HPDF_Dict_AddName(desc, "FontName", da->base_font);
    ret += HPDF_Dict_AddNumber(desc, "ItalicAngle", def->italic_angle);
    ret += HPDF_Dict_AddNumber(desc, "StemV", def->stemv);
    ret += HPDF_Dict_AddNumber(desc, "XHeight", def->x_height);
    if (ret != HPDF_OK)
        return -1;
    def->descriptor = desc;
    return 0;
}

/*
 * The widths of the kept /W text (libharu's, "[c [w w ...] ...]", also
 * "c_first c_last w"), parsed once per face into f->cache.wid.
 */
static int parse_widths(struct face *f)
{
    const char *t = (const char *)f->cache.w.data, *end = t + f->cache.w.len;
    long nums[3];
    int nn = 0, inner = 0;
    long cid = 0;
    unsigned c;

    if ((f->cache.wid = ff_malloc(NCODES * sizeof *f->cache.wid)) == NULL)
        return -1;
    for (c = 0; c < NCODES; c++)
        f->cache.wid[c] = -1;
    while (t < end) {
        char *q;
        long v;

        if (*t == '[') {
            if (nn == 1 && !inner) {
                inner = 1;
                cid = nums[0];
                nn = 0;
            }
            t++;
            continue;
        }
        if (*t == ']') {
            inner = 0;
            nn = 0;
            t++;
            continue;
        }
        if (*t != '-' && (*t < '0' || *t > '9')) {
            t++;
            continue;
        }
        v = strtol(t, &q, 10);
        if (q == t)
            return -1;
        t = q;
        if (*t == '.')              /* libharu writes integers; be safe */
            while (t < end && (*t == '.' || (*t >= '0' && *t <= '9')))
                t++;
        if (inner) {
            if (cid >= 0 && cid < NCODES && v >= -32768 && v < 32768)
                f->cache.wid[cid] = (short)v;
            cid++;
            continue;
        }
        nums[nn++] = v;
        if (nn == 3) {              /* c_first c_last w */
            long k;

            for (k = nums[0]; k <= nums[1] && k < NCODES; k++)
                if (k >= 0 && nums[2] >= -32768 && nums[2] < 32768)
                    f->cache.wid[k] = (short)nums[2];
            nn = 0;
        }
    }
    return 0;
}

static HPDF_STATUS write_w(HPDF_Dict d, HPDF_Stream out);

/* A decimal integer, as "%ld" writes it: the /W of every document has a
 * few hundred, and vsnprintf was 3 % of `ffgen folders`. */
static int add_int(struct ff_buf *b, long v)
{
    char d[24];
    size_t n = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

    do
        d[sizeof d - 1 - n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        d[sizeof d - 1 - n++] = '-';
    return ff_buf_add(b, d + sizeof d - n, n);
}

/*
 * A document created after the worker's first writes /W from kept text
 * (write_w); give it the widths of only the codes it drew, a run per
 * stretch of consecutive codes.  The whole font's /W is ~2.7 KB of
 * undeflated dictionary text per face; a folder draws ~90 codes per face.
 */
static int doc_widths(struct ff_pdf *p, struct face *f)
{
    HPDF_Dict cid = ffp_font_attr(f->font)->descendant_font;
    struct ff_buf *b = &f->cache.docw;
    unsigned c;
    long last = -2;
    int open = 0;

    if (cid == NULL || cid->write_fn != write_w || cid->attr != &f->cache.w)
        return 0;       /* the worker's first document: libharu's /W */
    if (f->cache.wid == NULL && parse_widths(f))
        return -1;
    if (b->data == NULL)
        ff_buf_init(b);
    ff_buf_reset(b);
    if (ff_buf_addc(b, '['))
        return -1;
    for (c = ffp_next_bit(f->used, 0, NCODES); c < NCODES;
         c = ffp_next_bit(f->used, c + 1, NCODES)) {
        if (f->cache.wid[c] < 0)
            continue;
        if ((long)c != last + 1) {
            if (open && ff_buf_addc(b, ']'))
                return -1;
            if (add_int(b, (long)c) || ff_buf_addc(b, '['))
                return -1;
            open = 1;
        } else if (ff_buf_addc(b, ' ')) {
            return -1;
        }
        if (add_int(b, f->cache.wid[c]))
            return -1;
        last = c;
    }
    if ((open && ff_buf_addc(b, ']')) || ff_buf_addc(b, ']'))
        return -1;
    f->docw_z.data = (unsigned char *)b->data;
    f->docw_z.len = b->len;
    cid->attr = &f->docw_z;
    (void)p;
    return 0;
}

/*
 * Before saving: give each face that drew only codes of the set a font file
 * of exactly the glyphs this document drew.  If it cannot be built, libharu
 * subsets as usual; that is slower, not wrong.
 */
int ffp_use_cached_fonts(struct ff_pdf *p, struct ff_err *e)
{
    int i;

    for (i = 0; i < NFACES && !p->no_font_cache; i++) {
        struct face *f = &p->face[i];
        HPDF_FontDef def;

        if (f->font == NULL || f->foreign || f->cache.file_failed)
            continue;
        def = ffp_font_attr(f->font)->fontdef;
        if (def->descriptor != NULL)
            continue;
        if (f->cache.flags == NULL && flag_set(f) &&
            ff_alloc_failures() != p->oom_mark)
            return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        if (build_doc_font_file(p, f)) {
            if (ff_alloc_failures() != p->oom_mark)
                return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
            f->cache.file_failed = 1;
            HPDF_ResetError(p->doc);
            continue;
        }
        if (doc_widths(p, f))
            return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        if (install_descriptor(p, f))
            return ffp_fail(p, e, "writing a font descriptor");
    }
    return FF_OK;
}

/*
 * The CIDFont's /W array.  The first document of a worker keeps libharu's
 * array as text; later documents are created with a trimmed encoder (see
 * new_font), so libharu's array is empty and write_w writes the kept text
 * instead.  HPDF_Dict_Write calls write_fn after the entries, before ">>";
 * the dictionary's attr (unused by libharu for a CIDFont dictionary, which
 * has no free_fn) points to the text.
 */
static HPDF_STATUS write_w(HPDF_Dict d, HPDF_Stream out)
{
    const struct zbytes *w = d->attr;
    HPDF_STATUS ret;

    if ((ret = HPDF_Stream_WriteStr(out, "/W ")) != HPDF_OK ||
        (ret = HPDF_Stream_Write(out, w->data, (HPDF_UINT)w->len)) !=
            HPDF_OK)
        return ret;
    return HPDF_Stream_WriteStr(out, "\012");
}

static int cache_widths(struct ff_pdf *p, struct face *f)
{
    HPDF_Dict cid = ffp_font_attr(f->font)->descendant_font;
    HPDF_Array w;
    HPDF_Stream ms;
    HPDF_UINT32 size;
    HPDF_UINT got;
    int rc = -1;

    if (cid == NULL || cid->free_fn != NULL || cid->write_fn != NULL)
        return -1;
    if (f->trimmed) {
        /* Created trimmed: drop the empty array, write the kept one. */
        HPDF_Dict_RemoveElement(cid, "W");
        cid->attr = &f->cache.w;
        cid->write_fn = write_w;
        return 0;
    }
    w = HPDF_Dict_GetItem(cid, "W", HPDF_OCLASS_ARRAY);
    if (w == NULL)
        return -1;
    ms = HPDF_MemStream_New(p->doc->mmgr, HPDF_STREAM_BUF_SIZ);
    if (ms == NULL)
        return -1;
    size = 0;
    if (HPDF_Array_Write(w, ms, NULL) == HPDF_OK &&
        (size = HPDF_Stream_Size(ms)) > 0 &&
        (f->cache.w.data = ff_malloc(size)) != NULL) {
        got = size;
        if (HPDF_Stream_Seek(ms, 0, HPDF_SEEK_SET) == HPDF_OK &&
            HPDF_Stream_Read(ms, f->cache.w.data, &got) == HPDF_OK &&
            got == size) {
            f->cache.w.len = size;
            rc = 0;
        } else {
            ffp_zbytes_free(&f->cache.w);
        }
    }
    HPDF_Stream_Free(ms);
    return rc;
}

/*
 * The CIDToGIDMap and ToUnicode streams of a new font object: cached
 * deflated bytes instead of libharu's map (and its CID CMap, which poppler
 * rejects; see the file comment).
 */
static int cache_font_streams(struct ff_pdf *p, struct face *f)
{
    HPDF_FontAttr attr = ffp_font_attr(f->font);
    HPDF_Dict map = attr->map_stream, cmap = attr->cmap_stream;

    if (!p->no_font_cache && cache_widths(p, f))
        return -1;
    if (map != NULL && !p->no_font_cache) {
        if (f->cache.map.data == NULL &&
            ffp_deflate_stream(&f->cache.map, map->stream))
            return -1;
        if (ffp_put_deflated(map, &f->cache.map) != HPDF_OK)
            return -1;
    }
    if (cmap != NULL) {
        if (p->no_font_cache) {
            /* Ours instead of libharu's, as in put_deflated. */
            HPDF_MemStream_FreeData(cmap->stream);
            HPDF_Dict_RemoveElement(cmap, "Type");
            HPDF_Dict_RemoveElement(cmap, "CMapName");
            HPDF_Dict_RemoveElement(cmap, "CIDSystemInfo");
            HPDF_Dict_RemoveElement(cmap, "WMode");
            return HPDF_Stream_Write(cmap->stream,
                                     (const HPDF_BYTE *)f->tounicode,
                                     (HPDF_UINT)f->tounicode_len) != HPDF_OK;
        }
        if (f->cache.tounicode.data == NULL &&
            ffp_deflate_into(&f->cache.tounicode, f->tounicode,
                         f->tounicode_len))
            return -1;
        HPDF_Dict_RemoveElement(cmap, "Type");
        HPDF_Dict_RemoveElement(cmap, "CMapName");
        HPDF_Dict_RemoveElement(cmap, "CIDSystemInfo");
        HPDF_Dict_RemoveElement(cmap, "WMode");
        if (ffp_put_deflated(cmap, &f->cache.tounicode) != HPDF_OK)
            return -1;
    }
    return 0;
}

static void face_path(char *out, size_t size, const char *dir,
                      const char *file)
{
    if (file[0] == '/')
        snprintf(out, size, "%s", file);
    else
        snprintf(out, size, "%s/%s", dir, file);
}

static int read_font(struct face *f, struct ff_err *e)
{
    struct stat sb;
    size_t got = 0;
    ssize_t r;
    int fd, rc = FF_OK;

    fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ff_err_sys(e, f->path, "cannot open font '%s'", f->path);
    if (fstat(fd, &sb) != 0) {
        rc = ff_err_sys(e, f->path, "cannot read font '%s'", f->path);
        goto out;
    }
    f->len = (size_t)sb.st_size;
    f->data = ff_malloc(f->len ? f->len : 1);
    if (f->data == NULL) {
        rc = ff_err_set(e, FF_ESYS, f->path, 0, 0, "out of memory");
        goto out;
    }
    while (got < f->len) {
        r = read(fd, f->data + got, f->len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = ff_err_sys(e, f->path, "cannot read font '%s'", f->path);
            goto out;
        }
        got += (size_t)r;
    }
out:
    close(fd);
    return rc;
}

int ffp_face_read(struct face *f, const char *dir, const char *file,
                  struct ff_err *e)
{
    face_path(f->path, sizeof f->path, dir, file);
    /* Read here: libharu's message would not say which file or why.
     * text.c shapes from these bytes, so the file is read only once. */
    return read_font(f, e);
}

/* Load the face into the document's font definitions (once per ff_pdf). */
int ffp_face_load(struct ff_pdf *p, struct face *f, struct ff_err *e)
{
    HPDF_FontDef def;

    p->err_file = f->path;
    f->name = HPDF_LoadTTFontFromFile(p->doc, f->path, HPDF_TRUE);
    if (f->name == NULL) {
        if (e && e->code == FF_OK)
            ff_err_set(e, FF_EINPUT, f->path, 0, 0,
                       "cannot load TrueType font '%s'", f->path);
        return e ? e->code : FF_EINPUT;
    }
    def = HPDF_GetFontDef(p->doc, f->name);
    if (def != NULL && !p->no_font_cache)
        flat_cmap(def);
    f->used = ff_calloc(1, NCODES / 8);
    if (def == NULL || f->used == NULL || build_tounicode(f, def))
        return ff_err_set(e, FF_ESYS, f->path, 0, 0, "out of memory");
    return FF_OK;
}

void ffp_face_free(struct face *f)
{
    ff_free(f->tounicode);
    ff_free(f->data);
    ff_free(f->used);
    font_cache_free(&f->cache);
}

const char *ff_pdf_font_path(const struct ff_pdf *p, int face)
{
    return p->face[face ? 1 : 0].path;
}

const char *ff_pdf_font_data(const struct ff_pdf *p, int face, size_t *len)
{
    *len = p->face[face ? 1 : 0].len;
    return p->face[face ? 1 : 0].data;
}

/*
 * A new font object for this document.  HPDF_GetFont builds the
 * CIDToGIDMap and /W in CIDFontType2_New.  For an encoder with its own
 * to_unicode_fn, as the UTF-8 one, that walks every code 0..0xFFFF: a glyph
 * lookup, a width and a two-byte HPDF_MemCpy each, per font and document.
 * For an encoder with the default HPDF_CMapEncoder_ToUnicode it walks only
 * the codes of the encoder's cid_map, which for the UTF-8 encoder is empty
 * (libharu fills cid_map only for default encoders).  So once the face's
 * cache holds the map and /W (from the worker's first document), the font
 * is created with the default to_unicode_fn and a single code in cid_map:
 * libharu then builds a one-entry map and an empty /W, which
 * cache_font_streams replaces with the cached ones.  Both fields are
 * restored right after; libharu reads them only when creating fonts and
 * encoding text, and nothing else runs in between.
 */
static HPDF_Font new_font(struct ff_pdf *p, struct face *f)
{
    HPDF_Encoder enc;
    HPDF_CMapEncoderAttr a;
    HPDF_Encoder_ToUnicode_Func fn;
    HPDF_UINT16 cid;
    HPDF_Font font;

    f->trimmed = 0;
    if (p->no_font_cache || f->cache.map.data == NULL ||
        f->cache.w.data == NULL)
        return HPDF_GetFont(p->doc, f->name, "UTF-8");
    enc = HPDF_GetEncoder(p->doc, "UTF-8");
    if (enc == NULL || enc->type != HPDF_ENCODER_TYPE_DOUBLE_BYTE)
        return NULL;
    a = ffp_cmap_attr(enc);
    fn = enc->to_unicode_fn;
    cid = a->cid_map[0][1];
    /* One code must stay, or libharu rejects the font (no CID at all). */
    enc->to_unicode_fn = HPDF_CMapEncoder_ToUnicode;
    a->cid_map[0][1] = 1;
    f->trimmed = 1;
    font = HPDF_GetFont(p->doc, f->name, "UTF-8");
    enc->to_unicode_fn = fn;
    a->cid_map[0][1] = cid;
    return font;
}

/*
 * This document's font object for face, created on first use so that a
 * document never embeds a face it does not draw with.  The ToUnicode stream
 * is replaced right away (see the file comment).
 */
HPDF_Font ffp_doc_font(struct ff_pdf *p, int face, struct ff_err *e)
{
    struct face *f = &p->face[face];

    if (f->font)
        return f->font;
    f->font = new_font(p, f);
    if (f->font == NULL) {
        ffp_fail(p, e, "creating a font");
        return NULL;
    }
    if (f->cache.flags && !p->no_font_cache) {
        HPDF_TTFontDefAttr da =
            ffp_ttdef_attr(ffp_font_attr(f->font)->fontdef);
        unsigned i;

        if (da->num_glyphs == f->cache.nflags)
            for (i = 0; i < f->cache.nflags; i++)
                da->glyph_tbl.flgs[i] |= f->cache.flags[i];
    }
    if (cache_font_streams(p, f)) {
        f->font = NULL;
        ffp_fail(p, e, "writing the font streams");
        return NULL;
    }
    return f->font;
}

int ff_pdf_use_code(struct ff_pdf *p, int face, unsigned code,
                    struct ff_err *e)
{
    struct face *f = &p->face[face ? 1 : 0];
    unsigned char bit = (unsigned char)(1u << (code & 7));
    HPDF_Font font;
    char u[4];
    size_t n;

    if (p->recording && code < NCODES) {
        unsigned k = (face ? 1u : 0u) * NCODES + code;

        p->rec_used[k >> 3] |= (unsigned char)(1u << (k & 7));
    }
    if (code >= NCODES || (f->used[code >> 3] & bit))
        return FF_OK;
    if (!in_set(code))
        f->foreign = 1;
    if (ffp_need_doc(p, e))
        return e ? e->code : p->sticky.code;
    font = ffp_doc_font(p, face ? 1 : 0, e);
    if (font == NULL)
        return e ? e->code : p->sticky.code;
    n = ff_utf8_encode(code, u);
    if (n == 0)
        return FF_OK;
    /* The width itself is not needed, only its side effect. */
    (void)HPDF_Font_TextWidth(font, (const HPDF_BYTE *)u, (HPDF_UINT)n);
    f->used[code >> 3] |= bit;
    return FF_OK;
}

