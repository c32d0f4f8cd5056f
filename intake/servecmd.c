/*
 * servecmd.c - the command lines of ffintake serve, token, user, pull and
 * watch: options into a struct, one call, one printed error, an exit code
 * (main.c hands these commands over here, so it stays thin).
 *
 * Nothing here prints a secret except `token add`, which prints the new
 * token once, because that is its purpose; passwords are read from stdin
 * (or the terminal, without echo) and never printed.
 */
#include "servecmd.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "loadcfg.h"
#include "auth.h"
#include "err.h"
#include "ledger.h"
#include "pull.h"
#include "serve.h"
#include "watch.h"

static const char *const commands[] = {"serve", "token", "user", "pull",
                                       "watch"};

int intake_servecmd_is(const char *cmd)
{
    size_t i;

    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i]) == 0)
            return 1;
    return 0;
}

struct opts {
    const char *ledger, *listen, *dialects, *qr_config, *key, *ffgen,
        *register_csv;
    const char *kobo, *asset, *token_file, *odk, *project, *form,
        *credentials_file;
    long timeout_ms, idle_s, life_s;
    int secure, once;
    char **args;
    int nargs;
};

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "ffintake: %s%s%s%s\n(see 'ffintake --help')\n", msg,
            arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
    return 2;
}

static int parse(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        {"ledger", required_argument, NULL, 'l'},
        {"listen", required_argument, NULL, 'L'},
        {"dialects", required_argument, NULL, 'd'},
        {"qr-config", required_argument, NULL, 'q'},
        {"key", required_argument, NULL, 'k'},
        {"ffgen", required_argument, NULL, 'g'},
        {"register", required_argument, NULL, 'r'},
        {"write-timeout", required_argument, NULL, 'w'},
        {"session-idle", required_argument, NULL, 'i'},
        {"session-life", required_argument, NULL, 'I'},
        {"secure-cookies", no_argument, NULL, 's'},
        {"kobo", required_argument, NULL, 'K'},
        {"asset", required_argument, NULL, 'a'},
        {"token-file", required_argument, NULL, 't'},
        {"odk", required_argument, NULL, 'O'},
        {"project", required_argument, NULL, 'p'},
        {"form", required_argument, NULL, 'f'},
        {"credentials-file", required_argument, NULL, 'c'},
        {"once", no_argument, NULL, '1'},
        {NULL, 0, NULL, 0}};
    char *end;
    int c;

    memset(o, 0, sizeof *o);
    o->listen = "127.0.0.1:8080";
    o->timeout_ms = 10000;
    o->idle_s = 8 * 3600;
    o->life_s = 12 * 3600;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'l': o->ledger = optarg; break;
        case 'L': o->listen = optarg; break;
        case 'd': o->dialects = optarg; break;
        case 'q': o->qr_config = optarg; break;
        case 'k': o->key = optarg; break;
        case 'g': o->ffgen = optarg; break;
        case 'r': o->register_csv = optarg; break;
        case 's': o->secure = 1; break;
        case 'K': o->kobo = optarg; break;
        case 'a': o->asset = optarg; break;
        case 't': o->token_file = optarg; break;
        case 'O': o->odk = optarg; break;
        case 'p': o->project = optarg; break;
        case 'f': o->form = optarg; break;
        case 'c': o->credentials_file = optarg; break;
        case '1': o->once = 1; break;
        case 'w':
        case 'i':
        case 'I': {
            long v = strtol(optarg, &end, 10);

            if (*end || v <= 0 || v > 100000000)
                return usage_error("bad number", optarg);
            if (c == 'w')
                o->timeout_ms = v;
            else if (c == 'i')
                o->idle_s = v;
            else
                o->life_s = v;
            break;
        }
        default:
            return usage_error("bad option", argv[optind]);
        }
    }
    o->args = argv + 1 + optind;
    o->nargs = argc - 1 - optind;
    if (o->ledger == NULL)
        return usage_error("--ledger is required", NULL);
    return -1;
}

