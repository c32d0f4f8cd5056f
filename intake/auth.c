/*
 * auth.c - hook tokens, staff users, sessions, CSRF and the login limit.
 *
 * Workload: a hook request checks its token against a copy of the token
 * table held here (re-read at most once a second, so a revocation takes
 * effect within a second without a database read per request); a page
 * request looks its session up in a small table in memory.  Logins are
 * rare and slow on purpose (Argon2id, 64 MiB), and rate-limited before the
 * hash runs, so a password guesser cannot make the server hash for him.
 */
#include "auth.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "hmac.h"

#define MAX_SESSIONS 1024
#define MAX_TOKENS 256
#define LIMIT_SLOTS 128
#define LIMIT_FAILS 5
#define LIMIT_WINDOW 300

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS api_token(\n"
    "  name TEXT PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE,\n"
    "  created_at TEXT NOT NULL, revoked_at TEXT);\n"
    "CREATE TABLE IF NOT EXISTS web_user(\n"
    "  name TEXT PRIMARY KEY, pwhash TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL, changed_at TEXT NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS hook_receipt(\n"
    "  key TEXT PRIMARY KEY, record_id INTEGER NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS pull_mark(\n"
    "  source TEXT PRIMARY KEY, mark TEXT NOT NULL,\n"
    "  updated_at TEXT NOT NULL);\n";

int intake_auth_schema(struct intake_ledger *L, struct ff_err *e)
{
    return intake_ledger_script(L, schema, e);
}

static int name_ok(const char *s)
{
    size_t i, n = strlen(s);

    if (n == 0 || n >= INTAKE_NAME_MAX)
        return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static int count_row(void *ctx, int n, const char *const *v)
{
    (void)n;
    (void)v;
    ++*(long *)ctx;
    return FF_OK;
}

int intake_token_add(struct intake_ledger *L, const char *name,
                     const char *now, char out[INTAKE_TOKEN_CHARS + 1],
                     struct ff_err *e)
{
    char hash[FF_SECRET_HEX + 1];
    const char *p[3];
    long n = 0;
    int rc;

    if (!name_ok(name))
        return ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                          "bad token name '%s' (letters, digits, . _ -)",
                          name);
    if ((rc = intake_auth_schema(L, e)))
        return rc;
    p[0] = name;
    if ((rc = intake_ledger_sql(L, "SELECT 1 FROM api_token WHERE name = ?1",
                                p, 1, count_row, &n, NULL, e)))
        return rc;
    if (n)
        return ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                          "a token named '%s' exists (revoked names stay "
                          "taken); choose another name", name);
    if ((rc = ff_secret_random_hex(out, INTAKE_TOKEN_CHARS / 2, e)) ||
        (rc = ff_secret_sha256_hex(out, INTAKE_TOKEN_CHARS, hash, e)))
        return rc;
    p[1] = hash;
    p[2] = now;
    return intake_ledger_sql(L, "INSERT INTO api_token(name, sha256, "
                                "created_at) VALUES(?1, ?2, ?3)",
                             p, 3, NULL, NULL, NULL, e);
}

int intake_token_revoke(struct intake_ledger *L, const char *name,
                        const char *now, struct ff_err *e)
{
    const char *p[2] = {name, now};
    long n = 0;
    int rc;

    if ((rc = intake_auth_schema(L, e)) ||
        (rc = intake_ledger_sql(L, "UPDATE api_token SET revoked_at = ?2 "
                                   "WHERE name = ?1 AND revoked_at IS NULL "
                                   "RETURNING 1",
                                p, 2, count_row, &n, NULL, e)))
        return rc;
    if (n == 0)
        return ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                          "no live token named '%s'", name);
    return FF_OK;
}

struct list_ctx {
    int (*fn)(void *ctx, const char *name, const char *created,
              const char *revoked);
    void *ctx;
};

static int list_row(void *ctx, int n, const char *const *v)
{
    struct list_ctx *l = ctx;

    (void)n;
    return l->fn(l->ctx, v[0], v[1], v[2]);
}

