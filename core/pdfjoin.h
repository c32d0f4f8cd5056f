/*
 * pdfjoin.h - join finished PDF files into one, page after page, with
 * libqpdf (the one file that uses it: core/pdfjoin.c).
 */
#ifndef FF_PDFJOIN_H
#define FF_PDFJOIN_H

#include <stddef.h>

#include "err.h"

/*
 * Write to out the pages of parts[0..n) in order.  Stream data is copied
 * from the parts while out is written, so memory holds the parts' object
 * dictionaries, not their content.  The parts are left in place.
 */
int ff_pdf_join(const char *const *parts, size_t n, const char *out,
                struct ff_err *e);

#endif
