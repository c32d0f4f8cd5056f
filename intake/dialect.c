/*
 * dialect.c - export dialects: the built-in pair, the mapping file, and
 * detection from a header record.
 *
 * The built-in kobo and gforms dialects are written in the mapping-file
 * syntax and parsed by the same code as templates/intake-dialects.map, so
 * there is one definition of what a dialect is.  Workload: a handful of
 * dialects, detection once per input file.
 */
#include "dialect.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "conf.h"
#include "utf8.h"

static const char *const field_names[INTAKE_NFIELDS] = {
    "hhid", "month", "activity", "category", "result",
    "status", "submitted", "id", "income", "reporter",
    "key", "edits", "deprecated", "review"};

/* Fields every dialect must map; id, income and reporter are optional. */
#define REQUIRED_MASK ((1u << INTAKE_F_HHID) | (1u << INTAKE_F_MONTH) |    \
                       (1u << INTAKE_F_ACTIVITY) |                          \
                       (1u << INTAKE_F_CATEGORY) |                          \
                       (1u << INTAKE_F_RESULT) | (1u << INTAKE_F_STATUS) |  \
                       (1u << INTAKE_F_SUBMITTED))

/*
 * The forms ffgen writes (templates/report-form.def) name their fields like
 * the kobo column names and label them like the gforms question titles, so
 * a Kobo export with labels as headers, one with XML names, an ODK Central
 * export and the Google Form all load with no mapping file.  Metadata that
 * is not mapped (_id, _index, __version__, *_URL media columns, GPS parts,
 * SubmitterID, DeviceID...) is simply not looked at.
 *
 * kobo: _uuid is one version (it changes on every edit); meta/rootUuid is
 * the submission across edits, meta/deprecatedID the version an edit
 * replaces.  odk-central, from its export header (SubmissionDate, fields,
 * meta-instanceID, KEY, SubmitterID, SubmitterName, AttachmentsPresent,
 * AttachmentsExpected, Status, ReviewState, DeviceID, Edits, FormVersion):
 * KEY stays across edits, meta-instanceID is the version.
 */
static const char builtin[] =
    "dialect kobo\n"
    "  zone      = utc\n"
    "  submitted = _submission_time\n"
    "  id        = _uuid\n"
    "  key       = rootUuid\n"
    "  deprecated = deprecatedID\n"
    "  review    = _validation_status\n"
    "  hhid      = hhid | รหัสบ้าน\n"
    "  month     = month | เดือนที่รายงาน\n"
    "  activity  = activity | กิจกรรม\n"
    "  category  = t_category | ประเภทปัจจัย (4ท)\n"
    "  result    = result | ผลการดำเนินงาน\n"
    "  income    = income_after | รายได้หลังพัฒนา (บาท/คน/ปี)\n"
    "  status    = status_after | สถานะหลังพัฒนา\n"
    "  reporter  = reporter | ผู้รายงาน\n"
    "dialect odk-central\n"
    "  zone      = utc\n"
    "  submitted = SubmissionDate\n"
    "  id        = instanceID\n"
    "  key       = KEY\n"
    "  edits     = Edits\n"
    "  review    = ReviewState\n"
    "  hhid      = hhid\n"
    "  month     = month\n"
    "  activity  = activity\n"
    "  category  = t_category\n"
    "  result    = result\n"
    "  income    = income_after\n"
    "  status    = status_after\n"
    "  reporter  = reporter\n"
    "dialect gforms\n"
    "  zone      = bangkok\n"
    "  submitted = ประทับเวลา | Timestamp\n"
    "  hhid      = รหัสบ้าน\n"
    "  month     = เดือนที่รายงาน\n"
    "  activity  = กิจกรรม\n"
    "  category  = ประเภทปัจจัย (4ท)\n"
    "  result    = ผลการดำเนินงาน\n"
    "  income    = รายได้หลังพัฒนา (บาท/คน/ปี)\n"
    "  status    = สถานะหลังพัฒนา\n"
    "  reporter  = ผู้รายงาน\n";

const char *intake_field_name(int f)
{
    return f >= 0 && f < INTAKE_NFIELDS ? field_names[f] : "?";
}

