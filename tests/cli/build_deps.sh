# build_deps.sh - on a machine without the build packages, `make` names the
# missing Debian packages and the command that installs them before any
# compiler runs (it used to stop at "core/csv.c: fatal error: csv.h: No
# such file or directory").  Nothing is uninstalled: a fake dpkg-query on
# PATH reports libcsv-dev and libhpdf-dev missing, and a fake cc, gcc and
# clang record that they ran.  Builds go to $FFWORK, never to build/.
. "$FFTOP/tests/lib/common.sh"
unset MAKEFLAGS MAKELEVEL MFLAGS
F=$FFWORK/fakebin
mkdir -p "$F"
cat > "$F/dpkg-query" <<'SH'
#!/bin/sh
# Like dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' PKG...; the
# packages in $FAKE_MISSING are not installed.
rc=0
for a in "$@"; do
    case "$a" in -*) continue;; esac
    case " $FAKE_MISSING " in
    *" $a "*) echo "dpkg-query: no packages found matching $a" >&2; rc=1;;
    *) printf 'ii  %s\n' "$a";;
    esac
done
exit $rc
SH
for c in cc gcc clang; do
    printf '#!/bin/sh\necho "$0 $*" >> "%s/compiler-ran"\nexit 1\n' "$FFWORK" > "$F/$c"
done
chmod +x "$F"/*
build() {   # build MISSING TARGET...
    local missing=$1; shift
    FAKE_MISSING=$missing PATH=$F:$PATH make -s -C "$FFTOP" CC=cc \
        BUILD="$FFWORK/build" BIN="$FFWORK/bin" "$@" > "$FFWORK/out" 2>&1
}

build "libcsv-dev libhpdf-dev" all
check "make all fails without the packages (rc $?)" [ $? != 0 ]
grep -qx "ffkit: cannot build: missing Debian packages: libhpdf-dev libcsv-dev" "$FFWORK/out" ||
    bad "message names the packages: $(cat "$FFWORK/out")"
grep -qF "'make deps'" "$FFWORK/out" || bad "message names make deps: $(cat "$FFWORK/out")"
grep -qF "apt-get install libhpdf-dev libcsv-dev" "$FFWORK/out" ||
    bad "message names apt-get: $(cat "$FFWORK/out")"
grep -q "No such file\|fatal error" "$FFWORK/out" && bad "a compiler error was shown"
check "no compiler ran: $(cat "$FFWORK/compiler-ran" 2>/dev/null)" [ ! -e "$FFWORK/compiler-ran" ]
check "no object was built" [ -z "$(find "$FFWORK/build" -name '*.o' 2>/dev/null)" ]

# Plain `make` (the default goal) and `make -j2 tests` check as well.
build "libcsv-dev"
check "plain make fails too" [ $? != 0 ]
grep -qx "ffkit: cannot build: missing Debian packages: libcsv-dev" "$FFWORK/out" ||
    bad "plain make: $(cat "$FFWORK/out")"
build "build-essential" -j2 tests
grep -qx "ffkit: cannot build: missing Debian packages: build-essential" "$FFWORK/out" ||
    bad "make -j2 tests: $(cat "$FFWORK/out")"
check "no compiler ran after three refusals" [ ! -e "$FFWORK/compiler-ran" ]

# With every package there the check lets the build go on: the (fake)
# compiler is reached, so the assertion above can fail.
build "" all
check "with every package the compiler runs" [ -s "$FFWORK/compiler-ran" ]
finish
