/*
 * thai.h - Thai conventions used by every output: Buddhist Era dates,
 * Thai month names, Thai digits and baht amounts.
 */
#ifndef FF_THAI_H
#define FF_THAI_H

#include <stddef.h>

#define FF_BE_OFFSET 543    /* พ.ศ. = ค.ศ. + 543 */

/* Thai month name, month 1..12 ("มกราคม"); "" when out of range. */
const char *ff_thai_month(int month);
/* Abbreviated month ("ม.ค."). */
const char *ff_thai_month_abbr(int month);
/* Month number 1..12 of a full or abbreviated Thai month name, or 0. */
int ff_thai_month_parse(const char *s, size_t n);

/*
 * Format a date as "20 มกราคม 2568" (long) into out; CE year in.  With
 * thai_digits the digits are ๐..๙.  Returns out.
 */
const char *ff_thai_date(int year_ce, int month, int day, int thai_digits,
                         char *out, size_t size);

/* Replace ASCII digits in s by Thai digits into out; returns out. */
const char *ff_thai_digits(const char *s, char *out, size_t size);

/*
 * Baht amount with thousands separators: 31244.57 -> "31,244.57",
 * 38000 -> "38,000" (decimals only when not whole).  Returns out.
 */
const char *ff_baht(double amount, char *out, size_t size);

/* Today's date in Asia/Bangkok (UTC+7, no DST) as CE y/m/d; the
 * SOURCE_DATE_EPOCH environment variable pins it (reproducible output). */
void ff_today_bangkok(int *year_ce, int *month, int *day);

/* The date in Asia/Bangkok of a time (seconds since 1970, UTC). */
void ff_date_bangkok(long long t, int *year_ce, int *month, int *day);

/*
 * "YYYY-MM-DD" into CE y/m/d: a year from 2400 is read as Buddhist Era
 * (2568-01-15 = 2025-01-15), as Thai users write it.  Returns 0, or -1
 * when s is not such a date of the calendar.
 */
int ff_date_parse(const char *s, int *year_ce, int *month, int *day);

#endif
