/*
 * spool.c - anonymous 0600 temporary files (see spool.h).
 *
 * O_TMPFILE gives a file that never has a name; where the file system lacks
 * it, mkstemp (0600, O_EXCL) and an immediate unlink leave a window of
 * microseconds with an unpredictable name.
 */
#include "spool.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int ff_spool_fd(const char *name, struct ff_err *e)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    int fd;

    if (dir == NULL || *dir == '\0')
        dir = "/tmp";
#ifdef O_TMPFILE
    fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
#endif
    snprintf(path, sizeof path, "%s/ffkit-spool-XXXXXX", dir);
    fd = mkostemp(path, O_CLOEXEC);
    if (fd < 0) {
        ff_err_sys(e, name, "cannot create a temporary file in '%s'", dir);
        return -1;
    }
    unlink(path);
    return fd;
}
