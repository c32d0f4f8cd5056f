/*
 * outfile.c - atomic output files (see outfile.h).
 *
 * Temporary names carry the pid and a per-process counter so that worker
 * threads and concurrent processes never collide.  After the rename the
 * directory is fsynced too, so the new name itself survives a power cut.
 *
 * Fault injection: FFKIT_FAIL_WRITE=N makes the N-th commit of the process
 * (or the N-th file added to a group) fail as a full disk would (ENOSPC),
 * after the data was written to the temporary file; this is how tests
 * prove that no half-written file ever appears under a final name.  Like
 * the allocation countdown in alloc.c it is process-wide, atomic, and inert
 * unless the variable is set.  Also here: groups of files committed
 * together, and the sweep of a killed run's temporary files.
 */
#include "outfile.h"

#include "alloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
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

/*
 * Groups.  A file's data must be on disk before its name appears, and the
 * name itself once its directory is synced.  Done file by file that is two
 * journal commits and two disk cache flushes per file, which for ten
 * thousand small PDFs cost more than a third of the run (bench/gen.md).  A
 * group keeps its finished temporary files open and, at commit, makes them
 * all durable with one syncfs(2) per file system, renames each into place
 * and syncs each directory once.  syncfs also writes out other programs'
 * pending data on that file system; if it fails, each file is fsynced on
 * its own so that the failure is pinned on the right file.
 */
struct ff_outgroup {
    size_t n, max;
    struct member {
        struct ff_outfile f;
        dev_t dev;
        int fs_failed;          /* syncfs failed on this file system */
    } m[];
};

struct ff_outgroup *ff_outgroup_new(size_t max, struct ff_err *e)
{
    struct ff_outgroup *g;

    if (max == 0)
        max = 1;
    g = ff_calloc(1, sizeof *g + max * sizeof g->m[0]);
    if (g == NULL) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        return NULL;
    }
    g->max = max;
    return g;
}

int ff_outgroup_add(struct ff_outgroup *g, struct ff_outfile *o,
                    struct ff_err *e)
{
    struct stat st;
    int bad = o->fp == NULL || fflush(o->fp) != 0 || ferror(o->fp) ||
              fstat(fileno(o->fp), &st) != 0;

    if (!bad && injected_failure()) {
        errno = ENOSPC;
        bad = 1;
    }
    if (bad) {
        ff_err_sys(e, o->path, "cannot write");
        ff_outfile_abort(o);
        return FF_ESYS;
    }
    g->m[g->n].f = *o;
    g->m[g->n].dev = st.st_dev;
    g->n++;
    o->fp = NULL;
    o->tmp[0] = '\0';
    if (g->n == g->max)
        return ff_outgroup_commit(g, e);
    return FF_OK;
}

/* 1 if the directory of a equals that of b. */
static int same_dir(const char *a, const char *b)
{
    const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');

    if (sa == NULL || sb == NULL)
        return sa == sb;
    return sa - a == sb - b && memcmp(a, b, (size_t)(sa - a)) == 0;
}

/* Make member i's data durable: syncfs once per file system, or fsync. */
static int group_sync(struct ff_outgroup *g, size_t i)
{
    size_t j;

    for (j = 0; j < i; j++)
        if (g->m[j].dev == g->m[i].dev)
            break;
    if (j == i)                 /* the first file on this file system */
        g->m[i].fs_failed = syncfs(fileno(g->m[i].f.fp)) != 0;
    else
        g->m[i].fs_failed = g->m[j].fs_failed;
    return g->m[i].fs_failed ? fsync(fileno(g->m[i].f.fp)) : 0;
}

int ff_outgroup_commit(struct ff_outgroup *g, struct ff_err *e)
{
    size_t i, j;
    int rc = FF_OK;

    for (i = 0; i < g->n; i++) {
        struct ff_outfile *o = &g->m[i].f;
        int bad = group_sync(g, i) != 0;

        if (fclose(o->fp) != 0)
            bad = 1;
        o->fp = NULL;
        if (!bad && rename(o->tmp, o->path) != 0)
            bad = 2;
        if (bad) {
            if (rc == FF_OK)
                rc = ff_err_sys(e, o->path, "%s",
                                bad == 2 ? "cannot rename into place"
                                         : "cannot write");
            unlink(o->tmp);
            o->path[0] = '\0';
        }
        o->tmp[0] = '\0';
    }
    /* Each directory once: a group mostly fills one. */
    for (i = 0; i < g->n; i++) {
        const char *path = g->m[i].f.path;

        if (path[0] == '\0')
            continue;
        for (j = 0; j < i; j++)
            if (g->m[j].f.path[0] && same_dir(path, g->m[j].f.path))
                break;
        if (j == i)
            sync_dir(path);
    }
    g->n = 0;
    return rc;
}

void ff_outgroup_free(struct ff_outgroup *g)
{
    size_t i;

    if (g == NULL)
        return;
    for (i = 0; i < g->n; i++)
        ff_outfile_abort(&g->m[i].f);
    ff_free(g);
}

/*
 * A temporary name of ours is "<name>.tmp-<pid>-<n>" (tmpname above).  One
 * whose process is gone was left by a run that was killed; a live pid may
 * be another run writing beside us (or, rarely, an unrelated process that
 * reused the pid): those stay.
 */
static int stale_tmp(const char *name)
{
    const char *t = strstr(name, ".tmp-");
    char *end;
    long pid;

    if (t == NULL)
        return 0;
    pid = strtol(t + 5, &end, 10);
    if (end == t + 5 || *end != '-' || pid <= 0 || pid == (long)getpid())
        return 0;
    for (end++; *end; end++)
        if (*end < '0' || *end > '9')
            return 0;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

int ff_outfile_sweep(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    if (d == NULL)
        return 0;
    while ((de = readdir(d)) != NULL)
        if (stale_tmp(de->d_name) && unlinkat(dirfd(d), de->d_name, 0) == 0)
            n++;
    closedir(d);
    return n;
}
