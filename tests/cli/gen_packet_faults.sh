# gen_packet_faults.sh - failures part-way through a packet, which is
# written to its temporary file while it is drawn (ff_pdf_begin_file):
# allocations failing in turn through the drawing (FFKIT_FAIL_ALLOC), a
# write failing mid-stream (a file size limit: EFBIG on the temporary), and
# the commit failing as on a full disk (FFKIT_FAIL_WRITE).  Each must end
# with exit 3 and a message, no temporary file, and no packet under its
# final name but the whole ones finished before the failure.
. "$FFTOP/tests/lib/common.sh"
export SOURCE_DATE_EPOCH=1735689600
village=$FFTOP/tests/data/village.csv
reg=$FFTOP/tests/data/households.csv
packet() { "$FFBIN/ffgen" packet "$@" -j 1 -q > /dev/null; }

# left DIR: the packets and temporaries a failed run left in DIR.
left() { find "$1" -name '*.pdf' -o -name '*.tmp-*' 2> /dev/null; }

total=$(FFKIT_ALLOC_STATS=1 packet "$village" --by village --status 0,1,2,3,4 \
    -o "$FFWORK/count" 2>&1 | awk '/allocations$/ { print $2 }')
check "allocation count known ($total)" [ "${total:-0}" -gt 1000 ]

# The packet's pages are drawn and written in about the last 600
# allocations of the run (the register, the templates and the fonts come
# first): a failure there finds the temporary half written.
n=$((total - 700))
while [ "$n" -le "$total" ]; do
    dir=$FFWORK/a$n
    FFKIT_FAIL_ALLOC=$n packet "$village" --by village --status 0,1,2,3,4 \
        -o "$dir" 2> "$FFWORK/err"
    rc=$?
    if [ $rc = 3 ]; then
        grep -q "out of memory" "$FFWORK/err" ||
            bad "alloc $n: exit 3 without 'out of memory': $(grep -v warning "$FFWORK/err" | head -2)"
        [ -z "$(left "$dir")" ] || bad "alloc $n: left $(left "$dir")"
    elif [ $rc = 0 ]; then
        for pdf in $(find "$dir" -name '*.pdf'); do
            qpdf --check "$pdf" > /dev/null 2>&1 || bad "alloc $n: broken $pdf"
        done
    else
        bad "alloc $n: exit $rc: $(grep -v warning "$FFWORK/err" | head -2)"
    fi
    rm -rf "$dir"
    n=$((n + 35))
done

# Several district packets, one after another: an allocation failing in
# the middle of the run leaves the packets finished before it, whole, and
# nothing of the one it was drawing.
all=$(FFKIT_ALLOC_STATS=1 packet "$reg" --by district -o "$FFWORK/dcount" 2>&1 |
    awk '/allocations$/ { print $2 }')
npk=$(find "$FFWORK/dcount" -name '*.pdf' | wc -l)
check "district packets ($npk) and allocations ($all) known" \
    [ "$npk" -gt 3 -a "${all:-0}" -gt 10000 ]
for n in $((all * 6 / 10)) $((all * 8 / 10)) $((all * 95 / 100)); do
    FFKIT_FAIL_ALLOC=$n packet "$reg" --by district -o "$FFWORK/d$n" \
        2> "$FFWORK/err"
    check "district alloc $n: exit 3" [ $? = 3 ]
    grep -q "out of memory" "$FFWORK/err" || bad "district alloc $n: no 'out of memory'"
    check "district alloc $n: no temporary" [ -z "$(find "$FFWORK/d$n" -name '*.tmp-*')" ]
    got=$(find "$FFWORK/d$n" -name '*.pdf' | wc -l)
    check "district alloc $n: fewer packets ($got < $npk)" [ "$got" -lt "$npk" ]
    for pdf in $(find "$FFWORK/d$n" -name '*.pdf'); do
        cmp -s "$pdf" "$FFWORK/dcount/${pdf##*/}" ||
            bad "district alloc $n: ${pdf##*/} differs from the whole run's"
    done
done

# A write failing while the packet streams out: with a 64 KB file size
# limit (SIGXFSZ ignored, so write(2) fails with EFBIG) the 160 KB packet's
# temporary fills up after its first pages.
(trap '' XFSZ; ulimit -f 64
 packet "$village" --by village --status 0,1,2,3,4 -o "$FFWORK/f") 2> "$FFWORK/err"
check "write fails mid-packet: exit 3" [ $? = 3 ]
grep -q "cannot write: File too large" "$FFWORK/err" ||
    bad "write fails mid-packet: message: $(grep -v warning "$FFWORK/err" | head -2)"
check "write fails mid-packet: nothing left" [ -z "$(left "$FFWORK/f")" ]

# The commit failing as on a full disk: at the first packet nothing is
# left; at the third the two before are whole and the rest never written.
FFKIT_FAIL_WRITE=1 packet "$village" --by village --status 0,1,2,3,4 \
    -o "$FFWORK/w" 2> "$FFWORK/err"
check "full disk: exit 3" [ $? = 3 ]
grep -q "cannot write: No space left on device" "$FFWORK/err" || bad "full disk message"
check "full disk: nothing left" [ -z "$(left "$FFWORK/w")" ]
FFKIT_FAIL_WRITE=3 packet "$reg" --by district -o "$FFWORK/w3" 2> /dev/null
check "full disk at the 3rd packet: exit 3" [ $? = 3 ]
check "full disk at the 3rd packet: two whole packets" \
    [ "$(find "$FFWORK/w3" -name '*.pdf' | wc -l)" = 2 ]
check "full disk at the 3rd packet: no temporary" \
    [ -z "$(find "$FFWORK/w3" -name '*.tmp-*')" ]
for pdf in $(find "$FFWORK/w3" -name '*.pdf'); do
    cmp -s "$pdf" "$FFWORK/dcount/${pdf##*/}" || bad "full disk: ${pdf##*/} differs"
done
finish
