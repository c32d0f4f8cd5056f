/*
 * select.h - which households a command prints: by status, district, an
 * explicit list of codes (--only), or those new or changed since an older
 * register (--changed).  The result is in walking order.
 */
#ifndef GEN_SELECT_H
#define GEN_SELECT_H

#include <stddef.h>

#include "err.h"
#include "register.h"

struct gen_select {
    unsigned statuses;          /* bit s set: status s selected (0..4) */
    const char *districts;      /* "2401,2405" district codes, or NULL */
    const char *only;           /* "CODE,CODE", or NULL */
    const struct ff_register *old;  /* --changed: the earlier register */
};

/*
 * Parse a comma list of statuses "1,2" into a bit set; -1 when malformed.
 */
int gen_select_parse_statuses(const char *s);

/*
 * Check the code and district lists: every item is 11 (codes) or 4
 * (districts) ASCII digits.  Fills e (FF_EUSAGE) naming the bad item.
 */
int gen_select_check(const struct gen_select *s, struct ff_err *e);

/*
 * The selected households of r in walking order; caller frees the array
 * with ff_free (the households belong to r).  *n gets the count.
 * Codes of --only that are not in the register are an error (FF_EINPUT),
 * so a typo never prints silently nothing.
 */
const struct ff_household **gen_select_run(const struct gen_select *s,
                                           const struct ff_register *r,
                                           size_t *n, struct ff_err *e);

/* 1 when h differs from o in anything printed: name, address, members,
 * income, status, indicators. */
int gen_household_changed(const struct ff_household *h,
                          const struct ff_household *o);

#endif
