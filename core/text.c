/*
 * text.c - Thai text on PDF pages: HarfBuzz shaping, libthai line breaking,
 * exact extraction; the only file that includes hb.h and the libthai
 * headers.
 *
 * Why shaping by hand: libharu draws a UTF-8 string with each character's
 * nominal glyph, so tone marks sit high and collide with ป ฝ ฟ ascenders and
 * ญ ฐ keep the descender that collides with ุ ู.  HarfBuzz applies the font's
 * GSUB/GPOS (low and left-shifted marks, descender-less ญ ฐ); its glyphs are
 * written as a raw `[<code> n <code>] TJ` into the page content stream.
 *
 * Content codes are Unicode values (see pdf_internal.h), so each HarfBuzz
 * glyph is drawn through a code point that reaches it: a character of its own
 * cluster when that character's nominal glyph is the glyph, else the reverse
 * cmap (GSUB alternates sit at U+F700..U+F71F in TLWG fonts).  A cluster with
 * a glyph no code point reaches (ligatures, .uline forms) is drawn unshaped.
 *
 * Extraction: pdf_font.c's ToUnicode maps the U+F7xx forms back to Thai, and each
 * whitespace-delimited word whose glyph run does not read back as its text
 * (reordered or decomposed marks, offsets, kerned advances) is wrapped in
 * `/Span <</ActualText ...>> BDC ... EMC`.  Per word, not per cluster:
 * poppler ends an ActualText span at the last glyph's origin plus width, so a
 * cluster ending in a left-shifted mark would get a spurious space after it.
 * MuPDF (SumatraPDF) ignores ActualText and reads each glyph through
 * ToUnicode in content-stream order, so the glyphs of a cluster are also
 * put in the order of its text where that does not change the picture
 * (logical_order): then both read back exactly.
 *
 * Units: HarfBuzz works at scale = upem, so positions are font units; TJ
 * numbers are 1/1000 em.  libharu's /W widths are floor(hmtx * 1000 / upem);
 * the PDF pen is tracked with those widths and corrected back to HarfBuzz's
 * pen with TJ numbers, so rounding never accumulates.
 *
 * Line breaking: a paragraph is shaped once; libthai's dictionary gives
 * the Thai word boundaries (with a few rules for print, see chunk_breaks);
 * lines are filled greedily from the shaped advances and drawn from the same
 * glyphs.  Only a word wider than the box is split, between HarfBuzz
 * clusters, which are grapheme clusters at the cluster level used here.
 *
 * Cost: HarfBuzz and libthai are most of it, so shaped words are cached per
 * worker (see shape_chunk).  All state (HarfBuzz fonts and buffer, the
 * libthai breaker, the cache, scratch arrays) lives in a context owned by the
 * ff_pdf, so two workers never share any.
 */
#include "text.h"

#include "alloc.h"
#include "buf.h"
#include "pdf_internal.h"
#include "utf8.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <hb.h>
#include <thai/thbrk.h>
#include <thai/thwbrk.h>

#define NFACES 2

struct hbface {
    hb_blob_t *blob;
    hb_face_t *face;
    hb_font_t *font;
    unsigned upem;
    unsigned nglyphs;
    uint16_t *rev;      /* glyph -> BMP code point that reaches it, 0: none */
    int16_t *w;         /* glyph -> libharu width, 1/1000 em */
    int16_t *ink;       /* glyph -> 4 values: x0, x1, bottom, top (units,
                           y up from the baseline) of its outline */
    hb_codepoint_t space;   /* nominal glyph of U+0020, 0: none */
};

/* One glyph as it will be drawn. */
struct glyph {
    uint32_t cluster;   /* byte offset of its cluster in the shaped text */
    uint32_t code;      /* content code (= Unicode value, BMP) */
    int32_t xoff, yoff, xadv;   /* font units */
    int w;              /* libharu width of code, 1/1000 em */
    int plain;          /* drawn unshaped: no code reaches HarfBuzz's glyph */
    uint32_t gid;       /* the glyph drawn (for its ink box) */
};

struct tctx {
    struct hbface f[NFACES];
    hb_buffer_t *buf;
    hb_language_t th;
    ThBrk *brk;         /* loaded on first wrap: 4-6 ms for the dictionary */
    struct glyph *g;
    size_t ng, capg;
    wchar_t *wc;        /* a chunk as code points, NUL-terminated */
    uint32_t *off;      /* byte offset of each of them, then the end */
    int *pos;           /* libthai's break positions in wc */
    unsigned char *brk_ok;  /* a line may start at byte i of the paragraph */
    unsigned char *brk_sure;    /* ... and justification may open a gap */
    size_t capw;
    long *prof_a, *prof_b, *prof_tmp;   /* ink profiles, see line_ink */
    struct ff_buf clean;    /* the text without keep/join markers */
    size_t *keep;           /* keep ranges [keep[2i], keep[2i+1]) of it */
    size_t nkeep, capkeep;
    size_t *join;           /* no line break at these byte offsets */
    size_t njoin, capjoin;
    int keep_broken;        /* a kept word was wider than its box */
    struct dline *dl;       /* lines laid out, to draw if they all fit */
    size_t ndl, capdl;
    size_t capprof;
    size_t prof_dirty;  /* columns [0, prof_dirty) of the three may hold ink */
    struct ff_buf out;  /* content operators of the line being drawn */
    struct chunk *cache;    /* see shape_chunk */
    size_t ncache;
    int no_cache;           /* $FFKIT_SHAPE_CACHE=0, for benchmarks */
};

/* A line laid out and not yet drawn (ff_text_box_fit). */
struct dline {
    double x, bl, extra;
    size_t b1, g0, g1;
    int brk;
};

/* A line chosen by the wrapper: bytes [b0, b1) of s, glyphs [g0, g1). */
struct line {
    size_t b0, b1, g0, g1;
    long width;         /* font units */
    int last;           /* last line of its paragraph: no justification */
};

static void cache_clear(struct tctx *t);

static void hbface_release(struct hbface *f)
{
    hb_font_destroy(f->font);
    hb_face_destroy(f->face);
    hb_blob_destroy(f->blob);
    ff_free(f->rev);
    ff_free(f->w);
    ff_free(f->ink);
}

static void tctx_free(void *v)
{
    struct tctx *t = v;
    int i;

    if (t == NULL)
        return;
    for (i = 0; i < NFACES; i++)
        hbface_release(&t->f[i]);
    hb_buffer_destroy(t->buf);
    if (t->brk)
        th_brk_delete(t->brk);
    ff_free(t->g);
    ff_free(t->wc);
    ff_free(t->off);
    ff_free(t->brk_ok);
    ff_free(t->brk_sure);
    ff_free(t->prof_a);
    ff_free(t->prof_b);
    ff_free(t->prof_tmp);
    ff_free(t->pos);
    cache_clear(t);
    ff_free(t->cache);
    ff_buf_release(&t->out);
    ff_buf_release(&t->clean);
    ff_free(t->keep);
    ff_free(t->join);
    ff_free(t->dl);
    ff_free(t);
}

static int is_pua(uint32_t c)
{
    return c >= 0xE000 && c <= 0xF8FF;
}

static int hbface_init(struct hbface *f, struct ff_pdf *p, int face,
                       struct ff_err *e)
{
    const char *path = ff_pdf_font_path(p, face), *data;
    hb_set_t *set;
    hb_codepoint_t u = HB_SET_VALUE_INVALID, gid;
    size_t len;
    unsigned i;

    data = ff_pdf_font_data(p, face, &len);
    /* The bytes outlive the blob: both belong to p. */
    f->blob = hb_blob_create(data, (unsigned)len, HB_MEMORY_MODE_READONLY,
                             NULL, NULL);
    f->face = hb_face_create(f->blob, 0);
    f->font = hb_font_create(f->face);
    f->upem = hb_face_get_upem(f->face);
    f->nglyphs = hb_face_get_glyph_count(f->face);
    if (f->upem == 0 || f->nglyphs == 0)
        return ff_err_set(e, FF_EINPUT, path, 0, 0,
                          "not a usable TrueType font '%s'", path);
    hb_font_set_scale(f->font, (int)f->upem, (int)f->upem);
    f->rev = ff_calloc(f->nglyphs, sizeof *f->rev);
    f->w = ff_calloc(f->nglyphs, sizeof *f->w);
    f->ink = ff_calloc((size_t)f->nglyphs * 4, sizeof *f->ink);
    set = hb_set_create();
    if (f->rev == NULL || f->w == NULL || f->ink == NULL ||
        !hb_set_allocation_successful(set)) {
        hb_set_destroy(set);
        return ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
    }
    /*
     * HarfBuzz 6.0 has no hb_face_collect_nominal_glyph_mapping (7.0), so the
     * reverse cmap comes from the set of code points.  Non-PUA code points
     * win, and the lowest one, so that extraction without ToUnicode still
     * reads something sensible.
     */
    hb_face_collect_unicodes(f->face, set);
    while (hb_set_next(set, &u)) {
        if (u == 0 || u > 0xFFFF ||
            !hb_font_get_nominal_glyph(f->font, u, &gid) || gid >= f->nglyphs)
            continue;
        if (f->rev[gid] == 0 || (is_pua(f->rev[gid]) && !is_pua(u)))
            f->rev[gid] = (uint16_t)u;
    }
    hb_set_destroy(set);
    if (!hb_font_get_nominal_glyph(f->font, ' ', &f->space) ||
        f->space >= f->nglyphs)
        f->space = 0;
    for (i = 0; i < f->nglyphs; i++) {
        long adv = hb_font_get_glyph_h_advance(f->font, i);
        hb_glyph_extents_t x;

        f->w[i] = (int16_t)(adv * 1000 / (long)f->upem);
        /* The ink box of each glyph, for line spacing (see line_gap):
         * Laksaman's stacks reach 1.25 em up and ฎุ 0.63 em down. */
        if (hb_font_get_glyph_extents(f->font, i, &x) && x.height != 0) {
            f->ink[4 * i] = (int16_t)x.x_bearing;
            f->ink[4 * i + 1] = (int16_t)(x.x_bearing + x.width);
            f->ink[4 * i + 2] = (int16_t)(x.y_bearing + x.height);
            f->ink[4 * i + 3] = (int16_t)x.y_bearing;
        }
    }
    return FF_OK;
}

