/*
 * spool.h - anonymous temporary files for the readers.
 *
 * The zip formats need random access and shared strings need a table too
 * large for memory; both go to a file that has no name (unlinked at once),
 * mode 0600 from creation, in $TMPDIR or /tmp, gone when it is closed or
 * the process dies.
 */
#ifndef FF_SPOOL_H
#define FF_SPOOL_H

#include "err.h"

/* A new empty anonymous file open for reading and writing, or -1 with e
 * filled (FF_ESYS).  name is the input the file serves, for messages. */
int ff_spool_fd(const char *name, struct ff_err *e);

#endif
