/*
 * text_bench.c - pages per second of a full A4 page of wrapped Thai.
 *
 * usage: text_bench [PAGES [PAGES_PER_DOC [OUTDIR]]]
 *
 * Three ways to produce the same page (40 lines of 14 pt Thai in an A4
 * text column), in documents of PAGES_PER_DOC pages (1: one document per
 * household, which adds the font subset and save to every page; 0 or more
 * than PAGES: one document) saved to memory:
 *   shaped-box   ff_text_box: libthai wrapping + HarfBuzz + ActualText
 *   shaped-lines the lines pre-wrapped once, each drawn with ff_text_line
 *   unshaped     the same pre-wrapped lines with libharu's plain ShowText
 *                (the baseline: no shaping, no wrapping cost at all)
 * Prints pages/s for each, best of three runs, and the ratios.  With OUTDIR
 * it also writes one page of each mode there, so bench_text.sh can measure
 * the content streams with qpdf.
 */
#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "pdf.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIZE 14.0
#define MARGIN 57.0     /* 2 cm */
#define MAX_LINES 64

static const char *para =
    "ด้วยกรมการพัฒนาชุมชนได้ดำเนินการสำรวจข้อมูลความจำเป็นพื้นฐาน (จปฐ.) "
    "ประจำปี พ.ศ. ๒๕๖๘ เพื่อใช้เป็นข้อมูลในการพัฒนาคุณภาพชีวิตของครัวเรือน"
    "เป้าหมายในชนบท โดยให้ผู้ใหญ่บ้านและคณะกรรมการหมู่บ้านร่วมกันตรวจสอบ"
    "ความถูกต้องของข้อมูลรายได้เฉลี่ยของครัวเรือนที่ต่ำกว่าเกณฑ์ ๓๘,๐๐๐ "
    "บาท/คน/ปี และจัดทำแผนพัฒนาครัวเรือนรายบุคคล จึงขอความอนุเคราะห์"
    "ท่านแจ้งเจ้าหน้าที่ที่เกี่ยวข้องทราบและถือปฏิบัติต่อไป ทั้งนี้ "
    "ให้รายงานผลการดำเนินงานภายในวันที่ ๓๐ กันยายน ๒๕๖๘ นายสมชาย ใจดี "
    "ผู้ใหญ่บ้าน สิ่งที่ส่งมาด้วย ทัศนคติ ทักษะ ทรัพยากร ทางออก น้ำ กำลัง ฯลฯ\n";

enum { SHAPED_BOX, SHAPED_LINES, UNSHAPED, NMODES };
static const char *mode_name[NMODES] = {"shaped-box", "shaped-lines",
                                        "unshaped"};

struct page {
    char *text;
    size_t len;
    struct ff_text_span lines[MAX_LINES];
    int nlines;
};

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int one_page(struct ff_pdf *p, const struct page *pg, int mode,
                    struct ff_err *e)
{
    struct ff_text_style st = {FF_FONT_REGULAR, SIZE, 0, FF_ALIGN_LEFT, 0};
    double lead = 1.2 * SIZE;
    int rc, i;

    if ((rc = ff_pdf_add_page(p, FF_A4_W, FF_A4_H, e)))
        return rc;
    if (mode == SHAPED_BOX) {
        if (ff_text_box(p, &st, MARGIN, MARGIN, FF_A4_W - 2 * MARGIN, 0,
                        pg->text, pg->len, NULL, e) < 0)
            return e->code;
    } else {
        for (i = 0; i < pg->nlines; i++) {
            const char *s = pg->text + pg->lines[i].off;
            size_t n = pg->lines[i].len;
            double y = MARGIN + SIZE + i * lead;

            rc = mode == SHAPED_LINES
                     ? ff_text_line(p, &st, MARGIN, y, s, n, e)
                     : ff_pdf_text_unshaped(p, FF_FONT_REGULAR, SIZE, 0,
                                            MARGIN, y, s, n, e);
            if (rc)
                return rc;
        }
    }
    return FF_OK;
}

