/*
 * test_alloc.c - ff_grow, the one loop every growing array uses: it doubles
 * from `first`, keeps what was there, refuses an overflowing size, and on
 * an injected allocation failure leaves the array and its capacity as they
 * were so the caller loses nothing.
 */
#include "check.h"

#include <stdint.h>

#include "alloc.h"

int main(void)
{
    long *a = NULL, *p;
    size_t cap = 0, i;

    /* From nothing: the first capacity, then doubling past the need. */
    p = ff_grow(a, &cap, 1, sizeof *a, 4);
    CHECK(p != NULL);
    CHECK_INT(cap, 4);
    a = p;
    for (i = 0; i < 4; i++)
        a[i] = (long)i * 7;
    CHECK(ff_grow(a, &cap, 4, sizeof *a, 4) == a);     /* fits: unchanged */
    CHECK_INT(cap, 4);
    p = ff_grow(a, &cap, 9, sizeof *a, 4);
    CHECK(p != NULL);
    CHECK_INT(cap, 16);
    a = p;
    for (i = 0; i < 4; i++)
        CHECK_INT(a[i], (long)i * 7);                  /* kept */

    /* Overflow: refused, the array untouched. */
    CHECK(ff_grow(a, &cap, SIZE_MAX / 2, sizeof *a, 4) == NULL);
    CHECK_INT(cap, 16);

    /* An injected failure: NULL, the array and capacity as they were. */
    ff_alloc_fail_after(1);
    CHECK(ff_grow(a, &cap, 17, sizeof *a, 4) == NULL);
    ff_alloc_fail_after(0);
    CHECK_INT(cap, 16);
    CHECK_INT(a[3], 21);
    ff_free(a);
    return check_done("alloc");
}
