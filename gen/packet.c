/*
 * packet.c - `ffgen packet`: print-ready packets per village, subdistrict
 * or district.
 *
 * Layout of a packet: cover pages (padded to an even count), then for each
 * household in walking order its documents, padded with a page marked as
 * intentionally blank to an even count, so that every household starts on
 * an odd page and a duplex-printed stack splits cleanly by household.
 * Because every household of a run has the same documents, the start page
 * of each is known before anything is drawn, which the cover's table needs.
 * One packet is one document, so the font is embedded once per packet.
 */
#include "packet.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "outfile.h"
#include "text.h"
#include "thai.h"
#include "utf8.h"

#include "jobs.h"
#include "render.h"

#define MM(v) ((v) * FF_MM)
#define COVER_ROW_MM 7.5
#define COVER_FIRST_ROWS 26     /* rows under the cover's heading */
#define COVER_NEXT_ROWS 31      /* rows on continuation pages */

int gen_group_parse(const char *s)
{
    if (strcmp(s, "village") == 0)
        return GEN_BY_VILLAGE;
    if (strcmp(s, "subdistrict") == 0)
        return GEN_BY_SUBDISTRICT;
    if (strcmp(s, "district") == 0)
        return GEN_BY_DISTRICT;
    return -1;
}

const char *gen_safe_name(const char *s, char *out, size_t max_bytes)
{
    size_t i = 0, o = 0, last_ok = 0;

    while (s[i] && o < max_bytes) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x20 || c == 0x7F || strchr("/\\:*?\"<>| ", c) ||
            (o == 0 && c == '.'))
            out[o++] = '_';
        else
            out[o++] = (char)c;
        i++;
        /* Remember where whole UTF-8 characters end. */
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            last_ok = o;
    }
    out[last_ok] = '\0';
    return out;
}

static void group_key(const struct ff_household *h, int by, char *out,
                      size_t size)
{
    if (by == GEN_BY_DISTRICT)
        snprintf(out, size, "%s", h->district_code);
    else if (by == GEN_BY_SUBDISTRICT)
        snprintf(out, size, "%s", h->subdistrict_code);
    else
        snprintf(out, size, "%s%02d", h->subdistrict_code,
                 h->village_no % 100);
}

int gen_packet_groups(const struct ff_household *const *hh, size_t n, int by,
                      struct gen_group_span **groups, size_t *ngroups,
                      struct ff_err *e)
{
    struct gen_group_span *g = NULL;
    size_t i, k = 0, cap = 0;

    for (i = 0; i < n; i++) {
        const struct ff_household *h = hh[i];
        char key[12], label[400], safe[300];

        group_key(h, by, key, sizeof key);
        if (k > 0 && strcmp(g[k - 1].code, key) == 0) {
            g[k - 1].n++;
            continue;
        }
        if (k == cap) {
            size_t c = cap ? cap * 2 : 16;
            struct gen_group_span *v = ff_realloc(g, c * sizeof *v);

            if (v == NULL) {
                ff_free(g);
                return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
            }
            g = v;
            cap = c;
        }
        memset(&g[k], 0, sizeof g[k]);
        g[k].first = i;
        g[k].n = 1;
        snprintf(g[k].code, sizeof g[k].code, "%s", key);
        if (by == GEN_BY_DISTRICT) {
            snprintf(g[k].name, sizeof g[k].name, "อำเภอ%s", h->district);
            snprintf(label, sizeof label, "%s", h->district);
        } else if (by == GEN_BY_SUBDISTRICT) {
            snprintf(g[k].name, sizeof g[k].name, "ตำบล%s อำเภอ%s",
                     h->subdistrict, h->district);
            snprintf(label, sizeof label, "%s", h->subdistrict);
        } else {
            snprintf(g[k].name, sizeof g[k].name, "หมู่ %d %s ต.%s อ.%s",
                     h->village_no, h->village_name, h->subdistrict,
                     h->district);
            if (h->village_name[0])
                snprintf(label, sizeof label, "%s", h->village_name);
            else
                snprintf(label, sizeof label, "หมู่%d", h->village_no);
        }
        ff_utf8_clip(g[k].name);
        gen_safe_name(ff_utf8_clip(label), safe, 120);
        snprintf(g[k].file, sizeof g[k].file, "%s-%s.pdf", key, safe);
        k++;
    }
    *groups = g;
    *ngroups = k;
    return FF_OK;
}

