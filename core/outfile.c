/*
 * outfile.c - atomic output files (see outfile.h).
 *
 * Temporary names carry the pid and a per-process counter so that worker
 * threads and concurrent processes never collide.  After the rename the
 * directory is fsynced too, so the new name itself survives a power cut.
 *
 * Fault injection: FFKIT_FAIL_WRITE=N makes the N-th commit of the process
 * fail as a full disk would (ENOSPC), after the data was written to the
 * temporary file; this is how tests prove that no half-written file ever
 * appears under a final name.  Like the allocation countdown in alloc.c it
 * is process-wide, atomic, and inert unless the variable is set.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static atomic_ulong tmp_counter;
static atomic_long commits;

static void tmpname(const char *path, char *out, size_t size)
{
    snprintf(out, size, "%s.tmp-%ld-%lu", path, (long)getpid(),
             atomic_fetch_add(&tmp_counter, 1));
}

int ff_outfile_open(struct ff_outfile *o, const char *path, int mode,
                    struct ff_err *e)
{
    int fd;

    memset(o, 0, sizeof *o);
    if (strlen(path) >= sizeof o->path)
        return ff_err_set(e, FF_EUSAGE, path, 0, 0, "path is too long");
    snprintf(o->path, sizeof o->path, "%s", path);
    tmpname(path, o->tmp, sizeof o->tmp);
    o->mode = mode;
    fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        o->tmp[0] = '\0';
        return ff_err_sys(e, path, "cannot create");
    }
    o->fp = fdopen(fd, "wb");
    if (o->fp == NULL) {
        ff_err_sys(e, path, "cannot create");
        close(fd);
        unlink(o->tmp);
        o->tmp[0] = '\0';
        return FF_ESYS;
    }
    return FF_OK;
}

/* The injected failure, if this commit is the one (see the file header). */
static int injected_failure(void)
{
    const char *s = getenv("FFKIT_FAIL_WRITE");
    long at, n;

    if (s == NULL || *s == '\0')
        return 0;
    at = strtol(s, NULL, 10);
    n = atomic_fetch_add(&commits, 1) + 1;
    return at > 0 && n == at;
}

static void sync_dir(const char *path)
{
    char copy[1024];
    int fd;

    snprintf(copy, sizeof copy, "%s", path);
    fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);    /* best effort: some file systems refuse */
        close(fd);
    }
}

int ff_outfile_prepare(struct ff_outfile *o, struct ff_err *e)
{
    int bad = 0;

    if (o->fp == NULL)
        return o->tmp[0] ? FF_OK
                         : ff_err_set(e, FF_EINTERNAL, o->path, 0, 0,
                                      "not open");
    if (fflush(o->fp) != 0 || ferror(o->fp) || fsync(fileno(o->fp)) != 0)
        bad = 1;
    if (fclose(o->fp) != 0)
        bad = 1;
    o->fp = NULL;
    if (!bad && injected_failure()) {
        errno = ENOSPC;
        bad = 1;
    }
    if (bad) {
        ff_err_sys(e, o->path, "cannot write");
        unlink(o->tmp);
        o->tmp[0] = '\0';
        return FF_ESYS;
    }
    return FF_OK;
}

int ff_outfile_commit(struct ff_outfile *o, struct ff_err *e)
{
    if (ff_outfile_prepare(o, e))
        return e->code;
    if (rename(o->tmp, o->path) != 0) {
        ff_err_sys(e, o->path, "cannot rename into place");
        unlink(o->tmp);
        o->tmp[0] = '\0';
        return FF_ESYS;
    }
    o->tmp[0] = '\0';
    sync_dir(o->path);
    return FF_OK;
}

int ff_outfile_adopt(const char *tmp, const char *path, int mode,
                     struct ff_err *e)
{
    struct ff_outfile o;
    int fd;

    memset(&o, 0, sizeof o);
    snprintf(o.path, sizeof o.path, "%s", path);
    snprintf(o.tmp, sizeof o.tmp, "%s", tmp);
    fd = open(tmp, O_RDWR | O_CLOEXEC);
    if (fd < 0 || fchmod(fd, (mode_t)mode) != 0 ||
        (o.fp = fdopen(fd, "r+b")) == NULL) {
        ff_err_sys(e, path, "cannot write");
        if (fd >= 0)
            close(fd);
        unlink(tmp);
        return FF_ESYS;
    }
    return ff_outfile_commit(&o, e);
}

void ff_outfile_abort(struct ff_outfile *o)
{
    if (o->fp) {
        fclose(o->fp);
        o->fp = NULL;
    }
    if (o->tmp[0])
        unlink(o->tmp);
    o->tmp[0] = '\0';
}

int ff_outfile_write(const char *path, const void *data, size_t n, int mode,
                     struct ff_err *e)
{
    struct ff_outfile o;

    if (ff_outfile_open(&o, path, mode, e))
        return e->code;
    if (n && fwrite(data, 1, n, o.fp) != n) {
        ff_err_sys(e, path, "cannot write");
        ff_outfile_abort(&o);
        return FF_ESYS;
    }
    return ff_outfile_commit(&o, e);
}

int ff_mkdirs(const char *path, struct ff_err *e)
{
    char tmp[1024];
    size_t i, n = strlen(path);

    if (n >= sizeof tmp)
        return ff_err_set(e, FF_EUSAGE, path, 0, 0, "path is too long");
    memcpy(tmp, path, n + 1);
    for (i = 1; i <= n; i++) {
        if (tmp[i] == '/' || tmp[i] == '\0') {
            char c = tmp[i];

            tmp[i] = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
                return ff_err_sys(e, tmp, "cannot create directory");
            tmp[i] = c;
        }
    }
    return FF_OK;
}
