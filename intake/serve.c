/*
 * serve.c - ffintake serve: HTTP over the ledger; the only file that
 * includes microhttpd.h.
 *
 * It owns the HTTP rules: routing, who may call what (hook tokens for
 * /hooks/, a session for the pages, nothing for /health), body limits,
 * answer codes, cookies and security headers.  What a submission means is
 * decided elsewhere, by the same code as a load: hooks.c turns JSON into
 * columns, dialect.c finds the dialect, commitq.c stores through load.c's
 * stream.  Pages are drawn by web.c.
 *
 * Threads: libmicrohttpd runs one thread per connection, so a hook request
 * can simply wait for its batch's commit; one writer thread (commitq.c)
 * owns the write connection; pages share one read connection under a lock
 * (they are few and fast); an upload opens a connection of its own, as an
 * `ffintake load` next to the server would.
 */
#include "serve.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "alloc.h"
#include "auth.h"
#include "buf.h"
#include "commitq.h"
#include "dialect.h"
#include "hhid.h"
#include "hmac.h"
#include "hooks.h"
#include "ledger.h"
#include "load.h"
#include "loadcfg.h"
#include "paths.h"
#include "report.h"
#include "rules.h"
#include "web.h"

#define HOOK_MAX_BYTES (1024 * 1024)
#define UPLOAD_MAX_BYTES (64L * 1024 * 1024)
#define FORM_MAX_BYTES 8192

extern char **environ;

struct server {
    const struct intake_serve_opts *o;
    struct intake_dialects ds;
    struct ff_payload_cfg *payload;
    struct intake_load_opts lo;
    struct intake_ledger *wl;           /* the writer's */
    struct intake_ledger *rl;           /* pages' */
    pthread_mutex_t rmu;                /* guards rl */
    struct intake_ledger *al;           /* auth's, under its own lock */
    struct intake_commitq *q;
    struct intake_auth *auth;
    char tmpdir[512];                   /* private (0700) */
    long seq;
    pthread_mutex_t seqmu;
};

enum kind {
    K_NONE,
    K_HOOK,
    K_FORM,
    K_UPLOAD
};

struct req {
    int kind;
    int shape;                          /* hooks: enum intake_hook_shape */
    const char *source;
    struct ff_buf body;
    int too_big;
    struct MHD_PostProcessor *pp;
    /* forms */
    char csrf[INTAKE_SID_CHARS + 1];
    char user[INTAKE_NAME_MAX];
    char password[256];
    char month[16];
    size_t pwlen;
    /* uploads */
    char upload_dir[600], upload_path[900], upload_name[256];
    int upload_fd;
    long upload_bytes;
    int upload_failed;
};

/* The date the pages show months for: SOURCE_DATE_EPOCH pins it (tests,
 * reproducible screenshots); sessions and rate limits always use the
 * real clock. */
static long long now_s(void)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");

    if (sde && *sde)
        return strtoll(sde, NULL, 10);
    return (long long)time(NULL);
}

/* ---- answers ---- */

static void security_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; script-src 'self'; "
                            "style-src 'self'; img-src 'self'; "
                            "connect-src 'self'; form-action 'self'; "
                            "frame-ancestors 'none'; base-uri 'none'");
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status,
                              const char *type, const char *body, size_t n,
                              const char *h1, const char *v1)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        n, (void *)body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result rc;

    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    security_headers(r);
    if (h1)
        MHD_add_response_header(r, h1, v1);
    rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result answer_json_error(struct MHD_Connection *c,
                                         unsigned status, const char *msg,
                                         const char *h1, const char *v1)
{
    struct ff_buf b;
    enum MHD_Result rc;

    ff_buf_init(&b);
    ff_buf_adds(&b, "{\"error\": ");
    intake_json_string(&b, msg);
    ff_buf_adds(&b, "}\n");
    rc = answer(c, status, "application/json", b.data, b.len, h1, v1);
    ff_buf_release(&b);
    return rc;
}

static enum MHD_Result answer_html(struct MHD_Connection *c, unsigned status,
                                   struct ff_buf *b, const char *h1,
                                   const char *v1)
{
    return answer(c, status, "text/html; charset=utf-8", b->data, b->len, h1,
                  v1);
}

static enum MHD_Result redirect(struct MHD_Connection *c, const char *to,
                                const char *cookie)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result rc;

    if (r == NULL)
        return MHD_NO;
    security_headers(r);
    MHD_add_response_header(r, "Location", to);
    if (cookie)
        MHD_add_response_header(r, "Set-Cookie", cookie);
    rc = MHD_queue_response(c, MHD_HTTP_SEE_OTHER, r);
    MHD_destroy_response(r);
    return rc;
}

/* ---- who is asking ---- */

static int hook_authorized(struct server *S, struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                "Authorization");
    char name[INTAKE_NAME_MAX];
    char *user = NULL, *pass = NULL;
    int ok = 0;

    if (h && strncasecmp(h, "Bearer ", 7) == 0) {
        const char *t = h + 7;

        while (*t == ' ')
            t++;
        return intake_auth_token(S->auth, t, strlen(t), name);
    }
    /* HTTP Basic with the token as the password (any user name): what a
     * form service offers when it has no custom headers. */
    user = MHD_basic_auth_get_username_password(c, &pass);
    if (pass)
        ok = intake_auth_token(S->auth, pass, strlen(pass), name);
    MHD_free(user);
    MHD_free(pass);
    return ok;
}

static int behind_tls(struct server *S, struct MHD_Connection *c)
{
    const char *p = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                "X-Forwarded-Proto");

    return S->o->secure_cookies || (p && strcasecmp(p, "https") == 0);
}

