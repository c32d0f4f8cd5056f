/*
 * regimport.c - store a household register as the ledger's current
 * snapshot (see regimport.h).
 *
 * One transaction per import: the snapshot row and every household go in
 * together or not at all, so a load never sees half a register.  The file
 * is read as a stream (ff_register_each): households go into the snapshot
 * as they are read, so memory stays flat in the size of the register.
 */
#include "regimport.h"

#include <stdio.h>
#include <string.h>

#include "register.h"
#include "sha256.h"

static const char *basename_of(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

/* Where intake_register_import's stream of households goes. */
struct register_sink {
    struct intake_ledger *L;
    long snapshot;          /* 0: only read (the file is current already) */
};

static int store_household(void *ctx, const struct ff_household *h,
                           struct ff_err *e)
{
    struct register_sink *k = ctx;
    struct intake_household x;
    char head[512];

    if (k->snapshot == 0)
        return FF_OK;
    x.code = h->code;
    x.province = h->province;
    x.district_code = h->district_code;
    x.district = h->district;
    x.subdistrict = h->subdistrict;
    x.village_no = h->village_no;
    x.village_name = h->village_name;
    x.house_no = h->house_no;
    x.head = ff_household_head(h, head, sizeof head);
    x.members = h->members;
    x.income = h->income;
    x.status = h->status;
    return intake_ledger_household_add(k->L, k->snapshot, &x, e);
}

/*
 * The register is read as a stream (issue 12: a national register of
 * 1,000,000 households took 375 MB held whole): each household goes into
 * the new snapshot as it is read, inside the one transaction, and whether
 * the file may become the current snapshot is decided at its end, by
 * rolling back when it may not.  *regp keeps the counts and rejected rows
 * for the summary, not the households.
 */
static int register_import_tx(struct intake_ledger *L, const char *path,
                              const char *map_path, int survey_year,
                              double threshold, const char *now,
                              struct ff_register **regp,
                              struct intake_register_result *res,
                              struct ff_err *e)
{
    struct intake_snapshot snap;
    struct register_sink sink;
    struct ff_register *reg;
    char sha[65];
    int rc, already = 0;

    memset(res, 0, sizeof *res);
    *regp = NULL;
    if ((rc = intake_sha256_file(path, sha, NULL, e)))
        return rc;
    if ((rc = intake_ledger_begin(L, e)))
        return rc;
    if ((rc = intake_ledger_snapshot_by_sha(L, sha, &snap, e)))
        goto out;
    if (snap.id) {
        struct intake_snapshot cur;

        if ((rc = intake_ledger_snapshot_latest(L, &cur, e)))
            goto out;
        res->snapshot = snap.id;
        /* Current already: read for the summary and checks, store
         * nothing.  Stored before, but another file is current:
         * registering it again makes it current, as a new snapshot of
         * the same bytes. */
        if (cur.id == snap.id)
            already = 1;
        else
            res->restored = snap.id;
    }
    sink.L = L;
    sink.snapshot = 0;
    if (!already) {
        memset(&snap, 0, sizeof snap);
        snprintf(snap.file, sizeof snap.file, "%s", basename_of(path));
        memcpy(snap.sha256, sha, 65);
        snprintf(snap.loaded_at, sizeof snap.loaded_at, "%s", now);
        snap.survey_year = survey_year;
        snap.threshold = threshold;
        snap.households = 0;    /* counted at the end */
        if ((rc = intake_ledger_snapshot_add(L, &snap, e)))
            goto out;
        sink.snapshot = snap.id;
    }
    reg = ff_register_each(path, map_path, store_household, &sink, e);
    if (reg == NULL) {
        rc = e->code ? e->code : FF_EINTERNAL;
        goto out;
    }
    *regp = reg;
    res->households = (long)reg->n;
    res->bad_rows = (long)reg->nbad;
    /* An empty or mostly-rejected file never becomes the current snapshot:
     * every later load would be rejected as unknown_hhid. */
    if ((rc = ff_register_check_usable(reg, e)))
        goto out;
    if (already) {
        res->already = 1;
        intake_ledger_rollback(L);
        return FF_OK;
    }
    if ((rc = intake_ledger_snapshot_set_households(L, snap.id,
                                                    (long)reg->n, e)))
        goto out;
    res->snapshot = snap.id;
    rc = intake_ledger_commit(L, e);
out:
    if (rc)
        intake_ledger_rollback(L);
    return rc;
}

int intake_register_import(struct intake_ledger *L, const char *path,
                           const char *map_path, int survey_year,
                           double threshold, const char *now,
                           struct ff_register **regp,
                           struct intake_register_result *res,
                           struct ff_err *e)
{
    struct ff_err ignored;
    int rc;

    memset(res, 0, sizeof *res);
    *regp = NULL;
    if ((rc = intake_ledger_register_cache(L, 1, e)))
        return rc;
    rc = register_import_tx(L, path, map_path, survey_year, threshold, now,
                            regp, res, e);
    /* Only speed depends on the cache size: the result stands. */
    ff_err_clear(&ignored);
    (void)intake_ledger_register_cache(L, 0, &ignored);
    return rc;
}
