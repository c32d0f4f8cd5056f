/*
 * zip.h - reading zip archives (XLSX packages, zips of CSV) over libzip.
 *
 * Members are read as streams, so memory does not grow with their size.  A
 * member that inflates past FF_ZIP_MEMBER_MAX is refused (a zip bomb would
 * otherwise keep a reader busy for hours).
 */
#ifndef FF_ZIP_H
#define FF_ZIP_H

#include <stddef.h>

#include "err.h"

#define FF_ZIP_MEMBER_MAX (4096UL * 1024 * 1024)

struct ff_zip;
struct ff_zip_file;

/*
 * Open the archive in the seekable file fd (borrowed: a duplicate is kept).
 * name is used in messages.  Returns NULL with e filled (FF_EINPUT: not a
 * readable zip).  Caller frees with ff_zip_free().
 */
struct ff_zip *ff_zip_open_fd(const char *name, int fd, struct ff_err *e);

/* Number of members, and the name of member i (valid until free). */
long ff_zip_count(const struct ff_zip *z);
const char *ff_zip_entry_name(const struct ff_zip *z, long i);
/* Member named name (ASCII case ignored), or -1. */
long ff_zip_find(const struct ff_zip *z, const char *name);

/* Open member i as a stream; NULL with e filled.  Close before ff_zip_free. */
struct ff_zip_file *ff_zip_file_open(struct ff_zip *z, long i,
                                     struct ff_err *e);
/* Read up to cap bytes; *got is 0 at the end.  FF_OK or e filled. */
int ff_zip_file_read(struct ff_zip_file *f, char *buf, size_t cap,
                     size_t *got, struct ff_err *e);
void ff_zip_file_close(struct ff_zip_file *f);

void ff_zip_free(struct ff_zip *z);

#endif
