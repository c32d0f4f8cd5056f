/*
 * pdf_hpdf.h - everything of libharu 2.3.0 that ffkit uses beyond its
 * public API, for core/pdf*.c only.
 *
 * core/pdf.c (documents, pages, drawing, outlines, saving), core/pdf_font.c
 * (fonts, the ToUnicode map, the per-worker font cache) and
 * core/pdf_stream.c (content streams, deflating, raw text, static content
 * replay) share struct ff_pdf and reach into libharu's private structures:
 * page, font, font-definition and encoder attributes, dictionary hooks,
 * memory streams.  Those structures are not part of libharu's API and
 * change between releases, so this header is the only place that includes
 * libharu's internal headers, every cast of an object's attr goes through
 * the accessors below, and the build stops on any libharu but 2.3.0, the
 * version whose layout (hpdf_doc.h, hpdf_font.h, hpdf_fontdef.h,
 * hpdf_pages.h) this code was written and measured against.  Nothing
 * outside core/pdf*.c includes this header.
 */
#ifndef FF_PDF_HPDF_H
#define FF_PDF_HPDF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "outfile.h"
#include "pdf.h"

#include <hpdf.h>
#include <hpdf_version.h>

#if !defined(HPDF_MAJOR_VERSION) || !defined(HPDF_MINOR_VERSION) || \
    !defined(HPDF_BUGFIX_VERSION) || HPDF_MAJOR_VERSION != 2 ||          \
    HPDF_MINOR_VERSION != 3 || HPDF_BUGFIX_VERSION != 0
#error "core/pdf*.c reach into libharu 2.3.0's private structures (core/pdf_hpdf.h); this libharu is another version: check every use in core/pdf*.c against its headers before changing this test"
#endif

#include <hpdf_conf.h>
#include <hpdf_doc.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_pages.h>
#include <hpdf_utils.h>

#define NFACES 2
#define NCODES 65536

/*
 * The first set bit at or after i of the bitmap bits (n bits, n a multiple
 * of 64), or n.  A document draws a few hundred of the 65,536 codes: the
 * zero words are skipped eight bytes at a time, where a bit-by-bit walk of
 * every code cost a tenth of a folder's CPU (callgrind, 200 folders).
 */
static inline unsigned ffp_next_bit(const unsigned char *bits, unsigned i,
                                    unsigned n)
{
    while (i < n) {
        unsigned b = bits[i >> 3] >> (i & 7);
        uint64_t w;

        if (b)
            return i + (unsigned)__builtin_ctz(b);
        i = (i | 7) + 1;
        while ((i & 63) != 0 && i < n) {
            if ((b = bits[i >> 3]) != 0)
                return i + (unsigned)__builtin_ctz(b);
            i += 8;
        }
        while (i < n) {
            memcpy(&w, bits + (i >> 3), 8);
            if (w)
                break;
            i += 64;
        }
    }
    return n;
}

/* libharu's private attributes of its objects, in one place. */
static inline HPDF_PageAttr ffp_page_attr(HPDF_Page page)
{
    return (HPDF_PageAttr)page->attr;
}

static inline HPDF_FontAttr ffp_font_attr(HPDF_Font font)
{
    return (HPDF_FontAttr)font->attr;
}

static inline HPDF_TTFontDefAttr ffp_ttdef_attr(HPDF_FontDef def)
{
    return (HPDF_TTFontDefAttr)def->attr;
}

static inline HPDF_CMapEncoderAttr ffp_cmap_attr(HPDF_Encoder enc)
{
    return (HPDF_CMapEncoderAttr)enc->attr;
}

/* The stream the current drawing of page goes into. */
static inline HPDF_Stream ffp_page_stream(HPDF_Page page)
{
    return ffp_page_attr(page)->stream;
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
    struct zbytes file;     /* this document's FontFile2, deflated */
    size_t file_cap;        /* bytes allocated at file.data */
    unsigned length1;       /* its /Length1: the uncompressed size */
    int file_failed;        /* could not build it: let libharu subset */
    unsigned char *keep;    /* per document: glyphs to embed (pdf_subset.c) */
    short *wid;             /* NCODES widths parsed from w, -1 for none */
    struct ff_buf docw;     /* per document: /W of the codes drawn */
    unsigned nkeep;
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
    struct zbytes docw_z;   /* this document's /W (points into cache.docw) */
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
    struct libdeflate_compressor *fzc;  /* fonts: see ffp_use_cached_fonts */
    struct ff_buf subset;               /* scratch for the font subset */
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
    /* ff_pdf_begin_file: the body goes to out as pages are finished. */
    int streaming;
    struct ff_outfile out;
    HPDF_Stream ostream;    /* libharu's view of out.fp; size = offset */
    int out_errno;          /* first failed fwrite */
    int nflushed;           /* pages of p->pages written out */
    unsigned *page_ids;     /* object number of each page */
    size_t cap_page_ids;
    struct olent *ol;       /* a streamed document's outline entries */
    int nol, cap_ol;
    struct ff_buf otitles;  /* their titles, UTF-16BE with BOM, end to end */
    int ol_first, ol_last;  /* top-level entries */
    HPDF_UINT ol_root_off;
    HPDF_Null ol_ref;       /* stands for the outline root in /Outlines */
};

/* One outline entry of a streamed document, written at its save. */
struct olent {
    int parent;             /* 0: top level, else entry number (1-based) */
    int page;
    int first, last, next, prev;    /* entry numbers, 0 for none */
    int opened;
    int count;              /* libharu's /Count: visible descendants */
    size_t title_off, title_len;    /* in otitles */
    HPDF_UINT off, dest_off;        /* where it and its /Dest were written */
};



/* pdf.c: calls, errors, documents. */
void ffp_enter(struct ff_pdf *p, struct ff_err *e, const char *file);
int ffp_fail(struct ff_pdf *p, struct ff_err *e, const char *what);
int ffp_grow(void **arr, int *cap, int need, size_t elem);
int ffp_need_doc(struct ff_pdf *p, struct ff_err *e);
int ffp_need_page(struct ff_pdf *p, struct ff_err *e);
void ffp_set_fill(HPDF_Page page, unsigned rgb);

/* pdf_font.c: fonts, the ToUnicode map, the font cache. */
int ffp_face_read(struct face *f, const char *dir, const char *file,
                  struct ff_err *e);
int ffp_face_load(struct ff_pdf *p, struct face *f, struct ff_err *e);
void ffp_face_free(struct face *f);
HPDF_Font ffp_doc_font(struct ff_pdf *p, int face, struct ff_err *e);
int ffp_use_cached_fonts(struct ff_pdf *p, struct ff_err *e);

/* pdf_stream.c: deflated streams, content streams, clips. */
void ffp_zbytes_free(struct zbytes *z);
int ffp_deflate_into(struct zbytes *z, const void *src, size_t n);
int ffp_deflate_stream(struct zbytes *z, HPDF_Stream s);
HPDF_STATUS ffp_put_deflated(HPDF_Dict d, const struct zbytes *z);
HPDF_STATUS ffp_finish_page(struct ff_pdf *p);
void ffp_hook_contents(struct ff_pdf *p, HPDF_Dict c);
void ffp_clips_free(struct ff_pdf *p);

#endif
