/*
 * pull.c - fetch new submissions from KoboToolbox or ODK Central over
 * HTTPS (libcurl: the only file that includes curl.h) into the ledger.
 *
 * Where a pull starts is a mark kept in the ledger (table pull_mark), one
 * per service, server and form, written in the same transaction as the
 * records it covers:
 *
 *   - KoboToolbox, data API v2 (GET /api/v2/assets/UID/data/?format=json,
 *     "Authorization: Token T"): the mark is the highest _id seen, the
 *     query asks for {"_id": {"$gt": MARK}} sorted by _id, pages follow
 *     "next".  Kobo gives an edit a new _uuid but keeps its _id, so edits
 *     are not fetched again; REST Services do not post them either.
 *   - ODK Central, OData (GET /v1/projects/N/forms/ID.svc/Submissions,
 *     HTTP Basic): the mark is the latest __system/submissionDate or
 *     __system/updatedAt seen, the filter asks for either being later
 *     (updatedAt is null until a submission is edited or reviewed), pages
 *     follow "@odata.nextLink".  An edit arrives as a new version (hooks.c
 *     makes its KEY the new instanceID) and supersedes the first.
 *
 * The bodies are read with the same JSON reader as the hooks (hooks.c) and
 * the records classified through the load stream (load.h).
 */
#include "pull.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "alloc.h"
#include "auth.h"
#include "buf.h"
#include "dialect.h"
#include "hhid.h"
#include "hooks.h"
#include "ledger.h"
#include "loadcfg.h"
#include "paths.h"
#include "rules.h"

#define PAGE_MAX_BYTES (256L * 1024 * 1024)
#define MAX_PAGES 100000

struct fetch {
    struct ff_buf body;
    int too_big;
};

static size_t take_body(char *p, size_t size, size_t n, void *arg)
{
    struct fetch *f = arg;

    if (f->body.len + size * n > (size_t)PAGE_MAX_BYTES) {
        f->too_big = 1;
        return 0;
    }
    if (ff_buf_add(&f->body, p, size * n))
        return 0;
    return size * n;
}

/* GET url into f->body; an answer other than 200 is an error. */
static int get(CURL *c, const char *url, struct curl_slist *headers,
               const char *userpwd, struct fetch *f, struct ff_err *e)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    long status = 0;
    CURLcode rc;

    ff_buf_reset(&f->body);
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    if (userpwd) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 600L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "ffkit-ffintake-pull");
    /* A next-page link is followed by us, never a redirect to elsewhere
     * with the credentials. */
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    rc = curl_easy_perform(c);
    if (f->too_big)
        return ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                          "the service sent a page over 256 MiB");
    if (rc != CURLE_OK)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "cannot fetch from the "
                          "service: %s", errbuf[0] ? errbuf
                                                   : curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status == 401 || status == 403)
        return ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                          "the service refused the credentials (HTTP %ld)",
                          status);
    if (status != 200)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0,
                          "the service answered HTTP %ld", status);
    return FF_OK;
}

/* The one line of a secret file; refused when others may read it. */
static int read_secret(const char *path, char *out, size_t size,
                       struct ff_err *e)
{
    struct stat st;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

    if (fd < 0)
        return ff_err_sys(e, path, "cannot open");
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ff_err_set(e, FF_EINPUT, path, 0, 0, "not a regular file");
    }
    if (st.st_mode & 077) {
        close(fd);
        return ff_err_set(e, FF_EINPUT, path, 0, 0,
                          "others may read this secret (run chmod 600)");
    }
    n = read(fd, out, size - 1);
    close(fd);
    if (n < 0)
        return ff_err_sys(e, path, "cannot read");
    out[n] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
    if (out[0] == '\0')
        return ff_err_set(e, FF_EINPUT, path, 1, 0, "empty secret file");
    return FF_OK;
}

static int take_mark(void *ctx, int n, const char *const *v)
{
    (void)n;
    snprintf(ctx, 64, "%s", v[0] ? v[0] : "");
    return FF_OK;
}

/* A URL-encoded copy of s appended to b. */
static int add_escaped(CURL *c, struct ff_buf *b, const char *s)
{
    char *x = curl_easy_escape(c, s, 0);
    int rc;

    if (x == NULL)
        return FF_ESYS;
    rc = ff_buf_adds(b, x) ? FF_ESYS : FF_OK;
    curl_free(x);
    return rc;
}

