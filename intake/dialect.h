/*
 * dialect.h - which export dialect a submission file speaks, from its header.
 *
 * A dialect names, for each logical field of a monthly report, the header
 * of the column that carries it, and says in which time zone a timestamp
 * without an offset is.  kobo and gforms are built in; a mapping file
 * (templates/intake-dialects.map) adds others, such as ODK Central's export
 * or a Google Form whose questions were renamed.  The format is described in
 * that file and in intake/README.md.
 */
#ifndef INTAKE_DIALECT_H
#define INTAKE_DIALECT_H

#include <stddef.h>

#include "err.h"

/* Logical fields of a report, in the order rules check "missing". */
enum intake_field {
    INTAKE_F_HHID = 0,
    INTAKE_F_MONTH,
    INTAKE_F_ACTIVITY,
    INTAKE_F_CATEGORY,
    INTAKE_F_RESULT,
    INTAKE_F_STATUS,
    INTAKE_F_SUBMITTED,
    INTAKE_F_ID,            /* submission id; optional in a dialect */
    INTAKE_F_INCOME,        /* optional value, column required if mapped */
    INTAKE_F_REPORTER,
    INTAKE_NFIELDS
};

/* Zone of a timestamp that carries no offset. */
enum intake_zone { INTAKE_ZONE_UTC = 0, INTAKE_ZONE_BANGKOK = 1 };

struct intake_dialect {
    char name[64];
    int zone;                       /* enum intake_zone */
    char *header[INTAKE_NFIELDS];   /* header text, or NULL when unmapped */
};

struct intake_dialects {
    size_t n;
    struct intake_dialect *d;
};

/* Where the fields of one file are: 0-based columns, -1 when unmapped. */
struct intake_layout {
    const struct intake_dialect *dialect;   /* borrowed from the set */
    long col[INTAKE_NFIELDS];
    size_t ncols;                           /* fields in the header */
};

/* The keyword a mapping file uses for field f ("hhid", "submitted"...). */
const char *intake_field_name(int f);

/*
 * Fill ds with the built-in dialects, then add those of the mapping file at
 * path (NULL: none).  A dialect in the file with a built-in's name replaces
 * it.  On a syntax error returns FF_EINPUT with e naming path, line and
 * column.  Release with intake_dialects_release() in every case.
 */
int intake_dialects_load(struct intake_dialects *ds, const char *path,
                         struct ff_err *e);

/* Parse mapping text from memory (tests), adding to ds, which must be
 * zeroed or loaded; name is used in messages. */
int intake_dialects_parse(struct intake_dialects *ds, const char *name,
                          const char *text, size_t n, struct ff_err *e);

void intake_dialects_release(struct intake_dialects *ds);

/*
 * Choose the dialect whose every mapped header is in the header record
 * (fields[0..n), surrounding spaces ignored, ASCII case ignored); with
 * several, the one mapping most columns.  FF_EINPUT with e naming file and
 * record 1 when none matches or two match equally.
 */
int intake_dialect_detect(const struct intake_dialects *ds,
                          char *const *fields, const size_t *lens, size_t n,
                          const char *file, struct intake_layout *out,
                          struct ff_err *e);

#endif
