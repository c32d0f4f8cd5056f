/*
 * pdf_subset.c - a TrueType font file holding only the glyphs one document
 * draws, for its FontFile2.
 *
 * The embedded font of a CIDFontType2 with a CIDToGIDMap needs only the
 * tables a renderer reads to draw glyphs by index: head, hhea, maxp, hmtx,
 * loca and glyf (PDF 32000-1, 9.9; the cmap, name and post tables are not
 * used, and OS/2 is kept because it is small and some printers' rasterisers
 * look for it).  Glyph indices are not renumbered: loca and hmtx keep one
 * entry per glyph of the font, and a glyph not kept is an empty one (equal
 * loca offsets), so the CIDToGIDMap, /W and ToUnicode built once per face
 * stay valid for every document.
 *
 * Hinting is dropped: glyph instructions, fpgm, prep and cvt.  In Laksaman
 * the instructions are 55 % of the glyf table (45,806 of 83,204 bytes);
 * PDF renderers (poppler, MuPDF, pdf.js, printers' RIPs) draw these outlines
 * unhinted or auto-hinted at print resolution, and the outlines themselves
 * are copied byte for byte.
 *
 * Composite glyphs keep their components (the closure is taken here, from
 * the font bytes).  Any inconsistency in the font makes the call fail, and
 * the caller then lets libharu embed the font its own way.
 */
#include "pdf_subset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

struct table {
    const unsigned char *data;
    uint32_t len;
};

static int find_table(const unsigned char *font, size_t len, const char *tag,
                      struct table *t)
{
    unsigned n, i;

    if (len < 12)
        return -1;
    n = get16(font + 4);
    if (12 + (size_t)n * 16 > len)
        return -1;
    for (i = 0; i < n; i++) {
        const unsigned char *r = font + 12 + i * 16;
        uint32_t off = get32(r + 8), l = get32(r + 12);

        if (memcmp(r, tag, 4) != 0)
            continue;
        if (off > len || l > len - off)
            return -1;
        t->data = font + off;
        t->len = l;
        return 0;
    }
    return -1;
}

static uint32_t checksum(const unsigned char *p, size_t n)
{
    uint32_t s = 0;
    size_t i;

    for (i = 0; i + 4 <= n; i += 4)
        s += get32(p + i);
    if (i < n) {
        unsigned char last[4] = {0, 0, 0, 0};

        memcpy(last, p + i, n - i);
        s += get32(last);
    }
    return s;
}

/* Composite glyph flags (OpenType glyf table). */
#define ARG_1_AND_2_ARE_WORDS 0x0001
#define WE_HAVE_A_SCALE 0x0008
#define MORE_COMPONENTS 0x0020
#define WE_HAVE_AN_X_AND_Y_SCALE 0x0040
#define WE_HAVE_A_TWO_BY_TWO 0x0080
#define WE_HAVE_INSTRUCTIONS 0x0100

/*
 * Walk the components of composite glyph g (n bytes, n >= 10): call mark
 * for each component index when keep is non-NULL, and return the length of
 * the glyph without its instructions, or 0 when it is malformed.
 */
static size_t composite(const unsigned char *g, size_t n, unsigned char *keep,
                        unsigned nglyphs)
{
    size_t o = 10;
    unsigned flags;

    do {
        unsigned comp;

        if (o + 4 > n)
            return 0;
        flags = get16(g + o);
        comp = get16(g + o + 2);
        if (comp >= nglyphs)
            return 0;
        if (keep)
            keep[comp] = 1;
        o += 4 + ((flags & ARG_1_AND_2_ARE_WORDS) ? 4 : 2);
        if (flags & WE_HAVE_A_SCALE)
            o += 2;
        else if (flags & WE_HAVE_AN_X_AND_Y_SCALE)
            o += 4;
        else if (flags & WE_HAVE_A_TWO_BY_TWO)
            o += 8;
    } while (flags & MORE_COMPONENTS);
    return o <= n ? o : 0;
}

