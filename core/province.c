/*
 * province.c - templates/province.conf (see province.h).  The line
 * conventions are those of qr.conf and register-columns.map; when the
 * shared config-line reader (core/conf) lands, this parser moves onto it.
 */
#include "province.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "paths.h"
#include "utf8.h"

static const char *const keys[] = {"office", "signer", "position"};

static char *field(struct ff_province *pv, int k)
{
    return k == 0 ? pv->office : k == 1 ? pv->signer : pv->position;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int parse_line(struct ff_province *pv, int *seen, const char *path,
                      long no, const char *s, const char *end,
                      struct ff_err *e)
{
    const char *p = s, *eq, *k0, *k1, *v0, *v1;
    int k;

    while (p < end && is_blank(*p))
        p++;
    if (p == end || *p == '#')
        return FF_OK;
    eq = memchr(p, '=', (size_t)(end - p));
    if (eq == NULL)
        return ff_err_set(e, FF_EINPUT, path, no, (long)(p - s) + 1,
                          "expected 'key = value'");
    k0 = p;
    k1 = eq;
    while (k1 > k0 && is_blank(k1[-1]))
        k1--;
    for (k = 0; k < 3; k++)
        if (strlen(keys[k]) == (size_t)(k1 - k0) &&
            memcmp(keys[k], k0, (size_t)(k1 - k0)) == 0)
            break;
    if (k == 3)
        return ff_err_set(e, FF_EINPUT, path, no, (long)(k0 - s) + 1,
                          "unknown key '%.*s' (office, signer, position)",
                          (int)(k1 - k0 > 40 ? 40 : k1 - k0), k0);
    if (seen[k])
        return ff_err_set(e, FF_EINPUT, path, no, (long)(k0 - s) + 1,
                          "'%s' is set twice (first on line %d)", keys[k],
                          seen[k]);
    seen[k] = (int)no;
    v0 = eq + 1;
    while (v0 < end && is_blank(*v0))
        v0++;
    v1 = end;
    while (v1 > v0 && is_blank(v1[-1]))
        v1--;
    if ((size_t)(v1 - v0) >= FF_PROVINCE_VALUE)
        return ff_err_set(e, FF_EINPUT, path, no, (long)(v0 - s) + 1,
                          "value longer than %d bytes", FF_PROVINCE_VALUE - 1);
    memcpy(field(pv, k), v0, (size_t)(v1 - v0));
    field(pv, k)[v1 - v0] = '\0';
    return FF_OK;
}

int ff_province_load(struct ff_province *pv, const char *path,
                     struct ff_err *e)
{
    char def[1024], chunk[4096];
    struct ff_buf b;
    int seen[3] = {0, 0, 0};
    const char *p, *end;
    size_t n, bad;
    long no = 0;
    FILE *f;
    int rc = FF_OK;

    memset(pv, 0, sizeof *pv);
    if (path == NULL) {
        path = ff_template_path("province.conf", def, sizeof def);
        f = fopen(path, "rb");
        if (f == NULL && errno == ENOENT)
            return FF_OK;
    } else {
        f = fopen(path, "rb");
    }
    if (f == NULL)
        return ff_err_sys(e, path, "cannot open province settings");
    ff_buf_init(&b);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (ff_buf_add(&b, chunk, n) < 0) {
            rc = ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
            goto out;
        }
    if (ferror(f)) {
        rc = ff_err_sys(e, path, "cannot read province settings");
        goto out;
    }
    p = b.data ? b.data : "";
    end = p + b.len;
    if (b.len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *stop = eol ? eol : end;

        no++;
        if (stop > p && stop[-1] == '\r')
            stop--;
        bad = ff_utf8_invalid_at(p, (size_t)(stop - p));
        if (bad != (size_t)(stop - p) || memchr(p, '\0', (size_t)(stop - p))) {
            rc = ff_err_set(e, FF_EINPUT, path, no, (long)bad + 1,
                            "not valid UTF-8 text");
            goto out;
        }
        if ((rc = parse_line(pv, seen, path, no, p, stop, e)) != FF_OK)
            goto out;
        p = eol ? eol + 1 : end;
    }
out:
    fclose(f);
    ff_buf_release(&b);
    if (rc != FF_OK)
        memset(pv, 0, sizeof *pv);
    return rc;
}
