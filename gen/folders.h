/*
 * folders.h - per-household documents: the Family Folder, the plan form and
 * the results form, one PDF per household, on all cores.
 */
#ifndef GEN_FOLDERS_H
#define GEN_FOLDERS_H

#include <stddef.h>

#include "err.h"
#include "hhid.h"
#include "pdf.h"
#include "qr.h"
#include "register.h"
#include "template.h"
#include "vars.h"

enum gen_doc {
    GEN_DOC_FOLDER = 1 << 0,
    GEN_DOC_PLAN = 1 << 1,
    GEN_DOC_RESULTS = 1 << 2,
    GEN_DOC_ALL = 7
};

/* The document templates of one run, in printing order. */
struct gen_docset {
    struct gen_template *t[3];
    size_t n;
    int pages;                  /* pages per household, all documents */
};

/* Parse "folder", "plan", "results" or "all" into a bit set; -1 if bad. */
int gen_doc_parse(const char *s);

/* Load the templates of the selected documents from the template dir. */
int gen_docset_load(struct gen_docset *d, unsigned docs, struct ff_err *e);
void gen_docset_release(struct gen_docset *d);

/*
 * Render every document of d for one household into the current document
 * of pdf; v->page/pages are set here.  starts (may be NULL) receives the
 * 0-based page where each of the d->n documents begins (for outlines).
 */
int gen_docset_render(const struct gen_docset *d, struct ff_pdf *pdf,
                      struct gen_vars *v, const struct ff_qr *qr,
                      int *starts, struct ff_err *e);

/*
 * The pages d would draw for v->h (a table that continues takes more than
 * the templates' pages), without drawing, into *pages.
 */
int gen_docset_pages(const struct gen_docset *d, struct ff_pdf *pdf,
                     struct gen_vars *v, int *pages, struct ff_err *e);

/*
 * Everything of one household: its QR encoded from cfg (v->token points to
 * the token during the call, NULL after) and every document of d rendered
 * as gen_docset_render does.
 */
int gen_docset_household(const struct gen_docset *d, struct ff_pdf *pdf,
                         struct gen_vars *v, const struct ff_payload_cfg *cfg,
                         int *starts, struct ff_err *e);

/* gen_jobs hooks for workers that each own one ff_pdf (fonts loaded once
 * per worker): init makes it, fini frees it. */
/*
 * Make out_dir/<district code>/ for every district of hh[0..n), each
 * cleared of the temporary files an interrupted run left there
 * (ff_outfile_sweep): the layout of folders and QR PNGs.
 */
int gen_district_dirs(const char *out_dir,
                      const struct ff_household *const *hh, size_t n,
                      struct ff_err *e);

void *gen_pdf_worker_new(void *shared, struct ff_err *e);
void gen_pdf_worker_free(void *w);

/* QR for one household: payload from the config, encoded. Caller frees. */
struct ff_qr *gen_household_qr(const struct ff_payload_cfg *cfg,
                               const char *code, char *token,
                               size_t token_size, struct ff_err *e);

struct gen_folders_opts {
    const char *out_dir;
    unsigned docs;                  /* enum gen_doc bits */
    int jobs;                       /* <= 0: one per CPU */
    double threshold;
    const struct ff_payload_cfg *payload;
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
    /* Text cut to fit its box is reported here (vars.h); may be NULL. */
    void (*warn)(void *ctx, const char *msg);
    void *warn_ctx;
};

/*
 * Write OUT/<district code>/<household code>.pdf for each household.  Each
 * file is written under a temporary name and renamed when complete.
 */
int gen_folders_run(const struct gen_folders_opts *o,
                    const struct ff_household *const *hh, size_t n,
                    struct ff_err *e);


#endif