static int print_token(void *ctx, const char *name, const char *created,
                       const char *revoked)
{
    (void)ctx;
    printf("%s\tcreated %s\t%s%s\n", name, created,
           revoked ? "revoked " : "live", revoked ? revoked : "");
    return FF_OK;
}

static int cmd_token(const struct opts *o, struct ff_err *e)
{
    struct intake_ledger *L;
    char now[32], tok[INTAKE_TOKEN_CHARS + 1];
    const char *sub = o->nargs ? o->args[0] : "";
    int rc;

    if (strcmp(sub, "list") && o->nargs != 2)
        return ff_err_set(e, FF_EUSAGE, NULL, 0, 0,
                          "usage: token add NAME | token list | token "
                          "revoke NAME");
    if ((L = intake_ledger_open(o->ledger, 0, e)) == NULL)
        return e->code;
    intake_now_iso(now);
    if (strcmp(sub, "add") == 0) {
        rc = intake_token_add(L, o->args[1], now, tok, e);
        if (rc == FF_OK) {
            /* The only time the token is shown: it is stored hashed. */
            printf("%s\n", tok);
            fprintf(stderr, "ffintake: token '%s' added; it is shown only "
                            "this once (send it as 'Authorization: Bearer "
                            "TOKEN')\n", o->args[1]);
        }
    } else if (strcmp(sub, "revoke") == 0) {
        rc = intake_token_revoke(L, o->args[1], now, e);
        if (rc == FF_OK)
            printf("token '%s' revoked\n", o->args[1]);
    } else if (strcmp(sub, "list") == 0) {
        rc = intake_token_list(L, print_token, NULL, e);
    } else {
        rc = ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "unknown token command "
                                                  "'%s'", sub);
    }
    intake_ledger_free(L);
    return rc;
}

/* A line from stdin; on a terminal, without echo. */
static int read_password(char *buf, size_t size, struct ff_err *e)
{
    struct termios t, quiet;
    int tty = isatty(0);
    size_t n;

    if (tty) {
        fprintf(stderr, "password: ");
        tcgetattr(0, &t);
        quiet = t;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(0, TCSAFLUSH, &quiet);
    }
    if (fgets(buf, (int)size, stdin) == NULL)
        buf[0] = '\0';
    if (tty) {
        tcsetattr(0, TCSAFLUSH, &t);
        fputc('\n', stderr);
    }
    n = strcspn(buf, "\r\n");
    buf[n] = '\0';
    if (n == 0)
        return ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                          "no password given (one line on standard input)");
    return FF_OK;
}

static int cmd_user(const struct opts *o, struct ff_err *e)
{
    struct intake_ledger *L;
    char now[32], pw[256];
    int rc, replaced = 0;

    if (o->nargs != 2 || strcmp(o->args[0], "add") != 0)
        return ff_err_set(e, FF_EUSAGE, NULL, 0, 0,
                          "usage: user add NAME --ledger L.db (password on "
                          "standard input)");
    if ((rc = read_password(pw, sizeof pw, e)))
        return rc;
    if ((L = intake_ledger_open(o->ledger, 0, e)) == NULL) {
        memset(pw, 0, sizeof pw);
        return e->code;
    }
    intake_now_iso(now);
    rc = intake_user_add(L, o->args[1], pw, strlen(pw), now, &replaced, e);
    memset(pw, 0, sizeof pw);
    if (rc == FF_OK)
        printf("user '%s' %s\n", o->args[1],
               replaced ? "has a new password" : "added");
    intake_ledger_free(L);
    return rc;
}

