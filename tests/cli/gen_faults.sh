# gen_faults.sh - fault injection on ffgen: every allocation of a small run
# made to fail in turn (FFKIT_FAIL_ALLOC), and output files failing as on a
# full disk (FFKIT_FAIL_WRITE).  Each failure must end with a clear message
# and exit code 3, never a crash, and never leave a partial file under its
# final name.
. "$FFTOP/tests/lib/common.sh"
export SOURCE_DATE_EPOCH=1735689600
village=$FFTOP/tests/data/village.csv

total=$(FFKIT_ALLOC_STATS=1 "$FFBIN/ffgen" folders "$village" --only 24010105101 \
    -o "$FFWORK/count" -q 2>&1 >/dev/null | awk '/allocations$/ { print $2 }')
check "allocation count known ($total)" [ "${total:-0}" -gt 100 ]

sweep() {   # sweep N: run folders with the N-th allocation failing
    local n=$1 dir=$FFWORK/a$1 rc
    FFKIT_FAIL_ALLOC=$n "$FFBIN/ffgen" folders "$village" --only 24010105101 \
        -o "$dir" -q > /dev/null 2> "$FFWORK/err"
    rc=$?
    case $rc in
    0) ;;
    3) grep -q "out of memory" "$FFWORK/err" ||
           bad "alloc $n: exit 3 without 'out of memory': $(head -2 "$FFWORK/err")" ;;
    *) bad "alloc $n: exit $rc: $(head -2 "$FFWORK/err")" ;;
    esac
    if [ -d "$dir" ]; then
        [ -z "$(find "$dir" -name '*.tmp-*')" ] || bad "alloc $n: temporary file left"
        for pdf in $(find "$dir" -name '*.pdf'); do
            [ $rc = 0 ] || bad "alloc $n: failed run left $pdf"
            qpdf --check "$pdf" > /dev/null 2>&1 || bad "alloc $n: broken $pdf"
        done
    fi
    rm -rf "$dir"
}
n=1
while [ "$n" -le "${total:-0}" ]; do
    sweep "$n"
    if [ "$n" -lt 150 ]; then n=$((n + 1)); else n=$((n + 23)); fi
done

# A full disk at the first output file: no PDF, exit 3, ENOSPC named.
FFKIT_FAIL_WRITE=1 "$FFBIN/ffgen" folders "$village" -o "$FFWORK/w" -j 1 -q \
    > /dev/null 2> "$FFWORK/err"
check "full disk: exit 3" [ $? = 3 ]
grep -q "cannot write: No space left on device" "$FFWORK/err" || bad "full disk message"
check "full disk: no PDF left" [ -z "$(find "$FFWORK/w" -name '*.pdf' -o -name '*.tmp-*')" ]
# ... at the third: the two before are whole, the rest never written.
FFKIT_FAIL_WRITE=3 "$FFBIN/ffgen" folders "$village" -o "$FFWORK/w3" -j 1 -q \
    > /dev/null 2>&1
check "full disk at the 3rd file: exit 3" [ $? = 3 ]
check "two whole PDFs before the failure" [ "$(find "$FFWORK/w3" -name '*.pdf' | wc -l)" = 2 ]
for pdf in $(find "$FFWORK/w3" -name '*.pdf'); do
    qpdf --check "$pdf" > /dev/null 2>&1 || bad "broken $pdf"
done
FFKIT_FAIL_WRITE=1 "$FFBIN/ffgen" summary "$village" -o "$FFWORK/s" > /dev/null 2>&1
check "summary on a full disk: exit 3" [ $? = 3 ]
check "no summary.csv" [ ! -e "$FFWORK/s/summary.csv" ]
finish
