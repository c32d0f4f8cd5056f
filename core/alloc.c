/*
 * alloc.c - malloc wrappers with a fault-injection countdown.
 *
 * The countdown (see alloc.h) lets tests sweep "fail the N-th allocation"
 * over a whole run, the way SQLite and Lua test their out-of-memory paths.
 * When disarmed the cost is one relaxed atomic load per allocation.
 */
#include "alloc.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static atomic_long fail_at;     /* allocation number that fails, 0 = never */
static atomic_long alloc_count; /* allocations made so far */
static atomic_long failures;    /* allocations that returned NULL */

static int should_fail(void)
{
    long n = atomic_fetch_add_explicit(&alloc_count, 1,
                                       memory_order_relaxed) + 1;
    long at = atomic_load_explicit(&fail_at, memory_order_relaxed);

    if (at > 0 && n >= at) {
        atomic_fetch_add(&failures, 1);
        return 1;
    }
    return 0;
}

/* Count real failures too, so callers can tell out-of-memory apart. */
static void *counted(void *p)
{
    if (p == NULL)
        atomic_fetch_add(&failures, 1);
    return p;
}

long ff_alloc_failures(void)
{
    return atomic_load(&failures);
}

void *ff_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return counted(malloc(size ? size : 1));
}

void *ff_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    return counted(calloc(n ? n : 1, size ? size : 1));
}

void *ff_grow(void *v, size_t *cap, size_t need, size_t size, size_t first)
{
    size_t c = *cap ? *cap : (first ? first : 1);
    void *p;

    if (v != NULL && need <= *cap)
        return v;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            return NULL;
        c *= 2;
    }
    if (size && c > SIZE_MAX / size)
        return NULL;
    p = ff_realloc(v, c * size);
    if (p == NULL)
        return NULL;
    *cap = c;
    return p;
}

void *ff_realloc(void *p, size_t size)
{
    if (should_fail())
        return NULL;
    return counted(realloc(p, size ? size : 1));
}

void ff_free(void *p)
{
    free(p);
}

char *ff_strndup(const char *s, size_t n)
{
    char *d = ff_malloc(n + 1);

    if (d == NULL)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *ff_strdup(const char *s)
{
    return ff_strndup(s, strlen(s));
}

void ff_alloc_fail_after(long n)
{
    long now = atomic_load(&alloc_count);

    atomic_store(&fail_at, n > 0 ? now + n : 0);
}

long ff_alloc_count(void)
{
    return atomic_load(&alloc_count);
}
