/*
 * cli.c - parsing ffgen's options and running its commands.
 *
 * Register rows that fail validation are printed here, one per line as
 * "ffgen: file:line:col: reason", and the run goes on with the good rows.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "outfile.h"
#include "hhid.h"
#include "hmac.h"
#include "paths.h"
#include "qr.h"
#include "province.h"
#include "register.h"
#include "thai.h"

#include "folders.h"
#include "form.h"
#include "labels.h"
#include "packet.h"
#include "summary.h"
#include "vars.h"

/* QR PNG module size: 0.5 mm reads well off stickers and screens. */
#define GEN_PNG_MODULE_MM 0.5

static int need_value(int i, int argc, char **argv, struct ff_err *e)
{
    if (i + 1 >= argc)
        return ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "option '%s' needs a "
                          "value", argv[i]);
    return FF_OK;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (*s == '\0' || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int gen_cli_parse(struct gen_cli *c, int argc, char **argv, struct ff_err *e)
{
    int i, positional = 0;
    long v;

    memset(c, 0, sizeof *c);
    c->command = argv[1];
    c->docs = GEN_DOC_ALL;
    c->dpi = 300;
    c->threshold = GEN_BMN_THRESHOLD;
    c->sel.statuses = 1u << 1;
    c->quiet = !isatty(STDERR_FILENO);
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];

#define VALUE()                                                             \
    do {                                                                    \
        if (need_value(i, argc, argv, e))                                   \
            return e->code;                                                 \
        i++;                                                                \
    } while (0)
        if (strcmp(a, "-o") == 0) {
            VALUE();
            c->out = argv[i];
        } else if (strcmp(a, "--status") == 0) {
            int s;

            VALUE();
            if ((s = gen_select_parse_statuses(argv[i])) < 0)
                return ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "--status '%s' "
                                  "is not a list of 0-4", argv[i]);
            c->sel.statuses = (unsigned)s;
        } else if (strcmp(a, "--district") == 0) {
            VALUE();
            c->sel.districts = argv[i];
        } else if (strcmp(a, "--only") == 0) {
            VALUE();
            c->sel.only = argv[i];
        } else if (strcmp(a, "--changed") == 0) {
            VALUE();
            c->changed = argv[i];
        } else if (strcmp(a, "--doc") == 0) {
            int d;

            VALUE();
            if ((d = gen_doc_parse(argv[i])) <= 0)
                return ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "--doc '%s' is "
                                  "not folder, plan, results or all",
                                  argv[i]);
            c->docs = (unsigned)d;
        } else if (strcmp(a, "-j") == 0) {
            VALUE();
            if (parse_long(argv[i], 1, 256, &v))
                return ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "-j '%s' is not "
                                  "1-256", argv[i]);
            c->jobs = (int)v;
        } else if (strcmp(a, "--columns") == 0) {
            VALUE();
            c->columns = argv[i];
        } else if (strcmp(a, "--qr-config") == 0) {
            VALUE();
            c->qr_config = argv[i];
        } else if (strcmp(a, "--key") == 0) {
            VALUE();
            c->key = argv[i];
        } else if (strcmp(a, "--by") == 0) {
            VALUE();
            c->by = argv[i];
        } else if (strcmp(a, "--layout") == 0) {
            VALUE();
            c->layout = argv[i];
        } else if (strcmp(a, "--data-date") == 0) {
            int y, m, d;

            VALUE();
            if (ff_date_parse(argv[i], &y, &m, &d))
                return ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "--data-date "
                                  "'%s' is not a date YYYY-MM-DD (BE or CE)",
                                  argv[i]);
            c->data_date = argv[i];
        } else if (strcmp(a, "--cut-marks") == 0) {
            c->cut_marks = 1;
        } else if (strcmp(a, "--threshold") == 0) {
            char *end;

            VALUE();
            c->threshold = strtod(argv[i], &end);
            if (*end != '\0' || c->threshold <= 0)
                return ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "--threshold "
                                  "'%s' is not a positive number", argv[i]);
        } else if (strcmp(a, "--dpi") == 0) {
            VALUE();
            if (parse_long(argv[i], 72, 2400, &v))
                return ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "--dpi '%s' is "
                                  "not 72-2400", argv[i]);
            c->dpi = (int)v;
        } else if (strcmp(a, "--png") == 0) {
            c->png = 1;
        } else if (strcmp(a, "--strict") == 0) {
            c->strict = 1;
        } else if (strcmp(a, "-q") == 0) {
            c->quiet = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "unknown option "
                              "'%s'", a);
        } else if (positional++ == 0) {
            c->reg_path = a;
        } else {
            return ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "unexpected "
                              "argument '%s'", a);
        }
#undef VALUE
    }
    if (strcmp(c->command, "form") == 0 && c->reg_path)
        return ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "'form' takes no "
                          "register (it writes templates/report-form.def "
                          "as a form)");
    if (strcmp(c->command, "key") != 0 && strcmp(c->command, "form") != 0 &&
        c->reg_path == NULL)
        return ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "'%s' needs a register "
                          "CSV", c->command);
    if (c->out == NULL)
        return ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "'%s' needs -o",
                          c->command);
    return gen_select_check(&c->sel, e);
}

