/*
 * regimport.c - store a household register as the ledger's current
 * snapshot (see regimport.h).
 *
 * One transaction per import: the snapshot row and every household go in
 * together or not at all, so a load never sees half a register.
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

int intake_register_import(struct intake_ledger *L, const char *path,
                           const char *map_path, int survey_year,
                           double threshold, const char *now,
                           struct ff_register **regp,
                           struct intake_register_result *res,
                           struct ff_err *e)
{
    struct intake_snapshot snap;
    struct ff_register *reg = NULL;
    char sha[65];
    size_t i;
    int rc;

    memset(res, 0, sizeof *res);
    *regp = NULL;
    if ((rc = intake_sha256_file(path, sha, NULL, e)))
        return rc;
    reg = ff_register_load(path, map_path, e);
    if (reg == NULL)
        return e->code;
    *regp = reg;
    res->households = (long)reg->n;
    res->bad_rows = (long)reg->nbad;
    /* An empty or mostly-rejected file never becomes the current snapshot:
     * every later load would be rejected as unknown_hhid. */
    if ((rc = ff_register_check_usable(reg, e)))
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
        if (cur.id == snap.id) {
            res->already = 1;
            intake_ledger_rollback(L);
            return FF_OK;
        }
        /* Stored before, but another file is current: registering it
         * again makes it current, as a new snapshot of the same bytes. */
        res->restored = snap.id;
    }
    memset(&snap, 0, sizeof snap);
    snprintf(snap.file, sizeof snap.file, "%s", basename_of(path));
    memcpy(snap.sha256, sha, 65);
    snprintf(snap.loaded_at, sizeof snap.loaded_at, "%s", now);
    snap.survey_year = survey_year;
    snap.threshold = threshold;
    snap.households = (long)reg->n;
    if ((rc = intake_ledger_snapshot_add(L, &snap, e)))
        goto out;
    for (i = 0; i < reg->n; i++) {
        const struct ff_household *h = &reg->hh[i];
        struct intake_household x;
        char head[512];

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
        if ((rc = intake_ledger_household_add(L, snap.id, &x, e)))
            goto out;
    }
    res->snapshot = snap.id;
    rc = intake_ledger_commit(L, e);
out:
    if (rc)
        intake_ledger_rollback(L);
    return rc;
}