static void peer_of(struct MHD_Connection *c, char *out, size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const char *fwd;

    snprintf(out, size, "?");
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET) {
        const struct sockaddr_in *a =
            (const struct sockaddr_in *)(const void *)ci->client_addr;

        inet_ntop(AF_INET, &a->sin_addr, out, (socklen_t)size);
    } else if (ci && ci->client_addr &&
               ci->client_addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a =
            (const struct sockaddr_in6 *)(const void *)ci->client_addr;

        inet_ntop(AF_INET6, &a->sin6_addr, out, (socklen_t)size);
    }
    /* Behind a reverse proxy on this machine, the client is the proxy's
     * last X-Forwarded-For entry. */
    fwd = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
    if (fwd && (strcmp(out, "127.0.0.1") == 0 || strcmp(out, "::1") == 0)) {
        const char *last = strrchr(fwd, ',');

        last = last ? last + 1 : fwd;
        while (*last == ' ')
            last++;
        snprintf(out, size, "%.60s", last);
    }
}

/* The session behind the cookie, or 0. */
static int session_of(struct server *S, struct MHD_Connection *c,
                      char user[INTAKE_NAME_MAX],
                      char csrf[INTAKE_SID_CHARS + 1])
{
    const char *sid = MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
                                                  "ffsid");

    return sid && intake_auth_session(S->auth, sid, (long)time(NULL), user,
                                      csrf);
}

/* ---- hooks ---- */

static int has_json_type(struct MHD_Connection *c)
{
    const char *t = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                "Content-Type");
    size_t n;

    if (t == NULL)
        return 0;
    n = strcspn(t, ";");
    while (n && t[n - 1] == ' ')
        n--;
    return (n == 16 && strncasecmp(t, "application/json", 16) == 0) ||
           (n > 5 && strncasecmp(t + n - 5, "+json", 5) == 0) ||
           (n == 9 && strncasecmp(t, "text/json", 9) == 0);
}

/* What the writer may still hold after the request gave up waiting. */
struct hook_work {
    struct intake_hook_doc doc;
    struct intake_sub *subs;
    char ***extra;                      /* added empty columns */
};

static void hook_work_free(void *arg)
{
    struct hook_work *w = arg;
    size_t i;

    if (w == NULL)
        return;
    for (i = 0; w->subs && i < w->doc.n; i++) {
        ff_free(w->subs[i].fields);
        ff_free(w->subs[i].lens);
    }
    ff_free(w->subs);
    intake_hook_doc_release(&w->doc);
    ff_free(w);
}

static const struct intake_dialect *dialect_named(struct server *S,
                                                  const char *name)
{
    size_t i;

    for (i = 0; i < S->ds.n; i++)
        if (strcmp(S->ds.d[i].name, name) == 0)
            return &S->ds.d[i];
    return NULL;
}

/* The receipt key: SHA-256 of the endpoint and every column and value,
 * length-prefixed, so that a retried post finds its first copy. */
static int receipt_key(const char *source, const struct intake_hook_rec *r,
                       char out[72], struct ff_err *e)
{
    struct ff_buf b;
    char hex[FF_SECRET_HEX + 1];
    size_t i;
    int rc;

    ff_buf_init(&b);
    ff_buf_addf(&b, "%s\n", source);
    for (i = 0; i < r->n; i++) {
        ff_buf_addf(&b, "%zu:", r->key_len[i]);
        ff_buf_add(&b, r->key[i], r->key_len[i]);
        ff_buf_addf(&b, "%zu:", r->val_len[i]);
        ff_buf_add(&b, r->val[i], r->val_len[i]);
    }
    rc = ff_secret_sha256_hex(b.data, b.len, hex, e);
    ff_buf_release(&b);
    if (rc == FF_OK)
        snprintf(out, 72, "%s", hex);
    return rc;
}

/* Does r have a column named by any '|'-separated alternative of h? */
static int has_any_alt(const struct intake_hook_rec *r, const char *h)
{
    char name[128];

    while (*h) {
        const char *bar = strchr(h, '|');
        size_t n = bar ? (size_t)(bar - h) : strlen(h);
        const char *a = h;

        while (n && *a == ' ')
            a++, n--;
        while (n && a[n - 1] == ' ')
            n--;
        if (n && n < sizeof name) {
            memcpy(name, a, n);
            name[n] = '\0';
            if (intake_hook_get(r, name))
                return 1;
        }
        h = bar ? bar + 1 : h + strlen(h);
    }
    return 0;
}

/*
 * The layout of one record from its columns.  Kobo's hook posts what the
 * form has: a column the kobo dialect needs and the form lacks is added
 * empty, so the record is stored and rejected (missing_required) rather
 * than refused: the ledger keeps everything.  /hooks/json names its
 * columns itself: columns of no dialect are refused (400), as a file whose
 * header matches no dialect is.
 */
static int layout_of(struct server *S, struct intake_sub *s,
                     struct intake_hook_rec *r, int kobo, struct ff_err *e)
{
    size_t i;
    int rc;

    s->fields = ff_calloc(r->n + INTAKE_NFIELDS, sizeof *s->fields);
    s->lens = ff_calloc(r->n + INTAKE_NFIELDS, sizeof *s->lens);
    if (s->fields == NULL || s->lens == NULL)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    rc = intake_dialect_detect(&S->ds, r->key, r->key_len, r->n, "hook",
                               &s->lay, e);
    if (rc && kobo) {
        const struct intake_dialect *d = dialect_named(S, "kobo");
        int f;

        if (d == NULL)
            return rc;
        ff_err_clear(e);
        for (f = 0; f < INTAKE_NFIELDS; f++) {
            /* The mapping may name alternatives ("month | เดือนที่รายงาน"):
             * any of them posted is the column; else it is added under the
             * first. */
            if (d->header[f] == NULL || has_any_alt(r, d->header[f]))
                continue;
            if (intake_hook_rec_add(r, d->header[f],
                                    (size_t)intake_dialect_first_alt(
                                        d->header[f]), "", 0))
                return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        }
        ff_free(s->fields);
        ff_free(s->lens);
        s->fields = ff_calloc(r->n, sizeof *s->fields);
        s->lens = ff_calloc(r->n, sizeof *s->lens);
        if (s->fields == NULL || s->lens == NULL)
            return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        rc = intake_dialect_detect(&S->ds, r->key, r->key_len, r->n, "hook",
                                   &s->lay, e);
    }
    if (rc)
        return rc;
    for (i = 0; i < r->n; i++) {
        s->fields[i] = r->val[i];
        s->lens[i] = r->val_len[i];
    }
    s->n = r->n;
    return FF_OK;
}

