/*
 * hmac.h - the province key and the short HMAC tags of household tokens.
 *
 * A province that wants forged or guessed household codes to stand out in
 * the monthly reports creates one secret key (ff_key_create) and names it in
 * templates/qr.conf.  Every printed QR token then carries
 * TAG = base32(HMAC-SHA256(key, CODE)) cut to FF_TAG_CHARS characters; intake
 * recomputes it.  core/hmac.c is the only file that includes sodium.h.
 *
 * Key file format (text, so it survives e-mail and USB sticks): lines that
 * start with '#' and blank lines are ignored; exactly one other line holds
 * the 32 key bytes as 64 hexadecimal digits.  ff_key_create writes
 *
 *     # ffkit province key for QR tags: keep it secret (mode 0600)
 *     <64 lowercase hex digits>
 *
 * The key is never printed and never part of an error message.
 *
 * Each function calls sodium_init(), libsodium's one-time set-up; it is
 * idempotent and thread-safe, and the only process-wide state ffkit keeps
 * besides the allocation countdown (see hmac.c).
 */
#ifndef FF_HMAC_H
#define FF_HMAC_H

#include <stddef.h>

#include "err.h"

#define FF_KEY_BYTES 32     /* HMAC-SHA256 key, crypto_auth_hmacsha256 */
#define FF_TAG_CHARS 6      /* base32 characters of a tag (30 bits) */

/* A loaded key.  Wipe it with ff_key_wipe() when done. */
struct ff_key {
    unsigned char bytes[FF_KEY_BYTES];
};

/*
 * Create a new key file at path from FF_KEY_BYTES random bytes
 * (randombytes_buf).  The file is created with open(O_CREAT|O_EXCL, 0600):
 * an existing file is never overwritten (FF_EINPUT).  On any failure no
 * file is left behind.  Fills e (file = path) on failure.
 */
int ff_key_create(const char *path, struct ff_err *e);

/*
 * Load the key file at path into *k.  Refuses (FF_EINPUT, file = path, with
 * row/col of a bad line) a file that is not a regular file, that group or
 * others may read or write (the message says to run chmod 600), or that does
 * not hold exactly one line of 64 hex digits.  FF_ESYS with strerror when
 * the file cannot be opened or read.  *k is wiped on failure.
 */
int ff_key_load(const char *path, struct ff_key *k, struct ff_err *e);

/* Overwrite the key bytes with zeros (sodium_memzero: not optimised away). */
void ff_key_wipe(struct ff_key *k);

/*
 * The tag of msg[0..n): HMAC-SHA256(k, msg), first 30 bits in RFC 4648
 * base32 (A-Z, 2-7), FF_TAG_CHARS characters plus a NUL into out.
 * Returns FF_OK, or FF_EINTERNAL (e filled) if libsodium fails to start.
 */
int ff_hmac_tag(const struct ff_key *k, const char *msg, size_t n,
                char out[FF_TAG_CHARS + 1], struct ff_err *e);

/*
 * 1 when the FF_TAG_CHARS bytes at a and b are equal, compared in constant
 * time (sodium_memcmp) so that timing does not reveal how much of a guessed
 * tag was right; 0 otherwise.
 */
int ff_hmac_tag_equal(const char *a, const char *b);

/* ---- secrets of the server (ffintake serve): tokens, passwords ---- */

#define FF_SECRET_HEX 64        /* hex digits of a SHA-256 */
#define FF_PWHASH_MAX 128       /* an Argon2id string, NUL included */

/*
 * Fill out with n random bytes as 2n lowercase hex digits and a NUL
 * (randombytes_buf: the kernel's CSPRNG).  out holds 2n + 1 bytes.
 * Returns FF_OK or FF_EINTERNAL (e filled).
 */
int ff_secret_random_hex(char *out, size_t n, struct ff_err *e);

/* SHA-256 of msg[0..n) as 64 hex digits and a NUL into out.  A token of 160
 * random bits needs no slow hash: nobody can guess it from its digest. */
int ff_secret_sha256_hex(const void *msg, size_t n,
                         char out[FF_SECRET_HEX + 1], struct ff_err *e);

/*
 * An Argon2id hash of the password pw[0..n) (crypto_pwhash_str, libsodium's
 * interactive limits: 64 MiB, 2 passes) as an encoded string with its salt
 * and parameters into out.  Returns FF_OK, FF_ESYS when the memory is not
 * there, FF_EINTERNAL otherwise (e filled, never with the password).
 */
int ff_secret_pwhash(const char *pw, size_t n, char out[FF_PWHASH_MAX],
                     struct ff_err *e);

/* 1 when pw[0..n) matches the encoded hash, 0 otherwise (also when the
 * hash is malformed or libsodium cannot start). */
int ff_secret_pwverify(const char *hash, const char *pw, size_t n);

/* 1 when a[0..n) equals b[0..n), compared in constant time. */
int ff_secret_equal(const void *a, const void *b, size_t n);

#endif
