/*
 * test_qr.c - QR encoding and PNG output, checked by decoding again.
 *
 * Every household of tests/data/households.csv is encoded with the default
 * payload config and with a form-URL config carrying HMAC tags, written as
 * a 300 dpi PNG, and read back with `zbarimg --raw -q` (libqrencode tests
 * itself the same way).  Also: PNG structure (1-bit IHDR, pHYs, white quiet
 * zone), version limits, allocation failures and atomic writes (a missing
 * folder, a folder as target, a read-only folder when not root, out of
 * memory and a write cut short by RLIMIT_FSIZE, which stands in for a full
 * disk).  ff_qr_draw needs core/pdf.c and is tested with it.
 */
#include "check.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "err.h"
#include "hhid.h"
#include "hmac.h"
#include "qr.h"

#define MAX_CODES 1000
#define KOBO "https://ee.kobotoolbox.org/x/XXXX?d[/data/hhid]="

static char tmpdir[256];

static int load_codes(char (*codes)[12], int max)
{
    FILE *f = fopen("tests/data/households.csv", "r");
    char line[2048];
    int n = 0;

    if (f == NULL)
        return 0;
    if (fgets(line, sizeof line, f) == NULL) {
        fclose(f);
        return 0;
    }
    while (n < max && fgets(line, sizeof line, f) != NULL) {
        size_t len = strcspn(line, ",");

        if (len == 11 && ff_hhid_is_code(line, 11)) {
            memcpy(codes[n], line, 11);
            codes[n][11] = '\0';
            n++;
        }
    }
    fclose(f);
    return n;
}

/* Decode path with zbarimg; returns the text without the final newline. */
static int zbar(const char *path, char *out, size_t size)
{
    char cmd[600];
    size_t n;
    FILE *p;

    snprintf(cmd, sizeof cmd, "zbarimg --raw -q '%s' 2>/dev/null", path);
    p = popen(cmd, "r");
    if (p == NULL)
        return -1;
    n = fread(out, 1, size - 1, p);
    out[n] = '\0';
    if (n > 0 && out[n - 1] == '\n')
        out[--n] = '\0';
    return pclose(p) == 0 ? 0 : -1;
}

/* Bit depth and colour type straight from the IHDR bytes of the file. */
static int ihdr(const char *path, int *depth, int *ctype)
{
    unsigned char b[33];
    FILE *f = fopen(path, "rb");
    size_t n;

    if (f == NULL)
        return -1;
    n = fread(b, 1, sizeof b, f);
    fclose(f);
    if (n != sizeof b || memcmp(b, "\x89PNG\r\n\x1a\n", 8) != 0 ||
        memcmp(b + 12, "IHDR", 4) != 0)
        return -1;
    *depth = b[24];
    *ctype = b[25];
    return 0;
}

/* Names in tmpdir other than the expected ones: leftovers of a write. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

/*
 * Check the PNG of q: 1-bit, pHYs at dpi, the right size, a white quiet
 * zone of FF_QR_QUIET modules, and every module's pixels as encoded.
 */
static int png_matches(const char *path, const struct ff_qr *q, int dpi,
                       int px)
{
    struct ff_png_info info;
    unsigned char *pix = NULL;
    struct ff_err e;
    int side = (q->width + 2 * FF_QR_QUIET) * px, x, y, ok = 1;
    unsigned long ppm = (unsigned long)(dpi / 0.0254 + 0.5);

    ff_err_clear(&e);
    if (ff_qr_read_png(path, &info, &pix, &e) != FF_OK)
        return 0;
    if (info.width != side || info.height != side || info.bit_depth != 1 ||
        info.ppm_x != ppm || info.ppm_y != ppm)
        ok = 0;
    for (y = 0; ok && y < side; y++) {
        for (x = 0; x < side; x++) {
            int mr = y / px - FF_QR_QUIET, mc = x / px - FF_QR_QUIET;
            int dark = mr >= 0 && mr < q->width && mc >= 0 &&
                       mc < q->width &&
                       q->dark[(size_t)mr * (size_t)q->width + (size_t)mc];

            if (pix[(size_t)y * (size_t)side + (size_t)x] != !dark) {
                ok = 0;
                break;
            }
        }
    }
    ff_free(pix);
    return ok;
}

