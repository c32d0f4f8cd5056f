/*
 * test_packet.c - packet groups: exact keys (a village is its full village
 * code) and file names that never collide within a run.
 */
#include "check.h"

#include "alloc.h"
#include "packet.h"
#include "register.h"

static void set(struct ff_household *h, const char *vcode, int vno,
                const char *vname)
{
    memset(h, 0, sizeof *h);
    snprintf(h->village_code, sizeof h->village_code, "%s", vcode);
    snprintf(h->subdistrict_code, sizeof h->subdistrict_code, "%.6s", vcode);
    snprintf(h->district_code, sizeof h->district_code, "%.4s", vcode);
    h->village_no = vno;
    h->village_name = vname;
    h->district = "เมืองฉะเชิงเทรา";
    h->subdistrict = "หน้าเมือง";
}

int main(void)
{
    struct ff_household h[5];
    const struct ff_household *v[5];
    struct gen_group_span *g = NULL;
    struct ff_err e;
    size_t n = 0, i;

    set(&h[0], "24010106", 6, "บ้านหก");
    set(&h[1], "240101206", 206, "บ้านหก");
    set(&h[2], "2401010601", 6, "บ้านหก");
    /* The same village again after another one (input not in walking
     * order): its own group, and a file name of its own. */
    set(&h[3], "24010107", 7, "บ้านเจ็ด");
    set(&h[4], "24010106", 6, "บ้านหก");
    for (i = 0; i < 5; i++)
        v[i] = &h[i];
    ff_err_clear(&e);
    CHECK_INT(gen_packet_groups(v, 5, GEN_BY_VILLAGE, &g, &n, &e), FF_OK);
    CHECK_INT(n, 5);
    if (n == 5) {
        CHECK_STR(g[0].code, "24010106");
        CHECK_STR(g[1].code, "240101206");
        CHECK_STR(g[2].code, "2401010601");
        CHECK_STR(g[0].file, "24010106-บ้านหก.pdf");
        CHECK_STR(g[1].file, "240101206-บ้านหก.pdf");
        CHECK_STR(g[2].file, "2401010601-บ้านหก.pdf");
        CHECK_STR(g[3].file, "24010107-บ้านเจ็ด.pdf");
        CHECK_STR(g[4].file, "24010106-บ้านหก-2.pdf");
    }
    ff_free(g);
    return check_done("test_packet");
}
