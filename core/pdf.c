/*
 * pdf.c - PDF documents over libharu 2.3.0; the only file that includes
 * hpdf.h and libharu's internal headers.
 *
 * One ff_pdf owns one HPDF_Doc for its whole life.  The TrueType fonts are
 * loaded and parsed once, in ff_pdf_new: HPDF_NewDoc/HPDF_FreeDoc keep the
 * loaded font definitions (FreeDoc only resets their "glyph used" flags), so
 * each ff_pdf_begin merely creates fresh font objects for the new document.
 * The workload is thousands of small per-household documents per worker.
 * What libharu still redoes per document and font is its 65536-entry
 * CIDToGIDMap and /W array (about 4 ms a document, bench/typography.md);
 * fonts are therefore created lazily, only for the faces a document uses.
 *
 * Three places go past libharu's public API, all with symbols exported by
 * libhpdf.so 2.3.0 and structs from its installed headers (see
 * /work/shared/notes/thai-pdf-libharu.md for the measurements):
 *   - the page content stream, for the raw TJ runs written by text.c;
 *   - the font's ToUnicode stream, which libharu fills with a CID CMap that
 *     poppler rejects ("Invalid 'begincidrange' operator") and which does not
 *     map the Thai presentation forms U+F700..U+F71F back to Thai;
 *   - the document's PDF version, and hex (UTF-16BE) strings for outline
 *     titles and the Title entry, which libharu would write as raw UTF-8.
 * And libharu's HPDF_MemCpy/HPDF_MemSet are replaced by faster ones of the
 * same behaviour (symbol interposition, see below).
 *
 * libharu reports errors through a handler; ours copies them into the
 * ff_err of the call in progress (p->err), so no setjmp is needed.  Void
 * drawing calls have no ff_err: their first error is kept in p->sticky and
 * returned by the next ff_pdf_save.
 */
#include "pdf.h"

#include "alloc.h"
#include "outfile.h"
#include "buf.h"
#include "pdf_internal.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hpdf.h>
#include <hpdf_conf.h>
#include <hpdf_doc.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_pages.h>
#include <hpdf_utils.h>
#include <libdeflate.h>

#ifndef FF_FONT_DIR
#define FF_FONT_DIR "/usr/share/fonts/truetype/tlwg"
#endif

#define NFACES 2
#define NCODES 65536

/*
 * libharu copies and clears memory one byte at a time in HPDF_MemCpy and
 * HPDF_MemSet: every byte of every stream and document goes through them
 * at least twice, about 9% of `ffgen folders`.  libhpdf.so calls both
 * through its PLT, so these definitions in the executable are the ones it
 * uses (ELF symbol interposition; with a libharu built otherwise, its own
 * are used and only speed differs).  Same results, the end pointer
 * returned as libharu 2.3.0 does; memmove, because a forward byte loop
 * is also correct for an overlapping copy to a lower address.
 */
HPDF_BYTE *HPDF_MemCpy(HPDF_BYTE *out, const HPDF_BYTE *in, HPDF_UINT n)
{
    if (n)
        memmove(out, in, n);
    return out + n;
}

void *HPDF_MemSet(void *s, HPDF_BYTE c, HPDF_UINT n)
{
    if (n)
        memset(s, c, n);
    return (HPDF_BYTE *)s + n;
}

/*
 * Per-worker copies of the font streams that are the same in every
 * document, already deflated (see "Font cache" below).  A NULL pointer means
 * not built yet.
 */
struct zbytes {
    unsigned char *data;
    size_t len;
};

struct font_cache {
    struct zbytes map;      /* CIDToGIDMap */
    struct zbytes tounicode;
    struct zbytes w;        /* the CIDFont's /W array as text, not deflated */
    struct zbytes file;     /* FontFile2 embedding every glyph of the set */
    unsigned length1;       /* its /Length1: the uncompressed size */
    int file_failed;        /* could not build it: let libharu subset */
    /* libharu's per-glyph "used" flags once the whole set was flagged,
     * composite components included.  libharu clears them for every new
     * document and then, on each glyph's first use, reads the glyph from
     * the font file to find its components (~200 seeks and reads per
     * household); setting them back from here skips all of that. */
    unsigned char *flags;
    unsigned nflags;
};

struct face {
    char path[512];
    char *data;             /* the font file, for HarfBuzz */
    size_t len;
    const char *name;       /* libharu's font name, owned by the doc */
    char *tounicode;        /* our ToUnicode CMap text */
    size_t tounicode_len;
    unsigned char *used;    /* per document: code passed to libharu yet */
    HPDF_Font font;         /* this document's font object, or NULL */
    struct font_cache cache;    /* per worker: see "Font cache" below */
    int foreign;            /* this document drew a code outside the set */
    int trimmed;            /* font created with a trimmed cid_map */
};

struct clip;

struct ff_pdf {
    HPDF_Doc doc;
    struct ff_err *err;     /* ff_err of the public call in progress */
    const char *err_file;   /* file that call is about, for messages */
    struct ff_err sticky;   /* first error of a void drawing call */
    long oom_mark;          /* ff_alloc_failures() when the call began */
    int open;               /* a document is begun and not yet saved */
    struct face face[NFACES];
    HPDF_Page page;         /* current page */
    double page_h;
    HPDF_Page *pages;
    int npages, cap_pages;
    HPDF_Outline *outlines;
    int noutlines, cap_outlines;
    double *rects;          /* pending ff_pdf_path_rect: x, y, w, h */
    size_t nrects, cap_rects;
    int grid;               /* rects are in cells of grid_x/y/cell */
    double grid_x, grid_y, grid_cell;
    void *text;
    void (*text_free)(void *);
    int no_font_cache;      /* ff_pdf_opts.no_font_cache */
    struct libdeflate_compressor *zc;   /* see deflate_contents */
    unsigned char *zin, *zout;
    size_t zin_cap, zout_cap;
    struct clip *clips;     /* static content, see ff_pdf_clip_replay */
    size_t nclips;
    int cap_clips;
    int recording;          /* between ff_pdf_clip_begin and _end */
    size_t rec_start;       /* content stream size at the begin */
    HPDF_Page rec_page;
    char rec_names[NFACES][16];
    unsigned char *rec_used;    /* NFACES x NCODES bits: codes drawn */
    HPDF_Array contents_arr;    /* the page's /Contents once split */
};

static void clips_free(struct ff_pdf *p);

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

/* Words for the libharu errors a caller can cause; the rest get the code. */
static const char *hpdf_error_text(HPDF_STATUS code)
{
    switch (code) {
    case HPDF_FAILD_TO_ALLOC_MEM:
        return "out of memory in libharu";
    case HPDF_FILE_OPEN_ERROR:
        return "cannot open file";
    case HPDF_FILE_IO_ERROR:
        return "file read or write failed";
    case HPDF_TTF_INVALID_FOMAT:
    case HPDF_TTF_MISSING_TABLE:
    case HPDF_TTF_INVALID_CMAP:
    case HPDF_INVALID_FONTDEF_DATA:
        return "not a usable TrueType font";
    case HPDF_TTF_CANNOT_EMBEDDING_FONT:
        return "the font's licence flags forbid embedding";
    case HPDF_PAGE_INVALID_SIZE:
        return "page size outside 3..14400 points";
    default:
        return NULL;
    }
}

