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
 * Hierarchy: the 11-digit household code is SSSSSS MM NNN, so code[0:4] is
 * the district code and code[0:6] the subdistrict code; the village is the
 * subdistrict code plus the village number.
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
    char district_code[5];          /* code[0:4] */
    char subdistrict_code[7];       /* code[0:6] */
    const char *province;
    const char *district;
    const char *subdistrict;
    int village_no;                 /* หมู่ที่ */
    const char *village_name;       /* may be "" */
    const char *house_no;           /* บ้านเลขที่, e.g. "12/3" */
    const char *title;              /* คำนำหน้า */
    const char *first_name;
    const char *last_name;
    const char *citizen_id;         /* 13 digits or "" (personal data) */
    int members;                    /* > 0 */
    double income;                  /* baht per person per year */
    const char *indicators;         /* BMN indicators not passed, "6;24" */
    int status;                     /* enum ff_status */
    const char *phone;              /* may be "" (personal data) */
    long line;                      /* physical line in the register file */
};

struct ff_register {
    char *path;
    const char *encoding;           /* ff_table_encoding() of the file */
    char delimiter;                 /* 0 for spreadsheets */
    const char *format;             /* ff_table_format(): "CSV", "XLSX"... */
    char *sheet;                    /* sheet or zip member read, or NULL */
    size_t n;                       /* households, in file order */
    struct ff_household *hh;
    size_t nbad;                    /* rows rejected */
    struct ff_err *bad;             /* one per rejected row, in file order */
    long records;                   /* data records read (good + bad) */
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

void ff_register_free(struct ff_register *r);

/* The household with this 11-digit code, or NULL. */
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
 * Sort household pointers in walking order: district code, subdistrict code,
 * village number, house number (natural order), household code.
 */
void ff_register_sort_walking(const struct ff_household **v, size_t n);

/* Full name of the head: "นายสมชาย ใจดี" into out; returns out. */
const char *ff_household_head(const struct ff_household *h, char *out,
                              size_t size);

#endif