/* Encode, write and decode every code with config c. */
static void round_trip(const struct ff_payload_cfg *c, char (*codes)[12],
                       int n, const char *tag)
{
    char payload[512], got[600], path[512];
    struct ff_err e;
    int i, fails = 0, structure = 0, depth_bad = 0, v_max = 0;

    for (i = 0; i < n; i++) {
        struct ff_qr *q;
        int depth = 0, ctype = -1;

        ff_err_clear(&e);
        if (ff_payload_build(c, codes[i], payload, sizeof payload, &e) !=
            FF_OK) {
            fails++;
            continue;
        }
        q = ff_qr_encode(payload, ff_payload_level(c),
                         ff_payload_max_version(c), &e);
        if (q == NULL) {
            fails++;
            continue;
        }
        if (q->version > v_max)
            v_max = q->version;
        snprintf(path, sizeof path, "%s/%s-%s.png", tmpdir, tag, codes[i]);
        if (ff_qr_write_png(q, path, 300, 0.5, &e) != FF_OK ||
            zbar(path, got, sizeof got) != 0 || strcmp(got, payload) != 0) {
            if (fails++ < 3)
                fprintf(stderr, "  %s: wrote '%s', read '%s' (%s)\n", path,
                        payload, got, e.msg);
        }
        if (ihdr(path, &depth, &ctype) != 0 || depth != 1 || ctype != 0)
            depth_bad++;
        /* 0.5 mm at 300 dpi is 5.9 pixels: 6 per module. */
        if (i % 25 == 0 && !png_matches(path, q, 300, 6))
            structure++;
        ff_qr_free(q);
        unlink(path);
    }
    CHECK_INT(fails, 0);
    CHECK_INT(depth_bad, 0);
    CHECK_INT(structure, 0);
    CHECK(v_max >= 1 && v_max <= 6);
}

static void test_households(char (*codes)[12], int n)
{
    struct ff_payload_cfg *c;
    struct ff_err e;
    char conf[512], key[512];
    FILE *f;

    ff_err_clear(&e);
    c = ff_payload_cfg_load("templates/qr.conf", NULL, &e);
    CHECK(c != NULL);
    if (c != NULL)
        round_trip(c, codes, n, "plain");
    ff_payload_cfg_free(c);

    snprintf(key, sizeof key, "%s/province.key", tmpdir);
    snprintf(conf, sizeof conf, "%s/kobo.conf", tmpdir);
    CHECK_INT(ff_key_create(key, &e), FF_OK);
    f = fopen(conf, "w");
    if (f != NULL) {
        fputs("mode = url\nurl = " KOBO "{token}\n"
              "key_file = province.key\n", f);
        fclose(f);
    }
    c = ff_payload_cfg_load(conf, NULL, &e);
    CHECK(c != NULL);
    if (c != NULL) {
        CHECK(ff_payload_has_key(c));
        round_trip(c, codes, n, "kobo");
    }
    ff_payload_cfg_free(c);
    unlink(key);
    unlink(conf);
}

