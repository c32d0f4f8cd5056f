/*
 * test_register_import.c - ffintake register's import (issue 12): the
 * register is streamed into the ledger snapshot, never held whole, and what
 * is stored is what ff_register_load() reads; a refused file stores
 * nothing; re-registering the current file changes nothing; a file stored
 * before becomes current again.  Temporary files go to a fresh directory
 * under $TMPDIR or /tmp.
 */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#include "alloc.h"
#include "register.h"
#include "../intake/ledger.h"
#include "../intake/regimport.h"

#define HDR "รหัสบ้าน,จังหวัด,อำเภอ,ตำบล,หมู่ที่,ชื่อหมู่บ้าน,บ้านเลขที่," \
            "คำนำหน้า,ชื่อ,นามสกุล,เลขประจำตัวประชาชน,จำนวนสมาชิก," \
            "รายได้เฉลี่ย (บาท/คน/ปี),ตัวชี้วัดที่ไม่ผ่าน,สถานะ,โทรศัพท์\n"

static char tmpdir[512];

/*
 * n households with codes 2401 + a running number; every dup_every-th row
 * (when dup_every > 0) repeats the code of the row above it with house
 * number "dup" (it must never be stored).
 */
static void write_register(const char *path, int n, int dup_every)
{
    FILE *f = fopen(path, "w");
    int i;

    CHECK(f != NULL);
    if (f == NULL)
        return;
    fputs(HDR, f);
    for (i = 0; i < n; i++) {
        int dup = dup_every && i % dup_every == dup_every - 1;

        fprintf(f, "2401%07d,ฉะเชิงเทรา,เมืองฉะเชิงเทรา,หน้าเมือง,5,"
                   "บ้านแหลม,%s%d,นาย,อภิเดช,ลำน้อย,,4,13048,,1,\n",
                dup ? i - 1 : i, dup ? "dup" : "", i);
    }
    CHECK(fclose(f) == 0);
}

struct compare {
    const struct ff_register *whole;
    long seen, wrong;
};

/* A stored household against the same code in ff_register_load's. */
static int compare_fn(void *ctx, const struct intake_household *x)
{
    struct compare *c = ctx;
    const struct ff_household *h = ff_register_find(c->whole, x->code);
    char head[512];

    c->seen++;
    if (h == NULL || strcmp(x->province, h->province) ||
        strcmp(x->district_code, h->district_code) ||
        strcmp(x->district, h->district) ||
        strcmp(x->subdistrict, h->subdistrict) ||
        x->village_no != h->village_no ||
        strcmp(x->village_name, h->village_name) ||
        strcmp(x->house_no, h->house_no) ||
        strcmp(x->head, ff_household_head(h, head, sizeof head)) ||
        x->members != h->members || x->income != h->income ||
        x->status != h->status)
        c->wrong++;
    return FF_OK;
}

/* The snapshot holds exactly the households ff_register_load() reads. */
static void check_stored(struct intake_ledger *L, long snapshot,
                         const char *path)
{
    struct compare c = {NULL, 0, 0};
    struct ff_register *w;
    struct ff_err e;

    ff_err_clear(&e);
    w = ff_register_load(path, NULL, &e);
    CHECK(w != NULL);
    if (w == NULL)
        return;
    c.whole = w;
    CHECK_INT(intake_ledger_each_household(L, snapshot, compare_fn, &c, &e),
              FF_OK);
    CHECK_INT(c.seen, (long)w->n);
    CHECK_INT(c.wrong, 0);
    ff_register_free(w);
}

static long latest(struct intake_ledger *L)
{
    struct intake_snapshot s;
    struct ff_err e;

    CHECK_INT(intake_ledger_snapshot_latest(L, &s, &e), FF_OK);
    return s.id;
}

static int import(struct intake_ledger *L, const char *path,
                  struct intake_register_result *res, struct ff_register **r,
                  struct ff_err *e)
{
    ff_err_clear(e);
    return intake_register_import(L, path, NULL, 2567, 38000,
                                  "2025-01-01T00:00:00Z", r, res, e);
}

