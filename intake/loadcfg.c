/*
 * loadcfg.c - the dialects and QR payload config for serve, pull and watch.
 */
#include "loadcfg.h"

#include <sys/stat.h>
#include <time.h>

#include "hhid.h"
#include "paths.h"

int intake_loadcfg(const char *dialects, const char *qr_config,
                   const char *key, struct intake_dialects *ds,
                   struct ff_payload_cfg **payload, struct ff_err *e)
{
    char mappath[1024], qrpath[1024];
    struct stat st;
    int rc;

    *payload = NULL;
    if (dialects == NULL) {
        ff_template_path("intake-dialects.map", mappath, sizeof mappath);
        if (stat(mappath, &st) == 0)
            dialects = mappath;
    }
    if ((rc = intake_dialects_load(ds, dialects, e))) {
        intake_dialects_release(ds);
        return rc;
    }
    if (qr_config == NULL) {
        ff_template_path("qr.conf", qrpath, sizeof qrpath);
        if (stat(qrpath, &st) == 0)
            qr_config = qrpath;
    }
    if ((*payload = ff_payload_cfg_load(qr_config, key, e)) == NULL) {
        intake_dialects_release(ds);
        return e->code;
    }
    return FF_OK;
}

void intake_now_iso(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
