/*
 * recon.c - the reconciliation of a month, built from the ledger.
 *
 * Workload: a register snapshot of up to a million households and the
 * month's per-household facts (earliest valid submission, reported or not,
 * latest income, rejections, 4T factors) read as query results, so memory
 * does not grow with the ledger.  Two passes over the snapshot: the first
 * keeps every household as 32 bytes of numbers, the facts mark them, and
 * the second copies names and addresses only for the households the
 * writers list (expected and missing or late).  A province's register is a
 * few hundred kilobytes here; the nation's about 32 MB plus the listed.
 */
#include "recon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "rules.h"
#include "thai.h"

#define HH_EXPECTED 1u          /* status 1: the month expects a report */
#define HH_REPORTED 2u          /* a valid record for the month */
#define HH_LATE 4u              /* its earliest one is late */
#define HH_DEVELOPED 8u         /* a valid record up to the month */
#define HH_TIMED 16u            /* one for the month has a time */
#define HH_ON_TIME 32u          /* ... and one is by the deadline */

struct intake_rhh {
    double income;              /* the register's, or the latest reported */
    char code[12];
    char district_code[5];
    unsigned char flags;        /* HH_* */
    unsigned char factors;      /* 4T set of the month's accepted report */
    unsigned short income_month;    /* of income (year * 12 + month), or 0 */
};

static int hh_cmp(const void *a, const void *b)
{
    return strcmp(((const struct intake_rhh *)a)->code,
                  ((const struct intake_rhh *)b)->code);
}

static struct intake_rhh *find_hh(struct intake_rep *r, const char *code)
{
    struct intake_rhh key;
    size_t n = strnlen(code, sizeof key.code - 1);

    /* Once per valid record of the ledger: no snprintf. */
    memcpy(key.code, code, n);
    key.code[n] = '\0';
    return bsearch(&key, r->hh, r->nhh, sizeof *r->hh, hh_cmp);
}

static int district_cmp(const void *a, const void *b)
{
    return strcmp(((const struct intake_rdistrict *)a)->code,
                  ((const struct intake_rdistrict *)b)->code);
}

/* The district whose code is the first 4 bytes of code (r->d is sorted). */
static struct intake_rdistrict *find_district(struct intake_rep *r,
                                              const char *code)
{
    struct intake_rdistrict key;

    snprintf(key.code, sizeof key.code, "%.4s", code);
    return bsearch(&key, r->d, r->nd, sizeof *r->d, district_cmp);
}

/* Districts are few (under a thousand nationally): kept sorted by
 * insertion so every household finds its own by binary search. */
static int add_district(struct intake_rep *r, const char *code,
                        const char *name)
{
    struct intake_rdistrict *d;
    size_t lo = 0, hi = r->nd;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strncmp(r->d[mid].code, code, 4);

        if (c == 0)
            return FF_OK;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    d = ff_grow(r->d, &r->capd, r->nd + 1, sizeof *d, 32);
    if (d == NULL)
        return FF_ESYS;
    r->d = d;
    memmove(&r->d[lo + 1], &r->d[lo], (r->nd - lo) * sizeof *d);
    memset(&r->d[lo], 0, sizeof *d);
    snprintf(r->d[lo].code, sizeof r->d[lo].code, "%.4s", code);
    snprintf(r->d[lo].name, sizeof r->d[lo].name, "%s", name);
    r->nd++;
    return FF_OK;
}

static int take_household(void *ctx, const struct intake_household *h)
{
    struct intake_rep *r = ctx;
    struct intake_rhh *x = ff_grow(r->hh, &r->caphh, r->nhh + 1, sizeof *x,
                                   1024);

    if (x == NULL)
        return FF_ESYS;
    r->hh = x;
    x = &r->hh[r->nhh++];
    memset(x, 0, sizeof *x);
    snprintf(x->code, sizeof x->code, "%s", h->code);
    snprintf(x->district_code, sizeof x->district_code, "%s",
             h->district_code);
    x->income = h->income;
    x->flags = h->status == 1 ? HH_EXPECTED : 0;
    if (r->province[0] == '\0')
        snprintf(r->province, sizeof r->province, "%s", h->province);
    return add_district(r, x->district_code, h->district);
}

static int listed(const struct intake_rhh *x)
{
    return (x->flags & HH_EXPECTED) &&
           (!(x->flags & HH_REPORTED) || (x->flags & HH_LATE));
}

/* Second pass: names and addresses of the listed households only.  The
 * snapshot comes in code order both times, so a cursor follows it; the
 * search is for a snapshot that reads differently the second time, which
 * the read transaction rules out but costs nothing to survive. */
struct second {
    struct intake_rep *r;
    size_t k;
};

