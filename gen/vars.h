/*
 * vars.h - the {placeholders} a template may use, and their expansion for
 * one household.  The list of names lives here and nowhere else.
 *
 *   {code} {token} {code_spaced} {head} {title} {first_name} {last_name}
 *   {house_no} {village_no} {village_name} {subdistrict} {district}
 *   {province} {district_code} {subdistrict_code} {members} {income}
 *   {threshold} {income_vs_threshold} {indicators} {status} {status_label}
 *   {date} (print date, BE) {year} (BE) {deadline:2568-01} (the 20th of that
 *   month, BE; CE years accepted) {month:2568-01} ("มกราคม 2568")
 *   {page} {pages} (within the household) {packet}
 *   {{ and }} are literal braces.
 */
#ifndef GEN_VARS_H
#define GEN_VARS_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "register.h"

#define GEN_BMN_THRESHOLD 38000.0   /* baht per person per year (จปฐ.) */

struct gen_vars {
    const struct ff_household *h;   /* NULL: household fields expand to "" */
    const char *token;              /* CODE-C[-TAG] from the QR payload */
    int year, month, day;           /* print date, CE */
    double threshold;
    const char *packet;             /* packet name, or "" */
    int page, pages;                /* page within the household, 1-based */
    int footer;                     /* draw the packet footer on each page */
    const char *doc;                /* document being drawn, for warnings */
    const char *tpl_path;           /* its template file */
    /*
     * Text that had to be cut to fit its box is reported here (may be NULL:
     * not reported).  msg names the template line, the household code, the
     * document and the field, never the text.  Called from worker threads.
     */
    void (*warn)(void *ctx, const char *msg);
    void *warn_ctx;
    /* The worker's memory of flowing items drawn before (render.h); may
     * be NULL: every item is then drawn anew. */
    struct gen_rcache *rcache;
};

/* 1 when name[0..n) (without braces, may carry ":arg") is a known one. */
int gen_vars_known(const char *name, size_t n);

/*
 * Append s[0..n) to out with placeholders replaced.  Fails only on out of
 * memory (FF_ESYS) or an unknown name (FF_EINPUT; templates are checked at
 * load time, so this means a bug).
 */
int gen_vars_expand(const struct gen_vars *v, const char *s, size_t n,
                    struct ff_buf *out, struct ff_err *e);

/*
 * Append the head's full name to out: title, first name, surname, with a
 * space after a Latin title ("Mr. John") and none after a Thai one
 * ("นายสมชาย ใจดี").  Any length.  0, or -1 when out of memory.
 */
int gen_vars_head(const struct ff_household *h, struct ff_buf *out);

/* "2401-010596-3-7": the token grouped as the code is written (4-6-1,
 * housecode.h), then its check character. */
const char *gen_vars_spaced(const char *token, char *out, size_t size);

#endif