int ffp_ttf_subset(const unsigned char *font, size_t len, unsigned char *keep,
                   unsigned nglyphs, struct ff_buf *out)
{
    static const char *const tags[] = {"OS/2", "glyf", "head", "hhea",
                                       "hmtx", "loca", "maxp"};
    enum { OS2, GLYF, HEAD, HHEA, HMTX, LOCA, MAXP, NT };
    struct table t[NT];
    uint32_t *off = NULL;
    size_t glyf_len = 0, base, pos, dir;
    unsigned i, k, nt = 0, long_loca, pass;
    int changed, have_os2, rc = -1;
    uint32_t sum;

    have_os2 = find_table(font, len, "OS/2", &t[OS2]) == 0;
    for (k = GLYF; k < NT; k++)
        if (find_table(font, len, tags[k], &t[k]))
            return -1;
    if (t[HEAD].len < 54 || t[MAXP].len < 6 ||
        get16(t[MAXP].data + 4) != nglyphs || nglyphs == 0)
        return -1;
    long_loca = get16(t[HEAD].data + 50) != 0;
    if (t[LOCA].len < (size_t)(nglyphs + 1) * (long_loca ? 4 : 2))
        return -1;
    off = ff_malloc((size_t)(nglyphs + 1) * sizeof *off);
    if (off == NULL)
        return -1;
    for (i = 0; i <= nglyphs; i++) {
        off[i] = long_loca ? get32(t[LOCA].data + 4 * i)
                           : 2 * (uint32_t)get16(t[LOCA].data + 2 * i);
        if (off[i] > t[GLYF].len || (i > 0 && off[i] < off[i - 1]))
            goto out;
    }
    keep[0] = 1;    /* .notdef */
    /* Components of kept composites, and theirs (nesting is shallow). */
    for (pass = 0, changed = 1; changed && pass < 8; pass++) {
        changed = 0;
        for (i = 0; i < nglyphs; i++) {
            const unsigned char *g = t[GLYF].data + off[i];
            size_t n = off[i + 1] - off[i];

            if (!keep[i] || n < 10 || (int16_t)get16(g) >= 0)
                continue;
            if (keep[i] == 1) {
                unsigned before = 0, after = 0, c;

                for (c = 0; c < nglyphs; c++)
                    before += keep[c] != 0;
                if (composite(g, n, keep, nglyphs) == 0)
                    goto out;
                for (c = 0; c < nglyphs; c++)
                    after += keep[c] != 0;
                keep[i] = 2;    /* components marked */
                changed |= after != before;
            }
        }
    }
    /* Sizes: the kept glyphs without instructions, each padded to 4. */
    for (i = 0; i < nglyphs; i++) {
        const unsigned char *g = t[GLYF].data + off[i];
        size_t n = off[i + 1] - off[i], m;

        if (!keep[i] || n == 0)
            continue;
        if (n < 10)
            goto out;
        if ((int16_t)get16(g) >= 0) {
            unsigned nc = get16(g);

            if (10 + 2 * (size_t)nc + 2 > n)
                goto out;
            m = n - get16(g + 10 + 2 * nc);
            if (m < 12 + 2 * (size_t)nc || m > n)
                goto out;
        } else if ((m = composite(g, n, NULL, nglyphs)) == 0) {
            goto out;
        }
        glyf_len += (m + 3) & ~(size_t)3;
    }

    /* Table directory, then the tables in tag order, each padded to 4. */
    nt = have_os2 ? 7 : 6;
    dir = 12 + 16 * (size_t)nt;
    ff_buf_reset(out);
    {
        size_t total = dir + (have_os2 ? ((t[OS2].len + 3) & ~3u) : 0) +
                       glyf_len + 56 + ((t[HHEA].len + 3) & ~3u) +
                       ((t[HMTX].len + 3) & ~3u) + 4 * ((size_t)nglyphs + 1) +
                       ((t[MAXP].len + 3) & ~3u) + 8;

        if (ff_buf_grow(out, total))
            goto out;
        memset(out->data, 0, total);
    }
    {
        unsigned char *b = (unsigned char *)out->data;
        unsigned es = 0, sr = 1;

        while (sr * 2 <= nt) {
            sr *= 2;
            es++;
        }
        put32(b, 0x00010000);
        put16(b + 4, nt);
        put16(b + 6, sr * 16);
        put16(b + 8, es);
        put16(b + 10, nt * 16 - sr * 16);
        pos = dir;
        base = 12;
        for (k = have_os2 ? OS2 : GLYF; k < NT; k++) {
            unsigned char *r = b + base;
            size_t start = pos;

            memcpy(r, tags[k], 4);
            if (k == GLYF) {
                uint32_t *newoff = off; /* rewritten in place below */
                uint32_t at = 0;

                for (i = 0; i < nglyphs; i++) {
                    const unsigned char *g = t[GLYF].data + off[i];
                    size_t n = off[i + 1] - off[i], m = 0;

                    newoff[i] = at;
                    if (keep[i] && n > 0) {
                        if ((int16_t)get16(g) >= 0) {
                            unsigned nc = get16(g);
                            size_t il = get16(g + 10 + 2 * nc), h;

                            h = 10 + 2 * (size_t)nc;
                            memcpy(b + pos, g, h);          /* zero-length */
                            memcpy(b + pos + h + 2, g + h + 2 + il,
                                   n - h - 2 - il);         /* instructions */
                            m = n - il;
                        } else {
                            size_t o = 10;
                            unsigned flags;

                            m = composite(g, n, NULL, nglyphs);
                            memcpy(b + pos, g, m);
                            do {        /* clear WE_HAVE_INSTRUCTIONS */
                                flags = get16(b + pos + o);
                                put16(b + pos + o,
                                      flags & ~(unsigned)WE_HAVE_INSTRUCTIONS);
                                o += 4 + ((flags & ARG_1_AND_2_ARE_WORDS) ? 4
                                                                          : 2);
                                if (flags & WE_HAVE_A_SCALE)
                                    o += 2;
                                else if (flags & WE_HAVE_AN_X_AND_Y_SCALE)
                                    o += 4;
                                else if (flags & WE_HAVE_A_TWO_BY_TWO)
                                    o += 8;
                            } while (flags & MORE_COMPONENTS);
                        }
                        m = (m + 3) & ~(size_t)3;
                        /* The next glyph's source offset is still needed;
                         * off[i + 1] is read before it is overwritten. */
                    }
                    pos += m;
                    at += (uint32_t)m;
                }
                newoff[nglyphs] = at;
            } else if (k == LOCA) {
                for (i = 0; i <= nglyphs; i++)
                    put32(b + pos + 4 * i, off[i]);
                pos += 4 * ((size_t)nglyphs + 1);
            } else {
                memcpy(b + pos, t[k].data, t[k].len);
                if (k == HEAD) {
                    put32(b + pos + 8, 0);          /* checkSumAdjustment */
                    put16(b + pos + 50, 1);         /* long loca */
                }
                pos += t[k].len;
            }
            put32(r + 4, checksum(b + start, pos - start));
            put32(r + 8, (uint32_t)start);
            put32(r + 12, (uint32_t)(pos - start));
            pos = (pos + 3) & ~(size_t)3;
            base += 16;
        }
        out->len = pos;
        sum = checksum(b, pos);
        /* head is the third table with OS/2, the second without. */
        put32(b + get32(b + 12 + 16 * (have_os2 ? 2 : 1) + 8) + 8,
              0xB1B0AFBAu - sum);
    }
    rc = 0;
out:
    ff_free(off);
    return rc;
}
