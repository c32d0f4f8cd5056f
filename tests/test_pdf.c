/*
 * test_pdf.c - documents, fonts, saving, outlines and threads.
 *
 * Checks the PDF with qpdf and poppler: version 1.5, the Thai title and
 * bookmarks read back as Thai, saving is atomic (the target is untouched on
 * failure and no temporary is left behind), the fonts are parsed once per
 * ff_pdf (documents still embed them after the font files are gone), and
 * two ff_pdf used from two threads at once write the same bytes as one.
 * A document begun with ff_pdf_begin_file (district packets) reads back the
 * same as one saved whole, and its live heap does not grow with its pages.
 */
#include "check.h"
#include "pdftools.h"

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "pdf.h"
#include "text.h"

#include <dirent.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>

#ifdef __SANITIZE_ADDRESS__
/* ASan's allocator (mallinfo2 reads zeros under it); gcc-12 ships no
 * <sanitizer/allocator_interface.h>, the runtime has the function. */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

static const char *title = "ทะเบียนครัวเรือนเป้าหมาย ๒๕๖๘";
static const char *para =
    "ด้วยกรมการพัฒนาชุมชนได้ดำเนินการสำรวจข้อมูลความจำเป็นพื้นฐาน (จปฐ.) "
    "ประจำปี พ.ศ. ๒๕๖๘ นายสมชาย ใจดี 38,000 บาท/คน/ปี ฯลฯ";

/* A small document with text, graphics and bookmarks. */
static int make_doc(struct ff_pdf *p, int serial, struct ff_err *e)
{
    struct ff_text_style st = {FF_FONT_REGULAR, 14, 0, FF_ALIGN_LEFT, 0};
    char line[128];
    int top, rc;

    if ((rc = ff_pdf_begin(p, e)) || (rc = ff_pdf_set_title(p, title, e)) ||
        (rc = ff_pdf_add_page(p, FF_A4_W, FF_A4_H, e)))
        return rc;
    snprintf(line, sizeof line, "ครัวเรือนที่ %d ผู้ใหญ่บ้าน", serial);
    if ((rc = ff_text_line(p, &st, 50, 60, line, strlen(line), e)))
        return rc;
    ff_pdf_line(p, 50, 70, 300, 70, 0.5, 0x000000);
    ff_pdf_dashed_line(p, 50, 80, 300, 80, 0.5, 0x808080);
    ff_pdf_rect(p, 40, 40, 300, 60, 1, 0x0000ff);
    ff_pdf_fill_rect(p, 400, 40, 20, 20, 0xff0000);
    for (int i = 0; i < 10; i++)
        ff_pdf_path_rect(p, 400 + i * 4, 100 + (i % 3) * 4, 4, 4);
    ff_pdf_path_fill(p, 0x000000);
    st.align = FF_ALIGN_JUSTIFY;
    if (ff_text_box(p, &st, 50, 120, 300, 0, para, strlen(para), NULL, e) < 0)
        return e->code;
    if ((rc = ff_pdf_add_page(p, FF_A4_W, FF_A4_H, e)))
        return rc;
    st.align = FF_ALIGN_LEFT;
    st.font = FF_FONT_BOLD;
    if ((rc = ff_text_line(p, &st, 50, 60, "แบบสำรวจ", strlen("แบบสำรวจ"), e)))
        return rc;
    top = ff_pdf_outline_add(p, 0, "ส่วนที่ ๑ ข้อมูลครัวเรือน", 0, e);
    if (top <= 0 || ff_pdf_outline_add(p, top, "แบบสำรวจ (page 2)", 1, e) <= 0)
        return e->code;
    return FF_OK;
}

