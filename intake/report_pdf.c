/*
 * report_pdf.c - placeholder until core/pdf.c and core/text.c land: the
 * PDF is reported as unavailable, and `report --no-pdf` skips it.
 */
#include "report_pdf.h"

int intake_report_pdf(const struct intake_rep *r, const char *path,
                      struct ff_err *e)
{
    (void)r;
    return ff_err_set(e, FF_EINTERNAL, path, 0, 0,
                      "PDF output is not built yet (use --no-pdf)");
}