static void HPDF_STDCALL on_error(HPDF_STATUS code, HPDF_STATUS detail,
                                  void *user)
{
    struct ff_pdf *p = user;
    struct ff_err *e = p->err ? p->err : &p->sticky;
    const char *text = hpdf_error_text(code);
    int kind = FF_EINTERNAL;

    if (code == HPDF_FAILD_TO_ALLOC_MEM || code == HPDF_FILE_IO_ERROR ||
        code == HPDF_FILE_OPEN_ERROR)
        kind = FF_ESYS;
    else if (text != NULL)
        kind = FF_EINPUT;
    /* After a failed allocation libharu often reports a follow-on error
     * instead; the allocation counter tells what really happened. */
    if (code == HPDF_FAILD_TO_ALLOC_MEM || ff_alloc_failures() != p->oom_mark)
        ff_err_set(e, FF_ESYS, p->err_file, 0, 0, "out of memory");
    else if (text != NULL)
        ff_err_set(e, kind, p->err_file, 0, 0, "%s (libharu error 0x%04X)",
                   text, (unsigned)code);
    else
        ff_err_set(e, kind, p->err_file, 0, 0,
                   "libharu error 0x%04X (detail %u)", (unsigned)code,
                   (unsigned)detail);
}

/*
 * Start a public call: errors of libharu go into e (or the sticky error),
 * and libharu's own error state is cleared so an earlier failure does not
 * poison this call.
 */
static void enter(struct ff_pdf *p, struct ff_err *e, const char *file)
{
    p->err = e;
    p->err_file = file;
    p->oom_mark = ff_alloc_failures();
    HPDF_ResetError(p->doc);
}

/* The error code to return after a failed libharu call. */
static int fail(struct ff_pdf *p, struct ff_err *e, const char *what)
{
    struct ff_err *t = e ? e : &p->sticky;

    if (t->code == FF_OK && ff_alloc_failures() != p->oom_mark)
        ff_err_set(t, FF_ESYS, p->err_file, 0, 0, "out of memory");
    else if (t->code == FF_OK)
        ff_err_set(t, FF_EINTERNAL, p->err_file, 0, 0, "%s failed", what);
    HPDF_ResetError(p->doc);
    return t->code;
}

