/*
 * zip.c - zip archives over libzip; the only file that includes zip.h.
 *
 * libzip reports errors in a zip_error_t owned by the archive or file; they
 * are copied into our ff_err at once.  The archive works on a dup() of the
 * caller's descriptor, which libzip closes.
 */
#include "zip.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "alloc.h"

struct ff_zip {
    char *name;
    zip_t *za;
};

struct ff_zip_file {
    struct ff_zip *z;
    zip_file_t *zf;
    char *member;
    unsigned long long total;
};

struct ff_zip *ff_zip_open_fd(const char *name, int fd, struct ff_err *e)
{
    struct ff_zip *z = ff_calloc(1, sizeof *z);
    int dfd = -1, zerr = 0;

    if (z == NULL || (z->name = ff_strdup(name)) == NULL) {
        ff_err_set(e, FF_ESYS, name, 0, 0, "out of memory");
        goto fail;
    }
    if ((dfd = dup(fd)) < 0) {
        ff_err_sys(e, name, "cannot read");
        goto fail;
    }
    if (lseek(dfd, 0, SEEK_SET) < 0) {
        ff_err_sys(e, name, "cannot read");
        goto fail;
    }
    z->za = zip_fdopen(dfd, ZIP_RDONLY, &zerr);
    if (z->za == NULL) {
        zip_error_t ze;

        zip_error_init_with_code(&ze, zerr);
        ff_err_set(e, FF_EINPUT, name, 0, 0, "not a readable zip file: %s",
                   zip_error_strerror(&ze));
        zip_error_fini(&ze);
        goto fail;
    }
    return z;
fail:
    if (dfd >= 0 && (z == NULL || z->za == NULL))
        close(dfd);
    ff_zip_free(z);
    return NULL;
}

long ff_zip_count(const struct ff_zip *z)
{
    zip_int64_t n = zip_get_num_entries(z->za, 0);

    return n < 0 ? 0 : (long)n;
}

const char *ff_zip_entry_name(const struct ff_zip *z, long i)
{
    const char *s = zip_get_name(z->za, (zip_uint64_t)i, 0);

    return s ? s : "";
}

long ff_zip_find(const struct ff_zip *z, const char *name)
{
    zip_int64_t i = zip_name_locate(z->za, name, ZIP_FL_NOCASE);

    return i < 0 ? -1 : (long)i;
}

struct ff_zip_file *ff_zip_file_open(struct ff_zip *z, long i,
                                     struct ff_err *e)
{
    struct ff_zip_file *f = ff_calloc(1, sizeof *f);
    const char *member = ff_zip_entry_name(z, i);

    if (f == NULL || (f->member = ff_strdup(member)) == NULL) {
        ff_free(f);
        ff_err_set(e, FF_ESYS, z->name, 0, 0, "out of memory");
        return NULL;
    }
    f->z = z;
    f->zf = zip_fopen_index(z->za, (zip_uint64_t)i, 0);
    if (f->zf == NULL) {
        ff_err_set(e, FF_EINPUT, z->name, 0, 0, "cannot read '%s' in the "
                   "zip: %s", member, zip_strerror(z->za));
        ff_free(f->member);
        ff_free(f);
        return NULL;
    }
    return f;
}

int ff_zip_file_read(struct ff_zip_file *f, char *buf, size_t cap,
                     size_t *got, struct ff_err *e)
{
    zip_int64_t n = zip_fread(f->zf, buf, cap);

    *got = 0;
    if (n < 0)
        return ff_err_set(e, FF_EINPUT, f->z->name, 0, 0,
                          "cannot read '%s' in the zip: %s", f->member,
                          zip_file_strerror(f->zf));
    f->total += (unsigned long long)n;
    if (f->total > FF_ZIP_MEMBER_MAX)
        return ff_err_set(e, FF_EINPUT, f->z->name, 0, 0,
                          "'%s' in the zip inflates to more than %lu MiB",
                          f->member, FF_ZIP_MEMBER_MAX >> 20);
    *got = (size_t)n;
    return FF_OK;
}

void ff_zip_file_close(struct ff_zip_file *f)
{
    if (f == NULL)
        return;
    if (f->zf)
        zip_fclose(f->zf);
    ff_free(f->member);
    ff_free(f);
}

void ff_zip_free(struct ff_zip *z)
{
    if (z == NULL)
        return;
    if (z->za)
        zip_discard(z->za);
    ff_free(z->name);
    ff_free(z);
}
