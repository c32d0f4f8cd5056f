/*
 * hmac.c - the province key file and HMAC tags, over libsodium.
 *
 * The only file that includes sodium.h.  It owns three rules: key bytes
 * never leave this file except inside struct ff_key (never in a message),
 * buffers that held key material are wiped with sodium_memzero, and tags are
 * compared in constant time.
 *
 * sodium_init() is the one exception to "no global state" in ffkit: it must
 * run once before libsodium is used, it is idempotent and thread-safe (it
 * takes its own lock), so each entry point here simply calls it.
 */
#include "hmac.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define KEY_FILE_MAX 4096   /* a key file is one short line and a comment */

/* ff_hmac_tag takes its 6 characters from the first 4 bytes of the MAC. */
_Static_assert(FF_TAG_CHARS == 6, "ff_hmac_tag extracts exactly 30 bits");

static const char key_header[] =
    "# ffkit province key for QR tags: keep it secret (mode 0600)\n";

static int start(struct ff_err *e)
{
    if (sodium_init() < 0)
        return ff_err_set(e, FF_EINTERNAL, NULL, 0, 0,
                          "libsodium failed to initialise");
    return FF_OK;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int ff_key_create(const char *path, struct ff_err *e)
{
    unsigned char key[FF_KEY_BYTES];
    char hex[2 * FF_KEY_BYTES + 2];
    int fd, rc = FF_OK;

    if ((rc = start(e)) != FF_OK)
        return rc;
    /*
     * O_EXCL: never replace an existing key, since every code printed with
     * it would stop verifying.  Mode 0600 from the start, so the key is
     * never readable by others, not even for an instant.
     */
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return ff_err_set(e, FF_EINPUT, path, 0, 0,
                              "key file already exists; refusing to "
                              "overwrite it (codes printed with it would "
                              "no longer verify)");
        return ff_err_sys(e, path, "cannot create key file");
    }
    randombytes_buf(key, sizeof key);
    sodium_bin2hex(hex, sizeof hex, key, sizeof key);
    hex[2 * FF_KEY_BYTES] = '\n';
    hex[2 * FF_KEY_BYTES + 1] = '\0';
    if (write_all(fd, key_header, sizeof key_header - 1) < 0 ||
        write_all(fd, hex, 2 * FF_KEY_BYTES + 1) < 0) {
        rc = ff_err_sys(e, path, "cannot write key file");
        goto out;
    }
    if (fsync(fd) < 0) {
        rc = ff_err_sys(e, path, "cannot sync key file");
        goto out;
    }
out:
    sodium_memzero(key, sizeof key);
    sodium_memzero(hex, sizeof hex);
    if (close(fd) < 0 && rc == FF_OK)
        rc = ff_err_sys(e, path, "cannot close key file");
    if (rc != FF_OK)
        unlink(path);
    return rc;
}

/* Read at most size-1 bytes of fd into buf; returns the length or -1. */
static ssize_t read_small(int fd, char *buf, size_t size)
{
    size_t len = 0;

    while (len < size - 1) {
        ssize_t r = read(fd, buf + len, size - 1 - len);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        len += (size_t)r;
    }
    buf[len] = '\0';
    return (ssize_t)len;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Parse the key text: comment and blank lines, one line of 64 hex digits
 * (surrounding spaces and a CR allowed).  Error columns are 1-based bytes;
 * the offending character is never quoted, since it may be key material.
 */
static int parse_key(const char *path, const char *text, size_t len,
                     struct ff_key *k, struct ff_err *e)
{
    size_t i = 0;
    long line = 0, key_line = 0;

    while (i < len) {
        size_t start_at = i, end, a, b, j;

        line++;
        while (i < len && text[i] != '\n')
            i++;
        end = i;
        if (i < len)
            i++;
        a = start_at;
        b = end;
        while (a < b && (text[a] == ' ' || text[a] == '\t'))
            a++;
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' ||
                         text[b - 1] == '\r'))
            b--;
        if (a == b || text[a] == '#')
            continue;
        if (key_line)
            return ff_err_set(e, FF_EINPUT, path, line, 1,
                              "second key line (the key is on line %ld); a "
                              "key file holds exactly one key", key_line);
        for (j = a; j < b && j - a < 2 * FF_KEY_BYTES; j++)
            if (hexval(text[j]) < 0)
                return ff_err_set(e, FF_EINPUT, path, line,
                                  (long)(j - start_at + 1),
                                  "key has a character that is not a hex "
                                  "digit");
        if (b - a != 2 * FF_KEY_BYTES)
            return ff_err_set(e, FF_EINPUT, path, line,
                              (long)(a - start_at + 1),
                              "key is %zu hex digits, want %d", b - a,
                              2 * FF_KEY_BYTES);
        for (j = 0; j < FF_KEY_BYTES; j++)
            k->bytes[j] = (unsigned char)(hexval(text[a + 2 * j]) * 16 +
                                          hexval(text[a + 2 * j + 1]));
        key_line = line;
    }
    if (!key_line)
        return ff_err_set(e, FF_EINPUT, path, 0, 0,
                          "no key in key file (want one line of %d hex "
                          "digits)", 2 * FF_KEY_BYTES);
    return FF_OK;
}

