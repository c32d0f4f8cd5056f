/*
 * hhid.h - household codes in QR payloads: the check character, the
 * optional HMAC tag, building the payload from the province's config, and
 * parsing what comes back in a form's household field.
 *
 * The token a form receives is  CODE-C  or  CODE-C-TAG :
 *   CODE  the 11-digit household code,
 *   C     a Damm check digit over CODE (catches every single-digit error and
 *         every adjacent transposition),
 *   TAG   optional: HMAC-SHA256(province key, CODE) truncated, base32.
 * Names and citizen IDs are never part of a payload.
 */
#ifndef FF_HHID_H
#define FF_HHID_H

#include <stddef.h>

#include "err.h"

/* 1 when s[0..n) is exactly 11 ASCII digits. */
int ff_hhid_is_code(const char *s, size_t n);

/* Damm check digit of the digits s[0..n) as '0'..'9'. */
char ff_hhid_check_char(const char *s, size_t n);

/* Outcome of parsing a household field from a report. */
enum ff_hhid_parse {
    FF_HHID_OK = 0,
    FF_HHID_MALFORMED,      /* not 11 digits after removing check/tag */
    FF_HHID_BAD_CHECK       /* check character or tag present and wrong */
};

struct ff_payload_cfg;      /* opaque; from templates/qr.conf */

/*
 * Load the payload config (path NULL: defaults: plain token, level M).
 * A key file named in it (or key_path) enables tags.  Caller frees.
 */
struct ff_payload_cfg *ff_payload_cfg_load(const char *path,
                                           const char *key_path,
                                           struct ff_err *e);
void ff_payload_cfg_free(struct ff_payload_cfg *c);

/* QR error-correction level from the config ('M' by default). */
char ff_payload_level(const struct ff_payload_cfg *c);

/* The token CODE-C[-TAG] for an 11-digit code into out; returns length. */
size_t ff_payload_token(const struct ff_payload_cfg *c, const char *code,
                        char *out, size_t size);

/* The whole QR payload (URL with the token, or the plain token). */
int ff_payload_build(const struct ff_payload_cfg *c, const char *code,
                     char *out, size_t size, struct ff_err *e);

/*
 * Parse a household field (trimmed) as received from a form: a bare code,
 * CODE-C or CODE-C-TAG.  On FF_HHID_OK code_out gets the 11 digits.  A tag
 * is checked when the config has a key; a bare code is accepted.
 */
int ff_payload_parse(const struct ff_payload_cfg *c, const char *s, size_t n,
                     char code_out[12]);

#endif