static int first_url(CURL *c, const struct intake_pull_opts *o,
                     const char *mark, struct ff_buf *u)
{
    char q[200];
    size_t n = strlen(o->url);

    while (n && o->url[n - 1] == '/')
        n--;
    ff_buf_add(u, o->url, n);
    if (o->service == INTAKE_PULL_KOBO) {
        ff_buf_adds(u, "/api/v2/assets/");
        add_escaped(c, u, o->asset);
        ff_buf_adds(u, "/data/?format=json&limit=1000&sort=");
        add_escaped(c, u, "{\"_id\":1}");
        if (mark[0]) {
            snprintf(q, sizeof q, "{\"_id\":{\"$gt\":%s}}", mark);
            ff_buf_adds(u, "&query=");
            add_escaped(c, u, q);
        }
    } else {
        ff_buf_adds(u, "/v1/projects/");
        add_escaped(c, u, o->project);
        ff_buf_adds(u, "/forms/");
        add_escaped(c, u, o->form);
        ff_buf_adds(u, ".svc/Submissions?$top=1000");
        if (mark[0]) {
            snprintf(q, sizeof q, "__system/submissionDate gt %s or "
                                  "__system/updatedAt gt %s", mark, mark);
            ff_buf_adds(u, "&$filter=");
            add_escaped(c, u, q);
        }
    }
    return u->data == NULL ? FF_ESYS : FF_OK;
}

/* Move the mark past record r. */
static void advance(int service, const struct intake_hook_rec *r,
                    char mark[64])
{
    if (service == INTAKE_PULL_KOBO) {
        const char *id = intake_hook_get(r, "_id");

        if (id && strspn(id, "0123456789") == strlen(id) && *id &&
            (strlen(id) > strlen(mark) ||
             (strlen(id) == strlen(mark) && strcmp(id, mark) > 0)))
            snprintf(mark, 64, "%s", id);
    } else {
        const char *t[2] = {intake_hook_get(r, "SubmissionDate"),
                            intake_hook_get(r, "UpdatedAt")};
        int i;

        /* Same format (ISO 8601 UTC with Z): text order is time order. */
        for (i = 0; i < 2; i++)
            if (t[i] && *t[i] && strcmp(t[i], mark) > 0)
                snprintf(mark, 64, "%s", t[i]);
    }
}

static int store_page(struct intake_stream *st,
                      const struct intake_dialects *ds, const char *source,
                      struct intake_hook_doc *d, int service, char mark[64],
                      long *fetched, struct ff_err *e)
{
    size_t i;
    int rc;

    for (i = 0; i < d->n; i++) {
        struct intake_hook_rec *r = &d->rec[i];
        struct intake_layout lay;
        struct intake_stream_result res;

        (*fetched)++;
        if ((rc = intake_dialect_detect(ds, r->key, r->key_len, r->n,
                                        source, &lay, e)))
            return rc;
        if ((rc = intake_stream_add(st, source, &lay, r->val, r->val_len,
                                    r->n, &res, e)))
            return rc;
        advance(service, r, mark);
    }
    return FF_OK;
}

int intake_pull_run(const struct intake_pull_opts *o,
                    struct intake_pull_result *res, struct ff_err *e)
{
    struct intake_dialects ds = {0, NULL};
    struct ff_payload_cfg *payload = NULL;
    struct intake_ledger *L = NULL;
    struct intake_stream *st = NULL;
    struct intake_load_opts lo;
    struct curl_slist *headers = NULL;
    struct fetch f;
    struct ff_buf url;
    char secret[512], hdr[600], mark[64] = "", now[32];
    const char *name;
    const char *p[3];
    CURL *c = NULL;
    int rc, pages = 0, open = 0;

