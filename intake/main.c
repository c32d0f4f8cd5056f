/*
 * main.c - ffintake: QR-keyed monthly reports into the results ledger.
 *
 * Thin by design (Lua's lua.c): parse the command line into an options
 * struct, run one command, print its summary or the one error, exit with a
 * documented code.  Nothing here prints a name, citizen ID, phone number or
 * any other field of a record: summaries are counts, errors are positions.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "alloc.h"
#include "dialect.h"
#include "err.h"
#include "fault.h"
#include "hhid.h"
#include "ledger.h"
#include "load.h"
#include "regimport.h"
#include "paths.h"
#include "register.h"
#include "export.h"
#include "recon.h"
#include "report.h"
#include "summary.h"
#include "rules.h"
#include "servecmd.h"

static const char usage[] =
    "usage: ffintake register REGISTER.csv --ledger L.db [--survey-year Y]\n"
    "                         [--threshold BAHT] [--columns MAP]\n"
    "       ffintake load --ledger L.db [--outcomes OUT.csv]\n"
    "                     [--dialects MAP] [--qr-config CONF] [--key KEY]\n"
    "                     [--date-order dmy|mdy]\n"
    "                     FILE.csv... ('-' reads standard input)\n"
    "       ffintake report --ledger L.db --month YYYY-MM -o DIR\n"
    "                       [--threshold BAHT] [--no-pdf] [--group-read]\n"
    "       ffintake export --ledger L.db --month YYYY-MM -o FILE.csv [--redact]\n"
    "       ffintake check --ledger L.db\n"
    "       ffintake serve --ledger L.db [--listen 127.0.0.1:8080]\n"
    "                      [--write-timeout MS] [--secure-cookies]\n"
    "                      [--ffgen PATH --register REGISTER.csv]\n"
    "       ffintake token add NAME | list | revoke NAME --ledger L.db\n"
    "       ffintake user add NAME --ledger L.db   (password on stdin)\n"
    "       ffintake pull --ledger L.db --kobo URL --asset UID --token-file F\n"
    "       ffintake pull --ledger L.db --odk URL --project N --form ID\n"
    "                     --credentials-file F\n"
    "       ffintake watch --ledger L.db DIR [--once]\n"
    "       ffintake migrate --ledger L.db\n"
    "\n"
    "Monthly results of target poor households, reported through QR-coded\n"
    "web forms (KoboToolbox, Google Forms, ODK...), into one SQLite ledger.\n"
    "\n";
/* Two strings: C99 compilers need not take a literal over 4,095 bytes. */
static const char usage_commands[] =
    "  register  store a validated household register as a new snapshot\n"
    "  load      detect each file's dialect, classify every record (accepted,\n"
    "            duplicate, superseded, rejected; late) and store it, all\n"
    "            files in one transaction; a file loaded before is skipped\n"
    "  report    reconciliation.csv, .xlsx and .pdf of a month in DIR\n"
    "  export    the accepted records of a month, CSV in UTF-8 with BOM\n"
    "  check     SQLite's integrity check and the ledger's own invariants;\n"
    "            prints each problem, exit 1 if there is any\n"
    "  serve     HTTP: hooks from the form services (POST /hooks/kobo,\n"
    "            /hooks/json with a token) and the month's pages for staff\n"
    "  token     hook tokens (printed once, stored hashed)\n"
    "  user      staff who sign in to the pages (Argon2id password)\n"
    "  pull      fetch what is new from KoboToolbox or ODK Central\n"
    "  watch     load each export file dropped into DIR, then move it to\n"
    "            DIR/loaded/ or DIR/failed/ with its summary beside it\n"
    "  migrate   bring a ledger of an older schema to this one (a load does\n"
    "            it too; report, export and check only read the ledger)\n"
    "\n"
    "options:\n"
    "  --ledger L.db       the ledger file (created by register, mode 0600)\n"
    "  --month M           2568-01 (BE) or 2025-01 (CE), or 'มกราคม 2568'\n"
    "  -o, --output P      output directory (report) or file (export)\n"
    "  --outcomes F        load: one line per input record to CSV file F\n"
    "  --redact            export: mask phone numbers and citizen IDs typed\n"
    "                      into free-text fields (runs of 9+ digits)\n"
    "  --dialects MAP      load: dialect map (default: the template dir's\n"
    "                      intake-dialects.map when present)\n"
    "  --qr-config CONF    load: QR payload config (default: the template\n"
    "                      dir's qr.conf); with a key, tags are checked\n"
    "  --key KEY           load: the province key file (overrides CONF's)\n"
    "  --date-order O      load: slashed dates (5/1/2025) are dmy (day first:\n"
    "                      Thai, UK locales) or mdy (US); default: decided\n"
    "                      from each file's dates, refused when they cannot\n"
    "                      tell\n"
    "  --columns MAP       register: column map (default: built in)\n"
    "  --survey-year Y     register: BMN survey year, BE (default 2567)\n"
    "  --threshold BAHT    income threshold, baht/person/year (default 38000\n"
    "                      at register; report uses the snapshot's)\n"
    "  --no-pdf            report: no reconciliation.pdf (an earlier one in\n"
    "                      DIR is removed: the files are one report)\n"
    "  --group-read        report, export, --outcomes: files readable by the\n"
    "                      group (0640) for a shared office folder; else 0600\n"
    "  -h, --help          this text\n"
    "\n"
    "exit status: 0 ok (rejected records are normal and counted), 1 input\n"
    "rejected (unreadable file, header of no dialect, no register), 2 usage,\n"
    "3 system or internal error.  See intake/README.md for the rules.\n"
    "\n"
    "environment: FFKIT_TEMPLATE_DIR (templates); for tests: FFKIT_FAIL_ALLOC=N\n"
    "(the N-th allocation fails), FFKIT_FAIL_WRITE=N (the N-th output file\n"
    "fails as on a full disk), FFKIT_FAIL_SQLITE_WRITE=N (the ledger's N-th\n"
    "write fails), FFKIT_ALLOC_STATS=1 (count allocations),\n"
    "FFKIT_MAX_INPUT_MIB=N (load: refuse inputs over N MiB; default 4096),\n"
    "FFKIT_KILL_AT_COMMIT=N (SIGKILL at the N-th output commit point)\n";

