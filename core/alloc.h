/*
 * alloc.h - the allocator every ffkit module uses.
 *
 * All heap memory goes through ff_malloc/ff_realloc/ff_free so that an
 * allocation failure can be injected in tests: ff_alloc_fail_after(n) makes
 * the n-th following allocation (1-based) and every later one fail.  This
 * countdown is the single piece of process-wide mutable state in ffkit; it is
 * atomic so that worker threads may allocate.  Programs arm it from the
 * FFKIT_FAIL_ALLOC environment variable through core/fault.h, the one
 * place test-only fault injection is switched on.
 */
#ifndef FF_ALLOC_H
#define FF_ALLOC_H

#include <stddef.h>

void *ff_malloc(size_t size);
void *ff_calloc(size_t n, size_t size);
void *ff_realloc(void *p, size_t size);
void ff_free(void *p);

/* Duplicate n bytes of s into a new NUL-terminated string; caller frees. */
char *ff_strndup(const char *s, size_t n);
char *ff_strdup(const char *s);

/*
 * The array v of capacity *cap, grown to hold at least `need` elements of
 * `size` bytes: the capacity doubles (starting at `first`) until it does,
 * checked against overflow.  Returns the array, moved perhaps (v itself when
 * it already fits), or NULL with v and *cap untouched, so the caller still
 * owns what it had.  Every growing array in ffkit goes through this one
 * loop:  p = ff_grow(a, &cap, n + 1, sizeof *a, 64); if (!p) fail; a = p;
 */
void *ff_grow(void *v, size_t *cap, size_t need, size_t size, size_t first);

/* Make the n-th allocation from now on fail (n > 0); n == 0 disarms. */
void ff_alloc_fail_after(long n);

/* Number of allocations made since start (for fault-injection sweeps). */
long ff_alloc_count(void);

/*
 * Allocations that have returned NULL so far (injected or real).  A wrapper
 * around a library that reports failures vaguely (libharu) compares this
 * before and after a call to say "out of memory" instead.
 */
long ff_alloc_failures(void);

#endif
