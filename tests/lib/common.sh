# tests/lib/common.sh - helpers for the CLI tests (sourced).
# Environment from tests/run.sh: FFBIN (programs), FFTOP (repo), FFWORK
# (a fresh temporary directory), FFRUN (optional valgrind prefix).
set -u
fail=0
ok() { :; }
bad() { echo "FAIL: $*" >&2; fail=$((fail+1)); }
check() {   # check DESCRIPTION COMMAND...
    local what=$1; shift
    if ! "$@"; then bad "$what"; fi
}
finish() { [ "$fail" = 0 ] || { echo "$fail failure(s)" >&2; exit 1; }; }
ffgen() { $FFRUN "$FFBIN/ffgen" "$@"; }
ffintake() { $FFRUN "$FFBIN/ffintake" "$@"; }

# Damm check digit of a digit string (independent of the C code).
damm() {
    awk -v s="$1" 'BEGIN {
        split("0317598642 7092154863 4206871359 1750983426 6123045978 " \
              "3674209581 5869720134 8945362017 9438617205 2581436790", r, " ")
        i = 0
        for (k = 1; k <= length(s); k++)
            i = substr(r[i + 1], substr(s, k, 1) + 1, 1)
        print i }'
}

# Household codes with status 1 in a register CSV (code is column 1,
# status column 16 in the sample layout).
developable_codes() {
    awk -F, 'NR > 1 && $16 == "1" { print $1 }' "$1"
}

# The district code of a household in the sample layout: the first four
# digits of its village code (column 6, รหัสหมู่บ้าน), never of its house
# code (municipal offices number down from 2499).
district_of() {   # district_of REGISTER CODE
    awk -F, -v c="$2" '$1 == c { print substr($6, 1, 4) }' "$1"
}
