/*
 * web.h - the pages of ffintake serve: HTML in Thai, every text that came
 * from a register or a report escaped.  No HTTP here (serve.c), no SQL
 * beyond reading through ledger.h and report.h.
 */
#ifndef INTAKE_WEB_H
#define INTAKE_WEB_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "ledger.h"
#include "load.h"

/* Append s[0..n) HTML-escaped (& < > " ' as entities) to b. */
int intake_html_escape(struct ff_buf *b, const char *s, size_t n);

/*
 * The reporting months on date now (UTC seconds), in Asia/Bangkok: cur is
 * the month whose deadline (the 20th) is next, prev the one before it.
 * Both "YYYY-MM" CE.
 */
void intake_web_months(long long now, char cur[8], char prev[8]);

/* A month as staff read it: "มกราคม 2568" into out. */
const char *intake_web_month_thai(const char *month, char *out, size_t size);

/* What every page needs to draw its frame. */
struct intake_page {
    const char *user;           /* signed-in user, or NULL */
    const char *csrf;           /* the session's CSRF token, or NULL */
    long long now;              /* UTC seconds */
    int folder_ok;              /* Family Folders can be printed */
};

/* The sign-in page; msg (may be NULL) says why the last attempt failed. */
int intake_web_login(const struct intake_page *p, const char *msg,
                     struct ff_buf *out);

/*
 * The dashboard of month (NULL: the current reporting month, and the one
 * before it until it is closed): per district expected, on time, late,
 * missing, and the province row; links to the districts, downloads, the
 * upload form.  Returns FF_OK or an error (e filled).
 */
int intake_web_dashboard(struct intake_ledger *L, const struct intake_page *p,
                         const char *month, struct ff_buf *out,
                         struct ff_err *e);

/* The figures of the dashboard as JSON (the page's poll): a version
 * number that changes when anything was stored, and the per-district
 * counts. */
int intake_web_state_json(struct intake_ledger *L, const char *month,
                          struct ff_buf *out, struct ff_err *e);

/* The missing and late households of district code in month. */
int intake_web_district(struct intake_ledger *L, const struct intake_page *p,
                        const char *code, const char *month,
                        struct ff_buf *out, struct ff_err *e);

/* One household's reports month by month, every record's outcome; a link
 * that prints its Family Folder again (folder_ok: configured). */
int intake_web_household(struct intake_ledger *L,
                         const struct intake_page *p, const char *code,
                         int folder_ok, struct ff_buf *out,
                         struct ff_err *e);

/* The summary of an upload (or why it was refused: err non-NULL). */
int intake_web_upload_result(const struct intake_page *p, const char *file,
                             const struct intake_load_file *f,
                             const struct intake_load_summary *s,
                             const char *err, struct ff_buf *out);

/* A short page with a title and a message (errors, explanations). */
int intake_web_message(const struct intake_page *p, const char *title,
                       const char *msg, struct ff_buf *out);

/* The dashboard's script (served as /static/app.js: no inline script, so
 * the Content-Security-Policy can forbid them all). */
extern const char intake_web_js[];
extern const char intake_web_css[];

#endif
