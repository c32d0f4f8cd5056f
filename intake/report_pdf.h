/*
 * report_pdf.h - the reconciliation as an A4 Thai PDF, and the in-memory
 * reconciliation it is drawn from (shared by report.c and report_pdf.c).
 */
#ifndef INTAKE_REPORT_PDF_H
#define INTAKE_REPORT_PDF_H

#include <stddef.h>

#include "err.h"

/* A household of the register as the report needs it. */
struct intake_rhh {
    char *code;
    char district_code[5];
    char *district, *subdistrict, *village_name, *house_no, *head;
    int village_no, status;
    double income;
    int reported_month;     /* a valid record for the month */
    int late;               /* its earliest one is late */
    int developed;          /* a valid record up to the month */
    int has_reported_income;
    double reported_income;
    int factors;            /* 4T set of the month's accepted report */
};

struct intake_rdistrict {
    char code[8];
    char name[192];
    long expected, on_time, late, missing, rejected, developed, below;
    /* Expected households whose accepted report of the month names 4T
     * factor c (1..4): a report naming two counts in both. */
    long factor[5];
};

struct intake_rep {
    char month[8];              /* CE "YYYY-MM" */
    long long deadline;         /* UTC seconds */
    double threshold;
    int survey_year;
    char province[128];
    struct intake_rhh *hh;      /* by code */
    size_t nhh, caphh;
    struct intake_rdistrict *d; /* by code */
    size_t nd, capd;
    struct intake_rdistrict total;
};

/* CE "YYYY-MM" as the BE "YYYY-MM" users type (2025-02 -> 2568-02) into
 * out; returns out. */
const char *intake_month_be(const char *month_ce, char out[8]);

/* part/whole in percent, 0 when whole is 0. */
double intake_rep_pct(long part, long whole);

/* Draw r into an A4 PDF at path (atomically). */
int intake_report_pdf(const struct intake_rep *r, const char *path,
                      struct ff_err *e);

#endif
