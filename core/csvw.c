/*
 * csvw.c - CSV output (see csvw.h).  Stdio buffering makes cell-by-cell
 * writes cheap; errors are caught once by ferror() at commit time
 * (outfile.c), so these functions return nothing.
 */
#include "csvw.h"

#include <string.h>

int ff_csvw_is_formula(const char *s, size_t n)
{
    return n > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' ||
                     s[0] == '@' || s[0] == '\t' || s[0] == '\r');
}

void ff_csvw_bom(FILE *fp)
{
    fputs("\xEF\xBB\xBF", fp);
}

void ff_csvw_cell(FILE *fp, int first, const char *s, size_t n)
{
    size_t i;
    int quote = ff_csvw_is_formula(s, n);

    for (i = 0; i < n && !quote; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
            quote = 1;
    if (!first)
        fputc(',', fp);
    if (!quote) {
        fwrite(s, 1, n, fp);
        return;
    }
    fputc('"', fp);
    if (ff_csvw_is_formula(s, n))
        fputc('\'', fp);
    for (i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', fp);
        fputc(s[i], fp);
    }
    fputc('"', fp);
}

void ff_csvw_str(FILE *fp, int first, const char *s)
{
    ff_csvw_cell(fp, first, s, strlen(s));
}

void ff_csvw_fixed(FILE *fp, int first, double v, int decimals)
{
    if (!first)
        fputc(',', fp);
    fprintf(fp, "%.*f", decimals, v);
}

void ff_csvw_int(FILE *fp, int first, long v)
{
    if (!first)
        fputc(',', fp);
    fprintf(fp, "%ld", v);
}

void ff_csvw_end(FILE *fp)
{
    fputs("\r\n", fp);
}
