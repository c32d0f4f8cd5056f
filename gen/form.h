/*
 * form.h - the monthly report form from its one definition
 * (templates/report-form.def): an XLSForm for KoboToolbox and ODK Central,
 * or a Google Apps Script that builds the same form in Google Forms and
 * logs its prefill link for templates/qr.conf.
 */
#ifndef GEN_FORM_H
#define GEN_FORM_H

#include "err.h"

/*
 * Read the definition at def_path and write out_path: an XLSForm when it
 * ends in ".xlsx", an Apps Script when it ends in ".gs".  Errors in the
 * definition are FF_EINPUT with e naming file, line and column; nothing
 * is written then.  *fields (may be NULL) gets the number of questions.
 */
int gen_form_write(const char *def_path, const char *out_path, int *fields,
                   struct ff_err *e);

#endif
