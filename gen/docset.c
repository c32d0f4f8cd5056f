/*
 * docset.c - what every per-household job shares (folders, packets,
 * labels): the document templates of a run and rendering them for one
 * household, the household's QR code, and the per-worker ff_pdf hooks.
 */
#include "docset.h"

#include <string.h>

#include "paths.h"
#include "render.h"

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

