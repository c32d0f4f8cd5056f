/*
 * watch.c - the drop folder over inotify (Linux).
 *
 * inotify says when a file was moved into the folder (IN_MOVED_TO: the
 * copier wrote it elsewhere, it is whole) or closed after writing
 * (IN_CLOSE_WRITE: an office PC saving straight into a shared folder).  A
 * closed file is taken only after it has been left alone for a moment, so
 * a program that writes in several opens is not loaded half way; a write
 * meanwhile (IN_MODIFY) starts the wait again.  Each file is loaded by
 * intake_load_run, as `ffintake load` would, in a ledger connection of its
 * own, then moved out of the way with its summary: the folder holds only
 * what is still to do, and a file is never loaded twice by the watch (and
 * if it were, the ledger would say "already loaded").
 */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "dialect.h"
#include "hhid.h"
#include "ledger.h"
#include "load.h"
#include "loadcfg.h"
#include "paths.h"
#include "rules.h"
#include "summary.h"

#define MAX_PENDING 256

struct pending {
    char name[256];
    long long due_ms;       /* load when the clock passes this; 0 = free */
};

struct watch {
    const struct intake_watch_opts *o;
    struct intake_dialects ds;
    struct ff_payload_cfg *payload;
    struct pending p[MAX_PENDING];
    long settle_ms;
};

static long long mono_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int skipped_name(const char *n)
{
    size_t len = strlen(n);

    return n[0] == '.' || n[0] == '\0' || strcmp(n, "loaded") == 0 ||
           strcmp(n, "failed") == 0 || (len && n[len - 1] == '~') ||
           (len > 5 && strcmp(n + len - 5, ".part") == 0) ||
           (len > 4 && strcmp(n + len - 4, ".tmp") == 0);
}

/* A name in sub/ that is free: NAME, else NAME.1, NAME.2 ... */
static void free_name(const char *dir, const char *sub, const char *name,
                      char *out, size_t size)
{
    struct stat st;
    int i;

    snprintf(out, size, "%s/%s/%s", dir, sub, name);
    for (i = 1; i < 10000 && lstat(out, &st) == 0; i++)
        snprintf(out, size, "%s/%s/%s.%d", dir, sub, name, i);
}

static void write_summary(const char *path, const char *text, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    if (fd < 0)
        return;
    while (n) {
        ssize_t w = write(fd, text, n);

        if (w <= 0)
            break;
        text += w;
        n -= (size_t)w;
    }
    fsync(fd);
    close(fd);
}

static void take_file(struct watch *w, const char *name)
{
    struct intake_load_file f;
    struct intake_load_summary s;
    struct intake_load_opts lo;
    struct intake_ledger *L;
    struct ff_err e;
    struct ff_buf b;
    struct stat st;
    char path[1200], dest[1400], txt[1500], now[32], buf[1200];
    int rc;

    snprintf(path, sizeof path, "%s/%s", w->o->dir, name);
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    ff_err_clear(&e);
    memset(&f, 0, sizeof f);
    memset(&s, 0, sizeof s);
    f.path = path;
    intake_now_iso(now);
    memset(&lo, 0, sizeof lo);
    lo.dialects = &w->ds;
    lo.payload = w->payload;
    lo.now = now;
    L = intake_ledger_open(w->o->ledger, 0, &e);
    rc = L ? intake_load_run(L, &f, 1, &lo, &s, &e) : e.code;
    intake_ledger_free(L);
    ff_buf_init(&b);
    if (rc == FF_OK && f.prior_load > 0) {
        ff_buf_addf(&b, "%s: already loaded (load %ld); nothing changed\n",
                    name, f.prior_load);
    } else if (rc == FF_OK) {
        intake_summary_file(&b, name, &f);
        intake_summary_load(&b, &s);
    } else {
        /* Name the file as it is in the folder, not by our path. */
        if (e.file[0])
            snprintf(e.file, sizeof e.file, "%s", name);
        ff_buf_addf(&b, "not loaded (nothing of it is in the ledger): %s\n",
                    ff_err_str(&e, buf, sizeof buf));
    }
    free_name(w->o->dir, rc == FF_OK ? "loaded" : "failed", name, dest,
              sizeof dest);
    /* The summary first, then the move: a file in loaded/ always has its
     * summary beside it. */
    snprintf(txt, sizeof txt, "%s.txt", dest);
    write_summary(txt, b.data, b.len);
    if (rename(path, dest) != 0)
        fprintf(stderr, "ffintake watch: %s: cannot move: %s\n", name,
                strerror(errno));
    /* Counts and positions only, as `ffintake load` prints. */
    fprintf(stdout, "%s", b.data);
    fflush(stdout);
    ff_buf_release(&b);
}

static void pend(struct watch *w, const char *name, long long due)
{
    struct pending *free_slot = NULL;
    int i;

    for (i = 0; i < MAX_PENDING; i++) {
        if (w->p[i].due_ms && strcmp(w->p[i].name, name) == 0) {
            w->p[i].due_ms = due;
            return;
        }
        if (!w->p[i].due_ms && free_slot == NULL)
            free_slot = &w->p[i];
    }
    if (free_slot == NULL) {
        take_file(w, name);     /* a flood: take it now */
        return;
    }
    snprintf(free_slot->name, sizeof free_slot->name, "%s", name);
    free_slot->due_ms = due;
}

