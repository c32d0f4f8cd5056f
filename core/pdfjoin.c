/*
 * pdfjoin.c - ff_pdf_join through libqpdf's C API: an empty document, every
 * page of every part added in order (qpdf copies each page's resources, and
 * fonts shared by a part's pages are copied once per part), written without
 * object streams so that its bytes match what libharu writes.
 */
#include "pdfjoin.h"

#include <qpdf/qpdf-c.h>

#include "alloc.h"

static int qerr(qpdf_data q, const char *what, const char *file,
                struct ff_err *e)
{
    const char *msg = "unknown error";

    if (q && qpdf_has_error(q))
        msg = qpdf_get_error_full_text(q, qpdf_get_error(q));
    return ff_err_set(e, FF_ESYS, file, 0, 0, "joining PDF parts: %s: %s",
                      what, msg);
}

int ff_pdf_join(const char *const *parts, size_t n, const char *out,
                struct ff_err *e)
{
    qpdf_data dst = qpdf_init(), *src;
    size_t i;
    int rc = FF_OK;

    src = ff_calloc(n ? n : 1, sizeof *src);
    if (dst == NULL || src == NULL) {
        ff_free(src);
        if (dst)
            qpdf_cleanup(&dst);
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    }
    qpdf_silence_errors(dst);
    if (qpdf_empty_pdf(dst) & QPDF_ERRORS) {
        rc = qerr(dst, "starting", out, e);
        goto out;
    }
    for (i = 0; i < n; i++) {
        int np, k;

        if ((src[i] = qpdf_init()) == NULL) {
            rc = ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
            goto out;
        }
        qpdf_silence_errors(src[i]);
        if (qpdf_read(src[i], parts[i], NULL) & QPDF_ERRORS) {
            rc = qerr(src[i], "reading", parts[i], e);
            goto out;
        }
        if ((np = qpdf_get_num_pages(src[i])) < 0) {
            rc = qerr(src[i], "reading pages", parts[i], e);
            goto out;
        }
        for (k = 0; k < np; k++)
            if (qpdf_add_page(dst, src[i], qpdf_get_page_n(src[i], (size_t)k),
                              QPDF_FALSE) & QPDF_ERRORS) {
                rc = qerr(dst, "adding a page", parts[i], e);
                goto out;
            }
    }
    if ((qpdf_init_write(dst, out) & QPDF_ERRORS)) {
        rc = qerr(dst, "writing", out, e);
        goto out;
    }
    qpdf_set_object_stream_mode(dst, qpdf_o_disable);
    qpdf_set_deterministic_ID(dst, QPDF_TRUE);
    if (qpdf_write(dst) & QPDF_ERRORS)
        rc = qerr(dst, "writing", out, e);
out:
    qpdf_cleanup(&dst);
    for (i = 0; i < n; i++)
        if (src[i])
            qpdf_cleanup(&src[i]);
    ff_free(src);
    return rc;
}
