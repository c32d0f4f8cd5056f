/*
 * outfile.c - atomic output files (see outfile.h).  Temporary names carry
 * the pid and a per-process counter so that worker threads and concurrent
 * processes never collide.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static atomic_ulong tmp_counter;

void ff_outfile_tmpname(const char *path, char *out, size_t size)
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
    ff_outfile_tmpname(path, o->tmp, sizeof o->tmp);
    o->mode = mode;
    fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return ff_err_sys(e, path, "cannot create");
    o->fp = fdopen(fd, "wb");
    if (o->fp == NULL) {
        ff_err_sys(e, path, "cannot create");
        close(fd);
        unlink(o->tmp);
        return FF_ESYS;
    }
    return FF_OK;
}

int ff_outfile_commit(struct ff_outfile *o, struct ff_err *e)
{
    int bad = 0;

    if (o->fp == NULL)
        return ff_err_set(e, FF_EINTERNAL, o->path, 0, 0, "not open");
    if (fflush(o->fp) != 0 || ferror(o->fp) || fsync(fileno(o->fp)) != 0)
        bad = 1;
    if (fclose(o->fp) != 0)
        bad = 1;
    o->fp = NULL;
    if (bad) {
        ff_err_sys(e, o->path, "cannot write");
        unlink(o->tmp);
        return FF_ESYS;
    }
    if (rename(o->tmp, o->path) != 0) {
        ff_err_sys(e, o->path, "cannot rename into place");
        unlink(o->tmp);
        return FF_ESYS;
    }
    return FF_OK;
}

void ff_outfile_abort(struct ff_outfile *o)
{
    if (o->fp) {
        fclose(o->fp);
        o->fp = NULL;
    }
    if (o->tmp[0])
        unlink(o->tmp);
}
