# gen_longtext.sh - text of any length flows through (issue 11 item 6): one
# household whose first name is 200 characters long (600 bytes of UTF-8,
# more than any of the old fixed buffers held) beside an ordinary one.
# folders, packet and labels all exit 0 and write their files, the long name
# is never cut inside a character (pdftotext would warn or print U+FFFD),
# and it is printed in full or named by a warning.
. "$FFTOP/tests/lib/common.sh"
src=$FFTOP/tests/data/households.csv
reg=$FFWORK/long.csv
export SOURCE_DATE_EPOCH=1735689600
long=$(python3 -c 'print(("ศรีสุวรรณรัตน" * 20)[:200])')
# The first two developable households; the first gets the long name.
awk -F, -v OFS=, -v long="$long" 'NR == 1 { print; next }
    $16 == "1" && n < 2 { if (n == 0) $10 = long; print; n++ }' "$src" > "$reg"
code=$(awk -F, 'NR == 2 { print $1 }' "$reg")
check "the register holds a 200-character name" \
    [ "$(awk -F, 'NR == 2 { print $10 }' "$reg" | python3 -c 'import sys; print(len(sys.stdin.read().strip()))')" = 200 ]

ffgen folders "$reg" -o "$FFWORK/f" -q > "$FFWORK/out" 2> "$FFWORK/err"
rc=$?; check "folders exits 0 ($(tail -1 "$FFWORK/err"))" [ $rc = 0 ]
dist=$(awk -F, 'NR == 2 { print substr($6, 1, 4) }' "$reg")
pdf=$FFWORK/f/$dist/$code.pdf
check "folders writes the long name's PDF" [ -f "$pdf" ]
check "and the other household's" [ "$(find "$FFWORK/f" -name '*.pdf' | wc -l)" = 2 ]
grep -q "invalid UTF-8" "$FFWORK/err" && bad "folders: invalid UTF-8"
grep -q "$long" "$FFWORK/err" && bad "folders: the name leaked into stderr"
pdftotext "$pdf" - 2> "$FFWORK/t.err" | tr -d ' \n' > "$FFWORK/t.txt"
[ -s "$FFWORK/t.err" ] && bad "pdftotext warns: $(head -1 "$FFWORK/t.err")"
grep -q $'\xef\xbf\xbd' "$FFWORK/t.txt" && bad "a character was cut (U+FFFD)"
grep -q "$long" "$FFWORK/t.txt" || bad "the folder does not print the whole first name"

ffgen packet "$reg" -o "$FFWORK/p" --by district -q > "$FFWORK/out" 2> "$FFWORK/err"
rc=$?; check "packet exits 0 ($(tail -1 "$FFWORK/err"))" [ $rc = 0 ]
grep -q "wrote 1 packets (2 households)" "$FFWORK/out" || bad "packet: $(cat "$FFWORK/out")"
ppdf=$(find "$FFWORK/p" -name '*.pdf' | head -1)
check "packet file written" [ -n "$ppdf" ]
qpdf --check "$ppdf" > /dev/null 2>&1 || bad "packet: qpdf --check"
pdftotext "$ppdf" - 2> "$FFWORK/t.err" | tr -d ' \n' > "$FFWORK/t.txt"
[ -s "$FFWORK/t.err" ] && bad "packet: pdftotext warns"
grep -q "$long" "$FFWORK/t.txt" || grep -q "$code" "$FFWORK/err" ||
    bad "packet: the long name is neither printed nor named by a warning"

ffgen labels "$reg" -o "$FFWORK/l.pdf" -q > "$FFWORK/out" 2> "$FFWORK/err"
rc=$?; check "labels exits 0 ($(tail -1 "$FFWORK/err"))" [ $rc = 0 ]
check "labels file written" [ -f "$FFWORK/l.pdf" ]
pdftotext "$FFWORK/l.pdf" - 2> "$FFWORK/t.err" | tr -d ' \n' > "$FFWORK/t.txt"
[ -s "$FFWORK/t.err" ] && bad "labels: pdftotext warns"
grep -q "$long" "$FFWORK/t.txt" ||
    grep -q "warning: .*household $code.*labels.*head" "$FFWORK/err" ||
    bad "labels: the long name is neither printed nor named by a warning"
finish