/* The text context of p, created on first use. */
static struct tctx *ctx_of(struct ff_pdf *p, struct ff_err *e)
{
    struct tctx *t = ff_pdf_text_ctx(p);
    int i;

    if (t)
        return t;
    t = ff_calloc(1, sizeof *t);
    if (t == NULL) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        return NULL;
    }
    ff_buf_init(&t->out);
    ff_buf_init(&t->clean);
    for (i = 0; i < NFACES; i++)
        if (hbface_init(&t->f[i], p, i, e) != FF_OK)
            goto fail;
    t->buf = hb_buffer_create();
    if (!hb_buffer_allocation_successful(t->buf)) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        goto fail;
    }
    t->th = hb_language_from_string("th", -1);
    {
        const char *v = getenv("FFKIT_SHAPE_CACHE");

        t->no_cache = v != NULL && strcmp(v, "0") == 0;
    }
    ff_pdf_set_text_ctx(p, t, tctx_free);
    return t;
fail:
    tctx_free(t);
    return NULL;
}

static int grow_glyphs(struct tctx *t, size_t need, struct ff_err *e)
{
    struct glyph *g = ff_grow(t->g, &t->capg, need, sizeof *g, 256);

    if (g == NULL)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    t->g = g;
    return FF_OK;
}

/* Append one nominal (unshaped) glyph for code point cp, if the font has it. */
static void add_plain(struct hbface *f, struct tctx *t, uint32_t cluster,
                      uint32_t cp)
{
    hb_codepoint_t gid;
    struct glyph *o;

    if (cp > 0xFFFF || !hb_font_get_nominal_glyph(f->font, cp, &gid) ||
        gid >= f->nglyphs)
        return;
    o = &t->g[t->ng++];
    o->cluster = cluster;
    o->code = cp;
    o->xoff = o->yoff = 0;
    o->xadv = hb_font_get_glyph_h_advance(f->font, gid);
    o->w = f->w[gid];
    o->plain = 1;
    o->gid = gid;
}

/* The ink box of glyph gid drawn with its origin at (x, y), font units. */
static void ink(struct hbface *f, hb_codepoint_t gid, long x, long y,
                long box[4])
{
    hb_glyph_extents_t ex;

    if (!hb_font_get_glyph_extents(f->font, gid, &ex))
        memset(&ex, 0, sizeof ex);
    box[0] = x + ex.x_bearing;
    box[1] = y + ex.y_bearing + ex.height;
    box[2] = x + ex.x_bearing + ex.width;
    box[3] = y + ex.y_bearing;
}

static void ink_union(long a[4], const long b[4])
{
    if (b[0] == b[2] || b[1] == b[3])
        return;
    if (a[0] == a[2] || a[1] == a[3]) {
        memcpy(a, b, 4 * sizeof *a);
        return;
    }
    a[0] = b[0] < a[0] ? b[0] : a[0];
    a[1] = b[1] < a[1] ? b[1] : a[1];
    a[2] = b[2] > a[2] ? b[2] : a[2];
    a[3] = b[3] > a[3] ? b[3] : a[3];
}

/*
 * Put the n glyphs of one cluster (text s[b0, b1)) in the order of the
 * text, for extractors that read glyphs in content-stream order through
 * ToUnicode (MuPDF; see the file comment), without changing the picture:
 *
 * 1. HarfBuzz's Thai shaper decomposes SARA AM (U+0E33) into NIKHAHIT +
 *    SARA AA and moves the NIKHAHIT before a tone mark: น้ำ is drawn
 *    น ํ ้ า and reads back as "น" "ํ" "้" "า".  When the font's own SARA AM
 *    glyph has SARA AA's advance and exactly the ink of the two glyphs as
 *    placed (in Laksaman for every consonant and tone but the tall ป ฝ ฟ,
 *    whose NIKHAHIT HarfBuzz shifts left), the two are drawn as that one
 *    glyph at SARA AA's place, through code U+0E33.
 * 2. A mark moved left by GPOS (on ป ฝ ฟ) is drawn as the font's
 *    presentation form of the same character (U+F700..U+F71F, which
 *    ToUnicode reads back as that character) at no offset, when that form
 *    has exactly the ink of the moved mark: MuPDF takes a gap of more than
 *    0.15 em between one glyph's advance and the next glyph as a space,
 *    and a mark moved 0.16 em or more left leaves such a gap (ป่า, ปุ๋ย).
 * 3. Marks with no advance drawn at one pen position (ผู้: HarfBuzz gives
 *    ้ before ู) are sorted, stably, into the order of their characters in
 *    the text; their order of painting does not matter.
 *
 * Returns the new number of glyphs (n or n - 1).
 */
static size_t logical_order(struct hbface *f, struct glyph *g, size_t n,
                            const char *s, uint32_t b0, uint32_t b1)
{
    uint32_t text[16], cp;
    int idx[16];
    size_t nt = 0, i, j, used;
    hb_codepoint_t am, gn, ga;

    for (i = b0; i < b1 && nt < 16; i += used, nt++) {
        used = ff_utf8_decode(s + i, b1 - i, &cp);
        if (used == 0)
            return n;
        text[nt] = cp;
    }
    if (i < b1 || n < 2 || n > 16)
        return n;
    /* 1: NIKHAHIT ... SARA AA -> SARA AM. */
    for (i = 0; i < nt && text[i] != 0x0E33; i++)
        ;
    if (i < nt && hb_font_get_nominal_glyph(f->font, 0x0E33, &am) &&
        hb_font_get_nominal_glyph(f->font, 0x0E4D, &gn) &&
        hb_font_get_nominal_glyph(f->font, 0x0E32, &ga) && am < f->nglyphs) {
        size_t kn = n, ka = n;
        long pen = 0, pn = 0, pa = 0;

        for (j = 0; j < n; j++) {
            if (g[j].code == 0x0E4D && kn == n) {
                kn = j;
                pn = pen;
            } else if (g[j].code == 0x0E32 && kn < n && ka == n) {
                ka = j;
                pa = pen;
            }
            pen += g[j].xadv;
        }
        if (ka < n && g[kn].xadv == 0 && g[ka].xoff == 0 && g[ka].yoff == 0 &&
            g[ka].xadv == hb_font_get_glyph_h_advance(f->font, am)) {
            long two[4] = {0, 0, 0, 0}, one[4], b[4];

            ink(f, gn, pn + g[kn].xoff, g[kn].yoff, b);
            ink_union(two, b);
            ink(f, ga, pa, 0, b);
            ink_union(two, b);
            ink(f, am, pa, 0, one);
            if (memcmp(one, two, sizeof one) == 0) {
                g[ka].code = 0x0E33;
                g[ka].w = f->w[am];
                memmove(g + kn, g + kn + 1, (n - kn - 1) * sizeof *g);
                n--;
            }
        }
    }
    /* 2: moved marks as presentation forms. */
    for (i = 0; i < n; i++) {
        uint32_t c = ff_pdf_code_text(g[i].code), k;
        hb_codepoint_t gm, gp;
        long want[4], got[4];

        if (g[i].xadv != 0 || g[i].xoff == 0 ||
            !hb_font_get_nominal_glyph(f->font, g[i].code, &gm))
            continue;
        ink(f, gm, g[i].xoff, g[i].yoff, want);
        for (k = 0xF700; k <= 0xF71F; k++) {
            if (ff_pdf_code_text(k) != c ||
                !hb_font_get_nominal_glyph(f->font, k, &gp) ||
                gp >= f->nglyphs)
                continue;
            ink(f, gp, 0, g[i].yoff, got);
            if (memcmp(want, got, sizeof want) == 0 &&
                hb_font_get_glyph_h_advance(f->font, gp) == 0) {
                g[i].code = k;
                g[i].w = f->w[gp];
                g[i].xoff = 0;
                break;
            }
        }
    }
    /* 3: zero-advance runs in text order. */
    for (i = 0; i < n; i++) {
        uint32_t c = ff_pdf_code_text(g[i].code);

        idx[i] = 99;
        for (j = 0; j < nt; j++)
            if (text[j] == c) {
                idx[i] = (int)j;
                break;
            }
    }
    for (i = 0; i < n; i = j) {
        size_t a, k;

        for (j = i + 1; j < n && g[j - 1].xadv == 0 && g[j].xadv == 0; j++)
            ;
        if (g[i].xadv != 0 || j - i < 2)
            continue;
        for (a = i + 1; a < j; a++)     /* insertion sort: stable */
            for (k = a; k > i && idx[k - 1] > idx[k]; k--) {
                struct glyph tg = g[k];
                int ti = idx[k];

                g[k] = g[k - 1];
                idx[k] = idx[k - 1];
                g[k - 1] = tg;
                idx[k - 1] = ti;
            }
    }
    return n;
}

/*
 * Shape s[0..n) with HarfBuzz and append the glyphs to t->g, clusters
 * counted from base.  Every cluster's glyphs get content codes; a cluster
 * with an unreachable glyph falls back to its nominal glyphs.
 */
