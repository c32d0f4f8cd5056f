/*
 * pdf_stream.c - content streams: deflated stream data, each page's
 * content stream deflated once with libdeflate, the raw text operators
 * text.c writes, and static content replay (clips).  libharu internals come
 * through pdf_hpdf.h (see pdf.c for the whole).
 */
#include "pdf.h"

#include "alloc.h"
#include "pdf_hpdf.h"
#include "pdf_internal.h"

#include <stdio.h>
#include <string.h>

#include <libdeflate.h>

void ffp_zbytes_free(struct zbytes *z)
{
    ff_free(z->data);
    z->data = NULL;
    z->len = 0;
}

/*
 * Deflate src[0..n) into z (zlib format, as /FlateDecode wants) at
 * libdeflate's best level, 12: it is done once per worker and font, and
 * every household's file carries the result (about 4% smaller fonts than
 * zlib's level 9).
 */
int ffp_deflate_into(struct zbytes *z, const void *src, size_t n)
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
int ffp_deflate_stream(struct zbytes *z, HPDF_Stream s)
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
        rc = ffp_deflate_into(z, raw, size);
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

HPDF_STATUS ffp_put_deflated(HPDF_Dict d, const struct zbytes *z)
{
    d->filter = HPDF_STREAM_FILTER_NONE;
    d->before_write_fn = raw_before_write;
    d->write_fn = flate_entry;
    return set_stream_bytes(d, z->data, z->len);
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
HPDF_STATUS ffp_finish_page(struct ff_pdf *p)
{
    HPDF_PageAttr attr = ffp_page_attr(p->page);
    HPDF_Dict c = attr->contents;

    if (c == NULL || c->before_write_fn != deflate_contents ||
        attr->gmode != HPDF_GMODE_PAGE_DESCRIPTION || attr->gstate == NULL ||
        attr->gstate->prev != NULL)
        return HPDF_OK;
    return deflate_contents(c);
}

/* Deflate a page's content stream c through deflate_contents. */
void ffp_hook_contents(struct ff_pdf *p, HPDF_Dict c)
{
    if (c != NULL && c->before_write_fn == NULL && c->write_fn == NULL &&
        c->attr == NULL && c->free_fn == NULL) {
        c->attr = p;
        c->before_write_fn = deflate_contents;
    }
}

int ff_pdf_text_open(struct ff_pdf *p, int face, double size, unsigned rgb,
                     double x, double y, struct ff_err *e)
{
    HPDF_Font font;

    ffp_enter(p, e, NULL);
    if (ffp_need_page(p, e))
        return e->code;
    font = ffp_doc_font(p, face ? 1 : 0, e);
    if (font == NULL)
        return e->code;
    ffp_set_fill(p->page, rgb);
    /* An empty TextOut writes only "x y Td" and keeps libharu's idea of the
     * text position consistent for the raw operators that follow. */
    if (HPDF_Page_BeginText(p->page) != HPDF_OK ||
        HPDF_Page_SetFontAndSize(p->page, font, (HPDF_REAL)size) != HPDF_OK ||
        HPDF_Page_TextOut(p->page, (HPDF_REAL)x, (HPDF_REAL)(p->page_h - y),
                          "") != HPDF_OK)
        return ffp_fail(p, e, "starting text");
    return FF_OK;
}

int ff_pdf_text_raw(struct ff_pdf *p, const char *s, size_t n,
                    struct ff_err *e)
{
    HPDF_PageAttr attr = ffp_page_attr(p->page);

    if (HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)s,
                          (HPDF_UINT)n) != HPDF_OK)
        return ffp_fail(p, e, "writing text");
    return FF_OK;
}

int ff_pdf_text_close(struct ff_pdf *p, struct ff_err *e)
{
    if (HPDF_Page_EndText(p->page) != HPDF_OK)
        return ffp_fail(p, e, "ending text");
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
        rc = ffp_fail(p, e, "writing text");
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
 *
 * The bytes go into the page's one content stream and are deflated with
 * the rest of it.  Giving each clip a stream object of its own, deflated
 * once per worker, saved no measurable CPU with libdeflate's level 1 and
 * cost 6.5 KB a household (a folder's 39 streams instead of 6, each with a
 * length object and two xref entries, and no shared deflate window).
 */
struct clip {
    const void *key;
    char names[NFACES][16];
    unsigned char *bytes;
    size_t len;
    unsigned *codes;        /* face << 16 | code */
    size_t ncodes;
};

void ffp_clips_free(struct ff_pdf *p)
{
    size_t i;

    for (i = 0; i < p->nclips; i++) {
        ff_free(p->clips[i].bytes);
        ff_free(p->clips[i].codes);
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
        HPDF_Font font = ffp_doc_font(p, i, e);
        const char *n;

        if (font == NULL)
            return e ? e->code : FF_EINTERNAL;
        n = HPDF_Page_GetLocalFontName(p->page, font);
        if (n == NULL)
            return ffp_fail(p, e, "naming a font");
        {
            size_t k = strlen(n);

            if (k >= sizeof names[i])
                k = sizeof names[i] - 1;
            memcpy(names[i], n, k);     /* the rest is zero (memset) */
        }
    }
    return FF_OK;
}

static int page_plain(struct ff_pdf *p)
{
    return (ffp_page_attr(p->page))->gmode ==
           HPDF_GMODE_PAGE_DESCRIPTION;
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
    ffp_enter(p, e, NULL);
    if (ffp_need_page(p, e))
        return -1;
    if (page_font_names(p, names, e))
        return -1;
    if (memcmp(names, c->names, sizeof names) != 0 || !page_plain(p))
        return 0;
    for (i = 0; i < c->ncodes; i++)
        if ((rc = ff_pdf_use_code(p, (int)(c->codes[i] >> 16),
                                  c->codes[i] & 0xFFFF, e)) != FF_OK)
            return -1;
    attr = ffp_page_attr(p->page);
    if (HPDF_Stream_Write(attr->stream, c->bytes, (HPDF_UINT)c->len) !=
        HPDF_OK) {
        ffp_fail(p, e, "writing content");
        return -1;
    }
    return 1;
}

int ff_pdf_clip_begin(struct ff_pdf *p, struct ff_err *e)
{
    ffp_enter(p, e, NULL);
    p->recording = 0;
    if (p->no_font_cache)
        return FF_OK;
    if (ffp_need_page(p, e))
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
        HPDF_Stream_Size(ffp_page_stream(p->page));
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
    s = ffp_page_stream(p->page);
    memset(&c, 0, sizeof c);
    c.key = key;
    memcpy(c.names, p->rec_names, sizeof c.names);
    c.len = HPDF_Stream_Size(s) - p->rec_start;
    for (i = 0; i < NFACES * NCODES / 8; i++)
        n += (size_t)__builtin_popcount(p->rec_used[i]);
    c.bytes = ff_malloc(c.len ? c.len : 1);
    c.codes = ff_malloc((n ? n : 1) * sizeof *c.codes);
    if (c.bytes == NULL || c.codes == NULL ||
        ffp_grow((void **)&p->clips, &p->cap_clips, (int)p->nclips + 1,
             sizeof *p->clips))
        goto oom;
    for (f = 0; f < NFACES; f++)
        for (code = ffp_next_bit(p->rec_used + f * NCODES / 8, 0, NCODES);
             code < NCODES;
             code = ffp_next_bit(p->rec_used + f * NCODES / 8, code + 1,
                                 NCODES))
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
    p->clips[p->nclips++] = c;
    return FF_OK;
oom:
    ff_free(c.bytes);
    ff_free(c.codes);
    return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
}

