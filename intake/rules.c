/*
 * rules.c - validation of one report record, in the order, and the
 * value parsers behind it (timestamps, months, 4T categories, statuses,
 * incomes).
 *
 * Times are kept as UTC seconds and converted with plain arithmetic: Thailand
 * has had no daylight saving since 1920, so Asia/Bangkok is UTC+7 and the
 * process's TZ setting never matters.  Workload: called once per record on
 * the load path (a million times in the benchmark), so nothing here
 * allocates.
 */
#include "rules.h"

#include <stdio.h>
#include <string.h>

#include "hhid.h"
#include "thai.h"
#include "utf8.h"

static const char *const outcome_names[] = {"accepted", "superseded",
                                            "duplicate", "rejected"};
static const char *const reason_names[INTAKE_NREASONS] = {
    "", "invalid_utf8", "ragged_row", "missing_required", "hhid_malformed",
    "bad_check", "unknown_hhid", "bad_value", "same_submission_id",
    "identical_record", "date_without_time", "review_rejected",
    "stray_quote"};
static const char *const category_names[] = {"", "attitude", "skills",
                                             "resources", "way-out"};

const char *intake_outcome_name(int o)
{
    return o >= 0 && o <= INTAKE_REJECTED ? outcome_names[o] : "?";
}

const char *intake_reason_name(int r)
{
    return r >= 0 && r < INTAKE_NREASONS ? reason_names[r] : "?";
}

const char *intake_category_name(int c)
{
    return c >= 1 && c <= 4 ? category_names[c] : "";
}

const char *intake_category_set_name(int set, char out[48])
{
    size_t at = 0;
    int c;

    out[0] = '\0';
    for (c = 1; c <= 4; c++)
        if (set & INTAKE_CAT_BIT(c))
            at += (size_t)snprintf(out + at, 48 - at, "%s%s", at ? " " : "",
                                   category_names[c]);
    return out;
}

long long intake_days_from_civil(long long y, int m, int d)
{
    /* Howard Hinnant's days_from_civil: exact for the proleptic calendar. */
    long long era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

void intake_format_bangkok(long long utc, char out[32])
{
    long long t = utc + INTAKE_BANGKOK_OFFSET;
    long long days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    long long sec = t - days * 86400;
    /* Hinnant's civil_from_days. */
    long long z = days + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    long long y = yoe + era * 400 + (m <= 2);

    int hms = (int)sec;

    snprintf(out, 32, "%04d-%02d-%02d %02d:%02d:%02d", (int)(y % 10000), m,
             d % 32, hms / 3600 % 24, hms / 60 % 60, hms % 60);
}

/* Read 1..max digits at *p; returns -1 when there is none. */
static long digits(const char **p, const char *end, int min, int max)
{
    long v = 0;
    int k = 0;

    while (*p < end && **p >= '0' && **p <= '9' && k < max) {
        v = v * 10 + (**p - '0');
        (*p)++;
        k++;
    }
    return k >= min ? v : -1;
}

static int year_ce(long y)
{
    if (y > 2400)
        y -= FF_BE_OFFSET;
    return y >= 1900 && y <= 2200 ? (int)y : -1;
}

/* Skip spaces (also NBSP, which Sheets puts before AM/PM in some locales). */
static void skip_spaces(const char **p, const char *end)
{
    for (;;) {
        if (*p < end && **p == ' ')
            (*p)++;
        else if (end - *p >= 2 && (unsigned char)(*p)[0] == 0xC2 &&
                 (unsigned char)(*p)[1] == 0xA0)
            *p += 2;
        else if (end - *p >= 3 && (unsigned char)(*p)[0] == 0xE2 &&
                 (unsigned char)(*p)[1] == 0x80 &&
                 (unsigned char)(*p)[2] == 0xAF)
            *p += 3;                /* U+202F, ICU's space before AM */
        else
            return;
    }
}

static int ascii_prefix(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit), i;

    if ((size_t)(end - p) < n)
        return 0;
    for (i = 0; i < n; i++)
        if ((p[i] | 0x20) != (lit[i] | 0x20))
            return 0;
    return 1;
}

/*
 * The clock part after a date: "H:MM[:SS[.fff]]", then an optional AM/PM
 * and an optional zone ("Z", "+07:00", "GMT+7", "UTC").  *off is set when
 * a zone is given.  Returns 0, or -1.
 */
