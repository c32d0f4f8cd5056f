/*
 * web.c - the pages staff open: the month's dashboard, a district's
 * missing and late households, one household's history, the upload
 * summary, sign-in.  Thai first (English in small print where a word is
 * technical), Buddhist Era dates, numbers as the reconciliation files have
 * them: the dashboard is drawn from the same intake_recon_build() as
 * reconciliation.csv, so the page and the file never disagree.
 *
 * Every text that came from a register or a report goes through
 * intake_html_escape(); nothing else is ever written unescaped except this
 * file's own literals.  No inline script or style: the server's
 * Content-Security-Policy forbids them.
 */
#include "web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "recon.h"
#include "rules.h"
#include "thai.h"

int intake_html_escape(struct ff_buf *b, const char *s, size_t n)
{
    size_t i, from = 0;

    for (i = 0; i < n; i++) {
        const char *ent = NULL;

        switch (s[i]) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&#39;"; break;
        default: continue;
        }
        if (ff_buf_add(b, s + from, i - from) || ff_buf_adds(b, ent))
            return FF_ESYS;
        from = i + 1;
    }
    return ff_buf_add(b, s + from, n - from) ? FF_ESYS : FF_OK;
}

static void esc(struct ff_buf *b, const char *s)
{
    if (s)
        intake_html_escape(b, s, strlen(s));
}

/* ---- months ---- */