static int take_listed(void *ctx, const struct intake_household *h)
{
    struct second *s = ctx;
    struct intake_rep *r = s->r;
    struct intake_rhh *x = NULL;
    struct intake_rlisted *l;

    if (s->k < r->nhh && strcmp(r->hh[s->k].code, h->code) == 0)
        x = &r->hh[s->k++];
    else
        x = find_hh(r, h->code);
    if (x == NULL || !listed(x))
        return FF_OK;
    l = ff_grow(r->listed, &r->caplisted, r->nlisted + 1, sizeof *l, 256);
    if (l == NULL)
        return FF_ESYS;
    r->listed = l;
    l = &r->listed[r->nlisted];
    memset(l, 0, sizeof *l);
    snprintf(l->code, sizeof l->code, "%s", x->code);
    snprintf(l->district_code, sizeof l->district_code, "%s",
             x->district_code);
    l->village_no = h->village_no;
    l->missing = !(x->flags & HH_REPORTED);
    l->late = !l->missing && (x->flags & HH_LATE);
    r->nlisted++;       /* counted before the copies: release frees them */
    l->district = ff_strdup(h->district);
    l->subdistrict = ff_strdup(h->subdistrict);
    l->village_name = ff_strdup(h->village_name);
    l->house_no = ff_strdup(h->house_no);
    l->head = ff_strdup(h->head);
    if (!l->district || !l->subdistrict || !l->village_name ||
        !l->house_no || !l->head)
        return FF_ESYS;
    return FF_OK;
}

/* A valid record up to the month (INTAKE_FACT_VALID): the household has
 * developed; one of the month has reported, and is on time if a record
 * with a time is by the deadline (late_settle: its earliest is late). */
static int fact_valid(void *ctx, const char *hhid, long long n, double v)
{
    struct intake_rep *r = ctx;
    struct intake_rhh *h = find_hh(r, hhid);
    int kind = (int)v;

    if (h == NULL)
        return FF_OK;
    h->flags |= HH_DEVELOPED;
    if (kind & INTAKE_VALID_MONTH) {
        h->flags |= HH_REPORTED;
        if (!(kind & INTAKE_VALID_UNTIMED)) {
            h->flags |= HH_TIMED;
            if (n <= r->deadline)
                h->flags |= HH_ON_TIME;
        }
    }
    return FF_OK;
}

/* Late: the month's earliest record with a time is after the deadline,
 * that is, it has records with a time and none of them is on time. */
static void late_settle(struct intake_rep *r)
{
    size_t i;

    for (i = 0; i < r->nhh; i++)
        if ((r->hh[i].flags & (HH_TIMED | HH_ON_TIME)) == HH_TIMED)
            r->hh[i].flags |= HH_LATE;
}

/* INTAKE_FACT_INCOME: the income of the latest month wins.  Two records
 * of one month cannot both be accepted; if the ledger says otherwise, the
 * sorted fact decides instead (fact_income_sorted). */
static int fact_income(void *ctx, const char *hhid, long long n, double v)
{
    struct intake_rep *r = ctx;
    struct intake_rhh *h = find_hh(r, hhid);

    if (h == NULL)
        return FF_OK;
    if (n <= 0 || n > 65535 || n == h->income_month)
        r->income_tie = 1;
    else if (n > h->income_month) {
        h->income = v;
        h->income_month = (unsigned short)n;
    }
    return FF_OK;
}

static int fact_income_sorted(void *ctx, const char *hhid, long long n,
                              double v)
{
    struct intake_rhh *h = find_hh(ctx, hhid);

    (void)n;
    if (h)
        h->income = v;      /* rows come oldest first: the latest wins */
    return FF_OK;
}

/* Rejected records count against the district their code's first four
 * digits name, and always in the province row (rules in intake/README.md). */
static int fact_rejected(void *ctx, const char *hhid, long long n, double v)
{
    struct intake_rep *r = ctx;
    struct intake_rdistrict *d = strlen(hhid) >= 4 ? find_district(r, hhid)
                                                   : NULL;

    (void)v;
    if (d)
        d->rejected += (long)n;
    r->total.rejected += (long)n;
    return FF_OK;
}

/* The month's accepted report of a household names a set of factors:
 * each counts once in its own column (the set is stored as canonical
 * names separated by spaces, see intake_category_set_name). */
static int fact_factors(void *ctx, const char *hhid, const char *set)
{
    struct intake_rep *r = ctx;
    struct intake_rhh *h = find_hh(r, hhid);
    const char *p = set;
    int c;

    if (h == NULL || !(h->flags & HH_EXPECTED))
        return FF_OK;
    while (*p) {
        size_t n = strcspn(p, " ");

        for (c = 1; c <= 4; c++)
            if (strlen(intake_category_name(c)) == n &&
                memcmp(intake_category_name(c), p, n) == 0)
                h->factors |= (unsigned char)INTAKE_CAT_BIT(c);
        p += n;
        while (*p == ' ')
            p++;
    }
    return FF_OK;
}

