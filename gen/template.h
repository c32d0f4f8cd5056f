/*
 * template.h - document layouts read from text files under templates/.
 *
 * A template describes one document kind (Family Folder, plan form, results
 * form, packet cover, label sheet) as pages of simple items: text blocks
 * with {placeholders} bound to register fields, boxes, lines, ruled writing
 * space, tables and the QR code.  See templates/README.md for the format.
 * A province edits the file to change a heading, move a box or add a field
 * without recompiling.  Errors name file:line:col and show the line with a
 * caret under the column.
 *
 * All lengths in a loaded template are millimetres; origin top-left.
 */
#ifndef GEN_TEMPLATE_H
#define GEN_TEMPLATE_H

#include <stddef.h>

#include "err.h"

enum tpl_kind {
    TPL_TEXT, TPL_BOX, TPL_LINE, TPL_RULES, TPL_TABLE, TPL_CHECKBOX, TPL_QR
};

struct tpl_item {
    int kind;
    long line;                  /* where it was defined (for messages) */
    double x, y, w, h;          /* mm; LINE uses x,y -> x2,y2 */
    double x2, y2;
    double size;                /* text size in points */
    int bold;
    int align;                  /* enum ff_align */
    unsigned color;             /* text / stroke colour 0xRRGGBB */
    unsigned fill;              /* fill colour, or FF_NO_FILL */
    int has_fill;
    double width;               /* stroke width in points */
    int dashed;
    double step;                /* RULES: line spacing mm */
    double leading;             /* TEXT: line advance in points, 0 default */
    char *text;                 /* TEXT/CHECKBOX: with {placeholders} */
    /* TABLE */
    size_t ncols;
    char **heads;               /* column headings (placeholders allowed) */
    double *widths;             /* mm */
    int rows;
    double rowh, headh;         /* mm */
    size_t nfirst;
    char **first;               /* first-column text per row, may be fewer */
    int label;                  /* QR: print the token under the symbol */
    /* Flow layout (templates/README.md): */
    int flow;                   /* y=+N: y mm below the item before */
    double min_y;               /* ... but not above miny= (mm) */
    int beside;                 /* same top as the item before */
    int to_flow;                /* BOX/RULES to=+N: bottom N mm below the
                                   item before (h is then N) */
    double min_size;            /* TEXT: shrink no further (points) */
    char *grow;                 /* TABLE: rows follow this placeholder */
    int max_rows;               /* TABLE: bound for grow (then continues) */
};

struct tpl_page {
    double w, h;                /* mm */
    char sheet[16];             /* labels: the sheet this page is for */
    struct tpl_item *items;
    size_t n, cap;
};

/* A label sheet: cols x rows cells of w x h mm, the first cell's top-left
 * corner at (left, top), gaps between cells. */
struct tpl_sheet {
    char name[16];
    int cols, rows;
    double w, h, left, top, hgap, vgap;
    double margin;              /* the printer's unprintable edge, mm */
};

struct gen_template {
    char *path;
    char *name;                 /* `document NAME` */
    char *title;                /* `title "..."`, for outlines; may be NULL */
    struct tpl_page *pages;
    size_t npages, cap;
    struct tpl_item qr;         /* `qr` at document level: on every page */
    int has_qr;
    struct tpl_sheet sheets[8]; /* `sheet` statements (label templates) */
    size_t nsheets;
};

/* Load and check a template.  NULL with e filled on error.  Caller frees. */
struct gen_template *gen_template_load(const char *path, struct ff_err *e);

/* Same from memory (tests, fuzzing); name is used in messages. */
struct gen_template *gen_template_parse(const char *name, const char *text,
                                        size_t n, struct ff_err *e);

void gen_template_free(struct gen_template *t);

/*
 * Check that every {placeholder} in s[0..n) is known; returns the byte offset
 * of the first unknown one's '{', or n when all are known.
 */
size_t gen_template_check_placeholders(const char *s, size_t n);

#endif
