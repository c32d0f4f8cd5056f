/*
 * thai.c - Buddhist Era dates, Thai month names, Thai digits, baht amounts.
 *
 * Official Thai documents write years in the Buddhist Era (CE + 543) and
 * often use Thai digits; every output of the toolkit formats dates and money
 * through here so that they agree.
 */
#include "thai.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "utf8.h"

static const char *const months[12] = {
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"
};

static const char *const months_abbr[12] = {
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."
};

const char *ff_thai_month(int month)
{
    return month >= 1 && month <= 12 ? months[month - 1] : "";
}

const char *ff_thai_month_abbr(int month)
{
    return month >= 1 && month <= 12 ? months_abbr[month - 1] : "";
}

int ff_thai_month_parse(const char *s, size_t n)
{
    int i;

    for (i = 0; i < 12; i++) {
        if (strlen(months[i]) == n && memcmp(months[i], s, n) == 0)
            return i + 1;
        if (strlen(months_abbr[i]) == n && memcmp(months_abbr[i], s, n) == 0)
            return i + 1;
    }
    return 0;
}

const char *ff_thai_digits(const char *s, char *out, size_t size)
{
    size_t o = 0;

    if (size == 0)
        return out;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            if (o + 3 >= size)
                break;
            /* U+0E50 + d is E0 B9 90+d in UTF-8. */
            out[o++] = (char)0xE0;
            out[o++] = (char)0xB9;
            out[o++] = (char)(0x90 + (*s - '0'));
        } else {
            if (o + 1 >= size)
                break;
            out[o++] = *s;
        }
    }
    out[o] = '\0';
    return out;
}

const char *ff_thai_date(int year_ce, int month, int day, int thai_digits,
                         char *out, size_t size)
{
    char tmp[128];

    snprintf(tmp, sizeof tmp, "%d %s %d", day, ff_thai_month(month),
             year_ce + FF_BE_OFFSET);
    if (thai_digits)
        return ff_thai_digits(tmp, out, size);
    snprintf(out, size, "%s", tmp);
    return out;
}

const char *ff_baht(double amount, char *out, size_t size)
{
    char digits[64], body[96];
    long long whole;
    int cents, neg = amount < 0;
    size_t len, i, o = 0;

    if (neg)
        amount = -amount;
    whole = (long long)floor(amount);
    cents = (int)llround((amount - (double)whole) * 100.0);
    if (cents == 100) {
        whole++;
        cents = 0;
    }
    snprintf(digits, sizeof digits, "%lld", whole);
    len = strlen(digits);
    for (i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            body[o++] = ',';
        body[o++] = digits[i];
    }
    body[o] = '\0';
    if (cents)
        snprintf(out, size, "%s%s.%02d", neg ? "-" : "", body, cents);
    else
        snprintf(out, size, "%s%s", neg ? "-" : "", body);
    return out;
}

void ff_date_bangkok(long long t, int *year_ce, int *month, int *day)
{
    time_t now = (time_t)t + 7 * 3600;      /* UTC+7, no DST */
    struct tm tm;

    gmtime_r(&now, &tm);
    *year_ce = tm.tm_year + 1900;
    *month = tm.tm_mon + 1;
    *day = tm.tm_mday;
}

int ff_date_parse(const char *s, int *year_ce, int *month, int *day)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30,
                                31};
    int v[3] = {0, 0, 0}, k, i, y;

    for (k = 0, i = 0; k < 3; k++) {
        int digits = k == 0 ? 4 : 2, n;

        for (n = 0; n < digits; n++, i++) {
            if (s[i] < '0' || s[i] > '9')
                return -1;
            v[k] = v[k] * 10 + (s[i] - '0');
        }
        if (s[i] != (k < 2 ? '-' : '\0'))
            return -1;
        i++;
    }
    y = v[0] >= 2400 ? v[0] - FF_BE_OFFSET : v[0];
    if (y < 1900 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
        v[2] > mdays[v[1] - 1] ||
        (v[1] == 2 && v[2] == 29 && !((y % 4 == 0 && y % 100 != 0) ||
                                      y % 400 == 0)))
        return -1;
    *year_ce = y;
    *month = v[1];
    *day = v[2];
    return 0;
}

void ff_today_bangkok(int *year_ce, int *month, int *day)
{
    /* SOURCE_DATE_EPOCH (reproducible-builds.org) pins "today" so that
     * tests and reprints can produce identical documents. */
    const char *pin = getenv("SOURCE_DATE_EPOCH");
    time_t now = pin && *pin ? (time_t)strtoll(pin, NULL, 10) : time(NULL);
    struct tm tm;

    now += 7 * 3600;                        /* Asia/Bangkok: UTC+7, no DST */
    gmtime_r(&now, &tm);
    *year_ce = tm.tm_year + 1900;
    *month = tm.tm_mon + 1;
    *day = tm.tm_mday;
}