/* n pages in documents of per_doc pages each. */
static int run_pages(struct ff_pdf *p, const struct page *pg, int mode,
                     int n, int per_doc, char **last, size_t *last_len,
                     struct ff_err *e)
{
    int i, rc, in_doc = 0;
    char *data;
    size_t len;

    for (i = 0; i < n; i++) {
        if (!in_doc && (rc = ff_pdf_begin(p, e)))
            return rc;
        in_doc++;
        if ((rc = one_page(p, pg, mode, e)))
            return rc;
        if (in_doc == per_doc || i == n - 1) {
            if ((rc = ff_pdf_save_mem(p, &data, &len, e)))
                return rc;
            in_doc = 0;
            if (last) {
                ff_free(*last);
                *last = data;
                *last_len = len;
            } else {
                ff_free(data);
            }
        }
    }
    return FF_OK;
}

int main(int argc, char **argv)
{
    int pages = argc > 1 ? atoi(argv[1]) : 300;
    int per_doc = argc > 2 ? atoi(argv[2]) : 1;
    const char *outdir = argc > 3 ? argv[3] : NULL;
    double best[NMODES];
    struct ff_pdf *p;
    struct ff_err e;
    struct page pg;
    struct ff_buf txt;
    char msg[800];
    int mode, run;

    ff_err_clear(&e);
    ff_buf_init(&txt);
    p = ff_pdf_new(NULL, &e);
    if (p == NULL)
        goto fail;
    /* Repeat the paragraph until the column holds about 40 lines. */
    {
        struct ff_text_style st = {FF_FONT_REGULAR, SIZE, 0, FF_ALIGN_LEFT,
                                   0};
        size_t plen = strlen(para);

        pg.nlines = 0;
        while (pg.nlines < 40) {
            if (ff_buf_add(&txt, para, plen))
                goto fail;
            pg.nlines = ff_text_wrap(p, &st, FF_A4_W - 2 * MARGIN, txt.data,
                                     txt.len, pg.lines, MAX_LINES, &e);
            if (pg.nlines < 0)
                goto fail;
        }
        /* Exactly 40 lines, so every mode fits the page. */
        txt.len = pg.lines[39].off + pg.lines[39].len;
        pg.nlines = 40;
        pg.text = txt.data;
        pg.len = txt.len;
    }
    for (mode = 0; mode < NMODES; mode++) {
        best[mode] = 1e30;
        for (run = 0; run < 3; run++) {
            double t0 = now(), t;

            if (run_pages(p, &pg, mode, pages, per_doc, NULL, NULL, &e))
                goto fail;
            t = now() - t0;
            if (t < best[mode])
                best[mode] = t;
        }
        printf("%-13s %7.0f pages/s  (%d lines/page, %d pages/document, "
               "best of 3 x %d pages)\n", mode_name[mode], pages / best[mode],
               pg.nlines, per_doc > 0 && per_doc < pages ? per_doc : pages,
               pages);
        if (outdir) {
            char path[1024], *data = NULL;
            size_t len = 0;
            FILE *f;

            snprintf(path, sizeof path, "%s/%s.pdf", outdir, mode_name[mode]);
            if (run_pages(p, &pg, mode, 1, 1, &data, &len, &e))
                goto fail;
            f = fopen(path, "wb");
            if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f)) {
                fprintf(stderr, "text_bench: cannot write %s\n", path);
                return 3;
            }
            ff_free(data);
        }
    }
    printf("time ratio shaped-box/unshaped   %.2f (target <= 2)\n",
           best[SHAPED_BOX] / best[UNSHAPED]);
    printf("time ratio shaped-lines/unshaped %.2f\n",
           best[SHAPED_LINES] / best[UNSHAPED]);
    ff_pdf_free(p);
    ff_buf_release(&txt);
    return 0;
fail:
    fprintf(stderr, "text_bench: %s\n", ff_err_str(&e, msg, sizeof msg));
    ff_pdf_free(p);
    ff_buf_release(&txt);
    return 3;
}
