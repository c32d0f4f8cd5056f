/*
 * outfile.h - output files that appear whole or not at all.
 *
 * ff_outfile_open() creates "<path>.tmp-<pid>-<n>" beside the target;
 * ff_outfile_commit() checks every write (ferror), fsyncs, closes and
 * renames it over the target (and fsyncs the directory); ff_outfile_abort()
 * removes it.  A crash or a full disk therefore never leaves a half-written
 * file under the final name (rename(2) is atomic within a directory).
 * Every file ffkit writes goes through here; FFKIT_FAIL_WRITE=N makes the
 * N-th commit (or group add) fail with ENOSPC (fault injection for tests).
 */
#ifndef FF_OUTFILE_H
#define FF_OUTFILE_H

#include <stdio.h>

#include "err.h"

struct ff_outfile {
    FILE *fp;               /* write here */
    char path[1024];        /* the final name */
    char tmp[1100];         /* the temporary name */
    int mode;               /* permissions of the final file */
};

/* mode: e.g. 0644, or 0600 for files holding personal data. */
int ff_outfile_open(struct ff_outfile *o, const char *path, int mode,
                    struct ff_err *e);
int ff_outfile_commit(struct ff_outfile *o, struct ff_err *e);

/*
 * The first half of commit: flush, check, fsync and close the temporary
 * file (where a full disk shows), without renaming it.  Lets a caller make
 * a file ready, commit a database transaction, then ff_outfile_commit()
 * (which only renames) - or ff_outfile_abort() if the transaction failed.
 */
int ff_outfile_prepare(struct ff_outfile *o, struct ff_err *e);

/*
 * Commit a file another library wrote at tmp (libxlsxwriter writes its own
 * files): set mode, fsync, rename to path; tmp is removed on failure.
 */
int ff_outfile_adopt(const char *tmp, const char *path, int mode,
                     struct ff_err *e);
void ff_outfile_abort(struct ff_outfile *o);

/* Write n bytes as the whole file at path, atomically. */
int ff_outfile_write(const char *path, const void *data, size_t n, int mode,
                     struct ff_err *e);

/*
 * A group of finished files that are made durable and renamed into place
 * together, for jobs that write thousands of small files (see outfile.c).
 * ff_outgroup_add() finishes writing o (flush, check: a full disk shows
 * here) and queues it, committing the group when it holds max files;
 * ff_outgroup_commit() makes every queued file durable (one syncfs per file
 * system), renames each into place and syncs their directories.  A file
 * that fails is removed and the others still land; the first error is
 * returned.  ff_outgroup_free() removes files still queued: commit first.
 */
struct ff_outgroup;
struct ff_outgroup *ff_outgroup_new(size_t max, struct ff_err *e);
int ff_outgroup_add(struct ff_outgroup *g, struct ff_outfile *o,
                    struct ff_err *e);
int ff_outgroup_commit(struct ff_outgroup *g, struct ff_err *e);
void ff_outgroup_free(struct ff_outgroup *g);

/*
 * Remove the temporary files a killed run left in dir (ours, by their name,
 * whose process no longer exists); returns how many.  A run that writes
 * many files into a directory calls it first.
 */
int ff_outfile_sweep(const char *dir);

/* mkdir -p for a directory path (mode 0755); e names it on failure. */
int ff_mkdirs(const char *path, struct ff_err *e);

#endif