static int grow(void **arr, int *cap, int need, size_t elem)
{
    void *n;
    int c;

    if (need <= *cap)
        return 0;
    c = *cap ? *cap * 2 : 16;
    while (c < need)
        c *= 2;
    n = ff_realloc(*arr, (size_t)c * elem);
    if (n == NULL)
        return -1;
    *arr = n;
    *cap = c;
    return 0;
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
    HPDF_TTFontDefAttr a = (HPDF_TTFontDefAttr)def->attr;
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

static void zbytes_free(struct zbytes *z)
{
    ff_free(z->data);
    z->data = NULL;
    z->len = 0;
}

static void font_cache_free(struct font_cache *c)
{
    zbytes_free(&c->map);
    zbytes_free(&c->tounicode);
    zbytes_free(&c->w);
    zbytes_free(&c->file);
    ff_free(c->flags);
    c->flags = NULL;
    c->nflags = 0;
}

/*
 * Deflate src[0..n) into z (zlib format, as /FlateDecode wants) at
 * libdeflate's best level, 12: it is done once per worker and font, and
 * every household's file carries the result (about 4% smaller fonts than
 * zlib's level 9).
 */
static int deflate_into(struct zbytes *z, const void *src, size_t n)
{
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(12);
    size_t cap;
    unsigned char *d = NULL;

    if (c == NULL)
        return -1;
    cap = libdeflate_zlib_compress_bound(c, n);
    if ((d = ff_malloc(cap)) != NULL &&
        (cap = libdeflate_zlib_compress(c, src, n, d, cap)) == 0) {
        ff_free(d);
        d = NULL;
    }
    libdeflate_free_compressor(c);
    if (d == NULL)
        return -1;
    z->data = d;
    z->len = cap;
    return 0;
}

/* Deflate the whole content of a libharu memory stream into z. */
static int deflate_stream(struct zbytes *z, HPDF_Stream s)
{
    HPDF_UINT32 size = HPDF_Stream_Size(s);
    HPDF_UINT got = size;
    unsigned char *raw;
    int rc = -1;

    raw = ff_malloc(size ? size : 1);
    if (raw == NULL)
        return -1;
    if (HPDF_Stream_Seek(s, 0, HPDF_SEEK_SET) == HPDF_OK &&
        (size == 0 || HPDF_Stream_Read(s, raw, &got) == HPDF_OK) &&
        got == size)
        rc = deflate_into(z, raw, size);
    ff_free(raw);
    return rc;
}

/*
 * Dictionary hooks of a stream holding deflated bytes.  HPDF_Dict_Write
 * calls before_write_fn first (after the font's own hook copied the font's
 * filter onto the stream), then drops /Filter for an unfiltered stream, then
 * writes the entries and calls write_fn just before ">>"; the data follows
 * unchanged because the filter is NONE.
 */
static HPDF_STATUS raw_before_write(HPDF_Dict d)
{
    d->filter = HPDF_STREAM_FILTER_NONE;
    return HPDF_OK;
}

static HPDF_STATUS flate_entry(HPDF_Dict d, HPDF_Stream out)
{
    (void)d;
    return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

/*
 * Replace the data of stream dictionary d by data[0..len) in a memory
 * stream of exactly that size: libharu's default 4 KB chunks would cost a
 * long document (thousands of pages, several small streams each) far more
 * than the bytes themselves.
 */
static HPDF_STATUS set_stream_bytes(HPDF_Dict d, const void *data,
                                    size_t len)
{
    HPDF_Stream s = HPDF_MemStream_New(d->mmgr, len ? (HPDF_UINT)len : 1);

    if (s == NULL)
        return HPDF_Error_GetCode(d->error);
    if (len > 0 && HPDF_Stream_Write(s, data, (HPDF_UINT)len) != HPDF_OK) {
        HPDF_Stream_Free(s);
        return HPDF_Error_GetCode(d->error);
    }
    HPDF_Stream_Free(d->stream);
    d->stream = s;
    return HPDF_OK;
}

static HPDF_STATUS put_deflated(HPDF_Dict d, const struct zbytes *z)
{
    d->filter = HPDF_STREAM_FILTER_NONE;
    d->before_write_fn = raw_before_write;
    d->write_fn = flate_entry;
    return set_stream_bytes(d, z->data, z->len);
}

/*
 * Build the face's cached FontFile2: flag every glyph of the set as used in
 * this document (through widths, as libharu flags glyphs), let libharu
 * write its subset once, and keep it deflated.
 */
static int build_font_file(struct ff_pdf *p, struct face *f)
{
    HPDF_FontDef def = ((HPDF_FontAttr)f->font->attr)->fontdef;
    HPDF_Stream ms;
    unsigned c;
    char u[4];
    size_t n;
    int rc = -1;

    for (c = 0; c < NCODES; c++) {
        if (!in_set(c) || !maps(def, c))
            continue;
        n = ff_utf8_encode(c, u);
        (void)HPDF_Font_TextWidth(f->font, (const HPDF_BYTE *)u,
                                  (HPDF_UINT)n);
    }
    ms = HPDF_MemStream_New(p->doc->mmgr, HPDF_STREAM_BUF_SIZ);
    if (ms == NULL)
        return -1;
    if (HPDF_TTFontDef_SaveFontData(def, ms) == HPDF_OK &&
        deflate_stream(&f->cache.file, ms) == 0) {
        HPDF_TTFontDefAttr da = (HPDF_TTFontDefAttr)def->attr;

        f->cache.length1 = da->length1;
        f->cache.flags = ff_malloc(da->num_glyphs ? da->num_glyphs : 1);
        if (f->cache.flags) {
            memcpy(f->cache.flags, da->glyph_tbl.flgs, da->num_glyphs);
            f->cache.nflags = da->num_glyphs;
        }
        rc = 0;
    }
    HPDF_Stream_Free(ms);
    return rc;
}

/* The FontDescriptor libharu would write, with the cached FontFile2. */
static int install_descriptor(struct ff_pdf *p, struct face *f)
{
    HPDF_FontDef def = ((HPDF_FontAttr)f->font->attr)->fontdef;
    HPDF_TTFontDefAttr da = (HPDF_TTFontDefAttr)def->attr;
    HPDF_MMgr mm = p->doc->mmgr;
    HPDF_Dict desc, data;
    HPDF_STATUS ret = HPDF_OK;

    desc = HPDF_Dict_New(mm);
    if (desc == NULL || HPDF_Xref_Add(p->doc->xref, desc) != HPDF_OK)
        return -1;
    data = HPDF_DictStream_New(mm, p->doc->xref);
    if (data == NULL)
        return -1;
    ret += put_deflated(data, &f->cache.file);
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
 * Before saving: give each face that drew only codes of the set the cached
 * font file, building it on first use.  If it cannot be built, libharu
 * subsets as usual; that is slower, not wrong.
 */
static int use_cached_fonts(struct ff_pdf *p, struct ff_err *e)
{
    int i;

    for (i = 0; i < NFACES && !p->no_font_cache; i++) {
        struct face *f = &p->face[i];
        HPDF_FontDef def;

        if (f->font == NULL || f->foreign || f->cache.file_failed)
            continue;
        def = ((HPDF_FontAttr)f->font->attr)->fontdef;
        if (def->descriptor != NULL)
            continue;
        if (f->cache.file.data == NULL && build_font_file(p, f)) {
            if (ff_alloc_failures() != p->oom_mark)
                return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
            f->cache.file_failed = 1;
            HPDF_ResetError(p->doc);
            continue;
        }
        if (install_descriptor(p, f))
            return fail(p, e, "writing a font descriptor");
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
    HPDF_Dict cid = ((HPDF_FontAttr)f->font->attr)->descendant_font;
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
            zbytes_free(&f->cache.w);
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
    HPDF_FontAttr attr = (HPDF_FontAttr)f->font->attr;
    HPDF_Dict map = attr->map_stream, cmap = attr->cmap_stream;

    if (!p->no_font_cache && cache_widths(p, f))
        return -1;
    if (map != NULL && !p->no_font_cache) {
        if (f->cache.map.data == NULL &&
            deflate_stream(&f->cache.map, map->stream))
            return -1;
        if (put_deflated(map, &f->cache.map) != HPDF_OK)
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
            deflate_into(&f->cache.tounicode, f->tounicode,
                         f->tounicode_len))
            return -1;
        HPDF_Dict_RemoveElement(cmap, "Type");
        HPDF_Dict_RemoveElement(cmap, "CMapName");
        HPDF_Dict_RemoveElement(cmap, "CIDSystemInfo");
        HPDF_Dict_RemoveElement(cmap, "WMode");
        if (put_deflated(cmap, &f->cache.tounicode) != HPDF_OK)
            return -1;
    }
    return 0;
}

/*
 * Content streams.  libharu deflates each page's content stream with a
 * fresh z_stream (deflateInit at the default level, about 260 KB of state
 * allocated and cleared per page) in 4 KB steps; with thousands of pages
 * that was most of the time spent in zlib.  Instead, the page's content
 * dictionary gets deflate_contents as before_write_fn: it deflates the
 * whole stream in one call with the worker's libdeflate compressor at
 * CONTENT_LEVEL and hands libharu the bytes like put_deflated.  If anything
 * fails there, the stream is left as it was and libharu deflates it.
 * libdeflate rather than zlib: on these streams (hex glyph runs, numbers)
 * its level 1 is twice as fast as zlib's level 3 and compresses slightly
 * better (measured: 99 vs 203 MB/s, 0.284 vs 0.276 of the raw size).
 */
#define CONTENT_LEVEL 1

static int zgrow(unsigned char **buf, size_t *cap, size_t need)
{
    unsigned char *n;

    if (need <= *cap)
        return 0;
    n = ff_realloc(*buf, need);
    if (n == NULL)
        return -1;
    *buf = n;
    *cap = need;
    return 0;
}

static HPDF_STATUS deflate_contents(HPDF_Dict d)
{
    struct ff_pdf *p = d->attr;
    HPDF_UINT32 size = HPDF_Stream_Size(d->stream);
    HPDF_UINT got = size;
    size_t bound, n;

    if (p == NULL || !(d->filter & HPDF_STREAM_FILTER_FLATE_DECODE))
        return HPDF_OK;
    if (size == 0) {
        /* Empty, as a page's last content part can be: no filter. */
        d->filter = HPDF_STREAM_FILTER_NONE;
        return HPDF_OK;
    }
    if (p->zc == NULL &&
        (p->zc = libdeflate_alloc_compressor(CONTENT_LEVEL)) == NULL)
        return HPDF_OK;
    bound = libdeflate_zlib_compress_bound(p->zc, size);
    if (zgrow(&p->zin, &p->zin_cap, size) ||
        zgrow(&p->zout, &p->zout_cap, bound))
        return HPDF_OK;
    if (HPDF_Stream_Seek(d->stream, 0, HPDF_SEEK_SET) != HPDF_OK ||
        HPDF_Stream_Read(d->stream, p->zin, &got) != HPDF_OK || got != size)
        return HPDF_OK;
    n = libdeflate_zlib_compress(p->zc, p->zin, size, p->zout, bound);
    if (n == 0)
        return HPDF_OK;
    d->filter = HPDF_STREAM_FILTER_NONE;
    d->write_fn = flate_entry;
    return set_stream_bytes(d, p->zout, n);
}

/*
 * Deflate the finished current page's content stream now rather than at
 * save, so a long document (a district's packet) holds each page
 * compressed, not raw, until it is written.  Only for a page left outside
 * any text or path object and with every q matched, because libharu
 * closes those by appending to the stream when it writes the page.
 */
static HPDF_STATUS finish_page(struct ff_pdf *p)
{
    HPDF_PageAttr attr = (HPDF_PageAttr)p->page->attr;
    HPDF_Dict c = attr->contents;

    if (c == NULL || c->before_write_fn != deflate_contents ||
        attr->gmode != HPDF_GMODE_PAGE_DESCRIPTION || attr->gstate == NULL ||
        attr->gstate->prev != NULL)
        return HPDF_OK;
    return deflate_contents(c);
}

/* Deflate a page's content stream c through deflate_contents. */
static void hook_contents(struct ff_pdf *p, HPDF_Dict c)
{
    if (c != NULL && c->before_write_fn == NULL && c->write_fn == NULL &&
        c->attr == NULL && c->free_fn == NULL) {
        c->attr = p;
        c->before_write_fn = deflate_contents;
    }
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

struct ff_pdf *ff_pdf_new(const struct ff_pdf_opts *o, struct ff_err *e)
{
    static const struct ff_pdf_opts none;
    const char *dir, *file;
    struct ff_pdf *p;
    int i;

    if (o == NULL)
        o = &none;
    dir = o->font_dir;
    if (dir == NULL || *dir == '\0')
        dir = getenv("FFKIT_FONT_DIR");
    if (dir == NULL || *dir == '\0')
        dir = FF_FONT_DIR;
    p = ff_calloc(1, sizeof *p);
    if (p == NULL) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        return NULL;
    }
    ff_err_clear(&p->sticky);
    p->no_font_cache = o->no_font_cache;
    for (i = 0; i < NFACES; i++) {
        file = i == 0 ? o->regular : o->bold;
        if (file == NULL)
            file = i == 0 ? "Laksaman.ttf" : "Laksaman-Bold.ttf";
        face_path(p->face[i].path, sizeof p->face[i].path, dir, file);
        /* Read here: libharu's message would not say which file or why.
         * text.c shapes from these bytes, so the file is read only once. */
        if (read_font(&p->face[i], e) != FF_OK)
            goto fail;
    }
    /*
     * libharu keeps the system allocator, outside ff_alloc_fail_after: its
     * out-of-memory paths are not robust (a failed allocation inside
     * HPDF_SaveToStream leaks half-built objects and can later crash in
     * HPDF_GetMem), so injecting failures there tests libharu, not us.  A
     * real allocation failure still reaches on_error as FF_ESYS.
     */
    p->doc = HPDF_NewEx(on_error, NULL, NULL, 0, p);
    if (p->doc == NULL) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        goto fail;
    }
    enter(p, e, NULL);
    if (HPDF_UseUTFEncodings(p->doc) != HPDF_OK) {
        fail(p, e, "loading the UTF-8 encoder");
        goto fail;
    }
    for (i = 0; i < NFACES; i++) {
        struct face *f = &p->face[i];
        HPDF_FontDef def;

        p->err_file = f->path;
        f->name = HPDF_LoadTTFontFromFile(p->doc, f->path, HPDF_TRUE);
        if (f->name == NULL) {
            if (e && e->code == FF_OK)
                ff_err_set(e, FF_EINPUT, f->path, 0, 0,
                           "cannot load TrueType font '%s'", f->path);
            goto fail;
        }
        def = HPDF_GetFontDef(p->doc, f->name);
        if (def != NULL && !p->no_font_cache)
            flat_cmap(def);
        f->used = ff_calloc(1, NCODES / 8);
        if (def == NULL || f->used == NULL ||
            build_tounicode(f, def)) {
            ff_err_set(e, FF_ESYS, f->path, 0, 0, "out of memory");
            goto fail;
        }
    }
    p->err = NULL;
    p->err_file = NULL;
    return p;
fail:
    ff_pdf_free(p);
    return NULL;
}

void ff_pdf_free(struct ff_pdf *p)
{
    int i;

    if (p == NULL)
        return;
    if (p->text_free)
        p->text_free(p->text);
    if (p->doc) {
        p->err = NULL;
        HPDF_Free(p->doc);
    }
    for (i = 0; i < NFACES; i++) {
        ff_free(p->face[i].tounicode);
        ff_free(p->face[i].data);
        ff_free(p->face[i].used);
        font_cache_free(&p->face[i].cache);
    }
    clips_free(p);
    libdeflate_free_compressor(p->zc);
    ff_free(p->zin);
    ff_free(p->zout);
    ff_free(p->pages);
    ff_free(p->outlines);
    ff_free(p->rects);
    ff_free(p);
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

void *ff_pdf_text_ctx(const struct ff_pdf *p)
{
    return p->text;
}

void ff_pdf_set_text_ctx(struct ff_pdf *p, void *ctx, void (*free_fn)(void *))
{
    p->text = ctx;
    p->text_free = free_fn;
}

static void end_doc(struct ff_pdf *p)
{
    int i;

    /* Frees the document but keeps the parsed font definitions. */
    HPDF_FreeDoc(p->doc);
    p->open = 0;
    p->page = NULL;
    p->npages = 0;
    p->noutlines = 0;
    p->nrects = 0;
    p->grid = 0;
    p->recording = 0;
    p->contents_arr = NULL;
    for (i = 0; i < NFACES; i++) {
        p->face[i].font = NULL;
        p->face[i].foreign = 0;
    }
}

int ff_pdf_begin(struct ff_pdf *p, struct ff_err *e)
{
    int i;

    enter(p, e, NULL);
    end_doc(p);
    ff_err_clear(&p->sticky);
    if (HPDF_NewDoc(p->doc) != HPDF_OK)
        return fail(p, e, "creating a document");
    if (HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL) != HPDF_OK)
        return fail(p, e, "enabling compression");
    for (i = 0; i < NFACES; i++)
        memset(p->face[i].used, 0, NCODES / 8);
    p->open = 1;
    return FF_OK;
}

static int need_doc(struct ff_pdf *p, struct ff_err *e)
{
    if (!p->open)
        return ff_err_set(e ? e : &p->sticky, FF_EINTERNAL, NULL, 0, 0,
                          "no document begun");
    return FF_OK;
}

static int need_page(struct ff_pdf *p, struct ff_err *e)
{
    if (need_doc(p, e))
        return e ? e->code : p->sticky.code;
    if (p->page == NULL)
        return ff_err_set(e ? e : &p->sticky, FF_EINTERNAL, NULL, 0, 0,
                          "no page added");
    return FF_OK;
}

/* s as a PDF text string: <FEFF ...> hex UTF-16BE, as an HPDF_Binary. */
static HPDF_Binary utf16_binary(struct ff_pdf *p, const char *s,
                                struct ff_err *e)
{
    size_t n = strlen(s), i = 0, k = 2, used;
    unsigned char *u;
    uint32_t cp;
    HPDF_Binary bin;

    if (ff_utf8_invalid_at(s, n) != n) {
        ff_err_set(e, FF_EINPUT, NULL, 0, 0, "invalid UTF-8 in '%s'", s);
        return NULL;
    }
    u = ff_malloc(2 + 4 * n);
    if (u == NULL) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        return NULL;
    }
    u[0] = 0xFE;
    u[1] = 0xFF;
    while (i < n) {
        used = ff_utf8_decode(s + i, n - i, &cp);
        i += used;
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000, hi = 0xD800 + (v >> 10),
                     lo = 0xDC00 + (v & 0x3FF);
            u[k++] = (unsigned char)(hi >> 8);
            u[k++] = (unsigned char)hi;
            u[k++] = (unsigned char)(lo >> 8);
            u[k++] = (unsigned char)lo;
        } else {
            u[k++] = (unsigned char)(cp >> 8);
            u[k++] = (unsigned char)cp;
        }
    }
    bin = HPDF_Binary_New(p->doc->mmgr, u, (HPDF_UINT)k);
    ff_free(u);
    if (bin == NULL)
        fail(p, e, "creating a string");
    return bin;
}