static void test_errors(const char *dir)
{
    struct ff_pdf_opts o = {0};
    struct ff_err e;
    char want[512], msg[1024];
    struct ff_pdf *p;

    /* A missing font names the path. */
    ff_err_clear(&e);
    o.font_dir = dir;
    p = ff_pdf_new(&o, &e);
    CHECK(p == NULL);
    CHECK_INT(e.code, FF_ESYS);
    snprintf(want, sizeof want, "%s/Laksaman.ttf", dir);
    CHECK_STR(e.file, want);
    ff_err_str(&e, msg, sizeof msg);
    CHECK(strstr(msg, "No such file or directory") != NULL);

    /* $FFKIT_FONT_DIR is used when opts say nothing, and opts win over it. */
    setenv("FFKIT_FONT_DIR", "/nonexistent/fonts", 1);
    ff_err_clear(&e);
    CHECK(ff_pdf_new(NULL, &e) == NULL);
    CHECK_STR(e.file, "/nonexistent/fonts/Laksaman.ttf");
    ff_err_clear(&e);
    o.font_dir = FF_FONT_DIR;
    o.bold = "NoSuchBold.ttf";
    CHECK(ff_pdf_new(&o, &e) == NULL);
    CHECK_STR(e.file, FF_FONT_DIR "/NoSuchBold.ttf");
    unsetenv("FFKIT_FONT_DIR");

    /* Not a font at all. */
    ff_err_clear(&e);
    o.font_dir = NULL;
    o.regular = "/etc/hostname";
    o.bold = NULL;
    CHECK(ff_pdf_new(&o, &e) == NULL);
    CHECK_INT(e.code, FF_EINPUT);
    CHECK_STR(e.file, "/etc/hostname");
    CHECK(strstr(e.msg, "TrueType") != NULL);
    ff_pdf_free(NULL);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void test_save(struct ff_pdf *p, const char *dir)
{
    struct ff_err e;
    char path[512], bad[512], cmd[2048];
    struct ff_buf out, err;
    struct stat sb;
    char *data;
    size_t len;
    int before;

    ff_err_clear(&e);
    snprintf(path, sizeof path, "%s/doc.pdf", dir);
    {
        FILE *f = fopen(path, "w");
        fputs("old", f);
        fclose(f);
    }
    before = count_entries(dir);

    /* A drawing error is reported by save, and the target is untouched. */
    CHECK_INT(ff_pdf_begin(p, &e), FF_OK);
    ff_pdf_line(p, 0, 0, 1, 1, 1, 0);       /* no page yet */
    CHECK_INT(ff_pdf_save(p, path, &e), FF_EINTERNAL);
    CHECK(strstr(e.msg, "no page") != NULL);
    ff_buf_init(&out);
    pt_read_file(path, &out);
    CHECK_STR(out.data, "old");
    ff_buf_release(&out);
    CHECK_INT(count_entries(dir), before);

    /* An unwritable place: FF_ESYS naming the target. */
    ff_err_clear(&e);
    CHECK_INT(make_doc(p, 1, &e), FF_OK);
    snprintf(bad, sizeof bad, "%s/no/such/dir/doc.pdf", dir);
    CHECK_INT(ff_pdf_save(p, bad, &e), FF_ESYS);
    CHECK_STR(e.file, bad);

    /* A failure after the temporary exists (rename onto a directory)
     * removes the temporary again. */
    ff_err_clear(&e);
    snprintf(bad, sizeof bad, "%s/adir", dir);
    CHECK(mkdir(bad, 0755) == 0);
    before = count_entries(dir);
    CHECK_INT(make_doc(p, 1, &e), FF_OK);
    CHECK_INT(ff_pdf_save(p, bad, &e), FF_ESYS);
    CHECK_STR(e.file, bad);
    CHECK(strstr(e.msg, "cannot rename") != NULL);
    CHECK_INT(count_entries(dir), before);

    /* Success replaces the target. */
    ff_err_clear(&e);
    CHECK_INT(make_doc(p, 1, &e), FF_OK);
    CHECK_INT(ff_pdf_page_count(p), 2);
    CHECK_INT(ff_pdf_save(p, path, &e), FF_OK);
    CHECK_INT(count_entries(dir), before);
    CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0644);
    ff_buf_init(&out);
    pt_read_file(path, &out);
    CHECK(strncmp(out.data, "%PDF-1.5", 8) == 0);
    ff_buf_release(&out);
    /* The document ended with the save. */
    CHECK_INT(ff_pdf_add_page(p, 10, 10, &e), FF_EINTERNAL);

    snprintf(cmd, sizeof cmd, "qpdf --check %s", path);
    CHECK_INT(pt_run(cmd, NULL, NULL), 0);
    ff_buf_init(&out);
    ff_buf_init(&err);
    snprintf(cmd, sizeof cmd, "pdfinfo %s", path);
    CHECK_INT(pt_run(cmd, &out, &err), 0);
    CHECK_STR(err.data, "");
    CHECK(strstr(out.data, "PDF version:") != NULL &&
          strncmp(strstr(out.data, "PDF version:") + 12 +
                      strspn(strstr(out.data, "PDF version:") + 12, " "),
                  "1.5\n", 4) == 0);
    CHECK(strstr(out.data, title) != NULL);
    CHECK(strstr(out.data, "Pages:") != NULL &&
          strncmp(strstr(out.data, "Pages:") + 6 +
                      strspn(strstr(out.data, "Pages:") + 6, " "),
                  "2\n", 2) == 0);
    ff_buf_reset(&out);
    snprintf(cmd, sizeof cmd, "qpdf --json --json-key=outlines %s", path);
    CHECK_INT(pt_run(cmd, &out, NULL), 0);
    CHECK(strstr(out.data, "\"title\": \"ส่วนที่ ๑ ข้อมูลครัวเรือน\"") != NULL);
    CHECK(strstr(out.data, "\"title\": \"แบบสำรวจ (page 2)\"") != NULL);
    ff_buf_reset(&out);
    ff_buf_reset(&err);
    snprintf(cmd, sizeof cmd, "pdffonts %s", path);
    CHECK_INT(pt_run(cmd, &out, &err), 0);
    CHECK_STR(err.data, "");
    CHECK(strstr(out.data, "Laksaman ") != NULL);
    CHECK(strstr(out.data, "Laksaman-Bold") != NULL);
    ff_buf_release(&out);
    ff_buf_release(&err);

    /* A page size libharu cannot take is the caller's error. */
    ff_err_clear(&e);
    CHECK_INT(ff_pdf_begin(p, &e), FF_OK);
    CHECK_INT(ff_pdf_add_page(p, 1, 1, &e), FF_EINPUT);
    CHECK(strstr(e.msg, "page size") != NULL);

    /* Bad outline requests. */
    ff_err_clear(&e);
    CHECK_INT(ff_pdf_begin(p, &e), FF_OK);
    CHECK_INT(ff_pdf_add_page(p, FF_A4_W, FF_A4_H, &e), FF_OK);
    CHECK_INT(ff_pdf_outline_add(p, 0, "x", 3, &e), 0);
    CHECK(e.code != FF_OK);
    ff_err_clear(&e);
    CHECK_INT(ff_pdf_outline_add(p, 7, "x", 0, &e), 0);
    ff_err_clear(&e);
    CHECK_INT(ff_pdf_save_mem(p, &data, &len, &e), FF_OK);
    CHECK(len > 100 && memcmp(data, "%PDF-1.5", 8) == 0);
    ff_free(data);
}

