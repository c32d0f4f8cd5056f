/*
 * hhid.c - household tokens in QR payloads: Damm check digit, HMAC tag,
 * the payload config (templates/qr.conf) and parsing a form's household
 * field back.
 *
 * Printing calls ff_payload_build once per page; intake calls
 * ff_payload_parse once per submitted report.  Both must agree on the token
 * grammar documented in hhid.h, and intake must never take a damaged value
 * for another household's code: anything that is not exactly 11 digits
 * after removing a check digit and tag is rejected, never repaired.
 *
 * The config is small and parsed once; errors name file:line:col, columns
 * counted in code points from 1 (comments may be Thai).
 */
#include "hhid.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "buf.h"
#include "conf.h"
#include "hmac.h"
#include "qr.h"
#include "utf8.h"

#define CODE_DIGITS 11
#define PARSE_MAX_BYTES 256     /* a household field longer than this is junk */
#define DEFAULT_LEVEL 'M'
#define DEFAULT_MAX_VERSION 6
#define TOKEN_PLACEHOLDER "{token}"
#define URL_MAX_BYTES 2000      /* far above what version 6 holds anyway */

_Static_assert(URL_MAX_BYTES + 64 <= FF_PAYLOAD_MAX,
               "a url template plus a token fits FF_PAYLOAD_MAX");

enum { MODE_PLAIN, MODE_URL };

struct ff_payload_cfg {
    int mode;               /* MODE_PLAIN or MODE_URL */
    char *url;              /* template, owned; NULL in plain mode */
    size_t token_at;        /* byte offset of "{token}" in url */
    char level;             /* 'L', 'M', 'Q' or 'H' */
    int max_version;        /* 1..40 */
    int has_key;
    struct ff_key key;      /* wiped on free */
    size_t fits_len;        /* payload length checked against max_version */
};

/*
 * Damm's quasigroup of order 10 (H. M. Damm, "Total anti-symmetrische
 * Quasigruppen", 2004; the table published with it).  Its zero diagonal and
 * weak total anti-symmetry make the check digit catch every single-digit
 * substitution and every transposition of adjacent digits.
 */
