/*
 * geo.h - Thailand's provinces, districts (amphoe) and subdistricts (tambon)
 * with their DOPA codes, read from templates/geo/th-admin.csv.
 *
 * The register names places as offices type them ("อ.เมืองฉะเชิงเทรา",
 * "ตำบล คลองนา", "จ.ฉะเชิงเทรา"); this module turns such a name into the
 * place's DOPA code and canonical name, so that everything grouped by place
 * groups on codes that mean something.  The household code never enters
 * here: it is a civil-registration office code, not a place code (a
 * municipality has an office of its own, 2499, 2498, ...).
 *
 * Matching ignores white space and a leading prefix: จังหวัด/จ. for
 * provinces; อำเภอ/อ./กิ่งอำเภอ/เขต for districts (Bangkok's names keep
 * their เขต in the table, so it is dropped on both sides); ตำบล/ต./แขวง for
 * subdistricts.  A bare "เมือง" is the province's เมือง district.
 */
#ifndef FF_GEO_H
#define FF_GEO_H

#include <stddef.h>

#include "err.h"

enum ff_geo_level {
    FF_GEO_PROVINCE = 0,    /* 2-digit code */
    FF_GEO_DISTRICT = 1,    /* 4 digits: province + 2 */
    FF_GEO_SUBDISTRICT = 2  /* 6 digits: district + 2 */
};

struct ff_geo_place {
    char code[7];           /* 2, 4 or 6 ASCII digits */
    const char *name;       /* Thai name as in the table */
};

struct ff_geo;

/*
 * Read the table at path (NULL: geo/th-admin.csv in the template directory,
 * see paths.h).  NULL with e filled (the file, FF_ESYS) when it cannot be
 * read, or FF_EINPUT at file:line when a row is malformed.  Caller frees
 * with ff_geo_free().
 */
struct ff_geo *ff_geo_load(const char *path, struct ff_err *e);

void ff_geo_free(struct ff_geo *g);

/*
 * The place of this level named s[0..n) inside the place parent_code (a
 * province code for a district, a district code for a subdistrict; ignored
 * for a province), or NULL.  The returned place lives as long as g.
 */
const struct ff_geo_place *ff_geo_find_name(const struct ff_geo *g,
                                            int level,
                                            const char *parent_code,
                                            const char *s, size_t n);

/* The place with this code (2, 4 or 6 digits by level), or NULL. */
const struct ff_geo_place *ff_geo_find_code(const struct ff_geo *g,
                                            int level, const char *code);

/*
 * The (up to) three names of this level inside parent_code nearest to
 * s[0..n) by edit distance over code points, as "name (code), name (code)"
 * into out[0..size).  Returns out.
 */
const char *ff_geo_nearest(const struct ff_geo *g, int level,
                           const char *parent_code, const char *s, size_t n,
                           char *out, size_t size);

#endif
