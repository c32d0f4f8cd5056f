/* test_thai.c - BE dates, month names, Thai digits, baht amounts. */
#include "check.h"

#include "thai.h"

int main(void)
{
    char out[128];

    CHECK_STR(ff_thai_date(2025, 1, 20, 0, out, sizeof out),
              "20 มกราคม 2568");
    CHECK_STR(ff_thai_date(2025, 1, 20, 1, out, sizeof out),
              "๒๐ มกราคม ๒๕๖๘");
    CHECK_STR(ff_thai_month(2), "กุมภาพันธ์");
    CHECK_STR(ff_thai_month(13), "");
    CHECK_STR(ff_thai_month_abbr(12), "ธ.ค.");
    CHECK_INT(ff_thai_month_parse("มีนาคม", strlen("มีนาคม")), 3);
    CHECK_INT(ff_thai_month_parse("มี.ค.", strlen("มี.ค.")), 3);
    CHECK_INT(ff_thai_month_parse("มีนา", strlen("มีนา")), 0);
    CHECK_STR(ff_thai_digits("38,000 บาท", out, sizeof out), "๓๘,๐๐๐ บาท");
    CHECK_STR(ff_baht(38000, out, sizeof out), "38,000");
    CHECK_STR(ff_baht(31244.57, out, sizeof out), "31,244.57");
    CHECK_STR(ff_baht(999.999, out, sizeof out), "1,000");
    CHECK_STR(ff_baht(1234567.5, out, sizeof out), "1,234,567.50");
    CHECK_STR(ff_baht(0, out, sizeof out), "0");
    CHECK_STR(ff_baht(-1500, out, sizeof out), "-1,500");
    /* Truncation never overflows. */
    CHECK_STR(ff_thai_digits("12345", out, 7), "๑๒");
    return check_done("test_thai");
}
