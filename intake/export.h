/*
 * export.h - the accepted ledger rows of a month as CSV, for other
 * software: one row per accepted report, with where it came from.
 */
#ifndef INTAKE_EXPORT_H
#define INTAKE_EXPORT_H

#include "err.h"
#include "ledger.h"

/* Write the accepted rows of month (CE "YYYY-MM") as CSV with BOM to path
 * (file mode `mode`); *rows (may be NULL) gets their number.  With redact,
 * phone numbers and citizen IDs typed into free text are masked
 * (redact.h). */
int intake_export_run(struct intake_ledger *L, const char *month,
                      const char *path, int redact, int mode, long *rows,
                      struct ff_err *e);

#endif
