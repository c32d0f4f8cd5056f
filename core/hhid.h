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
 *
 * Exactly: CODE is [0-9]{11}; C is one digit; TAG is 6 characters of the
 * RFC 4648 base32 alphabet [A-Z2-7] = the first 30 bits of
 * HMAC-SHA256(key, the 11 ASCII digits of CODE), see hmac.h.  Example:
 * 24050612765-1 or 24050612765-1-K3QZ2M (tag made up).  The dash also keeps Excel from
 * turning the token into a number (2.4050612765E+10 loses digits).
 *
 * Payload config (templates/qr.conf), UTF-8 text, one setting per line:
 *
 *     # a comment: '#' first on the line (after spaces); blank lines ignored
 *     mode = url               # plain (default): the QR holds the token
 *     url = https://ee.kobotoolbox.org/x/XXXX?d[/data/hhid]={token}
 *     level = M                # L, M (default), Q or H; either case
 *     max_version = 6          # 1..40, default 6
 *     key_file = province.key  # optional; relative to the config's folder
 *
 * (The trailing comments above are for this header only: a '#' after a
 * value is part of the value, since URLs may contain '#'.)  Keys are
 * case-sensitive and may appear once.  url must start with http:// or
 * https://, be printable ASCII without spaces, and hold "{token}" exactly
 * once; it is required with mode = url and rejected with mode = plain.  The
 * token replaces {token} URL-escaped (RFC 3986; a token needs no escaping).
 * The loader checks that the payload fits max_version at level; errors name
 * file:line:col (col in code points, 1-based).  A UTF-8 BOM and CRLF line
 * ends are accepted.
 */
#ifndef FF_HHID_H
#define FF_HHID_H

#include <stddef.h>

#include "err.h"

/* 1 when s[0..n) is exactly 11 ASCII digits. */
int ff_hhid_is_code(const char *s, size_t n);

/*
 * Damm check digit of the digits s[0..n) as '0'..'9'; '\0' if s[0..n) holds
 * a byte that is not an ASCII digit.
 */
char ff_hhid_check_char(const char *s, size_t n);

/* Outcome of parsing a household field from a report. */
enum ff_hhid_parse {
    FF_HHID_OK = 0,
    FF_HHID_MALFORMED,      /* not 11 digits after removing check/tag */
    FF_HHID_BAD_CHECK       /* check character or tag present and wrong */
};

struct ff_payload_cfg;      /* opaque; from templates/qr.conf */

/* An out buffer of this many bytes always holds ff_payload_build's result
 * (the config refuses url templates longer than 2000 bytes). */
#define FF_PAYLOAD_MAX 2100

/*
 * Load the payload config (path NULL: defaults: plain token, level M).
 * A key file named in it (or key_path) enables tags.  Caller frees.
 *
 * key_path, when not NULL, overrides the config's key_file.  NULL with e
 * filled on failure: FF_EINPUT with file:line:col for a bad line, a missing
 * or misplaced url, or a payload that needs a QR version above max_version
 * (the message names its length and the version needed); the key file's
 * own errors (see ff_key_load, e->file is then the key file); FF_ESYS when
 * the config cannot be read or memory runs out.
 */
struct ff_payload_cfg *ff_payload_cfg_load(const char *path,
                                           const char *key_path,
                                           struct ff_err *e);
void ff_payload_cfg_free(struct ff_payload_cfg *c);

/* QR error-correction level from the config ('M' by default). */
char ff_payload_level(const struct ff_payload_cfg *c);

/* The largest QR version allowed (6 by default); pass it to ff_qr_encode. */
int ff_payload_max_version(const struct ff_payload_cfg *c);

/* 1 when the config has a key, so tokens carry a tag. */
int ff_payload_has_key(const struct ff_payload_cfg *c);

/*
 * The token CODE-C[-TAG] for an 11-digit code into out; returns length.
 * code is a NUL-terminated string of exactly 11 digits; returns 0 (out ""
 * when size > 0) when it is not or out is too small (21 bytes always do).
 * c NULL means the defaults (no tag).
 */
size_t ff_payload_token(const struct ff_payload_cfg *c, const char *code,
                        char *out, size_t size);

/*
 * The whole QR payload (URL with the token, or the plain token) into
 * out[0..size).  FF_EINPUT when code is not 11 digits or the payload needs
 * a QR version above the config's max_version (message names the payload
 * length and the version needed); FF_EINTERNAL when out is too small.
 * The payload holds the household code and nothing else about the
 * household.
 */
int ff_payload_build(const struct ff_payload_cfg *c, const char *code,
                     char *out, size_t size, struct ff_err *e);

/*
 * Parse a household field (trimmed) as received from a form: a bare code,
 * CODE-C or CODE-C-TAG.  On FF_HHID_OK code_out gets the 11 digits.  A tag
 * is checked when the config has a key; a bare code is accepted.
 */
int ff_payload_parse(const struct ff_payload_cfg *c, const char *s, size_t n,
                     char code_out[12]);

/*
 * The rules of ff_payload_parse and ff_payload_parse_ex (c NULL means the
 * defaults, no key):
 *   - leading/trailing whitespace (also NBSP, U+200B) is trimmed; Thai
 *     digits U+0E50..U+0E59 count as 0..9;
 *   - the code may come grouped as it is printed, 4-6-1 with '-' (or
 *     spaces) inside it: "2401-010596-3", "2401-010596-3-7"; it is then
 *     read as the plain 11 digits;
 *   - the text up to the first '-' (or all of it) must be exactly 11 digits,
 *     else FF_HHID_MALFORMED: '2.4010203E+10' (Excel), 10 digits (a lost
 *     digit or leading zero), inner spaces, letters;
 *   - 12 digits without a dash are MALFORMED, not CODE+C: a code typed with
 *     one extra digit would pass as CODE+C one time in ten and be filed
 *     under another household; tokens always carry the dash;
 *   - a bare code is FF_HHID_OK (typed by hand from the paper);
 *   - after a '-' must come one digit equal to the Damm check digit, else
 *     FF_HHID_BAD_CHECK (also for an empty or non-digit check);
 *   - after a second '-' the tag: 6 base32 characters (case-insensitive)
 *     equal to the HMAC tag, else FF_HHID_BAD_CHECK; a tag while the config
 *     has no key is also FF_HHID_BAD_CHECK (it cannot be verified, and
 *     intake running without the province key is a set-up mistake to show);
 *   - CODE-C without a tag is OK even with a key (like a bare code); a
 *     province that prints tags can flag such reports in intake through
 *     ff_hhid_parsed.tag_verified == 0, since only a tag shows that the
 *     sender had the printed page.
 * ff_payload_parse sets code_out to the 11 digits on FF_HHID_OK and also on
 * FF_HHID_BAD_CHECK (for the report only: the code is then not trusted);
 * to "" when FF_HHID_MALFORMED.
 */
struct ff_hhid_parsed {
    char code[12];          /* 11 digits, or "" when malformed */
    int has_check;          /* a check part followed the code */
    int has_tag;            /* a tag part followed the check */
    int tag_verified;       /* the tag matched (only on FF_HHID_OK) */
    char why[160];          /* on failure: the reason, for the report */
};

/* ff_payload_parse with the details above in *r; returns the outcome. */
int ff_payload_parse_ex(const struct ff_payload_cfg *c, const char *s,
                        size_t n, struct ff_hhid_parsed *r);

#endif
