/*
 * sha256.h - SHA-256 (FIPS 180-4) for file provenance in the ledger.
 *
 * Every input file is identified in the ledger by the SHA-256 of its bytes,
 * which is how a second load of the same file is recognised.  A streaming
 * context: init, update any number of times, final.  intake/sha256.c
 * computes it with OpenSSL's libcrypto.
 */
#ifndef INTAKE_SHA256_H
#define INTAKE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* From init to final (or release) it holds libcrypto's context. */
struct intake_sha256 {
    void *ctx;              /* EVP_MD_CTX */
};

void intake_sha256_init(struct intake_sha256 *s);
/* The same, never using the SHA instructions (tests compare the two). */
void intake_sha256_init_portable(struct intake_sha256 *s);
void intake_sha256_update(struct intake_sha256 *s, const void *p, size_t n);
/* Finish and write the 32-byte digest; the context is then released. */
void intake_sha256_final(struct intake_sha256 *s, unsigned char out[32]);
/* Finish and write the digest as 64 lowercase hex digits + NUL. */
void intake_sha256_hex(struct intake_sha256 *s, char out[65]);
/* Give back a context that will not be finished (an error path); a
 * finished or released one is left alone. */
void intake_sha256_release(struct intake_sha256 *s);

/*
 * Hash the whole file at path into hex (65 bytes), counting its size into
 * *bytes (may be NULL).  Returns FF_OK, or FF_ESYS with e naming the path.
 */
int intake_sha256_file(const char *path, char hex[65],
                       unsigned long long *bytes, struct ff_err *e);

/*
 * Hash the first limit bytes (0: all) of the open file fd, read with
 * pread from offset 0 (the descriptor's own offset does not move); name is
 * for messages.  FF_ESYS with e filled on a read error.
 */
int intake_sha256_fd(int fd, const char *name, unsigned long long limit,
                     char hex[65], struct ff_err *e);

/*
 * Hash only the first 64 KiB of the file into hex and get its size: a
 * cheap fingerprint that tells most new files from loaded ones at once.
 */
int intake_sha256_head(const char *path, char hex[65],
                       unsigned long long *bytes, struct ff_err *e);

#endif
