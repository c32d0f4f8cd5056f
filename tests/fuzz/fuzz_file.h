/*
 * fuzz_file.h - for targets whose public API reads a file by name (maps,
 * qr.conf, the ledger): the input is written to a private temporary file
 * that the target then opens.  One file per process, created 0600 by
 * mkstemp under $TMPDIR (or /tmp) and removed at exit.
 */
#ifndef FF_FUZZ_FILE_H
#define FF_FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_path[512];

static void fuzz_file_remove(void)
{
    if (fuzz_path[0])
        unlink(fuzz_path);
}

/* Write data[0..size) to the process's temporary file named suffix; its
 * path, or NULL when it cannot be written. */
static const char *fuzz_file(const uint8_t *data, size_t size,
                             const char *suffix)
{
    FILE *fp;

    if (fuzz_path[0] == '\0') {
        const char *base = getenv("TMPDIR");
        int fd;

        snprintf(fuzz_path, sizeof fuzz_path, "%s/ffkit-fuzz-XXXXXX%s",
                 base ? base : "/tmp", suffix);
        fd = mkstemps(fuzz_path, (int)strlen(suffix));
        if (fd < 0) {
            fuzz_path[0] = '\0';
            return NULL;
        }
        close(fd);
        atexit(fuzz_file_remove);
    }
    fp = fopen(fuzz_path, "wb");
    if (fp == NULL)
        return NULL;
    if ((size && fwrite(data, 1, size, fp) != size) | (fclose(fp) != 0))
        return NULL;
    return fuzz_path;
}

#endif
