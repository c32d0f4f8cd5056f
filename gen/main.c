/*
 * main.c - ffgen: print Family Folders, forms, packets, labels and QR codes
 * from the household register.  Thin: parse options, run one command,
 * report errors and bad rows, exit with a documented code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "err.h"
#include "fault.h"
#include "hhid.h"
#include "paths.h"
#include "register.h"

#include "cli.h"
#include "folders.h"
#include "select.h"
#include "summary.h"

static const char usage[] =
    "usage: ffgen COMMAND REGISTER.csv [options]\n"
    "\n"
    "commands:\n"
    "  summary REGISTER.csv -o DIR     households by status per district and\n"
    "                                  subdistrict: DIR/summary.csv, .pdf\n"
    "  folders REGISTER.csv -o DIR     Family Folder, plan and results forms,\n"
    "                                  DIR/<district>/<household>.pdf\n"
    "  packet REGISTER.csv -o DIR [--by village|subdistrict|district]\n"
    "                                  one print-ready packet per group,\n"
    "                                  DIR/<group code>-<name>.pdf\n"
    "  labels REGISTER.csv -o FILE.pdf [--layout 3x8|2x7|3x7] [--cut-marks]\n"
    "                                  QR sticker sheets\n"
    "  qr REGISTER.csv -o DIR --png    one QR PNG per household,\n"
    "                                  DIR/<district>/<household>.png\n"
    "  key -o FILE                     create a province key file (mode 0600)\n"
    "                                  for signed QR codes\n"
    "  form -o report-form.xlsx        the monthly report form as an XLSForm\n"
    "                                  (KoboToolbox, ODK), or -o FILE.gs: a\n"
    "                                  Google Apps Script that creates it in\n"
    "                                  Google Forms; from templates/\n"
    "                                  report-form.def\n"
    "\n"
    "selection (folders, packet, labels, qr):\n"
    "  --status LIST      statuses to print, e.g. 1,2 (default 1; 0 = not\n"
    "                     classified)\n"
    "  --district LIST    district codes, e.g. 2401,2405\n"
    "  --only LIST        household codes (overrides --status)\n"
    "  --changed OLD.csv  only households new or changed since OLD.csv\n"
    "  --doc KINDS        folder,plan,results or all (default all)\n"
    "\n"
    "other options:\n"
    "  -o DIR             output directory\n"
    "  -j N               worker threads (default: one per CPU; folders: two\n"
    "                     per CPU, to overlap the per-file fsync)\n"
    "  --columns FILE     register column map (default\n"
    "                     templates/register-columns.map)\n"
    "  --qr-config FILE   QR payload config (default templates/qr.conf)\n"
    "  --key FILE         province key: adds a signed tag to each QR\n"
    "  --threshold BAHT   BMN income threshold (default 38000)\n"
    "  --dpi N            PNG resolution (default 300)\n"
    "  --data-date DATE   summary: the data's date, YYYY-MM-DD in BE or CE\n"
    "                     (default: the day the register file was written)\n"
    "  --strict           exit 1 when any register row was rejected\n"
    "  -q                 no progress line\n"
    "\n"
    "environment: FFKIT_TEMPLATE_DIR (templates, province.conf: office and\n"
    "signer of the summary), FFKIT_FONT_DIR (fonts),\n"
    "SOURCE_DATE_EPOCH (pins the print date); for tests: FFKIT_FAIL_ALLOC=N\n"
    "(the N-th allocation fails), FFKIT_FAIL_WRITE=N (the N-th output file\n"
    "fails as on a full disk), FFKIT_ALLOC_STATS=1 (count allocations)\n"
    "\n"
    "exit codes: 0 done, 1 input rejected (bad file, template or, with\n"
    "--strict, bad rows), 2 usage, 3 system error (I/O, memory)\n";

int main(int argc, char **argv)
{
    struct gen_cli c;
    struct ff_err e;
    int rc;

    ff_fault_init_from_env();
    ff_err_clear(&e);
    if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    rc = gen_cli_parse(&c, argc, argv, &e);
    if (rc == FF_OK)
        rc = gen_cli_run(&c, &e);
    if (rc != FF_OK) {
        char msg[1200];

        fprintf(stderr, "ffgen: %s\n", ff_err_str(&e, msg, sizeof msg));
        if (rc == FF_EUSAGE)
            fputs("try 'ffgen --help'\n", stderr);
    }
    /* For fault-injection sweeps: how many allocations a run makes. */
    if (getenv("FFKIT_ALLOC_STATS"))
        fprintf(stderr, "ffgen: %ld allocations\n", ff_alloc_count());
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("ffgen: cannot write to standard output");
        return 3;
    }
    return rc == FF_OK && c.rejected && c.strict ? 1 : ff_err_exit_code(rc);
}
