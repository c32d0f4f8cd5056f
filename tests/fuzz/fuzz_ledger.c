/*
 * fuzz_ledger.c - the ledger's own readers: the input is written as a
 * ledger file, opened (never created), and the report model is read from
 * it by a report (CSV and XLSX, no PDF) and an export of January 2568.
 * Seeds are real ledgers made from the test data, so mutations reach
 * SQLite's page parser and the schema and row checks behind it.  Damage
 * must end in an error, never a crash, a hang or a leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger.h"
#include "export.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[512];

static void cleanup(void)
{
    char cmd[600];

    if (dir[0]) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "cannot remove %s\n", dir);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char db[600], out[600], csv[600], side[620];
    struct intake_report_opts o;
    struct intake_report_totals t;
    struct intake_ledger *L;
    struct ff_err e;
    FILE *fp;

    if (dir[0] == '\0') {
        const char *base = getenv("TMPDIR");

        snprintf(dir, sizeof dir, "%s/ffkit-fuzz-ledger-XXXXXX",
                 base ? base : "/tmp");
        if (mkdtemp(dir) == NULL) {
            dir[0] = '\0';
            return 0;
        }
        atexit(cleanup);
    }
    snprintf(db, sizeof db, "%s/l.db", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(csv, sizeof csv, "%s/x.csv", dir);
    /* A fresh file each time: no journal of an earlier input may apply. */
    snprintf(side, sizeof side, "%s-wal", db);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", db);
    unlink(side);
    snprintf(side, sizeof side, "%s-journal", db);
    unlink(side);
    mkdir(out, 0700);
    fp = fopen(db, "wb");
    if (fp == NULL)
        return 0;
    if (size)
        fwrite(data, 1, size, fp);
    if (fclose(fp) != 0)
        return 0;
    chmod(db, 0600);
    ff_err_clear(&e);
    L = intake_ledger_open(db, 0, &e);
    if (L == NULL)
        return 0;
    memset(&o, 0, sizeof o);
    o.month = "2025-01";
    o.dir = out;
    o.no_pdf = 1;
    ff_err_clear(&e);
    (void)intake_report_run(L, &o, &t, &e);
    ff_err_clear(&e);
    (void)intake_export_run(L, "2025-01", csv, 0, 0600, NULL, &e);
    intake_ledger_free(L);
    return 0;
}
