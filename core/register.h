/*
 * register.h - the household register: target poor households from the BMN
 * (จปฐ.) database export, validated.
 *
 * The register CSV has Thai headers (รหัสบ้าน, จังหวัด, ...).  Which header
 * names mean which field is read from a column map (templates/
 * register-columns.map) so a province whose export names a column
 * differently edits one line.  Every row is validated; a bad row is recorded
 * in `bad` (one ff_err naming file, line and column) and skipped, never
 * sinking the good rows.
 *
 * Geography comes from the register's columns, never from the household
 * code (a civil-registration office code: municipal offices 2499, 2498, ...
 * register houses in any district).  District, subdistrict and village are
 * the DOPA codes of the names in the province/district/subdistrict columns
 * (looked up in templates/geo/th-admin.csv, geo.h), or of the village code
 * column (tambon 6 + หมู่ 2 [+ 2]) when the layout has one; when both are
 * there they must agree.
 *
 * The header row is the first row (among the first FF_REGISTER_HEADER_SCAN)
 * that holds the required columns of one of the layouts: every
 * templates/register-*.map file (register-columns.map first), or only the
 * map given.  Title rows above it are skipped; an empty header cell takes
 * the name above it (a two-row header with a merged group heading).
 *
 * A bad value in a field that ffkit neither prints nor counts (citizen ID,
 * phone, failed indicators) never drops the household: the field is left
 * empty and flagged (struct ff_register_flag, once per column).  Messages
 * never quote names, citizen IDs, phone numbers or other personal cells.
 */
#ifndef FF_REGISTER_H
#define FF_REGISTER_H

#include <stddef.h>

#include "err.h"

#define FF_HHID_LEN 11

enum ff_status {
    FF_STATUS_NONE = 0,         /* not classified yet (empty cell) */
    FF_STATUS_DEVELOPABLE = 1,  /* พัฒนาได้ */
    FF_STATUS_WELFARE = 2,      /* ขอรับการสงเคราะห์ */
    FF_STATUS_SELF_RELIANT = 3, /* พึ่งตนเองได้ */
    FF_STATUS_OTHER = 4         /* อื่นๆ (เสียชีวิต/ย้าย) */
};

struct ff_household {
    char code[FF_HHID_LEN + 1];     /* 11 ASCII digits */
    char province_code[3];          /* DOPA, from the columns */
    char district_code[5];          /* DOPA amphoe, from the columns */
    char subdistrict_code[7];       /* DOPA tambon, from the columns */
    char village_code[11];          /* tambon + หมู่ (2 digits; 3 when the
                                       หมู่ is over 99), or the 10-digit
                                       code of the register */
    const char *province;           /* names as in the DOPA table */
    const char *district;
    const char *subdistrict;
    int village_no;                 /* หมู่ที่ */
    const char *village_name;       /* may be "" */
    const char *house_no;           /* บ้านเลขที่, e.g. "12/3" */
    const char *title;              /* คำนำหน้า */
    const char *first_name;
    const char *last_name;
    const char *citizen_id;         /* 13 digits or "" (personal data) */
    int members;                    /* 1..FF_MEMBERS_MAX */
    double income;                  /* baht per person per year */
    const char *indicators;         /* BMN indicators not passed, "6;24" */
    int status;                     /* enum ff_status */
    const char *phone;              /* may be "" (personal data) */
    long line;                      /* physical line in the register file */
};

#define FF_MEMBERS_MAX 99
#define FF_INCOME_MAX 10000000.0        /* baht per person per year */
#define FF_REGISTER_HEADER_SCAN 20      /* rows searched for the header */
/* More rejected rows than this share (percent) refuses the register. */
#define FF_REGISTER_MAX_REJECT_PCT 10

/* Why rows were rejected, counted for the summary line. */
enum ff_reject {
    FF_REJECT_CODE,         /* household code missing or malformed */
    FF_REJECT_EXCEL_CODE,   /* code turned into 2.40101E+10 by Excel */
    FF_REJECT_DUPLICATE,
    FF_REJECT_PLACE,        /* unknown place, or columns that disagree */
    FF_REJECT_VALUE,        /* status, members, income, village number */
    FF_REJECT_EMPTY,        /* a required field is empty */
    FF_REJECT_LONG,         /* a field longer than its bound */
    FF_REJECT_ROW,          /* ragged row, invalid UTF-8 */
    FF_REJECT_COUNT
};

/* A column whose bad values were left empty (one per column). */
struct ff_register_flag {
    const char *field;      /* "citizen_id", "phone", "indicators" */
    size_t count;
    struct ff_err first;    /* file:line:col and reason of the first */
};

#define FF_REGISTER_MAX_FLAGS 8

/* Rejected rows whose error is kept for the messages; the rest are only
 * counted (nbad, rejected_by), so a file Excel ruined row by row costs no
 * more memory than a good one. */
#define FF_REGISTER_MAX_BAD_KEPT 1000