static int shape_run(struct tctx *t, int face, const char *s, size_t n,
                     size_t base, struct ff_err *e)
{
    size_t ng0 = t->ng;
    struct hbface *f = &t->f[face ? 1 : 0];
    hb_glyph_info_t *info;
    hb_glyph_position_t *pos;
    unsigned len, i, j, k;

    hb_buffer_clear_contents(t->buf);
    hb_buffer_add_utf8(t->buf, s, (int)n, 0, (int)n);
    hb_buffer_set_direction(t->buf, HB_DIRECTION_LTR);
    hb_buffer_set_script(t->buf, HB_SCRIPT_THAI);
    hb_buffer_set_language(t->buf, t->th);
    /* One cluster per grapheme: what the wrapper may split a long word at. */
    hb_buffer_set_cluster_level(t->buf,
                                HB_BUFFER_CLUSTER_LEVEL_MONOTONE_GRAPHEMES);
    hb_shape(f->font, t->buf, NULL, 0);
    if (!hb_buffer_allocation_successful(t->buf))
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory in HarfBuzz");
    info = hb_buffer_get_glyph_infos(t->buf, &len);
    pos = hb_buffer_get_glyph_positions(t->buf, &len);
    /* Fallback clusters may have more glyphs than HarfBuzz gave. */
    if (grow_glyphs(t, t->ng + (size_t)len + n, e))
        return FF_ESYS;
    for (i = 0; i < len; i = j) {
        uint32_t cl = info[i].cluster, end;
        int ok = 1;

        for (j = i + 1; j < len && info[j].cluster == cl; j++)
            ;
        end = j < len ? info[j].cluster : (uint32_t)n;
        for (k = i; k < j; k++) {
            struct glyph *o = &t->g[t->ng + (k - i)];
            hb_codepoint_t gid = info[k].codepoint, nom;
            uint32_t b = cl, cp = 0, code = 0;
            size_t used;

            /* Prefer a character of the cluster itself. */
            while (b < end && code == 0) {
                used = ff_utf8_decode(s + b, end - b, &cp);
                if (used == 0)
                    break;
                if (cp <= 0xFFFF && hb_font_get_nominal_glyph(f->font, cp,
                                                              &nom) &&
                    nom == gid)
                    code = cp;
                b += (uint32_t)used;
            }
            if (code == 0 && gid < f->nglyphs)
                code = f->rev[gid];
            if (code == 0 || gid >= f->nglyphs) {
                ok = 0;
                break;
            }
            o->cluster = cl;
            o->code = code;
            o->xoff = pos[k].x_offset;
            o->yoff = pos[k].y_offset;
            o->xadv = pos[k].x_advance;
            o->w = f->w[gid];
            o->plain = 0;
            o->gid = gid;
        }
        if (ok) {
            t->ng += logical_order(f, t->g + t->ng, j - i, s, cl, end);
            continue;
        }
        for (uint32_t b = cl; b < end;) {
            uint32_t cp;
            size_t used = ff_utf8_decode(s + b, end - b, &cp);

            if (used == 0)
                break;
            add_plain(f, t, cl, cp);
            b += (uint32_t)used;
        }
    }
    for (i = (unsigned)ng0; i < t->ng; i++)
        t->g[i].cluster += (uint32_t)base;
    return FF_OK;
}

/*
 * The shaping cache.  Documents repeat the same words endlessly (labels,
 * village and district names, titles, amounts), and HarfBuzz is most of the
 * cost of a page, so each whitespace-delimited chunk is shaped once per
 * worker and its glyphs (and, when wrapping needs them, its libthai break
 * opportunities) are kept.  Shaping chunk by chunk gives the same glyphs as
 * shaping the line: Thai and Latin lookups in these fonts never reach
 * across a space (test_text compares every string with HarfBuzz's output
 * for the whole string).  Open addressing; when half full the cache is
 * simply emptied, which bounds memory without bookkeeping.
 */
#define CACHE_SLOTS 4096        /* a power of two */
#define CACHE_MAX_BYTES 512     /* longer chunks are shaped every time */

struct chunk {
    char *key;          /* NULL: empty slot */
    uint32_t len;
    int face;
    struct glyph *g;    /* clusters counted from the chunk start */
    uint32_t ng;
    unsigned char *brk; /* len + 1 break flags, NULL until wrapping */
};

static void cache_clear(struct tctx *t)
{
    size_t i;

    for (i = 0; t->cache && i < CACHE_SLOTS; i++) {
        struct chunk *c = &t->cache[i];

        ff_free(c->key);
        ff_free(c->g);
        ff_free(c->brk);
        memset(c, 0, sizeof *c);
    }
    t->ncache = 0;
}

/* The slot of (face, s[0..n)): a filled one, an empty one, or NULL. */
static struct chunk *cache_slot(struct tctx *t, int face, const char *s,
                                size_t n)
{
    uint64_t h = 14695981039346656037u ^ (uint64_t)face;
    size_t i, idx;

    if (n > CACHE_MAX_BYTES || t->no_cache)
        return NULL;
    if (t->cache == NULL) {
        t->cache = ff_calloc(CACHE_SLOTS, sizeof *t->cache);
        if (t->cache == NULL)
            return NULL;        /* no cache is slower, not wrong */
    }
    if (t->ncache >= CACHE_SLOTS / 2)
        cache_clear(t);
    for (i = 0; i < n; i++)     /* FNV-1a */
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    for (idx = (size_t)h & (CACHE_SLOTS - 1);; idx = (idx + 1) &
                                                      (CACHE_SLOTS - 1)) {
        struct chunk *c = &t->cache[idx];

        if (c->key == NULL || (c->len == n && c->face == face &&
                               memcmp(c->key, s, n) == 0))
            return c;
    }
}

/* Append the glyphs of the chunk s[0..n) at byte base, through the cache. */
static int shape_chunk(struct tctx *t, int face, const char *s, size_t n,
                       size_t base, struct ff_err *e)
{
    struct hbface *f = &t->f[face ? 1 : 0];
    struct chunk *c;
    size_t i, ng0 = t->ng;
    int rc;

    /* Half the chunks are single spaces: HarfBuzz would only return the
     * nominal glyph at its advance, at the cost of a whole hb_shape call. */
    for (i = 0; i < n && s[i] == ' '; i++)
        ;
    if (f->space != 0 && i == n) {
        if ((rc = grow_glyphs(t, t->ng + n, e)) != FF_OK)
            return rc;
        for (i = 0; i < n; i++) {
            struct glyph *o = &t->g[t->ng++];

            o->cluster = (uint32_t)(base + i);
            o->code = ' ';
            o->xoff = o->yoff = 0;
            o->xadv = hb_font_get_glyph_h_advance(f->font, f->space);
            o->w = f->w[f->space];
            o->plain = 0;
            o->gid = f->space;
        }
        return FF_OK;
    }
    c = cache_slot(t, face, s, n);
    if (c == NULL)
        return shape_run(t, face, s, n, base, e);
    if (c->key == NULL) {
        if ((rc = shape_run(t, face, s, n, 0, e)) != FF_OK)
            return rc;
        c->g = ff_malloc((t->ng - ng0) * sizeof *c->g);
        c->key = ff_strndup(s, n);
        if (c->g && c->key) {
            memcpy(c->g, t->g + ng0, (t->ng - ng0) * sizeof *c->g);
            c->ng = (uint32_t)(t->ng - ng0);
            c->len = (uint32_t)n;
            c->face = face;
            t->ncache++;
        } else {
            ff_free(c->g);
            ff_free(c->key);
            memset(c, 0, sizeof *c);
        }
    } else {
        if ((rc = grow_glyphs(t, t->ng + c->ng, e)) != FF_OK)
            return rc;
        memcpy(t->g + t->ng, c->g, c->ng * sizeof *c->g);
        t->ng += c->ng;
    }
    for (i = ng0; i < t->ng; i++)
        t->g[i].cluster += (uint32_t)base;
    return FF_OK;
}

static int is_space_byte(char c)
{
    return c == ' ' || c == '\t';
}

/* Length of the chunk at s[0..n): a run of spaces or of anything else. */
static size_t chunk_len(const char *s, size_t n)
{
    size_t j = 1;
    const char *sp, *tab;

    if (is_space_byte(s[0])) {
        while (j < n && is_space_byte(s[j]))
            j++;
        return j;
    }
    /* A word: up to the first space or tab (memchr, as words are long in
     * bytes: three a Thai letter). */
    sp = memchr(s, ' ', n);
    j = sp ? (size_t)(sp - s) : n;
    tab = memchr(s, '\t', j);
    return tab ? (size_t)(tab - s) : j;
}

/* Shape s[0..n) into t->g, chunk by chunk. */
static int shape(struct tctx *t, int face, const char *s, size_t n,
                 struct ff_err *e)
{
    size_t i = 0, j;
    int rc;

    t->ng = 0;
    while (i < n) {
        j = i + chunk_len(s + i, n - i);
        if ((rc = shape_chunk(t, face, s + i, j - i, i, e)) != FF_OK)
            return rc;
        i = j;
    }
    return FF_OK;
}

/* --- writing content operators ------------------------------------------ */

static int add_num(struct ff_buf *b, double v)
{
    char tmp[32], *q = tmp + sizeof tmp;
    long long r = llround(v * 100.0);
    int neg = r < 0;
    unsigned long long a = neg ? (unsigned long long)-r : (unsigned long long)r;
    unsigned frac = (unsigned)(a % 100);

    /* Fixed point only: PDF content has no exponent notation. */
    if (frac) {
        if (frac % 10) {
            *--q = (char)('0' + frac % 10);
            *--q = (char)('0' + frac / 10);
        } else {
            *--q = (char)('0' + frac / 10);
        }
        *--q = '.';
    }
    a /= 100;
    do {
        *--q = (char)('0' + a % 10);
        a /= 10;
    } while (a);
    if (neg)
        *--q = '-';
    return ff_buf_add(b, q, (size_t)(tmp + sizeof tmp - q));
}

static int add_hex4(struct ff_buf *b, unsigned v)
{
    static const char hex[] = "0123456789abcdef";
    char h[4];

    h[0] = hex[(v >> 12) & 15];
    h[1] = hex[(v >> 8) & 15];
    h[2] = hex[(v >> 4) & 15];
    h[3] = hex[v & 15];
    return ff_buf_add(b, h, 4);
}

static int is_space_cp(uint32_t c)
{
    return c == ' ' || c == '\t';
}

/*
 * Whether the word s[b0, b1) drawn as glyphs g[g0, g1) needs ActualText:
 * when an extractor would read the glyphs differently from the text, or
 * when marks are moved (poppler's word builder splits at moved marks).
 */