    memset(res, 0, sizeof *res);
    ff_buf_init(&f.body);
    f.too_big = 0;
    ff_buf_init(&url);
    if (o->service == INTAKE_PULL_KOBO)
        snprintf(res->source, sizeof res->source, "kobo:%s:%s", o->url,
                 o->asset);
    else
        snprintf(res->source, sizeof res->source, "odk:%s:%s:%s", o->url,
                 o->project, o->form);
    name = o->service == INTAKE_PULL_KOBO ? "pull:kobo" : "pull:odk";
    if ((rc = read_secret(o->secret_file, secret, sizeof secret, e)))
        goto out;
    if ((rc = intake_loadcfg(o->dialects, o->qr_config, o->key, &ds,
                             &payload, e)))
        goto out;
    if ((L = intake_ledger_open(o->ledger, 0, e)) == NULL) {
        rc = e->code;
        goto out;
    }
    if ((rc = intake_auth_schema(L, e)))
        goto out;
    memset(&lo, 0, sizeof lo);
    lo.dialects = &ds;
    lo.payload = payload;
    if ((st = intake_stream_new(L, &lo, e)) == NULL) {
        rc = e->code;
        goto out;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
        (c = curl_easy_init()) == NULL) {
        rc = ff_err_set(e, FF_EINTERNAL, NULL, 0, 0, "libcurl failed to "
                                                     "start");
        goto out;
    }
    if (o->service == INTAKE_PULL_KOBO) {
        snprintf(hdr, sizeof hdr, "Authorization: Token %s", secret);
        headers = curl_slist_append(headers, hdr);
    }
    headers = curl_slist_append(headers, "Accept: application/json");
    intake_now_iso(now);
    if ((rc = intake_stream_begin(st, now, e)))
        goto out;
    open = 1;
    p[0] = res->source;
    if ((rc = intake_ledger_sql(L, "SELECT mark FROM pull_mark "
                                   "WHERE source = ?1",
                                p, 1, take_mark, mark, NULL, e)))
        goto out;
    if ((rc = first_url(c, o, mark, &url)))
        goto out;
    for (;;) {
        struct intake_hook_doc d;

        if (++pages > MAX_PAGES) {
            rc = ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                            "more than %d pages: the service's next links "
                            "go round in a circle?", MAX_PAGES);
            goto out;
        }
        if ((rc = get(c, url.data, headers,
                      o->service == INTAKE_PULL_ODK ? secret : NULL, &f, e)))
            goto out;
        rc = intake_hook_parse_page(
            f.body.data, f.body.len,
            o->service == INTAKE_PULL_KOBO ? INTAKE_HOOK_KOBO
                                           : INTAKE_HOOK_ODK,
            o->service == INTAKE_PULL_KOBO ? "results" : "value",
            o->service == INTAKE_PULL_KOBO ? "next" : "@odata.nextLink", &d,
            e);
        if (rc == FF_OK)
            rc = store_page(st, &ds, name, &d, o->service, mark,
                            &res->fetched, e);
        ff_buf_reset(&url);
        if (rc == FF_OK && d.next)
            ff_buf_adds(&url, d.next);
        intake_hook_doc_release(&d);
        if (rc)
            goto out;
        if (url.len == 0)
            break;
    }
    snprintf(res->mark, sizeof res->mark, "%s", mark);
    if (intake_stream_summary(st)->records == 0 && res->fetched == 0) {
        /* Nothing at all: leave the ledger as it was. */
        intake_stream_rollback(st);
        open = 0;
        goto out;
    }
    p[1] = mark;
    p[2] = now;
    if ((rc = intake_ledger_sql(L, "INSERT INTO pull_mark VALUES(?1, ?2, ?3) "
                                   "ON CONFLICT(source) DO UPDATE SET "
                                   "mark = ?2, updated_at = ?3",
                                p, 3, NULL, NULL, NULL, e)))
        goto out;
    if ((rc = intake_stream_commit(st, e)))
        goto out;
    open = 0;
    res->sum = *intake_stream_summary(st);
    if (res->sum.records == 0)
        res->sum.load_id = 0;
out:
    if (open)
        intake_stream_rollback(st);
    memset(secret, 0, sizeof secret);
    memset(hdr, 0, sizeof hdr);
    curl_slist_free_all(headers);
    if (c)
        curl_easy_cleanup(c);
    intake_stream_free(st);
    intake_ledger_free(L);
    ff_payload_cfg_free(payload);
    intake_dialects_release(&ds);
    ff_buf_release(&url);
    ff_buf_release(&f.body);
    return rc;
}
