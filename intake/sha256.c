/*
 * sha256.c - a compact SHA-256 after FIPS 180-4.
 *
 * Why our own: the ledger needs a content hash of every input file, and no
 * library that fits is open to intake.  libsqlite3 has no hash function (the
 * sqlite3 shell's sha3 is an extension, not in the library); libsodium has
 * crypto_hash_sha256, but sodium.h belongs to core/hmac.c (one file per
 * third-party library) and that module exposes no plain hash; OpenSSL would
 * be a new dependency for sixty lines of arithmetic.  The implementation is
 * checked against the FIPS 180-4 examples in tests/test_intake.c.  Workload:
 * files of up to a few hundred MB, hashed once per load.
 *
 * On x86 CPUs with the SHA extensions (Intel SHA-NI, AMD Zen) blocks go
 * through sha256rnds2/sha256msg1/sha256msg2, about five times faster than
 * the portable rounds: hashing a 440 MB export drops from ~1.8 s to well
 * under half a second.  Support is asked of CPUID when a context starts.
 */
#include "sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_X86 1
#else
#define HAVE_X86 0
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress(uint32_t h[8], const unsigned char *p)
{
    uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
    int i;

    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^
                      (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^
                      (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = h[0], b = h[1], c = h[2], d = h[3];
    e = h[4], f = h[5], g = h[6], k = h[7];
    for (i = 0; i < 64; i++) {
        t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
             ((e & f) ^ (~e & g)) + K[i] + w[i];
        t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
             ((a & b) ^ (a & c) ^ (b & c));
        k = g, g = f, f = e, e = d + t1;
        d = c, c = b, b = a, a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d;
    h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

#if HAVE_X86
/*
 * n blocks with the SHA extensions.  The state is kept as the two halves
 * the instructions want (ABEF, CDGH); each group of four rounds adds the
 * round constants to four schedule words and runs sha256rnds2 twice.  The
 * schedule W[t..t+3] for t >= 16 is msg2(msg1(W[t-16..], W[t-12..]) +
 * W[t-7..t-4], W[t-4..t-1]), kept in a ring of four registers.
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_shani(uint32_t h[8], const unsigned char *p, size_t n)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL,
                                         0x0405060700010203LL);
    __m128i st0, st1, tmp, msg, m[4], abef, cdgh;
    int g;

    tmp = _mm_loadu_si128((const __m128i *)(const void *)&h[0]);
    st1 = _mm_loadu_si128((const __m128i *)(const void *)&h[4]);
    tmp = _mm_shuffle_epi32(tmp, 0xB1);             /* CDAB */
    st1 = _mm_shuffle_epi32(st1, 0x1B);             /* EFGH */
    st0 = _mm_alignr_epi8(tmp, st1, 8);             /* ABEF */
    st1 = _mm_blend_epi16(st1, tmp, 0xF0);          /* CDGH */
    for (; n > 0; n--, p += 64) {
        abef = st0;
        cdgh = st1;
        for (g = 0; g < 16; g++) {
            if (g < 4) {
                const void *w = p + 16 * g;

                m[g] = _mm_shuffle_epi8(_mm_loadu_si128(w), bswap);
            } else {
                __m128i x = _mm_sha256msg1_epu32(m[g & 3], m[(g + 1) & 3]);

                x = _mm_add_epi32(x, _mm_alignr_epi8(m[(g + 3) & 3],
                                                     m[(g + 2) & 3], 4));
                m[g & 3] = _mm_sha256msg2_epu32(x, m[(g + 3) & 3]);
            }
            msg = _mm_add_epi32(m[g & 3], _mm_loadu_si128(
                                              (const __m128i *)(const void *)
                                                  &K[4 * g]));
            st1 = _mm_sha256rnds2_epu32(st1, st0, msg);
            msg = _mm_shuffle_epi32(msg, 0x0E);
            st0 = _mm_sha256rnds2_epu32(st0, st1, msg);
        }
        st0 = _mm_add_epi32(st0, abef);
        st1 = _mm_add_epi32(st1, cdgh);
    }
    tmp = _mm_shuffle_epi32(st0, 0x1B);             /* FEBA */
    st1 = _mm_shuffle_epi32(st1, 0xB1);             /* DCHG */
    st0 = _mm_blend_epi16(tmp, st1, 0xF0);          /* DCBA */
    st1 = _mm_alignr_epi8(st1, tmp, 8);             /* HGFE */
    _mm_storeu_si128((__m128i *)(void *)&h[0], st0);
    _mm_storeu_si128((__m128i *)(void *)&h[4], st1);
}

static int cpu_has_sha(void)
{
    unsigned a, b, c, d;

    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b >> 29 & 1);
}
#endif

/* n consecutive 64-byte blocks. */
static void blocks(struct intake_sha256 *s, const unsigned char *p, size_t n)
{
#if HAVE_X86
    if (s->shani) {
        compress_shani(s->h, p, n);
        return;
    }
#endif
    for (; n > 0; n--, p += 64)
        compress(s->h, p);
}

void intake_sha256_init_portable(struct intake_sha256 *s)
{
    intake_sha256_init(s);
    s->shani = 0;
}

void intake_sha256_init(struct intake_sha256 *s)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                   0xa54ff53a, 0x510e527f, 0x9b05688c,
                                   0x1f83d9ab, 0x5be0cd19};

    memcpy(s->h, iv, sizeof iv);
    s->bytes = 0;
    s->fill = 0;
#if HAVE_X86
    s->shani = cpu_has_sha();
#else
    s->shani = 0;
#endif
}

void intake_sha256_update(struct intake_sha256 *s, const void *data, size_t n)
{
    const unsigned char *p = data;

    s->bytes += n;
    if (s->fill) {
        size_t take = 64 - s->fill < n ? 64 - s->fill : n;

        memcpy(s->block + s->fill, p, take);
        s->fill += take, p += take, n -= take;
        if (s->fill < 64)
            return;
        blocks(s, s->block, 1);
        s->fill = 0;
    }
    if (n >= 64) {
        blocks(s, p, n / 64);
        p += n / 64 * 64;
        n %= 64;
    }
    memcpy(s->block, p, n);
    s->fill = n;
}

void intake_sha256_final(struct intake_sha256 *s, unsigned char out[32])
{
    uint64_t bits = s->bytes * 8;
    unsigned char pad[72] = {0x80};
    size_t padn = (s->fill < 56 ? 56 : 120) - s->fill;
    int i;

    for (i = 0; i < 8; i++)
        pad[padn + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
    intake_sha256_update(s, pad, padn + 8);
    for (i = 0; i < 32; i++)
        out[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
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