int ff_pdf_set_title(struct ff_pdf *p, const char *title, struct ff_err *e)
{
    HPDF_Binary bin;

    enter(p, e, NULL);
    if (need_doc(p, e))
        return e->code;
    /* SetInfoAttr creates the Info dictionary; the hex string replaces the
     * raw UTF-8 it would write. */
    if (HPDF_SetInfoAttr(p->doc, HPDF_INFO_TITLE, "-") != HPDF_OK)
        return fail(p, e, "setting the title");
    bin = utf16_binary(p, title, e);
    if (bin == NULL)
        return e->code;
    if (HPDF_Dict_Add(p->doc->info, "Title", bin) != HPDF_OK)
        return fail(p, e, "setting the title");
    return FF_OK;
}

int ff_pdf_add_page(struct ff_pdf *p, double w, double h, struct ff_err *e)
{
    HPDF_Page page;

    enter(p, e, NULL);
    if (need_doc(p, e))
        return e->code;
    if (grow((void **)&p->pages, &p->cap_pages, p->npages + 1,
             sizeof *p->pages))
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    if (p->page != NULL && finish_page(p) != HPDF_OK)
        return fail(p, e, "writing content");
    page = HPDF_AddPage(p->doc);
    if (page == NULL || HPDF_Page_SetWidth(page, (HPDF_REAL)w) != HPDF_OK ||
        HPDF_Page_SetHeight(page, (HPDF_REAL)h) != HPDF_OK)
        return fail(p, e, "adding a page");
    p->pages[p->npages++] = page;
    p->page = page;
    p->contents_arr = NULL;
    p->page_h = h;
    if (!p->no_font_cache)
        hook_contents(p, ((HPDF_PageAttr)page->attr)->contents);
    p->nrects = 0;
    p->grid = 0;
    return FF_OK;
}