static void answer_sub(struct ff_buf *b, const struct intake_sub *s)
{
    ff_buf_addf(b, "{\"record\": %lld, \"outcome\": ", s->record);
    intake_json_string(b, s->outcome);
    ff_buf_adds(b, ", \"reason\": ");
    intake_json_string(b, s->reason);
    ff_buf_addf(b, ", \"late\": %s}", s->late == 1   ? "true"
                                      : s->late == 0 ? "false"
                                                     : "null");
}

static enum MHD_Result hook_finish(struct server *S, struct MHD_Connection *c,
                                   struct req *q)
{
    struct hook_work *w;
    struct ff_err e;
    struct ff_buf b;
    size_t i, fresh = 0;
    int status, kept = 0, rc;
    enum MHD_Result mr;
    char msg[700];

    if (q->too_big)
        return answer_json_error(c, MHD_HTTP_CONTENT_TOO_LARGE,
                                 "the body is over 1 MiB", NULL, NULL);
    ff_err_clear(&e);
    w = ff_calloc(1, sizeof *w);
    if (w == NULL)
        return answer_json_error(c, 500, "out of memory", NULL, NULL);
    rc = intake_hook_parse(q->body.data, q->body.len, q->shape,
                           q->shape == INTAKE_HOOK_FLAT, &w->doc, &e);
    if (rc == FF_OK && w->doc.n == 0)
        rc = ff_err_set(&e, FF_EINPUT, NULL, 0, 0, "an empty array");
    if (rc == FF_OK) {
        w->subs = ff_calloc(w->doc.n, sizeof *w->subs);
        if (w->subs == NULL)
            rc = ff_err_set(&e, FF_ESYS, NULL, 0, 0, "out of memory");
    }
    for (i = 0; rc == FF_OK && i < w->doc.n; i++) {
        struct intake_sub *s = &w->subs[i];

        s->source = q->source;
        if ((rc = layout_of(S, s, &w->doc.rec[i],
                            q->shape == INTAKE_HOOK_KOBO, &e)) == FF_OK)
            rc = receipt_key(q->source, &w->doc.rec[i], s->key, &e);
        if (rc == FF_EINPUT && w->doc.n > 1) {
            char m2[600];

            snprintf(m2, sizeof m2, "%s", e.msg);
            snprintf(e.msg, sizeof e.msg, "element %zu: %.400s", i + 1, m2);
        }
    }
    if (rc) {
        snprintf(msg, sizeof msg, "%s", e.msg);
        hook_work_free(w);
        return answer_json_error(c, rc == FF_EINPUT ? 400 : 500, msg, NULL,
                                 NULL);
    }
    status = intake_commitq_submit(S->q, w->subs, w->doc.n,
                                   S->o->write_timeout_ms, hook_work_free, w,
                                   &kept, &e);
    if (status != INTAKE_GROUP_OK) {
        if (!kept)
            hook_work_free(w);
        return answer_json_error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
                                 "the ledger cannot be written now; retry",
                                 "Retry-After", "5");
    }
    ff_buf_init(&b);
    if (w->doc.n > 1 || q->body.data[strspn(q->body.data, " \t\r\n")] == '[')
        ff_buf_addc(&b, '[');
    for (i = 0; i < w->doc.n; i++) {
        if (i)
            ff_buf_adds(&b, ", ");
        answer_sub(&b, &w->subs[i]);
        fresh += (size_t)w->subs[i].stored;
    }
    if (b.data[0] == '[')
        ff_buf_addc(&b, ']');
    ff_buf_addc(&b, '\n');
    /* 201 when something new was stored; 200 when every record of the post
     * was there already (a retry). */
    mr = answer(c, fresh ? MHD_HTTP_CREATED : MHD_HTTP_OK,
                "application/json", b.data, b.len, NULL, NULL);
    ff_buf_release(&b);
    hook_work_free(w);
    return mr;
}

/* ---- forms ---- */

static void take_field(char *dst, size_t size, size_t *len, const char *data,
                       uint64_t off, size_t n)
{
    if (off + n >= size)
        return;                         /* longer than any valid value */
    memcpy(dst + off, data, n);
    dst[off + n] = '\0';
    if (len)
        *len = (size_t)(off + n);
}