/* Bytes the process has allocated and not freed, libharu's malloc calls
 * included (they do not go through core/alloc.c). */
static size_t heap_live(void)
{
#ifdef __SANITIZE_ADDRESS__
    return __sanitizer_get_current_allocated_bytes();
#else
    struct mallinfo2 mi = mallinfo2();

    return mi.uordblks + mi.hblkhd;
#endif
}

/*
 * Page k of a long document: a line of text, a rule and an outline entry
 * (one every STREAM_EVERY pages, under one root), as a packet draws them.
 */
#define STREAM_EVERY 6

static int stream_page(struct ff_pdf *p, int k, int root, struct ff_err *e)
{
    struct ff_text_style st = {FF_FONT_REGULAR, 14, 0, FF_ALIGN_LEFT, 0};
    char line[128];
    int rc;

    if ((rc = ff_pdf_add_page(p, FF_A4_W, FF_A4_H, e)))
        return rc;
    snprintf(line, sizeof line, "ครัวเรือนที่ %d หน้า %d", k / STREAM_EVERY,
             k + 1);
    if ((rc = ff_text_line(p, &st, 50, 60, line, strlen(line), e)))
        return rc;
    ff_pdf_line(p, 50, 70, 300, 70, 0.5, 0x000000);
    if (k % STREAM_EVERY == 0 &&
        ff_pdf_outline_add(p, root, line, k, e) <= 0)
        return e->code;
    return FF_OK;
}