static int parse_clock(const char **pp, const char *end, long *h, long *mi,
                       long *sec, long *off)
{
    const char *p = *pp;

    if ((*h = digits(&p, end, 1, 2)) < 0 || p >= end || *p++ != ':' ||
        (*mi = digits(&p, end, 2, 2)) < 0)
        return -1;
    *sec = 0;
    if (p < end && *p == ':') {
        p++;
        if ((*sec = digits(&p, end, 2, 2)) < 0)
            return -1;
        if (p < end && *p == '.') {
            p++;
            if (digits(&p, end, 1, 9) < 0)
                return -1;
        }
    }
    {
        const char *q = p;

        skip_spaces(&q, end);
        if (ascii_prefix(q, end, "am") || ascii_prefix(q, end, "pm")) {
            int pm = (q[0] | 0x20) == 'p';

            if (*h < 1 || *h > 12)
                return -1;
            *h = *h % 12 + (pm ? 12 : 0);
            p = q + 2;
        }
    }
    {
        const char *q = p;

        skip_spaces(&q, end);
        if (ascii_prefix(q, end, "gmt") || ascii_prefix(q, end, "utc")) {
            q += 3;
            *off = 0;
            p = q;
        }
    }
    if (p < end && (*p == 'Z' || *p == 'z')) {
        *off = 0;
        p++;
    } else if (p < end && (*p == '+' || *p == '-')) {
        int neg = *p++ == '-';
        long oh, om = 0;

        if ((oh = digits(&p, end, 1, 2)) < 0)
            return -1;
        if (p < end && *p == ':')
            p++;
        if (p < end && *p >= '0' && *p <= '9' &&
            (om = digits(&p, end, 2, 2)) < 0)
            return -1;
        if (oh > 14 || om > 59)
            return -1;
        *off = (oh * 3600 + om * 60) * (neg ? -1 : 1);
    }
    *pp = p;
    return 0;
}

