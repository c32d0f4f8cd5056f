# gen_flow.sh - flow layout end to end (issue 14): a members table follows
# จำนวนสมาชิก and continues on a new page under "(ต่อ)" with its heading
# repeated; a packet counts those pages before its cover lists them, and
# every household page's footer prints the packet page the cover names.
. "$FFTOP/tests/lib/common.sh"
export SOURCE_DATE_EPOCH=1735689600
src=$FFTOP/tests/data/village.csv
reg=$FFWORK/flow.csv
# Three households of one village; the second has 30 members.
awk -F, -v OFS=, 'NR == 1 { print; next } n < 3 {
    if (n == 1) $12 = 30; print; n++ }' "$src" > "$reg"
big=$(awk -F, 'NR == 3 { print $1 }' "$reg")
check "three households" [ "$(wc -l < "$reg")" = 4 ]

ffgen folders "$reg" -o "$FFWORK/f" --doc folder --status 0,1,2,3,4 -q > /dev/null 2> "$FFWORK/err"
rc=$?; check "folders exits 0" [ $rc = 0 ]
pdf=$FFWORK/f/${big:0:4}/$big.pdf
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
check "30 members: the folder takes a page more ($pages)" [ "$pages" = 4 ]
p1=$(pdftotext -f 1 -l 1 -layout "$pdf" -)
p2=$(pdftotext -f 2 -l 2 -layout "$pdf" -)
rows1=$(printf '%s\n' "$p1" | grep -cE '^ *[0-9]+ *$')
rows2=$(printf '%s\n' "$p2" | grep -cE '^ *[0-9]+ *$')
check "the rows follow จำนวนสมาชิก: $rows1 + $rows2 = 30" [ $((rows1 + rows2)) = 30 ]
case "$p2" in *"สมาชิกในครัวเรือน (ต่อ)"*) ;; *) bad "no 'สมาชิกในครัวเรือน (ต่อ)' on the continued page";; esac
case "$p2" in *"ความสัมพันธ์"*) ;; *) bad "the heading is not repeated";; esac
case "$p2" in *"ทีมปฏิบัติการ"*) ;; *) bad "what follows the table is not on the new page";; esac
pdftoppm -r 150 -f 2 -l 2 -png "$pdf" "$FFWORK/p2"
zbarimg -q --raw "$FFWORK"/p2*.png > "$FFWORK/qr" 2>/dev/null
check "the continued page has the QR code" [ "$(cat "$FFWORK/qr")" = "$big-$(damm "$big")" ]
python3 "$FFTOP/tests/lib/layoutcheck.py" "$pdf" > "$FFWORK/lc" || bad "$(head -2 "$FFWORK/lc")"
# An ordinary household keeps its three pages.
small=$(awk -F, 'NR == 2 { print $1 }' "$reg")
check "4 members: three pages" \
    [ "$(pdfinfo "$FFWORK/f/${small:0:4}/$small.pdf" | awk '/^Pages:/ { print $2 }')" = 3 ]

# Packet: the cover's page column, the outline and the footers agree.
ffgen packet "$reg" -o "$FFWORK/p" --status 0,1,2,3,4 -q > /dev/null 2> "$FFWORK/err"
rc=$?; check "packet exits 0" [ $rc = 0 ]
pkt=$(ls "$FFWORK"/p/*.pdf)
# Outline: depth, start page, "บ้านเลขที่ … (code)", in packet order.
python3 "$FFTOP/tests/lib/pdfcheck.py" outline "$pkt" |
    awk -F'\t' '$1 == 1 { n = split($3, a, "("); sub(/\).*/, "", a[n]); print $2, a[n] }' > "$FFWORK/starts"
check "one outline entry per household" [ "$(wc -l < "$FFWORK/starts")" = 3 ]
cover=$(pdftotext -f 1 -l 1 -layout "$pkt" -)
while read -r start code; do
    listed=$(printf '%s\n' "$cover" | grep "$code" | awk '{ print $NF }')
    check "cover lists $code at page $listed, it starts at $start" [ "$listed" = "$start" ]
    [ $((start % 2)) = 1 ] || bad "$code starts on an even page ($start)"
    foot=$(pdftotext -f "$start" -l "$start" "$pkt" - | tr -s ' \n' ' ')
    case "$foot" in *"หน้า $start (1/"*) ;; *) bad "page $start's footer does not say 'หน้า $start'";; esac
done < "$FFWORK/starts"
# The big household's extra page (7 pages, padded to 8) moves those after it.
after=$(awk -v c="$big" 'found { print $1; exit } $2 == c { found = 1; s = $1 }' "$FFWORK/starts")
bs=$(awk -v c="$big" '$2 == c { print $1 }' "$FFWORK/starts")
[ -z "$after" ] || check "after the big household ($bs) the next starts 8 pages on ($after)" \
    [ "$after" = $((bs + 8)) ]
finish