/* A document of n pages, streamed to path or (path NULL) saved whole. */
static int stream_doc(struct ff_pdf *p, const char *path, int n,
                      size_t *live_at, int at, struct ff_err *e)
{
    int k, root = 0, rc;

    rc = path ? ff_pdf_begin_file(p, path, e) : ff_pdf_begin(p, e);
    if (rc || (rc = ff_pdf_set_title(p, title, e)))
        return rc;
    for (k = 0; k < n; k++) {
        if ((rc = stream_page(p, k, root, e)))
            return rc;
        if (k == 0 && (root = ff_pdf_outline_add(p, 0, title, 0, e)) <= 0)
            return e->code;
        if (live_at != NULL && (k + 1 == at || k + 1 == n))
            live_at[k + 1 == n] = heap_live();
    }
    return FF_OK;
}

/*
 * ff_pdf_begin_file.  The same pages streamed and saved whole read back the
 * same (text, page count, outline); qpdf finds the streamed file sound.
 * Memory: libharu kept every page (dictionary, resources, content stream,
 * 5.6 KB here, 40 KB a packet page) until the save; a streamed document
 * keeps a few xref entries and ids a page.  The live heap from page
 * STREAM_AT to page STREAM_PAGES must grow by less than STREAM_BYTES a
 * page: this fails if the streamed document holds its pages again.
 */
#define STREAM_PAGES 3000
#define STREAM_AT 500
#define STREAM_BYTES 600

