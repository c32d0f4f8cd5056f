/*
 * docset.h - what the per-household jobs share (folders, packets, labels):
 * the document templates of a run, rendering them for one household, its
 * QR code, and the per-worker ff_pdf hooks.
 */
#ifndef GEN_DOCSET_H
#define GEN_DOCSET_H

#include <stddef.h>

#include "err.h"
#include "hhid.h"
#include "pdf.h"
#include "qr.h"
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
void *gen_pdf_worker_new(void *shared, struct ff_err *e);
void gen_pdf_worker_free(void *w);

/* QR for one household: payload from the config, encoded. Caller frees. */
struct ff_qr *gen_household_qr(const struct ff_payload_cfg *cfg,
                               const char *code, char *token,
                               size_t token_size, struct ff_err *e);

#endif
