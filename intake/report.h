/*
 * report.h - the reconciliation of a month (recon.h) written as
 * reconciliation.csv, reconciliation.xlsx and reconciliation.pdf in one
 * directory, moved in together.
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

#endif
