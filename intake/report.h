/*
 * report.h - reconciliation of a month and indicator 4, and the export of
 * the accepted ledger rows.
 *
 * Reconciliation (rules in intake/README.md): for each district of the
 * latest register snapshot, households expected (status 1), on time, late,
 * missing, records rejected, and indicator 4 cumulated up to the month.
 * Written as reconciliation.csv, reconciliation.xlsx and (when built with
 * the PDF module) reconciliation.pdf in one directory.
 */
#ifndef INTAKE_REPORT_H
#define INTAKE_REPORT_H

#include "err.h"
#include "ledger.h"

struct intake_report_opts {
    const char *month;          /* "YYYY-MM" CE */
    const char *dir;            /* output directory (must exist) */
    double threshold;           /* <= 0: the snapshot's */
    int no_pdf;                 /* skip reconciliation.pdf (and remove
                                   an earlier report's) */
    int group_read;             /* files 0640 instead of 0600 */
};

/* Totals for the caller's summary line. */
struct intake_report_totals {
    long districts, expected, on_time, late, missing, rejected, developed,
        below;
    double threshold;
};

int intake_report_run(struct intake_ledger *L,
                      const struct intake_report_opts *o,
                      struct intake_report_totals *t, struct ff_err *e);

/* Write the accepted rows of month (CE "YYYY-MM") as CSV with BOM; *rows
 * (may be NULL) gets their number.  With redact, phone numbers and citizen
 * IDs typed into free text are masked (redact.h). */
int intake_export_run(struct intake_ledger *L, const char *month,
                      const char *path, int redact, int mode, long *rows,
                      struct ff_err *e);

/*
 * The reconciliation of month (CE "YYYY-MM") in memory, as the report
 * files show it (struct intake_rep in report_pdf.h): for pages that show it
 * without writing files.  threshold <= 0: the snapshot's.  Release with
 * intake_report_release() after FF_OK (nothing to release on error).
 */
struct intake_rep;
int intake_report_build(struct intake_ledger *L, const char *month,
                        double threshold, struct intake_rep *r,
                        struct ff_err *e);
void intake_report_release(struct intake_rep *r);

#endif