int ff_pdf_page_count(const struct ff_pdf *p)
{
    return p->npages;
}

/* Serialise the document into libharu's memory stream. */
static int serialise(struct ff_pdf *p, struct ff_err *e)
{
    if (need_doc(p, e))
        return e->code;
    if (p->sticky.code != FF_OK) {
        ff_err_set(e, p->sticky.code, p->sticky.file, 0, 0, "%s",
                   p->sticky.msg);
        return e->code;
    }
    /* NewDoc resets the version to 1.3; the header is written from this. */
    p->doc->pdf_version = HPDF_VER_15;
    if (use_cached_fonts(p, e) != FF_OK)
        return e->code;
    if (HPDF_SaveToStream(p->doc) != HPDF_OK)
        return fail(p, e, "writing the document");
    return FF_OK;
}

/* Copy the serialised document to buf (size bytes, from the start). */
static int read_stream(struct ff_pdf *p, unsigned char *buf, size_t size,
                       struct ff_err *e)
{
    HPDF_UINT32 got = (HPDF_UINT32)size;
    HPDF_STATUS st;

    HPDF_ResetStream(p->doc);
    st = HPDF_ReadFromStream(p->doc, buf, &got);
    if ((st != HPDF_OK && st != HPDF_STREAM_EOF) || got != size)
        return fail(p, e, "reading the document back");
    return FF_OK;
}

int ff_pdf_save_mem(struct ff_pdf *p, char **data, size_t *len,
                    struct ff_err *e)
{
    size_t size;
    unsigned char *buf;
    int rc;

    *data = NULL;
    *len = 0;
    enter(p, e, NULL);
    if ((rc = serialise(p, e)) != FF_OK)
        goto out;
    size = HPDF_GetStreamSize(p->doc);
    buf = ff_malloc(size + 1);
    if (buf == NULL) {
        rc = ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        goto out;
    }
    if ((rc = read_stream(p, buf, size, e)) != FF_OK) {
        ff_free(buf);
        goto out;
    }
    buf[size] = '\0';
    *data = (char *)buf;
    *len = size;
out:
    end_doc(p);
    return rc;
}

int ff_pdf_save(struct ff_pdf *p, const char *path, struct ff_err *e)
{
    return ff_pdf_save_to(p, path, NULL, e);
}

int ff_pdf_save_to(struct ff_pdf *p, const char *path, struct ff_outgroup *g,
                   struct ff_err *e)
{
    struct ff_outfile o;
    HPDF_UINT i, n, len;
    int rc;

    enter(p, e, NULL);
    if ((rc = serialise(p, e)) != FF_OK)
        goto out;
    /* Write libharu's memory stream buffer by buffer: reading it back
     * into one block first (ff_pdf_save_mem) copied every byte twice more
     * through HPDF_MemCpy.  outfile.c: temporary name, fsync, rename
     * (now or with the group). */
    if ((rc = ff_outfile_open(&o, path, 0644, e)) != FF_OK)
        goto out;
    n = HPDF_MemStream_GetBufCount(p->doc->stream);
    for (i = 0; i < n; i++) {
        HPDF_BYTE *b = HPDF_MemStream_GetBufPtr(p->doc->stream, i, &len);

        if (b == NULL || (len && fwrite(b, 1, len, o.fp) != len)) {
            ff_outfile_abort(&o);
            rc = b == NULL ? fail(p, e, "reading the document back")
                           : ff_err_sys(e, path, "cannot write");
            goto out;
        }
    }
    rc = g ? ff_outgroup_add(g, &o, e) : ff_outfile_commit(&o, e);
out:
    if (rc != FF_OK && e && e->file[0] == '\0')
        snprintf(e->file, sizeof e->file, "%s", path);
    end_doc(p);
    return rc;
}

static void set_stroke(HPDF_Page page, double width, unsigned rgb)
{
    HPDF_Page_SetLineWidth(page, (HPDF_REAL)width);
    HPDF_Page_SetRGBStroke(page, (HPDF_REAL)((rgb >> 16) & 0xFF) / 255.0f,
                           (HPDF_REAL)((rgb >> 8) & 0xFF) / 255.0f,
                           (HPDF_REAL)(rgb & 0xFF) / 255.0f);
}

