/*
 * watch.h - ffintake watch: a drop folder.  Each export file that appears
 * complete in DIR is loaded exactly like `ffintake load FILE`, then moved
 * to DIR/loaded/ or DIR/failed/ with NAME.txt beside it: the load's
 * summary, or why it was refused.
 */
#ifndef INTAKE_WATCH_H
#define INTAKE_WATCH_H

#include "err.h"

struct intake_watch_opts {
    const char *ledger, *dir;
    const char *dialects, *qr_config, *key;
    int once;               /* load what is there now, then return */
    long settle_ms;         /* quiet time after the last write (0: 500) */
};

/*
 * Load the files already in dir, then (unless once) every file moved into
 * dir or closed after writing, until SIGTERM or SIGINT.  A file counts as
 * complete when it was moved in, or closed after being written and then
 * left alone for settle_ms.  Names starting with '.' or ending in '.part',
 * '.tmp' or '~' are never taken (a copier's temporary files).  Errors of
 * one file go into its summary, never stop the watch; FF_OK or an error
 * about the folder itself (e filled).
 */
int intake_watch_run(const struct intake_watch_opts *o, struct ff_err *e);

#endif