static void month_of(long long days, int *y, int *m, int *d)
{
    /* Howard Hinnant's civil_from_days. */
    long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long yy = (long long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;

    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

/* The number in s[0..n), digits only (months and years we wrote). */
static int digits(const char *s, int n)
{
    int v = 0, i;

    for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static void ym(char out[8], int y, int m)
{
    snprintf(out, 8, "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
}

static void add_month(const char *m, int delta, char out[8])
{
    int y = digits(m, 4), mo = digits(m + 5, 2) - 1 + delta;

    y += mo >= 0 ? mo / 12 : -((11 - mo) / 12);
    mo = ((mo % 12) + 12) % 12;
    ym(out, y, mo + 1);
}

void intake_web_months(long long now, char cur[8], char prev[8])
{
    int y, m, d;

    month_of((now + INTAKE_BANGKOK_OFFSET) / 86400, &y, &m, &d);
    ym(cur, y, m);
    /* After the 20th, the next deadline is next month's. */
    if (d > 20)
        add_month(cur, 1, cur);
    add_month(cur, -1, prev);
}

const char *intake_web_month_thai(const char *month, char *out, size_t size)
{
    int y = digits(month, 4), m = digits(month + 5, 2);

    snprintf(out, size, "%s %d", ff_thai_month(m), y + FF_BE_OFFSET);
    return out;
}

/* "20 มกราคม 2568 10:15" from UTC seconds. */
static const char *bangkok_be(long long utc, char *out, size_t size)
{
    char t[32], date[64];
    int y, m, d;

    intake_format_bangkok(utc, t);
    y = digits(t, 4);
    m = digits(t + 5, 2);
    d = digits(t + 8, 2);
    ff_thai_date(y, m, d, 0, date, sizeof date);
    snprintf(out, size, "%s %.5s น.", date, t + 11);
    return out;
}

/* ---- frame ---- */

static void head(struct ff_buf *b, const struct intake_page *p,
                 const char *title, const char *body_attrs)
{
    ff_buf_adds(b, "<!doctype html>\n<html lang=\"th\"><head>"
                   "<meta charset=\"utf-8\">"
                   "<meta name=\"viewport\" content=\"width=device-width, "
                   "initial-scale=1\"><title>");
    esc(b, title);
    ff_buf_adds(b, " · ffkit</title>"
                   "<link rel=\"stylesheet\" href=\"/static/app.css\">"
                   "<script src=\"/static/app.js\" defer></script>"
                   "</head><body");
    if (body_attrs)
        ff_buf_adds(b, body_attrs);
    ff_buf_adds(b, "><header><a class=\"brand\" href=\"/\">ติดตามผลการพัฒนา"
                   "ครัวเรือนเป้าหมาย</a>");
    if (p->user) {
        ff_buf_adds(b, "<form class=\"logout\" method=\"post\" "
                       "action=\"/logout\"><span>");
        esc(b, p->user);
        ff_buf_adds(b, "</span><input type=\"hidden\" name=\"csrf\" value=\"");
        esc(b, p->csrf);
        ff_buf_adds(b, "\"><button>ออกจากระบบ</button></form>");
    }
    ff_buf_adds(b, "</header><main>");
}

static void foot(struct ff_buf *b)
{
    ff_buf_adds(b, "</main></body></html>\n");
}

int intake_web_message(const struct intake_page *p, const char *title,
                       const char *msg, struct ff_buf *out)
{
    head(out, p, title, NULL);
    ff_buf_adds(out, "<h1>");
    esc(out, title);
    ff_buf_adds(out, "</h1><p class=\"msg\">");
    esc(out, msg);
    ff_buf_adds(out, "</p><p><a href=\"/\">กลับหน้าหลัก</a></p>");
    foot(out);
    return FF_OK;
}

int intake_web_login(const struct intake_page *p, const char *msg,
                     struct ff_buf *out)
{
    struct intake_page anon = *p;

    anon.user = NULL;
    head(out, &anon, "เข้าสู่ระบบ", NULL);
    ff_buf_adds(out, "<h1>เข้าสู่ระบบ</h1>");
    if (msg) {
        ff_buf_adds(out, "<p class=\"error\" id=\"login-error\">");
        esc(out, msg);
        ff_buf_adds(out, "</p>");
    }
    ff_buf_adds(out, "<form class=\"login\" method=\"post\" action=\"/login\">"
                     "<input type=\"hidden\" name=\"csrf\" value=\"");
    esc(out, p->csrf);
    ff_buf_adds(out, "\"><label>ชื่อผู้ใช้ <input name=\"user\" id=\"user\" "
                     "autocomplete=\"username\" required></label>"
                     "<label>รหัสผ่าน <input name=\"password\" id=\"password\" "
                     "type=\"password\" autocomplete=\"current-password\" "
                     "required></label>"
                     "<button id=\"signin\">เข้าสู่ระบบ</button></form>");
    foot(out);
    return FF_OK;
}

/* ---- dashboard ---- */

static void num(struct ff_buf *b, long v)
{
    char g[48];

    ff_baht((double)v, g, sizeof g);
    ff_buf_adds(b, g);
}

static void pct(struct ff_buf *b, long part, long whole)
{
    ff_buf_addf(b, "%.1f%%", intake_rep_pct(part, whole));
}

/* Table cells: every page's rows are made of these three. */
static void td_text(struct ff_buf *b, const char *s)
{
    ff_buf_adds(b, "<td>");
    esc(b, s);
    ff_buf_adds(b, "</td>");
}

static void td_num(struct ff_buf *b, const char *cls, long v)
{
    if (cls)
        ff_buf_addf(b, "<td class=\"%s\">", cls);
    else
        ff_buf_adds(b, "<td>");
    num(b, v);
    ff_buf_adds(b, "</td>");
}

static void td_pct(struct ff_buf *b, long part, long whole)
{
    ff_buf_adds(b, "<td>");
    pct(b, part, whole);
    ff_buf_adds(b, "</td>");
}

static void district_row(struct ff_buf *b, const struct intake_rdistrict *d,
                         const char *month, int link)
{
    ff_buf_adds(b, "<tr><th scope=\"row\">");
    if (link) {
        ff_buf_adds(b, "<a href=\"/district/");
        esc(b, d->code);
        ff_buf_addf(b, "?month=%s\">", month);
    }
    esc(b, d->code);
    ff_buf_adds(b, " ");
    esc(b, d->name);
    if (link)
        ff_buf_adds(b, "</a>");
    ff_buf_adds(b, "</th>");
    td_num(b, NULL, d->expected);
    td_num(b, "ok", d->on_time);
    td_num(b, "late", d->late);
    td_num(b, "missing", d->missing);
    td_pct(b, d->on_time + d->late, d->expected);
    td_num(b, NULL, d->rejected);
    td_pct(b, d->developed, d->expected);
    ff_buf_adds(b, "</tr>");
}

struct one_text {
    char v[64];
    int found;
};

static int take_text(void *ctx, int n, const char *const *v)
{
    struct one_text *t = ctx;

    (void)n;
    snprintf(t->v, sizeof t->v, "%s", v[0] ? v[0] : "");
    t->found = 1;
    return FF_OK;
}

static int month_closed(struct intake_ledger *L, const char *month,
                        struct ff_err *e)
{
    struct one_text t;
    const char *p[1] = {month};

    memset(&t, 0, sizeof t);
    if (intake_ledger_sql(L, "SELECT closed_at FROM month_closed "
                             "WHERE month = ?1",
                          p, 1, take_text, &t, NULL, e))
        return -1;
    return t.found;
}

static void month_table(struct ff_buf *b, const struct intake_rep *r,
                        const struct intake_page *p, int closable)
{
    char mt[64], dl[64];
    long long left = r->deadline - p->now;
    size_t i;
    int y = digits(r->month, 4), m = digits(r->month + 5, 2);

    intake_web_month_thai(r->month, mt, sizeof mt);
    ff_thai_date(y, m, 20, 0, dl, sizeof dl);
    ff_buf_addf(b, "<section class=\"month\" data-month=\"%s\"><h2>"
                   "รายงานเดือน ", r->month);
    esc(b, mt);
    ff_buf_adds(b, "</h2><p class=\"deadline\">กำหนดส่ง ");
    esc(b, dl);
    if (left >= 0)
        ff_buf_addf(b, " · <strong class=\"days-left\">เหลืออีก %lld วัน"
                       "</strong>", (left + 86399) / 86400);
    else
        ff_buf_adds(b, " · <strong class=\"past\">เลยกำหนดแล้ว</strong>");
    ff_buf_addf(b, " · <a class=\"dl\" href=\"/download/reconciliation.csv?"
                   "month=%s\">CSV</a> <a class=\"dl\" href=\"/download/"
                   "reconciliation.xlsx?month=%s\">Excel</a> <a class=\"dl\" "
                   "href=\"/download/reconciliation.pdf?month=%s\">PDF</a>"
                   "</p>", r->month, r->month, r->month);
    ff_buf_adds(b, "<table class=\"recon\"><thead><tr><th>อำเภอ</th>"
                   "<th>เป้าหมาย</th><th>ส่งทันเวลา</th><th>ส่งล่าช้า</th>"
                   "<th>ยังไม่ส่ง</th><th>ส่งแล้ว</th><th>ไม่รับ</th>"
                   "<th>ตัวชี้วัด 4</th></tr></thead><tbody>");
    for (i = 0; i < r->nd; i++)
        district_row(b, &r->d[i], r->month, 1);
    ff_buf_adds(b, "</tbody><tfoot>");
    district_row(b, &r->total, r->month, 0);
    ff_buf_adds(b, "</tfoot></table>");
    if (closable) {
        ff_buf_adds(b, "<form method=\"post\" action=\"/close\" "
                       "class=\"close\"><input type=\"hidden\" name=\"csrf\" "
                       "value=\"");
        esc(b, p->csrf);
        ff_buf_addf(b, "\"><input type=\"hidden\" name=\"month\" value=\"%s\">"
                       "<button>ปิดรายงานเดือนนี้</button> <small>(the "
                       "dashboard then shows the current month only)</small>"
                       "</form>", r->month);
    }
    ff_buf_adds(b, "</section>");
}

static int version(struct intake_ledger *L, char out[64], struct ff_err *e)
{
    struct one_text t;
    int rc;

    memset(&t, 0, sizeof t);
    rc = intake_ledger_sql(L, "SELECT (SELECT coalesce(max(id), 0) FROM "
                              "record) || '.' || (SELECT count(*) FROM "
                              "register_snapshot) || '.' || (SELECT count(*) "
                              "FROM month_closed) || '.' || (SELECT count(*) "
                              "FROM supersession)",
                           NULL, 0, take_text, &t, NULL, e);
    snprintf(out, 64, "%s", t.v);
    return rc;
}

int intake_web_dashboard(struct intake_ledger *L, const struct intake_page *p,
                         const char *month, struct ff_buf *out,
                         struct ff_err *e)
{
    struct intake_rep r;
    char cur[8], prev[8], mt[64], other[8], v[64];
    const char *show[2];
    int nshow = 0, i, rc, closed;

    intake_web_months(p->now, cur, prev);
    if (month) {
        show[nshow++] = month;
    } else {
        if ((closed = month_closed(L, prev, e)) < 0)
            return e->code;
        show[nshow++] = cur;
        if (!closed)
            show[nshow++] = prev;
    }
    if ((rc = version(L, v, e)))
        return rc;
    {
        char attrs[160];

        snprintf(attrs, sizeof attrs,
                 " data-poll=\"/api/state%s%s\" data-version=\"%s\"",
                 month ? "?month=" : "", month ? month : "", v);
        head(out, p, "ภาพรวมรายงานประจำเดือน", attrs);
    }
    ff_buf_adds(out, "<h1>ภาพรวมรายงานประจำเดือน</h1>"
                     "<p class=\"live\">หน้านี้ปรับตัวเลขเองเมื่อมีรายงานเข้ามา"
                     "</p>");
    for (i = 0; i < nshow; i++) {
        memset(&r, 0, sizeof r);
        if ((rc = intake_recon_build(L, show[i], 0, &r, e)))
            return rc;
        closed = month == NULL && i == 1;
        month_table(out, &r, p, closed);
        intake_recon_release(&r);
    }
    /* Choosing another month: links, not a GET form, so nothing here
     * carries a token in a URL. */
    ff_buf_adds(out, "<nav class=\"months\">เดือนอื่น: ");
    add_month(show[0], -1, other);
    ff_buf_addf(out, "<a href=\"/?month=%s\">‹ ", other);
    esc(out, intake_web_month_thai(other, mt, sizeof mt));
    ff_buf_adds(out, "</a>");
    add_month(show[0], 1, other);
    ff_buf_addf(out, " · <a href=\"/?month=%s\">", other);
    esc(out, intake_web_month_thai(other, mt, sizeof mt));
    ff_buf_adds(out, " ›</a> · <a href=\"/\">เดือนปัจจุบัน</a></nav>");
    ff_buf_adds(out, "<section class=\"upload\"><h2>นำเข้าไฟล์ส่งออก "
                     "<small>(export file: CSV, XLSX, zip)</small></h2>"
                     "<form method=\"post\" action=\"/upload\" "
                     "enctype=\"multipart/form-data\">"
                     "<input type=\"hidden\" name=\"csrf\" value=\"");
    esc(out, p->csrf);
    ff_buf_adds(out, "\"><input type=\"file\" name=\"file\" id=\"file\" "
                     "required> <button id=\"upload\">นำเข้า</button></form>"
                     "</section>");
    foot(out);
    return FF_OK;
}

int intake_web_state_json(struct intake_ledger *L, const char *month,
                          struct ff_buf *out, struct ff_err *e)
{
    struct intake_rep r;
    char v[64];
    size_t i;
    int rc;

    if ((rc = version(L, v, e)))
        return rc;
    memset(&r, 0, sizeof r);
    if ((rc = intake_recon_build(L, month, 0, &r, e)))
        return rc;
    ff_buf_addf(out, "{\"version\": \"%s\", \"month\": \"%s\", "
                     "\"districts\": [", v, month);
    for (i = 0; i <= r.nd; i++) {
        const struct intake_rdistrict *d = i < r.nd ? &r.d[i] : &r.total;

        /* Codes are digits: no escaping needed; names are left out. */
        ff_buf_addf(out, "%s{\"code\": \"%s\", \"expected\": %ld, "
                         "\"on_time\": %ld, \"late\": %ld, \"missing\": %ld}",
                    i ? ", " : "", i < r.nd ? d->code : "province",
                    d->expected, d->on_time, d->late, d->missing);
    }
    ff_buf_adds(out, "]}\n");
    intake_recon_release(&r);
    return FF_OK;
}

/* ---- district ---- */

static void hh_row(struct ff_buf *b, const struct intake_rlisted *h)
{
    ff_buf_adds(b, "<tr><td><a href=\"/household/");
    esc(b, h->code);
    ff_buf_adds(b, "\">");
    esc(b, h->code);
    ff_buf_addf(b, "</a></td><td>หมู่ %d ", h->village_no);
    esc(b, h->village_name);
    ff_buf_adds(b, "</td>");
    td_text(b, h->subdistrict);
    td_text(b, h->house_no);
    td_text(b, h->head);
    ff_buf_adds(b, "</tr>");
}

static int by_village(const void *a, const void *b)
{
    const struct intake_rlisted *x =
        *(const struct intake_rlisted *const *)a;
    const struct intake_rlisted *y =
        *(const struct intake_rlisted *const *)b;
    int c = strcmp(x->subdistrict, y->subdistrict);

    if (c == 0)
        c = (x->village_no > y->village_no) - (x->village_no < y->village_no);
    if (c == 0)
        c = strcmp(x->house_no, y->house_no);
    return c ? c : strcmp(x->code, y->code);
}

int intake_web_district(struct intake_ledger *L, const struct intake_page *p,
                        const char *code, const char *month,
                        struct ff_buf *out, struct ff_err *e)
{
    struct intake_rep r;
    const struct intake_rdistrict *d = NULL;
    const struct intake_rlisted **v = NULL;
    char mt[64], title[300], other[8];
    size_t i, n = 0, k;
    int rc, pass;

    memset(&r, 0, sizeof r);
    if ((rc = intake_recon_build(L, month, 0, &r, e)))
        return rc;
    for (i = 0; i < r.nd; i++)
        if (strcmp(r.d[i].code, code) == 0)
            d = &r.d[i];
    if (d == NULL) {
        intake_recon_release(&r);
        return ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                          "no district '%s' in the register", code);
    }
    v = ff_calloc(r.nlisted ? r.nlisted : 1, sizeof *v);
    if (v == NULL) {
        intake_recon_release(&r);
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    }
    intake_web_month_thai(month, mt, sizeof mt);
    snprintf(title, sizeof title, "อำเภอ%s · %s", d->name, mt);
    head(out, p, title, NULL);
    ff_buf_adds(out, "<h1>อำเภอ");
    esc(out, d->name);
    ff_buf_adds(out, " <small>");
    esc(out, d->code);
    ff_buf_adds(out, "</small></h1><p>รายงานเดือน ");
    esc(out, mt);
    ff_buf_addf(out, " · เป้าหมาย %ld · ทันเวลา %ld · ล่าช้า %ld · "
                     "ยังไม่ส่ง %ld</p>",
                d->expected, d->on_time, d->late, d->missing);
    add_month(month, -1, other);
    ff_buf_addf(out, "<nav class=\"months\"><a href=\"/district/%s?month=%s\">"
                     "‹ เดือนก่อน</a> · ", d->code, other);
    add_month(month, 1, other);
    ff_buf_addf(out, "<a href=\"/district/%s?month=%s\">เดือนถัดไป ›</a> · "
                     "<a href=\"/?month=%s\">ทุกอำเภอ</a></nav>",
                d->code, other, month);
    for (pass = 0; pass < 2; pass++) {
        n = 0;
        for (k = 0; k < r.nlisted; k++) {
            const struct intake_rlisted *h = &r.listed[k];

            if (strcmp(h->district_code, code) != 0)
                continue;
            if (pass == 0 ? h->missing : h->late)
                v[n++] = h;
        }
        qsort(v, n, sizeof *v, by_village);
        ff_buf_addf(out, "<section id=\"%s\"><h2>%s (%zu)</h2>",
                    pass == 0 ? "missing" : "late",
                    pass == 0 ? "ครัวเรือนที่ยังไม่ส่งรายงาน"
                              : "ครัวเรือนที่ส่งล่าช้า",
                    n);
        if (n == 0) {
            ff_buf_adds(out, "<p>ไม่มี</p></section>");
            continue;
        }
        ff_buf_adds(out, "<table class=\"hhs\"><thead><tr><th>รหัสบ้าน</th>"
                         "<th>หมู่บ้าน</th>"
                         "<th>ตำบล</th><th>บ้านเลขที่</th><th>หัวหน้าครัวเรือน"
                         "</th></tr></thead><tbody>");
        for (k = 0; k < n; k++)
            hh_row(out, v[k]);
        ff_buf_adds(out, "</tbody></table></section>");
    }
    foot(out);
    ff_free(v);
    intake_recon_release(&r);
    return FF_OK;
}

/* ---- household ---- */

struct hh_info {
    struct ff_buf *out;
    int found;
};

static int take_hh(void *ctx, int n, const char *const *v)
{
    struct hh_info *h = ctx;
    struct ff_buf *b = h->out;

    (void)n;
    h->found = 1;
    ff_buf_adds(b, "<dl class=\"hh\"><dt>หัวหน้าครัวเรือน</dt><dd>");
    esc(b, v[0]);
    ff_buf_adds(b, "</dd><dt>ที่อยู่</dt><dd>บ้านเลขที่ ");
    esc(b, v[1]);
    ff_buf_adds(b, " หมู่ ");
    esc(b, v[2]);
    ff_buf_adds(b, " ");
    esc(b, v[3]);
    ff_buf_adds(b, " ตำบล");
    esc(b, v[4]);
    ff_buf_adds(b, " อำเภอ");
    esc(b, v[5]);
    ff_buf_adds(b, "</dd><dt>สถานะ</dt><dd>");
    esc(b, v[6]);
    if (v[6] && v[6][0] >= '1' && v[6][0] <= '4' && v[6][1] == '\0') {
        static const char *const label[] = {
            "พัฒนาได้", "ขอรับการสงเคราะห์", "พึ่งตนเองได้",
            "อื่นๆ (เสียชีวิต/ย้าย)"};

        ff_buf_adds(b, " ");
        ff_buf_adds(b, label[v[6][0] - '1']);
    }
    ff_buf_adds(b, "</dd></dl>");
    return FF_OK;
}

static const char *outcome_thai(const char *o)
{
    if (o == NULL)
        return "";
    if (strcmp(o, "accepted") == 0)
        return "รับ";
    if (strcmp(o, "superseded") == 0)
        return "ถูกแทนที่";
    if (strcmp(o, "duplicate") == 0)
        return "ซ้ำ";
    if (strcmp(o, "rejected") == 0)
        return "ไม่รับ";
    return o;
}

static const char *reason_thai(const char *r)
{
    static const char *const map[][2] = {
        {"invalid_utf8", "มีอักขระเสีย"},
        {"ragged_row", "จำนวนช่องไม่ตรงกับหัวตาราง"},
        {"missing_required", "ข้อมูลที่ต้องมีไม่ครบ"},
        {"hhid_malformed", "รหัสบ้านผิดรูปแบบ"},
        {"bad_check", "เลขตรวจสอบหรือรหัสลับของ QR ไม่ถูกต้อง"},
        {"unknown_hhid", "รหัสบ้านไม่มีในทะเบียน"},
        {"bad_value", "ค่าไม่ถูกต้อง (วันเวลา เดือน ปัจจัย สถานะ หรือรายได้)"},
        {"same_submission_id", "ส่งซ้ำ (รหัสการส่งเดียวกัน)"},
        {"identical_record", "ซ้ำกับรายงานก่อนหน้าทุกช่อง"},
        {"date_without_time", "เวลาส่งมีแต่วันที่ (Excel ตัดเวลาออก) จึงบอกไม่ได้ว่าล่าช้าหรือไม่"},
        {"review_rejected", "ผู้ตรวจสอบไม่รับรายงานนี้"},
    };
    size_t i;

    for (i = 0; r && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(r, map[i][0]) == 0)
            return map[i][1];
    return r ? r : "";
}

/* The 4T category as staff say it (the ledger keeps the text as sent). */
static const char *category_thai(const char *c)
{
    static const char *const map[][2] = {
        {"attitude", "ทัศนคติ"}, {"skills", "ทักษะ"},
        {"resources", "ทรัพยากร"}, {"way-out", "ทางออก"}};
    size_t i;

    for (i = 0; c && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(c, map[i][0]) == 0)
            return map[i][1];
    return c;
}

struct rec_ctx {
    struct ff_buf *out;
    char month[8];
    long n;
};

static int take_rec(void *ctx, int n, const char *const *v)
{
    struct rec_ctx *c = ctx;
    struct ff_buf *b = c->out;
    const char *month = v[1] ? v[1] : "";
    char mt[64], when[96];

    (void)n;
    if (strcmp(month, c->month) != 0) {
        if (c->n)
            ff_buf_adds(b, "</tbody></table>");
        snprintf(c->month, sizeof c->month, "%s", month);
        ff_buf_adds(b, "<h2>");
        if (*month)
            esc(b, intake_web_month_thai(month, mt, sizeof mt));
        else
            ff_buf_adds(b, "ไม่ทราบเดือน");
        ff_buf_adds(b, "</h2><table class=\"records\"><thead><tr>"
                       "<th>#</th><th>ส่งเมื่อ</th><th>ผล</th><th>เหตุผล</th>"
                       "<th>กิจกรรม</th><th>ปัจจัย</th><th>ผลการดำเนินงาน</th>"
                       "<th>ที่มา</th></tr></thead><tbody>");
    }
    c->n++;
    ff_buf_addf(b, "<tr class=\"%s\"><td>", v[4] ? v[4] : "");
    esc(b, v[0]);
    ff_buf_adds(b, "</td><td>");
    if (v[2])
        esc(b, bangkok_be(strtoll(v[2], NULL, 10), when, sizeof when));
    else
        esc(b, v[3]);
    if (v[6] && strcmp(v[6], "1") == 0)
        ff_buf_adds(b, " <span class=\"late\">ล่าช้า</span>");
    ff_buf_adds(b, "</td><td>");
    esc(b, outcome_thai(v[4]));
    ff_buf_adds(b, "</td><td>");
    if (v[4] && strcmp(v[4], "superseded") == 0) {
        /* Why, in the ledger's own terms: a reviewer's rejection since
         * (withdrawal), an edit of this submission, or a later report of
         * the same month. */
        const char *by = v[12];

        if (v[15]) {
            ff_buf_adds(b, "ผู้ตรวจสอบไม่รับรายงานนี้ภายหลัง");
            by = v[15];
        } else if (v[13] && strcmp(v[13], "edit") == 0) {
            ff_buf_adds(b, "มีการแก้ไขรายงานนี้");
            by = v[14] ? v[14] : by;
        } else {
            ff_buf_adds(b, "มีรายงานที่ส่งทีหลังของเดือนเดียวกัน");
            by = v[14] ? v[14] : by;
        }
        if (by) {
            ff_buf_adds(b, " (#");
            esc(b, by);
            ff_buf_adds(b, ")");
        }
    } else {
        esc(b, reason_thai(v[5]));
    }
    ff_buf_adds(b, "</td>");
    td_text(b, v[7]);
    td_text(b, category_thai(v[8]));
    td_text(b, v[9]);
    ff_buf_adds(b, "<td>");
    esc(b, v[10]);
    ff_buf_adds(b, " · load ");
    esc(b, v[11]);
    ff_buf_adds(b, "</td></tr>");
    return FF_OK;
}

int intake_web_household(struct intake_ledger *L,
                         const struct intake_page *p, const char *code,
                         int folder_ok, struct ff_buf *out,
                         struct ff_err *e)
{
    const char *params[1] = {code};
    struct hh_info h;
    struct rec_ctx rc_;
    struct ff_buf info;
    int rc;

    ff_buf_init(&info);
    h.out = &info;
    h.found = 0;
    rc = intake_ledger_sql(
        L, "SELECT head, house_no, village_no, village_name, subdistrict, "
           "district, status FROM household WHERE code = ?1 AND snapshot = "
           "(SELECT max(id) FROM register_snapshot)",
        params, 1, take_hh, &h, NULL, e);
    if (rc) {
        ff_buf_release(&info);
        return rc;
    }
    head(out, p, code, NULL);
    ff_buf_adds(out, "<h1>ครัวเรือน ");
    esc(out, code);
    ff_buf_adds(out, "</h1>");
    if (h.found)
        ff_buf_add(out, info.data, info.len);
    else
        ff_buf_adds(out, "<p class=\"msg\">ไม่มีในทะเบียนล่าสุด "
                         "(not in the newest register)</p>");
    ff_buf_release(&info);
    ff_buf_adds(out, "<p><a class=\"print\" href=\"/household/");
    esc(out, code);
    ff_buf_adds(out, "/folder.pdf\">พิมพ์แฟ้มครอบครัวอีกครั้ง</a>");
    if (!folder_ok)
        ff_buf_adds(out, " <small>(needs the server started with --ffgen "
                         "and --register)</small>");
    ff_buf_adds(out, "</p>");
    memset(&rc_, 0, sizeof rc_);
    rc_.out = out;
    /* Every record the household field named, rejected ones included, in
     * month order, then as they were submitted. */
    rc = intake_ledger_sql(
        L, "SELECT l.id, l.month, l.submitted, l.submitted_text, "
           "l.current_outcome, l.reason, l.late, l.activity, l.category, "
           "l.result, s.file, l.load_id, (SELECT a.id FROM ledger a WHERE "
           "a.hhid = l.hhid AND a.month = l.month AND a.current_outcome = "
           "'accepted' LIMIT 1), (SELECT why FROM supersession WHERE "
           "record_id = l.id), (SELECT by_record FROM supersession WHERE "
           "record_id = l.id), (SELECT by_record FROM withdrawal WHERE "
           "record_id = l.id) FROM ledger l JOIN source s ON s.id = "
           "l.source_id WHERE l.hhid = ?1 ORDER BY l.month DESC, "
           "l.submitted, l.id",
        params, 1, take_rec, &rc_, NULL, e);
    if (rc)
        return rc;
    if (rc_.n)
        ff_buf_adds(out, "</tbody></table>");
    else
        ff_buf_adds(out, "<p>ยังไม่มีรายงาน</p>");
    foot(out);
    return FF_OK;
}

/* ---- upload ---- */

int intake_web_upload_result(const struct intake_page *p, const char *file,
                             const struct intake_load_file *f,
                             const struct intake_load_summary *s,
                             const char *err, struct ff_buf *out)
{
    int i;

    head(out, p, "ผลการนำเข้า", NULL);
    ff_buf_adds(out, "<h1>ผลการนำเข้าไฟล์</h1><section id=\"summary\">"
                     "<p class=\"file\">");
    esc(out, file);
    ff_buf_adds(out, "</p>");
    if (err) {
        ff_buf_adds(out, "<p class=\"error\">ไม่ได้นำเข้า: ");
        esc(out, err);
        ff_buf_adds(out, "</p><p>ไม่มีข้อมูลใดของไฟล์นี้ถูกบันทึก</p>");
    } else if (f->prior_load > 0) {
        ff_buf_addf(out, "<p class=\"already\">ไฟล์นี้นำเข้าแล้ว (load %ld) "
                         "ไม่มีอะไรเปลี่ยน</p>", f->prior_load);
    } else {
        ff_buf_adds(out, "<p>รูปแบบ ");
        esc(out, f->dialect);
        ff_buf_adds(out, ", ");
        esc(out, f->encoding);
        ff_buf_addf(out, " · load %ld</p><table class=\"summary\"><tbody>"
                         "<tr><th>รายงานทั้งหมด</th><td id=\"records\">%ld"
                         "</td></tr><tr><th>รับ</th><td id=\"accepted\">%ld"
                         "</td></tr><tr><th>ซ้ำ</th><td>%ld</td></tr>"
                         "<tr><th>ถูกแทนที่</th><td>%ld</td></tr>"
                         "<tr><th>ไม่รับ</th><td id=\"rejected\">%ld</td></tr>"
                         "<tr><th>ล่าช้า</th><td>%ld</td></tr>",
                    s->load_id, s->records, s->accepted, s->duplicate,
                    s->superseded, s->rejected, s->late);
        for (i = 1; i < INTAKE_NREASONS; i++)
            if (s->by_reason[i])
                ff_buf_addf(out, "<tr><td>%s <small>%s</small></td>"
                                 "<td>%ld</td></tr>",
                            reason_thai(intake_reason_name(i)),
                            intake_reason_name(i), s->by_reason[i]);
        if (s->superseded_earlier)
            ff_buf_addf(out, "<tr><th>แก้ไขรายงานที่นำเข้าก่อนหน้า</th>"
                             "<td>%ld</td></tr>", s->superseded_earlier);
        ff_buf_adds(out, "</tbody></table>");
    }
    ff_buf_adds(out, "</section><p><a href=\"/\">กลับหน้าหลัก</a></p>");
    foot(out);
    return FF_OK;
}

/* ---- static files ---- */

/* Poll the state every 5 seconds; reload when anything was stored.  A
 * short poll rather than server-sent events: it needs no connection held
 * open per browser, and survives proxies that buffer. */
const char intake_web_js[] =
    "(function () {\n"
    "  var b = document.body, url = b.getAttribute('data-poll');\n"
    "  if (!url) return;\n"
    "  var seen = b.getAttribute('data-version');\n"
    "  function tick() {\n"
    "    fetch(url, {credentials: 'same-origin', cache: 'no-store'})\n"
    "      .then(function (r) { return r.ok ? r.json() : null; })\n"
    "      .then(function (s) {\n"
    "        if (s && s.version !== seen) location.reload();\n"
    "      }).catch(function () {});\n"
    "  }\n"
    "  setInterval(tick, 5000);\n"
    "})();\n";

const char intake_web_css[] =
    "body{font-family:'Laksaman','TH Sarabun New','Noto Sans Thai',"
    "sans-serif;margin:0;color:#222;background:#f7f7f4;font-size:17px}\n"
    "header{background:#23465e;color:#fff;padding:.6em 1.2em;display:flex;"
    "justify-content:space-between;align-items:center}\n"
    "header a{color:#fff;text-decoration:none;font-weight:bold}\n"
    "header form{margin:0}header span{margin-right:.8em}\n"
    "main{padding:1em 1.5em;max-width:70em}\n"
    "table{border-collapse:collapse;background:#fff;margin:.5em 0}\n"
    "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}\n"
    "th:first-child,td:first-child{text-align:left}\n"
    "table.records td,table.records th,table.hhs td,table.hhs th"
    "{text-align:left}\n"
    "thead th{background:#e8eef2}tfoot th,tfoot td{font-weight:bold;"
    "background:#eef}\n"
    "td.ok{color:#1b6e20}td.late,span.late{color:#a85d00}"
    "td.missing{color:#b00020}\n"
    ".days-left{color:#1b4f9c}.past{color:#b00020}\n"
    ".error{color:#b00020;font-weight:bold}.msg{background:#fff;"
    "padding:.8em;border-left:4px solid #23465e}\n"
    "form.login label{display:block;margin:.5em 0}\n"
    "section{margin:1.2em 0}small{color:#666}\n"
    "tr.rejected td{background:#fff0f0}tr.superseded td,tr.duplicate td"
    "{color:#777}\n";
