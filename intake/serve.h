/*
 * serve.h - ffintake serve: the HTTP server over the ledger (hooks from
 * the form services, the pages staff open).  The only file that includes
 * microhttpd.h is intake/serve.c.
 */
#ifndef INTAKE_SERVE_H
#define INTAKE_SERVE_H

#include "err.h"

struct intake_serve_opts {
    const char *ledger;
    const char *listen;         /* "127.0.0.1:8080"; port 0 picks one */
    const char *dialects;       /* map file or NULL */
    const char *qr_config, *key;
    long write_timeout_ms;      /* a hook waits this long, then 503 */
    int secure_cookies;         /* always Secure (else: X-Forwarded-Proto) */
    long session_idle_s, session_life_s;
    /* Printing a Family Folder again: ffgen and the register it prints
     * from (both NULL: the page says what is needed). */
    const char *ffgen, *register_csv;
};

/*
 * Listen, print "listening on http://ADDR:PORT" on stdout, and serve until
 * SIGTERM or SIGINT; then stop taking requests, finish the batch being
 * written and return FF_OK.  Errors before serving (ledger, address) fill e.
 */
int intake_serve_run(const struct intake_serve_opts *o, struct ff_err *e);

#endif
