/*
 * redact.h - masking personal numbers in free text for exports that leave
 * the province office (ffintake export --redact).
 *
 * Report fields are free text typed by field teams; they sometimes carry a
 * phone number ("โทร 081-234-5678") or a citizen ID.  Redaction replaces
 * every run of digits (ASCII or Thai, with the separators '-', ' ' and '.'
 * between digits) that holds 9 or more digits (Thai phone numbers have 9 or
 * 10, citizen IDs 13) by "[ลบ]".  Shorter numbers (amounts, kilograms,
 * dates) stay.
 */
#ifndef INTAKE_REDACT_H
#define INTAKE_REDACT_H

#include <stddef.h>

#include "buf.h"

/* Append s[0..n) to out with personal numbers masked; -1 out of memory. */
int intake_redact(const char *s, size_t n, struct ff_buf *out);

#endif