struct job {
    const struct gen_packet_opts *o;
    const struct ff_household *const *hh;
    const struct gen_group_span *groups;
    struct gen_docset docs;
    int year, month, day;
};

static int cover_pages(size_t n)
{
    int pages = 1;

    if (n > COVER_FIRST_ROWS)
        pages += (int)((n - COVER_FIRST_ROWS + COVER_NEXT_ROWS - 1) /
                       COVER_NEXT_ROWS);
    return pages + (pages & 1);     /* even, so households start odd */
}

static int text(struct ff_pdf *p, int font, double size, int align, double x,
                double y, double w, const char *s, struct ff_err *e)
{
    struct ff_text_style st = {font, size, 0, align, 0};

    /* One line only: a cell never spills into the row below. */
    return ff_text_box(p, &st, x, y, w, size * 1.3, s, strlen(s), NULL,
                       e) < 0
               ? e->code
               : FF_OK;
}

static int blank_page(struct ff_pdf *p, struct gen_vars *v, struct ff_err *e)
{
    if (ff_pdf_add_page(p, FF_A4_W, FF_A4_H, e) ||
        text(p, FF_FONT_REGULAR, 16, FF_ALIGN_CENTER, 0, FF_A4_H / 2,
             FF_A4_W, "หน้านี้เว้นว่างไว้โดยเจตนา", e) ||
        gen_render_footer(p, FF_A4_W, FF_A4_H, v, e))
        return e->code;
    v->page++;
    return FF_OK;
}

/* Column x positions (mm) and headings of the cover's table. */
static const double cover_x[] = {15, 27, 37, 59, 125, 157, 175, 195};
static const char *const cover_heads[] = {
    "ลำดับ", "หมู่", "บ้านเลขที่", "หัวหน้าครัวเรือน", "รหัสบ้าน", "สถานะ", "หน้า"
};

static int cover_table_head(struct ff_pdf *p, double y, struct ff_err *e)
{
    int c;

    ff_pdf_fill_rect(p, MM(15), MM(y), MM(180), MM(COVER_ROW_MM), 0xE6ECF2);
    for (c = 0; c < 7; c++)
        if (text(p, FF_FONT_BOLD, 13, FF_ALIGN_CENTER, MM(cover_x[c]),
                 MM(y + 0.8), MM(cover_x[c + 1] - cover_x[c]),
                 cover_heads[c], e))
            return e->code;
    return FF_OK;
}