int ff_key_load(const char *path, struct ff_key *k, struct ff_err *e)
{
    char text[KEY_FILE_MAX + 1];
    struct stat st;
    ssize_t len = 0;
    int fd, rc;

    sodium_memzero(k, sizeof *k);
    if ((rc = start(e)) != FF_OK)
        return rc;
    /*
     * O_NONBLOCK: a FIFO (or a device) at the key's path must be refused
     * below, not wait for a writer for ever; on a regular file the flag
     * changes nothing.  O_NOFOLLOW: a key is a file of its own, mode 0600,
     * and a symbolic link would let whoever can replace the link choose
     * the key; the check on the mode would then be on the wrong file.
     */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
    if (fd < 0 && errno == ELOOP)
        return ff_err_set(e, FF_EINPUT, path, 0, 0,
                          "key file is a symbolic link; give the path of "
                          "the file itself");
    if (fd < 0)
        return ff_err_sys(e, path, "cannot open key file");
    /* fstat on the open descriptor: what we check is what we read. */
    if (fstat(fd, &st) < 0) {
        rc = ff_err_sys(e, path, "cannot stat key file");
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = ff_err_set(e, FF_EINPUT, path, 0, 0,
                        "key file is not a regular file (%s)",
                        S_ISFIFO(st.st_mode)  ? "a named pipe"
                        : S_ISDIR(st.st_mode) ? "a directory"
                        : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)
                            ? "a device"
                            : "a socket or other special file");
        goto out;
    }
    /*
     * Refuse rather than warn, like ssh does with private keys: anyone who
     * can read the key can print QR codes that pass as genuine, and only
     * main() may print, so a warning from here would go unseen.
     */
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        rc = ff_err_set(e, FF_EINPUT, path, 0, 0,
                        "key file is accessible by group or others (mode "
                        "%04o); run: chmod 600 '%s'",
                        (unsigned)(st.st_mode & 07777), path);
        goto out;
    }
    len = read_small(fd, text, sizeof text);
    if (len < 0) {
        rc = ff_err_sys(e, path, "cannot read key file");
        goto out;
    }
    if (len >= KEY_FILE_MAX) {
        rc = ff_err_set(e, FF_EINPUT, path, 0, 0,
                        "key file is larger than %d bytes; is it the right "
                        "file?", KEY_FILE_MAX);
        goto out;
    }
    rc = parse_key(path, text, (size_t)len, k, e);
out:
    sodium_memzero(text, sizeof text);
    close(fd);
    if (rc != FF_OK)
        sodium_memzero(k, sizeof *k);
    return rc;
}

void ff_key_wipe(struct ff_key *k)
{
    if (k != NULL)
        sodium_memzero(k, sizeof *k);
}

/*
 * Why 6 characters (30 bits): the tag only has to make a guessed or
 * mistyped token fail.  A guess succeeds with probability 2^-30 (about one
 * in a billion), and guesses cost a form submission each and show up in
 * the monthly reconciliation, so there is no offline attack to resist.
 * Longer tags would cost QR capacity (the URL must fit version 6) and make
 * the token harder to type when a damaged code has to be entered by hand.
 */
int ff_hmac_tag(const struct ff_key *k, const char *msg, size_t n,
                char out[FF_TAG_CHARS + 1], struct ff_err *e)
{
    static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    unsigned long bits;
    int i, rc;

    out[0] = '\0';
    if ((rc = start(e)) != FF_OK)
        return rc;
    crypto_auth_hmacsha256(mac, (const unsigned char *)msg, n, k->bytes);
    /* The first 30 bits, most significant first (RFC 4648 bit order). */
    bits = (unsigned long)mac[0] << 24 | (unsigned long)mac[1] << 16 |
           (unsigned long)mac[2] << 8 | (unsigned long)mac[3];
    for (i = 0; i < FF_TAG_CHARS; i++)
        out[i] = b32[(bits >> (27 - 5 * i)) & 31];
    out[FF_TAG_CHARS] = '\0';
    sodium_memzero(mac, sizeof mac);
    return FF_OK;
}

int ff_hmac_tag_equal(const char *a, const char *b)
{
    return sodium_memcmp(a, b, FF_TAG_CHARS) == 0;
}

/*
 * The server's secrets.  They live here because this is the one file that
 * may include sodium.h; none of them touches the province key.
 */
int ff_secret_random_hex(char *out, size_t n, struct ff_err *e)
{
    unsigned char raw[64];
    int rc;

    if ((rc = start(e)) != FF_OK)
        return rc;
    if (n > sizeof raw)
        return ff_err_set(e, FF_EINTERNAL, NULL, 0, 0,
                          "random secret too long");
    randombytes_buf(raw, n);
    sodium_bin2hex(out, 2 * n + 1, raw, n);
    sodium_memzero(raw, sizeof raw);
    return FF_OK;
}

int ff_secret_sha256_hex(const void *msg, size_t n,
                         char out[FF_SECRET_HEX + 1], struct ff_err *e)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    int rc;

    if ((rc = start(e)) != FF_OK)
        return rc;
    crypto_hash_sha256(h, msg, n);
    sodium_bin2hex(out, FF_SECRET_HEX + 1, h, sizeof h);
    return FF_OK;
}

_Static_assert(FF_PWHASH_MAX >= crypto_pwhash_STRBYTES,
               "room for an encoded Argon2id hash");

int ff_secret_pwhash(const char *pw, size_t n, char out[FF_PWHASH_MAX],
                     struct ff_err *e)
{
    int rc;

    if ((rc = start(e)) != FF_OK)
        return rc;
    /* crypto_pwhash_str chooses Argon2id (libsodium >= 1.0.15) and a random
     * salt; it fails only when it cannot get the memory. */
    if (crypto_pwhash_str(out, pw, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0,
                          "out of memory hashing the password");
    return FF_OK;
}

int ff_secret_pwverify(const char *hash, const char *pw, size_t n)
{
    if (sodium_init() < 0)
        return 0;
    return crypto_pwhash_str_verify(hash, pw, n) == 0;
}

int ff_secret_equal(const void *a, const void *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0;
}
