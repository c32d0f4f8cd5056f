/*
 * report_pdf.h - the reconciliation (recon.h) as an A4 Thai PDF.
 */
#ifndef INTAKE_REPORT_PDF_H
#define INTAKE_REPORT_PDF_H

#include <stddef.h>

#include "err.h"
#include "recon.h"

/* Draw r into an A4 PDF at path (atomically). */
int intake_report_pdf(const struct intake_rep *r, const char *path,
                      struct ff_err *e);

#endif
