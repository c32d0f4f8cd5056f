/*
 * housecode.h - the 11-digit house code (รหัสประจำบ้าน) as the register
 * holds it.
 *
 * The code is issued by a civil-registration office and laid out 4-6-1:
 * the office (2401 a district office, 2499, 2498, ... municipal offices), a
 * running number, a check digit.  It says nothing about where a household
 * lives (see geo.h).  Offices write it plain (24010105963), grouped
 * (2401-010596-3), with spaces, or in Thai digits; ffkit stores the 11
 * ASCII digits.  Survey-assigned codes (often starting with 0) are not DOPA
 * codes but are household codes all the same.
 */
#ifndef FF_HOUSECODE_H
#define FF_HOUSECODE_H

#include <stddef.h>

enum ff_housecode_parse {
    FF_HOUSECODE_OK = 0,
    FF_HOUSECODE_EMPTY,
    FF_HOUSECODE_EXCEL,     /* a number as Excel shows it: 2.40101E+10 */
    FF_HOUSECODE_DIGITS,    /* digits (and separators) but not 11 of them */
    FF_HOUSECODE_BAD        /* other characters */
};

/*
 * Parse s[0..n) (already trimmed): ASCII or Thai digits, with '-' or
 * spaces between digit groups.  On FF_HOUSECODE_OK out gets the 11 digits
 * and a NUL; otherwise out is "".  *ndigits (may be NULL) gets the number
 * of digits seen.
 */
int ff_housecode_parse(const char *s, size_t n, char out[12],
                       size_t *ndigits);

/*
 * 1 when the 11-digit code passes the DOPA check digit: with d1..d10 the
 * first ten digits, d11 == (11 - (11*d1 + 10*d2 + ... + 2*d10) mod 11)
 * mod 10.  0 otherwise (also when code is not 11 digits).
 */
int ff_housecode_dopa_ok(const char *code);

/*
 * 1 when the code can be a DOPA code at all: it does not start with 0 (no
 * province has code 0x); survey-assigned codes do.
 */
int ff_housecode_is_dopa(const char *code);

/*
 * "2401-010596-3" for "24010105963" into out (14 bytes do); a code that is
 * not 11 digits is copied as it is.  Returns out.
 */
const char *ff_housecode_group(const char *code, char *out, size_t size);

#endif
