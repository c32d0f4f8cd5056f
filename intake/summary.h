/*
 * summary.h - a load's summary as text: the lines `ffintake load` prints
 * and `ffintake watch` writes beside each file it took, one wording for
 * both (a clerk reading either learns the same).
 */
#ifndef FF_INTAKE_SUMMARY_H
#define FF_INTAKE_SUMMARY_H

#include <stddef.h>

#include "buf.h"
#include "load.h"

/* One line for file f, named name: its dialect, encoding and records, or
 * that it was loaded before. */
void intake_summary_file(struct ff_buf *b, const char *name,
                         const struct intake_load_file *f);

/* The load's counts, each reason with the column most often at fault,
 * and the edits, withdrawals and corrections it made. */
void intake_summary_load(struct ff_buf *b,
                         const struct intake_load_summary *s);

#endif
