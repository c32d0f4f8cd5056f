/*
 * folders.c - the `ffgen folders` job: for each selected household, one PDF
 * with its Family Folder, plan form and results form, every page carrying
 * the household's QR code.
 *
 * Workload: up to tens of thousands of households.  Each worker thread owns
 * one ff_pdf (fonts parsed once per worker) and reuses it for every
 * household; templates, the payload config and the register are shared
 * read-only.  File names come from validated codes only.
 */
#include "folders.h"

#include "jobs.h"
#include "render.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "outfile.h"
#include "paths.h"
#include "thai.h"

int gen_district_dirs(const char *out_dir,
                      const struct ff_household *const *hh, size_t n,
                      struct ff_err *e)
{
    size_t i;
    int rc;

    if ((rc = ff_mkdirs(out_dir, e)) != FF_OK)
        return rc;
    /* Once per district, not once per household (hh is mostly in code
     * order; a district met again is made again, harmlessly). */
    for (i = 0; i < n; i++) {
        char dir[1024];

        if (i > 0 &&
            strcmp(hh[i]->district_code, hh[i - 1]->district_code) == 0)
            continue;
        snprintf(dir, sizeof dir, "%s/%s", out_dir, hh[i]->district_code);
        if ((rc = ff_mkdirs(dir, e)) != FF_OK)
            return rc;
        ff_outfile_sweep(dir);
    }
    return FF_OK;
}

struct job {
    const struct gen_folders_opts *o;
    const struct ff_household *const *hh;
    struct gen_docset docs;
    int year, month, day;
};

/*
 * A folders worker: its PDF writer and the group its finished files wait in
 * to be committed together (outfile.h).  GROUP_FILES per commit: measured
 * on 10,000 households, per-file commits were ~35% of the run.
 */
#define GROUP_FILES 32

struct worker {
    struct ff_pdf *pdf;
    struct ff_outgroup *group;
    struct gen_rcache *rcache;
};

static void worker_free(void *w)
{
    struct worker *k = w;

    if (k == NULL)
        return;
    ff_outgroup_free(k->group);
    gen_rcache_free(k->rcache);
    ff_pdf_free(k->pdf);
    ff_free(k);
}

static void *worker_new(void *shared, struct ff_err *e)
{
    struct worker *k = ff_calloc(1, sizeof *k);

    (void)shared;
    if (k == NULL) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        return NULL;
    }
    if ((k->pdf = ff_pdf_new(NULL, e)) == NULL ||
        (k->group = ff_outgroup_new(GROUP_FILES, e)) == NULL) {
        worker_free(k);
        return NULL;
    }
    if ((k->rcache = gen_rcache_new()) == NULL) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        worker_free(k);
        return NULL;
    }
    return k;
}

static int worker_finish(void *w, struct ff_err *e)
{
    return ff_outgroup_commit(((struct worker *)w)->group, e);
}

static int worker_run(void *shared, void *w, size_t i, struct ff_err *e)
{
    const struct job *j = shared;
    const struct ff_household *h = j->hh[i];
    struct worker *k = w;
    struct ff_pdf *pdf = k->pdf;
    struct gen_vars v;
    char path[1100];
    int rc;

    memset(&v, 0, sizeof v);
    v.h = h;
    v.year = j->year;
    v.month = j->month;
    v.day = j->day;
    v.threshold = j->o->threshold;
    v.packet = "";
    v.warn = j->o->warn;
    v.warn_ctx = j->o->warn_ctx;
    v.rcache = k->rcache;
    snprintf(path, sizeof path, "%s/%s/%s.pdf", j->o->out_dir,
             h->district_code, h->code);
    if ((rc = ff_pdf_begin(pdf, e)) == FF_OK &&
        (rc = ff_pdf_set_title(pdf, "Family Folder", e)) == FF_OK &&
        (rc = gen_docset_household(&j->docs, pdf, &v, j->o->payload, NULL,
                                   e)) == FF_OK)
        rc = ff_pdf_save_to(pdf, path, k->group, e);
    return rc;
}

int gen_folders_run(const struct gen_folders_opts *o,
                    const struct ff_household *const *hh, size_t n,
                    struct ff_err *e)
{
    struct job j;
    struct gen_jobs pool;
    int rc;

    memset(&j, 0, sizeof j);
    j.o = o;
    j.hh = hh;
    ff_today_bangkok(&j.year, &j.month, &j.day);
    if (gen_docset_load(&j.docs, o->docs, e))
        return e->code;
    if ((rc = gen_district_dirs(o->out_dir, hh, n, e)) != FF_OK)
        goto out;
    memset(&pool, 0, sizeof pool);
    /* Each household is its own file, made durable before it is renamed
     * into place, GROUP_FILES at a time; two workers per core keep the
     * cores busy while others wait for the disk at a group commit. */
    pool.workers = o->jobs > 0 ? o->jobs : 2 * gen_jobs_cpus();
    pool.shared = &j;
    pool.init = worker_new;
    pool.run = worker_run;
    pool.finish = worker_finish;
    pool.fini = worker_free;
    pool.progress = o->progress;
    pool.progress_ctx = o->progress_ctx;
    rc = gen_jobs_run(&pool, n, e);
out:
    gen_docset_release(&j.docs);
    return rc;
}