static void touch(struct watch *w, const char *name, long long now)
{
    int i;

    for (i = 0; i < MAX_PENDING; i++)
        if (w->p[i].due_ms && strcmp(w->p[i].name, name) == 0)
            w->p[i].due_ms = now + w->settle_ms;
}

static int existing(struct watch *w)
{
    DIR *d = opendir(w->o->dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0, i;

    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL) {
        if (skipped_name(de->d_name))
            continue;
        {
            char **v = ff_grow(names, &cap, n + 1, sizeof *v, 16);

            if (v == NULL)
                break;
            names = v;
        }
        if ((names[n] = ff_strdup(de->d_name)) != NULL)
            n++;
    }
    closedir(d);
    /* In name order, so the load order does not depend on the disk. */
    for (i = 1; i < n; i++) {
        char *t = names[i];
        size_t j = i;

        while (j && strcmp(names[j - 1], t) > 0) {
            names[j] = names[j - 1];
            j--;
        }
        names[j] = t;
    }
    for (i = 0; i < n; i++) {
        take_file(w, names[i]);
        ff_free(names[i]);
    }
    ff_free(names);
    return 0;
}

int intake_watch_run(const struct intake_watch_opts *o, struct ff_err *e)
{
    struct watch w;
    char sub[1200];
    struct stat st;
    sigset_t sigs;
    int fd = -1, rc = FF_OK;
    const char *subs[2] = {"loaded", "failed"};
    int i;

    memset(&w, 0, sizeof w);
    w.o = o;
    w.settle_ms = o->settle_ms > 0 ? o->settle_ms : 500;
    if (stat(o->dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return ff_err_set(e, FF_EINPUT, o->dir, 0, 0, "not a folder");
    for (i = 0; i < 2; i++) {
        snprintf(sub, sizeof sub, "%s/%s", o->dir, subs[i]);
        if (mkdir(sub, 0700) != 0 && errno != EEXIST)
            return ff_err_sys(e, sub, "cannot make");
    }
    if ((rc = intake_loadcfg(o->dialects, o->qr_config, o->key, &w.ds,
                             &w.payload, e)))
        return rc;
    /* Watch first, then list: a file arriving in between is seen by both,
     * and the second look finds it gone (moved to loaded/). */
    fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (fd < 0 || inotify_add_watch(fd, o->dir, IN_CLOSE_WRITE |
                                                    IN_MOVED_TO |
                                                    IN_MODIFY) < 0) {
        rc = ff_err_sys(e, o->dir, "cannot watch");
        goto out;
    }
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigprocmask(SIG_BLOCK, &sigs, NULL);
    printf("watching %s\n", o->dir);
    fflush(stdout);
    existing(&w);
    if (o->once)
        goto out;
    for (;;) {
        struct pollfd pf = {fd, POLLIN, 0};
        long long now = mono_ms(), next = -1;
        struct timespec zero = {0, 0};
        siginfo_t si;
        int timeout = 1000;

        for (i = 0; i < MAX_PENDING; i++)
            if (w.p[i].due_ms && (next < 0 || w.p[i].due_ms < next))
                next = w.p[i].due_ms;
        if (next >= 0)
            timeout = next <= now ? 0 : (int)(next - now);
        if (timeout > 1000)
            timeout = 1000;
        if (poll(&pf, 1, timeout) < 0 && errno != EINTR) {
            rc = ff_err_sys(e, o->dir, "cannot wait for files");
            break;
        }
        if (sigtimedwait(&sigs, &si, &zero) >= 0)
            break;
        if (pf.revents & POLLIN) {
            char evbuf[16384]
                __attribute__((aligned(__alignof__(struct inotify_event))));
            ssize_t n;

            while ((n = read(fd, evbuf, sizeof evbuf)) > 0) {
                char *p = evbuf;

                now = mono_ms();
                while (p < evbuf + n) {
                    const struct inotify_event *ev =
                        (const struct inotify_event *)(void *)p;

                    if (ev->len && !skipped_name(ev->name)) {
                        if (ev->mask & IN_MOVED_TO)
                            pend(&w, ev->name, now);    /* whole: now */
                        else if (ev->mask & IN_CLOSE_WRITE)
                            pend(&w, ev->name, now + w.settle_ms);
                        else if (ev->mask & IN_MODIFY)
                            touch(&w, ev->name, now);
                    }
                    p += sizeof *ev + ev->len;
                }
            }
        }
        now = mono_ms();
        for (i = 0; i < MAX_PENDING; i++)
            if (w.p[i].due_ms && w.p[i].due_ms <= now) {
                w.p[i].due_ms = 0;
                take_file(&w, w.p[i].name);
            }
    }
out:
    if (fd >= 0)
        close(fd);
    ff_payload_cfg_free(w.payload);
    intake_dialects_release(&w.ds);
    return rc;
}
