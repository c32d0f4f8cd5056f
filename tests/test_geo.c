/* test_geo.c - the DOPA geography table: names as offices type them,
 * codes, and the nearest names for a misspelt one. */
#include "check.h"

#include "alloc.h"
#include "geo.h"

static const char *find(const struct ff_geo *g, int level, const char *parent,
                        const char *name)
{
    const struct ff_geo_place *p =
        ff_geo_find_name(g, level, parent, name, strlen(name));

    return p ? p->code : "-";
}

int main(void)
{
    struct ff_err e;
    struct ff_geo *g;
    const struct ff_geo_place *p;
    char near[400];
    long i;

    ff_err_clear(&e);
    g = ff_geo_load(NULL, &e);
    CHECK(g != NULL);
    if (g == NULL)
        return check_done("test_geo");
    CHECK_STR(find(g, FF_GEO_PROVINCE, NULL, "ฉะเชิงเทรา"), "24");
    CHECK_STR(find(g, FF_GEO_PROVINCE, NULL, "จังหวัดฉะเชิงเทรา"), "24");
    CHECK_STR(find(g, FF_GEO_PROVINCE, NULL, "จ. ฉะเชิงเทรา"), "24");
    CHECK_STR(find(g, FF_GEO_PROVINCE, NULL, "กรุงเทพมหานคร"), "10");
    CHECK_STR(find(g, FF_GEO_DISTRICT, "24", "เมืองฉะเชิงเทรา"), "2401");
    CHECK_STR(find(g, FF_GEO_DISTRICT, "24", "อำเภอบางคล้า"), "2402");
    CHECK_STR(find(g, FF_GEO_DISTRICT, "24", "อ.บางคล้า"), "2402");
    CHECK_STR(find(g, FF_GEO_DISTRICT, "24", " อ. บาง คล้า "), "2402");
    CHECK_STR(find(g, FF_GEO_DISTRICT, "24", "อำเภอเมือง"), "2401");
    CHECK_STR(find(g, FF_GEO_DISTRICT, "24", "เมือง"), "2401");
    /* Bangkok's khet keep เขต in the table; with or without it matches. */
    CHECK_STR(find(g, FF_GEO_DISTRICT, "10", "เขตพระนคร"), "1001");
    CHECK_STR(find(g, FF_GEO_DISTRICT, "10", "พระนคร"), "1001");
    /* Scoped: a name of another province is not a district here. */
    CHECK_STR(find(g, FF_GEO_DISTRICT, "24", "พระนคร"), "-");
    CHECK_STR(find(g, FF_GEO_DISTRICT, "24", "บางคล้า2"), "-");
    CHECK_STR(find(g, FF_GEO_SUBDISTRICT, "2401", "ตำบลหน้าเมือง"), "240101");
    CHECK_STR(find(g, FF_GEO_SUBDISTRICT, "2401", "ต.คลองนา"), "240104");
    CHECK_STR(find(g, FF_GEO_SUBDISTRICT, "2402", "บางคล้า"), "240201");
    CHECK_STR(find(g, FF_GEO_SUBDISTRICT, "2402", "หน้าเมือง"), "-");
    /* "ตำบล" alone is not a name with its prefix dropped to nothing. */
    CHECK_STR(find(g, FF_GEO_SUBDISTRICT, "2401", "ตำบล"), "-");

    p = ff_geo_find_code(g, FF_GEO_DISTRICT, "2402");
    CHECK(p && strcmp(p->name, "บางคล้า") == 0);
    CHECK(ff_geo_find_code(g, FF_GEO_DISTRICT, "2499") == NULL);
    CHECK(ff_geo_find_code(g, FF_GEO_SUBDISTRICT, "24010") == NULL);
    p = ff_geo_find_code(g, FF_GEO_SUBDISTRICT, "240101");
    CHECK(p && strcmp(p->name, "หน้าเมือง") == 0);

    ff_geo_nearest(g, FF_GEO_DISTRICT, "24", "บางคลา", strlen("บางคลา"),
                   near, sizeof near);
    CHECK(strncmp(near, "บางคล้า (2402), ", strlen("บางคล้า (2402), ")) ==
          0);
    ff_geo_nearest(g, FF_GEO_PROVINCE, NULL, "ฉะเชิงเทร", strlen("ฉะเชิงเทร"),
                   near, sizeof near);
    CHECK(strncmp(near, "ฉะเชิงเทรา (24)", strlen("ฉะเชิงเทรา (24)")) == 0);
    ff_geo_free(g);
    ff_geo_free(NULL);

    ff_err_clear(&e);
    CHECK(ff_geo_load("tests/data/no-such-geo.csv", &e) == NULL);
    CHECK_INT(e.code, FF_ESYS);

    /* Out of memory anywhere while loading: an error, never a crash. */
    for (i = 1; i < 20000; i += 997) {
        ff_err_clear(&e);
        ff_alloc_fail_after(i);
        g = ff_geo_load(NULL, &e);
        ff_alloc_fail_after(0);
        CHECK(g != NULL || e.code == FF_ESYS);
        ff_geo_free(g);
    }
    return check_done("test_geo");
}