/* Four digits then the separator: "2025-01-05", "2025/01/05". */
static int year_first(const char *p)
{
    int i;

    for (i = 0; i < 4; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

/* "A/B/YEAR": the three numbers and whether the year had two digits. */
static int slashed_date(const char **p, const char *end, long *a, long *b,
                        long *y, int *two)
{
    const char *q;

    if ((*a = digits(p, end, 1, 2)) < 0 || *p >= end || *(*p)++ != '/' ||
        (*b = digits(p, end, 1, 2)) < 0 || *p >= end || *(*p)++ != '/')
        return -1;
    q = *p;
    if ((*y = digits(p, end, 2, 4)) < 0 || *p - q == 3)
        return -1;
    *two = *p - q == 2;
    if (*two)
        *y += 2500;         /* a two-digit year is the Thai locale's BE */
    return 0;
}

int intake_time_order_hint(const char *s, size_t n)
{
    const char *p = s, *end;
    long a, b, y;
    int two;

    n = ff_utf8_trim(&p, n);
    end = p + n;
    if (n >= 5 && p[4] == '/' && year_first(p))
        return -1;          /* "2025/01/05": year first, no question */
    if (slashed_date(&p, end, &a, &b, &y, &two) != 0)
        return -1;
    if (y > 2400 || a > 12)
        return INTAKE_ORDER_DMY;
    if (b > 12)
        return INTAKE_ORDER_MDY;
    return INTAKE_ORDER_UNKNOWN;
}

int intake_parse_time_ex(const char *s, size_t n, int zone, int order,
                         long long *utc)
{
    const char *p = s, *end;
    long y, mo, d, h = 0, mi = 0, sec = 0, off = -1;
    int ce, date_only = 0;

    n = ff_utf8_trim(&p, n);
    end = p + n;
    if (n >= 8 && (p[4] == '-' || p[4] == '/') && year_first(p)) {
        /* ISO 8601 as KoboToolbox and ODK write it, or Google Forms'
         * download "2025/01/05 9:13:07 AM GMT+7". */
        char sep = p[4];

        if ((y = digits(&p, end, 4, 4)) < 0 || p >= end || *p++ != sep ||
            (mo = digits(&p, end, 1, 2)) < 0 || p >= end || *p++ != sep ||
            (d = digits(&p, end, 1, 2)) < 0)
            return INTAKE_TIME_BAD;
        if (p == end) {
            date_only = 1;
        } else {
            if (*p != 'T' && *p != ' ')
                return INTAKE_TIME_BAD;
            p++;
            skip_spaces(&p, end);
            if (parse_clock(&p, end, &h, &mi, &sec, &off) != 0)
                return INTAKE_TIME_BAD;
        }
    } else {
        /* Google Sheets in the sheet's locale: Thai "20/1/2568, 10:15:30",
         * UK "5/1/2025 9:13:07", US "1/5/2025 9:13:07". */
        long a, b;
        int two;

        if (slashed_date(&p, end, &a, &b, &y, &two) != 0)
            return INTAKE_TIME_BAD;
        if (order == INTAKE_ORDER_MDY) {
            mo = a;
            d = b;
        } else {
            d = a;
            mo = b;
        }
        if (p < end && *p == ',')
            p++;
        if (p == end) {
            date_only = 1;
        } else {
            if (*p != ' ')
                return INTAKE_TIME_BAD;
            skip_spaces(&p, end);
            if (parse_clock(&p, end, &h, &mi, &sec, &off) != 0)
                return INTAKE_TIME_BAD;
        }
    }
    if (p != end)
        return INTAKE_TIME_BAD;
    if ((ce = year_ce(y)) < 0 || mo < 1 || mo > 12 || d < 1 ||
        d > days_in_month(ce, (int)mo) || h > 23 || mi > 59 || sec > 59)
        return INTAKE_TIME_BAD;
    if (date_only)
        return INTAKE_TIME_DATE_ONLY;
    if (off < 0)
        off = zone == INTAKE_ZONE_BANGKOK ? INTAKE_BANGKOK_OFFSET : 0;
    *utc = intake_days_from_civil(ce, (int)mo, (int)d) * 86400 + h * 3600 +
           mi * 60 + sec - off;
    return INTAKE_TIME_OK;
}

int intake_parse_time(const char *s, size_t n, int zone, long long *utc)
{
    return intake_parse_time_ex(s, n, zone, INTAKE_ORDER_DMY, utc) ==
                   INTAKE_TIME_OK
               ? 0
               : -1;
}

int intake_parse_month(const char *s, size_t n, char out[8])
{
    const char *p = s, *end, *sp;
    long y, m;
    int ce;

    n = ff_utf8_trim(&p, n);
    end = p + n;
    sp = memchr(p, ' ', n);
    if (sp) {
        /* Thai month name, spaces, year. */
        const char *q = sp;

        const char *y0;

        m = ff_thai_month_parse(p, (size_t)(sp - p));
        while (q < end && *q == ' ')
            q++;
        y0 = q;
        if (m == 0 || (y = digits(&q, end, 2, 4)) < 0 || q != end ||
            q - y0 == 3)
            return -1;
        if (q - y0 == 2)
            y += 2500;      /* "ม.ค. 68": a two-digit year is BE */
    } else {
        if ((y = digits(&p, end, 4, 4)) < 0 || p >= end || *p++ != '-' ||
            (m = digits(&p, end, 1, 2)) < 0)
            return -1;
        /* An XLSForm date with appearance month-year is stored as the
         * month's first day: "2025-01-01". */
        if (p < end) {
            long d;

            if (*p++ != '-' || (d = digits(&p, end, 2, 2)) < 0 ||
                p != end || d != 1)
                return -1;
        }
    }
    if ((ce = year_ce(y)) < 0 || m < 1 || m > 12)
        return -1;
    /* By hand: ce is 1900..2200 and m 1..12, so exactly "YYYY-MM". */
    out[0] = (char)('0' + ce / 1000);
    out[1] = (char)('0' + ce / 100 % 10);
    out[2] = (char)('0' + ce / 10 % 10);
    out[3] = (char)('0' + ce % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '\0';
    return 0;
}

long long intake_deadline_utc(const char *month)
{
    int y = (month[0] - '0') * 1000 + (month[1] - '0') * 100 +
            (month[2] - '0') * 10 + (month[3] - '0');
    int m = (month[5] - '0') * 10 + (month[6] - '0');

    return intake_days_from_civil(y, m, 20) * 86400 + 23 * 3600 + 59 * 60 +
           59 - INTAKE_BANGKOK_OFFSET;
}

static int eq(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/*
 * A set of 4T factors: one choice, Kobo/ODK's select_multiple "skills
 * resources" (names separated by spaces) or Google's checkboxes "ทักษะ,
 * ทรัพยากร" (labels separated by ", "); names and labels in any mix (see
 * intake_category_choice).  Returns the set, or 0 when any part names no
 * factor.
 */
static int parse_category(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    int set = 0;

    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *piece = p, *q;
        size_t pn = (size_t)((comma ? comma : end) - p);
        int c;

        p = comma ? comma + 1 : end;
        pn = ff_utf8_trim(&piece, pn);
        if (pn == 0) {
            if (comma)
                return 0;       /* ", ," */
            break;
        }
        /* A whole label first ("Way out"), else space-separated names. */
        if ((c = intake_category_choice(piece, pn)) != 0) {
            set |= INTAKE_CAT_BIT(c);
            continue;
        }
        q = piece;
        while (q < piece + pn) {
            const char *sp = memchr(q, ' ', (size_t)(piece + pn - q));
            size_t wn = (size_t)((sp ? sp : piece + pn) - q);

            if (wn && (c = intake_category_choice(q, wn)) == 0)
                return 0;
            if (wn)
                set |= INTAKE_CAT_BIT(c);
            q = sp ? sp + 1 : piece + pn;
        }
    }
    return set;
}

/* One 0/1 column of a split select_multiple: 1, 0, empty, or bad (-1). */
static int parse_flag(const char *s, size_t n)
{
    const char *p = s;

    n = ff_utf8_trim(&p, n);
    if (n == 0 || (n == 1 && p[0] == '0'))
        return 0;
    if (n == 1 && p[0] == '1')
        return 1;
    if (n == 4 && memcmp(p, "True", 4) == 0)
        return 1;
    if (n == 5 && memcmp(p, "False", 5) == 0)
        return 0;
    return -1;
}

static const char *const status_labels[5] = {
    "", "พัฒนาได้", "ขอรับการสงเคราะห์", "พึ่งตนเองได้",
    "อื่นๆ (เสียชีวิต/ย้าย)"};

/* The status a label names ("พัฒนาได้", also "อื่นๆ" alone), or 0. */
static int status_label(const char *s, size_t n)
{
    int i;

    for (i = 1; i <= 4; i++)
        if (eq(s, n, status_labels[i]))
            return i;
    if (eq(s, n, "อื่นๆ") || eq(s, n, "อื่น ๆ"))
        return 4;
    return 0;
}

/*
 * The status: "1", "1 พัฒนาได้" (Google's choice text), "พัฒนาได้" (a Kobo
 * labels export).  A number whose label names another status is refused
 * (*mismatch set): one of the two is wrong and we cannot tell which.
 */
static int parse_status(const char *s, size_t n, int *mismatch)
{
    const char *lab;
    size_t ln;
    int l;

    *mismatch = 0;
    if (n > 0 && s[0] >= '1' && s[0] <= '4') {
        if (n == 1)
            return s[0] - '0';
        if (s[1] != ' ' && s[1] != '.')
            return 0;
        lab = s + 2;
        ln = ff_utf8_trim(&lab, n - 2);
        l = status_label(lab, ln);
        if (l && l != s[0] - '0') {
            *mismatch = 1;
            return 0;
        }
        return s[0] - '0';
    }
    return status_label(s, n);
}

int intake_parse_review(const char *s, size_t n)
{
    char low[40];
    size_t i, k = 0;
    const char *p = s;

    n = ff_utf8_trim(&p, n);
    if (n == 0)
        return INTAKE_REVIEW_NONE;
    if (n >= sizeof low)
        return INTAKE_REVIEW_FLAGGED;   /* not a state we know: look */
    /* Lower case without spaces and underscores: "Not Approved",
     * "validation_status_not_approved", "hasIssues" compare alike. */
    for (i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '_')
            low[k++] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
    low[k] = '\0';
    if (strncmp(low, "validationstatus", 16) == 0)
        memmove(low, low + 16, k - 16 + 1);
    if (strcmp(low, "rejected") == 0 || strcmp(low, "notapproved") == 0)
        return INTAKE_REVIEW_REJECTED;
    if (strcmp(low, "approved") == 0 || strcmp(low, "received") == 0 ||
        strcmp(low, "edited") == 0)
        return INTAKE_REVIEW_NONE;
    /* hasIssues, On Hold, and anything we do not know: accepted, flagged
     * for a person to look at. */
    return INTAKE_REVIEW_FLAGGED;
}

/* Baht: digits with optional ',' grouping and up to two decimals. */
static int parse_income(const char *s, size_t n, double *out)
{
    double v = 0, scale = 0.1;
    size_t i = 0, intdigits = 0, frac = 0;

    for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == ','); i++) {
        if (s[i] == ',') {
            if (intdigits == 0)
                return -1;
            continue;
        }
        v = v * 10 + (s[i] - '0');
        intdigits++;
    }
    if (intdigits == 0 || intdigits > 9)
        return -1;
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, frac++) {
            v += (s[i] - '0') * scale;
            scale /= 10;
        }
        if (frac == 0 || frac > 2)
            return -1;
    }
    if (i != n)
        return -1;
    *out = v;
    return 0;
}

