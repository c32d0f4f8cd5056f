/*
 * outfile.h - output files that appear whole or not at all.
 *
 * ff_outfile_open() creates "<path>.tmp-<pid>-<random>" beside the target;
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

/*
 * mode: 0644 for public files (narrowed by the umask, as open(2) would),
 * 0600 for files holding personal data, or 0640 where an explicit option
 * shares them with the group: a mode without bits for others is applied
 * exactly, whatever the umask.  The temporary file is "<path>.tmp-<pid>-
 * <random>", created O_EXCL | O_NOFOLLOW with mode 0600; the final mode is
 * set just before the rename.
 */
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
 * whose process no longer exists), and its staging directories: a set
 * (below) killed while it was being moved in is finished first.  Returns
 * how many were removed.  Every run that writes into a directory calls it
 * first.
 */
int ff_outfile_sweep(const char *dir);

/*
 * A set of files that appear in dir together or not at all (a report's
 * CSV, XLSX and PDF).  ff_outset_new() sweeps dir and creates a staging
 * directory inside it (mkdtemp, 0700: nobody else can read what is staged
 * or plant a symlink there); each file is written into it, by any means,
 * at the path ff_outset_path() gives.  ff_outset_commit() makes every
 * named file durable with the final mode (see ff_outfile_open), writes the
 * set's plan and moves the files into dir, removing the names in gone
 * (files of an earlier set that this one no longer has); a kill at any
 * point leaves the old set or, once the next run in dir has swept, the new
 * one.  ff_outset_free() removes the staging directory (after a failure:
 * with what was staged).  FFKIT_FAIL_WRITE counts a set's commit as one
 * commit; FFKIT_KILL_AT_COMMIT=N (tests) kills the process at the N-th
 * commit point (each file's commit, a set's commit, a set's first move).
 */
struct ff_outset;
struct ff_outset *ff_outset_new(const char *dir, struct ff_err *e);
/* The staging path of name; -1 when it does not fit in size. */
int ff_outset_path(const struct ff_outset *s, const char *name, char *out,
                   size_t size);
/* An error about a staged file (in e->file) named by its final path. */
void ff_outset_err(const struct ff_outset *s, struct ff_err *e);
/* The staging directory itself (a private place for a library's own
 * temporary files). */
const char *ff_outset_stage(const struct ff_outset *s);
int ff_outset_commit(struct ff_outset *s, const char *const *names,
                     size_t n, const char *const *gone, size_t ngone,
                     int mode, struct ff_err *e);
void ff_outset_free(struct ff_outset *s);

/* mkdir -p for a directory path (mode 0755); e names it on failure. */
int ff_mkdirs(const char *path, struct ff_err *e);

#endif
