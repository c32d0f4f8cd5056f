/*
 * driver.c - runs a fuzz target's LLVMFuzzerTestOneInput over files, so the
 * corpus and every crash the fuzzer ever found are regression tests in
 * `make check` without clang (tests/run.sh passes the target's directory).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0, k;

    if (fp == NULL) {
        perror(path);
        return 1;
    }
    do {
        if (n == cap) {
            uint8_t *p;

            cap = cap ? cap * 2 : 4096;
            p = realloc(buf, cap);
            if (p == NULL) {
                fclose(fp);
                free(buf);
                return 1;
            }
            buf = p;
        }
        k = fread(buf + n, 1, cap - n, fp);
        n += k;
    } while (k > 0);
    fclose(fp);
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int i, files = 0, bad = 0;

    for (i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        struct dirent *de;

        if (d == NULL) {
            bad |= run_file(argv[i]);
            files++;
            continue;
        }
        while ((de = readdir(d)) != NULL) {
            char path[4096];

            if (de->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", argv[i], de->d_name);
            bad |= run_file(path);
            files++;
        }
        closedir(d);
    }
    printf("%s: %d inputs replayed\n", argv[0], files);
    return bad;
}
