/*
 * vars.c - expanding {placeholders} for one household.
 *
 * Amounts use ff_baht and dates the Buddhist Era, as every Thai government
 * form does.  Citizen IDs and phone numbers are deliberately not available
 * as placeholders: printed folders travel and get lost in the field.
 */
#include "vars.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "thai.h"

static const char *const names[] = {
    "code", "token", "code_spaced", "head", "title", "first_name",
    "last_name", "house_no", "village_no", "village_name", "subdistrict",
    "district", "province", "district_code", "subdistrict_code", "members",
    "income", "threshold", "income_vs_threshold", "indicators", "status",
    "status_label", "date", "year", "page", "pages", "packet", NULL
};

/* Parse "2568-01" or "2025-01" into a CE year and month. */
static int parse_month_arg(const char *s, size_t n, int *y, int *m)
{
    char buf[16];
    char *end;
    long yy, mm;

    if (n == 0 || n >= sizeof buf)
        return -1;
    /* "year-01": January of the print year (the caller fills it in). */
    if (n > 5 && memcmp(s, "year-", 5) == 0) {
        mm = strtol(s + 5, &end, 10);
        if (end != s + n || mm < 1 || mm > 12)
            return -1;
        *y = 0;
        *m = (int)mm;
        return 0;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    yy = strtol(buf, &end, 10);
    if (*end != '-')
        return -1;
    mm = strtol(end + 1, &end, 10);
    if (*end != '\0' || mm < 1 || mm > 12 || yy < 1900 || yy > 3000)
        return -1;
    *y = (int)(yy > 2400 ? yy - FF_BE_OFFSET : yy);
    *m = (int)mm;
    return 0;
}

int gen_vars_known(const char *name, size_t n)
{
    const char *colon = memchr(name, ':', n);
    int i, y, m;

    if (colon) {
        size_t k = (size_t)(colon - name);
        const char *arg = colon + 1;
        size_t alen = n - k - 1;

        if ((k == 8 && memcmp(name, "deadline", 8) == 0) ||
            (k == 5 && memcmp(name, "month", 5) == 0))
            return parse_month_arg(arg, alen, &y, &m) == 0;
        return 0;
    }
    for (i = 0; names[i]; i++)
        if (strlen(names[i]) == n && memcmp(names[i], name, n) == 0)
            return 1;
    return 0;
}

const char *gen_vars_spaced(const char *token, char *out, size_t size)
{
    /* The code's own grouping 4-6-1 (office, running number, check
     * digit: housecode.h), then the token's check character. */
    if (strlen(token) >= 11)
        snprintf(out, size, "%.4s-%.6s-%.1s%s", token, token + 4,
                 token + 10, token + 11);
    else
        snprintf(out, size, "%s", token);
    return out;
}

int gen_vars_head(const struct ff_household *h, struct ff_buf *out)
{
    size_t tn = strlen(h->title);
    unsigned char last = tn ? (unsigned char)h->title[tn - 1] : 0;

    /* Thai titles run into the name (นายสมชาย); a Latin one (Mr., Dr)
     * reads as its own word: "Mr. John", never "Mr.John". */
    if (ff_buf_adds(out, h->title) ||
        (last && last < 0x80 && last != ' ' && h->first_name[0] &&
         ff_buf_addc(out, ' ')) ||
        ff_buf_adds(out, h->first_name))
        return -1;
    if (h->last_name[0] &&
        (ff_buf_addc(out, ' ') || ff_buf_adds(out, h->last_name)))
        return -1;
    return 0;
}

/*
 * Append the value of placeholder name[0..n) to out: 0, 1 when the name is
 * unknown, -1 when out of memory.  Register fields go straight into out,
 * whatever their length; tmp holds only numbers and dates.
 */
static int value(const struct gen_vars *v, const char *name, size_t n,
                 struct ff_buf *out)
{
    const struct ff_household *h = v->h;
    char tmp[128];
    const char *s = NULL;
    int y, m;

#define IS(lit) (n == sizeof(lit) - 1 && memcmp(name, lit, n) == 0)
    tmp[0] = '\0';
    if (n > 9 && memcmp(name, "deadline:", 9) == 0) {
        parse_month_arg(name + 9, n - 9, &y, &m);
        s = ff_thai_date(y ? y : v->year, m, 20, 0, tmp, sizeof tmp);
    } else if (n > 6 && memcmp(name, "month:", 6) == 0) {
        parse_month_arg(name + 6, n - 6, &y, &m);
        snprintf(tmp, sizeof tmp, "%s %d", ff_thai_month(m),
                 (y ? y : v->year) + FF_BE_OFFSET);
        s = tmp;
    } else if (IS("date")) {
        s = ff_thai_date(v->year, v->month, v->day, 0, tmp, sizeof tmp);
    } else if (IS("year")) {
        snprintf(tmp, sizeof tmp, "%d", v->year + FF_BE_OFFSET);
        s = tmp;
    } else if (IS("token")) {
        s = v->token ? v->token : "";
    } else if (IS("code_spaced")) {
        s = gen_vars_spaced(v->token ? v->token : "", tmp, sizeof tmp);
    } else if (IS("threshold")) {
        s = ff_baht(v->threshold, tmp, sizeof tmp);
    } else if (IS("page")) {
        snprintf(tmp, sizeof tmp, "%d", v->page);
        s = tmp;
    } else if (IS("pages")) {
        snprintf(tmp, sizeof tmp, "%d", v->pages);
        s = tmp;
    } else if (IS("packet")) {
        s = v->packet ? v->packet : "";
    } else if (h == NULL) {
        s = "";
    } else if (IS("code")) {
        s = h->code;
    } else if (IS("head")) {
        return gen_vars_head(h, out);
    } else if (IS("title")) {
        s = h->title;
    } else if (IS("first_name")) {
        s = h->first_name;
    } else if (IS("last_name")) {
        s = h->last_name;
    } else if (IS("house_no")) {
        s = h->house_no;
    } else if (IS("village_no")) {
        snprintf(tmp, sizeof tmp, "%d", h->village_no);
        s = tmp;
    } else if (IS("village_name")) {
        s = h->village_name;
    } else if (IS("subdistrict")) {
        s = h->subdistrict;
    } else if (IS("district")) {
        s = h->district;
    } else if (IS("province")) {
        s = h->province;
    } else if (IS("district_code")) {
        s = h->district_code;
    } else if (IS("subdistrict_code")) {
        s = h->subdistrict_code;
    } else if (IS("members")) {
        snprintf(tmp, sizeof tmp, "%d", h->members);
        s = tmp;
    } else if (IS("income")) {
        s = ff_baht(h->income, tmp, sizeof tmp);
    } else if (IS("income_vs_threshold")) {
        char a[48], b[48];

        ff_baht(v->threshold - h->income, a, sizeof a);
        ff_baht(h->income - v->threshold, b, sizeof b);
        if (h->income < v->threshold)
            snprintf(tmp, sizeof tmp, "ต่ำกว่าเกณฑ์ %s" FF_TEXT_JOIN "บาท", a);
        else
            snprintf(tmp, sizeof tmp, "ผ่านเกณฑ์ (สูงกว่า %s" FF_TEXT_JOIN
                     "บาท)", b);
        s = tmp;
    } else if (IS("indicators")) {
        const char *c;

        if (h->indicators[0] == '\0')
            return ff_buf_addc(out, '-') ? -1 : 0;
        /* "6;24;28" reads better as "6, 24, 28" on paper. */
        for (c = h->indicators; *c; c++)
            if (*c == ';' ? ff_buf_adds(out, ", ") : ff_buf_addc(out, *c))
                return -1;
        return 0;
    } else if (IS("status")) {
        snprintf(tmp, sizeof tmp, "%d", h->status);
        s = h->status ? tmp : "-";
    } else if (IS("status_label")) {
        s = ff_status_label(h->status);
    }
#undef IS
    if (s == NULL)
        return 1;
    return ff_buf_adds(out, s) ? -1 : 0;
}

/* Names and place names are kept whole where the line allows (text.h). */
static int keeps(const char *name, size_t n)
{
    static const char *const kept[] = {
        "head", "first_name", "last_name", "village_name", "subdistrict",
        "district", "province", "house_no", "code", "code_spaced", NULL
    };
    size_t i;

    for (i = 0; kept[i]; i++)
        if (strlen(kept[i]) == n && memcmp(kept[i], name, n) == 0)
            return 1;
    return 0;
}

/* Dates and months ("20 มกราคม 2568") never break at their spaces. */
static int joins(const char *name, size_t n)
{
    return (n == 4 && memcmp(name, "date", 4) == 0) ||
           (n > 6 && memcmp(name, "month:", 6) == 0) ||
           (n > 9 && memcmp(name, "deadline:", 9) == 0);
}

/* The value of name[0..n) into out, with its markers. */
static int marked_value(const struct gen_vars *v, const char *name, size_t n,
                        struct ff_buf *out)
{
    size_t at = out->len, i;
    int k = keeps(name, n), rc;

    if (k && ff_buf_adds(out, FF_TEXT_KEEP_ON))
        return -1;
    rc = value(v, name, n, out);
    if (rc)
        return rc;
    if (out->len == at + (k ? 1 : 0)) {
        out->len = at;          /* empty: no markers for nothing */
        out->data[at] = '\0';
        return 0;
    }
    if (k && ff_buf_adds(out, FF_TEXT_KEEP_OFF))
        return -1;
    if (joins(name, n))
        for (i = at; i < out->len; i++)
            if (out->data[i] == ' ')
                out->data[i] = FF_TEXT_JOIN[0];
    return 0;
}

int gen_vars_expand(const struct gen_vars *v, const char *s, size_t n,
                    struct ff_buf *out, struct ff_err *e)
{
    size_t i = 0;
    int skip_space = 0;

    while (i < n) {
        const char *open = memchr(s + i, '{', n - i);
        const char *close;
        size_t upto = open ? (size_t)(open - s) : n;
        int rc;

        /* Copy text, folding "}}" to "}" and "~~" to "~"; a single "~"
         * is a space the line must not break at (text.h). */
        while (i < upto) {
            const char *cb = memchr(s + i, '}', upto - i);
            size_t k = cb ? (size_t)(cb - s) : upto, j;

            for (j = i; j < k; j++) {
                int bad;
                const char *tl;
                size_t run;

                /* Plain text up to the next '~' goes in one copy. */
                if (s[j] != '~' && !(s[j] == ' ' && skip_space)) {
                    tl = memchr(s + j, '~', k - j);
                    run = (tl ? (size_t)(tl - s) : k) - j;
                    if (ff_buf_add(out, s + j, run))
                        return ff_err_set(e, FF_ESYS, NULL, 0, 0,
                                          "out of memory");
                    skip_space = 0;
                    j += run - 1;
                    continue;
                }
                if (s[j] == '~' && j + 1 < k && s[j + 1] == '~') {
                    bad = ff_buf_addc(out, '~');
                    j++;
                } else if (s[j] == '~') {
                    bad = ff_buf_adds(out, FF_TEXT_JOIN);
                } else if (s[j] == ' ' && skip_space) {
                    bad = 0;
                } else {
                    bad = ff_buf_addc(out, s[j]);
                }
                skip_space = 0;
                if (bad)
                    return ff_err_set(e, FF_ESYS, NULL, 0, 0,
                                      "out of memory");
            }
            i = k;
            if (cb) {
                if (ff_buf_addc(out, '}'))
                    return ff_err_set(e, FF_ESYS, NULL, 0, 0,
                                      "out of memory");
                i += (i + 1 < n && s[i + 1] == '}') ? 2 : 1;
            }
        }
        if (open == NULL)
            break;
        if (upto + 1 < n && s[upto + 1] == '{') {
            if (ff_buf_addc(out, '{'))
                return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
            i = upto + 2;
            continue;
        }
        close = memchr(open, '}', n - upto);
        if (close == NULL)
            return ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                              "unclosed '{' in template text");
        {
            size_t before = out->len;

            rc = marked_value(v, open + 1, (size_t)(close - open - 1), out);
            /* An empty value between two spaces leaves one space, not two
             * ("หมู่ 4 ต.บาง", not "หมู่ 4  ต.บาง"). */
            skip_space = rc == 0 && out->len == before && before > 0 &&
                         (out->data[before - 1] == ' ' ||
                          out->data[before - 1] == FF_TEXT_JOIN[0]);
        }
        if (rc < 0)
            return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        if (rc > 0)
            return ff_err_set(e, FF_EINPUT, NULL, 0, 0,
                              "unknown placeholder '%.*s'",
                              (int)(close - open + 1), open);
        i = (size_t)(close - s) + 1;
    }
    return FF_OK;
}