static int needs_actualtext(struct tctx *t, const struct hbface *f,
                            const char *s, size_t b0, size_t b1,
                            size_t g0, size_t g1)
{
    size_t i, b = b0;
    uint32_t cp;

    for (i = g0; i < g1; i++) {
        const struct glyph *g = &t->g[i];
        size_t used;

        if (g->xoff || g->yoff ||
            (long)g->xadv * 1000 != (long)g->w * (long)f->upem)
            return 1;
        if (b >= b1)
            return 1;
        used = ff_utf8_decode(s + b, b1 - b, &cp);
        if (used == 0 || cp != ff_pdf_code_text(g->code))
            return 1;
        b += used;
    }
    return b != b1;
}

struct writer {
    struct ff_buf *out;
    double k;           /* 1/1000 em per font unit */
    double pdf;         /* where the viewer's pen is, 1/1000 em */
    double hb;          /* where HarfBuzz's pen is */
    int in_tj, in_hex;
    double rise;        /* current Ts in font units */
    double size;
};

static int w_open(struct writer *w)
{
    if (w->in_tj)
        return 0;
    w->in_tj = 1;
    w->in_hex = 0;
    return ff_buf_addc(w->out, '[');
}

/* Move the viewer's pen to `to` (1/1000 em) with a TJ number. */
static int w_move(struct writer *w, double to)
{
    double n = w->pdf - to;
    double r = round(n * 100.0) / 100.0;

    if (fabs(r) < 0.05)
        return 0;
    if (w->in_hex) {
        w->in_hex = 0;
        if (ff_buf_addc(w->out, '>'))
            return -1;
    }
    w->pdf -= r;
    return add_num(w->out, r);
}

static int w_close(struct writer *w)
{
    if (!w->in_tj)
        return 0;
    if (w_move(w, w->hb))
        return -1;
    if (w->in_hex && ff_buf_addc(w->out, '>'))
        return -1;
    w->in_tj = w->in_hex = 0;
    return ff_buf_adds(w->out, "]TJ\n");
}

static int w_rise(struct writer *w, double rise)
{
    if (rise == w->rise)
        return 0;
    if (w_close(w))
        return -1;
    w->rise = rise;
    if (add_num(w->out, rise * w->k * w->size / 1000.0))
        return -1;
    return ff_buf_adds(w->out, " Ts\n");
}

static int w_glyph(struct writer *w, const struct glyph *g)
{
    double d = w->hb + g->xoff * w->k;

    if (w_rise(w, g->yoff) || w_open(w) || w_move(w, d))
        return -1;
    if (!w->in_hex) {
        w->in_hex = 1;
        if (ff_buf_addc(w->out, '<'))
            return -1;
    }
    w->pdf = d + g->w;
    w->hb += g->xadv * w->k;
    return add_hex4(w->out, g->code);
}

static int w_actualtext(struct writer *w, const char *s, size_t n)
{
    size_t i = 0, used;
    uint32_t cp;

    if (ff_buf_adds(w->out, "/Span<</ActualText<FEFF"))
        return -1;
    while (i < n) {
        used = ff_utf8_decode(s + i, n - i, &cp);
        if (used == 0)
            return -1;
        i += used;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            if (add_hex4(w->out, 0xD800 + (cp >> 10)) ||
                add_hex4(w->out, 0xDC00 + (cp & 0x3FF)))
                return -1;
        } else if (add_hex4(w->out, cp)) {
            return -1;
        }
    }
    return ff_buf_adds(w->out, ">>>BDC\n");
}

/* Is s[b0, b1) a non-empty run of spaces and tabs? */
static int space_cluster(const char *s, size_t b0, size_t b1)
{
    size_t b;

    for (b = b0; b < b1; b++)
        if (!is_space_cp((unsigned char)s[b]))
            return 0;
    return b1 > b0;
}

/* Byte end of the cluster of glyph i among glyphs [.., g1). */
static size_t cluster_end(const struct tctx *t, size_t i, size_t g1,
                          size_t b1)
{
    uint32_t cl = t->g[i].cluster;

    while (i < g1 && t->g[i].cluster == cl)
        i++;
    return i < g1 ? t->g[i].cluster : b1;
}

/*
 * Draw glyphs [g0, g1) (text ending at s[b1]) as one line at (x, y baseline).
 * Justification: extra_fu is added after every whitespace cluster, and
 * extra_brk_fu before every cluster at which brk[byte] allows a line break.
 */
static int draw_line(struct ff_pdf *p, struct tctx *t,
                     const struct ff_text_style *st, double x, double y,
                     const char *s, size_t b1, size_t g0, size_t g1,
                     double extra_fu, const unsigned char *brk,
                     double extra_brk_fu, struct ff_err *e)
{
    int face = st->font == FF_FONT_BOLD;
    struct hbface *f = &t->f[face];
    struct writer w;
    size_t i, j, wb0, wb1, gaps;
    int rc;

    if (g0 >= g1)
        return FF_OK;
    ff_buf_reset(&t->out);
    memset(&w, 0, sizeof w);
    w.out = &t->out;
    w.k = 1000.0 / f->upem;
    w.size = st->size;
    for (i = g0; i < g1; i++)
        if ((rc = ff_pdf_use_code(p, face, t->g[i].code, e)) != FF_OK)
            return rc;
    for (i = g0; i < g1; i = j) {
        size_t ce = cluster_end(t, i, g1, b1);

        wb0 = t->g[i].cluster;
        if (space_cluster(s, wb0, ce)) {
            for (j = i; j < g1 && t->g[j].cluster == wb0; j++)
                if (w_glyph(&w, &t->g[j]))
                    goto oom;
            w.hb += extra_fu * w.k;
            continue;
        }
        /* A whitespace-delimited word: clusters up to the next space. */
        for (j = i; j < g1;) {
            size_t e2 = cluster_end(t, j, g1, b1);

            if (space_cluster(s, t->g[j].cluster, e2))
                break;
            while (j < g1 && t->g[j].cluster < e2)
                j++;
            if (e2 == b1)
                j = g1;
        }
        wb1 = j < g1 ? t->g[j].cluster : b1;
        /*
         * Justification gaps inside a word would read as spaces to an
         * extractor, so such a word always gets ActualText.
         */
        gaps = 0;
        for (size_t k = i + 1; brk && k < j; k++)
            gaps += t->g[k].cluster != t->g[k - 1].cluster &&
                    brk[t->g[k].cluster];
        if (gaps || needs_actualtext(t, f, s, wb0, wb1, i, j)) {
            if (w_close(&w) || w_actualtext(&w, s + wb0, wb1 - wb0))
                goto oom;
            for (size_t k = i; k < j; k++) {
                if (gaps && k > i && t->g[k].cluster != t->g[k - 1].cluster &&
                    brk[t->g[k].cluster])
                    w.hb += extra_brk_fu * w.k;
                if (w_glyph(&w, &t->g[k]))
                    goto oom;
            }
            if (w_rise(&w, 0) || w_close(&w) || ff_buf_adds(w.out, "EMC\n"))
                goto oom;
        } else {
            for (size_t k = i; k < j; k++)
                if (w_glyph(&w, &t->g[k]))
                    goto oom;
        }
    }
    if (w_rise(&w, 0) || w_close(&w))
        goto oom;
    if ((rc = ff_pdf_text_open(p, face, st->size, st->rgb, x, y, e)) != FF_OK)
        return rc;
    if ((rc = ff_pdf_text_raw(p, t->out.data, t->out.len, e)) != FF_OK)
        return rc;
    return ff_pdf_text_close(p, e);
oom:
    return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
}

static long glyph_width(const struct tctx *t, size_t g0, size_t g1)
{
    long w = 0;

    for (; g0 < g1; g0++)
        w += t->g[g0].xadv;
    return w;
}

static int check_utf8(const char *s, size_t n, struct ff_err *e)
{
    size_t bad = ff_utf8_invalid_at(s, n);

    if (bad != n)
        return ff_err_set(e, FF_EINPUT, NULL, 0, (long)bad + 1,
                          "invalid UTF-8 at byte %zu", bad + 1);
    return FF_OK;
}

static double ff_text_width_i(struct ff_pdf *p, const struct ff_text_style *st,
                     const char *s, size_t n)
{
    struct ff_err e;
    struct tctx *t;
    int face = st->font == FF_FONT_BOLD;

    ff_err_clear(&e);
    if (check_utf8(s, n, &e) || (t = ctx_of(p, &e)) == NULL ||
        shape(t, face, s, n, &e))
        return 0.0;
    return (double)glyph_width(t, 0, t->ng) * st->size / t->f[face].upem;
}

static int ff_text_line_i(struct ff_pdf *p, const struct ff_text_style *st, double x,
                 double y, const char *s, size_t n, struct ff_err *e)
{
    struct tctx *t;
    int face = st->font == FF_FONT_BOLD;
    double lw;
    int rc;

    if ((rc = check_utf8(s, n, e)) != FF_OK)
        return rc;
    if ((t = ctx_of(p, e)) == NULL)
        return e->code;
    if ((rc = shape(t, face, s, n, e)) != FF_OK)
        return rc;
    lw = (double)glyph_width(t, 0, t->ng) * st->size / t->f[face].upem;
    if (st->align == FF_ALIGN_CENTER)
        x -= lw / 2;
    else if (st->align == FF_ALIGN_RIGHT)
        x -= lw;
    return draw_line(p, t, st, x, y, s, n, 0, t->ng, 0, NULL, 0, e);
}

/* --- line breaking ------------------------------------------------------- */

static int is_thai(uint32_t c)
{
    return c >= 0x0E00 && c <= 0x0E7F;
}

/* Characters a line must not start with (closing punctuation, ๆ, ฯ). */
static int no_break_before(uint32_t c)
{
    return c == 0x0E46 || c == 0x0E2F || is_space_cp(c) ||
           (c < 0x80 && strchr(")]},.:;!?%/", (int)c) != NULL && c != 0) ||
           c == 0x201D || c == 0x2019;
}

/* ... or end with: opening punctuation, and '/' which joins units such as
 * บาท/คน/ปี into one. */
