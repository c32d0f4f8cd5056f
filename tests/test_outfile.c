/* test_outfile.c - atomic output files and the Excel-safe CSV writer. */
#include "check.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csvw.h"
#include "err.h"
#include "outfile.h"

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    while (d && (de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            n++;
    if (d)
        closedir(d);
    return n;
}

static char *slurp(const char *path)
{
    static char buf[4096];
    FILE *fp = fopen(path, "rb");
    size_t n;

    if (fp == NULL)
        return NULL;
    n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

int main(void)
{
    char dir[] = "/tmp/ffkit-outfile-XXXXXX", path[300], sub[200];
    struct ff_outfile o;
    struct ff_err e;
    struct stat st;

    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/a.csv", dir);

    /* Nothing under the final name until commit; mode as asked. */
    ff_err_clear(&e);
    CHECK_INT(ff_outfile_open(&o, path, 0600, &e), FF_OK);
    ff_csvw_bom(o.fp);
    ff_csvw_str(o.fp, 1, "plain");
    ff_csvw_str(o.fp, 0, "a,b");
    ff_csvw_str(o.fp, 0, "say \"hi\"");
    ff_csvw_str(o.fp, 0, "=HYPERLINK(\"x\")");
    ff_csvw_str(o.fp, 0, "+66812345678");
    ff_csvw_str(o.fp, 0, "@SUM(A1)");
    ff_csvw_str(o.fp, 0, "-1");
    ff_csvw_int(o.fp, 0, -5);
    ff_csvw_fixed(o.fp, 0, 31244.567, 2);
    ff_csvw_str(o.fp, 0, "สอง\nบรรทัด");
    ff_csvw_end(o.fp);
    CHECK(access(path, F_OK) != 0);
    CHECK_INT(ff_outfile_commit(&o, &e), FF_OK);
    CHECK_STR(slurp(path),
              "\xEF\xBB\xBFplain,\"a,b\",\"say \"\"hi\"\"\","
              "\"'=HYPERLINK(\"\"x\"\")\",\"'+66812345678\",\"'@SUM(A1)\","
              "\"'-1\",-5,31244.57,\"สอง\nบรรทัด\"\r\n");
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK_INT(entries(dir), 1);
    CHECK(ff_csvw_is_formula("=1", 2) && !ff_csvw_is_formula("1=", 2));

    /* Abort leaves the old file untouched and no temporary behind. */
    CHECK_INT(ff_outfile_open(&o, path, 0644, &e), FF_OK);
    fputs("half", o.fp);
    ff_outfile_abort(&o);
    CHECK(slurp(path) != NULL && strncmp(slurp(path), "\xEF\xBB\xBF", 3) == 0);
    CHECK_INT(entries(dir), 1);

    /* prepare, then commit only renames; abort after prepare cleans up. */
    snprintf(path, sizeof path, "%s/b.txt", dir);
    CHECK_INT(ff_outfile_open(&o, path, 0644, &e), FF_OK);
    fputs("b", o.fp);
    CHECK_INT(ff_outfile_prepare(&o, &e), FF_OK);
    CHECK(access(path, F_OK) != 0);
    CHECK_INT(ff_outfile_commit(&o, &e), FF_OK);
    CHECK_STR(slurp(path), "b");
    snprintf(path, sizeof path, "%s/c.txt", dir);
    CHECK_INT(ff_outfile_open(&o, path, 0644, &e), FF_OK);
    CHECK_INT(ff_outfile_prepare(&o, &e), FF_OK);
    ff_outfile_abort(&o);
    CHECK_INT(entries(dir), 2);

    /* The full-disk switch: the first commit fails with ENOSPC. */
    setenv("FFKIT_FAIL_WRITE", "1", 1);
    snprintf(path, sizeof path, "%s/d.txt", dir);
    ff_err_clear(&e);
    CHECK_INT(ff_outfile_write(path, "data", 4, 0644, &e), FF_ESYS);
    CHECK(strstr(e.msg, "No space left on device") != NULL);
    CHECK_STR(e.file, path);
    CHECK(access(path, F_OK) != 0);
    CHECK_INT(entries(dir), 2);
    unsetenv("FFKIT_FAIL_WRITE");

    /* A missing directory; ff_mkdirs makes it. */
    snprintf(sub, sizeof sub, "%s/x/y/z", dir);
    snprintf(path, sizeof path, "%s/e.txt", sub);
    ff_err_clear(&e);
    CHECK_INT(ff_outfile_write(path, "e", 1, 0644, &e), FF_ESYS);
    CHECK(strstr(e.msg, "No such file or directory") != NULL);
    ff_err_clear(&e);
    CHECK_INT(ff_mkdirs(sub, &e), FF_OK);
    CHECK_INT(ff_mkdirs(sub, &e), FF_OK);
    CHECK_INT(ff_outfile_write(path, "e", 1, 0644, &e), FF_OK);

    /* adopt: a file another library wrote. */
    {
        char tmp[300], dst[300];
        FILE *fp;

        snprintf(tmp, sizeof tmp, "%s/lib.tmp", dir);
        snprintf(dst, sizeof dst, "%s/lib.xlsx", dir);
        fp = fopen(tmp, "w");
        fputs("xlsx", fp);
        fclose(fp);
        CHECK_INT(ff_outfile_adopt(tmp, dst, 0600, &e), FF_OK);
        CHECK_STR(slurp(dst), "xlsx");
        CHECK(access(tmp, F_OK) != 0);
        CHECK(stat(dst, &st) == 0 && (st.st_mode & 0777) == 0600);
    }
    /* Groups: names appear only at commit, all of them, in two
     * directories; a group commits by itself when full. */
    {
        char g1[300], g2[300], p1[400], p2[400], p3[400];
        struct ff_outgroup *g;

        snprintf(g1, sizeof g1, "%s/g", dir);
        snprintf(g2, sizeof g2, "%s/g/h", dir);
        CHECK_INT(ff_mkdirs(g2, &e), FF_OK);
        snprintf(p1, sizeof p1, "%s/1.pdf", g1);
        snprintf(p2, sizeof p2, "%s/2.pdf", g2);
        snprintf(p3, sizeof p3, "%s/3.pdf", g1);
        CHECK((g = ff_outgroup_new(3, &e)) != NULL);
        CHECK_INT(ff_outfile_open(&o, p1, 0644, &e), FF_OK);
        fputs("one", o.fp);
        CHECK_INT(ff_outgroup_add(g, &o, &e), FF_OK);
        CHECK(o.fp == NULL);
        CHECK_INT(ff_outfile_open(&o, p2, 0644, &e), FF_OK);
        fputs("two", o.fp);
        CHECK_INT(ff_outgroup_add(g, &o, &e), FF_OK);
        CHECK(access(p1, F_OK) != 0 && access(p2, F_OK) != 0);
        CHECK_INT(entries(g1), 2);      /* 1's temporary file and h/ */
        CHECK_INT(ff_outgroup_commit(g, &e), FF_OK);
        CHECK_STR(slurp(p1), "one");
        CHECK_STR(slurp(p2), "two");
        CHECK_INT(entries(g1), 2);      /* 1.pdf and h/ */
        CHECK_INT(entries(g2), 1);
        CHECK_INT(ff_outgroup_commit(g, &e), FF_OK);   /* empty: nothing */
        unlink(p1);
        unlink(p2);
        /* Full after three: the third add commits. */
        CHECK_INT(ff_outfile_open(&o, p1, 0644, &e), FF_OK);
        CHECK_INT(ff_outgroup_add(g, &o, &e), FF_OK);
        CHECK_INT(ff_outfile_open(&o, p2, 0644, &e), FF_OK);
        CHECK_INT(ff_outgroup_add(g, &o, &e), FF_OK);
        CHECK(access(p1, F_OK) != 0);
        CHECK_INT(ff_outfile_open(&o, p3, 0644, &e), FF_OK);
        CHECK_INT(ff_outgroup_add(g, &o, &e), FF_OK);
        CHECK(access(p1, F_OK) == 0 && access(p2, F_OK) == 0 &&
              access(p3, F_OK) == 0);
        unlink(p1);
        unlink(p2);
        unlink(p3);
        /* A full disk at the second file: it is gone, the first and the
         * third still land.  The countdown is process-wide and one failure
         * was spent above, so 3 is this block's second. */
        setenv("FFKIT_FAIL_WRITE", "3", 1);
        CHECK_INT(ff_outfile_open(&o, p1, 0644, &e), FF_OK);
        CHECK_INT(ff_outgroup_add(g, &o, &e), FF_OK);
        CHECK_INT(ff_outfile_open(&o, p2, 0644, &e), FF_OK);
        ff_err_clear(&e);
        CHECK_INT(ff_outgroup_add(g, &o, &e), FF_ESYS);
        CHECK(strstr(e.msg, "No space left on device") != NULL);
        CHECK_STR(e.file, p2);
        unsetenv("FFKIT_FAIL_WRITE");
        CHECK_INT(ff_outfile_open(&o, p3, 0644, &e), FF_OK);
        fputs("three", o.fp);
        CHECK_INT(ff_outgroup_add(g, &o, &e), FF_OK);
        CHECK_INT(ff_outgroup_commit(g, &e), FF_OK);
        CHECK(access(p1, F_OK) == 0 && access(p2, F_OK) != 0);
        CHECK_STR(slurp(p3), "three");
        CHECK_INT(entries(g2), 0);      /* no temporary file of 2 */
        unlink(p1);
        unlink(p3);
        /* Freed before commit: queued files are removed, never named. */
        CHECK_INT(ff_outfile_open(&o, p1, 0644, &e), FF_OK);
        CHECK_INT(ff_outgroup_add(g, &o, &e), FF_OK);
        ff_outgroup_free(g);
        CHECK_INT(entries(g1), 1);      /* only h/ */
    }
    /* Sweeping what a killed run left: only temporary names of ours whose
     * process is gone. */
    {
        char sw[300], f[400];
        const char *keep[] = {"live.pdf.tmp-1-2", "plain.pdf",
                              "odd.pdf.tmp-x-1", "odd2.pdf.tmp-12"};
        pid_t dead = fork();
        size_t i;

        if (dead == 0)
            _exit(0);
        CHECK(dead > 0 && waitpid(dead, NULL, 0) == dead);
        snprintf(sw, sizeof sw, "%s/sweep", dir);
        CHECK_INT(ff_mkdirs(sw, &e), FF_OK);
        for (i = 0; i < sizeof keep / sizeof keep[0]; i++) {
            snprintf(f, sizeof f, "%s/%s", sw, keep[i]);
            CHECK_INT(ff_outfile_write(f, "k", 1, 0644, &e), FF_OK);
        }
        snprintf(f, sizeof f, "%s/mine.pdf.tmp-%ld-7", sw, (long)getpid());
        CHECK_INT(ff_outfile_write(f, "m", 1, 0644, &e), FF_OK);
        snprintf(f, sizeof f, "%s/gone.pdf.tmp-%ld-3", sw, (long)dead);
        CHECK_INT(ff_outfile_write(f, "g", 1, 0644, &e), FF_OK);
        CHECK_INT(entries(sw), 6);
        CHECK_INT(ff_outfile_sweep(sw), 1);
        CHECK(access(f, F_OK) != 0);
        CHECK_INT(entries(sw), 5);
        CHECK_INT(ff_outfile_sweep(sw), 0);
        CHECK_INT(ff_outfile_sweep("/nonexistent/ffkit"), 0);
    }
    {
        char cmd[300];

        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        CHECK(system(cmd) == 0);
    }
    return check_done("test_outfile");
}