int main(void)
{
    char db[600], dups[600], mostly[600], empty[600];
    struct intake_register_result res;
    struct intake_ledger *L;
    struct ff_register *r = NULL;
    struct intake_snapshot s;
    struct ff_err e;
    const char *sample = "tests/data/households.csv";

    if (check_tmpdir(tmpdir, sizeof tmpdir, "regimport"))
        return 1;
    snprintf(db, sizeof db, "%s/l.db", tmpdir);
    snprintf(dups, sizeof dups, "%s/dups.csv", tmpdir);
    snprintf(mostly, sizeof mostly, "%s/mostly.csv", tmpdir);
    snprintf(empty, sizeof empty, "%s/empty.csv", tmpdir);
    write_register(dups, 200, 20);      /* 10 duplicates: 5 %, stored */
    write_register(mostly, 40, 2);      /* 20 duplicates: 50 %, refused */
    write_register(empty, 0, 0);

    L = intake_ledger_open(db, 1, &e);
    CHECK(L != NULL);
    if (L == NULL)
        return check_done("test_register_import");

    /* The sample: stored as ff_register_load reads it; the register handed
     * back has the counts, not the households. */
    CHECK_INT(import(L, sample, &res, &r, &e), FF_OK);
    CHECK(r != NULL && r->hh == NULL && r->n == 300 && r->nbad == 0);
    CHECK_INT(res.snapshot, 1);
    CHECK_INT(res.households, 300);
    CHECK(!res.already && !res.restored);
    ff_register_free(r);
    check_stored(L, 1, sample);
    CHECK_INT(intake_ledger_snapshot_latest(L, &s, &e), FF_OK);
    CHECK_INT(s.households, 300);

    /* Current already: nothing changes. */
    CHECK_INT(import(L, sample, &res, &r, &e), FF_OK);
    CHECK(res.already && res.snapshot == 1 && r && r->n == 300);
    ff_register_free(r);
    CHECK_INT(latest(L), 1);

    /* Mostly rejected, or empty: refused, nothing stored, the sample stays
     * current (and the snapshot id is not used up). */
    CHECK_INT(import(L, mostly, &res, &r, &e), FF_EINPUT);
    CHECK(strstr(e.msg, "refused: 20 of 40 rows were rejected") != NULL);
    CHECK(r != NULL && r->n == 20 && r->nbad == 20 &&
          r->rejected_by[FF_REJECT_DUPLICATE] == 20);
    ff_register_free(r);
    CHECK_INT(latest(L), 1);
    CHECK_INT(import(L, empty, &res, &r, &e), FF_EINPUT);
    CHECK(strstr(e.msg, "refused: no household could be read") != NULL);
    ff_register_free(r);
    CHECK_INT(latest(L), 1);
    check_stored(L, 1, sample);

    /* Duplicates: the first row with a code is stored, the later ones are
     * rejected with the first one's line. */
    CHECK_INT(import(L, dups, &res, &r, &e), FF_OK);
    CHECK_INT(res.snapshot, 2);
    CHECK_INT(res.households, 190);
    CHECK_INT(res.bad_rows, 10);
    if (r && r->nbad == 10) {
        char msg[600];

        CHECK(strstr(ff_err_str(&r->bad[0], msg, sizeof msg),
                     "dups.csv:21:1: duplicate household code (first on "
                     "line 20)") != NULL);
    }
    ff_register_free(r);
    check_stored(L, 2, dups);   /* no house number "dup..." among them */
    CHECK_INT(intake_ledger_snapshot_latest(L, &s, &e), FF_OK);
    CHECK_INT(s.households, 190);

    /* Stored before, not current: current again, as a new snapshot. */
    CHECK_INT(import(L, sample, &res, &r, &e), FF_OK);
    CHECK(!res.already && res.restored == 1 && res.snapshot == 3);
    ff_register_free(r);
    check_stored(L, 3, sample);
    CHECK_INT(latest(L), 3);

    /* Out of memory anywhere, the last allocations (after every household
     * was stored) included: an error and nothing stored, never a
     * half-stored snapshot. */
    {
        char db2[600];
        struct intake_ledger *L2;
        long total = 0, i, step = 53;
        int rc = FF_ESYS;

        snprintf(db2, sizeof db2, "%s/l2.db", tmpdir);
        L2 = intake_ledger_open(db2, 1, &e);
        CHECK(L2 != NULL);
        if (L2) {
            total = ff_alloc_count();
            CHECK_INT(import(L2, dups, &res, &r, &e), FF_OK);
            total = ff_alloc_count() - total;
            ff_register_free(r);
            intake_ledger_free(L2);
        }
        unlink(db2);
        for (i = 1; rc != FF_OK && i < total + 10;
             i += i < total - 60 ? step : 1) {
            r = NULL;
            ff_alloc_fail_after(i);
            rc = import(L, dups, &res, &r, &e);
            ff_alloc_fail_after(0);
            ff_register_free(r);
            CHECK(rc == FF_OK || rc == FF_ESYS);
            if (rc != FF_OK)
                CHECK_INT(latest(L), 3);
        }
        CHECK_INT(rc, FF_OK);
        CHECK_INT(res.households, 190);
        CHECK_INT(res.snapshot, 4);
        check_stored(L, 3, sample);
        check_stored(L, 4, dups);
    }

    intake_ledger_free(L);
    unlink(dups);
    unlink(mostly);
    unlink(empty);
    unlink(db);
    {
        char p[700];

        snprintf(p, sizeof p, "%s-wal", db);
        unlink(p);
        snprintf(p, sizeof p, "%s-shm", db);
        unlink(p);
    }
    {
        char p[700];

        snprintf(p, sizeof p, "%s/l2.db-wal", tmpdir);
        unlink(p);
        snprintf(p, sizeof p, "%s/l2.db-shm", tmpdir);
        unlink(p);
    }
    rmdir(tmpdir);
    return check_done("test_register_import");
}
