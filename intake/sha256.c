/*
 * sha256.c - SHA-256 (FIPS 180-4) from OpenSSL's libcrypto, the one file
 * that includes an OpenSSL header.
 *
 * libcrypto picks the fastest code for the CPU (SHA-NI on x86 CPUs that
 * have it, AVX2/SSSE3 otherwise, the ARMv8 crypto extensions): hashing a
 * 439 MiB export takes about as long as our own SHA-NI code did (bench
 * figures in bench/README.md).  The algorithm is fetched once per process
 * (OpenSSL 3 would otherwise look it up at every init, which the per-record
 * row hash of a load does a million times).  Checked against the FIPS
 * 180-4 examples in tests/test_intake.c.  Workload: files of up to a few
 * hundred MB, hashed once per load, and one short hash per record.
 *
 * A context holds an EVP_MD_CTX from init to final; one abandoned on an
 * error path is given back with intake_sha256_release.  libcrypto failing
 * (out of memory) aborts: a wrong file hash must never be stored.
 */
#include "sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "alloc.h"

static EVP_MD *md_sha256;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void fetch_md(void)
{
    md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static void fail(const char *what)
{
    fprintf(stderr, "ffintake: libcrypto: SHA-256 %s failed\n", what);
    abort();
}

void intake_sha256_init(struct intake_sha256 *s)
{
    pthread_once(&md_once, fetch_md);
    if (md_sha256 == NULL)
        fail("fetch");
    s->ctx = EVP_MD_CTX_new();
    if (s->ctx == NULL || !EVP_DigestInit_ex(s->ctx, md_sha256, NULL))
        fail("init");
}

/* libcrypto chooses the code itself; kept for tests/test_intake.c, which
 * compares split and whole updates through the two. */
void intake_sha256_init_portable(struct intake_sha256 *s)
{
    intake_sha256_init(s);
}

void intake_sha256_update(struct intake_sha256 *s, const void *p, size_t n)
{
    if (n > 0 && !EVP_DigestUpdate(s->ctx, p, n))
        fail("update");
}

void intake_sha256_final(struct intake_sha256 *s, unsigned char out[32])
{
    unsigned int n = 0;

    if (!EVP_DigestFinal_ex(s->ctx, out, &n) || n != 32)
        fail("final");
    EVP_MD_CTX_free(s->ctx);
    s->ctx = NULL;
}

void intake_sha256_release(struct intake_sha256 *s)
{
    EVP_MD_CTX_free(s->ctx);
    s->ctx = NULL;
}

void intake_sha256_hex(struct intake_sha256 *s, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char d[32];
    int i;

    intake_sha256_final(s, d);
    for (i = 0; i < 32; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[64] = '\0';
}

int intake_sha256_fd(int fd, const char *name, unsigned long long limit,
                     char hex[65], struct ff_err *e)
{
    struct intake_sha256 s;
    unsigned char *buf = ff_malloc(1 << 16);
    unsigned long long off = 0;
    ssize_t n;

    if (buf == NULL)
        return ff_err_set(e, FF_ESYS, name, 0, 0, "out of memory");
    intake_sha256_init(&s);
    for (;;) {
        size_t want = 1 << 16;

        if (limit && limit - off < want)
            want = (size_t)(limit - off);
        if (want == 0)
            break;
        /* pread: the descriptor's offset stays where the parser wants
         * it, at the start. */
        n = pread(fd, buf, want, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ff_free(buf);
            intake_sha256_release(&s);
            return ff_err_sys(e, name, "cannot read");
        }
        if (n == 0)
            break;
        intake_sha256_update(&s, buf, (size_t)n);
        off += (unsigned long long)n;
    }
    ff_free(buf);
    intake_sha256_hex(&s, hex);
    return FF_OK;
}

/* Hash up to limit bytes (0: all) of the file at path. */
static int hash_file(const char *path, unsigned long long limit,
                     char hex[65], unsigned long long *bytes,
                     struct ff_err *e)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), rc;

    if (fd < 0)
        return ff_err_sys(e, path, "cannot open");
    if (bytes) {
        if (fstat(fd, &st) != 0) {
            rc = ff_err_sys(e, path, "cannot stat");
            close(fd);
            return rc;
        }
        *bytes = (unsigned long long)st.st_size;
    }
    rc = intake_sha256_fd(fd, path, limit, hex, e);
    close(fd);
    return rc;
}

int intake_sha256_file(const char *path, char hex[65],
                       unsigned long long *bytes, struct ff_err *e)
{
    return hash_file(path, 0, hex, bytes, e);
}

int intake_sha256_head(const char *path, char hex[65],
                       unsigned long long *bytes, struct ff_err *e)
{
    return hash_file(path, 1 << 16, hex, bytes, e);
}
