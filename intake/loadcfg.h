/*
 * loadcfg.h - what every way into the ledger needs before it can classify a
 * record: the dialects and the QR payload config (with its key), found in
 * the template directory unless given.  Used by serve, pull and watch
 * (main.c's load reads the same files the same way).
 */
#ifndef INTAKE_LOADCFG_H
#define INTAKE_LOADCFG_H

#include "dialect.h"
#include "err.h"

struct ff_payload_cfg;

/*
 * Load the dialects (built in, plus dialects or else the template dir's
 * intake-dialects.map when present) into ds and the payload config
 * (qr_config or else the template dir's qr.conf; key overrides its key)
 * into *payload.  On error e is filled and nothing needs releasing; on
 * success release with intake_dialects_release() and ff_payload_cfg_free().
 */
int intake_loadcfg(const char *dialects, const char *qr_config,
                   const char *key, struct intake_dialects *ds,
                   struct ff_payload_cfg **payload, struct ff_err *e);

/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void intake_now_iso(char out[32]);

#endif
