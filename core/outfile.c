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
 * prove that no half-written file ever appears under a final name.  The
 * switch and its counter live in core/fault.c, with the others; this file
 * only says where its commits and commit points are.  Also here: groups of
 * files committed together, and the sweep of a killed run's temporary
 * files.
 */
#include "outfile.h"

#include "alloc.h"
#include "fault.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static atomic_ulong tmp_counter;

/*
 * "<path>.tmp-<pid>-<16 hex digits>": the pid lets the sweep tell a dead
 * run's file from a live one's; the random part makes the name impossible
 * to guess, so nobody can plant a file or a symlink there beforehand (and
 * O_EXCL | O_NOFOLLOW refuse one anyway).  The counter keeps two names of
 * one process apart even if getrandom failed.
 */
static void tmpname(const char *path, char *out, size_t size)
{
    uint64_t r = 0;

    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
        r = (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ULL;
    r ^= atomic_fetch_add(&tmp_counter, 1);
    snprintf(out, size, "%s.tmp-%ld-%016llx", path, (long)getpid(),
             (unsigned long long)r);
}

static atomic_int umask_seen = -1;

/* The process umask, read without changing it (umask(2) would, for a
 * moment, for every thread), once: ffkit never changes it, and a folders
 * run commits a file per household. */
static mode_t current_umask(void)
{
    FILE *fp;
    char line[128];
    unsigned int m = 022;
    int seen = atomic_load(&umask_seen);

    if (seen >= 0)
        return (mode_t)seen;
    fp = fopen("/proc/self/status", "r");
    while (fp && fgets(line, sizeof line, fp))
        if (sscanf(line, "Umask: %o", &m) == 1)
            break;
    if (fp)
        fclose(fp);
    atomic_store(&umask_seen, (int)(m & 0777));
    return (mode_t)(m & 0777);
}

/*
 * The final mode of a file asked for with mode: a mode that others may
 * not read (0600, or 0640 with --group-read) marks personal data and is
 * applied exactly, whatever the umask; a public mode (0644) is narrowed by
 * the umask as open(2) would.
 */
static mode_t final_mode(int mode)
{
    if ((mode & 07) == 0)
        return (mode_t)mode;
    return (mode_t)mode & ~current_umask();
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
    /* 0600 from the first byte: the final mode is set at commit. */
    fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              0600);
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
    if (fflush(o->fp) != 0 || ferror(o->fp) ||
        fchmod(fileno(o->fp), final_mode(o->mode)) != 0 ||
        fsync(fileno(o->fp)) != 0)
        bad = 1;
    if (fclose(o->fp) != 0)
        bad = 1;
    o->fp = NULL;
    if (!bad && ff_fault_commit_fails()) {
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
    fd = open(tmp, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    o.mode = mode;
    if (fd < 0 || fchmod(fd, final_mode(mode)) != 0 ||
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
              fchmod(fileno(o->fp), final_mode(o->mode)) != 0 ||
              fstat(fileno(o->fp), &st) != 0;

    if (!bad && ff_fault_commit_fails()) {
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
 * A temporary name of ours is "<name>.tmp-<pid>-<suffix>" (tmpname above,
 * mkdtemp's for directories: letters and digits).  One whose process is
 * gone was left by a run that was killed; a live pid may be another run
 * writing beside us (or, rarely, an unrelated process that reused the
 * pid): those stay.
 */
static int stale_tmp(const char *name)
{
    const char *t = strstr(name, ".tmp-");
    char *end;
    long pid;

    if (t == NULL)
        return 0;
    pid = strtol(t + 5, &end, 10);
    if (end == t + 5 || *end != '-' || pid <= 0 || pid == (long)getpid() ||
        end[1] == '\0')
        return 0;
    for (end++; *end; end++)
        if (!((*end >= '0' && *end <= '9') || (*end >= 'a' && *end <= 'z') ||
              (*end >= 'A' && *end <= 'Z')))
            return 0;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/*
 * Sets.  The files of a set are written into a staging directory inside
 * the target directory (mkdtemp: 0700, a name nobody can guess, so another
 * user can neither read them nor plant a symlink).  The commit makes each
 * file durable and gives it its mode, then writes the set's plan, the file
 * "commit" ("+name": move in, "-name": remove), makes it durable, and
 * carries it out.  A run killed before the plan was durable leaves a
 * staging directory without a plan: the next sweep removes it, and the old
 * set is untouched.  Killed while carrying it out, it leaves the plan: the
 * next sweep finishes it (every new file is whole and on disk), so the
 * folder holds one set or the other, never a mix, once anything runs in
 * it again.
 */
#define PLAN "commit"
#define STAGE_PREFIX ".ffkit.tmp-"

struct ff_outset {
    char dir[1024];         /* the target directory */
    char stage[1100];       /* the staging directory inside it */
    int stagefd;
};

/* A name a plan may hold: one component, not hidden, not the plan. */
static int plain_name(const char *n)
{
    return n[0] != '\0' && n[0] != '.' && strchr(n, '/') == NULL &&
           strchr(n, '\n') == NULL && strcmp(n, PLAN) != 0;
}

/* Carry out the plan of stage (in dirfd); *moved counts the moves. */
static int apply_plan(int dirfd, int stagefd, int *moved, int kill_first)
{
    char line[300];
    FILE *fp;
    int fd = openat(stagefd, PLAN, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), rc = 0;

    if (fd < 0)
        return errno == ENOENT ? 1 : -1;    /* 1: no plan */
    fp = fdopen(fd, "r");
    if (fp == NULL) {
        close(fd);
        return -1;
    }
    while (fgets(line, sizeof line, fp)) {
        size_t n = strlen(line);

        if (n == 0 || line[n - 1] != '\n')
            continue;               /* a torn last line: not durable yet */
        line[n - 1] = '\0';
        if (!plain_name(line + 1))
            continue;
        if (line[0] == '+') {
            if (renameat(stagefd, line + 1, dirfd, line + 1) == 0) {
                if (++*moved == 1 && kill_first)
                    ff_fault_kill_point();
            } else if (errno != ENOENT) {
                rc = -1;
            }
        } else if (line[0] == '-') {
            if (unlinkat(dirfd, line + 1, 0) != 0 && errno != ENOENT)
                rc = -1;
        }
    }
    fclose(fp);
    (void)fsync(dirfd);
    return rc;
}

/* Remove the staging directory name in dirfd and everything in it. */
static void remove_stage(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                     O_CLOEXEC);
    DIR *d;
    struct dirent *de;

    if (fd < 0)
        return;
    d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return;
    }
    /* Files, and staging directories of ours only: a sweep must never
     * recurse into something that is not ours. */
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (unlinkat(fd, de->d_name, 0) != 0 && errno == EISDIR &&
            strncmp(de->d_name, STAGE_PREFIX, strlen(STAGE_PREFIX)) == 0)
            remove_stage(fd, de->d_name);   /* a set staged inside */
    }
    closedir(d);
    (void)unlinkat(dirfd, name, AT_REMOVEDIR);
}

int ff_outfile_sweep(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    if (d == NULL)
        return 0;
    while ((de = readdir(d)) != NULL) {
        struct stat st;

        if (!stale_tmp(de->d_name) ||
            fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (strncmp(de->d_name, STAGE_PREFIX, strlen(STAGE_PREFIX)))
                continue;       /* only our staging directories */
            int sfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY |
                                                       O_NOFOLLOW |
                                                       O_CLOEXEC);
            int moved = 0;

            if (sfd < 0)
                continue;
            /* A set killed while it was being moved in: finish it. */
            (void)apply_plan(dirfd(d), sfd, &moved, 0);
            close(sfd);
            remove_stage(dirfd(d), de->d_name);
            n++;
        } else if (unlinkat(dirfd(d), de->d_name, 0) == 0) {
            n++;
        }
    }
    closedir(d);
    return n;
}

struct ff_outset *ff_outset_new(const char *dir, struct ff_err *e)
{
    struct ff_outset *s = ff_calloc(1, sizeof *s);

    if (s == NULL) {
        ff_err_set(e, FF_ESYS, dir, 0, 0, "out of memory");
        return NULL;
    }
    s->stagefd = -1;
    ff_outfile_sweep(dir);
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    snprintf(s->stage, sizeof s->stage, "%s/" STAGE_PREFIX "%ld-XXXXXX", dir,
             (long)getpid());
    if (strlen(dir) >= sizeof s->dir - 1 || mkdtemp(s->stage) == NULL) {
        ff_err_sys(e, dir, "cannot create a temporary folder");
        ff_free(s);
        return NULL;
    }
    s->stagefd = open(s->stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                    O_CLOEXEC);
    if (s->stagefd < 0) {
        ff_err_sys(e, dir, "cannot open a temporary folder");
        rmdir(s->stage);
        ff_free(s);
        return NULL;
    }
    return s;
}

int ff_outset_path(const struct ff_outset *s, const char *name, char *out,
                   size_t size)
{
    int n = snprintf(out, size, "%s/%s", s->stage, name);

    return n < 0 || (size_t)n >= size ? -1 : 0;
}

void ff_outset_err(const struct ff_outset *s, struct ff_err *e)
{
    size_t n = strlen(s->stage);
    char final[sizeof e->file];

    if (n && strncmp(e->file, s->stage, n) == 0 && e->file[n] == '/') {
        snprintf(final, sizeof final, "%.120s/%.120s", s->dir,
                 e->file + n + 1);
        snprintf(e->file, sizeof e->file, "%s", final);
    }
}

const char *ff_outset_stage(const struct ff_outset *s)
{
    return s->stage;
}

int ff_outset_commit(struct ff_outset *s, const char *const *names,
                     size_t n, const char *const *gone, size_t ngone,
                     int mode, struct ff_err *e)
{
    char target[1200], first[1300];
    FILE *plan = NULL;
    size_t i;
    int fd, dfd = -1, moved = 0, rc;

    /* Errors name the set by its first file (a report: its CSV). */
    snprintf(first, sizeof first, "%.1023s/%.200s", s->dir,
             n ? names[0] : "");
    if (ff_fault_commit_fails()) {
        errno = ENOSPC;
        return ff_err_sys(e, first, "cannot write");
    }
    /* Every file whole, on disk and of its final mode before any name. */
    for (i = 0; i < n; i++) {
        struct stat st;

        snprintf(target, sizeof target, "%s/%s", s->dir, names[i]);
        if (!plain_name(names[i]))
            return ff_err_set(e, FF_EINTERNAL, target, 0, 0, "bad name");
        fd = openat(s->stagefd, names[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
            fchmod(fd, final_mode(mode)) != 0 || fsync(fd) != 0) {
            rc = ff_err_sys(e, target, "cannot write");
            if (fd >= 0)
                close(fd);
            return rc;
        }
        close(fd);
    }
    fd = openat(s->stagefd, PLAN, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                                      O_CLOEXEC, 0600);
    if (fd < 0 || (plan = fdopen(fd, "w")) == NULL) {
        if (fd >= 0)
            close(fd);
        return ff_err_sys(e, first, "cannot write");
    }
    for (i = 0; i < n; i++)
        fprintf(plan, "+%s\n", names[i]);
    for (i = 0; i < ngone; i++)
        if (plain_name(gone[i]))
            fprintf(plan, "-%s\n", gone[i]);
    if (fflush(plan) != 0 || ferror(plan) || fsync(fileno(plan)) != 0 ||
        fclose(plan) != 0 || fsync(s->stagefd) != 0) {
        rc = ff_err_sys(e, first, "cannot write");
        unlinkat(s->stagefd, PLAN, 0);
        return rc;
    }
    ff_fault_kill_point();
    dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || apply_plan(dfd, s->stagefd, &moved, 1) != 0) {
        /* The plan stays: the next run in this folder finishes it. */
        rc = ff_err_sys(e, first, "cannot rename into place (the next "
                                  "run in this folder completes it)");
        if (dfd >= 0)
            close(dfd);
        close(s->stagefd);
        s->stagefd = -1;
        s->stage[0] = '\0';
        return rc;
    }
    close(dfd);
    return FF_OK;
}

void ff_outset_free(struct ff_outset *s)
{
    char *slash;

    if (s == NULL)
        return;
    if (s->stagefd >= 0)
        close(s->stagefd);
    if (s->stage[0] && (slash = strrchr(s->stage, '/')) != NULL) {
        int dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (dfd >= 0) {
            remove_stage(dfd, slash + 1);
            close(dfd);
        }
    }
    ff_free(s);
}
