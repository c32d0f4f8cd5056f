/*
 * select.c - choosing households to print.  Lists are small (a command
 * line), so membership is a linear scan of the list string.
 */
#include "select.h"

#include <string.h>

#include "alloc.h"

int gen_select_parse_statuses(const char *s)
{
    unsigned set = 0;

    if (s == NULL || *s == '\0')
        return -1;
    while (*s) {
        if (*s < '0' || *s > '4' || (s[1] != ',' && s[1] != '\0'))
            return -1;
        set |= 1u << (*s - '0');
        s += s[1] == ',' ? 2 : 1;
    }
    return (int)set;
}

/* Is the n-byte item in the comma list? */
static int in_list(const char *list, const char *item, size_t n)
{
    const char *p = list;

    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);

        if (len == n && memcmp(p, item, n) == 0)
            return 1;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    return 0;
}

static int check_list(const char *list, size_t digits, const char *what,
                      struct ff_err *e)
{
    const char *p = list;
    size_t item = 1;

    if (list == NULL)
        return FF_OK;
    /* The value is never echoed: a citizen ID or a phone number typed in
     * place of a code would land in a terminal's scrollback and logs. */
    for (;; item++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        size_t i;

        for (i = 0; i < len; i++)
            if (p[i] < '0' || p[i] > '9')
                break;
        if (i != len)
            return ff_err_set(e, FF_EUSAGE, NULL, 0, 0,
                              "%s: item %zu is not %zu digits (character "
                              "%zu is not a digit)", what, item, digits,
                              i + 1);
        if (len != digits)
            return ff_err_set(e, FF_EUSAGE, NULL, 0, 0,
                              "%s: item %zu has %zu digits, want %zu", what,
                              item, len, digits);
        if (comma == NULL)
            return FF_OK;
        p = comma + 1;
    }
}

int gen_select_check(const struct gen_select *s, struct ff_err *e)
{
    if (check_list(s->districts, 4, "--district", e) ||
        check_list(s->only, 11, "--only", e))
        return e->code;
    return FF_OK;
}

static int same(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

int gen_household_changed(const struct ff_household *h,
                          const struct ff_household *o)
{
    return !same(h->title, o->title) || !same(h->first_name, o->first_name) ||
           !same(h->last_name, o->last_name) ||
           !same(h->house_no, o->house_no) || h->village_no != o->village_no ||
           !same(h->village_name, o->village_name) ||
           !same(h->subdistrict, o->subdistrict) ||
           !same(h->district, o->district) ||
           !same(h->province, o->province) || h->members != o->members ||
           h->income != o->income || h->status != o->status ||
           !same(h->indicators, o->indicators);
}

const struct ff_household **gen_select_run(const struct gen_select *s,
                                           const struct ff_register *r,
                                           size_t *n, struct ff_err *e)
{
    const struct ff_household **v;
    size_t i, k = 0;

    *n = 0;
    if (s->only) {
        const char *p = s->only;

        for (;;) {
            char code[FF_HHID_LEN + 1];
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);

            if (len == FF_HHID_LEN) {
                memcpy(code, p, len);
                code[len] = '\0';
                if (ff_register_find(r, code) == NULL) {
                    ff_err_set(e, FF_EINPUT, r->path, 0, 0,
                               "household '%s' (--only) is not in the "
                               "register", code);
                    return NULL;
                }
            }
            if (comma == NULL)
                break;
            p = comma + 1;
        }
    }
    v = ff_malloc((r->n ? r->n : 1) * sizeof *v);
    if (v == NULL) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        return NULL;
    }
    for (i = 0; i < r->n; i++) {
        const struct ff_household *h = &r->hh[i];

        if (s->only) {
            if (!in_list(s->only, h->code, FF_HHID_LEN))
                continue;
        } else if (!(s->statuses & (1u << h->status))) {
            continue;
        }
        if (s->districts && !in_list(s->districts, h->district_code, 4))
            continue;
        if (s->old) {
            const struct ff_household *o = ff_register_find(s->old, h->code);

            if (o && !gen_household_changed(h, o))
                continue;
        }
        v[k++] = h;
    }
    ff_register_sort_walking(v, k);
    *n = k;
    return v;
}