static void set_fill(HPDF_Page page, unsigned rgb)
{
    HPDF_Page_SetRGBFill(page, (HPDF_REAL)((rgb >> 16) & 0xFF) / 255.0f,
                         (HPDF_REAL)((rgb >> 8) & 0xFF) / 255.0f,
                         (HPDF_REAL)(rgb & 0xFF) / 255.0f);
}

/* Drawing calls without an ff_err: errors go to p->sticky. */
static int draw_enter(struct ff_pdf *p)
{
    enter(p, NULL, NULL);
    return need_page(p, NULL) == FF_OK && p->sticky.code == FF_OK;
}

static void line(struct ff_pdf *p, double x1, double y1, double x2,
                 double y2, double width, unsigned rgb, int dashed)
{
    static const HPDF_UINT16 dash[] = {3, 2};

    if (!draw_enter(p))
        return;
    HPDF_Page_GSave(p->page);
    set_stroke(p->page, width, rgb);
    if (dashed)
        HPDF_Page_SetDash(p->page, dash, 2, 0);
    HPDF_Page_MoveTo(p->page, (HPDF_REAL)x1, (HPDF_REAL)(p->page_h - y1));
    HPDF_Page_LineTo(p->page, (HPDF_REAL)x2, (HPDF_REAL)(p->page_h - y2));
    HPDF_Page_Stroke(p->page);
    HPDF_Page_GRestore(p->page);
}

void ff_pdf_line(struct ff_pdf *p, double x1, double y1, double x2, double y2,
                 double width, unsigned rgb)
{
    line(p, x1, y1, x2, y2, width, rgb, 0);
}

void ff_pdf_dashed_line(struct ff_pdf *p, double x1, double y1, double x2,
                        double y2, double width, unsigned rgb)
{
    line(p, x1, y1, x2, y2, width, rgb, 1);
}

void ff_pdf_rect(struct ff_pdf *p, double x, double y, double w, double h,
                 double width, unsigned rgb)
{
    if (!draw_enter(p))
        return;
    HPDF_Page_GSave(p->page);
    set_stroke(p->page, width, rgb);
    HPDF_Page_Rectangle(p->page, (HPDF_REAL)x, (HPDF_REAL)(p->page_h - y - h),
                        (HPDF_REAL)w, (HPDF_REAL)h);
    HPDF_Page_Stroke(p->page);
    HPDF_Page_GRestore(p->page);
}

void ff_pdf_fill_rect(struct ff_pdf *p, double x, double y, double w,
                      double h, unsigned rgb)
{
    if (!draw_enter(p))
        return;
    HPDF_Page_GSave(p->page);
    set_fill(p->page, rgb);
    HPDF_Page_Rectangle(p->page, (HPDF_REAL)x, (HPDF_REAL)(p->page_h - y - h),
                        (HPDF_REAL)w, (HPDF_REAL)h);
    HPDF_Page_Fill(p->page);
    HPDF_Page_GRestore(p->page);
}

/*
 * The rectangles are kept until ff_pdf_path_fill because PDF forbids setting
 * the colour once a path is under construction, and the colour is only
 * known at the fill.
 */
void ff_pdf_path_rect(struct ff_pdf *p, double x, double y, double w,
                      double h)
{
    double *r;

    if (!draw_enter(p))
        return;
    if (p->nrects + 4 > p->cap_rects) {
        size_t cap = p->cap_rects ? p->cap_rects * 2 : 256;

        r = ff_realloc(p->rects, cap * sizeof *r);
        if (r == NULL) {
            ff_err_set(&p->sticky, FF_ESYS, NULL, 0, 0, "out of memory");
            return;
        }
        p->rects = r;
        p->cap_rects = cap;
    }
    r = p->rects + p->nrects;
    r[0] = x;
    r[1] = y;
    r[2] = w;
    r[3] = h;
    p->nrects += 4;
}

void ff_pdf_path_grid(struct ff_pdf *p, double x, double y, double cell)
{
    if (!draw_enter(p))
        return;
    p->nrects = 0;
    p->grid = 1;
    p->grid_x = x;
    p->grid_y = y;
    p->grid_cell = cell;
}

/* n in PDF number syntax: an integer when it is one, else 4 decimals.
 * Integers (every QR cell) are converted by hand: printf was 7 % of a
 * packet's time, all of it here. */
static int add_num(struct ff_buf *b, double n)
{
    long i = (long)n;
    char digits[24], *d = digits + sizeof digits;
    unsigned long u;

    if ((double)i != n)
        return ff_buf_addf(b, "%.4f", n);
    u = i < 0 ? 0UL - (unsigned long)i : (unsigned long)i;
    do {
        *--d = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (i < 0)
        *--d = '-';
    return ff_buf_add(b, d, (size_t)(digits + sizeof digits - d));
}

/*
 * Grid cells as one path under one cm that maps cell units to points (y
 * flipped), so each rectangle is a few small integers: for a QR code about
 * a third of the bytes of the same rectangles in points, and no float
 * formatting per rectangle.
 */
static void grid_fill(struct ff_pdf *p, unsigned rgb)
{
    HPDF_PageAttr attr = (HPDF_PageAttr)p->page->attr;
    struct ff_buf b;
    size_t i;
    int bad;

    ff_buf_init(&b);
    bad = ff_buf_addf(&b, "%.5f 0 0 %.5f %.5f %.5f cm\n", p->grid_cell,
                      -p->grid_cell, p->grid_x, p->page_h - p->grid_y);
    for (i = 0; i < p->nrects && !bad; i += 4) {
        double *r = p->rects + i;

        bad = add_num(&b, r[0]) || ff_buf_adds(&b, " ") ||
              add_num(&b, r[1]) || ff_buf_adds(&b, " ") ||
              add_num(&b, r[2]) || ff_buf_adds(&b, " ") ||
              add_num(&b, r[3]) || ff_buf_adds(&b, " re\n");
    }
    if (!bad)
        bad = ff_buf_adds(&b, "f\n");
    if (bad) {
        ff_err_set(&p->sticky, FF_ESYS, NULL, 0, 0, "out of memory");
    } else {
        HPDF_Page_GSave(p->page);
        set_fill(p->page, rgb);
        if (HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)b.data,
                              (HPDF_UINT)b.len) != HPDF_OK)
            fail(p, NULL, "writing a path");
        HPDF_Page_GRestore(p->page);
    }
    ff_buf_release(&b);
}

void ff_pdf_path_fill(struct ff_pdf *p, unsigned rgb)
{
    size_t i;

    if (!draw_enter(p))
        return;
    if (p->nrects == 0) {
        p->grid = 0;
        return;
    }
    if (p->grid) {
        grid_fill(p, rgb);
        p->grid = 0;
        p->nrects = 0;
        return;
    }
    HPDF_Page_GSave(p->page);
    set_fill(p->page, rgb);
    for (i = 0; i < p->nrects; i += 4) {
        double *r = p->rects + i;

        HPDF_Page_Rectangle(p->page, (HPDF_REAL)r[0],
                            (HPDF_REAL)(p->page_h - r[1] - r[3]),
                            (HPDF_REAL)r[2], (HPDF_REAL)r[3]);
    }
    HPDF_Page_Fill(p->page);
    HPDF_Page_GRestore(p->page);
    p->nrects = 0;
}

