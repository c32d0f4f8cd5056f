/*
 * text.h - Thai text on PDF pages: shaped with HarfBuzz, broken into lines
 * at word boundaries with libthai, extractable exactly (ToUnicode +
 * ActualText).  Every other file draws text only through this interface.
 *
 * Coordinates as in pdf.h: points, origin top-left, y downwards.
 * Strings are UTF-8 <pointer, length in bytes> pairs.
 *
 * Each ff_pdf keeps a cache of shaped words (and their line-break
 * opportunities), so repeated labels and names cost almost nothing after
 * the first time.  FFKIT_SHAPE_CACHE=0 in the environment turns it off, for
 * benchmarks of the cold path.
 */
#ifndef FF_TEXT_H
#define FF_TEXT_H

#include <stddef.h>

#include "err.h"
#include "pdf.h"

enum ff_font_face { FF_FONT_REGULAR = 0, FF_FONT_BOLD = 1 };

enum ff_align {
    FF_ALIGN_LEFT = 0,
    FF_ALIGN_CENTER,
    FF_ALIGN_RIGHT,
    FF_ALIGN_JUSTIFY    /* paragraphs only; last line left */
};

struct ff_text_style {
    int font;           /* enum ff_font_face */
    double size;        /* points */
    unsigned rgb;       /* 0xRRGGBB */
    int align;          /* enum ff_align */
    /*
     * Line advance in points.  0: 1.2 x size, and more between two lines
     * whose marks would otherwise meet (the ink of Thai stacks is measured
     * from the font's glyph extents, see text.c).
     */
    double leading;
};

/* The even line advance of st in points (st->leading, or 1.2 x size). */
double ff_text_leading(const struct ff_text_style *st);

/*
 * Markers a caller may put in any string it gives to this interface (they
 * are never drawn):
 *   FF_TEXT_KEEP_ON ... FF_TEXT_KEEP_OFF  a name or a place name: each of
 *       its space-delimited parts stays whole on a line when it fits there
 *       (a name breaks between first name and surname, never inside one,
 *       and a title stays with the first name), and it stays with a label
 *       written right before it (ตำบล, อำเภอ, ต.).  A part wider than the
 *       box breaks at the dictionary's word boundaries after all.
 *   FF_TEXT_JOIN  a space at which the line must not break (หมู่ที่ 5,
 *       มีนาคม 2568, 4 คน); it is drawn and extracted as a space.
 * ff_text_wrap's spans then count bytes of the text without the markers.
 */
#define FF_TEXT_KEEP_ON "\x02"
#define FF_TEXT_KEEP_OFF "\x03"
#define FF_TEXT_JOIN "\x04"

/* Advance width of the shaped text in points. */
double ff_text_width(struct ff_pdf *p, const struct ff_text_style *st,
                     const char *s, size_t n);

/*
 * Draw one line, no wrapping.  y is the BASELINE.  With align LEFT x is the
 * left end, CENTER the centre, RIGHT the right end.
 */
int ff_text_line(struct ff_pdf *p, const struct ff_text_style *st, double x,
                 double y, const char *s, size_t n, struct ff_err *e);

/*
 * Wrap s into a box at (x, y) of width w and height h (h <= 0: unlimited),
 * breaking lines between words (libthai), at spaces, after explicit '\n',
 * and by grapheme cluster only for a word wider than the box.  y is the TOP
 * of the box; the first baseline is at y + size.  Lines that do not fit in h
 * are not drawn.  *used_h (may be NULL) gets the height used; returns the
 * number of lines drawn, or -1 with e filled.
 *
 * Line breaks: never before ๆ, ฯ or closing punctuation, never inside ฯลฯ,
 * a number like 38,000, a Latin word, an e-mail address or units joined by
 * '/' (บาท/คน/ปี).  FF_ALIGN_JUSTIFY spreads the slack evenly over the
 * spaces and the Thai word breaks of each line but the last of a paragraph
 * (Thai often has no space on a line); text still extracts exactly.
 */
int ff_text_box(struct ff_pdf *p, const struct ff_text_style *st, double x,
                double y, double w, double h, const char *s, size_t n,
                double *used_h, struct ff_err *e);

/* Number of lines s would take in width w (no drawing). */
int ff_text_count_lines(struct ff_pdf *p, const struct ff_text_style *st,
                        double w, const char *s, size_t n, struct ff_err *e);

/* A byte range of a caller's string. */
struct ff_text_span {
    size_t off;         /* bytes from the start of s */
    size_t len;         /* bytes */
};

/*
 * Break s into lines exactly as ff_text_box would for width w (points),
 * without drawing.  Stores the first max_lines lines in lines[] (may be NULL
 * when max_lines is 0) as byte ranges of s without their trailing spaces or
 * '\n'; returns the total number of lines, or -1 with e filled (FF_EINPUT
 * for invalid UTF-8, FF_ESYS for out of memory).
 */
int ff_text_wrap(struct ff_pdf *p, const struct ff_text_style *st, double w,
                 const char *s, size_t n, struct ff_text_span *lines,
                 int max_lines, struct ff_err *e);

/*
 * Measure without drawing: the number of lines s takes in width w, the
 * height they need (*used_h, may be NULL; ink included) and whether all of
 * them fit in height h (*fits, may be NULL; h <= 0: always).  Returns the
 * number of lines that fit, or -1 with e filled.
 */
int ff_text_measure(struct ff_pdf *p, const struct ff_text_style *st,
                    double w, double h, const char *s, size_t n,
                    double *used_h, int *fits, struct ff_err *e);

/*
 * The baselines ff_text_box would use for s in width w, in points below the
 * box's top: the first max of them into base[]; returns the number of
 * lines, or -1 with e filled.
 */
int ff_text_baselines(struct ff_pdf *p, const struct ff_text_style *st,
                      double w, const char *s, size_t n, double *base,
                      int max, struct ff_err *e);

/* What ff_text_box_fit did. */
struct ff_text_fit {
    double min_size;    /* in: the smallest size to shrink to (<= 0: none) */
    double size;        /* out: the size drawn at */
    double used_h;      /* out: height used, points */
    int lines;          /* out: lines drawn */
    int shrunk;         /* out: drawn smaller than st->size */
    int cut;            /* out: text left out; the last line ends in "…" */
};

/*
 * ff_text_box that never drops text silently: when s does not fit in h at
 * st->size, the size goes down in half points to f->min_size; when it
 * still does not fit, the lines that fit are drawn and the last ends with
 * "…" (whole graphemes taken back until it fits).  f->cut tells the caller
 * to warn.  h <= 0: no limit (f->used_h is then the height drawn).  Returns
 * FF_OK or an FF_E* code with e filled.
 */
int ff_text_box_fit(struct ff_pdf *p, const struct ff_text_style *st,
                    double x, double y, double w, double h, const char *s,
                    size_t n, struct ff_text_fit *f, struct ff_err *e);

#endif
