/*
 * check.h - the whole unit-test harness (after Redis's testhelp.h).
 *
 * CHECK(cond) records a failure with file:line and goes on; CHECK_STR and
 * CHECK_INT show both values.  A test program ends with `return check_done();`
 * which prints a one-line summary and exits non-zero if anything failed.
 */
#ifndef FF_CHECK_H
#define FF_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failed, check_total;

#define CHECK(cond)                                                         \
    do {                                                                    \
        check_total++;                                                      \
        if (!(cond)) {                                                      \
            check_failed++;                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,          \
                    __LINE__, #cond);                                       \
        }                                                                   \
    } while (0)

#define CHECK_INT(got, want)                                                \
    do {                                                                    \
        long long g_ = (long long)(got), w_ = (long long)(want);            \
        check_total++;                                                      \
        if (g_ != w_) {                                                     \
            check_failed++;                                                 \
            fprintf(stderr, "%s:%d: %s is %lld, want %lld\n", __FILE__,     \
                    __LINE__, #got, g_, w_);                                \
        }                                                                   \
    } while (0)

#define CHECK_STR(got, want)                                                \
    do {                                                                    \
        const char *g_ = (got), *w_ = (want);                               \
        check_total++;                                                      \
        if (g_ == NULL || strcmp(g_, w_) != 0) {                            \
            check_failed++;                                                 \
            fprintf(stderr, "%s:%d: %s is '%s', want '%s'\n", __FILE__,     \
                    __LINE__, #got, g_ ? g_ : "(null)", w_);                \
        }                                                                   \
    } while (0)

static int check_done(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, check_total, check_failed);
    return check_failed ? 1 : 0;
}

/*
 * A private temporary directory for one test program, under $TMPDIR (or
 * /tmp): ffkit-NAME-XXXXXX, into dir.  0, or -1 after saying why.
 */
static inline int check_tmpdir(char *dir, size_t size, const char *name)
{
    const char *base = getenv("TMPDIR");

    snprintf(dir, size, "%s/ffkit-%s-XXXXXX", base && *base ? base : "/tmp",
             name);
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return -1;
    }
    return 0;
}

#endif