static void test_stream(struct ff_pdf *p, const char *dir)
{
    struct ff_err e;
    char a[512], b[512], cmd[2048];
    struct ff_buf ta, tb;
    size_t live[2] = {0, 0};
    double per_page;
    int before;

    ff_err_clear(&e);
    snprintf(a, sizeof a, "%s/whole.pdf", dir);
    snprintf(b, sizeof b, "%s/streamed.pdf", dir);
    CHECK_INT(stream_doc(p, b, 300, NULL, 0, &e), FF_OK);
    CHECK_INT(ff_pdf_save(p, b, &e), FF_OK);
    CHECK_INT(stream_doc(p, NULL, 300, NULL, 0, &e), FF_OK);
    CHECK_INT(ff_pdf_save(p, a, &e), FF_OK);
    snprintf(cmd, sizeof cmd, "qpdf --check %s", b);
    CHECK_INT(pt_run(cmd, NULL, NULL), 0);
    ff_buf_init(&ta);
    ff_buf_init(&tb);
    /* The outline without object numbers, which differ. */
#define READ_BACK "pdftotext %s - && pdfinfo %s | grep Pages && " \
                  "qpdf --json --json-key=outlines %s | sed 's/[0-9]* 0 R//'"
    snprintf(cmd, sizeof cmd, READ_BACK, a, a, a);
    CHECK_INT(pt_run(cmd, &ta, NULL), 0);
    snprintf(cmd, sizeof cmd, READ_BACK, b, b, b);
    CHECK_INT(pt_run(cmd, &tb, NULL), 0);
#undef READ_BACK
    CHECK(ta.len > 1000 && tb.data != NULL && strstr(tb.data, "300\n"));
    CHECK(ta.data && tb.data && strcmp(ta.data, tb.data) == 0);
    CHECK(tb.data != NULL && strstr(tb.data, "หน้า 295") != NULL);
    ff_buf_release(&ta);
    ff_buf_release(&tb);

    /* The heap stays flat while pages go out. */
    CHECK_INT(stream_doc(p, a, STREAM_PAGES, live, STREAM_AT, &e), FF_OK);
    CHECK_INT(ff_pdf_save(p, a, &e), FF_OK);
    per_page = ((double)live[1] - (double)live[0]) /
               (STREAM_PAGES - STREAM_AT);
    if (per_page >= STREAM_BYTES || getenv("FF_SHOW"))
        fprintf(stderr, "streamed document: %.0f bytes a page live\n",
                per_page);
    CHECK(live[0] > 0 && per_page < STREAM_BYTES);
    snprintf(cmd, sizeof cmd, "qpdf --check %s", a);
    CHECK_INT(pt_run(cmd, NULL, NULL), 0);

    /* A clip whose recording spans a page break is not kept (render.c
     * ends a table's clip on the next page): its page is freed when the
     * next is added, and the next may take its address. */
    {
        static const char key = 0;
        int k, kept = 0;

        CHECK_INT(ff_pdf_begin_file(p, a, &e), FF_OK);
        for (k = 0; k < 50; k++) {
            CHECK_INT(stream_page(p, 1, 0, &e), FF_OK);
            CHECK_INT(ff_pdf_clip_begin(p, &e), FF_OK);
            ff_pdf_line(p, 50, 90, 300, 90, 0.5, 0x000000);
            CHECK_INT(stream_page(p, 1, 0, &e), FF_OK);
            CHECK_INT(ff_pdf_clip_end(p, &key, &e), FF_OK);
            kept += ff_pdf_clip_replay(p, &key, &e) != 0;
        }
        CHECK_INT(kept, 0);
        CHECK_INT(ff_pdf_save(p, a, &e), FF_OK);
    }

    /* Ended unsaved (another document begun, or the ff_pdf freed): the
     * partial file is removed, the earlier file at that name kept. */
    before = count_entries(dir);
    CHECK_INT(stream_doc(p, a, 20, NULL, 0, &e), FF_OK);
    CHECK_INT(count_entries(dir), before + 1);
    CHECK_INT(ff_pdf_begin(p, &e), FF_OK);
    CHECK_INT(count_entries(dir), before);
    snprintf(cmd, sizeof cmd, "qpdf --check %s", a);
    CHECK_INT(pt_run(cmd, NULL, NULL), 0);
    /* Saved under another name or to memory: refused, nothing left. */
    CHECK_INT(stream_doc(p, a, 3, NULL, 0, &e), FF_OK);
    CHECK_INT(ff_pdf_save(p, b, &e), FF_EINTERNAL);
    CHECK_INT(count_entries(dir), before);
    ff_err_clear(&e);
    {
        char *data = NULL;
        size_t len = 0;

        CHECK_INT(stream_doc(p, a, 3, NULL, 0, &e), FF_OK);
        CHECK_INT(ff_pdf_save_mem(p, &data, &len, &e), FF_EINTERNAL);
        CHECK(data == NULL);
        CHECK_INT(count_entries(dir), before);
    }
    ff_err_clear(&e);
    /* An unwritable place fails at the begin, naming the file. */
    snprintf(b, sizeof b, "%s/no/such/dir/x.pdf", dir);
    CHECK_INT(ff_pdf_begin_file(p, b, &e), FF_ESYS);
    CHECK_STR(e.file, b);
    ff_err_clear(&e);
}

/*
 * The fonts are parsed in ff_pdf_new only: with the font files deleted
 * afterwards, later documents still embed complete fonts.
 */
