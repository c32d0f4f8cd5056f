/*
 * qr.c - encoding QR payloads (ISO/IEC 18004) through libqrencode.
 *
 * The only file that includes qrencode.h.  It turns libqrencode's symbol
 * (one byte per module, bit 0 = dark, plus bits we do not use) into our
 * struct ff_qr of plain 0/1 modules allocated with ff_malloc, and its errno
 * convention into struct ff_err.  Payloads are short (a token or a form URL,
 * at most a few hundred bytes) and are encoded once per printed page.
 * Debian's libqrencode is built with pthread support (it locks its shared
 * tables), so ff_qr_encode may be called from several worker threads.
 */
#include "qr.h"

#include <errno.h>
#include <string.h>

#include <qrencode.h>

#include "alloc.h"

static int level_of(char level, QRecLevel *out)
{
    switch (level) {
    case 'L':
        *out = QR_ECLEVEL_L;
        return 0;
    case 'M':
        *out = QR_ECLEVEL_M;
        return 0;
    case 'Q':
        *out = QR_ECLEVEL_Q;
        return 0;
    case 'H':
        *out = QR_ECLEVEL_H;
        return 0;
    default:
        return -1;
    }
}

struct ff_qr *ff_qr_encode(const char *payload, char level, int max_version,
                           struct ff_err *e)
{
    struct ff_qr *q = NULL;
    QRcode *code = NULL;
    QRecLevel lv;
    size_t len, n, i;
    int saved;

    if (level_of(level, &lv) < 0) {
        ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                   "unknown QR error-correction level '%c' (want L, M, Q "
                   "or H)", level >= 0x20 && level < 0x7f ? level : '?');
        return NULL;
    }
    if (payload == NULL || payload[0] == '\0') {
        ff_err_set(e, FF_EINPUT, NULL, 0, 0, "empty QR payload");
        return NULL;
    }
    if (max_version < 0 || max_version > 40) {
        ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                   "QR max version %d out of range 0..40", max_version);
        return NULL;
    }
    len = strlen(payload);
    /*
     * Version 0 asks for the smallest version that fits; 8-bit mode keeps
     * the payload byte for byte (the case of a URL matters) instead of
     * letting libqrencode pick modes.  libqrencode reports through errno,
     * which the next library call may overwrite: copy it straight away.
     */
    errno = 0;
    code = QRcode_encodeString8bit(payload, 0, lv);
    saved = errno;
    if (code == NULL) {
        if (saved == ERANGE)
            ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                       "QR payload of %zu bytes is too large for any QR "
                       "version at level %c", len, level);
        else if (saved == ENOMEM)
            ff_err_set(e, FF_ESYS, NULL, 0, 0,
                       "cannot encode QR payload: %s", strerror(saved));
        else
            ff_err_set(e, FF_EINTERNAL, NULL, 0, 0,
                       "libqrencode failed on a payload of %zu bytes: %s",
                       len, saved ? strerror(saved) : "unknown error");
        return NULL;
    }
    if (max_version > 0 && code->version > max_version) {
        ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                   "QR payload of %zu bytes needs version %d at level %c, "
                   "above the maximum version %d; shorten the payload or "
                   "lower the error-correction level", len, code->version,
                   level, max_version);
        goto out;
    }
    q = ff_malloc(sizeof *q);
    if (q == NULL) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory encoding QR code");
        goto out;
    }
    n = (size_t)code->width * (size_t)code->width;
    q->dark = ff_malloc(n);
    if (q->dark == NULL) {
        ff_free(q);
        q = NULL;
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory encoding QR code");
        goto out;
    }
    q->version = code->version;
    q->width = code->width;
    /* Bit 0 of each libqrencode byte is the module colour (qrencode.h). */
    for (i = 0; i < n; i++)
        q->dark[i] = code->data[i] & 1;
out:
    QRcode_free(code);
    return q;
}

void ff_qr_free(struct ff_qr *q)
{
    if (q == NULL)
        return;
    ff_free(q->dark);
    ff_free(q);
}

size_t ff_qr_dark_runs(const struct ff_qr *q,
                       void (*fn)(void *ctx, int row, int col, int len),
                       void *ctx)
{
    size_t runs = 0;
    int r, c;

    for (r = 0; r < q->width; r++) {
        const unsigned char *row = q->dark + (size_t)r * (size_t)q->width;

        for (c = 0; c < q->width;) {
            int start;

            if (!row[c]) {
                c++;
                continue;
            }
            start = c;
            while (c < q->width && row[c])
                c++;
            if (fn != NULL)
                fn(ctx, r, start, c - start);
            runs++;
        }
    }
    return runs;
}
