/*
 * test_csv_tap.c - the CSV reader's raw-byte tap and input bound: the tap
 * sees every input byte once, in order, before decoding (a BOM and
 * Windows-874 bytes as they are), from memory and from a descriptor (a
 * pipe); input over max_bytes is refused as it is read.
 */
#include "check.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "csv.h"

static void tap(void *ctx, const unsigned char *buf, size_t n)
{
    ff_buf_add(ctx, (const char *)buf, n);
}

static int count(void *ctx, const struct ff_csv_record *r, struct ff_err *e)
{
    (void)r;
    (void)e;
    ++*(long *)ctx;
    return FF_OK;
}

/* Read data[0..n) with the tap; the tapped bytes must equal the input. */
static void tapped_equals_input(const char *data, size_t n, long records)
{
    struct ff_csv_opts o;
    struct ff_buf got;
    struct ff_err e;
    struct ff_csv *c;
    long seen = 0;

    ff_buf_init(&got);
    memset(&o, 0, sizeof o);
    o.tap = tap;
    o.tap_ctx = &got;
    ff_err_clear(&e);
    c = ff_csv_open_mem("mem.csv", data, n, &o, &e);
    CHECK(c != NULL);
    if (c) {
        CHECK_INT(ff_csv_read(c, count, &seen, &e), FF_OK);
        CHECK_INT(seen, records);
    }
    CHECK_INT(got.len, n);
    CHECK(got.len == n && memcmp(got.data, data, n) == 0);
    ff_csv_free(c);
    ff_buf_release(&got);
}

int main(void)
{
    static const char bom[] = "\xEF\xBB\xBFhhid,month\n24010105963,2025-01\n";
    static const char cp874[] = "a;b\r\n\xCA\xC1\xAA\xD2\xC2;1\r\n";
    struct ff_csv_opts o;
    struct ff_buf got, big;
    struct ff_err e;
    struct ff_csv *c;
    long seen = 0;
    int fds[2];
    size_t i;

    tapped_equals_input(bom, sizeof bom - 1, 2);
    tapped_equals_input(cp874, sizeof cp874 - 1, 2);
    tapped_equals_input("", 0, 0);

    /* Several chunks through a pipe: every byte once, in order. */
    ff_buf_init(&big);
    ff_buf_add(&big, "a,b\n", 4);
    for (i = 0; i < 30000; i++)
        ff_buf_add(&big, "12345,\"x\ny\"\n", 12);
    CHECK(pipe(fds) == 0);
    if (fork() == 0) {
        close(fds[0]);
        for (i = 0; i < big.len; i += 1000)     /* short writes */
            if (write(fds[1], big.data + i,
                      big.len - i < 1000 ? big.len - i : 1000) < 0)
                _exit(1);
        _exit(0);
    }
    close(fds[1]);
    ff_buf_init(&got);
    memset(&o, 0, sizeof o);
    o.tap = tap;
    o.tap_ctx = &got;
    ff_err_clear(&e);
    c = ff_csv_open_fd("pipe", fds[0], &o, &e);
    CHECK(c != NULL);
    if (c) {
        CHECK_INT(ff_csv_read(c, count, &seen, &e), FF_OK);
        CHECK_INT(seen, 30001);
    }
    ff_csv_free(c);
    close(fds[0]);
    CHECK(wait(NULL) > 0);
    CHECK_INT(got.len, big.len);
    CHECK(got.len == big.len && memcmp(got.data, big.data, big.len) == 0);

    /* The bound: refused as soon as it is passed, naming the line. */
    memset(&o, 0, sizeof o);
    o.max_bytes = 100000;
    ff_err_clear(&e);
    seen = 0;
    c = ff_csv_open_mem("big.csv", big.data, big.len, &o, &e);
    CHECK(c != NULL);
    if (c) {
        CHECK_INT(ff_csv_read(c, count, &seen, &e), FF_EINPUT);
        CHECK(strstr(e.msg, "input is larger than") != NULL);
        CHECK_STR(e.file, "big.csv");
        CHECK(e.row > 1);
        CHECK(seen < 30001);
    }
    ff_csv_free(c);
    ff_buf_release(&got);
    ff_buf_release(&big);
    return check_done("test_csv_tap");
}