static int no_break_after(uint32_t c)
{
    return (c < 0x80 && c != 0 && strchr("([{/", (int)c) != NULL) ||
           c == 0x201C || c == 0x2018;
}

/*
 * Five parallel arrays share capw: each grows from the same old capacity to
 * the same new one; capw moves only when all have, so a failure half-way
 * leaves some arrays larger than capw says, never smaller.
 */
static int grow_words(struct tctx *t, size_t ncp, struct ff_err *e)
{
    size_t c[5] = {t->capw, t->capw, t->capw, t->capw, t->capw};
    void *p;

    if (ncp + 1 <= t->capw)
        return FF_OK;
    if ((p = ff_grow(t->wc, &c[0], ncp + 1, sizeof *t->wc, 256)) != NULL)
        t->wc = p;
    if (p && (p = ff_grow(t->off, &c[1], ncp + 1, sizeof *t->off, 256)))
        t->off = p;
    if (p && (p = ff_grow(t->brk_ok, &c[2], ncp + 1, 1, 256)))
        t->brk_ok = p;
    if (p && (p = ff_grow(t->brk_sure, &c[3], ncp + 1, 1, 256)))
        t->brk_sure = p;
    if (p && (p = ff_grow(t->pos, &c[4], ncp + 1, sizeof *t->pos, 256)))
        t->pos = p;
    if (p == NULL)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    t->capw = c[0];
    return FF_OK;
}

/*
 * Break opportunities inside one chunk s[0..n) (no spaces): flags[k] says a
 * line may start at byte k.  libthai's dictionary finds the Thai word
 * boundaries; the rules around it keep what it gets wrong for print
 * together: no line starts with ๆ, ฯ or closing punctuation, ฯลฯ stays
 * whole, and runs of non-Thai characters (38,000, e-mail addresses, URLs)
 * are not split.  libthai treats spaces as word ends, so a chunk's breaks do
 * not depend on its neighbours and can be cached with its glyphs.
 */
static int chunk_breaks(struct tctx *t, const char *s, size_t n,
                        unsigned char *flags, struct ff_err *e)
{
    size_t i = 0, k = 0, used;
    uint32_t cp;
    int nb, j;

    while (i < n) {
        used = ff_utf8_decode(s + i, n - i, &cp);
        if (used == 0)
            return ff_err_set(e, FF_EINPUT, NULL, 0, 0, "invalid UTF-8");
        t->wc[k] = (wchar_t)cp;
        t->off[k++] = (uint32_t)i;
        i += used;
    }
    t->wc[k] = 0;
    t->off[k] = (uint32_t)n;
    memset(flags, 0, n + 1);
    if (t->brk == NULL) {
        t->brk = th_brk_new(NULL);
        if (t->brk == NULL)
            return ff_err_set(e, FF_ESYS, NULL, 0, 0,
                              "cannot load the libthai dictionary");
    }
    nb = k ? th_brk_wc_find_breaks(t->brk, t->wc, t->pos, k) : 0;
    for (j = 0; j < nb; j++) {
        size_t at = (size_t)t->pos[j];

        if (at == 0 || at >= k)
            continue;
        if (no_break_before((uint32_t)t->wc[at]) ||
            no_break_after((uint32_t)t->wc[at - 1]) ||
            (!is_thai((uint32_t)t->wc[at - 1]) &&
             !is_thai((uint32_t)t->wc[at])))
            continue;
        /* ฯ|ลฯ and ฯล|ฯ */
        if ((t->wc[at - 1] == 0x0E2F && t->wc[at] == 0x0E25 && at + 1 < k &&
             t->wc[at + 1] == 0x0E2F) ||
            (at >= 2 && t->wc[at - 2] == 0x0E2F && t->wc[at - 1] == 0x0E25 &&
             t->wc[at] == 0x0E2F))
            continue;
        flags[t->off[at]] = 1;
    }
    return FF_OK;
}

static int is_digit_cp(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 0x0E50 && c <= 0x0E59);
}

/* Code points of s[a, b). */
static size_t cps_between(const char *s, size_t a, size_t b)
{
    return b > a ? ff_utf8_count_cps(s + a, b - a) : 0;
}

/*
 * Where justification may open a gap inside a run of Thai (t->brk_sure):
 * only at the dictionary's word breaks it is sure of.  libthai breaks
 * compounds into their parts (ครัว|เรือน) and splits what it does not know
 * (มหาจักรพร|รดิ์, หลัก ๔|ท), and a gap there reads as two words.  So a gap
 * goes only where both neighbouring segments are at least SURE_CPS code
 * points long and neither side of the break is a digit; everywhere else the
 * run stays tight (it may still break there at a line end).
 */
#define SURE_CPS 4

static uint32_t cp_before(const char *s, size_t at)
{
    size_t k = at - 1;
    uint32_t c = 0;

    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    ff_utf8_decode(s + k, at - k, &c);
    return c;
}

static void sure_breaks(struct tctx *t, const char *s, size_t n)
{
    size_t i = 0, j, k, p, q;

    memset(t->brk_sure, 0, n + 1);
    while (i < n) {
        j = i + chunk_len(s + i, n - i);
        if (is_space_byte(s[i])) {
            i = j;
            continue;
        }
        /* Segments of the chunk [i, j): p..q is the one before break q. */
        p = i;
        q = 0;
        for (k = i + 1; k <= j; k++) {
            if (k < j && !t->brk_ok[k])
                continue;
            if (q && cps_between(s, p, q) >= SURE_CPS &&
                cps_between(s, q, k) >= SURE_CPS) {
                uint32_t a = cp_before(s, q), b = 0;

                ff_utf8_decode(s + q, n - q, &b);
                if (!is_digit_cp(a) && !is_digit_cp(b))
                    t->brk_sure[q] = 1;
            }
            if (q)
                p = q;
            q = k;
        }
        i = j;
    }
}

/*
 * Break opportunities of the paragraph s[0..n) into t->brk_ok, by byte: a
 * line may start after a run of spaces (which then hang at the line end),
 * and inside a chunk where chunk_breaks allows.
 */
static int find_breaks(struct tctx *t, int face, const char *s, size_t n,
                       struct ff_err *e)
{
    size_t i = 0, j;
    int rc;

    if (grow_words(t, n, e))
        return FF_ESYS;
    memset(t->brk_ok, 0, n + 1);
    while (i < n) {
        struct chunk *c;

        j = i + chunk_len(s + i, n - i);
        if (is_space_byte(s[i])) {
            i = j;
            continue;
        }
        if (i > 0)
            t->brk_ok[i] = 1;
        c = cache_slot(t, face, s + i, j - i);
        if (c && c->key && c->brk) {
            memcpy(t->brk_ok + i + 1, c->brk + 1, j - i - 1);
        } else {
            unsigned char first = t->brk_ok[i];

            if ((rc = chunk_breaks(t, s + i, j - i, t->brk_ok + i, e)))
                return rc;
            if (c && c->key && (c->brk = ff_malloc(j - i + 1)) != NULL)
                memcpy(c->brk, t->brk_ok + i, j - i + 1);
            t->brk_ok[i] = first;
        }
        i = j;
    }
    sure_breaks(t, s, n);
    return FF_OK;
}

/* Width in font units of the glyphs of bytes [a, b) of the paragraph. */
static long bytes_width(const struct tctx *t, size_t a, size_t b)
{
    long w = 0;
    size_t i;

    for (i = 0; i < t->ng; i++)
        if (t->g[i].cluster >= a && t->g[i].cluster < b)
            w += t->g[i].xadv;
    return w;
}

static void no_break_at(struct tctx *t, size_t k)
{
    t->brk_ok[k] = 0;
    t->brk_sure[k] = 0;
}

/*
 * The name and place rules (text.h's FF_TEXT_KEEP and FF_TEXT_JOIN) on the
 * breaks of paragraph s[a, b): inside a kept range each space-delimited
 * part stays whole when it fits on a line (so a name breaks between first
 * name and surname, and a title stays with the name), and its value stays
 * with the label written before it (ตำบล{subdistrict}); at a join the
 * words on either side stay together.  A part wider than the box breaks
 * at the dictionary's places after all, and says so in t->keep_broken.
 */
static void apply_keeps(struct tctx *t, const char *s, size_t a, size_t b,
                        long max_fu)
{
    size_t i, k;

    for (i = 0; i < t->njoin; i++)
        if (t->join[i] > a && t->join[i] < b)
            no_break_at(t, t->join[i] - a);
    for (i = 0; i < t->nkeep; i++) {
        size_t ka = t->keep[2 * i], kb = t->keep[2 * i + 1], pa;

        if (kb <= a || ka >= b)
            continue;
        ka = ka < a ? a : ka;
        kb = kb > b ? b : kb;
        if (ka > a && !is_space_byte(s[ka - 1]))
            no_break_at(t, ka - a);
        for (pa = ka; pa < kb;) {
            size_t pb = pa;

            while (pb < kb && !is_space_byte(s[pb]))
                pb++;
            if (pb > pa) {
                if (bytes_width(t, pa - a, pb - a) <= max_fu) {
                    for (k = pa + 1; k < pb; k++)
                        no_break_at(t, k - a);
                } else {
                    t->keep_broken = 1;
                }
            }
            while (pb < kb && is_space_byte(s[pb]))
                pb++;
            pa = pb;
        }
    }
}

/* Called per line with the paragraph text ps at byte base of s. */
typedef int (*line_fn)(struct ff_pdf *p, struct tctx *t, void *arg,
                       const char *ps, size_t base, const struct line *ln,
                       struct ff_err *e);

/* Trailing whitespace of glyphs [g0, g1): index of the first trailing one. */
static size_t trim_glyphs(const struct tctx *t, const char *s, size_t g0,
                          size_t g1, size_t b1)
{
    while (g1 > g0) {
        size_t i = g1 - 1, cb;

        while (i > g0 && t->g[i - 1].cluster == t->g[g1 - 1].cluster)
            i--;
        cb = cluster_end(t, i, g1, b1);
        if (!space_cluster(s, t->g[i].cluster, cb))
            break;
        g1 = i;
    }
    return g1;
}

