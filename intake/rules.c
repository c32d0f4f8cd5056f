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
    "identical_record", "stray_quote"};
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

int intake_parse_time(const char *s, size_t n, int zone, long long *utc)
{
    const char *p = s, *end;
    long y, mo, d, h, mi, sec = 0, off = -1;
    int ce;

    n = ff_utf8_trim(&p, n);
    end = p + n;
    if (n >= 10 && p[4] == '-') {
        /* ISO 8601 as KoboToolbox and ODK write it. */
        if ((y = digits(&p, end, 4, 4)) < 0 || p >= end || *p++ != '-' ||
            (mo = digits(&p, end, 2, 2)) < 0 || p >= end || *p++ != '-' ||
            (d = digits(&p, end, 2, 2)) < 0 || p >= end ||
            (*p != 'T' && *p != ' '))
            return -1;
        p++;
        if ((h = digits(&p, end, 2, 2)) < 0 || p >= end || *p++ != ':' ||
            (mi = digits(&p, end, 2, 2)) < 0)
            return -1;
        if (p < end && *p == ':') {
            p++;
            if ((sec = digits(&p, end, 2, 2)) < 0)
                return -1;
            if (p < end && *p == '.') {
                p++;
                if (digits(&p, end, 1, 9) < 0)
                    return -1;
            }
        }
        if (p < end && (*p == 'Z' || *p == 'z')) {
            off = 0;
            p++;
        } else if (p < end && (*p == '+' || *p == '-')) {
            int neg = *p++ == '-';
            long oh, om;

            if ((oh = digits(&p, end, 2, 2)) < 0)
                return -1;
            if (p < end && *p == ':')
                p++;
            if ((om = digits(&p, end, 2, 2)) < 0 || oh > 14 || om > 59)
                return -1;
            off = (oh * 3600 + om * 60) * (neg ? -1 : 1);
        }
    } else {
        /* Google Sheets in the Thai locale: "20/1/2568, 10:15:30". */
        if ((d = digits(&p, end, 1, 2)) < 0 || p >= end || *p++ != '/' ||
            (mo = digits(&p, end, 1, 2)) < 0 || p >= end || *p++ != '/' ||
            (y = digits(&p, end, 4, 4)) < 0)
            return -1;
        if (p < end && *p == ',')
            p++;
        if (p >= end || *p != ' ')
            return -1;
        while (p < end && *p == ' ')
            p++;
        if ((h = digits(&p, end, 1, 2)) < 0 || p >= end || *p++ != ':' ||
            (mi = digits(&p, end, 2, 2)) < 0)
            return -1;
        if (p < end && *p == ':') {
            p++;
            if ((sec = digits(&p, end, 2, 2)) < 0)
                return -1;
        }
    }
    if (p != end)
        return -1;
    if ((ce = year_ce(y)) < 0 || mo < 1 || mo > 12 || d < 1 ||
        d > days_in_month(ce, (int)mo) || h > 23 || mi > 59 || sec > 59)
        return -1;
    if (off < 0)
        off = zone == INTAKE_ZONE_BANGKOK ? INTAKE_BANGKOK_OFFSET : 0;
    *utc = intake_days_from_civil(ce, (int)mo, (int)d) * 86400 + h * 3600 +
           mi * 60 + sec - off;
    return 0;
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

        m = ff_thai_month_parse(p, (size_t)(sp - p));
        while (q < end && *q == ' ')
            q++;
        if (m == 0 || (y = digits(&q, end, 4, 4)) < 0 || q != end)
            return -1;
    } else {
        if ((y = digits(&p, end, 4, 4)) < 0 || p >= end || *p++ != '-' ||
            (m = digits(&p, end, 1, 2)) < 0 || p != end)
            return -1;
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

static int parse_category(const char *s, size_t n)
{
    size_t i;
    char low[16];

    if (n < sizeof low) {
        for (i = 0; i < n; i++)
            low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
        if (eq(low, n, "attitude"))
            return INTAKE_CAT_ATTITUDE;
        if (eq(low, n, "skills"))
            return INTAKE_CAT_SKILLS;
        if (eq(low, n, "resources"))
            return INTAKE_CAT_RESOURCES;
        if (eq(low, n, "way-out") || eq(low, n, "way_out"))
            return INTAKE_CAT_WAY_OUT;
    }
    if (eq(s, n, "ทัศนคติ"))
        return INTAKE_CAT_ATTITUDE;
    if (eq(s, n, "ทักษะ"))
        return INTAKE_CAT_SKILLS;
    if (eq(s, n, "ทรัพยากร"))
        return INTAKE_CAT_RESOURCES;
    if (eq(s, n, "ทางออก"))
        return INTAKE_CAT_WAY_OUT;
    return 0;
}

/* "1" or "1 พัฒนาได้": a digit 1..4, then nothing or a space and a label. */
static int parse_status(const char *s, size_t n)
{
    if (n == 0 || s[0] < '1' || s[0] > '4')
        return 0;
    if (n > 1 && s[1] != ' ')
        return 0;
    return s[0] - '0';
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

void intake_rules_check(const struct intake_layout *lay,
                        const struct intake_rules_ctx *rc,
                        char *const *fields, const size_t *lens,
                        size_t nfields, long bad_utf8_field,
                        struct intake_checked *out)
{
    const char *t[INTAKE_NFIELDS];      /* trimmed values */
    size_t tn[INTAKE_NFIELDS];
    int f, h;

    memset(out, 0, sizeof *out);
    out->late = -1;
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
        return;
    }
    if (nfields != lay->ncols) {
        reject(out, INTAKE_R_RAGGED_ROW, (long)nfields);
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
            reject(out, INTAKE_R_MISSING_REQUIRED, lay->col[f] + 1);
            return;
        }
    h = ff_payload_parse(rc->payload, t[INTAKE_F_HHID], tn[INTAKE_F_HHID],
                         out->hhid);
    if (h != FF_HHID_OK) {
        out->hhid[0] = '\0';
        reject(out, h == FF_HHID_BAD_CHECK ? INTAKE_R_BAD_CHECK
                                           : INTAKE_R_HHID_MALFORMED,
               lay->col[INTAKE_F_HHID] + 1);
        return;
    }
    if (rc->known && !rc->known(rc->ctx, out->hhid)) {
        reject(out, INTAKE_R_UNKNOWN_HHID, lay->col[INTAKE_F_HHID] + 1);
        return;
    }
    if (intake_parse_time(t[INTAKE_F_SUBMITTED], tn[INTAKE_F_SUBMITTED],
                          lay->dialect->zone, &out->submitted) != 0) {
        reject(out, INTAKE_R_BAD_VALUE, lay->col[INTAKE_F_SUBMITTED] + 1);
        return;
    }
    out->has_submitted = 1;
    if (out->month[0] == '\0') {
        reject(out, INTAKE_R_BAD_VALUE, lay->col[INTAKE_F_MONTH] + 1);
        return;
    }
    out->category = parse_category(t[INTAKE_F_CATEGORY],
                                   tn[INTAKE_F_CATEGORY]);
    if (out->category == 0) {
        reject(out, INTAKE_R_BAD_VALUE, lay->col[INTAKE_F_CATEGORY] + 1);
        return;
    }
    out->status = parse_status(t[INTAKE_F_STATUS], tn[INTAKE_F_STATUS]);
    if (out->status == 0) {
        reject(out, INTAKE_R_BAD_VALUE, lay->col[INTAKE_F_STATUS] + 1);
        return;
    }
    if (tn[INTAKE_F_INCOME] > 0) {
        if (parse_income(t[INTAKE_F_INCOME], tn[INTAKE_F_INCOME],
                         &out->income) != 0) {
            reject(out, INTAKE_R_BAD_VALUE, lay->col[INTAKE_F_INCOME] + 1);
            return;
        }
        out->has_income = 1;
    }
    out->late = out->submitted > intake_deadline_utc(out->month);
}