static void count(struct intake_rep *r)
{
    size_t i;
    int c;

    for (i = 0; i < r->nhh; i++) {
        const struct intake_rhh *h = &r->hh[i];
        struct intake_rdistrict *d;

        if (!(h->flags & HH_EXPECTED))
            continue;
        d = find_district(r, h->district_code);
        d->expected++;
        if (!(h->flags & HH_REPORTED))
            d->missing++;
        else if (h->flags & HH_LATE)
            d->late++;
        else
            d->on_time++;
        d->developed += (h->flags & HH_DEVELOPED) != 0;
        d->below += h->income < r->threshold;
        for (c = 1; c <= 4; c++)
            d->factor[c] += (h->factors & INTAKE_CAT_BIT(c)) != 0;
    }
    for (i = 0; i < r->nd; i++) {
        const struct intake_rdistrict *d = &r->d[i];

        r->total.expected += d->expected;
        r->total.on_time += d->on_time;
        r->total.late += d->late;
        r->total.missing += d->missing;
        r->total.developed += d->developed;
        r->total.below += d->below;
        for (c = 1; c <= 4; c++)
            r->total.factor[c] += d->factor[c];
    }
    snprintf(r->total.code, sizeof r->total.code, "%.2s",
             r->nhh ? r->hh[0].code : "");
    snprintf(r->total.name, sizeof r->total.name, "รวมจังหวัด%s",
             r->province);
}

static int build(struct intake_ledger *L, const char *month,
                 double threshold, struct intake_rep *r, struct ff_err *e)
{
    struct intake_snapshot snap;
    struct second sec;
    int rc;

    memset(r, 0, sizeof *r);
    snprintf(r->month, sizeof r->month, "%s", month);
    r->deadline = intake_deadline_utc(month);
    if ((rc = intake_ledger_snapshot_latest(L, &snap, e)))
        return rc;
    if (snap.id == 0)
        return ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                          "the ledger has no household register yet");
    r->threshold = threshold > 0 ? threshold : snap.threshold;
    r->survey_year = snap.survey_year;
    rc = intake_ledger_each_household(L, snap.id, take_household, r, e);
    if (rc == FF_OK &&
        !((rc = intake_ledger_each_fact(L, INTAKE_FACT_VALID, month,
                                        fact_valid, r, e)) ||
          (rc = intake_ledger_each_fact(L, INTAKE_FACT_INCOME, month,
                                        fact_income, r, e)) ||
          (r->income_tie &&
           (rc = intake_ledger_each_fact(L, INTAKE_FACT_INCOME_SORTED,
                                         month, fact_income_sorted, r, e))) ||
          (rc = intake_ledger_each_fact(L, INTAKE_FACT_REJECTED, month,
                                        fact_rejected, r, e)) ||
          (rc = intake_ledger_each_factors(L, month, fact_factors, r, e)))) {
        late_settle(r);
        sec.r = r;
        sec.k = 0;
        rc = intake_ledger_each_household(L, snap.id, take_listed, &sec, e);
    }
    if (rc == FF_ESYS && e->code == FF_OK)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    if (rc)
        return rc;
    count(r);
    return FF_OK;
}

int intake_recon_build(struct intake_ledger *L, const char *month,
                       double threshold, struct intake_rep *r,
                       struct ff_err *e)
{
    int rc = build(L, month, threshold, r, e);

    if (rc)
        intake_recon_release(r);
    return rc;
}

void intake_recon_release(struct intake_rep *r)
{
    size_t i;

    for (i = 0; i < r->nlisted; i++) {
        struct intake_rlisted *l = &r->listed[i];

        ff_free(l->district);
        ff_free(l->subdistrict);
        ff_free(l->village_name);
        ff_free(l->house_no);
        ff_free(l->head);
    }
    ff_free(r->listed);
    ff_free(r->hh);
    ff_free(r->d);
    memset(r, 0, sizeof *r);
}

double intake_rep_pct(long part, long whole)
{
    return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

const char *intake_month_be(const char *month_ce, char out[8])
{
    int y = 0, i;

    /* "YYYY-MM", digits checked by the month parser. */
    for (i = 0; i < 4 && month_ce[i] >= '0' && month_ce[i] <= '9'; i++)
        y = y * 10 + (month_ce[i] - '0');
    snprintf(out, 8, "%04u-%.2s", (unsigned)(y + FF_BE_OFFSET) % 10000u,
             month_ce[4] == '-' ? month_ce + 5 : "00");
    return out;
}