/*
 * Wrap one paragraph s[a, b) (no '\n') into lines of at most max_fu font
 * units, calling fn for each; fn returns 1 to stop, -1 on error, and so
 * does this function (0 when all lines were given).  Greedy first fit:
 * government forms are short, and greedy keeps line ends predictable for
 * the clerk comparing with the paper form.
 */
static int wrap_para(struct ff_pdf *p, struct tctx *t, int face,
                     const char *s, size_t a, size_t b, long max_fu,
                     line_fn fn, void *arg, struct ff_err *e)
{
    const char *ps = s + a;
    size_t n = b - a, cur, gi = 0, g_line, seg_g0;
    long line_w = 0;
    struct line ln;
    int rc;

    if (shape(t, face, ps, n, e) != FF_OK)
        return -1;
    if (t->ng == 0) {
        memset(&ln, 0, sizeof ln);
        ln.last = 1;
        return fn(p, t, arg, ps, a, &ln, e);
    }
    if (find_breaks(t, face, ps, n, e) != FF_OK)
        return -1;
    apply_keeps(t, s, a, b, max_fu);
    g_line = 0;
    /*
     * Walk segments between break opportunities.  Glyphs are in cluster
     * order (monotone clusters), so a segment is a contiguous glyph range.
     */
    cur = 0;
    while (gi < t->ng) {
        size_t next = cur + 1, seg_end_b, g_end, g_vis;
        long seg_w, vis_w;

        while (next < n && !t->brk_ok[next])
            next++;
        seg_end_b = next;
        seg_g0 = gi;
        for (g_end = gi; g_end < t->ng && t->g[g_end].cluster < seg_end_b;
             g_end++)
            ;
        seg_w = glyph_width(t, gi, g_end);
        g_vis = trim_glyphs(t, ps, gi, g_end, seg_end_b);
        vis_w = glyph_width(t, gi, g_vis);
        if (g_line < seg_g0 && line_w + vis_w > max_fu) {
            /* The segment does not fit: end the line before it. */
            size_t ge = trim_glyphs(t, ps, g_line, seg_g0,
                                    t->g[seg_g0].cluster);

            ln.g0 = g_line;
            ln.g1 = ge;
            ln.b0 = t->g[g_line].cluster;
            ln.b1 = ge < t->ng ? t->g[ge].cluster : n;
            ln.width = glyph_width(t, g_line, ge);
            ln.last = 0;
            if ((rc = fn(p, t, arg, ps, a, &ln, e)) != 0)
                return rc;
            g_line = seg_g0;
            line_w = 0;
        }
        if (g_line == seg_g0 && vis_w > max_fu) {
            /* A word wider than the box: split between clusters. */
            size_t g = gi, start = gi;
            long w = 0;

            while (g < g_vis) {
                size_t ce = g;
                long cw;

                while (ce < g_vis && t->g[ce].cluster == t->g[g].cluster)
                    ce++;
                cw = glyph_width(t, g, ce);
                if (w + cw > max_fu && g > start) {
                    ln.g0 = start;
                    ln.g1 = g;
                    ln.b0 = t->g[start].cluster;
                    ln.b1 = t->g[g].cluster;
                    ln.width = w;
                    ln.last = 0;
                    if ((rc = fn(p, t, arg, ps, a, &ln, e)) != 0)
                        return rc;
                    start = g;
                    w = 0;
                }
                w += cw;
                g = ce;
            }
            g_line = start;
            line_w = w + (seg_w - vis_w);
        } else {
            line_w += seg_w;
        }
        gi = g_end;
        cur = next;
        if (cur >= n)
            break;
    }
    {
        size_t ge = trim_glyphs(t, ps, g_line, t->ng, n);

        ln.g0 = g_line;
        ln.g1 = ge;
        ln.b0 = g_line < t->ng ? t->g[g_line].cluster : n;
        ln.b1 = ge < t->ng ? t->g[ge].cluster : n;
        if (ln.b1 < ln.b0)
            ln.b1 = ln.b0;
        ln.width = glyph_width(t, g_line, ge);
        ln.last = 1;
        return fn(p, t, arg, ps, a, &ln, e);
    }
}

/* Wrap s[0..n) paragraph by paragraph ('\n' ends one); 0, or -1 with e. */
static int wrap(struct ff_pdf *p, const struct ff_text_style *st, double w,
                const char *s, size_t n, line_fn fn, void *arg,
                struct ff_err *e)
{
    struct tctx *t;
    int face = st->font == FF_FONT_BOLD;
    size_t a = 0, b;
    long max_fu;
    int rc;

    if (check_utf8(s, n, e) != FF_OK || (t = ctx_of(p, e)) == NULL)
        return -1;
    if (st->size <= 0) {
        ff_err_set(e, FF_EINTERNAL, NULL, 0, 0, "font size %g", st->size);
        return -1;
    }
    max_fu = (long)floor(w * t->f[face].upem / st->size + 1e-6);
    while (a <= n) {
        const char *nl = memchr(s + a, '\n', n - a);

        b = nl ? (size_t)(nl - s) : n;
        /* A CRLF ends a paragraph like LF. */
        rc = wrap_para(p, t, face, s, a, b > a && s[b - 1] == '\r' ? b - 1
                                                                  : b,
                       max_fu, fn, arg, e);
        if (rc < 0)
            return -1;
        if (rc > 0)         /* the box is full */
            return 0;
        if (nl == NULL)
            break;
        a = b + 1;
    }
    return 0;
}

/*
 * Line spacing from the ink.  Lines stand st->leading apart (1.2 x size by
 * default), but Laksaman's stacks reach further than that: the ู of อยู่
 * (0.37 em below the baseline) touches the ิ of เชิง on the next line
 * (0.91 em above), a tone over an upper vowel reaches 1.25 em and ฎุ / ฏุ
 * 0.63 em down.  So each line's ink is profiled in columns of PROF_FU font
 * units (lowest bottom, highest top per column), and when a line's tops
 * would come within INK_GAP_FU of the bottoms of the line above in any
 * column (or a neighbour, for rounding and justification), the line moves
 * down just enough.  Ordinary lines keep the even pitch; only a line pair
 * whose marks really meet gets more room.
 */
#define PROF_FU 250
#define JUSTIFY_MAX_FU(f) (0.3 * (f)->upem)
#define BELOW_EM 0.42
#define INK_GAP_FU 60

struct box {
    const struct ff_text_style *st;
    double x, y, w, h, leading;
    int nlines;
    int counting;
    int defer;              /* keep the lines in t->dl, draw them later */
    int full;               /* a line did not fit in h */
    struct ff_text_span *spans;
    int max_spans;
    double *bases;          /* baselines of the first max_spans lines */
    double base;            /* baseline of the last line, points */
    double bottom;          /* its lowest ink below the baseline, points */
    long *prof;             /* bottoms of the last line per column, units */
    long *cur;              /* tops of this line */
    long *spare;            /* bottoms of this line, then swapped to prof */
    size_t ncols;
    size_t cur_lo, cur_hi;  /* columns of cur (and spare) with ink */
    size_t prof_lo, prof_hi;    /* ... of prof */
};

/* Whitespace clusters among glyphs [g0, g1) of a trimmed line. */
static size_t count_spaces(const struct tctx *t, const char *ps,
                           const struct line *ln)
{
    size_t i, n = 0, ce;

    for (i = ln->g0; i < ln->g1; i++) {
        if (i > ln->g0 && t->g[i].cluster == t->g[i - 1].cluster)
            continue;
        ce = cluster_end(t, i, ln->g1, ln->b1);
        n += (size_t)space_cluster(ps, t->g[i].cluster, ce);
    }
    return n;
}

/*
 * Profile the ink of glyphs [g0, g1) starting x0 units from the box's left:
 * tops into bx->cur, bottoms into bot (per column; LONG_MIN / LONG_MAX where
 * there is none); returns the lowest bottom (units, negative below).
 */
static long line_ink(const struct tctx *t, const struct hbface *f,
                     struct box *bx, long x0, size_t g0, size_t g1,
                     long *bot)
{
    long pen = x0, low = 0;
    size_t i, c, lo = bx->ncols, hi = 0;

    /* Columns outside [lo, hi) stay empty (box_init and box_line keep
     * them so), so a line costs its own width, not the box's. */
    for (i = g0; i < g1; i++) {
        const struct glyph *g = &t->g[i];
        const int16_t *k = g->gid < f->nglyphs ? &f->ink[4 * g->gid] : NULL;

        if (k && k[2] != k[3]) {
            long a = pen + g->xoff + k[0], b = pen + g->xoff + k[1];
            long ylo = k[2] + g->yoff, yhi = k[3] + g->yoff;
            size_t ca = a < 0 ? 0 : (size_t)(a / PROF_FU);
            size_t cb = b < 0 ? 0 : (size_t)(b / PROF_FU);

            if (cb >= bx->ncols)
                cb = bx->ncols - 1;
            if (ca < lo)
                lo = ca;
            if (cb + 1 > hi)
                hi = cb + 1;
            for (c = ca; c <= cb; c++) {
                if (yhi > bx->cur[c])
                    bx->cur[c] = yhi;
                if (ylo < bot[c])
                    bot[c] = ylo;
            }
            if (ylo < low)
                low = ylo;
        }
        pen += g->xadv;
    }
    bx->cur_lo = lo < hi ? lo : 0;
    bx->cur_hi = lo < hi ? hi : 0;
    return low;
}

static void prof_clear(long *v, size_t lo, size_t hi, long empty)
{
    for (; lo < hi; lo++)
        v[lo] = empty;
}

/* Where line n's baseline goes, given its ink (bx->cur) and the line above
 * (bx->prof); points. */
