/*
 * folders.h - per-household documents: the Family Folder, the plan form and
 * the results form, one PDF per household, on all cores.
 */
#ifndef GEN_FOLDERS_H
#define GEN_FOLDERS_H

#include <stddef.h>

#include "docset.h"
#include "err.h"
#include "register.h"

/*
 * Make out_dir/<district code>/ for every district of hh[0..n), each
 * cleared of the temporary files an interrupted run left there
 * (ff_outfile_sweep): the layout of folders and QR PNGs.
 */
int gen_district_dirs(const char *out_dir,
                      const struct ff_household *const *hh, size_t n,
                      struct ff_err *e);

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