static void test_encode(void)
{
    char big[4000];
    struct ff_qr *q;
    struct ff_err e;
    long dark = 0;
    int i;

    ff_err_clear(&e);
    /* The smallest version: a 13-byte token fits version 1 at M. */
    q = ff_qr_encode("24050612765-1", 'M', 6, &e);
    CHECK(q != NULL);
    if (q != NULL) {
        CHECK_INT(q->version, 1);
        CHECK_INT(q->width, 21);
        for (i = 0; i < q->width * q->width; i++)
            CHECK(q->dark[i] <= 1);
    }
    ff_qr_free(q);
    /* Case is kept: 8-bit mode, not alphanumeric upper-casing. */
    q = ff_qr_encode("https://Example.org/?a=Bc", 'L', 0, &e);
    CHECK(q != NULL);
    ff_qr_free(q);
    ff_qr_free(NULL);

    memset(big, 'x', sizeof big);
    big[200] = '\0';
    q = ff_qr_encode(big, 'M', 6, &e);
    CHECK(q == NULL);
    CHECK_INT(e.code, FF_EINPUT);
    CHECK_STR(e.msg, "QR payload of 200 bytes needs version 10 at level M, "
                     "above the maximum version 6; shorten the payload or "
                     "lower the error-correction level");
    ff_err_clear(&e);
    q = ff_qr_encode(big, 'M', 0, &e);    /* no limit */
    CHECK(q != NULL && q->version == 10);
    ff_qr_free(q);
    /* Larger than version 40 at H holds: libqrencode's ERANGE. */
    big[200] = 'x';
    big[sizeof big - 1] = '\0';
    q = ff_qr_encode(big, 'H', 0, &e);
    CHECK(q == NULL);
    CHECK_INT(e.code, FF_EINPUT);
    CHECK(strstr(e.msg, "3999 bytes is too large for any QR version") !=
          NULL);
    ff_err_clear(&e);
    CHECK(ff_qr_encode("x", 'X', 6, &e) == NULL);
    CHECK(strstr(e.msg, "level 'X'") != NULL);
    ff_err_clear(&e);
    CHECK(ff_qr_encode("", 'M', 6, &e) == NULL);
    CHECK_STR(e.msg, "empty QR payload");
    ff_err_clear(&e);
    CHECK(ff_qr_encode("x", 'M', 41, &e) == NULL);
    CHECK_INT(e.code, FF_EINPUT);

    /* One rectangle per run is far fewer than one per dark module. */
    ff_err_clear(&e);
    q = ff_qr_encode(KOBO "24050612765-1-ABCDEF", 'M', 6, &e);
    CHECK(q != NULL);
    if (q != NULL) {
        size_t runs = ff_qr_dark_runs(q, NULL, NULL);

        for (i = 0; i < q->width * q->width; i++)
            dark += q->dark[i];
        CHECK(runs > 0 && (long)runs * 3 < dark * 2);
        if (!((long)runs * 3 < dark * 2))
            fprintf(stderr, "  %zu runs for %ld dark modules\n", runs, dark);
    }
    ff_qr_free(q);
}

/* Callback state for test_runs. */
struct runs_ctx {
    const struct ff_qr *q;
    unsigned char *seen;
    int bad;
};

static void on_run(void *p, int row, int col, int len)
{
    struct runs_ctx *c = p;
    const unsigned char *r = c->q->dark + (size_t)row * (size_t)c->q->width;
    int i;

    if (len < 1 || (col > 0 && r[col - 1]) ||
        (col + len < c->q->width && r[col + len]))
        c->bad++;
    for (i = col; i < col + len; i++) {
        if (!r[i] || c->seen[(size_t)row * (size_t)c->q->width + (size_t)i])
            c->bad++;
        c->seen[(size_t)row * (size_t)c->q->width + (size_t)i] = 1;
    }
}

static void test_runs(void)
{
    struct runs_ctx c;
    struct ff_qr *q;
    struct ff_err e;
    size_t i, n;

    ff_err_clear(&e);
    q = ff_qr_encode(KOBO "24050612765-1-ABCDEF", 'M', 6, &e);
    CHECK(q != NULL);
    if (q == NULL)
        return;
    n = (size_t)q->width * (size_t)q->width;
    c.q = q;
    c.bad = 0;
    c.seen = ff_calloc(n, 1);
    CHECK(c.seen != NULL);
    if (c.seen != NULL) {
        ff_qr_dark_runs(q, on_run, &c);
        CHECK_INT(c.bad, 0);
        for (i = 0; i < n; i++)
            if (c.seen[i] != q->dark[i])
                c.bad++;
        CHECK_INT(c.bad, 0);
    }
    ff_free(c.seen);
    ff_qr_free(q);
}