static double place_line(struct box *bx, double scale)
{
    const struct ff_text_style *st = bx->st;
    long need = 0;
    size_t c, k;

    if (bx->nlines == 0)
        return bx->y + st->size;
    if (bx->st->leading <= 0) {
        for (c = bx->cur_lo; c < bx->cur_hi; c++) {
            long top = bx->cur[c], d;
            size_t k0 = c > bx->prof_lo ? c - 1 : bx->prof_lo;

            if (top < -50000)
                continue;
            for (k = k0; k <= c + 1 && k < bx->prof_hi; k++)
                if (bx->prof[k] < 50000 &&
                    (d = top - bx->prof[k] + INK_GAP_FU) > need)
                    need = d;
        }
    }
    return bx->base + (need * scale > bx->leading ? need * scale
                                                   : bx->leading);
}

static int box_line(struct ff_pdf *p, struct tctx *t, void *arg,
                    const char *ps, size_t base, const struct line *ln,
                    struct ff_err *e)
{
    struct box *bx = arg;
    const struct ff_text_style *st = bx->st;
    int face = st->font == FF_FONT_BOLD;
    const struct hbface *f = &t->f[face];
    double scale = st->size / f->upem;
    double lw = (double)ln->width * scale;
    double x = bx->x, extra = 0, bl, low;
    long *tmp;
    size_t nsp, nbrk = 0, i;
    int rc;

    switch (st->align) {
    case FF_ALIGN_CENTER:
        x += (bx->w - lw) / 2;
        break;
    case FF_ALIGN_RIGHT:
        x += bx->w - lw;
        break;
    case FF_ALIGN_JUSTIFY:
        /*
         * Thai runs words together, so a line often has one space or none:
         * the slack is spread evenly over the spaces and the word breaks
         * inside runs (as Thai word processors do), never inside a word.
         */
        if (ln->last || bx->w <= lw)
            break;
        nsp = count_spaces(t, ps, ln);
        for (i = ln->g0 + 1; i < ln->g1; i++) {
            uint32_t c = t->g[i].cluster;

            if (c != t->g[i - 1].cluster && t->brk_ok[c] &&
                !is_space_byte(ps[c - 1]) && t->brk_sure[c])
                nbrk++;
        }
        if (nsp + nbrk > 0)
            extra = (bx->w - lw) / scale / (double)(nsp + nbrk);
        /* With few places to spread it, the slack would open holes that
         * read as column gaps: a line then stays short of the edge. */
        if (extra > JUSTIFY_MAX_FU(f))
            extra = JUSTIFY_MAX_FU(f);
        break;
    default:
        break;
    }
    low = (double)line_ink(t, f, bx, (long)((x - bx->x) / scale), ln->g0,
                           ln->g1, bx->spare);
    if (bx->cur_hi > t->prof_dirty)
        t->prof_dirty = bx->cur_hi;
    bl = place_line(bx, scale);
    if (bx->h > 0 && bl - bx->y + (bx->leading - st->size) > bx->h + 1e-6) {
        bx->full = 1;
        return 1;
    }
    if (bx->counting) {
        if (bx->spans && bx->nlines < bx->max_spans) {
            bx->spans[bx->nlines].off = base + ln->b0;
            bx->spans[bx->nlines].len = ln->b1 - ln->b0;
        }
        if (bx->bases && bx->nlines < bx->max_spans)
            bx->bases[bx->nlines] = bl;
    } else if (bx->defer) {
        struct dline *d;

        d = ff_grow(t->dl, &t->capdl, t->ndl + 1, sizeof *d, 16);
        if (d == NULL) {
            ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
            return -1;
        }
        t->dl = d;
        d = &t->dl[t->ndl++];
        d->x = x;
        d->bl = bl;
        d->b1 = ln->b1;
        d->g0 = ln->g0;
        d->g1 = ln->g1;
        d->extra = extra;
        d->brk = nbrk > 0;
    } else {
        rc = draw_line(p, t, st, x, bl, ps, ln->b1, ln->g0, ln->g1, extra,
                       nbrk ? t->brk_sure : NULL, extra, e);
        if (rc != FF_OK)
            return -1;
    }
    prof_clear(bx->prof, bx->prof_lo, bx->prof_hi, 100000);
    prof_clear(bx->cur, bx->cur_lo, bx->cur_hi, -100000);
    tmp = bx->prof;
    bx->prof = bx->spare;
    bx->spare = tmp;
    bx->prof_lo = bx->cur_lo;
    bx->prof_hi = bx->cur_hi;
    bx->base = bl;
    bx->bottom = -low * scale;
    bx->nlines++;
    return 0;
}

static double leading_of(const struct ff_text_style *st)
{
    return st->leading > 0 ? st->leading : 1.2 * st->size;
}

double ff_text_leading(const struct ff_text_style *st)
{
    return leading_of(st);
}

/* Set up bx for a box of width w; profiles live in t (scratch). */
static int box_init(struct box *bx, struct ff_pdf *p,
                    const struct ff_text_style *st, double x, double y,
                    double w, double h, struct ff_err *e)
{
    struct tctx *t = ctx_of(p, e);
    int face = st->font == FF_FONT_BOLD;
    size_t cols;

    memset(bx, 0, sizeof *bx);
    if (t == NULL)
        return -1;
    bx->st = st;
    bx->x = x;
    bx->y = y;
    bx->w = w;
    bx->h = h;
    bx->leading = leading_of(st);
    if (st->size <= 0 || !(w >= 0) || w > 1e6)
        cols = 4;
    else
        cols = (size_t)(w * t->f[face].upem / st->size) / PROF_FU + 8;
    if (cols > t->capprof) {
        long *a = ff_realloc(t->prof_a, cols * sizeof *a);
        long *b = a ? ff_realloc(t->prof_b, cols * sizeof *b) : NULL;
        long *c = b ? ff_realloc(t->prof_tmp, cols * sizeof *c) : NULL;

        if (a)
            t->prof_a = a;
        if (b)
            t->prof_b = b;
        if (c == NULL) {
            ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
            return -1;
        }
        t->prof_tmp = c;
        t->capprof = cols;
        t->prof_dirty = cols;   /* new memory: clear it all */
    }
    bx->prof = t->prof_a;
    bx->cur = t->prof_b;
    bx->spare = t->prof_tmp;
    bx->ncols = cols;
    /* Only the columns a line has inked since the last clearing: a short
     * name in a wide box costs its own width, not the box's. */
    prof_clear(bx->prof, 0, t->prof_dirty, 100000);
    prof_clear(bx->spare, 0, t->prof_dirty, 100000);
    prof_clear(bx->cur, 0, t->prof_dirty, -100000);
    t->prof_dirty = 0;
    return 0;
}

/*
 * The height of what bx drew: to the last baseline, plus room below it for
 * the below vowels (ุ ู reach 0.37 em) whatever the text, so that what
 * follows a block moves only when the block has more lines, never by a
 * fraction for the marks of one name (forms line up household after
 * household, and flowing items replay from the clip cache).
 */
static double box_used(const struct box *bx)
{
    double below = bx->leading - bx->st->size;

    if (bx->nlines == 0)
        return 0;
    if (below < BELOW_EM * bx->st->size)
        below = BELOW_EM * bx->st->size;
    return bx->base - bx->y + below;
}

static int ff_text_box_i(struct ff_pdf *p, const struct ff_text_style *st, double x,
                double y, double w, double h, const char *s, size_t n,
                double *used_h, struct ff_err *e)
{
    struct box bx;
    int rc;

    if (box_init(&bx, p, st, x, y, w, h, e))
        return -1;
    rc = wrap(p, st, w, s, n, box_line, &bx, e);
    if (used_h)
        *used_h = box_used(&bx);
    return rc < 0 ? -1 : bx.nlines;
}

int ff_text_count_lines(struct ff_pdf *p, const struct ff_text_style *st,
                        double w, const char *s, size_t n, struct ff_err *e)
{
    return ff_text_wrap(p, st, w, s, n, NULL, 0, e);
}

static int ff_text_wrap_i(struct ff_pdf *p, const struct ff_text_style *st, double w,
                 const char *s, size_t n, struct ff_text_span *lines,
                 int max_lines, struct ff_err *e)
{
    struct box bx;
    int rc;

    if (box_init(&bx, p, st, 0, 0, w, 0, e))
        return -1;
    bx.counting = 1;
    bx.spans = lines;
    bx.max_spans = max_lines;
    rc = wrap(p, st, w, s, n, box_line, &bx, e);
    return rc < 0 ? -1 : bx.nlines;
}

static int ff_text_measure_i(struct ff_pdf *p, const struct ff_text_style *st,
                    double w, double h, const char *s, size_t n,
                    double *used_h, int *fits, struct ff_err *e)
{
    struct box bx;
    int rc;

    if (box_init(&bx, p, st, 0, 0, w, h, e))
        return -1;
    bx.counting = 1;
    rc = wrap(p, st, w, s, n, box_line, &bx, e);
    if (used_h)
        *used_h = box_used(&bx);
    if (fits)
        *fits = !bx.full;
    return rc < 0 ? -1 : bx.nlines;
}

/* Bytes of the last whole grapheme before s[n] (a base and its marks). */
static size_t back_grapheme(const char *s, size_t n)
{
    size_t i = n;

    while (i > 0) {
        uint32_t cp;
        size_t j = i - 1;

        while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
            j--;
        if (ff_utf8_decode(s + j, i - j, &cp) == 0)
            return n - j;
        i = j;
        /* Thai above/below vowels and tone marks belong to the character
         * before them; SARA AM too (นำ must not become น…). */
        if (!(cp == 0x0E31 || cp == 0x0E33 ||
              (cp >= 0x0E34 && cp <= 0x0E3A) ||
              (cp >= 0x0E47 && cp <= 0x0E4E)))
            break;
    }
    return n - i;
}

