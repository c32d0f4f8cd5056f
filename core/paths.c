/*
 * paths.c - run-time locations of editable files.  The compile-time default
 * (FF_SOURCE_DIR, set by the Makefile) lets `make demo` work from a fresh
 * clone without an install step; the environment variable lets a province
 * keep its own edited templates elsewhere.
 */
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>

#ifndef FF_SOURCE_DIR
#define FF_SOURCE_DIR "."
#endif

const char *ff_template_dir(void)
{
    const char *d = getenv("FFKIT_TEMPLATE_DIR");

    return d && *d ? d : FF_SOURCE_DIR "/templates";
}

const char *ff_template_path(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", ff_template_dir(), name);
    return out;
}