/*
 * A path from the command line made safe to print (err.h): a file name
 * from a shell glob may hold escape sequences.  Returns buf.
 */
static const char *shown(char *buf, size_t size, const char *path)
{
    ff_err_escape(buf, size, path, strlen(path));
    return buf;
}

static void show_progress(const char *what, size_t done, size_t total)
{
    if (done == total || done % 16 == 0)
        fprintf(stderr, "\rffgen: %zu/%zu %s", done, total, what);
    if (done == total)
        fputc('\n', stderr);
}

static void progress(void *ctx, size_t done, size_t total)
{
    show_progress(ctx, done, total);
}

/* Text cut to fit a box (never its value; see vars.h).  One fprintf per
 * message, so that lines from worker threads do not interleave. */
static void warn(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "ffgen: warning: %s\n", msg);
}

/* Load a register and print its bad rows; NULL on a fatal error. */
static struct ff_register *load_register(struct gen_cli *c, const char *path,
                                         struct ff_err *e)
{
    struct ff_register *r = ff_register_load(path, c->columns, e);
    char msg[700], p[1100];
    size_t i;

    struct ff_err w;

    if (r == NULL)
        return NULL;
    for (i = 0; i < r->nbad_kept; i++)
        fprintf(stderr, "ffgen: %s\n",
                ff_err_str(&r->bad[i], msg, sizeof msg));
    if (r->nbad > r->nbad_kept)
        fprintf(stderr, "ffgen: %zu more rows rejected, not listed (counted "
                        "by reason below)\n", r->nbad - r->nbad_kept);
    for (i = 0; ff_register_warning(r, i, &w); i++)
        fprintf(stderr, "ffgen: warning: %s\n",
                ff_err_str(&w, msg, sizeof msg));
    c->rejected += r->nbad;
    fprintf(stderr, "ffgen: %s: %s\n", shown(p, sizeof p, path),
            ff_register_describe(r, msg, sizeof msg));
    /* A mostly-rejected register is refused, never half-used. */
    if (ff_register_check_usable(r, e) != FF_OK) {
        ff_register_free(r);
        return NULL;
    }
    return r;
}

/*
 * The data's date for the summary: --data-date, else the day the register
 * file was last written (its export date), in Bangkok time; for "-" that
 * of the file redirected to standard input.
 */
static int data_date(const struct gen_cli *c, struct gen_summary_opts *o,
                     struct ff_err *e)
{
    struct stat sb;

    if (c->data_date)
        return ff_date_parse(c->data_date, &o->year, &o->month, &o->day)
                   ? ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "bad --data-date")
                   : FF_OK;
    if (strcmp(c->reg_path, "-") == 0) {
        /* Standard input: a file redirected there still has its date; a
         * pipe has none. */
        if (fstat(0, &sb) != 0 || !S_ISREG(sb.st_mode))
            return ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "the register comes "
                              "from a pipe, which has no date: give "
                              "--data-date");
    } else if (stat(c->reg_path, &sb) != 0) {
        return ff_err_sys(e, c->reg_path, "cannot read the register's date");
    }
    ff_date_bangkok((long long)sb.st_mtime, &o->year, &o->month, &o->day);
    return FF_OK;
}

static int run_summary(struct gen_cli *c, struct ff_err *e)
{
    struct ff_register *r = load_register(c, c->reg_path, e);
    struct gen_summary_opts o;
    struct ff_province pv;
    struct gen_summary s;
    char where[1100];
    int rc;

    if (r == NULL)
        return e->code;
    memset(&o, 0, sizeof o);
    o.province = &pv;
    if ((rc = data_date(c, &o, e)) || (rc = ff_province_load(&pv, NULL, e))) {
        ff_register_free(r);
        return rc;
    }
    rc = gen_summary_build(&s, r, e);
    if (rc == FF_OK) {
        rc = gen_summary_write(&s, c->out, &o, e);
        gen_summary_release(&s);
    }
    shown(where, sizeof where, c->out);
    if (rc == FF_OK)
        printf("wrote %s/summary.csv and %s/summary.pdf\n", where, where);
    ff_register_free(r);
    return rc;
}

/* One PNG per household, committed in groups (outfile.h) like folders. */
static int write_pngs(struct gen_cli *c, const struct ff_payload_cfg *cfg,
                      const struct ff_household **v, size_t n,
                      struct ff_err *e)
{
    struct ff_outgroup *g = ff_outgroup_new(64, e);
    struct ff_err e2;
    size_t i;
    int rc = FF_OK;

    if (g == NULL)
        return e->code;
    rc = gen_district_dirs(c->out, v, n, e);
    for (i = 0; i < n && rc == FF_OK; i++) {
        char token[128], path[1100];
        struct ff_qr *q = gen_household_qr(cfg, v[i]->code, token,
                                           sizeof token, e);

        if (q == NULL) {
            rc = e->code;
            break;
        }
        snprintf(path, sizeof path, "%s/%s/%s.png", c->out,
                 v[i]->district_code, v[i]->code);
        rc = ff_qr_write_png_to(q, path, c->dpi, GEN_PNG_MODULE_MM, g, e);
        ff_qr_free(q);
        if (rc == FF_OK && !c->quiet)
            show_progress("QR codes", i + 1, n);
    }
    /* The PNGs finished before any failure still land. */
    ff_err_clear(&e2);
    if (ff_outgroup_commit(g, &e2) != FF_OK && rc == FF_OK) {
        *e = e2;
        rc = e->code;
    }
    ff_outgroup_free(g);
    return rc;
}