int intake_token_list(struct intake_ledger *L,
                      int (*fn)(void *ctx, const char *name,
                                const char *created, const char *revoked),
                      void *ctx, struct ff_err *e)
{
    struct list_ctx l = {fn, ctx};
    int rc;

    if ((rc = intake_auth_schema(L, e)))
        return rc;
    return intake_ledger_sql(L, "SELECT name, created_at, revoked_at FROM "
                                "api_token ORDER BY name",
                             NULL, 0, list_row, &l, NULL, e);
}

int intake_user_add(struct intake_ledger *L, const char *name,
                    const char *pw, size_t n, const char *now,
                    int *replaced, struct ff_err *e)
{
    char hash[FF_PWHASH_MAX];
    const char *p[3];
    long have = 0;
    int rc;

    *replaced = 0;
    if (!name_ok(name))
        return ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                          "bad user name '%s' (letters, digits, . _ -)",
                          name);
    if (n < 8)
        return ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                          "the password is too short (8 characters at "
                          "least)");
    if ((rc = intake_auth_schema(L, e)))
        return rc;
    if ((rc = ff_secret_pwhash(pw, n, hash, e)))
        return rc;
    p[0] = name;
    p[1] = hash;
    p[2] = now;
    if ((rc = intake_ledger_sql(L, "SELECT 1 FROM web_user WHERE name = ?1",
                                p, 1, count_row, &have, NULL, e)))
        return rc;
    *replaced = have > 0;
    return intake_ledger_sql(L, "INSERT INTO web_user VALUES(?1, ?2, ?3, ?3) "
                                "ON CONFLICT(name) DO UPDATE SET "
                                "pwhash = ?2, changed_at = ?3",
                             p, 3, NULL, NULL, NULL, e);
}

/* ---- the server's view ---- */

struct session {
    char sid[INTAKE_SID_CHARS + 1];     /* "" = free */
    char csrf[INTAKE_SID_CHARS + 1];
    char user[INTAKE_NAME_MAX];
    long created, seen;
};

struct limit {
    char key[80];                       /* "u:NAME" or "a:ADDRESS" */
    int fails;
    long since;
};

struct token {
    char hash[FF_SECRET_HEX + 1];
    char name[INTAKE_NAME_MAX];
};

struct intake_auth {
    pthread_mutex_t mu;
    struct intake_ledger *L;
    long idle_s, life_s;
    struct session s[MAX_SESSIONS];
    struct limit lim[LIMIT_SLOTS];
    struct token tok[MAX_TOKENS];
    int ntok;
    struct timespec tok_read;           /* CLOCK_MONOTONIC */
    int tok_valid;
    char decoy[FF_PWHASH_MAX];
};

struct intake_auth *intake_auth_new(struct intake_ledger *L, long idle_s,
                                    long life_s, struct ff_err *e)
{
    struct intake_auth *A = ff_calloc(1, sizeof *A);

    if (A == NULL) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        return NULL;
    }
    {
        char pw[33];

        if (ff_secret_random_hex(pw, 16, e) ||
            ff_secret_pwhash(pw, 32, A->decoy, e)) {
            ff_free(A);
            return NULL;
        }
    }
    pthread_mutex_init(&A->mu, NULL);
    A->L = L;
    A->idle_s = idle_s;
    A->life_s = life_s;
    return A;
}

void intake_auth_free(struct intake_auth *A)
{
    if (A == NULL)
        return;
    pthread_mutex_destroy(&A->mu);
    memset(A->s, 0, sizeof A->s);
    ff_free(A);
}

static int take_token(void *ctx, int n, const char *const *v)
{
    struct intake_auth *A = ctx;

    (void)n;
    if (A->ntok == MAX_TOKENS)
        return FF_OK;
    snprintf(A->tok[A->ntok].hash, sizeof A->tok[0].hash, "%s", v[0]);
    snprintf(A->tok[A->ntok].name, sizeof A->tok[0].name, "%s", v[1]);
    A->ntok++;
    return FF_OK;
}

