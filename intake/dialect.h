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
    /* Columns used when the file has them (they never decide detection):
     * identity across edits and the reviewer's verdict (intake/README.md,
     * "Identity, edits and review"). */
    INTAKE_F_KEY,           /* logical key: one submission across edits */
    INTAKE_F_EDITS,         /* ODK Central's count of edits */
    INTAKE_F_DEPRECATED,    /* Kobo: the version id this edit replaces */
    INTAKE_F_REVIEW,        /* review state (ODK) or validation status */
    INTAKE_NFIELDS
};

/* The first field whose column may be absent from a file's header. */
#define INTAKE_F_FIRST_OPTIONAL INTAKE_F_KEY

/* Zone of a timestamp that carries no offset. */
enum intake_zone { INTAKE_ZONE_UTC = 0, INTAKE_ZONE_BANGKOK = 1 };

/*
 * header[f] is the mapping line's text: one header or several alternatives
 * separated by '|' (a Kobo labels export and an XML-names export of the
 * same form, Google's Thai and English headers).  line[f] is where it was
 * defined (0 for the built-in dialects), for messages that say which line
 * to edit.
 */
struct intake_dialect {
    char name[64];
    int zone;                       /* enum intake_zone */
    char *header[INTAKE_NFIELDS];   /* header text, or NULL when unmapped */
    long line[INTAKE_NFIELDS];
    const char *source;             /* mapping file name (borrowed), or "" */
};

struct intake_dialects {
    size_t n;
    struct intake_dialect *d;
};

/* Where the fields of one file are: 0-based columns, -1 when unmapped. */
struct intake_layout {
    const struct intake_dialect *dialect;   /* borrowed from the set */
    long col[INTAKE_NFIELDS];
    /* A select_multiple category exported as one 0/1 column per choice
     * (Kobo's "separate columns"): catcol[c] for category c = 1..4, -1
     * when absent; used when col[INTAKE_F_CATEGORY] is -1. */
    long catcol[5];
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
 * several, the one mapping most columns.  A header cell also matches when
 * it is a mapped header behind group prefixes ("report/hhid" from Kobo,
 * "report-hhid" from ODK Central) and no other cell matches that way.
 * FF_EINPUT with e naming file and record 1 when none matches (the message
 * names the closest dialect, the missing column and the mapping line that
 * would map it) or two match equally.
 */
/* Length of the first '|'-separated alternative of the mapping text h,
 * trailing spaces trimmed, at most 120: the name a column is given when
 * ffkit has to make one (a Kobo hook that lacks a column). */
int intake_dialect_first_alt(const char *h);

int intake_dialect_detect(const struct intake_dialects *ds,
                          char *const *fields, const size_t *lens, size_t n,
                          const char *file, struct intake_layout *out,
                          struct ff_err *e);

/*
 * Which of the 4T categories a choice spelling names: the XLSForm choice
 * name ("skills"), its Thai label ("ทักษะ") or an English label ("Skills",
 * "Way out"), ASCII case ignored.  Returns 1..4, or 0.
 */
int intake_category_choice(const char *s, size_t n);

/* Is this record an HXL hashtag row ("#loc+name", under the header)? */
int intake_is_hxl_row(char *const *fields, const size_t *lens, size_t n);

#endif