int ff_pdf_outline_add(struct ff_pdf *p, int parent, const char *title,
                       int page, struct ff_err *e)
{
    HPDF_Outline o, par = NULL;
    HPDF_Destination dst;
    HPDF_Binary bin;

    enter(p, e, NULL);
    if (need_doc(p, e))
        return 0;
    if (parent < 0 || parent > p->noutlines) {
        ff_err_set(e, FF_EINTERNAL, NULL, 0, 0, "no outline entry %d",
                   parent);
        return 0;
    }
    if (page < 0 || page >= p->npages) {
        ff_err_set(e, FF_EINTERNAL, NULL, 0, 0,
                   "outline '%s' points to page %d of %d", title, page + 1,
                   p->npages);
        return 0;
    }
    if (grow((void **)&p->outlines, &p->cap_outlines, p->noutlines + 1,
             sizeof *p->outlines)) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        return 0;
    }
    if (parent > 0)
        par = p->outlines[parent - 1];
    /* libharu writes titles as raw bytes, which viewers read as
     * PDFDocEncoding; the UTF-16BE hex string replaces it. */
    o = HPDF_CreateOutline(p->doc, par, "", NULL);
    if (o == NULL) {
        fail(p, e, "creating an outline entry");
        return 0;
    }
    bin = utf16_binary(p, title, e);
    if (bin == NULL)
        return 0;
    dst = HPDF_Page_CreateDestination(p->pages[page]);
    if (HPDF_Dict_Add(o, "Title", bin) != HPDF_OK || dst == NULL ||
        HPDF_Outline_SetDestination(o, dst) != HPDF_OK ||
        HPDF_Outline_SetOpened(o, parent == 0) != HPDF_OK ||
        HPDF_SetPageMode(p->doc, HPDF_PAGE_MODE_USE_OUTLINE) != HPDF_OK) {
        fail(p, e, "creating an outline entry");
        return 0;
    }
    p->outlines[p->noutlines++] = o;
    return p->noutlines;
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
    a = (HPDF_CMapEncoderAttr)enc->attr;
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
static HPDF_Font doc_font(struct ff_pdf *p, int face, struct ff_err *e)
{
    struct face *f = &p->face[face];

    if (f->font)
        return f->font;
    f->font = new_font(p, f);
    if (f->font == NULL) {
        fail(p, e, "creating a font");
        return NULL;
    }
    if (f->cache.flags && !p->no_font_cache) {
        HPDF_TTFontDefAttr da = (HPDF_TTFontDefAttr)(
            (HPDF_FontDef)((HPDF_FontAttr)f->font->attr)->fontdef)->attr;
        unsigned i;

        if (da->num_glyphs == f->cache.nflags)
            for (i = 0; i < f->cache.nflags; i++)
                da->glyph_tbl.flgs[i] |= f->cache.flags[i];
    }
    if (cache_font_streams(p, f)) {
        f->font = NULL;
        fail(p, e, "writing the font streams");
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
    if (need_doc(p, e))
        return e ? e->code : p->sticky.code;
    font = doc_font(p, face ? 1 : 0, e);
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

int ff_pdf_text_open(struct ff_pdf *p, int face, double size, unsigned rgb,
                     double x, double y, struct ff_err *e)
{
    HPDF_Font font;

    enter(p, e, NULL);
    if (need_page(p, e))
        return e->code;
    font = doc_font(p, face ? 1 : 0, e);
    if (font == NULL)
        return e->code;
    set_fill(p->page, rgb);
    /* An empty TextOut writes only "x y Td" and keeps libharu's idea of the
     * text position consistent for the raw operators that follow. */
    if (HPDF_Page_BeginText(p->page) != HPDF_OK ||
        HPDF_Page_SetFontAndSize(p->page, font, (HPDF_REAL)size) != HPDF_OK ||
        HPDF_Page_TextOut(p->page, (HPDF_REAL)x, (HPDF_REAL)(p->page_h - y),
                          "") != HPDF_OK)
        return fail(p, e, "starting text");
    return FF_OK;
}

int ff_pdf_text_raw(struct ff_pdf *p, const char *s, size_t n,
                    struct ff_err *e)
{
    HPDF_PageAttr attr = (HPDF_PageAttr)p->page->attr;

    if (HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)s,
                          (HPDF_UINT)n) != HPDF_OK)
        return fail(p, e, "writing text");
    return FF_OK;
}

int ff_pdf_text_close(struct ff_pdf *p, struct ff_err *e)
{
    if (HPDF_Page_EndText(p->page) != HPDF_OK)
        return fail(p, e, "ending text");
    return FF_OK;
}

int ff_pdf_text_unshaped(struct ff_pdf *p, int face, double size,
                         unsigned rgb, double x, double y, const char *s,
                         size_t n, struct ff_err *e)
{
    char *z;
    int rc;

    z = ff_strndup(s, n);
    if (z == NULL)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    /* Any code may come through here unseen by ff_pdf_use_code. */
    p->face[face ? 1 : 0].foreign = 1;
    rc = ff_pdf_text_open(p, face, size, rgb, x, y, e);
    if (rc == FF_OK && HPDF_Page_ShowText(p->page, z) != HPDF_OK)
        rc = fail(p, e, "writing text");
    if (rc == FF_OK)
        rc = ff_pdf_text_close(p, e);
    ff_free(z);
    return rc;
}

/*
 * Static content replay (see pdf.h).  Every household's pages repeat the
 * same headings, table grids and ruled lines; drawing them through libharu
 * costs a formatted operator each (and libharu clears a 512-byte buffer per
 * operator), and shaping their text costs more.  A clip keeps the content
 * bytes such drawing produced once per worker, the glyphs it used, and the
 * page's names for the two fonts at the time; replaying writes the bytes
 * and marks the glyphs used in the new document.  The names must match,
 * since the bytes say "/F1 Tf": both faces are registered on the page
 * before recording and replaying, and a replay on a page whose names came
 * out different does nothing (the caller draws instead).  The bytes are
 * whole items that start and end outside any text or path object, leaving
 * nothing set for what follows (every item sets its own colours and font).
 */
struct clip {
    const void *key;
    char names[NFACES][16];
    unsigned char *bytes;
    size_t len;
    unsigned *codes;        /* face << 16 | code */
    size_t ncodes;
    struct zbytes z;        /* bytes, deflated: see split_contents */
};

static void clips_free(struct ff_pdf *p)
{
    size_t i;

    for (i = 0; i < p->nclips; i++) {
        ff_free(p->clips[i].bytes);
        ff_free(p->clips[i].codes);
        zbytes_free(&p->clips[i].z);
    }
    ff_free(p->clips);
    ff_free(p->rec_used);
}

/* Register both faces on the current page; their local names into names. */
static int page_font_names(struct ff_pdf *p, char names[NFACES][16],
                           struct ff_err *e)
{
    int i;