static double since(const struct timespec *t)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) +
           (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

int intake_auth_token(struct intake_auth *A, const char *token, size_t n,
                      char name_out[INTAKE_NAME_MAX])
{
    char hash[FF_SECRET_HEX + 1];
    struct ff_err e;
    int i, ok = 0;

    ff_err_clear(&e);
    if (n != INTAKE_TOKEN_CHARS ||
        ff_secret_sha256_hex(token, n, hash, &e))
        return 0;
    pthread_mutex_lock(&A->mu);
    if (!A->tok_valid || since(&A->tok_read) >= 1.0) {
        int saved = A->ntok;

        A->ntok = 0;
        if (intake_ledger_sql(A->L, "SELECT sha256, name FROM api_token "
                                    "WHERE revoked_at IS NULL",
                              NULL, 0, take_token, A, NULL, &e) == FF_OK) {
            clock_gettime(CLOCK_MONOTONIC, &A->tok_read);
            A->tok_valid = 1;
        } else {
            /* The ledger is busy: keep the previous copy a moment. */
            A->ntok = saved;
        }
    }
    for (i = 0; i < A->ntok; i++)
        if (ff_secret_equal(A->tok[i].hash, hash, FF_SECRET_HEX)) {
            snprintf(name_out, INTAKE_NAME_MAX, "%s", A->tok[i].name);
            ok = 1;
            break;
        }
    pthread_mutex_unlock(&A->mu);
    return ok;
}

/* The limit slot of key (reused when its window has passed). */
static struct limit *limit_slot(struct intake_auth *A, const char *key,
                                long now)
{
    struct limit *free_slot = NULL, *oldest = &A->lim[0];
    int i;

    for (i = 0; i < LIMIT_SLOTS; i++) {
        struct limit *l = &A->lim[i];

        if (strcmp(l->key, key) == 0)
            return l;
        if (free_slot == NULL &&
            (l->key[0] == '\0' || now - l->since >= LIMIT_WINDOW))
            free_slot = l;
        if (l->since < oldest->since)
            oldest = l;
    }
    if (free_slot == NULL)
        free_slot = oldest;
    snprintf(free_slot->key, sizeof free_slot->key, "%s", key);
    free_slot->fails = 0;
    free_slot->since = now;
    return free_slot;
}

static long limited(struct limit *l, long now)
{
    if (now - l->since >= LIMIT_WINDOW) {
        l->fails = 0;
        l->since = now;
    }
    return l->fails >= LIMIT_FAILS ? LIMIT_WINDOW - (now - l->since) : 0;
}

struct pw_ctx {
    char hash[FF_PWHASH_MAX];
    int found;
};

static int take_hash(void *ctx, int n, const char *const *v)
{
    struct pw_ctx *p = ctx;

    (void)n;
    snprintf(p->hash, sizeof p->hash, "%s", v[0]);
    p->found = 1;
    return FF_OK;
}

int intake_auth_login(struct intake_auth *A, const char *user,
                      const char *pw, size_t pwn, const char *peer,
                      long now, char sid[INTAKE_SID_CHARS + 1],
                      char csrf[INTAKE_SID_CHARS + 1], long *wait_s)
{
    struct pw_ctx p;
    struct limit *lu, *la;
    char ku[80], ka[80];
    struct ff_err e;
    long w;
    int ok, i;
    struct session *s = NULL;

    *wait_s = 0;
    snprintf(ku, sizeof ku, "u:%s", user);
    snprintf(ka, sizeof ka, "a:%s", peer);
    memset(&p, 0, sizeof p);
    ff_err_clear(&e);
    pthread_mutex_lock(&A->mu);
    lu = limit_slot(A, ku, now);
    w = limited(lu, now);
    la = limit_slot(A, ka, now);
    if (limited(la, now) > w)
        w = limited(la, now);
    if (w > 0) {
        pthread_mutex_unlock(&A->mu);
        *wait_s = w;
        return INTAKE_LOGIN_LIMITED;
    }
    {
        const char *q[1] = {user};

        intake_ledger_sql(A->L, "SELECT pwhash FROM web_user WHERE name = ?1",
                          q, 1, take_hash, &p, NULL, &e);
    }
    pthread_mutex_unlock(&A->mu);
    /* Argon2id outside the lock: it takes tens of milliseconds. */
    /* An unknown name is checked against a hash of a random password, so
     * that it takes as long as a known one and names cannot be probed. */
    if (p.found)
        ok = ff_secret_pwverify(p.hash, pw, pwn);
    else
        ok = ff_secret_pwverify(A->decoy, pw, pwn) && 0;
    pthread_mutex_lock(&A->mu);
    lu = limit_slot(A, ku, now);
    la = limit_slot(A, ka, now);
    if (!ok) {
        lu->fails++;
        la->fails++;
        pthread_mutex_unlock(&A->mu);
        return INTAKE_LOGIN_BAD;
    }
    lu->fails = 0;
    for (i = 0; i < MAX_SESSIONS; i++) {
        struct session *x = &A->s[i];

        if (x->sid[0] == '\0' || now - x->seen >= A->idle_s ||
            now - x->created >= A->life_s) {
            s = x;
            break;
        }
        if (s == NULL || x->seen < s->seen)
            s = x;          /* all taken: the least recently used goes */
    }
    if (ff_secret_random_hex(s->sid, INTAKE_SID_CHARS / 2, &e) ||
        ff_secret_random_hex(s->csrf, INTAKE_SID_CHARS / 2, &e)) {
        s->sid[0] = '\0';
        pthread_mutex_unlock(&A->mu);
        return INTAKE_LOGIN_BAD;
    }
    snprintf(s->user, sizeof s->user, "%s", user);
    s->created = s->seen = now;
    memcpy(sid, s->sid, INTAKE_SID_CHARS + 1);
    memcpy(csrf, s->csrf, INTAKE_SID_CHARS + 1);
    pthread_mutex_unlock(&A->mu);
    return INTAKE_LOGIN_OK;
}

static struct session *find_session(struct intake_auth *A, const char *sid)
{
    int i;

    if (sid == NULL || strlen(sid) != INTAKE_SID_CHARS)
        return NULL;
    for (i = 0; i < MAX_SESSIONS; i++)
        if (A->s[i].sid[0] &&
            ff_secret_equal(A->s[i].sid, sid, INTAKE_SID_CHARS))
            return &A->s[i];
    return NULL;
}

int intake_auth_session(struct intake_auth *A, const char *sid, long now,
                        char user[INTAKE_NAME_MAX],
                        char csrf[INTAKE_SID_CHARS + 1])
{
    struct session *s;
    int ok = 0;

    pthread_mutex_lock(&A->mu);
    s = find_session(A, sid);
    if (s && (now - s->seen >= A->idle_s || now - s->created >= A->life_s)) {
        memset(s, 0, sizeof *s);    /* expired */
        s = NULL;
    }
    if (s) {
        s->seen = now;
        snprintf(user, INTAKE_NAME_MAX, "%s", s->user);
        memcpy(csrf, s->csrf, INTAKE_SID_CHARS + 1);
        ok = 1;
    }
    pthread_mutex_unlock(&A->mu);
    return ok;
}

void intake_auth_logout(struct intake_auth *A, const char *sid)
{
    struct session *s;

    pthread_mutex_lock(&A->mu);
    if ((s = find_session(A, sid)) != NULL)
        memset(s, 0, sizeof *s);
    pthread_mutex_unlock(&A->mu);
}

int intake_auth_csrf_ok(const char *expected, const char *given)
{
    return expected && given && strlen(expected) == INTAKE_SID_CHARS &&
           strlen(given) == INTAKE_SID_CHARS &&
           ff_secret_equal(expected, given, INTAKE_SID_CHARS);
}

int intake_auth_random(char out[INTAKE_SID_CHARS + 1], struct ff_err *e)
{
    return ff_secret_random_hex(out, INTAKE_SID_CHARS / 2, e);
}