static void safe_name(const char *in, char *out, size_t size)
{
    const char *b = strrchr(in, '/');
    size_t i = 0;

    b = b ? b + 1 : in;
    if (strrchr(b, '\\'))
        b = strrchr(b, '\\') + 1;
    for (; *b && i + 1 < size; b++) {
        unsigned char ch = (unsigned char)*b;

        /* Letters, digits, Thai (UTF-8 bytes) and . _ -: nothing a shell,
         * a path or a log could misread. */
        out[i++] = (ch >= 0x80 || (ch >= 'a' && ch <= 'z') ||
                    (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                    ch == '.' || ch == '_' || ch == '-')
                       ? (char)ch
                       : '_';
    }
    out[i] = '\0';
    if (i == 0 || out[0] == '.')
        snprintf(out, size, "upload.csv");
}

static enum MHD_Result form_field(void *cls, enum MHD_ValueKind kind,
                                  const char *key, const char *filename,
                                  const char *ctype, const char *enc,
                                  const char *data, uint64_t off, size_t n)
{
    struct req *q = cls;

    (void)kind;
    (void)ctype;
    (void)enc;
    if (strcmp(key, "csrf") == 0)
        take_field(q->csrf, sizeof q->csrf, NULL, data, off, n);
    else if (strcmp(key, "user") == 0)
        take_field(q->user, sizeof q->user, NULL, data, off, n);
    else if (strcmp(key, "password") == 0)
        take_field(q->password, sizeof q->password, &q->pwlen, data, off, n);
    else if (strcmp(key, "month") == 0)
        take_field(q->month, sizeof q->month, NULL, data, off, n);
    else if (strcmp(key, "file") == 0 && q->kind == K_UPLOAD && filename) {
        if (q->upload_fd < 0 && !q->upload_failed) {
            safe_name(filename, q->upload_name, sizeof q->upload_name);
            snprintf(q->upload_path, sizeof q->upload_path, "%s/%s",
                     q->upload_dir, q->upload_name);
            q->upload_fd = open(q->upload_path,
                                O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                                0600);
            if (q->upload_fd < 0)
                q->upload_failed = 1;
        }
        if (q->upload_fd >= 0 && n) {
            q->upload_bytes += (long)n;
            if (q->upload_bytes > UPLOAD_MAX_BYTES) {
                q->too_big = 1;
                return MHD_NO;
            }
            while (n) {
                ssize_t w = write(q->upload_fd, data, n);

                if (w < 0 && errno == EINTR)
                    continue;
                if (w < 0) {
                    q->upload_failed = 1;
                    return MHD_NO;
                }
                data += w;
                n -= (size_t)w;
            }
        }
    }
    return MHD_YES;
}

static const char *cookie_attrs(struct server *S, struct MHD_Connection *c)
{
    return behind_tls(S, c) ? "; Path=/; HttpOnly; SameSite=Strict; Secure"
                            : "; Path=/; HttpOnly; SameSite=Strict";
}

static enum MHD_Result login_page(struct server *S, struct MHD_Connection *c,
                                  unsigned status, const char *msg)
{
    struct intake_page p;
    char token[INTAKE_SID_CHARS + 1], cookie[256];
    struct ff_err e;
    struct ff_buf b;
    enum MHD_Result rc;

    const char *have = MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
                                                   "fflogin");

    /* Before there is a session, the form's CSRF token is a cookie of its
     * own that the form must repeat (double submit).  A browser's token is
     * kept: a second sign-in page (another tab, the favicon's redirect)
     * must not invalidate the form of the first. */
    ff_err_clear(&e);
    if (have && strlen(have) == INTAKE_SID_CHARS &&
        strspn(have, "0123456789abcdef") == INTAKE_SID_CHARS)
        snprintf(token, sizeof token, "%s", have);
    else if (intake_auth_random(token, &e))
        return answer_json_error(c, 500, "no randomness", NULL, NULL);
    memset(&p, 0, sizeof p);
    p.csrf = token;
    p.now = now_s();
    ff_buf_init(&b);
    intake_web_login(&p, msg, &b);
    snprintf(cookie, sizeof cookie, "fflogin=%s%s", token,
             cookie_attrs(S, c));
    rc = answer_html(c, status, &b, "Set-Cookie", cookie);
    ff_buf_release(&b);
    return rc;
}

static enum MHD_Result login_post(struct server *S, struct MHD_Connection *c,
                                  struct req *q)
{
    const char *pre = MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
                                                  "fflogin");
    char sid[INTAKE_SID_CHARS + 1], csrf[INTAKE_SID_CHARS + 1], peer[80];
    char cookie[300];
    long wait_s = 0;
    int r;

    if (!intake_auth_csrf_ok(pre, q->csrf))
        return login_page(S, c, MHD_HTTP_FORBIDDEN,
                          "แบบฟอร์มหมดอายุ กรุณาลองอีกครั้ง "
                          "(the form expired: try again)");
    peer_of(c, peer, sizeof peer);
    r = intake_auth_login(S->auth, q->user, q->password, q->pwlen, peer,
                          (long)time(NULL), sid, csrf, &wait_s);
    memset(q->password, 0, sizeof q->password);
    if (r == INTAKE_LOGIN_LIMITED) {
        char msg[200];

        snprintf(msg, sizeof msg,
                 "เข้าสู่ระบบผิดหลายครั้ง กรุณารอ %ld นาที "
                 "(too many failed sign-ins: wait %ld min)",
                 (wait_s + 59) / 60, (wait_s + 59) / 60);
        return login_page(S, c, MHD_HTTP_TOO_MANY_REQUESTS, msg);
    }
    if (r != INTAKE_LOGIN_OK)
        return login_page(S, c, MHD_HTTP_UNAUTHORIZED,
                          "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง "
                          "(wrong user name or password)");
    snprintf(cookie, sizeof cookie, "ffsid=%s%s", sid, cookie_attrs(S, c));
    return redirect(c, "/", cookie);
}

/* ---- pages ---- */

static int month_arg(struct MHD_Connection *c, char out[8])
{
    const char *m = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
                                                "month");

    if (m == NULL || *m == '\0')
        return 0;
    return intake_parse_month(m, strlen(m), out) == 0 ? 1 : -1;
}

static enum MHD_Result page_error(struct MHD_Connection *c,
                                  const struct intake_page *p,
                                  unsigned status, const char *title,
                                  const char *msg)
{
    struct ff_buf b;
    enum MHD_Result rc;

    ff_buf_init(&b);
    intake_web_message(p, title, msg, &b);
    rc = answer_html(c, status, &b, NULL, NULL);
    ff_buf_release(&b);
    return rc;
}

