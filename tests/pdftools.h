/*
 * pdftools.h - test helpers that check PDFs with outside tools (qpdf,
 * poppler's pdftotext/pdffonts/pdftoppm) rather than with our own writer.
 *
 * Header-only (static functions) so that each test program stays a single
 * file plus check.h.  Commands run through /bin/sh; stdout and stderr are
 * captured separately because "no warnings on stderr" is itself a check.
 */
#ifndef FF_PDFTOOLS_H
#define FF_PDFTOOLS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"

/* Read a whole file into b (appending); 0 or -1. */
static inline int pt_read_file(const char *path, struct ff_buf *b)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;

    if (f == NULL)
        return -1;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (ff_buf_add(b, chunk, n)) {
            fclose(f);
            return -1;
        }
    fclose(f);
    return 0;
}

/*
 * Run cmd; its stdout goes to out, its stderr to err (either may be NULL to
 * discard).  Returns the exit status, or -1 when it could not run.
 */
static inline int pt_run(const char *cmd, struct ff_buf *out,
                         struct ff_buf *err)
{
    char errpath[] = "/tmp/ffkit-pt-XXXXXX", full[4096];
    char chunk[65536];
    FILE *f;
    size_t n;
    int fd, st;

    fd = mkstemp(errpath);
    if (fd < 0)
        return -1;
    close(fd);
    snprintf(full, sizeof full, "%s 2>%s", cmd, errpath);
    f = popen(full, "r");
    if (f == NULL) {
        unlink(errpath);
        return -1;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (out)
            ff_buf_add(out, chunk, n);
    st = pclose(f);
    if (err)
        pt_read_file(errpath, err);
    unlink(errpath);
    return st == -1 ? -1 : WEXITSTATUS(st);
}

/* A private temporary directory for one test program; path into dir. */
static inline int pt_tmpdir(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/ffkit-test-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static inline void pt_rmdir(const char *dir)
{
    char cmd[512];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

/*
 * Split b into lines (in place: '\n' and '\f' become NUL).  Stores up to max
 * pointers; returns the count.  With trim, leading and trailing spaces go.
 */
static inline size_t pt_lines(struct ff_buf *b, char **lines, size_t max,
                              int trim)
{
    size_t i, k = 0;
    char *start = b->data;

    for (i = 0; i <= b->len; i++) {
        char c = i < b->len ? b->data[i] : '\n';

        if (c == '\f' && start == b->data + i) {
            start++;
            continue;
        }
        if (c != '\n')
            continue;
        b->data[i] = '\0';
        if (trim) {
            char *end = b->data + i;

            while (*start == ' ' || *start == '\f')
                start++;
            while (end > start && (end[-1] == ' ' || end[-1] == '\f'))
                *--end = '\0';
        }
        if (k < max && (i < b->len || *start))
            lines[k++] = start;
        start = b->data + i + 1;
    }
    return k;
}

#endif
