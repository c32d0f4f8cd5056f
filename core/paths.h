/*
 * paths.h - where ffkit finds its editable files at run time.
 *
 * Templates (layouts, column maps, QR payload config) live in one directory:
 * $FFKIT_TEMPLATE_DIR when set, else the templates/ directory of the source
 * tree the program was built from.
 */
#ifndef FF_PATHS_H
#define FF_PATHS_H

#include <stddef.h>

/* The template directory (no trailing slash). */
const char *ff_template_dir(void);

/* "<template dir>/<name>" into out; returns out. */
const char *ff_template_path(const char *name, char *out, size_t size);

#endif
