/*
 * fault.c - the test-only fault-injection switches (see fault.h).
 *
 * The variables are parsed here as each caller parsed them before this
 * module existed (strtol's prefix: "3x" is 3), so that the tests that set
 * them see the same failures at the same places.
 */
#include "fault.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "alloc.h"

static atomic_long kill_events; /* commit points while the kill is armed */
static atomic_long commits;     /* commits while the write failure is set */

void ff_fault_init_from_env(void)
{
    const char *s = getenv("FFKIT_FAIL_ALLOC");
    char *end;
    long n;

    if (s == NULL || *s == '\0')
        return;
    n = strtol(s, &end, 10);
    if (*end == '\0' && n > 0)
        ff_alloc_fail_after(n);
}

void ff_fault_kill_point(void)
{
    const char *s = getenv("FFKIT_KILL_AT_COMMIT");

    if (s && *s && atomic_fetch_add(&kill_events, 1) + 1 ==
                       strtol(s, NULL, 10))
        raise(SIGKILL);
}

int ff_fault_commit_fails(void)
{
    const char *s = getenv("FFKIT_FAIL_WRITE");
    long at, n;

    ff_fault_kill_point();
    if (s == NULL || *s == '\0')
        return 0;
    at = strtol(s, NULL, 10);
    n = atomic_fetch_add(&commits, 1) + 1;
    return at > 0 && n == at;
}

long ff_fault_sqlite_write(void)
{
    const char *s = getenv("FFKIT_FAIL_SQLITE_WRITE");
    long n;

    if (s == NULL)
        return 0;
    n = atol(s);
    return n > 0 ? n : 0;
}