static int ff_text_box_fit_i(struct ff_pdf *p, const struct ff_text_style *st,
                    double x, double y, double w, double h, const char *s,
                    size_t n, struct ff_text_fit *f, struct ff_err *e)
{
    struct ff_text_style cur = *st;
    double min = f->min_size > 0 && f->min_size < st->size ? f->min_size
                                                            : st->size;
    struct ff_buf b;
    struct ff_text_span *spans = NULL;
    int fits = 0, lines, rc = FF_OK;

    f->size = st->size;
    f->shrunk = f->cut = 0;
    f->lines = 0;
    f->used_h = 0;
    if (h <= 0) {
        lines = ff_text_box_i(p, st, x, y, w, 0, s, n, &f->used_h, e);
        f->lines = lines;
        return lines < 0 ? e->code : FF_OK;
    }
    /* Shrink in half points down to min_size. */
    /*
     * Most fields fit at their size: lay the lines out once, and draw them
     * from the same glyphs when they all fit (one paragraph, so the glyphs
     * are still those of its only shaping).
     */
    if (memchr(s, '\n', n) == NULL) {
        struct tctx *t = ff_pdf_text_ctx(p);
        struct box bx;
        size_t i;

        if (box_init(&bx, p, st, x, y, w, h, e))
            return e->code;
        t = ff_pdf_text_ctx(p);
        t->ndl = 0;
        t->keep_broken = 0;
        bx.defer = 1;
        if (wrap(p, st, w, s, n, box_line, &bx, e) < 0)
            return e->code;
        if (!bx.full && !t->keep_broken) {
            for (i = 0; i < t->ndl; i++) {
                const struct dline *d = &t->dl[i];
                int drc = draw_line(p, t, st, d->x, d->bl, s, d->b1, d->g0,
                                    d->g1, d->extra,
                                    d->brk ? t->brk_sure : NULL, d->extra,
                                    e);

                if (drc != FF_OK)
                    return drc;
            }
            f->lines = bx.nlines;
            f->used_h = box_used(&bx);
            return FF_OK;
        }
    }
    /* A name broken inside a word is a last resort: smaller first. */
    for (;;) {
        struct tctx *t = ff_pdf_text_ctx(p);

        if (t)
            t->keep_broken = 0;
        if (ff_text_measure_i(p, &cur, w, h, s, n, NULL, &fits, e) < 0)
            return e->code;
        t = ff_pdf_text_ctx(p);
        if ((fits && !t->keep_broken) || cur.size - 0.5 < min - 1e-9)
            break;
        cur.size -= 0.5;
        if (st->leading > 0)
            cur.leading = st->leading * cur.size / st->size;
    }
    f->size = cur.size;
    f->shrunk = cur.size < st->size;
    if (fits) {
        lines = ff_text_box_i(p, &cur, x, y, w, h, s, n, &f->used_h, e);
        f->lines = lines;
        return lines < 0 ? e->code : FF_OK;
    }
    /*
     * Still too long at the smallest size: keep the lines that fit and end
     * the last of them with "…", taking back whole graphemes until it fits
     * on that line.
     */
    lines = ff_text_measure_i(p, &cur, w, h, s, n, NULL, NULL, e);
    if (lines < 0)
        return e->code;
    f->cut = 1;
    ff_buf_init(&b);
    if (lines == 0) {
        f->lines = 0;
        return FF_OK;       /* not even one line fits: the caller warns */
    }
    spans = ff_calloc((size_t)lines, sizeof *spans);
    if (spans == NULL)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    {
        const struct ff_text_span *last;
        struct ff_text_style one = cur;
        size_t keep;
        double lw;

        if (ff_text_wrap_i(p, &cur, w, s, n, spans, lines, e) < 0)
            goto fail;
        last = &spans[lines - 1];
        keep = last->off + last->len;
        one.align = FF_ALIGN_LEFT;
        for (;;) {
            ff_buf_reset(&b);
            if (ff_buf_add(&b, s + last->off, keep - last->off) ||
                ff_buf_adds(&b, "…"))
                goto oom;
            lw = ff_text_width_i(p, &one, b.data, b.len);
            if (lw <= w + 1e-6 || keep <= last->off)
                break;
            keep -= back_grapheme(s + last->off, keep - last->off);
            /* No line should end in a space before the "…". */
            while (keep > last->off && s[keep - 1] == ' ')
                keep--;
        }
        ff_buf_reset(&b);
        if (ff_buf_add(&b, s, keep) || ff_buf_adds(&b, "…"))
            goto oom;
        f->lines = ff_text_box_i(p, &cur, x, y, w, h, b.data, b.len,
                               &f->used_h, e);
        if (f->lines < 0)
            goto fail;
    }
    goto out;
oom:
    ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
fail:
    rc = e->code;
out:
    ff_free(spans);
    ff_buf_release(&b);
    return rc;
}

static int ff_text_baselines_i(struct ff_pdf *p, const struct ff_text_style *st,
                      double w, const char *s, size_t n, double *base,
                      int max, struct ff_err *e)
{
    struct box bx;
    int rc;

    if (box_init(&bx, p, st, 0, 0, w, 0, e))
        return -1;
    bx.counting = 1;
    bx.bases = base;
    bx.max_spans = max;
    rc = wrap(p, st, w, s, n, box_line, &bx, e);
    return rc < 0 ? -1 : bx.nlines;
}

/* --- keep and join markers ------------------------------------------------ */

static int push_off(size_t **v, size_t *n, size_t *cap, size_t x)
{
    size_t *a = ff_grow(*v, cap, *n + 1, sizeof *a, 16);

    if (a == NULL)
        return -1;
    *v = a;
    (*v)[(*n)++] = x;
    return 0;
}

/* Where the next keep or join marker (bytes 2..4) is in s[i..n), or n. */
static size_t marker_at(const char *s, size_t i, size_t n)
{
    for (; i < n; i++)
        if ((unsigned char)(s[i] - 2) <= 2)
            break;
    return i;
}

/*
 * Take the markers out of s[0..n): the text to lay out is then t->clean
 * (or s itself when it has none), with the keep ranges and joins recorded
 * in t.  NULL with e filled on failure.
 */
static const char *prep(struct ff_pdf *p, const char *s, size_t *n,
                        struct tctx **tp, struct ff_err *e)
{
    struct tctx *t = ctx_of(p, e);
    size_t i, open = 0;
    int in = 0;

    *tp = t;
    if (t == NULL)
        return NULL;
    t->nkeep = t->njoin = 0;
    t->keep_broken = 0;
    i = marker_at(s, 0, *n);
    if (i == *n)
        return s;
    ff_buf_reset(&t->clean);
    for (i = 0; i < *n; i++) {
        char c = s[i];
        int rc = 0;
        size_t k;

        if (c < 2 || c > 4) {
            /* The text up to the next marker, in one copy. */
            k = marker_at(s, i, *n);
            if (ff_buf_add(&t->clean, s + i, k - i)) {
                ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
                return NULL;
            }
            i = k - 1;
            continue;
        }
        if (c == FF_TEXT_KEEP_ON[0]) {
            open = t->clean.len;
            in = 1;
        } else if (c == FF_TEXT_KEEP_OFF[0]) {
            if (in && t->clean.len > open)
                rc = push_off(&t->keep, &t->nkeep, &t->capkeep, open) ||
                     push_off(&t->keep, &t->nkeep, &t->capkeep,
                              t->clean.len);
            in = 0;
        } else if (c == FF_TEXT_JOIN[0]) {
            rc = ff_buf_addc(&t->clean, ' ') ||
                 push_off(&t->join, &t->njoin, &t->capjoin, t->clean.len);
        } else {
            rc = ff_buf_addc(&t->clean, c);
        }
        if (rc) {
            ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
            return NULL;
        }
    }
    t->nkeep /= 2;
    *n = t->clean.len;
    return t->clean.data;
}

double ff_text_width(struct ff_pdf *p, const struct ff_text_style *st,
                     const char *s, size_t n)
{
    struct ff_err e;
    struct tctx *t;

    ff_err_clear(&e);
    s = prep(p, s, &n, &t, &e);
    return s ? ff_text_width_i(p, st, s, n) : 0.0;
}

int ff_text_line(struct ff_pdf *p, const struct ff_text_style *st, double x,
                 double y, const char *s, size_t n, struct ff_err *e)
{
    struct tctx *t;

    if ((s = prep(p, s, &n, &t, e)) == NULL)
        return e->code;
    return ff_text_line_i(p, st, x, y, s, n, e);
}

int ff_text_box(struct ff_pdf *p, const struct ff_text_style *st, double x,
                double y, double w, double h, const char *s, size_t n,
                double *used_h, struct ff_err *e)
{
    struct tctx *t;

    if ((s = prep(p, s, &n, &t, e)) == NULL)
        return -1;
    return ff_text_box_i(p, st, x, y, w, h, s, n, used_h, e);
}

int ff_text_wrap(struct ff_pdf *p, const struct ff_text_style *st, double w,
                 const char *s, size_t n, struct ff_text_span *lines,
                 int max_lines, struct ff_err *e)
{
    struct tctx *t;

    if ((s = prep(p, s, &n, &t, e)) == NULL)
        return -1;
    return ff_text_wrap_i(p, st, w, s, n, lines, max_lines, e);
}

int ff_text_measure(struct ff_pdf *p, const struct ff_text_style *st,
                    double w, double h, const char *s, size_t n,
                    double *used_h, int *fits, struct ff_err *e)
{
    struct tctx *t;

    if ((s = prep(p, s, &n, &t, e)) == NULL)
        return -1;
    return ff_text_measure_i(p, st, w, h, s, n, used_h, fits, e);
}

int ff_text_baselines(struct ff_pdf *p, const struct ff_text_style *st,
                      double w, const char *s, size_t n, double *base,
                      int max, struct ff_err *e)
{
    struct tctx *t;

    if ((s = prep(p, s, &n, &t, e)) == NULL)
        return -1;
    return ff_text_baselines_i(p, st, w, s, n, base, max, e);
}

int ff_text_box_fit(struct ff_pdf *p, const struct ff_text_style *st,
                    double x, double y, double w, double h, const char *s,
                    size_t n, struct ff_text_fit *f, struct ff_err *e)
{
    struct tctx *t;

    if ((s = prep(p, s, &n, &t, e)) == NULL)
        return e->code;
    return ff_text_box_fit_i(p, st, x, y, w, h, s, n, f, e);
}