    memset(names, 0, NFACES * sizeof names[0]);
    for (i = 0; i < NFACES; i++) {
        HPDF_Font font = doc_font(p, i, e);
        const char *n;

        if (font == NULL)
            return e ? e->code : FF_EINTERNAL;
        n = HPDF_Page_GetLocalFontName(p->page, font);
        if (n == NULL)
            return fail(p, e, "naming a font");
        snprintf(names[i], sizeof names[i], "%s", n);
    }
    return FF_OK;
}

static int page_plain(struct ff_pdf *p)
{
    return ((HPDF_PageAttr)p->page->attr)->gmode ==
           HPDF_GMODE_PAGE_DESCRIPTION;
}

/*
 * Write a clip as its own, already deflated content stream: a page's
 * /Contents may be an array of streams, read as their concatenation (PDF
 * 32000-1, 7.8.2), and clips hold whole items, so the split falls between
 * operators.  The page's current stream ends there, unless still empty, in
 * which case it takes the clip's bytes itself; a new stream, deflated like
 * any content stream, takes what is drawn next.  libharu writes through
 * attr->stream and attr->contents only, so it follows the switch.  This
 * spares deflating the static part of every page again.
 */
static int split_contents(struct ff_pdf *p, const struct clip *c)
{
    HPDF_PageAttr attr = (HPDF_PageAttr)p->page->attr;
    HPDF_MMgr mm = p->doc->mmgr;
    HPDF_Dict cur = attr->contents, part, next;
    HPDF_Array arr;

    next = HPDF_DictStream_New(mm, p->doc->xref);
    if (next == NULL)
        return -1;
    next->filter = cur->filter;
    arr = p->contents_arr;
    if (arr == NULL) {
        arr = HPDF_Array_New(mm);
        if (arr == NULL || HPDF_Array_Add(arr, cur) != HPDF_OK ||
            HPDF_Dict_Add(p->page, "Contents", arr) != HPDF_OK)
            return -1;
        p->contents_arr = arr;
    }
    if (HPDF_Stream_Size(cur->stream) == 0) {
        part = cur;
    } else {
        part = HPDF_DictStream_New(mm, p->doc->xref);
        if (part == NULL || HPDF_Array_Add(arr, part) != HPDF_OK)
            return -1;
    }
    part->attr = NULL;
    if (put_deflated(part, &c->z) != HPDF_OK ||
        HPDF_Array_Add(arr, next) != HPDF_OK)
        return -1;
    hook_contents(p, next);
    attr->contents = next;
    attr->stream = next->stream;
    return 0;
}

int ff_pdf_clip_replay(struct ff_pdf *p, const void *key, struct ff_err *e)
{
    HPDF_PageAttr attr;
    char names[NFACES][16];
    struct clip *c = NULL;
    size_t i;
    int rc;

    if (p->no_font_cache)
        return 0;
    for (i = 0; i < p->nclips && c == NULL; i++)
        if (p->clips[i].key == key)
            c = &p->clips[i];
    if (c == NULL)
        return 0;
    enter(p, e, NULL);
    if (need_page(p, e))
        return -1;
    if (page_font_names(p, names, e))
        return -1;
    if (memcmp(names, c->names, sizeof names) != 0 || !page_plain(p))
        return 0;
    for (i = 0; i < c->ncodes; i++)
        if ((rc = ff_pdf_use_code(p, (int)(c->codes[i] >> 16),
                                  c->codes[i] & 0xFFFF, e)) != FF_OK)
            return -1;
    attr = (HPDF_PageAttr)p->page->attr;
    if (c->z.data != NULL) {
        if (split_contents(p, c) == 0)
            return 1;
        fail(p, e, "writing content");
        return -1;
    }
    if (HPDF_Stream_Write(attr->stream, c->bytes, (HPDF_UINT)c->len) !=
        HPDF_OK) {
        fail(p, e, "writing content");
        return -1;
    }
    return 1;
}

int ff_pdf_clip_begin(struct ff_pdf *p, struct ff_err *e)
{
    enter(p, e, NULL);
    p->recording = 0;
    if (p->no_font_cache)
        return FF_OK;
    if (need_page(p, e))
        return e->code;
    if (p->rec_used == NULL) {
        p->rec_used = ff_malloc(NFACES * NCODES / 8);
        if (p->rec_used == NULL)
            return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    }
    if (page_font_names(p, p->rec_names, e))
        return e->code;
    if (!page_plain(p))
        return FF_OK;
    memset(p->rec_used, 0, NFACES * NCODES / 8);
    p->rec_start =
        HPDF_Stream_Size(((HPDF_PageAttr)p->page->attr)->stream);
    p->rec_page = p->page;
    p->recording = 1;
    return FF_OK;
}

int ff_pdf_clip_end(struct ff_pdf *p, const void *key, struct ff_err *e)
{
    HPDF_Stream s;
    struct clip c;
    size_t i, n = 0;
    HPDF_UINT got;
    unsigned f, code;

    if (!p->recording)
        return FF_OK;
    p->recording = 0;
    for (i = 0; i < p->nclips; i++)
        if (p->clips[i].key == key)
            return FF_OK;
    if (p->page != p->rec_page || !page_plain(p) || p->sticky.code != FF_OK)
        return FF_OK;
    s = ((HPDF_PageAttr)p->page->attr)->stream;
    memset(&c, 0, sizeof c);
    c.key = key;
    memcpy(c.names, p->rec_names, sizeof c.names);
    c.len = HPDF_Stream_Size(s) - p->rec_start;
    for (i = 0; i < NFACES * NCODES; i++)
        n += (p->rec_used[i >> 3] >> (i & 7)) & 1;
    c.bytes = ff_malloc(c.len ? c.len : 1);
    c.codes = ff_malloc((n ? n : 1) * sizeof *c.codes);
    if (c.bytes == NULL || c.codes == NULL ||
        grow((void **)&p->clips, &p->cap_clips, (int)p->nclips + 1,
             sizeof *p->clips))
        goto oom;
    for (f = 0; f < NFACES; f++)
        for (code = 0; code < NCODES; code++)
            if ((p->rec_used[(f * NCODES + code) >> 3] >> (code & 7)) & 1)
                c.codes[c.ncodes++] = f << 16 | code;
    got = (HPDF_UINT)c.len;
    if (c.len > 0 &&
        (HPDF_Stream_Seek(s, (HPDF_INT)p->rec_start, HPDF_SEEK_SET) !=
             HPDF_OK ||
         HPDF_Stream_Read(s, c.bytes, &got) != HPDF_OK || got != c.len)) {
        /* Not kept: drawing stays correct, only slower. */
        ff_free(c.bytes);
        ff_free(c.codes);
        HPDF_ResetError(p->doc);
        return FF_OK;
    }
    /* Big enough to be worth its own stream object (see split_contents). */
    if (c.len >= 512 && deflate_into(&c.z, c.bytes, c.len))
        goto oom;
    p->clips[p->nclips++] = c;
    return FF_OK;
oom:
    ff_free(c.bytes);
    ff_free(c.codes);
    return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
}
