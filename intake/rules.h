/*
 * rules.h - the product's semantics for one report record: validation in
 * the order (first failing rule wins), value parsing, Bangkok time
 * and lateness.  Duplicates and supersession need the ledger and live in
 * load.c; the order and meaning of every rule is documented in
 * intake/README.md.
 */
#ifndef INTAKE_RULES_H
#define INTAKE_RULES_H

#include <stddef.h>

#include "dialect.h"

#define INTAKE_BANGKOK_OFFSET (7 * 3600)    /* UTC+7, no DST */

enum intake_outcome {
    INTAKE_ACCEPTED = 0,
    INTAKE_SUPERSEDED,
    INTAKE_DUPLICATE,
    INTAKE_REJECTED
};

/* Why a record was rejected or is a duplicate. */
enum intake_reason {
    INTAKE_R_NONE = 0,
    INTAKE_R_INVALID_UTF8,
    INTAKE_R_RAGGED_ROW,
    INTAKE_R_MISSING_REQUIRED,
    INTAKE_R_HHID_MALFORMED,
    INTAKE_R_BAD_CHECK,
    INTAKE_R_UNKNOWN_HHID,
    INTAKE_R_BAD_VALUE,
    INTAKE_R_SAME_ID,           /* duplicate: submission id seen before */
    INTAKE_R_IDENTICAL,         /* duplicate: every field identical */
    INTAKE_R_NO_TIME,           /* submission time is a date only */
    INTAKE_R_REVIEW_REJECTED,   /* the reviewer rejected the report */
    INTAKE_R_STRAY_QUOTE,       /* a field's quote was never closed */
    INTAKE_NREASONS
};

/* What the reviewer said (ODK ReviewState, Kobo _validation_status). */
enum intake_review {
    INTAKE_REVIEW_NONE = 0,     /* nothing, received, approved, edited */
    INTAKE_REVIEW_FLAGGED,      /* hasIssues, On Hold: accepted, flagged */
    INTAKE_REVIEW_REJECTED      /* rejected, Not Approved: not accepted */
};

/* Order of the day and month in a slashed date ("5/1/2025"). */
enum intake_date_order {
    INTAKE_ORDER_UNKNOWN = 0,   /* day first, as the Thai locale writes */
    INTAKE_ORDER_DMY,
    INTAKE_ORDER_MDY
};

/* How a timestamp parsed (intake_parse_time_ex). */
enum intake_time_kind {
    INTAKE_TIME_OK = 0,
    INTAKE_TIME_BAD,            /* not a timestamp */
    INTAKE_TIME_DATE_ONLY       /* a date without a time of day */
};

/* 4T categories, canonical English keys as kobo writes them. */
enum intake_category {
    INTAKE_CAT_ATTITUDE = 1,
    INTAKE_CAT_SKILLS,
    INTAKE_CAT_RESOURCES,
    INTAKE_CAT_WAY_OUT
};

/* A report names a set of 4T factors: bit (1 << (c - 1)) for category c. */
#define INTAKE_CAT_BIT(c) (1 << ((c) - 1))

const char *intake_outcome_name(int outcome);   /* "accepted"... */
const char *intake_reason_name(int reason);     /* "" for NONE */
const char *intake_category_name(int cat);      /* "attitude"... */
/* The set as stored and exported: canonical names in 4T order separated by
 * one space ("skills resources"); "" for the empty set. */
const char *intake_category_set_name(int set, char out[48]);

struct ff_payload_cfg;

/*
 * Which household codes exist: known(ctx, code) returns 1 when the 11-digit
 * code is in the register snapshot.  The household field is parsed by
 * core/hhid.c's ff_payload_parse with payload (NULL: no key; a bare code or
 * CODE-C with the Damm check digit).
 */
struct intake_rules_ctx {
    int (*known)(void *ctx, const char *code);
    const struct ff_payload_cfg *payload;
    void *ctx;
    int date_order;         /* enum intake_date_order of this file */
};