static const unsigned char damm[10][10] = {
    {0, 3, 1, 7, 5, 9, 8, 6, 4, 2}, {7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
    {4, 2, 0, 6, 8, 7, 1, 3, 5, 9}, {1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
    {6, 1, 2, 3, 0, 4, 5, 9, 7, 8}, {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
    {5, 8, 6, 9, 7, 2, 0, 1, 3, 4}, {8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
    {9, 4, 3, 8, 6, 1, 7, 2, 0, 5}, {2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
};

int ff_hhid_is_code(const char *s, size_t n)
{
    size_t i;

    if (s == NULL || n != CODE_DIGITS)
        return 0;
    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

char ff_hhid_check_char(const char *s, size_t n)
{
    unsigned interim = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return '\0';
        interim = damm[interim][s[i] - '0'];
    }
    return (char)('0' + interim);
}

/* ---- config ---------------------------------------------------------- */

static void cfg_defaults(struct ff_payload_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->mode = MODE_PLAIN;
    c->level = DEFAULT_LEVEL;
    c->max_version = DEFAULT_MAX_VERSION;
}

void ff_payload_cfg_free(struct ff_payload_cfg *c)
{
    if (c == NULL)
        return;
    ff_key_wipe(&c->key);
    ff_free(c->url);
    ff_free(c);
}

char ff_payload_level(const struct ff_payload_cfg *c)
{
    return c ? c->level : DEFAULT_LEVEL;
}

int ff_payload_max_version(const struct ff_payload_cfg *c)
{
    return c ? c->max_version : DEFAULT_MAX_VERSION;
}

int ff_payload_has_key(const struct ff_payload_cfg *c)
{
    return c ? c->has_key : 0;
}

/* Where a config line starts and how to turn a pointer into a column. */
/* Lines, code-point columns and errors with a caret: core/conf.c. */

/* Check a url template and find its one "{token}". */
static int set_url(struct ff_payload_cfg *c, const struct ff_conf_line *l,
                   const char *v, size_t n, struct ff_err *e)
{
    const char *tok = NULL;
    size_t i, plen = strlen(TOKEN_PLACEHOLDER);

    /* Leaves room for the token within FF_PAYLOAD_MAX. */
    if (n > URL_MAX_BYTES)
        return ff_conf_err(e, l, v,
                        "url is %zu bytes, more than %d; use the form's "
                        "short link", n, URL_MAX_BYTES);

    if (!(n > 8 && strncasecmp(v, "https://", 8) == 0) &&
        !(n > 7 && strncasecmp(v, "http://", 7) == 0))
        return ff_conf_err(e, l, v,
                        "url must start with 'https://' or 'http://'");
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v[i];

        if (ch == ' ' || ch == '\t')
            return ff_conf_err(e, l, v + i,
                            "url has a space; write it as %%20");
        if (ch < 0x20 || ch >= 0x7f)
            return ff_conf_err(e, l, v + i,
                            "url has a character outside ASCII; "
                            "percent-encode it (%%XX per UTF-8 byte)");
        if (ch == '{' && n - i >= plen &&
            memcmp(v + i, TOKEN_PLACEHOLDER, plen) == 0) {
            if (tok != NULL)
                return ff_conf_err(e, l, v + i,
                                "url has '{token}' twice; it may appear "
                                "only once");
            tok = v + i;
            i += plen - 1;
        } else if (ch == '{' || ch == '}') {
            return ff_conf_err(e, l, v + i,
                            "unexpected '%c' in url; only '{token}' is "
                            "replaced (write a literal brace as %s)",
                            ch, ch == '{' ? "%7B" : "%7D");
        }
    }
    if (tok == NULL)
        return ff_conf_err(e, l, v,
                        "url has no '{token}' placeholder for the "
                        "household token");
    c->url = ff_strndup(v, n);
    if (c->url == NULL)
        return ff_err_set(e, FF_ESYS, l->name, l->no, 0, "out of memory");
    c->token_at = (size_t)(tok - v);
    return FF_OK;
}

static int set_max_version(struct ff_payload_cfg *c, const struct ff_conf_line *l,
                           const char *v, size_t n, struct ff_err *e)
{
    long x = 0;
    size_t i;

    /* Digits only: no sign, no spaces, no "6.0" (style(9) number care). */
    for (i = 0; i < n && x <= 40; i++) {
        if (v[i] < '0' || v[i] > '9')
            break;
        x = x * 10 + (v[i] - '0');
    }
    if (n == 0 || i < n || x < 1 || x > 40)
        return ff_conf_err(e, l, v,
                        "max_version '%.*s' is not a whole number from 1 "
                        "to 40", (int)n, v);
    c->max_version = (int)x;
    return FF_OK;
}

static const char *const cfg_keys[] = {"mode", "url", "level", "max_version",
                                       "key_file"};
enum { K_MODE, K_URL, K_LEVEL, K_MAX_VERSION, K_KEY_FILE, K_COUNT };

struct cfg_state {
    long seen[K_COUNT];     /* line each key was set on, 0 = not set */
    long val_colno[K_COUNT];        /* column of each value */
    char *key_file;         /* as written, owned */
};

static int parse_line(struct ff_payload_cfg *c, struct cfg_state *st,
                      const struct ff_conf_line *l, const char *end,
                      struct ff_err *e)
{
    const char *p = l->text, *k, *v;
    size_t klen, vlen;
    int key;

    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p == end || *p == '#')
        return FF_OK;
    k = p;
    while (p < end && (isalnum((unsigned char)*p) || *p == '_'))
        p++;
    klen = (size_t)(p - k);
    if (klen == 0)
        return ff_conf_err(e, l, k, "expected a key such as 'mode', got '%.*s'",
                        (int)(end - k > 20 ? 20 : end - k), k);
    for (key = 0; key < K_COUNT; key++)
        if (strlen(cfg_keys[key]) == klen &&
            memcmp(cfg_keys[key], k, klen) == 0)
            break;
    if (key == K_COUNT)
        return ff_conf_err(e, l, k,
                        "unknown key '%.*s' (known: mode, url, level, "
                        "max_version, key_file)", (int)klen, k);
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p == end || *p != '=')
        return ff_conf_err(e, l, p, "expected '=' after '%.*s'", (int)klen, k);
    p++;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    v = p;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    vlen = (size_t)(end - v);
    if (vlen == 0)
        return ff_conf_err(e, l, v, "missing value after '%.*s ='", (int)klen,
                        k);
    if (st->seen[key])
        return ff_conf_err(e, l, k, "'%s' is set twice (first on line %ld)",
                        cfg_keys[key], st->seen[key]);
    st->seen[key] = l->no;
    st->val_colno[key] = ff_conf_col(l, v);

    switch (key) {
    case K_MODE:
        if (vlen == 5 && memcmp(v, "plain", 5) == 0)
            c->mode = MODE_PLAIN;
        else if (vlen == 3 && memcmp(v, "url", 3) == 0)
            c->mode = MODE_URL;
        else
            return ff_conf_err(e, l, v, "unknown mode '%.*s' (want plain or "
                            "url)", (int)vlen, v);
        return FF_OK;
    case K_URL:
        return set_url(c, l, v, vlen, e);
    case K_LEVEL:
        if (vlen == 1 && strchr("LMQHlmqh", *v) != NULL) {
            c->level = (char)toupper((unsigned char)*v);
            return FF_OK;
        }
        return ff_conf_err(e, l, v,
                        "unknown error-correction level '%.*s' (want L, M, "
                        "Q or H)", (int)vlen, v);
    case K_MAX_VERSION:
        return set_max_version(c, l, v, vlen, e);
    default:
        st->key_file = ff_strndup(v, vlen);
        if (st->key_file == NULL)
            return ff_err_set(e, FF_ESYS, l->name, l->no, 0, "out of memory");
        return FF_OK;
    }
}

/* A key_file path relative to the config file's directory. */
static int resolve_key_path(const char *cfg_path, const char *key_file,
                            struct ff_buf *out)
{
    const char *slash = strrchr(cfg_path, '/');

    if (key_file[0] != '/' && slash != NULL &&
        ff_buf_add(out, cfg_path, (size_t)(slash - cfg_path) + 1) < 0)
        return -1;
    return ff_buf_adds(out, key_file);
}

static int read_file(const char *path, struct ff_buf *b, struct ff_err *e)
{
    char chunk[4096];
    size_t n;
    FILE *f = fopen(path, "rb");

    if (f == NULL)
        return ff_err_sys(e, path, "cannot open payload config");
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (ff_buf_add(b, chunk, n) < 0) {
            fclose(f);
            return ff_err_set(e, FF_ESYS, path, 0, 0,
                              "out of memory reading payload config");
        }
    }
    if (ferror(f)) {
        fclose(f);
        return ff_err_sys(e, path, "cannot read payload config");
    }
    fclose(f);
    return FF_OK;
}

static int parse_cfg(struct ff_payload_cfg *c, struct cfg_state *st,
                     const char *path, const struct ff_buf *b,
                     struct ff_err *e)
{
    struct ff_conf cf;
    struct ff_conf_line l;
    int rc, more;

    if (memchr(b->data, '\0', b->len) != NULL)
        return ff_err_set(e, FF_EINPUT, path, 0, 0,
                          "payload config contains a NUL byte; is it a "
                          "text file?");
    ff_conf_init_mem(&cf, path, b->data, b->len);
    while ((more = ff_conf_next(&cf, &l, e)) > 0)
        if ((rc = parse_line(c, st, &l, l.text + l.len, e)) != FF_OK)
            return rc;
    if (more < 0)
        return e->code;
    if (c->mode == MODE_URL && c->url == NULL)
        return ff_err_set(e, FF_EINPUT, path, st->seen[K_MODE],
                          st->val_colno[K_MODE],
                          "mode is url but there is no 'url = ...' line");
    if (c->mode == MODE_PLAIN && c->url != NULL)
        return ff_err_set(e, FF_EINPUT, path, st->seen[K_URL], 1,
                          "'url' is set but mode is plain; add "
                          "'mode = url' to use it");
    return FF_OK;
}

/*
 * Check once, with a stand-in code, that every payload of this config fits
 * max_version: all tokens of one config have the same length, so all
 * payloads do.  The error points at the line to change.
 */
static int check_fits(struct ff_payload_cfg *c, const char *path,
                      const struct cfg_state *st, struct ff_err *e)
{
    char payload[FF_PAYLOAD_MAX];
    struct ff_err sub;
    int rc;
    long row = 0, col = 0;

    ff_err_clear(&sub);
    rc = ff_payload_build(c, "00000000000", payload, sizeof payload, &sub);
    if (rc == FF_OK) {
        c->fits_len = strlen(payload);
        return FF_OK;
    }
    if (c->mode == MODE_URL) {
        row = st->seen[K_URL];
        col = st->val_colno[K_URL];
    } else if (st->seen[K_MAX_VERSION]) {
        row = st->seen[K_MAX_VERSION];
        col = st->val_colno[K_MAX_VERSION];
    } else if (st->seen[K_LEVEL]) {
        row = st->seen[K_LEVEL];
        col = st->val_colno[K_LEVEL];
    }
    return ff_err_set(e, sub.code, path, row, col, "%s", sub.msg);
}

struct ff_payload_cfg *ff_payload_cfg_load(const char *path,
                                           const char *key_path,
                                           struct ff_err *e)
{
    struct ff_payload_cfg *c = ff_malloc(sizeof *c);
    struct cfg_state st;
    struct ff_buf text, kpath;
    int rc = FF_OK;

    memset(&st, 0, sizeof st);
    ff_buf_init(&text);
    ff_buf_init(&kpath);
    if (c == NULL) {
        ff_err_set(e, FF_ESYS, path, 0, 0,
                   "out of memory loading payload config");
        return NULL;
    }
    cfg_defaults(c);
    if (path != NULL) {
        if ((rc = read_file(path, &text, e)) != FF_OK)
            goto out;
        if ((rc = parse_cfg(c, &st, path, &text, e)) != FF_OK)
            goto out;
    }
    if (key_path != NULL) {
        rc = ff_buf_adds(&kpath, key_path) < 0 ? FF_ESYS : FF_OK;
    } else if (st.key_file != NULL) {
        rc = resolve_key_path(path, st.key_file, &kpath) < 0 ? FF_ESYS
                                                              : FF_OK;
    }
    if (rc != FF_OK) {
        ff_err_set(e, rc, path, 0, 0, "out of memory loading payload config");
        goto out;
    }
    if (kpath.len > 0) {
        if ((rc = ff_key_load(kpath.data, &c->key, e)) != FF_OK)
            goto out;
        c->has_key = 1;
    }
    rc = check_fits(c, path ? path : "", &st, e);
out:
    ff_free(st.key_file);
    ff_buf_release(&kpath);
    ff_buf_release(&text);
    if (rc != FF_OK) {
        ff_payload_cfg_free(c);
        return NULL;
    }
    return c;
}

/* ---- building -------------------------------------------------------- */

static int is_code_str(const char *code)
{
    return code != NULL && strnlen(code, CODE_DIGITS + 1) == CODE_DIGITS &&
           ff_hhid_is_code(code, CODE_DIGITS);
}

size_t ff_payload_token(const struct ff_payload_cfg *c, const char *code,
                        char *out, size_t size)
{
    char tok[CODE_DIGITS + 3 + FF_TAG_CHARS + 1];
    size_t n;

    if (size > 0)
        out[0] = '\0';
    if (!is_code_str(code))
        return 0;
    memcpy(tok, code, CODE_DIGITS);
    tok[CODE_DIGITS] = '-';
    tok[CODE_DIGITS + 1] = ff_hhid_check_char(code, CODE_DIGITS);
    n = CODE_DIGITS + 2;
    if (c != NULL && c->has_key) {
        tok[n++] = '-';
        if (ff_hmac_tag(&c->key, code, CODE_DIGITS, tok + n, NULL) != FF_OK)
            return 0;
        n += FF_TAG_CHARS;
    }
    tok[n] = '\0';
    if (n + 1 > size)
        return 0;
    memcpy(out, tok, n + 1);
    return n;
}

/* RFC 3986 unreserved characters go into a URL as they are. */
static int unreserved(unsigned char ch)
{
    return isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

static int url_escape(struct ff_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;

        if (unreserved(ch)) {
            if (ff_buf_addc(b, (char)ch) < 0)
                return -1;
        } else if (ff_buf_addc(b, '%') < 0 ||
                   ff_buf_addc(b, hex[ch >> 4]) < 0 ||
                   ff_buf_addc(b, hex[ch & 15]) < 0) {
            return -1;
        }
    }
    return 0;
}

int ff_payload_build(const struct ff_payload_cfg *c, const char *code,
                     char *out, size_t size, struct ff_err *e)
{
    char tok[64];
    struct ff_buf b;
    struct ff_qr *q;
    int rc = FF_OK;
    char level = ff_payload_level(c);

    ff_buf_init(&b);
    if (size > 0)
        out[0] = '\0';
    if (!is_code_str(code))
        return ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                          "household code '%.20s' is not 11 digits",
                          code ? code : "");
    if (ff_payload_token(c, code, tok, sizeof tok) == 0)
        return ff_err_set(e, FF_EINTERNAL, NULL, 0, 0,
                          "cannot make the token of household '%s'", code);
    if (c != NULL && c->mode == MODE_URL) {
        /*
         * The token is made of digits, capitals and '-', all unreserved in
         * RFC 3986, so escaping changes nothing today; it keeps the URL
         * valid if the token alphabet ever grows.
         */
        if (ff_buf_add(&b, c->url, c->token_at) < 0 ||
            url_escape(&b, tok) < 0 ||
            ff_buf_adds(&b, c->url + c->token_at +
                                strlen(TOKEN_PLACEHOLDER)) < 0) {
            rc = ff_err_set(e, FF_ESYS, NULL, 0, 0,
                            "out of memory building QR payload");
            goto out;
        }
    } else if (ff_buf_adds(&b, tok) < 0) {
        rc = ff_err_set(e, FF_ESYS, NULL, 0, 0,
                        "out of memory building QR payload");
        goto out;
    }
    if (b.len + 1 > size) {
        rc = ff_err_set(e, FF_EINTERNAL, NULL, 0, 0,
                        "QR payload of %zu bytes does not fit a buffer of "
                        "%zu", b.len, size);
        goto out;
    }
    /*
     * Fail here, before anything is printed, if the payload needs a larger
     * symbol than allowed.  The config loader ran this check for its payload
     * length; only another length needs the encoder.
     */
    if (c == NULL || b.len != c->fits_len) {
        q = ff_qr_encode(b.data, level, ff_payload_max_version(c), e);
        if (q == NULL) {
            rc = e ? e->code : FF_EINPUT;
            if (rc == FF_OK)
                rc = FF_EINPUT;
            goto out;
        }
        ff_qr_free(q);
    }
    memcpy(out, b.data, b.len + 1);
out:
    ff_buf_release(&b);
    return rc;
}

