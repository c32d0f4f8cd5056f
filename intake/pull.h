/*
 * pull.h - ffintake pull: fetch what is new from a form service that does
 * not push (KoboToolbox's data API, ODK Central's OData), classify it by
 * the same rules as a load, and remember where it stopped.  The only file
 * that includes curl.h is intake/pull.c.
 */
#ifndef INTAKE_PULL_H
#define INTAKE_PULL_H

#include "err.h"
#include "load.h"

enum intake_pull_service { INTAKE_PULL_KOBO = 1, INTAKE_PULL_ODK };

struct intake_pull_opts {
    const char *ledger;
    int service;
    const char *url;            /* the server: https://kf.kobotoolbox.org */
    const char *asset;          /* Kobo: the form's asset UID */
    const char *project, *form; /* ODK: project number, form id */
    /* Kobo: a file holding the API token; ODK: "email:password".  Refused
     * when group or others may read it, like the province key. */
    const char *secret_file;
    const char *dialects, *qr_config, *key;
};

struct intake_pull_result {
    char source[300];           /* "kobo:URL:ASSET", "odk:URL:N:FORM" */
    long fetched;               /* records the service sent */
    struct intake_load_summary sum;     /* load_id 0: nothing new */
    char mark[64];              /* where the next pull starts */
};

/*
 * Fetch every record after the mark stored for this source (all pages),
 * store them through the load stream in one transaction together with the
 * new mark: a pull that fails half way stores nothing and moves no mark.
 * Records already in the ledger (a version fetched before, or loaded from
 * an export) are not stored again.
 */
int intake_pull_run(const struct intake_pull_opts *o,
                    struct intake_pull_result *res, struct ff_err *e);

#endif
