/*
 * packet.h - field packets: one print-ready PDF per village, subdistrict or
 * district, with a cover sheet, every household's documents in walking
 * order, each household starting on an odd page (duplex-safe), a footer on
 * every page and an outline group -> household -> document.
 */
#ifndef GEN_PACKET_H
#define GEN_PACKET_H

#include <stddef.h>

#include "err.h"
#include "docset.h"

enum gen_group { GEN_BY_VILLAGE, GEN_BY_SUBDISTRICT, GEN_BY_DISTRICT };

/* "village", "subdistrict", "district" -> enum gen_group, or -1. */
int gen_group_parse(const char *s);

struct gen_packet_opts {
    const char *out_dir;
    int by;                         /* enum gen_group */
    unsigned docs;                  /* enum gen_doc bits */
    int jobs;
    double threshold;
    const struct ff_payload_cfg *payload;
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
    /* Text cut to fit its box is reported here (vars.h); may be NULL. */
    void (*warn)(void *ctx, const char *msg);
    void *warn_ctx;
};

/* A group of households, consecutive in walking order. */
struct gen_group_span {
    size_t first, n;
    char code[12];                  /* district 4, subdistrict 6, village
                                       8-10 digits (ff_household) */
    char file[512];                 /* "<code>-<safe name>.pdf" */
    char name[512];                 /* the packet name printed in footers */
};

/*
 * Split households (in walking order) into groups; caller frees *groups
 * with ff_free.
 */
int gen_packet_groups(const struct ff_household *const *hh, size_t n, int by,
                      struct gen_group_span **groups, size_t *ngroups,
                      struct ff_err *e);

/* Write one packet PDF per group; returns the number written in *written. */
int gen_packet_run(const struct gen_packet_opts *o,
                   const struct ff_household *const *hh, size_t n,
                   size_t *written, struct ff_err *e);

/*
 * Make s safe as a file name on every common file system (ext4, NTFS,
 * FAT32 via Windows, macOS): / \ : * ? " < > | and control characters
 * become '_', spaces '_', no leading dot, at most max_bytes bytes cut at a
 * UTF-8 boundary.  Returns out.
 */
const char *gen_safe_name(const char *s, char *out, size_t max_bytes);

#endif