/* ---- parsing --------------------------------------------------------- */

static void why(struct ff_hhid_parsed *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void why(struct ff_hhid_parsed *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->why, sizeof r->why, fmt, ap);
    va_end(ap);
}

static int all_digits(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

/* At most 40 bytes of s[0..n), not cutting a UTF-8 sequence in two. */
static int quote_len(const char *s, size_t n)
{
    if (n <= 40)
        return (int)n;
    n = 40;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return (int)n;
}

/* Explain why head[0..n) is not a household code, for the intake report. */
static void explain_malformed(struct ff_hhid_parsed *r, const char *head,
                              size_t n)
{
    if (n == 0)
        why(r, "empty household code");
    else if (memchr(head, 'E', n) && memchr(head, '.', n))
        why(r, "'%.*s' is a number as Excel shows it; digits were lost, "
            "enter the code again as text", quote_len(head, n), head);
    else if (all_digits(head, n) && n < CODE_DIGITS)
        why(r, "%zu digits, want 11 (a digit or a leading zero was lost?)",
            n);
    else if (all_digits(head, n) && n == CODE_DIGITS + 1)
        why(r, "12 digits, want 11 (a check digit must follow a '-')");
    else if (all_digits(head, n))
        why(r, "%zu digits, want 11", n);
    else
        why(r, "'%.*s' is not an 11-digit household code",
            quote_len(head, n), head);
}

/*
 * The printed token groups the code as it is written (2401-010596-3-7, see
 * housecode.h); a form may receive it that way, or with spaces for the
 * dashes inside the code.  Rewrite such a head to the plain 11 digits in
 * place so the rest of the parser sees one form; returns the new length.
 */
static size_t ungroup(char *buf, size_t len)
{
    char sep = len > 4 ? buf[4] : 0;

    if (len < 13 || (sep != '-' && sep != ' ') ||
        strspn(buf, "0123456789") != 4 ||
        strspn(buf + 5, "0123456789") != 6 || buf[11] != sep ||
        buf[12] < '0' || buf[12] > '9' || (len > 13 && buf[13] != '-'))
        return len;
    memmove(buf + 4, buf + 5, 6);
    memmove(buf + 10, buf + 12, len - 12 + 1);
    return len - 2;
}

static int b32_char(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= '2' && ch <= '7');
}

