/*
 * test_pdf_cache.c - the per-worker font cache of core/pdf_font.c.
 *
 * One ff_pdf writes many documents; from the second on, the font streams
 * (CIDToGIDMap, ToUnicode, FontFile2) are cached bytes, not libharu's.  The
 * checks: documents written one after the other by one ff_pdf each extract
 * with their own household's text, pass qpdf --check with poppler silent,
 * embed both fonts; every page renders pixel for pixel like the same page
 * written with the cache off (so every glyph drawn has its outline in the
 * cached font file); and a document with a code outside the cached glyph set
 * falls back to libharu's subsetting, correctly, without disturbing the
 * documents after it.  Part of each page is a clip (ff_pdf_clip_*): drawn
 * in the first document, replayed in the others, with glyphs only it uses.
 */
#include "check.h"
#include "pdftools.h"

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "pdf.h"
#include "text.h"

static const char *const heads[] = {
    "นายสมชาย ใจดี", "นางสาวญาณิศา ฐิติพงษ์", "ด.ช. ปิ่นปั้น ผู้ใหญ่", "Mr. QR 42/7",
};

/* The same for every household: kept once, replayed after (static key). */
static const char static_key;
static const char static_text[] = "ระฆังทองคำ ตารางบันทึก";

static int draw_static(struct ff_pdf *p, struct ff_err *e)
{
    struct ff_text_style st = {FF_FONT_BOLD, 16, 0x333333, FF_ALIGN_LEFT, 0};
    int r = ff_pdf_clip_replay(p, &static_key, e);

    if (r != 0)
        return r > 0 ? FF_OK : e->code;
    if (ff_pdf_clip_begin(p, e) ||
        ff_text_line(p, &st, 60, 300, static_text, strlen(static_text), e))
        return e->code;
    ff_pdf_dashed_line(p, 60, 310, 400, 310, 0.5, 0x808080);
    ff_pdf_fill_rect(p, 420, 290, 30, 20, 0xE6ECF2);
    return ff_pdf_clip_end(p, &static_key, e);
}

/* A household's document: its head's name in both faces, and graphics. */
static int make_doc(struct ff_pdf *p, const char *head, struct ff_err *e)
{
    struct ff_text_style st = {FF_FONT_REGULAR, 14, 0, FF_ALIGN_LEFT, 0};
    static const char body[] =
        "ที่อยู่ บ้านเลขที่ ๑๖๒ หมู่ที่ ๓ ตำบลหน้าเมือง น้ำ ป่า ฟ้า ฎีกา "
        "รายได้เฉลี่ย 13,048 บาท/คน/ปี (จปฐ.)";
    int rc;

    if ((rc = ff_pdf_begin(p, e)) || (rc = ff_pdf_set_title(p, "t", e)) ||
        (rc = ff_pdf_add_page(p, FF_A4_W, FF_A4_H, e)))
        return rc;
    if ((rc = ff_text_line(p, &st, 50, 60, head, strlen(head), e)) ||
        (rc = draw_static(p, e)))
        return rc;
    ff_pdf_rect(p, 40, 40, 300, 60, 1, 0x0000ff);
    if (ff_text_box(p, &st, 50, 120, 500, 0, body, strlen(body), NULL, e) < 0)
        return e->code;
    if ((rc = ff_pdf_add_page(p, FF_A4_W, FF_A4_H, e)))
        return rc;
    st.font = FF_FONT_BOLD;
    return ff_text_line(p, &st, 50, 60, head, strlen(head), e);
}

static void save_doc(struct ff_pdf *p, const char *head, const char *path)
{
    struct ff_err e;

    ff_err_clear(&e);
    CHECK_INT(make_doc(p, head, &e), FF_OK);
    CHECK_INT(ff_pdf_save(p, path, &e), FF_OK);
}