static int cmd_serve(const struct opts *o, struct ff_err *e)
{
    struct intake_serve_opts so;

    if (o->nargs)
        return ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "unexpected argument "
                                                    "'%s'", o->args[0]);
    memset(&so, 0, sizeof so);
    so.ledger = o->ledger;
    so.listen = o->listen;
    so.dialects = o->dialects;
    so.qr_config = o->qr_config;
    so.key = o->key;
    so.write_timeout_ms = o->timeout_ms;
    so.secure_cookies = o->secure;
    so.session_idle_s = o->idle_s;
    so.session_life_s = o->life_s;
    so.ffgen = o->ffgen;
    so.register_csv = o->register_csv;
    return intake_serve_run(&so, e);
}

static int cmd_pull(const struct opts *o, struct ff_err *e)
{
    struct intake_pull_opts po;
    struct intake_pull_result res;
    int rc;

    memset(&po, 0, sizeof po);
    po.ledger = o->ledger;
    po.dialects = o->dialects;
    po.qr_config = o->qr_config;
    po.key = o->key;
    if (o->kobo && o->asset && o->token_file && !o->odk) {
        po.service = INTAKE_PULL_KOBO;
        po.url = o->kobo;
        po.asset = o->asset;
        po.secret_file = o->token_file;
    } else if (o->odk && o->project && o->form && o->credentials_file &&
               !o->kobo) {
        po.service = INTAKE_PULL_ODK;
        po.url = o->odk;
        po.project = o->project;
        po.form = o->form;
        po.secret_file = o->credentials_file;
    } else {
        return ff_err_set(e, FF_EUSAGE, NULL, 0, 0,
                          "pull needs --kobo URL --asset UID --token-file F, "
                          "or --odk URL --project N --form ID "
                          "--credentials-file F");
    }
    rc = intake_pull_run(&po, &res, e);
    if (rc == FF_OK) {
        if (res.sum.load_id == 0)
            printf("%s: %ld new records fetched; nothing new for the "
                   "ledger\n", res.source, res.fetched);
        else
            printf("%s: %ld records fetched: load %ld: %ld accepted, %ld "
                   "duplicate, %ld superseded, %ld rejected; %ld late\n",
                   res.source, res.fetched, res.sum.load_id,
                   res.sum.accepted, res.sum.duplicate, res.sum.superseded,
                   res.sum.rejected, res.sum.late);
        printf("next pull starts after %s\n", res.mark[0] ? res.mark : "-");
    }
    return rc;
}

static int cmd_watch(const struct opts *o, struct ff_err *e)
{
    struct intake_watch_opts wo;

    if (o->nargs != 1)
        return ff_err_set(e, FF_EUSAGE, NULL, 0, 0,
                          "usage: watch --ledger L.db DIR");
    memset(&wo, 0, sizeof wo);
    wo.ledger = o->ledger;
    wo.dir = o->args[0];
    wo.dialects = o->dialects;
    wo.qr_config = o->qr_config;
    wo.key = o->key;
    wo.once = o->once;
    return intake_watch_run(&wo, e);
}

int intake_servecmd_main(int argc, char **argv)
{
    struct opts o;
    struct ff_err e;
    char buf[1200];
    int rc = parse(argc, argv, &o);

    if (rc >= 0)
        return rc;
    ff_err_clear(&e);
    if (strcmp(argv[1], "serve") == 0)
        rc = cmd_serve(&o, &e);
    else if (strcmp(argv[1], "token") == 0)
        rc = cmd_token(&o, &e);
    else if (strcmp(argv[1], "user") == 0)
        rc = cmd_user(&o, &e);
    else if (strcmp(argv[1], "pull") == 0)
        rc = cmd_pull(&o, &e);
    else
        rc = cmd_watch(&o, &e);
    if (rc != FF_OK) {
        if (e.code == FF_OK)
            ff_err_set(&e, rc, NULL, 0, 0, "failed");
        fprintf(stderr, "ffintake: %s\n", ff_err_str(&e, buf, sizeof buf));
    }
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        if (rc == FF_OK)
            fprintf(stderr, "ffintake: cannot write standard output\n");
        return 3;
    }
    return ff_err_exit_code(rc);
}
