/*
 * province.h - the province's own settings printed on its official pages:
 * the office's name and who signs (templates/province.conf).
 *
 * The summary (enclosure 1) and the reconciliation print the office under
 * their title and a signature block with the signer's printed name and
 * position; an empty value prints a dotted line to fill in by hand.
 */
#ifndef FF_PROVINCE_H
#define FF_PROVINCE_H

#include "err.h"

#define FF_PROVINCE_VALUE 256   /* bytes of a value, NUL included */

struct ff_province {
    char office[FF_PROVINCE_VALUE];     /* e.g. สำนักงานพัฒนาชุมชนจังหวัด... */
    char signer[FF_PROVINCE_VALUE];     /* printed name under the signature */
    char position[FF_PROVINCE_VALUE];   /* ตำแหน่ง */
};

/*
 * Read path ("key = value" lines, '#' comment lines, a UTF-8 BOM and CRLF
 * allowed, each key once: the conventions of qr.conf) into pv.  With path
 * NULL, templates/province.conf (paths.h), and a missing default file
 * leaves every value empty.  Errors: FF_EINPUT with file, line and column
 * for an unknown key, a repeated key, a line without '=', invalid UTF-8 or
 * a value longer than FF_PROVINCE_VALUE - 1 bytes; FF_ESYS if the file
 * cannot be read.
 */
int ff_province_load(struct ff_province *pv, const char *path,
                     struct ff_err *e);

#endif
