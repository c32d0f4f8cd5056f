/*
 * flow.h - pages drawn from C code that flow: text and table rows placed
 * one below the other, each as tall as its wrapped content, a new page
 * when the next item does not fit, a table's title and heading repeated
 * with "(ต่อ)" on every page it continues onto, and a footer with
 * "หน้า N/M" on every page.  The packet cover, the summary (enclosure 1)
 * and the reconciliation PDF are drawn through it, so they share one set
 * of rules: nothing is cut (a cell wraps and its row grows) and nothing
 * is printed over anything else.
 *
 * A page count is only known once everything is laid out, and a finished
 * page cannot be written to again (pdf.c deflates it when the next one is
 * added), so ff_flow_run calls the caller's draw function twice: a
 * measuring pass that lays everything out without drawing (f->dry), then
 * the drawing pass with f->pages set.  The draw function must therefore
 * depend only on its input, and draw only through the ff_flow_* calls
 * below (or test f->dry itself).
 *
 * Coordinates as in pdf.h: points, origin top-left, y downwards.
 */
#ifndef FF_FLOW_H
#define FF_FLOW_H

#include <stddef.h>

#include "err.h"
#include "pdf.h"
#include "text.h"

/* One column of a table. */
struct ff_flow_col {
    double w;               /* points */
    int align;              /* enum ff_align of its cells */
    const char *head;       /* heading; may hold '\n' */
};

struct ff_flow_table {
    const char *title;      /* above the table, or NULL; repeated with
                             * " (ต่อ)" on each continuation page */
    const struct ff_text_style *title_st;
    const struct ff_flow_col *cols;
    int ncols;
    const struct ff_text_style *head_st;    /* its align is ignored:
                                             * headings are centred */
    unsigned head_rgb;      /* fill of the heading band */
    double x;               /* left edge; 0: the left margin */
    int keep_rows;          /* rows that must fit under a new title */
};

struct ff_flow;

/* Called on every new page (after the footer of the previous one). */
typedef int (*ff_flow_page_fn)(struct ff_flow *f, void *ctx,
                               struct ff_err *e);

struct ff_flow {
    /* Set by the caller before ff_flow_run. */
    struct ff_pdf *p;
    double page_w, page_h;
    double ml, mr, mt, mb;  /* margins: the body is mt .. page_h - mb */
    const char *foot;       /* footer text on the left, or NULL */
    const struct ff_text_style *foot_st;    /* NULL: 10 pt grey */
    /* Replaces the default footer ("foot ... หน้า N/M") when set; it is
     * called for each page with f->page and f->pages known. */
    ff_flow_page_fn footer;
    ff_flow_page_fn header; /* running head at the top of each page */
    void *ctx;              /* for footer and header */

    /* State, read by the draw function. */
    int dry;                /* measuring pass: nothing is drawn */
    int page;               /* the current page, 1-based */
    int pages;              /* total pages; 0 during the measuring pass */
    double y;               /* where the next item goes */
    const struct ff_flow_table *table;  /* the open table, if any */
    const struct ff_text_style *cell_st;    /* its cells' style */
    double table_top;       /* y of its heading on this page */
    char group[512];        /* the open group's label, "" for none */
    const struct ff_text_style *group_st;
    unsigned group_fill;
    double indent;          /* points before column 0 of plain rows */
};

typedef int (*ff_flow_draw_fn)(struct ff_flow *f, void *ctx,
                               struct ff_err *e);

/*
 * Lay out (dry) and then draw everything draw puts on pages, into the
 * current document of f->p.  The first page is begun before draw is
 * called; the last page's footer is drawn after it returns.  f->pages is
 * the page count afterwards.  Returns FF_OK or draw's error code, and
 * FF_EINTERNAL if the two passes did not give the same page count.
 */
int ff_flow_run(struct ff_flow *f, ff_flow_draw_fn draw, void *ctx,
                struct ff_err *e);

/* Only the measuring pass: *pages gets the page count draw would make. */
int ff_flow_measure(struct ff_flow *f, ff_flow_draw_fn draw, void *ctx,
                    int *pages, struct ff_err *e);

/* End this page (footer) and begin the next; repeats an open table's
 * title with " (ต่อ)" and its heading. */