/* A record after the rules; strings point into the CSV record. */
struct intake_checked {
    int outcome;            /* INTAKE_REJECTED, or INTAKE_ACCEPTED = valid */
    int reason;             /* enum intake_reason */
    long col;               /* 1-based field that decided it, or 0 */
    char hhid[12];          /* the code when it parsed, else "" */
    char month[8];          /* "YYYY-MM" CE when it parsed, else "" */
    long long submitted;    /* UTC seconds since 1970 when parsed */
    int has_submitted;
    int late;               /* 1 late, 0 on time, -1 unknown */
    int category;           /* set of INTAKE_CAT_BIT(enum intake_category) */
    int status;             /* 1..4 */
    int review;             /* enum intake_review */
    int fault;              /* logical field that decided, or -1 */
    /* A short human message on what decided (never a personal value). */
    const char *detail;
    double income;
    int has_income;
    /* Verbatim (untrimmed) mapped fields, NULL when unmapped or ragged. */
    const char *field[INTAKE_NFIELDS];
    size_t field_len[INTAKE_NFIELDS];
};

/*
 * Apply the rejection rules, in order, to a data record with nfields fields
 * and bad_utf8_field (1-based, 0 when all valid) as found by the reader.
 * Fills *out; never fails.
 */
void intake_rules_check(const struct intake_layout *lay,
                        const struct intake_rules_ctx *rc,
                        char *const *fields, const size_t *lens,
                        size_t nfields, long bad_utf8_field,
                        struct intake_checked *out);

/* UTC seconds of the end of the 20th (23:59:59 Bangkok) of a "YYYY-MM". */
long long intake_deadline_utc(const char *month);

/*
 * Parse a timestamp: ISO 8601 "YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|+07:00]" or
 * the Thai-locale "D/M/YYYY, H:MM[:SS]".  A year above 2400 is Buddhist
 * Era.  Without an offset the time is in zone (enum intake_zone).  Returns
 * 0 and *utc, or -1.  Same as intake_parse_time_ex with the day first.
 */
int intake_parse_time(const char *s, size_t n, int zone, long long *utc);

/*
 * Every timestamp form the services write: ISO 8601 (Kobo, ODK), Google
 * Sheets' locale forms "5/1/2568, 9:13:07", "1/6/69 9:13" (two-digit BE
 * year), "5/1/2025 9:13:07", "1/5/2025 9:13:07 PM", and Google Forms'
 * download "2025/01/05 9:13:07 AM GMT+7".  order (enum intake_date_order)
 * says which of the first two numbers of "A/B/YEAR" is the day.  Returns
 * enum intake_time_kind; *utc is set for INTAKE_TIME_OK.
 */
int intake_parse_time_ex(const char *s, size_t n, int zone, int order,
                         long long *utc);

/*
 * What one timestamp says about its file's day/month order: the order it
 * forces (a number above 12, or a Buddhist year: the Thai locale is day
 * first), INTAKE_ORDER_UNKNOWN for a slashed date that could be either, or
 * -1 when it is not an "A/B/YEAR" date at all.
 */
int intake_time_order_hint(const char *s, size_t n);

/* The reviewer's verdict in a ReviewState or _validation_status value. */
int intake_parse_review(const char *s, size_t n);

/*
 * Parse a reported month: "2025-01", "2568-01" (BE), "มกราคม 2568",
 * "ม.ค. 2568" or "ม.ค. 68" (Thai name + year, BE when above 2400; a
 * two-digit year is BE 25xx).  Writes "YYYY-MM" CE into out and returns 0,
 * or -1.
 */
int intake_parse_month(const char *s, size_t n, char out[8]);

/* Civil date to days since 1970-01-01 (proleptic Gregorian). */
long long intake_days_from_civil(long long y, int m, int d);

/* UTC seconds to Bangkok local "YYYY-MM-DD HH:MM:SS" into out. */
void intake_format_bangkok(long long utc, char out[32]);

#endif
