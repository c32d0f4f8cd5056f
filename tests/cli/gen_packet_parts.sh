# gen_packet_parts.sh - a packet printed in bounded parts and joined with
# libqpdf (gen/packet.c, core/pdfjoin.c) is one valid PDF with every
# household's pages in order, the same text as the packet printed whole,
# footers numbered from the packet's start, and QR codes that decode on
# pages of every part.  FFGEN_PACKET_PART=3 makes 8 households three parts.
. "$FFTOP/tests/lib/common.sh"
export SOURCE_DATE_EPOCH=1735689600
village=$FFTOP/tests/data/village.csv
pages_of() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }'; }
name=24010105-บ้านแหลมปลาไหล.pdf

ffgen packet "$village" --by village --status 0,1,2,3,4 -o "$FFWORK/whole" -q > /dev/null 2>&1
check "whole packet exits 0" [ $? = 0 ]
FFGEN_PACKET_PART=3 ffgen packet "$village" --by village --status 0,1,2,3,4 \
    -o "$FFWORK/parts" -q > /dev/null 2>&1
check "packet in parts exits 0" [ $? = 0 ]
pkt=$FFWORK/parts/$name
check "packet in parts is one file" [ -f "$pkt" ]
check "no part or temporary file left" \
    [ "$(find "$FFWORK/parts" -type f | wc -l)" = 1 ]
qpdf --check "$pkt" > /dev/null 2>&1 || bad "qpdf --check of the joined packet"
check "joined pages $(pages_of "$pkt") = 2 + 8 x 6" [ "$(pages_of "$pkt")" = 50 ]
pdftotext "$FFWORK/whole/$name" "$FFWORK/whole.txt" 2>/dev/null
pdftotext "$pkt" "$FFWORK/parts.txt" 2>/dev/null
check "joined packet has the text of the whole one" \
    cmp -s "$FFWORK/whole.txt" "$FFWORK/parts.txt"
# Households in walking order: the first page of each (3, 9, ... 45) names
# the household the cover lists in that row, and its footer the page.
order=$(for p in 3 9 15 21 27 33 39 45; do
    pdftotext -f $p -l $p "$pkt" - 2>/dev/null | grep -o -m1 '^[0-9]\{11\}'
done | tr '\n' ' ')
want=$(for p in 3 9 15 21 27 33 39 45; do
    pdftotext -f $p -l $p "$FFWORK/whole/$name" - 2>/dev/null | grep -o -m1 '^[0-9]\{11\}'
done | tr '\n' ' ')
check "households in order ($order)" [ -n "$want" ] && [ "$order" = "$want" ]
for p in 3 27 50; do
    pdftotext -f $p -l $p "$pkt" - 2>/dev/null | grep -q "หน้า $p " ||
        bad "footer of page $p says หน้า $p"
done
# A QR code on a page of each part decodes to that household's code.
for p in 3 27 45; do
    pdftoppm -r 100 -png -f $p -l $p "$pkt" "$FFWORK/qr$p" 2>/dev/null
    code=$(pdftotext -f $p -l $p "$pkt" - 2>/dev/null | grep -o -m1 '^[0-9]\{11\}')
    got=$(zbarimg -q --raw "$FFWORK"/qr$p*.png 2>/dev/null | head -1)
    case "$got" in "$code"-*|"$code") ;; *) bad "QR on page $p: '$got' for $code";; esac
done
finish