static void reject(struct intake_checked *out, int reason, long col)
{
    out->outcome = INTAKE_REJECTED;
    out->reason = reason;
    out->col = col;
}

/* Reject on field f of the layout, saying why in a few words. */
static void reject_on(struct intake_checked *out,
                      const struct intake_layout *lay, int reason, int f,
                      const char *detail)
{
    reject(out, reason, lay->col[f] + 1);
    out->fault = f;
    out->detail = detail;
}

/* Why core/hhid.c refused a household field, without quoting it. */
static const char *hhid_detail(const char *s, size_t n, int h)
{
    size_t i, digits_n = 0;

    if (h == FF_HHID_BAD_CHECK)
        return "the check character or tag does not match the code";
    for (i = 0; i < n; i++) {
        if (s[i] == 'E' || s[i] == 'e')
            return "a number in scientific notation (Excel): format the "
                   "column as text and export again";
        if (s[i] >= '0' && s[i] <= '9')
            digits_n++;
    }
    if (digits_n == 10)
        return "10 digits: a leading zero was lost";
    return "not an 11-digit household code";
}

/* The set of a split select_multiple (0/1 columns), or -1 when a column
 * holds something else. */
static int split_category(const struct intake_layout *lay,
                          char *const *fields, const size_t *lens,
                          long *badcol)
{
    int c, set = 0;

    for (c = 1; c <= 4; c++) {
        long col = lay->catcol[c];
        int v;

        if (col < 0)
            continue;
        v = parse_flag(fields[col], lens[col]);
        if (v < 0) {
            *badcol = col + 1;
            return -1;
        }
        if (v)
            set |= INTAKE_CAT_BIT(c);
    }
    return set;
}