static int cover(struct ff_pdf *p, const struct job *j,
                 const struct gen_group_span *g, int cpages, int hpages,
                 const int *start, struct ff_err *e)
{
    const struct ff_household *first = j->hh[g->first];
    struct gen_vars v;
    char line[600], date[64];
    double y = 0;
    size_t i;
    int page = 0, rows = 0;

    memset(&v, 0, sizeof v);
    v.packet = g->name;
    v.pages = cpages;
    for (i = 0; i < g->n; i++) {
        const struct ff_household *h = j->hh[g->first + i];
        int limit = page == 1 ? COVER_FIRST_ROWS : COVER_NEXT_ROWS;
        char cells[7][32];
        struct ff_buf head;
        int c;

        if (page == 0 || rows == limit) {
            rows = 0;
            if (page > 0) {
                ff_pdf_rect(p, MM(15), MM(page == 1 ? 61 : 20), MM(180),
                            MM(y) - MM(page == 1 ? 61 : 20), 0.6, 0);
                v.page = page;
                if (gen_render_footer(p, FF_A4_W, FF_A4_H, &v, e))
                    return e->code;
            }
            if (ff_pdf_add_page(p, FF_A4_W, FF_A4_H, e))
                return e->code;
            page++;
            y = 20;
            if (page == 1) {
                if (text(p, FF_FONT_BOLD, 20, FF_ALIGN_CENTER, MM(15),
                         MM(14), MM(180), "ชุดเอกสารครัวเรือนเป้าหมายสำหรับการลงพื้นที่",
                         e))
                    return e->code;
                snprintf(line, sizeof line, "จังหวัด%s  อำเภอ%s%s%s",
                         first->province, first->district,
                         j->o->by != GEN_BY_DISTRICT ? "  ตำบล" : "",
                         j->o->by != GEN_BY_DISTRICT ? first->subdistrict
                                                     : "");
                if (text(p, FF_FONT_REGULAR, 16, FF_ALIGN_CENTER, MM(15),
                         MM(26), MM(180), ff_utf8_clip(line), e))
                    return e->code;
                if (j->o->by == GEN_BY_VILLAGE)
                    snprintf(line, sizeof line, "หมู่ที่ %d  %s",
                             first->village_no, first->village_name);
                else
                    snprintf(line, sizeof line, "%s", g->name);
                if (text(p, FF_FONT_REGULAR, 16, FF_ALIGN_CENTER, MM(15),
                         MM(34), MM(180), ff_utf8_clip(line), e))
                    return e->code;
                snprintf(line, sizeof line,
                         "พิมพ์เมื่อ %s    จำนวน %zu ครัวเรือน    "
                         "ครัวเรือนละ %d หน้า",
                         ff_thai_date(j->year, j->month, j->day, 0, date,
                                      sizeof date),
                         g->n, hpages);
                if (text(p, FF_FONT_REGULAR, 15, FF_ALIGN_CENTER, MM(15),
                         MM(44), MM(180), line, e))
                    return e->code;
                y = 61;
            }
            if (cover_table_head(p, y, e))
                return e->code;
            y += COVER_ROW_MM;
        }
        snprintf(cells[0], sizeof cells[0], "%zu", i + 1);
        snprintf(cells[1], sizeof cells[1], "%d", h->village_no);
        /* The head's name has no length limit: a buffer of its own. */
        ff_buf_init(&head);
        if (gen_vars_head(h, &head)) {
            ff_buf_release(&head);
            return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        }
        snprintf(cells[4], sizeof cells[4], "%s", h->code);
        snprintf(cells[5], sizeof cells[5], "%d", h->status);
        snprintf(cells[6], sizeof cells[6], "%d", start[i]);
        for (c = 0; c < 7; c++) {
            int align = c == 3 ? FF_ALIGN_LEFT : FF_ALIGN_CENTER;
            double x0 = MM(cover_x[c]) + (c == 3 ? MM(1.5) : 0);
            const char *cell = c == 3 ? head.data
                               : c == 2 ? h->house_no : cells[c];

            if (text(p, FF_FONT_REGULAR, 12.5, align, x0, MM(y + 0.8),
                     MM(cover_x[c + 1] - cover_x[c]) - (c == 3 ? MM(2) : 0),
                     cell, e)) {
                ff_buf_release(&head);
                return e->code;
            }
        }
        ff_buf_release(&head);
        ff_pdf_line(p, MM(15), MM(y + COVER_ROW_MM), MM(195),
                    MM(y + COVER_ROW_MM), 0.3, 0xAAAAAA);
        y += COVER_ROW_MM;
        rows++;
    }
    ff_pdf_rect(p, MM(15), MM(page == 1 ? 61 : 20), MM(180),
                MM(y) - MM(page == 1 ? 61 : 20), 0.6, 0);
    v.page = page;
    if (gen_render_footer(p, FF_A4_W, FF_A4_H, &v, e))
        return e->code;
    v.page = page + 1;
    while (page < cpages) {
        if (blank_page(p, &v, e))
            return e->code;
        page++;
    }
    return FF_OK;
}

/* Vars for household h of job j in packet g. */
static void household_vars(const struct job *j, const struct gen_group_span *g,
                           const struct ff_household *h, struct gen_vars *v)
{
    memset(v, 0, sizeof *v);
    v->h = h;
    v->year = j->year;
    v->month = j->month;
    v->day = j->day;
    v->threshold = j->o->threshold;
    v->packet = g->name;
    v->footer = 1;
    v->warn = j->o->warn;
    v->warn_ctx = j->o->warn_ctx;
}