struct ff_register {
    char *path;
    const char *encoding;           /* ff_table_encoding() of the file */
    char delimiter;                 /* 0 for spreadsheets */
    const char *format;             /* ff_table_format(): "CSV", "XLSX"... */
    char *sheet;                    /* sheet or zip member read, or NULL */
    size_t n;                       /* households, in file order */
    struct ff_household *hh;        /* NULL when streamed */
    size_t nbad;                    /* rows rejected */
    struct ff_err *bad;             /* the first nbad_kept rejected rows'
                                       errors, in file order */
    size_t nbad_kept;               /* <= FF_REGISTER_MAX_BAD_KEPT */
    long records;                   /* data records read (good + bad) */
    long header_line;               /* physical line of the header row */
    char layout[64];                /* column map file that matched */
    size_t rejected_by[FF_REJECT_COUNT];
    size_t nflags;
    struct ff_register_flag flags[FF_REGISTER_MAX_FLAGS];
    size_t dopa_fail;               /* DOPA codes failing the check digit */
    long dopa_first_line;
    size_t survey_codes;            /* codes starting with 0: not DOPA */
    long blank_rows;                /* empty rows skipped */
    struct ff_register_pool *pool;  /* string storage (private) */
    struct ff_register_index *index;/* code lookup (private) */
};

/*
 * Read and validate the register at path, using the column map at map_path
 * (NULL: the built-in default, same as templates/register-columns.map).
 * Returns the register (possibly with bad rows recorded), or NULL with e
 * filled when the file cannot be read at all or the header lacks a required
 * column.  Caller frees with ff_register_free().
 */
struct ff_register *ff_register_load(const char *path, const char *map_path,
                                     struct ff_err *e);

/* The same from memory (tests, fuzzing); name is used in messages. */
struct ff_register *ff_register_parse(const char *name, const char *data,
                                      size_t n, const char *map_path,
                                      struct ff_err *e);

/*
 * Read and validate the register as ff_register_load() does, with the same
 * checks and counts, but as a stream: each household is handed to fn (with
 * ctx) as soon as its row is checked, in file order, and not kept.  What
 * stays in memory is flat in the number of rows but for two whole-file
 * needs: the codes seen (8 bytes a slot, 1.3-2.7 slots a household) to
 * find duplicates, and the rejected rows (`bad`, 536 bytes each).  h and
 * every string it points to are valid only during the call.  A duplicate
 * is never passed: the first row with a code wins, as in
 * ff_register_load().
 *
 * A non-zero return from fn stops the read: NULL is returned, and fn must
 * have filled e.  Otherwise returns the register with everything
 * ff_register_load() fills except the households themselves: n counts
 * those passed to fn, hh is NULL and ff_register_find() finds nothing.
 * Whether the register is usable (ff_register_check_usable()) is known
 * only at the end: fn must be able to undo what it did with the
 * households.  Caller frees with ff_register_free().
 */
struct ff_register *
ff_register_each(const char *path, const char *map_path,
                 int (*fn)(void *ctx, const struct ff_household *h,
                           struct ff_err *e),
                 void *ctx, struct ff_err *e);

/* The same from memory (tests); name is used in messages. */
struct ff_register *
ff_register_parse_each(const char *name, const char *data, size_t n,
                       const char *map_path,
                       int (*fn)(void *ctx, const struct ff_household *h,
                                 struct ff_err *e),
                       void *ctx, struct ff_err *e);

void ff_register_free(struct ff_register *r);

/*
 * FF_OK when the register may be used: it has households and no more than
 * FF_REGISTER_MAX_REJECT_PCT percent of its rows were rejected.  Otherwise
 * FF_EINPUT with e naming the file and saying why; when Excel turned the
 * codes into numbers, what Excel did and how to export again.  Callers
 * print the row errors first, then this.
 */
int ff_register_check_usable(const struct ff_register *r, struct ff_err *e);

/*
 * What was read, for the one summary line both programs print: "300
 * households read (UTF-8, ',', layout register-columns.map, header row 1),
 * 2 rows rejected (1 code, 1 duplicate), 1 field flagged (citizen_id 1)".
 * A spreadsheet (no delimiter) names its format and sheet instead of the
 * encoding and delimiter: "(XLSX, sheet 'Sheet1', layout ...)"; a zip of
 * CSV names the member read before them: "(zip of CSV 'f.csv', UTF-8, ...)".
 * Returns out.
 */
const char *ff_register_describe(const struct ff_register *r, char *out,
                                 size_t size);

/*
 * Warnings that do not reject anything, one per call for i = 0, 1, ...:
 * flagged columns, the DOPA check digit.  Returns 0 when there is no i-th
 * warning, else fills e (code FF_OK is never used: FF_EINPUT) and 1.
 */
int ff_register_warning(const struct ff_register *r, size_t i,
                        struct ff_err *e);

/* The household with this 11-digit code, or NULL (always NULL for a
 * register read by ff_register_each()). */
const struct ff_household *ff_register_find(const struct ff_register *r,
                                            const char *code);

/* Thai label of a status ("พัฒนาได้"...), "ยังไม่จำแนก" for 0. */
const char *ff_status_label(int status);

/* 1 when the 13-digit citizen ID's mod-11 check digit is right. */
int ff_citizen_id_valid(const char *id, size_t n);

/*
 * Compare house numbers in natural order: "12" < "12/3" < "12/10" < "13".
 * Digit runs compare by value; other bytes by byte value.
 */
int ff_house_no_cmp(const char *a, const char *b);

/*
 * Sort household pointers in walking order: subdistrict code (which starts
 * with the district code; both from the register's columns), village
 * number, village code, house number (natural order), household code.
 */
void ff_register_sort_walking(const struct ff_household **v, size_t n);

/* Full name of the head: "นายสมชาย ใจดี" into out; returns out. */
const char *ff_household_head(const struct ff_household *h, char *out,
                              size_t size);

#endif
