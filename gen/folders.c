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

static const char *const doc_files[3] = {
    "folder.tpl", "plan.tpl", "results.tpl"
};

int gen_doc_parse(const char *s)
{
    unsigned set = 0;

    if (s == NULL || *s == '\0')
        return -1;
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);

        if (n == 6 && memcmp(s, "folder", 6) == 0)
            set |= GEN_DOC_FOLDER;
        else if (n == 4 && memcmp(s, "plan", 4) == 0)
            set |= GEN_DOC_PLAN;
        else if (n == 7 && memcmp(s, "results", 7) == 0)
            set |= GEN_DOC_RESULTS;
        else if (n == 3 && memcmp(s, "all", 3) == 0)
            set |= GEN_DOC_ALL;
        else
            return -1;
        s += n + (comma ? 1 : 0);
    }
    return (int)set;
}

int gen_docset_load(struct gen_docset *d, unsigned docs, struct ff_err *e)
{
    char path[1024];
    size_t i;

    memset(d, 0, sizeof *d);
    for (i = 0; i < 3; i++) {
        if (!(docs & (1u << i)))
            continue;
        ff_template_path(doc_files[i], path, sizeof path);
        d->t[d->n] = gen_template_load(path, e);
        if (d->t[d->n] == NULL) {
            gen_docset_release(d);
            return e->code;
        }
        d->pages += (int)d->t[d->n]->npages;
        d->n++;
    }
    return FF_OK;
}

void gen_docset_release(struct gen_docset *d)
{
    size_t i;

    for (i = 0; i < d->n; i++)
        gen_template_free(d->t[i]);
    memset(d, 0, sizeof *d);
}

int gen_docset_render(const struct gen_docset *d, struct ff_pdf *pdf,
                      struct gen_vars *v, const struct ff_qr *qr,
                      int *starts, struct ff_err *e)
{
    size_t i;

    v->page = 1;
    if (v->pages < d->pages)
        v->pages = d->pages;
    for (i = 0; i < d->n; i++) {
        if (starts)
            starts[i] = ff_pdf_page_count(pdf);
        if (gen_render(pdf, d->t[i], v, qr, e))
            return e->code;
    }
    return FF_OK;
}

int gen_docset_pages(const struct gen_docset *d, struct ff_pdf *pdf,
                     struct gen_vars *v, int *pages, struct ff_err *e)
{
    size_t i;
    int n;

    *pages = 0;
    for (i = 0; i < d->n; i++) {
        if (gen_render_count(pdf, d->t[i], v, &n, e))
            return e->code;
        *pages += n;
    }
    return FF_OK;
}

struct ff_qr *gen_household_qr(const struct ff_payload_cfg *cfg,
                               const char *code, char *token,
                               size_t token_size, struct ff_err *e)
{
    char payload[1024];

    ff_payload_token(cfg, code, token, token_size);
    if (ff_payload_build(cfg, code, payload, sizeof payload, e))
        return NULL;
    return ff_qr_encode(payload, ff_payload_level(cfg),
                        ff_payload_max_version(cfg), e);
}

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

void *gen_pdf_worker_new(void *shared, struct ff_err *e)
{
    (void)shared;
    return ff_pdf_new(NULL, e);
}

void gen_pdf_worker_free(void *w)
{
    ff_pdf_free(w);
}

int gen_docset_household(const struct gen_docset *d, struct ff_pdf *pdf,
                         struct gen_vars *v, const struct ff_payload_cfg *cfg,
                         int *starts, struct ff_err *e)
{
    char token[128];
    struct ff_qr *qr = gen_household_qr(cfg, v->h->code, token, sizeof token,
                                        e);
    int rc;

    if (qr == NULL)
        return e->code;
    v->token = token;
    rc = gen_docset_render(d, pdf, v, qr, starts, e);
    v->token = NULL;
    ff_qr_free(qr);
    return rc;
}

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