int ff_flow_page(struct ff_flow *f, struct ff_err *e);

/* Only the drawing pass, with f->pages = pages (from ff_flow_measure). */
int ff_flow_draw(struct ff_flow *f, ff_flow_draw_fn draw, void *ctx,
                 int pages, struct ff_err *e);

/* Begin a new page unless h more points fit on this one. */
int ff_flow_need(struct ff_flow *f, double h, struct ff_err *e);

/* Body width between the margins. */
double ff_flow_body_w(const struct ff_flow *f);

/*
 * Height of s wrapped in width w with st (st->leading or 1.2 x size per
 * line), with room for the marks below the last line; 0 for "".
 */
double ff_flow_text_h(struct ff_flow *f, const struct ff_text_style *st,
                      double w, const char *s, struct ff_err *e);

/*
 * A paragraph at f->y (on a new page if it does not fit), wrapped in
 * width w from x (0: the left margin, w 0: the body width); f->y moves
 * below it.  Returns FF_OK or an error code.
 */
int ff_flow_text(struct ff_flow *f, const struct ff_text_style *st, double x,
                 double w, const char *s, struct ff_err *e);

/* Drawing that does nothing in the measuring pass. */
int ff_flow_box(struct ff_flow *f, const struct ff_text_style *st, double x,
                double y, double w, const char *s, struct ff_err *e);
int ff_flow_line_text(struct ff_flow *f, const struct ff_text_style *st,
                      double x, double y, const char *s, struct ff_err *e);
void ff_flow_fill(struct ff_flow *f, double x, double y, double w, double h,
                  unsigned rgb);
void ff_flow_rule(struct ff_flow *f, double x1, double y1, double x2,
                  double y2, double width, unsigned rgb);
void ff_flow_rect(struct ff_flow *f, double x, double y, double w, double h,
                  double width, unsigned rgb);

/*
 * Open table t at f->y: its title and heading, on a new page unless they
 * and t->keep_rows rows of one line fit.  t must outlive the table.
 */
int ff_flow_table_begin(struct ff_flow *f, const struct ff_flow_table *t,
                        const struct ff_text_style *cell_st,
                        struct ff_err *e);

/*
 * One row of the open table: cells[0..ncols) wrapped in their columns, the
 * row as tall as its tallest cell, on a new page (title "(ต่อ)" and
 * heading repeated) if it does not fit.  st gives the cells' face and
 * size, each column its alignment; fill 0xFFFFFFFF for none.
 */
int ff_flow_table_row(struct ff_flow *f, const char *const *cells,
                      const struct ff_text_style *st, unsigned fill,
                      struct ff_err *e);

/*
 * A group row of the open table (a district above its subdistricts):
 * cells as for ff_flow_table_row, kept together with the row after it.
 * Until the next group row or the table's end, every page the table
 * continues onto repeats it under the heading as cells[0] + " (ต่อ)" with
 * the other cells empty (so that no count is printed twice).
 */
int ff_flow_table_group(struct ff_flow *f, const char *const *cells,
                        const struct ff_text_style *st, unsigned fill,
                        struct ff_err *e);

/* Close the open table: its frame on this page; f->y stays below it. */
void ff_flow_table_end(struct ff_flow *f);

/*
 * A signature block at f->y, right half of the body, kept on one page:
 *     ลงชื่อ .................... <role>
 *           (<name> or dots)
 *     ตำแหน่ง <position or dots>
 *     วันที่ ......../......../........
 */
int ff_flow_signature(struct ff_flow *f, const char *role, const char *name,
                      const char *position, struct ff_err *e);

/* The height ff_flow_signature will take (for keeping a table's last
 * row with it). */
double ff_flow_signature_h(struct ff_flow *f, const char *role,
                           const char *name, const char *position,
                           struct ff_err *e);

/* The height ff_flow_table_row would give cells (0 if no table open). */
double ff_flow_row_h(struct ff_flow *f, const char *const *cells,
                     const struct ff_text_style *st, struct ff_err *e);

/* "หน้า N/M" of the current page into out. */
const char *ff_flow_page_label(const struct ff_flow *f, char *out,
                               size_t size);

#endif
