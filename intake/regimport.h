/*
 * regimport.h - register import: a household register file becomes the
 * ledger's current register snapshot.
 *
 * The register itself is read and checked by core/register.c; this module
 * owns what the ledger keeps of it: one snapshot per distinct file (by
 * SHA-256), its households, and which snapshot is current.
 */
#ifndef INTAKE_REGIMPORT_H
#define INTAKE_REGIMPORT_H

#include "err.h"
#include "ledger.h"

struct intake_register_result {
    long snapshot;              /* the snapshot id */
    int already;                /* 1: this file is the current snapshot */
    long restored;              /* stored before as this snapshot, made
                                   current again as a new one */
    long households, bad_rows;
};

/*
 * Validate the register at path (core/register.c, column map map_path or
 * NULL) and store it as a new snapshot with the survey year (BE) and income
 * threshold, unless it is the current snapshot already (a file stored
 * before but no longer current is stored again, and is current).  A
 * register ff_register_check_usable refuses is not stored (FF_EINPUT, *reg
 * still set for its row errors).  Bad rows are not stored; the caller can
 * report them from *reg (which it frees with ff_register_free; may be
 * NULL).  The file is read as a stream (ff_register_each) into the
 * snapshot, inside one transaction of L: *reg has the counts, the rejected
 * rows and the warnings, never the households (hh is NULL), so memory
 * stays flat in the size of the register.
 */
struct ff_register;
int intake_register_import(struct intake_ledger *L, const char *path,
                           const char *map_path, int survey_year,
                           double threshold, const char *now,
                           struct ff_register **reg,
                           struct intake_register_result *res,
                           struct ff_err *e);

#endif
