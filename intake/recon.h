/*
 * recon.h - the reconciliation of a month, in memory: what every writer of
 * it shows (reconciliation.csv and .xlsx in report.c, the PDF in
 * report_pdf.c, the staff pages in web.c), built once here from the ledger.
 *
 * Rules (intake/README.md): for each district of the latest register
 * snapshot, households expected (status 1), on time, late, missing, records
 * rejected, indicator 4 cumulated up to the month, and the 4T factors the
 * month's accepted reports name.  The households a writer lists by name
 * (expected and missing, or late) come with their names and addresses;
 * every other household is kept as a few numbers only, so a national
 * register of a million households costs tens of megabytes, not hundreds.
 */
#ifndef INTAKE_RECON_H
#define INTAKE_RECON_H

#include <stddef.h>

#include "err.h"
#include "ledger.h"

/* An expected household the month's reconciliation lists by name. */
struct intake_rlisted {
    char code[12];
    char district_code[5];
    int village_no;
    int missing;                /* no valid record for the month */
    int late;                   /* its earliest valid record is late */
    char *district, *subdistrict, *village_name, *house_no, *head;
};

struct intake_rdistrict {
    char code[8];
    char name[192];
    long expected, on_time, late, missing, rejected, developed, below;
    /* Expected households whose accepted report of the month names 4T
     * factor c (1..4): a report naming two counts in both. */
    long factor[5];
};

struct intake_rhh;              /* one household as numbers (recon.c) */

struct intake_rep {
    char month[8];              /* CE "YYYY-MM" */
    long long deadline;         /* UTC seconds */
    double threshold;
    int survey_year;
    char province[128];
    struct intake_rdistrict *d; /* by code */
    size_t nd, capd;
    struct intake_rdistrict total;
    struct intake_rlisted *listed;  /* by household code */
    size_t nlisted, caplisted;
    struct intake_rhh *hh;      /* every household, by code (recon.c) */
    size_t nhh, caphh;
    int income_tie;             /* a month met twice by INTAKE_FACT_INCOME */
};

/*
 * Build the reconciliation of month (CE "YYYY-MM") from the latest register
 * snapshot.  threshold <= 0: the snapshot's.  Release with
 * intake_recon_release() after FF_OK (nothing to release on error).
 */
int intake_recon_build(struct intake_ledger *L, const char *month,
                       double threshold, struct intake_rep *r,
                       struct ff_err *e);
void intake_recon_release(struct intake_rep *r);

/* CE "YYYY-MM" as the BE "YYYY-MM" users type (2025-02 -> 2568-02) into
 * out; returns out. */
const char *intake_month_be(const char *month_ce, char out[8]);

/* part/whole in percent, 0 when whole is 0. */
double intake_rep_pct(long part, long whole);

#endif
