/*
 * auth.h - who may talk to ffintake serve: hook tokens, staff users, their
 * sessions, CSRF tokens and the login rate limit.
 *
 * Tokens and users live in the ledger (tables api_token and web_user): a
 * token is stored only as its SHA-256, a password only as an Argon2id hash
 * (core/hmac.c, libsodium).  Sessions live in the server's memory only: a
 * restart signs everybody out, and nothing about them reaches the disk.
 */
#ifndef INTAKE_AUTH_H
#define INTAKE_AUTH_H

#include <stddef.h>

#include "err.h"
#include "ledger.h"

#define INTAKE_TOKEN_CHARS 40       /* hex digits of a hook token */
#define INTAKE_SID_CHARS 64         /* hex digits of a session id */
#define INTAKE_NAME_MAX 64

/* Create the server's tables (tokens, users, receipts, pull marks) when
 * missing.  Idempotent. */
int intake_auth_schema(struct intake_ledger *L, struct ff_err *e);

/* A new token for name into out (printed once by the caller); only its
 * hash is stored.  FF_EINPUT when name is not [A-Za-z0-9._-]{1,63} or
 * exists (revoked names stay taken, so the list tells what was used). */
int intake_token_add(struct intake_ledger *L, const char *name,
                     const char *now, char out[INTAKE_TOKEN_CHARS + 1],
                     struct ff_err *e);
/* FF_EINPUT when no live token has that name. */
int intake_token_revoke(struct intake_ledger *L, const char *name,
                        const char *now, struct ff_err *e);
/* fn(ctx, name, created_at, revoked_at or NULL) for each token by name. */
int intake_token_list(struct intake_ledger *L,
                      int (*fn)(void *ctx, const char *name,
                                const char *created, const char *revoked),
                      void *ctx, struct ff_err *e);

/* Add user name with password pw[0..n) (at least 8 bytes), or set a new
 * password when the user exists (*replaced = 1). */
int intake_user_add(struct intake_ledger *L, const char *name,
                    const char *pw, size_t n, const char *now,
                    int *replaced, struct ff_err *e);

/* ---- the server's view (thread-safe) ---- */

struct intake_auth;

/*
 * L (borrowed, used only under the auth's own lock) is a connection of the
 * server's.  Sessions expire after idle_s seconds without a request and
 * after life_s seconds in any case.  Caller frees with intake_auth_free().
 */
struct intake_auth *intake_auth_new(struct intake_ledger *L, long idle_s,
                                    long life_s, struct ff_err *e);
void intake_auth_free(struct intake_auth *A);

/* 1 when token[0..n) is a live hook token (its name into name_out), 0
 * otherwise.  Tokens are read from the ledger at most once a second, so a
 * revoked token stops working within a second. */
int intake_auth_token(struct intake_auth *A, const char *token, size_t n,
                      char name_out[INTAKE_NAME_MAX]);

enum intake_login {
    INTAKE_LOGIN_OK = 0,
    INTAKE_LOGIN_BAD,           /* wrong name or password */
    INTAKE_LOGIN_LIMITED        /* too many failures: wait */
};

/*
 * Check a login from client address peer.  After 5 failures within 5
 * minutes for one name or one address, every attempt for it is refused
 * for the rest of those 5 minutes (*wait_s gets how long), right password
 * or not, and Argon2id is not even run.  On success a new session: its id
 * and CSRF token into sid and csrf.
 */
int intake_auth_login(struct intake_auth *A, const char *user,
                      const char *pw, size_t pwn, const char *peer,
                      long now, char sid[INTAKE_SID_CHARS + 1],
                      char csrf[INTAKE_SID_CHARS + 1], long *wait_s);

/* 1 when sid is a live session (user and CSRF token copied out; its idle
 * clock restarts), 0 otherwise. */
int intake_auth_session(struct intake_auth *A, const char *sid, long now,
                        char user[INTAKE_NAME_MAX],
                        char csrf[INTAKE_SID_CHARS + 1]);
void intake_auth_logout(struct intake_auth *A, const char *sid);

/* 1 when the CSRF token given with a form equals the session's
 * (constant time), 0 otherwise. */
int intake_auth_csrf_ok(const char *expected, const char *given);

/* A fresh random token of INTAKE_SID_CHARS hex digits (pre-login CSRF). */
int intake_auth_random(char out[INTAKE_SID_CHARS + 1], struct ff_err *e);

#endif