static char households_word[] = "households";
static char packets_word[] = "packets";

static int run_selected(struct gen_cli *c, struct ff_err *e)
{
    struct ff_register *r = NULL, *old = NULL;
    struct ff_payload_cfg *cfg = NULL;
    const struct ff_household **v = NULL;
    char conf[1024], where[1100];
    size_t n = 0;
    int rc = FF_OK;

    if ((r = load_register(c, c->reg_path, e)) == NULL)
        return e->code;
    if (c->changed) {
        if ((old = load_register(c, c->changed, e)) == NULL) {
            rc = e->code;
            goto out;
        }
        c->sel.old = old;
    }
    cfg = ff_payload_cfg_load(c->qr_config ? c->qr_config
                                           : ff_template_path("qr.conf", conf,
                                                              sizeof conf),
                              c->key, e);
    if (cfg == NULL) {
        rc = e->code;
        goto out;
    }
    if ((v = gen_select_run(&c->sel, r, &n, e)) == NULL) {
        rc = e->code;
        goto out;
    }
    if (strcmp(c->command, "qr") == 0) {
        if (!c->png) {
            rc = ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "'qr' needs --png");
            goto out;
        }
        rc = write_pngs(c, cfg, v, n, e);
        if (rc == FF_OK)
            printf("wrote %zu QR codes under %s/\n", n,
                   shown(where, sizeof where, c->out));
    } else if (strcmp(c->command, "packet") == 0) {
        struct gen_packet_opts o;
        size_t written = 0;
        int by = gen_group_parse(c->by ? c->by : "village");

        if (by < 0) {
            rc = ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "--by '%s' is not "
                            "village, subdistrict or district", c->by);
            goto out;
        }
        memset(&o, 0, sizeof o);
        o.out_dir = c->out;
        o.by = by;
        o.docs = c->docs;
        o.jobs = c->jobs;
        o.threshold = c->threshold;
        o.payload = cfg;
        o.progress = c->quiet ? NULL : progress;
        o.progress_ctx = packets_word;
        o.warn = warn;
        rc = gen_packet_run(&o, v, n, &written, e);
        if (rc == FF_OK)
            printf("wrote %zu packets (%zu households) under %s/\n", written,
                   n, shown(where, sizeof where, c->out));
    } else if (strcmp(c->command, "labels") == 0) {
        struct gen_labels_opts o;

        memset(&o, 0, sizeof o);
        o.out_path = c->out;
        o.layout = c->layout;
        o.cut_marks = c->cut_marks;
        o.payload = cfg;
        o.warn = warn;
        rc = gen_labels_run(&o, v, n, e);
        if (rc == FF_OK)
            printf("wrote %zu labels to %s\n", n,
                   shown(where, sizeof where, c->out));
    } else {
        struct gen_folders_opts o;

        memset(&o, 0, sizeof o);
        o.out_dir = c->out;
        o.docs = c->docs;
        o.jobs = c->jobs;
        o.threshold = c->threshold;
        o.payload = cfg;
        o.progress = c->quiet ? NULL : progress;
        o.progress_ctx = households_word;
        o.warn = warn;
        rc = gen_folders_run(&o, v, n, e);
        if (rc == FF_OK)
            printf("wrote %zu PDFs, one per household, under %s/<district>/\n", n,
                   shown(where, sizeof where, c->out));
    }
out:
    ff_free(v);
    ff_payload_cfg_free(cfg);
    ff_register_free(old);
    ff_register_free(r);
    return rc;
}

int gen_cli_run(struct gen_cli *c, struct ff_err *e)
{
    if (strcmp(c->command, "summary") == 0)
        return run_summary(c, e);
    if (strcmp(c->command, "folders") == 0 || strcmp(c->command, "qr") == 0 ||
        strcmp(c->command, "packet") == 0 || strcmp(c->command, "labels") == 0)
        return run_selected(c, e);
    if (strcmp(c->command, "form") == 0) {
        char def[1024];
        int n = 0;

        ff_template_path("report-form.def", def, sizeof def);
        if (gen_form_write(def, c->out, &n, e))
            return e->code;
        printf("wrote %s: the monthly report form, %d questions (from %s)\n",
               c->out, n, def);
        return FF_OK;
    }
    if (strcmp(c->command, "key") == 0) {
        char where[1100];

        if (ff_key_create(c->out, e))
            return e->code;
        printf("created key file %s (mode 0600); keep it secret and give "
               "the same file to ffintake --key\n",
               shown(where, sizeof where, c->out));
        return FF_OK;
    }
    return ff_err_set(e, FF_EUSAGE, NULL, 0, 0, "unknown command '%s'",
                      c->command);
}
