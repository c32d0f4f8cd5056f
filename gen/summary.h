/*
 * summary.h - the classification summary (enclosure 1 of the letter):
 * households by status 1-4 (and not yet classified) for each district and
 * subdistrict and the province, as summary.csv and summary.pdf.
 */
#ifndef GEN_SUMMARY_H
#define GEN_SUMMARY_H

#include "err.h"
#include "province.h"
#include "register.h"

struct gen_summary_row {
    char code[8];               /* district (4) or subdistrict (6) code, "" */
    const char *district;
    const char *subdistrict;    /* NULL for district and province rows */
    long count[5];              /* by status; [0] = not classified */
    long total;
};

struct gen_summary {
    const char *province;
    struct gen_summary_row *rows;   /* districts, each followed by its
                                       subdistricts, then the province */
    size_t n;
};

/* Count r into s; caller releases with gen_summary_release. */
int gen_summary_build(struct gen_summary *s, const struct ff_register *r,
                      struct ff_err *e);
void gen_summary_release(struct gen_summary *s);

struct gen_summary_opts {
    const char *font_dir;               /* NULL: the default */
    int year, month, day;               /* the data's date, CE */
    const struct ff_province *province; /* office, signer; may be NULL */
};

/* Write DIR/summary.csv and DIR/summary.pdf. */
int gen_summary_write(const struct gen_summary *s, const char *dir,
                      const struct gen_summary_opts *o, struct ff_err *e);

#endif
