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
#include <strings.h>

#include "alloc.h"
#include "flow.h"
#include "outfile.h"
#include "text.h"
#include "thai.h"
#include "utf8.h"

#include "jobs.h"
#include "render.h"

#define MM(v) ((v) * FF_MM)
#define NONE 0xFFFFFFFFu
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
        snprintf(out, size, "%s", h->village_code);   /* exact: no % 100 */
}

/*
 * 1 when an earlier group of this run has the file name f (compared
 * ignoring ASCII case: NTFS and FAT, where offices share folders, do).
 * Keys are exact and distinct, so this only guards the run against ever
 * overwriting a file it wrote itself.
 */
static int name_taken(const struct gen_group_span *g, size_t k,
                      const char *f)
{
    size_t i;

    for (i = 0; i < k; i++)
        if (strcasecmp(g[i].file, f) == 0)
            return 1;
    return 0;
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
        int dup;

        group_key(h, by, key, sizeof key);
        if (k > 0 && strcmp(g[k - 1].code, key) == 0) {
            g[k - 1].n++;
            continue;
        }
        {
            struct gen_group_span *v = ff_grow(g, &cap, k + 1, sizeof *v, 16);

            if (v == NULL) {
                ff_free(g);
                return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
            }
            g = v;
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
        for (dup = 2; name_taken(g, k, g[k].file); dup++)
            snprintf(g[k].file, sizeof g[k].file, "%s-%s-%d.pdf", key, safe,
                     dup);
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

/*
 * The cover: the packet's place printed once, then the households in
 * walking order with their start pages, through core/flow.h (rows grow
 * with long names, the heading is repeated on each page).  District and
 * subdistrict packets add the columns that say where each household is.
 * Its pages are counted by laying it out first, so that the start pages
 * (cover pages + the pages of the households before + 1, the physical page
 * of the packet) are known while the cover is drawn.
 */
struct cover_ctx {
    const struct job *j;
    const struct gen_group_span *g;
    int hpages;
    const int *before;          /* per household: pages of those before it */
    int cpages;                 /* cover pages after padding, 0 unknown */
    struct gen_vars v;          /* for the footer */
};

static const struct ff_text_style st_h1 = {FF_FONT_BOLD, 20, 0,
                                           FF_ALIGN_CENTER, 0};
static const struct ff_text_style st_place = {FF_FONT_REGULAR, 15, 0,
                                              FF_ALIGN_CENTER, 0};
static const struct ff_text_style st_info = {FF_FONT_REGULAR, 14, 0,
                                             FF_ALIGN_CENTER, 0};
static const struct ff_text_style st_th = {FF_FONT_BOLD, 12, 0,
                                           FF_ALIGN_CENTER, 0};
static const struct ff_text_style st_td = {FF_FONT_REGULAR, 12, 0,
                                           FF_ALIGN_LEFT, 0};
/* District packets: nine columns, a size smaller. */
static const struct ff_text_style st_th_small = {FF_FONT_BOLD, 11, 0,
                                                 FF_ALIGN_CENTER, 0};
static const struct ff_text_style st_td_small = {FF_FONT_REGULAR, 11, 0,
                                                 FF_ALIGN_LEFT, 0};

/* Columns per grouping: village, subdistrict, district (180 mm).  Each
 * is wide enough for its heading word, an 11-digit code and a house number
 * like 1234/567 on one line; names and places wrap and their row grows. */
static const struct ff_flow_col cols_village[] = {
    {MM(10), FF_ALIGN_CENTER, "ที่"},
    {MM(24), FF_ALIGN_CENTER, "บ้านเลขที่"},
    {MM(80), FF_ALIGN_LEFT, "หัวหน้าครัวเรือน"},
    {MM(30), FF_ALIGN_CENTER, "รหัสบ้าน"},
    {MM(18), FF_ALIGN_CENTER, "สถานะ"},
    {MM(18), FF_ALIGN_CENTER, "หน้า"},
};
static const struct ff_flow_col cols_subdistrict[] = {
    {MM(9), FF_ALIGN_CENTER, "ที่"},
    {MM(10), FF_ALIGN_CENTER, "หมู่"},
    {MM(31), FF_ALIGN_LEFT, "หมู่บ้าน"},
    {MM(21), FF_ALIGN_CENTER, "บ้าน\nเลขที่"},
    {MM(54), FF_ALIGN_LEFT, "หัวหน้าครัวเรือน"},
    {MM(29), FF_ALIGN_CENTER, "รหัสบ้าน"},
    {MM(13), FF_ALIGN_CENTER, "สถานะ"},
    {MM(13), FF_ALIGN_CENTER, "หน้า"},
};
static const struct ff_flow_col cols_district[] = {
    {MM(8), FF_ALIGN_CENTER, "ที่"},
    {MM(23), FF_ALIGN_LEFT, "ตำบล"},
    {MM(9), FF_ALIGN_CENTER, "หมู่"},
    {MM(25), FF_ALIGN_LEFT, "หมู่บ้าน"},
    {MM(21), FF_ALIGN_CENTER, "บ้าน\nเลขที่"},
    {MM(40), FF_ALIGN_LEFT, "หัวหน้าครัวเรือน"},
    {MM(28), FF_ALIGN_CENTER, "รหัสบ้าน"},
    {MM(14), FF_ALIGN_CENTER, "สถานะ"},
    {MM(12), FF_ALIGN_CENTER, "หน้า"},
};

static int cover_footer(struct ff_flow *f, void *arg, struct ff_err *e)
{
    struct cover_ctx *c = arg;

    c->v.page = f->page;
    c->v.pages = c->cpages;
    return gen_render_footer(f->p, FF_A4_W, FF_A4_H, &c->v, e);
}

/* Where the packet is, printed once: "หมู่ที่ 5 บ้าน… ตำบล… อำเภอ… จังหวัด…". */
static void place(const struct job *j, const struct ff_household *h,
                  char *out, size_t size)
{
    char village[400] = "";

    if (j->o->by == GEN_BY_VILLAGE)
        snprintf(village, sizeof village, "หมู่ที่ %d%s%s  ", h->village_no,
                 h->village_name[0] ? " " : "", h->village_name);
    if (j->o->by == GEN_BY_DISTRICT)
        snprintf(out, size, "อำเภอ%s  จังหวัด%s", h->district, h->province);
    else
        snprintf(out, size, "%sตำบล%s  อำเภอ%s  จังหวัด%s", village,
                 h->subdistrict, h->district, h->province);
    ff_utf8_clip(out);
}

static int draw_cover(struct ff_flow *f, void *arg, struct ff_err *e)
{
    struct cover_ctx *c = arg;
    const struct job *j = c->j;
    const struct gen_group_span *g = c->g;
    const struct ff_text_style *td;
    struct ff_flow_table t;
    char line[800], date[64];
    size_t i;
    int rc;

    if ((rc = ff_flow_text(f, &st_h1, 0, 0,
                           "ชุดเอกสารครัวเรือนเป้าหมายสำหรับการลงพื้นที่", e)))
        return rc;
    place(j, j->hh[g->first], line, sizeof line);
    if ((rc = ff_flow_text(f, &st_place, 0, 0, line, e)))
        return rc;
    snprintf(line, sizeof line,
             "พิมพ์เมื่อ %s    จำนวน %zu ครัวเรือน    ครัวเรือนละ %d หน้า",
             ff_thai_date(j->year, j->month, j->day, 0, date, sizeof date),
             g->n, c->hpages);
    if ((rc = ff_flow_text(f, &st_info, 0, 0, line, e)))
        return rc;
    f->y += MM(3);
    memset(&t, 0, sizeof t);
    if (j->o->by == GEN_BY_DISTRICT) {
        t.cols = cols_district;
        t.ncols = 9;
    } else if (j->o->by == GEN_BY_SUBDISTRICT) {
        t.cols = cols_subdistrict;
        t.ncols = 8;
    } else {
        t.cols = cols_village;
        t.ncols = 6;
    }
    td = j->o->by == GEN_BY_DISTRICT ? &st_td_small : &st_td;
    t.head_st = j->o->by == GEN_BY_DISTRICT ? &st_th_small : &st_th;
    t.head_rgb = 0xE6ECF2;
    t.keep_rows = 3;
    if ((rc = ff_flow_table_begin(f, &t, td, e)))
        return rc;
    for (i = 0; i < g->n; i++) {
        const struct ff_household *h = j->hh[g->first + i];
        char v[9][300];
        const char *cells[9];
        struct ff_buf head;
        int k = 0, n, hk;

        snprintf(v[k++], sizeof v[0], "%zu", i + 1);
        if (j->o->by == GEN_BY_DISTRICT)
            snprintf(v[k++], sizeof v[0], "%s", h->subdistrict);
        if (j->o->by != GEN_BY_VILLAGE) {
            snprintf(v[k++], sizeof v[0], "%d", h->village_no);
            snprintf(v[k++], sizeof v[0], "%s", h->village_name);
        }
        snprintf(v[k++], sizeof v[0], "%s", h->house_no);
        hk = k++;           /* the head's name has no length limit */
        snprintf(v[k++], sizeof v[0], "%s", h->code);
        snprintf(v[k++], sizeof v[0], "%d", h->status);
        /* The physical page of the packet where the household starts. */
        snprintf(v[k++], sizeof v[0], "%d", c->cpages + c->before[i] + 1);
        for (n = 0; n < k; n++)
            cells[n] = ff_utf8_clip(v[n]);
        ff_buf_init(&head);
        if (gen_vars_head(h, &head)) {
            ff_buf_release(&head);
            return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        }
        cells[hk] = head.data;
        rc = ff_flow_table_row(f, cells, td, NONE, e);
        ff_buf_release(&head);
        if (rc)
            return rc;
    }
    return FF_OK;
}

static int cover(struct ff_pdf *p, const struct job *j,
                 const struct gen_group_span *g, int hpages,
                 const int *before, int *cpages, struct ff_err *e)
{
    struct cover_ctx c;
    struct ff_flow f;
    int pages, rc;

    memset(&c, 0, sizeof c);
    c.j = j;
    c.g = g;
    c.hpages = hpages;
    c.before = before;
    c.v.packet = g->name;
    memset(&f, 0, sizeof f);
    f.p = p;
    f.page_w = FF_A4_W;
    f.page_h = FF_A4_H;
    f.ml = f.mr = MM(15);
    f.mt = MM(14);
    f.mb = MM(18);
    f.footer = cover_footer;
    f.ctx = &c;
    /* The start pages printed depend on the cover's page count, which
     * depends (a little: a wider number may wrap) on what is printed: lay
     * it out until the count is stable; it only grows, so this ends. */
    pages = 1;
    do {
        c.cpages = pages + (pages & 1);     /* even: households start odd */
        if ((rc = ff_flow_measure(&f, draw_cover, &c, &pages, e)))
            return rc;
    } while (pages + (pages & 1) != c.cpages);
    if ((rc = ff_flow_draw(&f, draw_cover, &c, pages, e)))
        return rc;
    /* The padding page carries the footer like every other page. */
    c.v.page = pages + 1;
    c.v.pages = c.cpages;
    if (c.cpages > pages && blank_page(p, &c.v, e))
        return e->code;
    *cpages = c.cpages;
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
    int cpages = 0;
    int root, rc, *before;
    char path[1200];
    size_t i;

    /*
     * A household's documents take more pages when a table continues (a
     * long members list), so each household's pages are counted (laid out
     * without drawing) before the cover lists where it starts; padded to
     * an even count, so that every household still starts on an odd page.
     */
    before = ff_malloc((g->n + 1) * sizeof *before);
    if (before == NULL)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    before[0] = 0;
    for (i = 0; i < g->n; i++) {
        struct gen_vars v;
        int n;

        household_vars(j, g, j->hh[g->first + i], &v);
        if ((rc = gen_docset_pages(&j->docs, p, &v, &n, e)))
            goto out;
        before[i + 1] = before[i] + n + (n & 1);
    }
    /* Written as it is drawn: a district's packet is thousands of pages. */
    snprintf(path, sizeof path, "%s/%s", j->o->out_dir, g->file);
    if ((rc = ff_pdf_begin_file(p, path, e)) || (rc = ff_pdf_set_title(
                                         p, "Household packet", e)) ||
        (rc = cover(p, j, g, hpages, before, &cpages, e)))
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
        v.pages = before[i + 1] - before[i];
        if ((rc = gen_docset_household(&j->docs, p, &v, j->o->payload,
                                        starts, e)))
            goto out;
        if (ff_pdf_page_count(p) < cpages + before[i + 1] &&
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
    rc = ff_pdf_save(p, path, e);
out:
    ff_free(before);
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