/* qpdf accepts path, poppler is silent, and the text holds want. */
static void check_doc(const char *path, const char *want)
{
    struct ff_buf out, err;
    char cmd[1024];

    ff_buf_init(&out);
    ff_buf_init(&err);
    snprintf(cmd, sizeof cmd, "qpdf --check '%s'", path);
    CHECK_INT(pt_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' -", path);
    CHECK_INT(pt_run(cmd, &out, &err), 0);
    CHECK(out.data && strstr(out.data, want) != NULL);
    CHECK(out.data && strstr(out.data, "น้ำ ป่า ฟ้า ฎีกา") != NULL);
    CHECK(out.data && strstr(out.data, static_text) != NULL);
    CHECK_INT((int)err.len, 0);
    ff_buf_reset(&out);
    snprintf(cmd, sizeof cmd, "pdffonts '%s'", path);
    CHECK_INT(pt_run(cmd, &out, &err), 0);
    /* Both faces, embedded, with ToUnicode. */
    CHECK(out.data && strstr(out.data, "Laksaman ") != NULL);
    CHECK(out.data && strstr(out.data, "Laksaman-Bold") != NULL);
    CHECK(out.data && strstr(out.data, "yes yes yes") != NULL);
    CHECK(out.data && strstr(out.data, " no ") == NULL);
    CHECK_INT((int)err.len, 0);
    ff_buf_release(&out);
    ff_buf_release(&err);
}

/* Both pages of a and b render to the same pixels. */
static void check_same_pixels(const char *dir, const char *a, const char *b)
{
    char cmd[2048];

    snprintf(cmd, sizeof cmd,
             "pdftoppm -r 72 -gray '%s' '%s/ra' && "
             "pdftoppm -r 72 -gray '%s' '%s/rb' && "
             "cmp -s '%s/ra-1.pgm' '%s/rb-1.pgm' && "
             "cmp -s '%s/ra-2.pgm' '%s/rb-2.pgm'",
             a, dir, b, dir, dir, dir, dir, dir);
    CHECK_INT(pt_run(cmd, NULL, NULL), 0);
}

int main(void)
{
    struct ff_pdf_opts off = {0};
    struct ff_pdf *p, *ref;
    struct ff_err e;
    char dir[256], path[512], refpath[512];
    size_t i, n = sizeof heads / sizeof heads[0];

    CHECK(pt_tmpdir(dir, sizeof dir) == 0);
    ff_err_clear(&e);
    p = ff_pdf_new(NULL, &e);
    off.no_font_cache = 1;
    ref = ff_pdf_new(&off, &e);
    CHECK(p != NULL && ref != NULL);
    if (p == NULL || ref == NULL)
        goto out;
    /* Twice round: the second time every stream comes from a warm cache. */
    for (i = 0; i < 2 * n; i++) {
        snprintf(path, sizeof path, "%s/hh%zu.pdf", dir, i);
        snprintf(refpath, sizeof refpath, "%s/ref%zu.pdf", dir, i);
        save_doc(p, heads[i % n], path);
        save_doc(ref, heads[i % n], refpath);
        check_doc(path, heads[i % n]);
        check_same_pixels(dir, path, refpath);
    }
    /* é is outside the cached set: libharu subsets this one itself. */
    snprintf(path, sizeof path, "%s/foreign.pdf", dir);
    snprintf(refpath, sizeof refpath, "%s/foreign-ref.pdf", dir);
    save_doc(p, "Café นายเอ", path);
    save_doc(ref, "Café นายเอ", refpath);
    check_doc(path, "Café นายเอ");
    check_same_pixels(dir, path, refpath);
    /* And the cache still serves the next document. */
    snprintf(path, sizeof path, "%s/after.pdf", dir);
    snprintf(refpath, sizeof refpath, "%s/after-ref.pdf", dir);
    save_doc(p, heads[1], path);
    save_doc(ref, heads[1], refpath);
    check_doc(path, heads[1]);
    check_same_pixels(dir, path, refpath);
out:
    ff_pdf_free(p);
    ff_pdf_free(ref);
    pt_rmdir(dir);
    return check_done("test_pdf_cache");
}