void intake_rules_check(const struct intake_layout *lay,
                        const struct intake_rules_ctx *rc,
                        char *const *fields, const size_t *lens,
                        size_t nfields, long bad_utf8_field,
                        struct intake_checked *out)
{
    const char *t[INTAKE_NFIELDS];      /* trimmed values */
    size_t tn[INTAKE_NFIELDS];
    int f, h, kind, mismatch;

    memset(out, 0, sizeof *out);
    out->late = -1;
    out->fault = -1;
    out->outcome = INTAKE_ACCEPTED;
    if (nfields == lay->ncols)
        for (f = 0; f < INTAKE_NFIELDS; f++) {
            long c = lay->col[f];

            out->field[f] = c >= 0 ? fields[c] : NULL;
            out->field_len[f] = c >= 0 ? lens[c] : 0;
        }
    if (bad_utf8_field) {
        /* The month still tells the report where the rejection belongs. */
        const char *m = out->field[INTAKE_F_MONTH];
        size_t mn = out->field_len[INTAKE_F_MONTH];

        if (m && ff_utf8_invalid_at(m, mn) == mn)
            intake_parse_month(m, mn, out->month);
        reject(out, INTAKE_R_INVALID_UTF8, bad_utf8_field);
        out->detail = "bytes that are not UTF-8 (a damaged or re-encoded "
                      "file)";
        return;
    }
    if (nfields != lay->ncols) {
        reject(out, INTAKE_R_RAGGED_ROW, (long)nfields);
        out->detail = nfields < lay->ncols ? "fewer fields than the header"
                                           : "more fields than the header";
        return;
    }
    for (f = 0; f < INTAKE_NFIELDS; f++) {
        t[f] = out->field[f];
        tn[f] = t[f] ? ff_utf8_trim(&t[f], out->field_len[f]) : 0;
    }
    /* Readable values help the report even for rejected records. */
    if (t[INTAKE_F_MONTH])
        intake_parse_month(t[INTAKE_F_MONTH], tn[INTAKE_F_MONTH], out->month);
    for (f = 0; f <= INTAKE_F_ID; f++)
        if (lay->col[f] >= 0 && tn[f] == 0) {
            reject_on(out, lay, INTAKE_R_MISSING_REQUIRED, f, "empty");
            return;
        }
    h = ff_payload_parse(rc->payload, t[INTAKE_F_HHID], tn[INTAKE_F_HHID],
                         out->hhid);
    if (h != FF_HHID_OK) {
        out->hhid[0] = '\0';
        reject_on(out, lay,
                  h == FF_HHID_BAD_CHECK ? INTAKE_R_BAD_CHECK
                                         : INTAKE_R_HHID_MALFORMED,
                  INTAKE_F_HHID,
                  hhid_detail(t[INTAKE_F_HHID], tn[INTAKE_F_HHID], h));
        return;
    }
    if (rc->known && !rc->known(rc->ctx, out->hhid)) {
        reject_on(out, lay, INTAKE_R_UNKNOWN_HHID, INTAKE_F_HHID,
                  "not in the household register");
        return;
    }
    kind = intake_parse_time_ex(t[INTAKE_F_SUBMITTED], tn[INTAKE_F_SUBMITTED],
                                lay->dialect->zone, rc->date_order,
                                &out->submitted);
    if (kind == INTAKE_TIME_DATE_ONLY) {
        reject_on(out, lay, INTAKE_R_NO_TIME, INTAKE_F_SUBMITTED,
                  "a date without its time of day");
        return;
    }
    if (kind != INTAKE_TIME_OK) {
        reject_on(out, lay, INTAKE_R_BAD_VALUE, INTAKE_F_SUBMITTED,
                  "not a date and time");
        return;
    }
    out->has_submitted = 1;
    if (out->month[0] == '\0') {
        reject_on(out, lay, INTAKE_R_BAD_VALUE, INTAKE_F_MONTH,
                  "not a month (2025-01, 2568-01, มกราคม 2568)");
        return;
    }
    if (lay->col[INTAKE_F_CATEGORY] >= 0) {
        out->category = parse_category(t[INTAKE_F_CATEGORY],
                                       tn[INTAKE_F_CATEGORY]);
    } else {
        long badcol = 0;

        out->category = split_category(lay, fields, lens, &badcol);
        if (out->category < 0) {
            reject(out, INTAKE_R_BAD_VALUE, badcol);
            out->fault = INTAKE_F_CATEGORY;
            out->category = 0;
            out->detail = "a choice column holds neither 0 nor 1";
            return;
        }
    }
    if (out->category == 0) {
        reject_on(out, lay, INTAKE_R_BAD_VALUE, INTAKE_F_CATEGORY,
                  "names none of the 4T factors");
        if (lay->col[INTAKE_F_CATEGORY] < 0) {
            /* Split columns: the first of them is as good as any. */
            for (f = 1; f <= 4; f++)
                if (lay->catcol[f] >= 0) {
                    out->col = lay->catcol[f] + 1;
                    break;
                }
        }
        return;
    }
    out->status = parse_status(t[INTAKE_F_STATUS], tn[INTAKE_F_STATUS],
                               &mismatch);
    if (out->status == 0) {
        reject_on(out, lay, INTAKE_R_BAD_VALUE, INTAKE_F_STATUS,
                  mismatch ? "the number and the label name different "
                             "statuses"
                           : "not a status 1-4 or its label");
        return;
    }
    if (tn[INTAKE_F_INCOME] > 0) {
        if (parse_income(t[INTAKE_F_INCOME], tn[INTAKE_F_INCOME],
                         &out->income) != 0) {
            reject_on(out, lay, INTAKE_R_BAD_VALUE, INTAKE_F_INCOME,
                      "not an amount in baht");
            return;
        }
        out->has_income = 1;
    }
    out->late = out->submitted > intake_deadline_utc(out->month);
    if (t[INTAKE_F_REVIEW]) {
        out->review = intake_parse_review(t[INTAKE_F_REVIEW],
                                          tn[INTAKE_F_REVIEW]);
        if (out->review == INTAKE_REVIEW_REJECTED) {
            /* Valid, but the reviewer said no: keep its values (the
             * writer may have to withdraw an earlier copy) and reject. */
            reject_on(out, lay, INTAKE_R_REVIEW_REJECTED, INTAKE_F_REVIEW,
                      "the reviewer rejected this report");
            out->late = -1;
            return;
        }
        if (out->review == INTAKE_REVIEW_FLAGGED) {
            out->fault = INTAKE_F_REVIEW;
            out->detail = "accepted, but the reviewer flagged it (has "
                          "issues / on hold)";
        }
    }
}