static void dialect_clear(struct intake_dialect *d)
{
    int f;

    for (f = 0; f < INTAKE_NFIELDS; f++) {
        ff_free(d->header[f]);
        d->header[f] = NULL;
    }
}

void intake_dialects_release(struct intake_dialects *ds)
{
    size_t i;

    for (i = 0; i < ds->n; i++)
        dialect_clear(&ds->d[i]);
    ff_free(ds->d);
    ds->d = NULL;
    ds->n = 0;
}

/* Byte-wise equality ignoring ASCII case (Thai has no case). */
static int same_text(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i;

    if (an != bn)
        return 0;
    for (i = 0; i < an; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* Check that the dialect that just ended maps every required field. */
static int finish_dialect(const struct intake_dialect *d, const char *name,
                          long line, struct ff_err *e)
{
    int f;

    for (f = 0; f < INTAKE_NFIELDS; f++)
        if ((REQUIRED_MASK & (1u << f)) && d->header[f] == NULL)
            return ff_err_set(e, FF_EINPUT, name, line, 1,
                              "dialect '%s' does not map required field "
                              "'%s'", d->name, field_names[f]);
    return FF_OK;
}

static int add_dialect(struct intake_dialects *ds, const char *s, size_t n,
                       const char *name, long line, long col,
                       struct ff_err *e)
{
    struct intake_dialect *d;
    size_t i;

    if (n == 0 || n >= sizeof ds->d[0].name)
        return ff_err_set(e, FF_EINPUT, name, line, col,
                          "dialect name missing or longer than 63 bytes");
    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
            return ff_err_set(e, FF_EINPUT, name, line, col + (long)i,
                              "dialect name may hold only letters, digits, "
                              "'-' and '_'");
    /* A dialect of the same name is replaced: the file overrides. */
    for (i = 0; i < ds->n; i++) {
        if (strlen(ds->d[i].name) == n && memcmp(ds->d[i].name, s, n) == 0) {
            struct intake_dialect tmp = ds->d[i];

            dialect_clear(&tmp);
            memmove(&ds->d[i], &ds->d[i + 1],
                    (ds->n - i - 1) * sizeof ds->d[0]);
            ds->n--;
            break;
        }
    }
    d = ff_realloc(ds->d, (ds->n + 1) * sizeof *d);
    if (d == NULL)
        return ff_err_set(e, FF_ESYS, name, line, 0, "out of memory");
    ds->d = d;
    d = &ds->d[ds->n++];
    memset(d, 0, sizeof *d);
    memcpy(d->name, s, n);
    d->zone = INTAKE_ZONE_UTC;
    return FF_OK;
}

/*
 * One "key = value" line inside a dialect.  Columns in messages count code
 * points from 1 (core/conf.c), with the line and a caret.
 */
static int parse_setting(struct intake_dialect *d,
                         const struct ff_conf_line *l, struct ff_err *e)
{
    const char *line = l->text, *name = l->name;
    size_t n = l->len;
    long lineno = l->no;
    const char *eq = memchr(line, '=', n), *k = line, *v;
    size_t kn, vn;
    int f;

    if (eq == NULL)
        return ff_conf_err(e, l, line, "expected 'field = column header'");
    kn = ff_utf8_trim(&k, (size_t)(eq - line));
    v = eq + 1;
    vn = ff_utf8_trim(&v, n - (size_t)(eq + 1 - line));
    if (vn == 0)
        return ff_conf_err(e, l, eq + 1, "value missing after '='");
    if (kn == 4 && memcmp(k, "zone", 4) == 0) {
        if (same_text(v, vn, "utc", 3))
            d->zone = INTAKE_ZONE_UTC;
        else if (same_text(v, vn, "bangkok", 7))
            d->zone = INTAKE_ZONE_BANGKOK;
        else
            return ff_conf_err(e, l, v, "zone must be 'utc' or 'bangkok'");
        return FF_OK;
    }
    for (f = 0; f < INTAKE_NFIELDS; f++)
        if (strlen(field_names[f]) == kn && memcmp(field_names[f], k, kn) == 0)
            break;
    if (f == INTAKE_NFIELDS) {
        char q[FF_ERR_QUOTE_MAX];

        ff_err_quote(q, sizeof q, k, kn);
        return ff_conf_err(e, l, k,
                          "unknown field '%s' (known: hhid month activity "
                          "category result status submitted id income "
                          "reporter key edits deprecated review zone)", q);
    }
    if (d->header[f])
        return ff_conf_err(e, l, k, "field '%s' mapped twice in dialect '%s'",
                          field_names[f], d->name);
    d->header[f] = ff_strndup(v, vn);
    if (d->header[f] == NULL)
        return ff_err_set(e, FF_ESYS, name, lineno, 0, "out of memory");
    d->line[f] = lineno;
    return FF_OK;
}

int intake_dialects_parse(struct intake_dialects *ds, const char *name,
                          const char *text, size_t n, struct ff_err *e)
{
    struct ff_conf cf;
    struct ff_conf_line l;
    long dialect_line = 0;
    struct intake_dialect *cur = NULL;
    int rc, more;

    ff_conf_init_mem(&cf, name, text, n);
    while ((more = ff_conf_next(&cf, &l, e)) > 0) {
        const char *ln = l.text, *t;
        size_t len = l.len, tn;

        t = ln;
        tn = ff_utf8_trim(&t, len);
        if (ff_conf_is_comment(&l))
            continue;
        if (tn > 8 && memcmp(t, "dialect", 7) == 0 &&
            (t[7] == ' ' || t[7] == '\t')) {
            const char *nm = t + 8;
            size_t nn = ff_utf8_trim(&nm, tn - 8);

            if (cur && (rc = finish_dialect(cur, name, dialect_line, e)))
                return rc;
            if ((rc = add_dialect(ds, nm, nn, name, l.no,
                                  ff_conf_col(&l, nm), e)))
                return rc;
            cur = &ds->d[ds->n - 1];
            cur->source = name;
            dialect_line = l.no;
            continue;
        }
        if (cur == NULL)
            return ff_conf_err(e, &l, t,
                               "expected 'dialect NAME' before settings");
        if ((rc = parse_setting(cur, &l, e)))
            return rc;
    }
    if (more < 0)
        return e->code;
    if (cur)
        return finish_dialect(cur, name, dialect_line, e);
    return FF_OK;
}

int intake_dialects_load(struct intake_dialects *ds, const char *path,
                         struct ff_err *e)
{
    struct ff_buf b;
    char chunk[4096];
    size_t got;
    FILE *fp;
    int rc;

    ds->n = 0;
    ds->d = NULL;
    rc = intake_dialects_parse(ds, "<built-in dialects>", builtin,
                               sizeof builtin - 1, e);
    if (rc || path == NULL)
        return rc;
    fp = fopen(path, "rb");
    if (fp == NULL)
        return ff_err_sys(e, path, "cannot open dialect map");
    ff_buf_init(&b);
    while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
        if (ff_buf_add(&b, chunk, got)) {
            rc = ff_err_set(e, FF_ESYS, path, 0, 0, "out of memory");
            goto out;
        }
    if (ferror(fp)) {
        rc = ff_err_sys(e, path, "cannot read dialect map");
        goto out;
    }
    rc = intake_dialects_parse(ds, path, b.data, b.len, e);
out:
    ff_buf_release(&b);
    fclose(fp);
    return rc;
}

/* The next '|'-separated alternative of a mapping's header text, trimmed;
 * returns 0 when there is none left. */
static int next_alt(const char **p, const char **alt, size_t *an)
{
    const char *bar;
    size_t n;

    while (**p) {
        bar = strchr(*p, '|');
        n = bar ? (size_t)(bar - *p) : strlen(*p);
        *alt = *p;
        *an = ff_utf8_trim(alt, n);
        *p = bar ? bar + 1 : *p + n;
        if (*an)
            return 1;
    }
    return 0;
}

/*
 * Does cell s name header h behind group prefixes: "report/hhid" (Kobo's
 * "include groups"), "report-hhid" (ODK Central), any depth?
 */
static int prefixed(const char *s, size_t sn, const char *h, size_t hn)
{
    return sn > hn + 1 && (s[sn - hn - 1] == '/' || s[sn - hn - 1] == '-') &&
           same_text(s + sn - hn, hn, h, hn);
}

#define AMBIGUOUS (-2)
#define SPLIT (-3)              /* found as one 0/1 column per choice */

/*
 * Column of the mapping text h (alternatives separated by '|') in the header
 * record: an exact cell first, else the one cell that has it behind group
 * prefixes.  -1 when absent, AMBIGUOUS when several cells end in it.
 */
static long find_column(char *const *fields, const size_t *lens, size_t n,
                        const char *h)
{
    const char *p = h, *alt;
    long hit = -1;
    size_t an, i;
    int nprefixed = 0;

    while (next_alt(&p, &alt, &an)) {
        for (i = 0; i < n; i++) {
            const char *s = fields[i];
            size_t sn = ff_utf8_trim(&s, lens[i]);

            if (same_text(s, sn, alt, an))
                return (long)i;
            if (prefixed(s, sn, alt, an) && hit != (long)i) {
                hit = (long)i;
                nprefixed++;
            }
        }
    }
    return nprefixed > 1 ? AMBIGUOUS : hit;
}

/* Spellings of each 4T choice: name, Thai label, English label. */
static const char *const cat_spellings[5][4] = {
    {NULL},
    {"attitude", "ทัศนคติ", NULL},
    {"skills", "ทักษะ", "skill", NULL},
    {"resources", "ทรัพยากร", "resource", NULL},
    {"way-out", "ทางออก", "way_out", "way out"},
};

int intake_category_choice(const char *s, size_t n)
{
    int c, k;

    for (c = 1; c <= 4; c++)
        for (k = 0; k < 4 && cat_spellings[c][k]; k++)
            if (same_text(s, n, cat_spellings[c][k],
                          strlen(cat_spellings[c][k])))
                return c;
    return 0;
}

/*
 * Kobo's "separate columns" export of a select_multiple: one 0/1 column per
 * choice, headed "t_category/skills" (or the label "ประเภทปัจจัย
 * (4ท)/ทักษะ"), possibly behind group prefixes.
 */
static int find_split_category(char *const *fields, const size_t *lens,
                               size_t n, const char *h, long catcol[5])
{
    const char *p = h, *alt;
    size_t an, i;
    int found = 0, c;

    for (c = 0; c < 5; c++)
        catcol[c] = -1;
    while (next_alt(&p, &alt, &an)) {
        for (i = 0; i < n; i++) {
            const char *s = fields[i];
            size_t sn = ff_utf8_trim(&s, lens[i]);
            const char *slash = NULL;
            size_t k;

            /* The last '/' splits "<question>/<choice>"; the question part
             * may itself sit behind group prefixes. */
            for (k = sn; k > 0; k--)
                if (s[k - 1] == '/') {
                    slash = s + k - 1;
                    break;
                }
            if (slash == NULL)
                continue;
            c = intake_category_choice(slash + 1,
                                       sn - (size_t)(slash + 1 - s));
            if (c == 0 || catcol[c] >= 0)
                continue;
            if (same_text(s, (size_t)(slash - s), alt, an) ||
                prefixed(s, (size_t)(slash - s), alt, an)) {
                catcol[c] = (long)i;
                found++;
            }
        }
        if (found)
            return 1;
    }
    return 0;
}

int intake_is_hxl_row(char *const *fields, const size_t *lens, size_t n)
{
    size_t i;
    int tags = 0;

    for (i = 0; i < n; i++) {
        const char *s = fields[i];
        size_t sn = ff_utf8_trim(&s, lens[i]);

        if (sn == 0)
            continue;
        if (s[0] != '#' || sn < 2 || !isalpha((unsigned char)s[1]))
            return 0;
        tags++;
    }
    return tags > 0;
}

/* Where the field's header is; also the split category columns. */
static long locate(const struct intake_dialect *d, int f,
                   char *const *fields, const size_t *lens, size_t n,
                   long catcol[5])
{
    long c = find_column(fields, lens, n, d->header[f]);

    if (c == -1 && f == INTAKE_F_CATEGORY &&
        find_split_category(fields, lens, n, d->header[f], catcol))
        return SPLIT;
    return c;
}

/* The first alternative of a mapping text (its length, at most 120). */
int intake_dialect_first_alt(const char *h)
{
    const char *bar = strchr(h, '|');
    size_t n = bar ? (size_t)(bar - h) : strlen(h);

    while (n && h[n - 1] == ' ')
        n--;
    return (int)(n > 120 ? 120 : n);
}

int intake_dialect_detect(const struct intake_dialects *ds,
                          char *const *fields, const size_t *lens, size_t n,
                          const char *file, struct intake_layout *out,
                          struct ff_err *e)
{
    const struct intake_dialect *best = NULL, *tie = NULL, *closest = NULL;
    int best_mapped = -1, closest_found = -1, closest_f = 0;
    int closest_ambiguous = 0;
    long catcol[5];
    size_t i;
    int f;

    for (i = 0; i < ds->n; i++) {
        const struct intake_dialect *d = &ds->d[i];
        int mapped = 0, found = 0, missing = -1, ambiguous = 0;

        for (f = 0; f < INTAKE_F_FIRST_OPTIONAL; f++) {
            long c;

            if (d->header[f] == NULL)
                continue;
            mapped++;
            c = locate(d, f, fields, lens, n, catcol);
            if (c >= 0 || c == SPLIT)
                found++;
            else if (missing < 0) {
                missing = f;
                ambiguous = c == AMBIGUOUS;
            }
        }
        if (missing >= 0) {
            if (found > closest_found) {
                closest_found = found;
                closest = d;
                closest_f = missing;
                closest_ambiguous = ambiguous;
            }
            continue;
        }
        if (mapped > best_mapped) {
            best = d;
            best_mapped = mapped;
            tie = NULL;
        } else if (mapped == best_mapped) {
            tie = d;
        }
    }
    if (best == NULL) {
        const char *h;

        if (closest == NULL || closest_found <= 0)
            return ff_err_set(e, FF_EINPUT, file, 1, 0,
                              "header matches no dialect");
        h = closest->header[closest_f];
        if (closest_ambiguous)
            return ff_err_set(e, FF_EINPUT, file, 1, 0,
                              "header matches no dialect (closest '%s': "
                              "several group columns end in '%.*s'; map "
                              "the full header in intake-dialects.map: "
                              "'%s = GROUP/%.*s')", closest->name,
                              intake_dialect_first_alt(h), h, field_names[closest_f],
                              intake_dialect_first_alt(h), h);
        /* Say which line of the mapping file would map the column. */
        if (closest->line[closest_f] > 0 && closest->source &&
            closest->source[0] != '<')
            return ff_err_set(e, FF_EINPUT, file, 1, 0,
                              "header matches no dialect (closest '%s' "
                              "lacks column '%.*s'; if the file names it "
                              "otherwise, add its header to %s line %ld: "
                              "'%s = %.*s | YOUR HEADER')", closest->name,
                              intake_dialect_first_alt(h), h, closest->source,
                              closest->line[closest_f],
                              field_names[closest_f], intake_dialect_first_alt(h), h);
        return ff_err_set(e, FF_EINPUT, file, 1, 0,
                          "header matches no dialect (closest '%s' lacks "
                          "column '%.*s'; if the file names it otherwise, "
                          "copy dialect '%s' into intake-dialects.map with "
                          "the line '%s = %.*s | YOUR HEADER')",
                          closest->name, intake_dialect_first_alt(h), h, closest->name,
                          field_names[closest_f], intake_dialect_first_alt(h), h);
    }
    if (tie)
        return ff_err_set(e, FF_EINPUT, file, 1, 0,
                          "header matches dialects '%s' and '%s' equally",
                          best->name, tie->name);
    out->dialect = best;
    out->ncols = n;
    for (f = 0; f < 5; f++)
        out->catcol[f] = -1;
    for (f = 0; f < INTAKE_NFIELDS; f++) {
        long c = best->header[f]
                     ? locate(best, f, fields, lens, n, out->catcol)
                     : -1;

        out->col[f] = c >= 0 ? c : -1;
    }
    return FF_OK;
}