static int worker_run(void *shared, void *w, size_t gi, struct ff_err *e)
{
    const struct job *j = shared;
    const struct gen_group_span *g = &j->groups[gi];
    struct ff_pdf *p = w;
    int hpages = j->docs.pages + (j->docs.pages & 1);
    int cpages = cover_pages(g->n);
    int root, rc, *start = NULL;
    char path[1200];
    size_t i;

    /*
     * A household's documents take more pages when a table continues (a
     * long members list), so each household's pages are counted before
     * the cover lists where it starts; padded to an even count, so that
     * every household still starts on an odd page.
     */
    start = ff_malloc((g->n + 1) * sizeof *start);
    if (start == NULL)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    start[0] = cpages + 1;
    for (i = 0; i < g->n; i++) {
        struct gen_vars v;
        int n;

        household_vars(j, g, j->hh[g->first + i], &v);
        if ((rc = gen_docset_pages(&j->docs, p, &v, &n, e))) {
            ff_free(start);
            return rc;
        }
        start[i + 1] = start[i] + n + (n & 1);
    }
    if ((rc = ff_pdf_begin(p, e)) || (rc = ff_pdf_set_title(
                                         p, "Household packet", e)) ||
        (rc = cover(p, j, g, cpages, hpages, start, e)))
        goto out;
    root = ff_pdf_outline_add(p, 0, g->name, 0, e);
    if (root == 0) {
        rc = e->code;
        goto out;
    }
    for (i = 0; i < g->n; i++) {
        const struct ff_household *h = j->hh[g->first + i];
        struct gen_vars v;
        struct ff_buf title;
        int node, starts[3];
        size_t k;

        household_vars(j, g, h, &v);
        v.pages = start[i + 1] - start[i];
        if ((rc = gen_docset_household(&j->docs, p, &v, j->o->payload,
                                        starts, e)))
            goto out;
        if (ff_pdf_page_count(p) + 1 < start[i + 1] &&
            blank_page(p, &v, e)) {
            rc = e->code;
            goto out;
        }
        /* Outline entries point at pages, so they follow the drawing. */
        ff_buf_init(&title);
        if (ff_buf_addf(&title, "บ้านเลขที่ %s  ", h->house_no) ||
            gen_vars_head(h, &title) ||
            ff_buf_addf(&title, "  (%s)", h->code)) {
            ff_buf_release(&title);
            rc = ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
            goto out;
        }
        node = ff_pdf_outline_add(p, root, title.data, starts[0], e);
        ff_buf_release(&title);
        if (node == 0) {
            rc = e->code;
            goto out;
        }
        for (k = 0; k < j->docs.n; k++) {
            const struct gen_template *t = j->docs.t[k];

            if (!ff_pdf_outline_add(p, node, t->title ? t->title : t->name,
                                    starts[k], e)) {
                rc = e->code;
                goto out;
            }
        }
    }
    snprintf(path, sizeof path, "%s/%s", j->o->out_dir, g->file);
    rc = ff_pdf_save(p, path, e);
out:
    ff_free(start);
    return rc;
}

int gen_packet_run(const struct gen_packet_opts *o,
                   const struct ff_household *const *hh, size_t n,
                   size_t *written, struct ff_err *e)
{
    struct job j;
    struct gen_jobs pool;
    struct gen_group_span *groups = NULL;
    size_t ng = 0;
    int rc;

    *written = 0;
    memset(&j, 0, sizeof j);
    j.o = o;
    j.hh = hh;
    ff_today_bangkok(&j.year, &j.month, &j.day);
    if ((rc = gen_packet_groups(hh, n, o->by, &groups, &ng, e)) ||
        (rc = gen_docset_load(&j.docs, o->docs, e)))
        goto out;
    j.groups = groups;
    if ((rc = ff_mkdirs(o->out_dir, e)))
        goto out;
    ff_outfile_sweep(o->out_dir);       /* what an interrupted run left */
    memset(&pool, 0, sizeof pool);
    pool.workers = o->jobs;
    pool.shared = &j;
    pool.init = gen_pdf_worker_new;
    pool.run = worker_run;
    pool.fini = gen_pdf_worker_free;
    pool.progress = o->progress;
    pool.progress_ctx = o->progress_ctx;
    rc = gen_jobs_run(&pool, ng, e);
    if (rc == FF_OK)
        *written = ng;
out:
    gen_docset_release(&j.docs);
    ff_free(groups);
    return rc;
}