static int valid_code(const char *s, size_t want)
{
    size_t i;

    if (strlen(s) != want)
        return 0;
    for (i = 0; i < want; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* Remove dir and the files in it (one level: what we put there). */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char p[1200];

    if (d) {
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
            if (unlink(p) != 0 && errno == EISDIR)
                remove_dir(p);
            else if (errno == EPERM || errno == EISDIR)
                remove_dir(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

static int make_tmp(struct server *S, char *out, size_t size)
{
    long n;

    pthread_mutex_lock(&S->seqmu);
    n = ++S->seq;
    pthread_mutex_unlock(&S->seqmu);
    snprintf(out, size, "%s/r%ld", S->tmpdir, n);
    return mkdir(out, 0700);
}

static enum MHD_Result send_file(struct MHD_Connection *c, const char *path,
                                 const char *type, const char *disposition)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    struct MHD_Response *r;
    enum MHD_Result rc;

    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return answer_json_error(c, 500, "cannot read the file", NULL, NULL);
    }
    r = MHD_create_response_from_fd((size_t)st.st_size, fd);
    if (r == NULL) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Content-Disposition", disposition);
    security_headers(r);
    rc = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result download(struct server *S, struct MHD_Connection *c,
                                const struct intake_page *p,
                                const char *ext)
{
    struct intake_report_opts ro;
    struct intake_report_totals t;
    char month[8], cur[8], prev[8], dir[700], path[800], disp[200];
    struct ff_err e;
    const char *type;
    enum MHD_Result mr;
    int rc;

    if (month_arg(c, month) <= 0) {
        intake_web_months(p->now, cur, prev);
        memcpy(month, cur, 8);
    }
    type = strcmp(ext, "csv") == 0 ? "text/csv; charset=utf-8"
           : strcmp(ext, "xlsx") == 0
               ? "application/vnd.openxmlformats-officedocument."
                 "spreadsheetml.sheet"
               : "application/pdf";
    if (make_tmp(S, dir, sizeof dir) != 0)
        return page_error(c, p, 500, "ผิดพลาด", "cannot make a temporary "
                                               "folder");
    memset(&ro, 0, sizeof ro);
    ro.month = month;
    ro.dir = dir;
    ro.no_pdf = strcmp(ext, "pdf") != 0;
    ff_err_clear(&e);
    pthread_mutex_lock(&S->rmu);
    rc = intake_report_run(S->rl, &ro, &t, &e);
    pthread_mutex_unlock(&S->rmu);
    if (rc) {
        char buf[1200];

        remove_dir(dir);
        return page_error(c, p, 500, "ทำรายงานไม่ได้",
                          ff_err_str(&e, buf, sizeof buf));
    }
    snprintf(path, sizeof path, "%s/reconciliation.%s", dir, ext);
    snprintf(disp, sizeof disp,
             "attachment; filename=\"reconciliation-%s.%s\"", month, ext);
    mr = send_file(c, path, type, disp);
    /* The open descriptor keeps the file's bytes until they are sent. */
    remove_dir(dir);
    return mr;
}

/* ffgen folders REGISTER --only CODE -o DIR, then the PDF. */
static enum MHD_Result folder(struct server *S, struct MHD_Connection *c,
                              const struct intake_page *p, const char *code)
{
    char dir[700], pdf[1000], disp[160];
    char *argv[9];
    pid_t pid;
    int status;
    DIR *d;
    struct dirent *de;
    struct stat st;
    enum MHD_Result mr;

    if (S->o->ffgen == NULL || S->o->register_csv == NULL)
        return page_error(
            c, p, 501, "พิมพ์แฟ้มครอบครัวไม่ได้",
            "to print a Family Folder from here, start the server with "
            "--ffgen PATH-TO-ffgen --register REGISTER.csv (the register "
            "the folders are printed from)");
    if (make_tmp(S, dir, sizeof dir) != 0)
        return page_error(c, p, 500, "ผิดพลาด", "cannot make a temporary "
                                               "folder");
    argv[0] = (char *)S->o->ffgen;
    argv[1] = (char *)"folders";
    argv[2] = (char *)S->o->register_csv;
    argv[3] = (char *)"--only";
    argv[4] = (char *)code;
    argv[5] = (char *)"-o";
    argv[6] = dir;
    argv[7] = NULL;
    if (posix_spawn(&pid, S->o->ffgen, NULL, NULL, argv, environ) != 0 ||
        waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        remove_dir(dir);
        return page_error(c, p, 500, "พิมพ์แฟ้มครอบครัวไม่ได้",
                          "ffgen failed (is the household in the "
                          "register it prints from?)");
    }
    pdf[0] = '\0';
    if ((d = opendir(dir)) != NULL) {
        while ((de = readdir(d)) != NULL && pdf[0] == '\0') {
            char cand[1000];

            if (de->d_name[0] == '.')
                continue;
            snprintf(cand, sizeof cand, "%s/%s/%s.pdf", dir, de->d_name,
                     code);
            if (stat(cand, &st) == 0)
                snprintf(pdf, sizeof pdf, "%s", cand);
        }
        closedir(d);
    }
    if (pdf[0] == '\0') {
        remove_dir(dir);
        return page_error(c, p, 500, "พิมพ์แฟ้มครอบครัวไม่ได้",
                          "ffgen wrote no folder for this household");
    }
    snprintf(disp, sizeof disp, "inline; filename=\"%s.pdf\"", code);
    mr = send_file(c, pdf, "application/pdf", disp);
    remove_dir(dir);
    return mr;
}

static enum MHD_Result upload_finish(struct server *S,
                                     struct MHD_Connection *c,
                                     const struct intake_page *p,
                                     struct req *q)
{
    struct intake_load_file f;
    struct intake_load_summary sum;
    struct intake_load_opts lo;
    struct intake_ledger *L;
    struct ff_err e;
    struct ff_buf b;
    char now[32], buf[1200];
    enum MHD_Result mr;
    int rc;

    ff_buf_init(&b);
    ff_err_clear(&e);
    memset(&f, 0, sizeof f);
    memset(&sum, 0, sizeof sum);
    if (q->too_big)
        rc = ff_err_set(&e, FF_EINPUT, NULL, 0, 0,
                        "the file is over 64 MiB");
    else if (q->upload_fd < 0 || q->upload_failed)
        rc = ff_err_set(&e, FF_EINPUT, NULL, 0, 0, "no file was sent");
    else if (close(q->upload_fd) != 0)
        rc = ff_err_sys(&e, q->upload_name, "cannot store the upload");
    else
        rc = FF_OK;
    q->upload_fd = -1;
    if (rc == FF_OK) {
        /* A connection of its own, as `ffintake load` would have. */
        L = intake_ledger_open(S->o->ledger, 0, &e);
        if (L == NULL) {
            rc = e.code;
        } else {
            intake_now_iso(now);
            lo = S->lo;
            lo.now = now;
            lo.outcomes = NULL;
            f.path = q->upload_path;
            rc = intake_load_run(L, &f, 1, &lo, &sum, &e);
            intake_ledger_free(L);
        }
    }
    if (rc && e.file[0]) {
        /* Name the file as the user knows it, not our temporary path. */
        snprintf(e.file, sizeof e.file, "%s", q->upload_name);
    }
    intake_web_upload_result(p, q->upload_name[0] ? q->upload_name : "?", &f,
                             &sum, rc ? ff_err_str(&e, buf, sizeof buf)
                                      : NULL,
                             &b);
    mr = answer_html(c, rc == FF_OK ? 200 : rc == FF_EINPUT ? 422 : 500, &b,
                     NULL, NULL);
    ff_buf_release(&b);
    return mr;
}

static enum MHD_Result close_month(struct server *S, struct MHD_Connection *c,
                                   const struct intake_page *p,
                                   struct req *q)
{
    char m[8], now[32];
    const char *params[3];
    struct ff_err e;
    int rc;

    if (intake_parse_month(q->month, strlen(q->month), m))
        return page_error(c, p, 400, "เดือนไม่ถูกต้อง", "bad month");
    intake_now_iso(now);
    params[0] = m;
    params[1] = now;
    params[2] = p->user;
    ff_err_clear(&e);
    pthread_mutex_lock(&S->rmu);
    rc = intake_ledger_sql(S->rl, "INSERT OR IGNORE INTO month_closed "
                                  "VALUES(?1, ?2, ?3)",
                           params, 3, NULL, NULL, NULL, &e);
    pthread_mutex_unlock(&S->rmu);
    if (rc) {
        char buf[1200];

        return page_error(c, p, 503, "บันทึกไม่ได้",
                          ff_err_str(&e, buf, sizeof buf));
    }
    return redirect(c, "/", NULL);
}

typedef int (*page_fn)(struct intake_ledger *L, const struct intake_page *p,
                       const char *arg, const char *month, struct ff_buf *out,
                       struct ff_err *e);

static int dash(struct intake_ledger *L, const struct intake_page *p,
                const char *arg, const char *month, struct ff_buf *out,
                struct ff_err *e)
{
    (void)arg;
    return intake_web_dashboard(L, p, month, out, e);
}

static int state(struct intake_ledger *L, const struct intake_page *p,
                 const char *arg, const char *month, struct ff_buf *out,
                 struct ff_err *e)
{
    char cur[8], prev[8];

    (void)arg;
    if (month == NULL) {
        intake_web_months(p->now, cur, prev);
        month = cur;
    }
    return intake_web_state_json(L, month, out, e);
}

static int district(struct intake_ledger *L, const struct intake_page *p,
                    const char *arg, const char *month, struct ff_buf *out,
                    struct ff_err *e)
{
    char cur[8], prev[8];

    if (month == NULL) {
        intake_web_months(p->now, cur, prev);
        month = cur;
    }
    return intake_web_district(L, p, arg, month, out, e);
}

static int household(struct intake_ledger *L, const struct intake_page *p,
                     const char *arg, const char *month, struct ff_buf *out,
                     struct ff_err *e)
{
    (void)month;
    return intake_web_household(L, p, arg, p->folder_ok, out, e);
}

static enum MHD_Result page(struct server *S, struct MHD_Connection *c,
                            const struct intake_page *p, page_fn fn,
                            const char *arg, const char *type)
{
    char month[8];
    struct ff_err e;
    struct ff_buf b;
    enum MHD_Result mr;
    int m = month_arg(c, month), rc;

    if (m < 0)
        return page_error(c, p, 400, "เดือนไม่ถูกต้อง",
                          "month= must look like 2568-01");
    ff_buf_init(&b);
    ff_err_clear(&e);
    pthread_mutex_lock(&S->rmu);
    rc = fn(S->rl, p, arg, m ? month : NULL, &b, &e);
    pthread_mutex_unlock(&S->rmu);
    if (rc) {
        char buf[1200];

        ff_buf_release(&b);
        return page_error(c, p, rc == FF_EINPUT ? 404 : 500, "ผิดพลาด",
                          ff_err_str(&e, buf, sizeof buf));
    }
    mr = answer(c, 200, type, b.data, b.len, NULL, NULL);
    ff_buf_release(&b);
    return mr;
}

/* ---- the request handler ---- */

static void req_free(struct req *q)
{
    if (q == NULL)
        return;
    if (q->pp)
        MHD_destroy_post_processor(q->pp);
    if (q->upload_fd >= 0)
        close(q->upload_fd);
    if (q->upload_dir[0])
        remove_dir(q->upload_dir);
    memset(q->password, 0, sizeof q->password);
    ff_buf_release(&q->body);
    ff_free(q);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    req_free(*con_cls);
    *con_cls = NULL;
}

static enum MHD_Result first_call(struct server *S, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  struct req *q)
{
    int post = strcmp(method, "POST") == 0;

    if (post && (strcmp(url, "/hooks/kobo") == 0 ||
                 strcmp(url, "/hooks/json") == 0)) {
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     "Content-Length");

        if (!hook_authorized(S, c))
            return answer_json_error(c, MHD_HTTP_UNAUTHORIZED,
                                     "a valid token is needed (Authorization:"
                                     " Bearer TOKEN)",
                                     "WWW-Authenticate",
                                     "Bearer realm=\"ffintake\"");
        if (cl && strtoll(cl, NULL, 10) > HOOK_MAX_BYTES)
            return answer_json_error(c, MHD_HTTP_CONTENT_TOO_LARGE,
                                     "the body is over 1 MiB", NULL, NULL);
        if (!has_json_type(c))
            return answer_json_error(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                                     "send JSON (Content-Type: "
                                     "application/json)", NULL, NULL);
        q->kind = K_HOOK;
        q->shape = url[7] == 'k' ? INTAKE_HOOK_KOBO : INTAKE_HOOK_FLAT;
        q->source = url[7] == 'k' ? "hook:kobo" : "hook:json";
        return MHD_YES;
    }
    if (post) {
        q->kind = strcmp(url, "/upload") == 0 ? K_UPLOAD : K_FORM;
        if (q->kind == K_UPLOAD) {
            if (make_tmp(S, q->upload_dir, sizeof q->upload_dir) != 0) {
                q->upload_dir[0] = '\0';
                return answer_json_error(c, 500, "no temporary folder",
                                         NULL, NULL);
            }
        }
        /* NULL when the body is not a form: then it has no CSRF token
         * either, and is refused as such once it has been read. */
        q->pp = MHD_create_post_processor(c, 64 * 1024, form_field, q);
        return MHD_YES;
    }
    return MHD_YES;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
                              const char *url, const char *method,
                              const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    struct server *S = cls;
    struct req *q = *con_cls;
    struct intake_page p;
    char user[INTAKE_NAME_MAX], csrf[INTAKE_SID_CHARS + 1];
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;

    (void)version;
    if (q == NULL) {
        q = ff_calloc(1, sizeof *q);
        if (q == NULL)
            return MHD_NO;
        ff_buf_init(&q->body);
        q->upload_fd = -1;
        *con_cls = q;
        return first_call(S, c, url, method, q);
    }
    if (*upload_size) {
        if (q->kind == K_HOOK) {
            if (q->body.len + *upload_size > HOOK_MAX_BYTES)
                q->too_big = 1;
            else if (ff_buf_add(&q->body, upload, *upload_size))
                return MHD_NO;
        } else if (q->pp) {
            if (q->kind == K_FORM &&
                (q->body.len += *upload_size) > FORM_MAX_BYTES)
                q->too_big = 1;
            else if (!q->too_big &&
                     MHD_post_process(q->pp, upload, *upload_size) != MHD_YES)
                q->upload_failed = 1;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (q->kind == K_HOOK)
        return hook_finish(S, c, q);
    if (strcmp(url, "/health") == 0 && get) {
        long long batches, records;
        char b[160];

        intake_commitq_stats(S->q, &batches, &records);
        snprintf(b, sizeof b, "{\"ok\": true, \"batches\": %lld, "
                              "\"records\": %lld}\n", batches, records);
        return answer(c, 200, "application/json", b, strlen(b), NULL, NULL);
    }
    if (strcmp(url, "/static/app.js") == 0 && get)
        return answer(c, 200, "text/javascript; charset=utf-8", intake_web_js,
                      strlen(intake_web_js), NULL, NULL);
    if (strcmp(url, "/static/app.css") == 0 && get)
        return answer(c, 200, "text/css; charset=utf-8", intake_web_css,
                      strlen(intake_web_css), NULL, NULL);
    if (strcmp(url, "/login") == 0) {
        if (get)
            return login_page(S, c, 200, NULL);
        if (q->too_big)
            return login_page(S, c, 413, "the form is too large");
        return login_post(S, c, q);
    }
    if (strcmp(url, "/favicon.ico") == 0)
        return answer(c, 404, "text/plain", "", 0, NULL, NULL);
    if (strncmp(url, "/hooks/", 7) == 0)
        return answer_json_error(c, MHD_HTTP_METHOD_NOT_ALLOWED,
                                 "POST a submission here", "Allow", "POST");
    /* Everything else needs a session. */
    if (!session_of(S, c, user, csrf)) {
        if (get && strcmp(url, "/api/state") != 0)
            return redirect(c, "/login", NULL);
        return answer_json_error(c, MHD_HTTP_UNAUTHORIZED, "sign in first",
                                 NULL, NULL);
    }
    memset(&p, 0, sizeof p);
    p.user = user;
    p.csrf = csrf;
    p.now = now_s();
    p.folder_ok = S->o->ffgen && S->o->register_csv;
    if (!get) {
        /* Every form carries the session's CSRF token. */
        if (strcmp(method, "POST") != 0)
            return page_error(c, &p, MHD_HTTP_METHOD_NOT_ALLOWED, "405",
                              "method not allowed");
        if (!intake_auth_csrf_ok(csrf, q->csrf))
            return page_error(c, &p, MHD_HTTP_FORBIDDEN,
                              "แบบฟอร์มไม่ถูกต้อง",
                              "the form's CSRF token is missing or wrong; "
                              "open the page again and resend");
        if (strcmp(url, "/logout") == 0) {
            const char *sid = MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
                                                          "ffsid");
            char cookie[160];

            intake_auth_logout(S->auth, sid);
            snprintf(cookie, sizeof cookie, "ffsid=%s; Max-Age=0",
                     cookie_attrs(S, c));
            return redirect(c, "/login", cookie);
        }
        if (strcmp(url, "/upload") == 0)
            return upload_finish(S, c, &p, q);
        if (strcmp(url, "/close") == 0)
            return close_month(S, c, &p, q);
        return page_error(c, &p, 404, "ไม่พบหน้านี้", "no such page");
    }
    if (strcmp(url, "/") == 0)
        return page(S, c, &p, dash, NULL, "text/html; charset=utf-8");
    if (strcmp(url, "/api/state") == 0)
        return page(S, c, &p, state, NULL, "application/json");
    if (strncmp(url, "/district/", 10) == 0 && valid_code(url + 10, 4))
        return page(S, c, &p, district, url + 10, "text/html; charset=utf-8");
    if (strncmp(url, "/household/", 11) == 0) {
        char code[16];
        const char *rest = url + 11;
        size_t n = strcspn(rest, "/");

        if (n == 11) {
            memcpy(code, rest, 11);
            code[11] = '\0';
            if (valid_code(code, 11)) {
                if (strcmp(rest + 11, "/folder.pdf") == 0)
                    return folder(S, c, &p, code);
                if (rest[11] == '\0')
                    return page(S, c, &p, household, code,
                                "text/html; charset=utf-8");
            }
        }
    }
    if (strncmp(url, "/download/reconciliation.", 25) == 0) {
        const char *ext = url + 25;

        if (strcmp(ext, "csv") == 0 || strcmp(ext, "xlsx") == 0 ||
            strcmp(ext, "pdf") == 0)
            return download(S, c, &p, ext);
    }
    return page_error(c, &p, 404, "ไม่พบหน้านี้", "no such page");
}

/* ---- the server ---- */

static int parse_listen(const char *s, struct sockaddr_in *a,
                        struct ff_err *e)
{
    char host[64];
    const char *colon = strrchr(s, ':');
    char *end;
    long port;

    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    if (colon == NULL || (size_t)(colon - s) >= sizeof host)
        return ff_err_set(e, FF_EUSAGE, NULL, 0, 0,
                          "bad --listen '%s' (ADDRESS:PORT)", s);
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 0 || port > 65535 ||
        inet_pton(AF_INET, host, &a->sin_addr) != 1)
        return ff_err_set(e, FF_EUSAGE, NULL, 0, 0,
                          "bad --listen '%s' (ADDRESS:PORT, IPv4)", s);
    a->sin_port = htons((uint16_t)port);
    return FF_OK;
}

static const char server_schema[] =
    "CREATE TABLE IF NOT EXISTS month_closed(\n"
    "  month TEXT PRIMARY KEY, closed_at TEXT NOT NULL, by_user TEXT);\n";

int intake_serve_run(const struct intake_serve_opts *o, struct ff_err *e)
{
    struct server S;
    struct sockaddr_in addr;
    struct MHD_Daemon *d = NULL;
    const union MHD_DaemonInfo *info;
    char host[64];
    const char *tmp;
    sigset_t sigs;
    int rc, sig;

    memset(&S, 0, sizeof S);
    S.o = o;
    pthread_mutex_init(&S.rmu, NULL);
    pthread_mutex_init(&S.seqmu, NULL);
    if ((rc = parse_listen(o->listen, &addr, e)))
        goto out;
    if ((rc = intake_loadcfg(o->dialects, o->qr_config, o->key, &S.ds,
                             &S.payload, e)))
        goto out;
    S.lo.dialects = &S.ds;
    S.lo.payload = S.payload;
    /* Three connections, each used by one lock's holder only (they are
     * opened SQLITE_OPEN_NOMUTEX): the writer's, the pages', auth's. */
    if ((S.wl = intake_ledger_open(o->ledger, 0, e)) == NULL ||
        (S.rl = intake_ledger_open(o->ledger, 0, e)) == NULL ||
        (S.al = intake_ledger_open(o->ledger, 0, e)) == NULL) {
        rc = e->code;
        goto out;
    }
    if ((rc = intake_auth_schema(S.wl, e)) ||
        (rc = intake_ledger_script(S.wl, server_schema, e)))
        goto out;
    /* A hook waits write_timeout_ms for its batch; the writer must give up
     * on another process's lock before that, so the request can say 503. */
    intake_ledger_set_busy_timeout(S.wl, (int)(o->write_timeout_ms * 3 / 4));
    intake_ledger_set_busy_timeout(S.rl, 2000);
    intake_ledger_set_busy_timeout(S.al, 2000);
    tmp = getenv("TMPDIR");
    snprintf(S.tmpdir, sizeof S.tmpdir, "%s/ffintake-serve.XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(S.tmpdir) == NULL) {
        S.tmpdir[0] = '\0';
        rc = ff_err_sys(e, NULL, "cannot make a temporary folder");
        goto out;
    }
    if ((S.auth = intake_auth_new(S.al, o->session_idle_s, o->session_life_s,
                                  e)) == NULL) {
        rc = e->code;
        goto out;
    }
    /* SIGTERM and SIGINT are taken by sigwait below, in this thread only:
     * block them before any thread starts, so every thread inherits it. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    if ((S.q = intake_commitq_new(S.wl, &S.lo, 512, 20000, e)) == NULL) {
        rc = e->code;
        goto out;
    }
    d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
            MHD_USE_POLL,
        0, NULL, NULL, handle, &S, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_NOTIFY_COMPLETED, completed, &S,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)512, MHD_OPTION_END);
    if (d == NULL) {
        rc = ff_err_set(e, FF_ESYS, NULL, 0, 0,
                        "cannot listen on %s (in use, or not an address of "
                        "this machine)", o->listen);
        goto out;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    inet_ntop(AF_INET, &addr.sin_addr, host, sizeof host);
    printf("listening on http://%s:%u\n", host,
           info ? (unsigned)info->port : ntohs(addr.sin_port));
    fflush(stdout);
    sigwait(&sigs, &sig);
    fprintf(stderr, "ffintake serve: stopping (signal %d)\n", sig);
    rc = FF_OK;
out:
    if (d)
        MHD_stop_daemon(d);
    intake_commitq_free(S.q);
    intake_auth_free(S.auth);
    intake_ledger_free(S.al);
    intake_ledger_free(S.rl);
    intake_ledger_free(S.wl);
    ff_payload_cfg_free(S.payload);
    intake_dialects_release(&S.ds);
    if (S.tmpdir[0])
        remove_dir(S.tmpdir);
    pthread_mutex_destroy(&S.rmu);
    pthread_mutex_destroy(&S.seqmu);
    return rc;
}