struct opts {
    const char *cmd;
    const char *ledger, *month, *output, *outcomes, *dialects, *columns;
    const char *qr_config, *key;
    int survey_year;
    int date_order;
    double threshold;
    int no_pdf;
    int redact;
    int group_read;
    char **files;
    int nfiles;
    char month_ce[8];
};

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Arguments are quoted in the message, so it is escaped (err.h). */
static int usage_error(const char *fmt, ...)
{
    char msg[512], shown[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ff_err_escape(shown, sizeof shown, msg, strlen(msg));
    fprintf(stderr, "ffintake: %s\n(see 'ffintake --help')\n", shown);
    return 2;
}

/* A path from the command line made safe to print; returns buf. */
static const char *shown(char *buf, size_t size, const char *path)
{
    ff_err_escape(buf, size, path, strlen(path));
    return buf;
}

static int parse_number(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);

    if (end == s || *end != '\0' || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

/* Returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        {"ledger", required_argument, NULL, 'l'},
        {"month", required_argument, NULL, 'm'},
        {"output", required_argument, NULL, 'o'},
        {"outcomes", required_argument, NULL, 'O'},
        {"dialects", required_argument, NULL, 'd'},
        {"columns", required_argument, NULL, 'c'},
        {"qr-config", required_argument, NULL, 'q'},
        {"key", required_argument, NULL, 'k'},
        {"survey-year", required_argument, NULL, 'y'},
        {"threshold", required_argument, NULL, 't'},
        {"no-pdf", no_argument, NULL, 'P'},
        {"redact", no_argument, NULL, 'R'},
        {"group-read", no_argument, NULL, 'G'},
        {"date-order", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    double v;
    int c;

    memset(o, 0, sizeof *o);
    o->survey_year = 2567;
    if (argc < 2)
        return usage_error("%s", "missing command");
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(usage, stdout), fputs(usage_commands, stdout);
        return 0;
    }
    o->cmd = argv[1];
    if (strcmp(o->cmd, "register") && strcmp(o->cmd, "load") &&
        strcmp(o->cmd, "report") && strcmp(o->cmd, "export") &&
        strcmp(o->cmd, "check") && strcmp(o->cmd, "migrate"))
        return usage_error("unknown command '%s'", o->cmd);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc - 1, argv + 1, "o:h", longopts, NULL)) !=
           -1) {
        switch (c) {
        case 'l': o->ledger = optarg; break;
        case 'm': o->month = optarg; break;
        case 'o': o->output = optarg; break;
        case 'O': o->outcomes = optarg; break;
        case 'd': o->dialects = optarg; break;
        case 'c': o->columns = optarg; break;
        case 'q': o->qr_config = optarg; break;
        case 'k': o->key = optarg; break;
        case 'P': o->no_pdf = 1; break;
        case 'R': o->redact = 1; break;
        case 'G': o->group_read = 1; break;
        case 'D':
            if (strcmp(optarg, "dmy") == 0)
                o->date_order = INTAKE_ORDER_DMY;
            else if (strcmp(optarg, "mdy") == 0)
                o->date_order = INTAKE_ORDER_MDY;
            else
                return usage_error("bad --date-order '%s' (dmy or mdy)",
                                   optarg);
            break;
        case 'y':
            if (parse_number(optarg, 2400, 2700, &v))
                return usage_error("bad --survey-year '%s' (a BE year)",
                                   optarg);
            o->survey_year = (int)v;
            break;
        case 't':
            if (parse_number(optarg, 1, 10000000, &v))
                return usage_error("bad --threshold '%s'", optarg);
            o->threshold = v;
            break;
        case 'h':
            fputs(usage, stdout), fputs(usage_commands, stdout);
            return 0;
        default:
            return usage_error("bad option '%s'", argv[optind]);
        }
    }
    o->files = argv + 1 + optind;
    o->nfiles = argc - 1 - optind;
    if (o->ledger == NULL)
        return usage_error("%s", "--ledger is required");
    if (o->month) {
        if (intake_parse_month(o->month, strlen(o->month), o->month_ce))
            return usage_error("bad --month '%s' (2568-01 or 2025-01)",
                               o->month);
    }
    if (strcmp(o->cmd, "register") == 0 && o->nfiles != 1)
        return usage_error("%s", "register takes one REGISTER.csv");
    if (strcmp(o->cmd, "load") == 0 && o->nfiles < 1)
        return usage_error("%s", "load needs at least one FILE.csv");
    if ((strcmp(o->cmd, "check") == 0 || strcmp(o->cmd, "migrate") == 0) &&
        o->nfiles)
        return usage_error("unexpected argument '%s'", o->files[0]);
    if ((strcmp(o->cmd, "report") == 0 || strcmp(o->cmd, "export") == 0)) {
        if (o->nfiles)
            return usage_error("unexpected argument '%s'", o->files[0]);
        if (o->month == NULL || o->output == NULL)
            return usage_error("%s", "--month and -o are required");
    }
    return -1;
}

/* Open the ledger and pass on what opening it had to say. */
static struct intake_ledger *open_ledger(const char *path, int how,
                                         struct ff_err *e)
{
    struct intake_ledger *L = how < 0 ? intake_ledger_open_ro(path, e)
                                      : intake_ledger_open(path, how, e);

    if (L && intake_ledger_warning(L))
        fprintf(stderr, "ffintake: warning: %s\n", intake_ledger_warning(L));
    if (L && intake_ledger_migrated_from(L))
        fprintf(stderr, "ffintake: %s: ledger migrated from schema version "
                "%d to %d\n", path, intake_ledger_migrated_from(L),
                INTAKE_LEDGER_SCHEMA);
    return L;
}

static void now_iso(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int cmd_register(const struct opts *o, struct ff_err *e)
{
    struct intake_ledger *L = open_ledger(o->ledger, 1, e);
    struct ff_register *reg = NULL;
    struct intake_register_result res;
    struct ff_err w;
    char now[32], buf[1200], p[1100];
    size_t i;
    int rc;

    if (L == NULL)
        return e->code;
    now_iso(now);
    rc = intake_register_import(L, o->files[0], o->columns, o->survey_year,
                                o->threshold > 0 ? o->threshold : 38000,
                                now, &reg, &res, e);
    /* Row errors name file, line and column; never the row's data. */
    for (i = 0; reg && i < reg->nbad_kept; i++)
        fprintf(stderr, "ffintake: warning: %s\n",
                ff_err_str(&reg->bad[i], buf, sizeof buf));
    if (reg && reg->nbad > reg->nbad_kept)
        fprintf(stderr, "ffintake: warning: %zu more rows rejected, not "
                        "listed (counted by reason below)\n",
                reg->nbad - reg->nbad_kept);
    for (i = 0; reg && ff_register_warning(reg, i, &w); i++)
        fprintf(stderr, "ffintake: warning: %s\n",
                ff_err_str(&w, buf, sizeof buf));
    if (reg)
        printf("%s: %s\n", shown(p, sizeof p, o->files[0]),
               ff_register_describe(reg, buf, sizeof buf));
    if (rc == FF_OK) {
        if (res.already)
            printf("%s: already in the ledger as register snapshot %ld; "
                   "nothing changed\n", shown(p, sizeof p, o->files[0]),
                   res.snapshot);
        else if (res.restored)
            printf("%s: stored before as snapshot %ld; current again as "
                   "register snapshot %ld: %ld households stored, %ld rows "
                   "rejected\n", shown(p, sizeof p, o->files[0]), res.restored,
                   res.snapshot, res.households, res.bad_rows);
        else
            printf("%s: register snapshot %ld: %ld households stored, %ld "
                   "rows rejected\n", shown(p, sizeof p, o->files[0]),
                   res.snapshot,
                   res.households, res.bad_rows);
    }
    ff_register_free(reg);
    intake_ledger_free(L);
    return rc;
}

static int cmd_load(const struct opts *o, struct ff_err *e)
{
    struct intake_ledger *L = NULL;
    struct intake_dialects ds = {0, NULL};
    struct intake_load_file *files = NULL;
    struct intake_load_summary s;
    struct ff_buf sb;
    struct intake_load_opts lo;
    struct ff_payload_cfg *payload = NULL;
    char now[32], mappath[1024], qrpath[1024];
    const char *map = o->dialects, *qr = o->qr_config;
    struct stat st;
    int i, rc;

    if (map == NULL) {
        ff_template_path("intake-dialects.map", mappath, sizeof mappath);
        if (stat(mappath, &st) == 0)
            map = mappath;
    }
    if ((rc = intake_dialects_load(&ds, map, e)))
        goto out;
    if (qr == NULL) {
        ff_template_path("qr.conf", qrpath, sizeof qrpath);
        if (stat(qrpath, &st) == 0)
            qr = qrpath;
    }
    payload = ff_payload_cfg_load(qr, o->key, e);
    if (payload == NULL) {
        rc = e->code;
        goto out;
    }
    L = open_ledger(o->ledger, 0, e);
    if (L == NULL) {
        rc = e->code;
        goto out;
    }
    files = ff_calloc((size_t)o->nfiles, sizeof *files);
    if (files == NULL) {
        rc = ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (i = 0; i < o->nfiles; i++)
        files[i].path = o->files[i];
    now_iso(now);
    memset(&lo, 0, sizeof lo);
    lo.dialects = &ds;
    lo.payload = payload;
    lo.now = now;
    lo.outcomes = o->outcomes;
    lo.outcomes_mode = o->group_read ? 0640 : 0600;
    /* Tests lower the input bound to prove that endless input ends. */
    if (getenv("FFKIT_MAX_INPUT_MIB"))
        lo.max_bytes = strtoull(getenv("FFKIT_MAX_INPUT_MIB"), NULL, 10)
                       << 20;
    lo.date_order = o->date_order;
    if ((rc = intake_load_run(L, files, o->nfiles, &lo, &s, e)))
        goto out;
    ff_buf_init(&sb);
    for (i = 0; i < o->nfiles; i++) {
        char p[1100];

        shown(p, sizeof p, files[i].path);
        intake_summary_file(&sb, p, &files[i]);
    }
    intake_summary_load(&sb, &s);
    if (sb.len)
        fwrite(sb.data, 1, sb.len, stdout);
    ff_buf_release(&sb);
    /* With a load, the outcomes were written with it; with nothing new,
     * write them now (only the header: every file was loaded before). */
    if (o->outcomes && s.load_id == 0)
        rc = intake_load_write_outcomes(L, files, o->nfiles, o->outcomes,
                                        lo.outcomes_mode, e);
out:
    ff_free(files);
    intake_ledger_free(L);
    ff_payload_cfg_free(payload);
    intake_dialects_release(&ds);
    return rc;
}

static int cmd_report(const struct opts *o, struct ff_err *e)
{
    struct intake_ledger *L = open_ledger(o->ledger, -1, e);
    struct intake_report_opts ro;
    struct intake_report_totals t;
    char be[8];
    int rc;

    if (L == NULL)
        return e->code;
    memset(&ro, 0, sizeof ro);
    ro.month = o->month_ce;
    ro.dir = o->output;
    ro.threshold = o->threshold;
    ro.no_pdf = o->no_pdf;
    ro.group_read = o->group_read;
    rc = intake_report_run(L, &ro, &t, e);
    if (rc == FF_OK)
        printf("%s: %ld districts; expected %ld, on time %ld, late %ld, "
               "missing %ld, rejected records %ld; developed %ld, below "
               "%.0f baht %ld\n", intake_month_be(o->month_ce, be),
               t.districts, t.expected,
               t.on_time, t.late, t.missing, t.rejected, t.developed,
               t.threshold, t.below);
    intake_ledger_free(L);
    return rc;
}

static int cmd_export(const struct opts *o, struct ff_err *e)
{
    struct intake_ledger *L = open_ledger(o->ledger, -1, e);
    long rows = 0;
    char p[1100], be[8];
    int rc;

    if (L == NULL)
        return e->code;
    rc = intake_export_run(L, o->month_ce, o->output, o->redact,
                           o->group_read ? 0640 : 0600, &rows, e);
    if (rc == FF_OK)
        printf("%s: %ld accepted records written to %s%s\n",
               intake_month_be(o->month_ce, be), rows,
               shown(p, sizeof p, o->output),
               o->redact ? " (redacted)" : "");
    intake_ledger_free(L);
    return rc;
}

static void print_problem(void *ctx, const char *problem)
{
    printf("%s: %s\n", (const char *)ctx, problem);
}

/* Exit 1 when the check found anything: the ledger cannot be trusted. */
static int cmd_check(const struct opts *o, struct ff_err *e)
{
    struct intake_ledger *L = open_ledger(o->ledger, -1, e);
    long problems = 0;
    int rc;

    if (L == NULL)
        return e->code;
    rc = intake_ledger_check(L, print_problem, (void *)o->ledger, &problems,
                             e);
    intake_ledger_free(L);
    if (rc)
        return rc;
    if (problems == 0) {
        printf("%s: ok (integrity_check and the ledger's invariants)\n",
               o->ledger);
        return FF_OK;
    }
    return ff_err_set(e, FF_EINPUT, o->ledger, 0, 0,
                      "%ld problem%s found: restore the ledger from a "
                      "backup, or ask for help before loading into it",
                      problems, problems == 1 ? "" : "s");
}

/* A writer's open migrates; say what the ledger is now. */
static int cmd_migrate(const struct opts *o, struct ff_err *e)
{
    struct intake_ledger *L = open_ledger(o->ledger, 0, e);

    if (L == NULL)
        return e->code;
    if (!intake_ledger_migrated_from(L))
        printf("%s: schema version %d already; nothing to migrate\n",
               o->ledger, INTAKE_LEDGER_SCHEMA);
    else
        printf("%s: schema version %d now\n", o->ledger,
               INTAKE_LEDGER_SCHEMA);
    intake_ledger_free(L);
    return FF_OK;
}

int main(int argc, char **argv)
{
    struct opts o;
    struct ff_err e;
    char buf[1200];
    int rc;

    ff_fault_init_from_env();
    if (argc > 1 && intake_servecmd_is(argv[1]))
        return intake_servecmd_main(argc, argv);
    rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return fclose(stdout) == 0 ? rc : 3;
    ff_err_clear(&e);
    if (strcmp(o.cmd, "register") == 0)
        rc = cmd_register(&o, &e);
    else if (strcmp(o.cmd, "load") == 0)
        rc = cmd_load(&o, &e);
    else if (strcmp(o.cmd, "report") == 0)
        rc = cmd_report(&o, &e);
    else if (strcmp(o.cmd, "check") == 0)
        rc = cmd_check(&o, &e);
    else if (strcmp(o.cmd, "migrate") == 0)
        rc = cmd_migrate(&o, &e);
    else
        rc = cmd_export(&o, &e);
    if (rc != FF_OK) {
        if (e.code == FF_OK)
            ff_err_set(&e, rc, NULL, 0, 0, "failed");
        fprintf(stderr, "ffintake: %s\n", ff_err_str(&e, buf, sizeof buf));
    }
    /* For fault-injection sweeps: how many allocations a run makes. */
    if (getenv("FFKIT_ALLOC_STATS"))
        fprintf(stderr, "ffintake: %ld allocations\n", ff_alloc_count());
    /* A summary that did not reach its reader is a failure (jq). */
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        if (rc == FF_OK)
            fprintf(stderr, "ffintake: cannot write standard output\n");
        return 3;
    }
    return ff_err_exit_code(rc);
}
