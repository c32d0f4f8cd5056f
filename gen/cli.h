/*
 * cli.h - ffgen's command line: options into a struct, and running the
 * chosen command.  Part of the program front end with main.c: the only gen/
 * code that prints (bad register rows, progress, where outputs went).
 */
#ifndef GEN_CLI_H
#define GEN_CLI_H

#include <stddef.h>

#include "err.h"
#include "select.h"

struct gen_cli {
    const char *command;
    const char *reg_path;
    const char *out;
    const char *columns;
    const char *qr_config;
    const char *key;
    const char *changed;
    const char *by;             /* packet: village|subdistrict|district */
    const char *layout;         /* labels: 3x8, 2x7 */
    const char *data_date;      /* summary: --data-date YYYY-MM-DD */
    int cut_marks;
    unsigned docs;
    int jobs;
    int png;
    int dpi;
    int quiet;
    int strict;
    double threshold;
    struct gen_select sel;
    size_t rejected;            /* register rows rejected (set by run) */
};

int gen_cli_parse(struct gen_cli *c, int argc, char **argv, struct ff_err *e);
int gen_cli_run(struct gen_cli *c, struct ff_err *e);

#endif
