# build_hpdf_version.sh - core/pdf*.c reach into libharu 2.3.0's private
# structures through core/pdf_hpdf.h, which must stop the build with a clear
# message on any other libharu: each pdf*.c that includes it (all but
# pdf_subset.c, which wraps hb-subset and never touches libharu; the check
# below keeps it so) compiles against the installed
# 2.3.0 headers, and fails with the #error against a copy of hpdf_version.h
# that says 2.4.0 (or 3.3.0, or 2.3.1) placed first on the include path.
# Also: no file outside core/pdf*.c includes libharu.
. "$FFTOP/tests/lib/common.sh"
cc=${CC:-cc}
flags="-std=c11 -D_GNU_SOURCE -iquote $FFTOP/core -fsyntax-only"
hpdf_files=$(grep -l '#include "pdf_hpdf.h"' "$FFTOP"/core/pdf*.c)
others=$(grep -L '#include "pdf_hpdf.h"' "$FFTOP"/core/pdf*.c | grep -v '/core/pdf_subset\.c$')
check "every core/pdf*.c but pdf_subset.c includes pdf_hpdf.h (not: $others)" [ -z "$others" ]
check "pdf_subset.c does not include libharu" \
    bash -c "! grep -q 'hpdf' '$FFTOP/core/pdf_subset.c' '$FFTOP/core/pdf_subset.h'"
for f in $hpdf_files; do
    $cc $flags "$f" 2> "$FFWORK/err" || bad "$(basename "$f") does not compile against libharu 2.3.0: $(head -3 "$FFWORK/err")"
done
for v in "2 4 0" "3 3 0" "2 3 1"; do
    set -- $v
    mkdir -p "$FFWORK/$1$2$3"
    sed -e "s/MAJOR_VERSION 2/MAJOR_VERSION $1/" -e "s/MINOR_VERSION 3/MINOR_VERSION $2/" \
        -e "s/BUGFIX_VERSION 0/BUGFIX_VERSION $3/" /usr/include/hpdf_version.h > "$FFWORK/$1$2$3/hpdf_version.h"
    for f in $hpdf_files; do
        if $cc $flags -I"$FFWORK/$1$2$3" "$f" 2> "$FFWORK/err"; then
            bad "$(basename "$f") compiles against libharu $1.$2.$3"
        elif ! grep -q "error: #error.*libharu 2.3.0's private structures" "$FFWORK/err"; then
            bad "$(basename "$f") on libharu $1.$2.$3 fails without the version message: $(grep error "$FFWORK/err" | head -2)"
        fi
    done
done
# libharu's headers only in core/pdf*.c and core/pdf_hpdf.h.
others=$(grep -l '#include <hpdf' "$FFTOP"/core/*.[ch] "$FFTOP"/gen/*.[ch] "$FFTOP"/intake/*.[ch] 2>/dev/null |
    grep -v '/core/pdf_hpdf\.h$')
check "only core/pdf_hpdf.h includes libharu (found: $others)" [ -z "$others" ]
finish