int ff_payload_parse_ex(const struct ff_payload_cfg *c, const char *s,
                        size_t n, struct ff_hhid_parsed *r)
{
    char buf[PARSE_MAX_BYTES + 1], tag[FF_TAG_CHARS + 1],
        want[FF_TAG_CHARS + 1];
    const char *dash, *rest, *dash2;
    size_t len, head, i, rest_len;
    char want_check;

    memset(r, 0, sizeof *r);
    if (s == NULL)
        n = 0;
    else
        n = ff_utf8_trim(&s, n);
    if (n > PARSE_MAX_BYTES) {
        why(r, "household field of %zu bytes is too long", n);
        return FF_HHID_MALFORMED;
    }
    /* Thai digits ๐-๙ become ASCII; the result is never longer. */
    len = n ? ff_utf8_thai_digits_to_ascii(s, n, buf) : 0;
    buf[len] = '\0';
    len = ungroup(buf, len);
    dash = memchr(buf, '-', len);
    head = dash ? (size_t)(dash - buf) : len;
    if (!ff_hhid_is_code(buf, head)) {
        explain_malformed(r, buf, head);
        return FF_HHID_MALFORMED;
    }
    memcpy(r->code, buf, CODE_DIGITS);
    r->code[CODE_DIGITS] = '\0';
    if (dash == NULL)
        return FF_HHID_OK;

    rest = dash + 1;
    rest_len = len - head - 1;
    dash2 = memchr(rest, '-', rest_len);
    r->has_check = 1;
    if ((dash2 ? (size_t)(dash2 - rest) : rest_len) != 1 ||
        rest[0] < '0' || rest[0] > '9') {
        why(r, "check character after '-' must be one digit");
        return FF_HHID_BAD_CHECK;
    }
    want_check = ff_hhid_check_char(r->code, CODE_DIGITS);
    if (rest[0] != want_check) {
        why(r, "check digit '%c' does not match code %s (want '%c'); a "
            "digit was mistyped", rest[0], r->code, want_check);
        return FF_HHID_BAD_CHECK;
    }
    if (dash2 == NULL)
        return FF_HHID_OK;

    r->has_tag = 1;
    rest = dash2 + 1;
    rest_len = len - (size_t)(rest - buf);
    if (c == NULL || !c->has_key) {
        /*
         * Refuse rather than accept unverified: a tag only exists because
         * the province chose to verify codes, and intake running without
         * the key is a set-up mistake that should be loud, not a reason to
         * let a forged token through.  The report is kept, marked.
         */
        why(r, "token has a tag but no key is configured to verify it "
            "(set key_file in qr.conf)");
        return FF_HHID_BAD_CHECK;
    }
    if (rest_len != FF_TAG_CHARS) {
        why(r, "tag is %zu characters, want %d", rest_len, FF_TAG_CHARS);
        return FF_HHID_BAD_CHECK;
    }
    /* Base32 is case-insensitive (RFC 4648); hand-typed tags may be lower. */
    for (i = 0; i < FF_TAG_CHARS; i++) {
        tag[i] = (char)toupper((unsigned char)rest[i]);
        if (!b32_char(tag[i])) {
            why(r, "tag has a character outside A-Z and 2-7");
            return FF_HHID_BAD_CHECK;
        }
    }
    tag[FF_TAG_CHARS] = '\0';
    if (ff_hmac_tag(&c->key, r->code, CODE_DIGITS, want, NULL) != FF_OK) {
        why(r, "cannot compute the tag");
        return FF_HHID_BAD_CHECK;
    }
    if (!ff_hmac_tag_equal(tag, want)) {
        why(r, "tag does not match code %s (mistyped, or not printed "
            "with this province's key)", r->code);
        return FF_HHID_BAD_CHECK;
    }
    r->tag_verified = 1;
    return FF_HHID_OK;
}

int ff_payload_parse(const struct ff_payload_cfg *c, const char *s, size_t n,
                     char code_out[12])
{
    struct ff_hhid_parsed r;
    int rc = ff_payload_parse_ex(c, s, n, &r);

    memcpy(code_out, r.code, sizeof r.code);
    return rc;
}