static void test_fonts_once(const char *dir)
{
    struct ff_pdf_opts o = {0};
    struct ff_err e;
    char fdir[512], cmd[2048], path[512];
    struct ff_buf out;
    struct ff_pdf *p;

    snprintf(fdir, sizeof fdir, "%s/fonts", dir);
    snprintf(cmd, sizeof cmd, "mkdir -p %s && cp %s/Laksaman.ttf "
             "%s/Laksaman-Bold.ttf %s/", fdir, FF_FONT_DIR, FF_FONT_DIR, fdir);
    CHECK_INT(pt_run(cmd, NULL, NULL), 0);
    ff_err_clear(&e);
    o.font_dir = fdir;
    p = ff_pdf_new(&o, &e);
    CHECK(p != NULL);
    if (p == NULL)
        return;
    snprintf(cmd, sizeof cmd, "rm -rf %s", fdir);
    CHECK_INT(pt_run(cmd, NULL, NULL), 0);
    for (int i = 0; i < 3; i++) {
        CHECK_INT(make_doc(p, i, &e), FF_OK);
        snprintf(path, sizeof path, "%s/once%d.pdf", dir, i);
        CHECK_INT(ff_pdf_save(p, path, &e), FF_OK);
    }
    ff_buf_init(&out);
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s -", path);
    CHECK_INT(pt_run(cmd, &out, NULL), 0);
    CHECK(strstr(out.data, "ครัวเรือนที่ 2 ผู้ใหญ่บ้าน") != NULL);
    CHECK(strstr(out.data, "แบบสำรวจ") != NULL);
    ff_buf_release(&out);
    ff_pdf_free(p);
}

/* --- threads -------------------------------------------------------------- */

#define NDOCS 12

struct job {
    char *doc[NDOCS];
    size_t len[NDOCS];
    int rc;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    struct ff_err e;
    struct ff_pdf *p;

    ff_err_clear(&e);
    p = ff_pdf_new(NULL, &e);
    j->rc = p ? FF_OK : e.code;
    for (int i = 0; p && i < NDOCS && j->rc == FF_OK; i++) {
        j->rc = make_doc(p, i, &e);
        if (j->rc == FF_OK)
            j->rc = ff_pdf_save_mem(p, &j->doc[i], &j->len[i], &e);
    }
    ff_pdf_free(p);
    return NULL;
}

static void test_threads(void)
{
    struct job ref, a, b;
    pthread_t ta, tb;

    memset(&ref, 0, sizeof ref);
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    worker(&ref);
    CHECK_INT(ref.rc, FF_OK);
    CHECK(pthread_create(&ta, NULL, worker, &a) == 0);
    CHECK(pthread_create(&tb, NULL, worker, &b) == 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK_INT(a.rc, FF_OK);
    CHECK_INT(b.rc, FF_OK);
    for (int i = 0; i < NDOCS; i++) {
        CHECK(a.len[i] == ref.len[i] && b.len[i] == ref.len[i]);
        CHECK(a.doc[i] && ref.doc[i] &&
              memcmp(a.doc[i], ref.doc[i], ref.len[i]) == 0);
        CHECK(b.doc[i] && ref.doc[i] &&
              memcmp(b.doc[i], ref.doc[i], ref.len[i]) == 0);
        ff_free(ref.doc[i]);
        ff_free(a.doc[i]);
        ff_free(b.doc[i]);
    }
}

int main(void)
{
    struct ff_pdf *p;
    struct ff_err e;
    char dir[256];

    CHECK(pt_tmpdir(dir, sizeof dir) == 0);
    test_errors(dir);
    ff_err_clear(&e);
    p = ff_pdf_new(NULL, &e);
    CHECK(p != NULL);
    if (p) {
        test_save(p, dir);
        test_stream(p, dir);
        ff_pdf_free(p);
    }
    test_fonts_once(dir);
    test_threads();
    pt_rmdir(dir);
    return check_done("test_pdf");
}