static void test_png_errors(void)
{
    char path[600], dir[512], got[256], want[600];
    struct ff_qr *q;
    struct ff_err e;
    struct stat st;
    int before;
    FILE *f;

    ff_err_clear(&e);
    q = ff_qr_encode("24050612765-1", 'M', 6, &e);
    CHECK(q != NULL);
    if (q == NULL)
        return;

    /* A folder that does not exist: the path and strerror in the error. */
    snprintf(path, sizeof path, "%s/no-such-dir/a.png", tmpdir);
    before = count_entries(tmpdir);
    CHECK_INT(ff_qr_write_png(q, path, 300, 0.5, &e), FF_ESYS);
    CHECK_STR(e.file, path);
    CHECK(strstr(e.msg, strerror(ENOENT)) != NULL);
    CHECK(strstr(e.msg, "cannot create") != NULL);
    CHECK_INT(count_entries(tmpdir), before);

    /* The target is a folder: the rename fails after a complete write. */
    snprintf(path, sizeof path, "%s/target.png", tmpdir);
    CHECK(mkdir(path, 0755) == 0);
    before = count_entries(tmpdir);
    ff_err_clear(&e);
    CHECK_INT(ff_qr_write_png(q, path, 300, 0.5, &e), FF_ESYS);
    CHECK_STR(e.file, path);
    CHECK(strstr(e.msg, "cannot rename") != NULL);
    CHECK(strstr(e.msg, strerror(EISDIR)) != NULL);
    CHECK_INT(count_entries(tmpdir), before);   /* no temporary left */
    CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    rmdir(path);

    /* A read-only folder (root may write anyway, so only as a user). */
    snprintf(dir, sizeof dir, "%s/ro", tmpdir);
    CHECK(mkdir(dir, 0555) == 0);
    snprintf(path, sizeof path, "%s/a.png", dir);
    ff_err_clear(&e);
    if (geteuid() != 0) {
        CHECK_INT(ff_qr_write_png(q, path, 300, 0.5, &e), FF_ESYS);
        CHECK(strstr(e.msg, strerror(EACCES)) != NULL);
        CHECK_INT(count_entries(dir), 0);
    }
    rmdir(dir);

    /* Out of memory half-way: an existing target keeps its content. */
    snprintf(path, sizeof path, "%s/keep.png", tmpdir);
    f = fopen(path, "w");
    if (f != NULL) {
        fputs("old", f);
        fclose(f);
    }
    before = count_entries(tmpdir);
    {
        long n;
        int ok = 0, bad = 0;

        for (n = 1; n < 100 && !ok; n++) {
            int rc;

            ff_err_clear(&e);
            ff_alloc_fail_after(n);
            rc = ff_qr_write_png(q, path, 300, 0.5, &e);
            ff_alloc_fail_after(0);
            if (rc == FF_OK) {
                ok = 1;
                break;
            }
            if (rc != FF_ESYS || strstr(e.msg, "out of memory") == NULL ||
                strcmp(e.file, path) != 0)
                bad++;
            f = fopen(path, "r");
            got[0] = '\0';
            if (f != NULL) {
                if (fgets(got, sizeof got, f) == NULL)
                    got[0] = '\0';
                fclose(f);
            }
            if (strcmp(got, "old") != 0 || count_entries(tmpdir) != before)
                bad++;
        }
        CHECK(ok);
        CHECK(n > 1);
        CHECK_INT(bad, 0);
        CHECK(png_matches(path, q, 300, 6));
    }
    unlink(path);

    /*
     * A write that fails half-way (the file-size limit stands in for a
     * full disk, and works as root too): the error names the temporary
     * file and strerror, and the old target survives.
     */
    f = fopen(path, "w");
    if (f != NULL) {
        fputs("old", f);
        fclose(f);
    }
    before = count_entries(tmpdir);
    {
        struct rlimit old, small;
        void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);

        CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
        small = old;
        small.rlim_cur = 40;    /* signature + IHDR fit, the rest not */
        CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
        ff_err_clear(&e);
        CHECK_INT(ff_qr_write_png(q, path, 300, 0.5, &e), FF_ESYS);
        setrlimit(RLIMIT_FSIZE, &old);
        signal(SIGXFSZ, prev);
        CHECK_STR(e.file, path);
        CHECK(strstr(e.msg, "cannot write") != NULL);
        CHECK(strstr(e.msg, strerror(EFBIG)) != NULL);
        CHECK_INT(count_entries(tmpdir), before);
        f = fopen(path, "r");
        got[0] = '\0';
        if (f != NULL) {
            if (fgets(got, sizeof got, f) == NULL)
                got[0] = '\0';
            fclose(f);
        }
        CHECK_STR(got, "old");
    }
    unlink(path);

    /* Arguments out of range. */
    ff_err_clear(&e);
    CHECK_INT(ff_qr_write_png(q, path, 0, 0.5, &e), FF_EINPUT);
    ff_err_clear(&e);
    CHECK_INT(ff_qr_write_png(q, path, 300, 0, &e), FF_EINPUT);
    ff_err_clear(&e);
    CHECK_INT(ff_qr_write_png(q, path, 10000, 100, &e), FF_EINPUT);
    CHECK(strstr(e.msg, "pixels wide") != NULL);
    ff_err_clear(&e);
    CHECK_INT(ff_qr_write_png(NULL, path, 300, 0.5, &e), FF_EINTERNAL);

    /* A tiny module is one pixel, not zero. */
    ff_err_clear(&e);
    CHECK_INT(ff_qr_write_png(q, path, 72, 0.01, &e), FF_OK);
    CHECK(png_matches(path, q, 72, 1));
    unlink(path);

    /* Reading something that is not a PNG. */
    f = fopen(path, "w");
    if (f != NULL) {
        fputs("not a png", f);
        fclose(f);
    }
    {
        struct ff_png_info info;
        unsigned char *pix = NULL;

        ff_err_clear(&e);
        CHECK_INT(ff_qr_read_png(path, &info, &pix, &e), FF_EINPUT);
        CHECK(pix == NULL);
        snprintf(want, sizeof want, "%s", path);
        CHECK_STR(e.file, want);
    }
    unlink(path);
    ff_qr_free(q);
}

/* Out of memory in the encoder is an error, never a crash or a leak. */
static void test_encode_oom(void)
{
    struct ff_err e;
    long n;
    int ok = 0, bad = 0;

    for (n = 1; n < 50 && !ok; n++) {
        struct ff_qr *q;

        ff_err_clear(&e);
        ff_alloc_fail_after(n);
        q = ff_qr_encode(KOBO "24050612765-1", 'M', 6, &e);
        ff_alloc_fail_after(0);
        if (q != NULL)
            ok = 1;
        else if (e.code != FF_ESYS || strstr(e.msg, "out of memory") == NULL)
            bad++;
        ff_qr_free(q);
    }
    CHECK(ok);
    CHECK(n > 2);
    CHECK_INT(bad, 0);
}

int main(void)
{
    static char codes[MAX_CODES][12];
    char cmd[600];
    int n;

    if (check_tmpdir(tmpdir, sizeof tmpdir, "qr"))
        return 1;
    n = load_codes(codes, MAX_CODES);
    CHECK(n >= 300);
    test_encode();
    test_runs();
    test_encode_oom();
    test_png_errors();
    test_households(codes, n);

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return check_done("test_qr");
}
