/*
 * labels.h - QR sticker sheets: per label the household's QR (the same
 * payload as the folders), its code in large digits, head's name and
 * village, laid out on the sticker paper chosen from templates/labels.tpl.
 */
#ifndef GEN_LABELS_H
#define GEN_LABELS_H

#include <stddef.h>

#include "err.h"
#include "hhid.h"
#include "register.h"
#include "template.h"

struct gen_labels_opts {
    const char *out_path;           /* one PDF */
    const char *layout;             /* sheet name, NULL: the first */
    int cut_marks;
    const struct ff_payload_cfg *payload;
    /* Text cut to fit its box is reported here (vars.h); may be NULL. */
    void (*warn)(void *ctx, const char *msg);
    void *warn_ctx;
};

/* The sheet called name (NULL: the first) of t, or NULL. */
const struct tpl_sheet *gen_labels_sheet(const struct gen_template *t,
                                         const char *name);

int gen_labels_run(const struct gen_labels_opts *o,
                   const struct ff_household *const *hh, size_t n,
                   struct ff_err *e);

#endif
