# gen_packet.sh - field packets (page count, odd starts, outline, walking
# order, footers, qpdf), label sheets (every label decodes inside its cell,
# text stays in its cell, each layout) and reprints with --changed.
. "$FFTOP/tests/lib/common.sh"
export SOURCE_DATE_EPOCH=1735689600
village=$FFTOP/tests/data/village.csv
pdfcheck() { python3 "$FFTOP/tests/lib/pdfcheck.py" "$@"; }
pages_of() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }'; }

# One village, every status, three documents (6 pages: no blanks needed).
ffgen packet "$village" --by village --status 0,1,2,3,4 -o "$FFWORK/p" -q \
    > /dev/null 2>&1
check "packet exits 0" [ $? = 0 ]
pkt="$FFWORK/p/24010105-บ้านแหลมปลาไหล.pdf"
check "packet file named <group code>-<name>.pdf" [ -f "$pkt" ]
qpdf --check "$pkt" > /dev/null 2>&1 || bad "qpdf --check packet"
# 8 households x 6 pages + 2 cover pages (one page, padded to even).
check "packet pages $(pages_of "$pkt") = 2 + 8 x 6" [ "$(pages_of "$pkt")" = 50 ]
pdfcheck outline "$pkt" > "$FFWORK/outline"
order=$(awk -F'\t' '$1 == 1 { sub(/^บ้านเลขที่ /, "", $3); sub(/ .*/, "", $3); printf "%s ", $3 }' "$FFWORK/outline")
check "walking order by house number ($order)" \
    [ "$order" = "5 5/1 12 12/3 12/10 13 100 ม.3/7 " ]
check "outline: one entry per household" [ "$(awk -F'\t' '$1 == 1' "$FFWORK/outline" | wc -l)" = 8 ]
check "outline: three documents per household" [ "$(awk -F'\t' '$1 == 2' "$FFWORK/outline" | wc -l)" = 24 ]
awk -F'\t' '$1 == 1 && $2 % 2 == 0 { exit 1 }' "$FFWORK/outline" ||
    bad "a household starts on an even page"
cover=$(pdftotext -f 1 -l 1 -layout "$pkt" - 2>/dev/null)
for code in $(awk -F, 'NR > 1 { print $1 }' "$village"); do
    case "$cover" in *"$code"*) ;; *) bad "cover lacks $code";; esac
done
case "$cover" in *"1 มกราคม 2568"*) ;; *) bad "cover lacks the BE print date";; esac
case "$cover" in *"จำนวน 8 ครัวเรือน"*) ;; *) bad "cover lacks the household count";; esac
# Footer on a household page: code, head, the packet's page number with the
# household's page x/y beside it, packet name.
p3=$(pdftotext -f 3 -l 3 "$pkt" - 2>/dev/null)
case "$p3" in *"24010105136 นายศักดิ์ชัย ที่ผู้"*) ;; *) bad "footer: code and head";; esac
case "$p3" in *"หน้า 3 (1/6)"*) ;; *) bad "footer: page 3 (1/6)";; esac
case "$p3" in *"หมู่ 5 บ้านแหลมปลาไหล ต.หน้าเมือง อ.เมืองฉะเชิงเทรา"*) ;; *) bad "footer: packet name";; esac
# The font is embedded once per packet.
check "one embedded regular font" [ "$(pdffonts "$pkt" 2>/dev/null | grep -c 'Laksaman ')" -le 1 ]

# Only the Family Folder (3 pages): each household gets a blank page.
ffgen packet "$village" --by village --status 0,1,2,3,4 --doc folder \
    -o "$FFWORK/f" -q > /dev/null 2>&1
pkt="$FFWORK/f/24010105-บ้านแหลมปลาไหล.pdf"
check "folder-only packet pages $(pages_of "$pkt") = 2 + 8 x 4" [ "$(pages_of "$pkt")" = 34 ]
blank=$(pdftotext -f 6 -l 6 "$pkt" - 2>/dev/null)
case "$blank" in *"เว้นว่างไว้โดยเจตนา"*) ;; *) bad "page 6 is not marked intentionally blank";; esac
pdfcheck outline "$pkt" | awk -F'\t' '$1 == 1 && $2 % 2 == 0 { exit 1 }' ||
    bad "folder-only: a household starts on an even page"

# Grouping: by subdistrict and district over the sample register.
reg=$FFTOP/tests/data/households.csv
ffgen packet "$reg" --by district -o "$FFWORK/d" -q > /dev/null 2>&1
ndist=$(awk -F, 'NR > 1 && $16 == "1" { print substr($6, 1, 4) }' "$reg" | sort -u | wc -l)
check "one packet per district with a developable household ($ndist)" \
    [ "$(ls "$FFWORK/d" | wc -l)" = "$ndist" ]
check "district packets named by the village's district, never 249x" \
    [ -z "$(ls "$FFWORK/d" | grep '^249')" ]
total=0
for f in "$FFWORK"/d/*.pdf; do
    n=$(pdfcheck outline "$f" | awk -F'\t' '$1 == 1' | wc -l); total=$((total + n))
done
check "district packets hold every developable household ($total)" \
    [ "$total" = "$(developable_codes "$reg" | wc -l)" ]
# Village packets group on the village code of the register's columns:
# every developable household is in the packet of its own village, the
# municipal-office ones (2499..., 2498...) included.
ffgen packet "$reg" --by village -o "$FFWORK/v" -q > /dev/null 2>&1
check "village packets exit 0" [ $? = 0 ]
check "one packet per village with a developable household" \
    [ "$(ls "$FFWORK/v" | wc -l)" = "$(awk -F, 'NR > 1 && $16 == "1" { print $6 }' "$reg" | sort -u | wc -l)" ]
for code in 24985798606 $(awk -F, 'NR > 1 && $16 == "1" && substr($1, 1, 4) != substr($6, 1, 4) { print $1 }' "$reg"); do
    v=$(awk -F, -v c="$code" '$1 == c { print $6 }' "$reg")
    set -- "$FFWORK"/v/"$v"-*.pdf
    [ -f "$1" ] || { bad "no packet for village $v of $code"; continue; }
    case "$(pdftotext -f 1 -l 2 -layout "$1" - 2>/dev/null)" in
        *"$code"*) ;; *) bad "$code is not in the packet of its village $v";;
    esac
done
# Villages 6 and 206 of one subdistrict are two packets (the key was
# subdistrict + village % 100), and no packet overwrites another.
awk -F, -v OFS=, 'NR == 1 { print; next }
    NR <= 4 { $5 = 6; $6 = "บ้านหก"; print; next }
    { $5 = 206; $6 = "บ้านสองร้อยหก"; print }' "$village" > "$FFWORK/v206.csv"
ffgen packet "$FFWORK/v206.csv" --by village --status 0,1,2,3,4 -o "$FFWORK/p206" \
    -q > "$FFWORK/out" 2>&1
check "villages 6 and 206 packets exit 0" [ $? = 0 ]
got=$(cd "$FFWORK/p206" && ls | LC_ALL=C sort | tr '\n' ' ')
check "villages 6 and 206 are two packets ($got)" \
    [ "$got" = "24010106-บ้านหก.pdf 240101206-บ้านสองร้อยหก.pdf " ]
grep -q "wrote 2 packets" "$FFWORK/out" || bad "wrote 2 packets: $(cat "$FFWORK/out")"
ffgen packet "$reg" --by town -o "$FFWORK/x" 2> /dev/null
check "bad --by exits 2" [ $? = 2 ]

# Labels: every label decodes, inside its cell, for each layout.
for spec in "3x8 3,8,70,37,0,0.5,0,0" "2x7 2,7,99.1,38.1,4.65,15.15,2.5,0"; do
    set -- $spec
    ffgen labels "$reg" --district 2401,2411 --layout "$1" --cut-marks \
        -o "$FFWORK/l$1.pdf" -q > /dev/null 2>&1
    check "labels $1 exits 0" [ $? = 0 ]
    qpdf --check "$FFWORK/l$1.pdf" > /dev/null 2>&1 || bad "qpdf labels $1"
    awk -F, 'NR > 1 && $16 == "1" && ($6 ~ /^2401/ || $6 ~ /^2411/) { print $1 }' "$reg" > "$FFWORK/want"
    # Walking order is the order of the codes here (sorted by code within
    # a village is what the sample gives; compare as sets and counts).
    pdfcheck labels "$FFWORK/l$1.pdf" 300 "$2" > "$FFWORK/got"
    cut -f3 "$FFWORK/got" | sed 's/-.*//' | sort > "$FFWORK/gotcodes"
    sort "$FFWORK/want" > "$FFWORK/wantcodes"
    cmp -s "$FFWORK/gotcodes" "$FFWORK/wantcodes" || bad "labels $1: decoded codes differ from the selection"
    while IFS=$'\t' read -r page cell payload; do
        code=${payload%%-*}
        [ "$payload" = "$code-$(damm "$code")" ] || bad "labels $1: payload $payload"
    done < "$FFWORK/got"
    # Labels fill cells in order: cell k of page p is label (p-1)*n+k.
    awk -F'\t' -v per="$(echo "$2" | awk -F, '{ print $1 * $2 }')" \
        '{ if ($2 != i % per || $1 != int(i / per) + 1) exit 1; i++ }' "$FFWORK/got" ||
        bad "labels $1: a cell is empty or out of order"
    pdfcheck words "$FFWORK/l$1.pdf" "$2" > /dev/null || bad "labels $1: text crosses a cell border"
done
# The printed token follows the code's own grouping 4-6-1, then the Damm
# check character (computed here in awk, independently of the C code).
pdftotext -raw "$FFWORK/l3x8.pdf" - 2>/dev/null |
    grep -oE '[0-9]{4}-[0-9]{6}-[0-9]-[0-9]' | sort > "$FFWORK/printed"
while read -r code; do
    echo "${code:0:4}-${code:4:6}-${code:10:1}-$(damm "$code")"
done < "$FFWORK/want" | sort > "$FFWORK/wantprinted"
check "labels print every token grouped as 2401-010596-3-D" \
    cmp -s "$FFWORK/printed" "$FFWORK/wantprinted"
ffgen labels "$reg" --layout 9x9 -o "$FFWORK/l.pdf" 2> "$FFWORK/err"
check "unknown layout exits 2" [ $? = 2 ]

# Reprints: --changed prints exactly the new and changed households.
old=$FFWORK/old.csv
awk -F, -v OFS=, '
    $1 == "24010105101" { $9 = "สมชัย" }          # name changed since
    $1 == "24010105108" { $15 = "2" }              # status changed
    $1 == "24010105122" { $13 = "19999" }          # income changed
    $1 == "24010105150" { next }                   # new since
    { print }' "$village" > "$old"
ffgen folders "$village" --changed "$old" --status 0,1,2,3,4 -o "$FFWORK/c" \
    -q > /dev/null 2>&1
got=$(cd "$FFWORK/c" && find . -name '*.pdf' | sort | tr '\n' ' ')
check "--changed folders ($got)" [ "$got" = "./2401/24010105101.pdf ./2401/24010105108.pdf ./2401/24010105122.pdf ./2401/24010105150.pdf " ]
ffgen labels "$village" --changed "$old" --status 0,1,2,3,4 -o "$FFWORK/c.pdf" \
    -q > "$FFWORK/out" 2>&1
grep -q "wrote 4 labels" "$FFWORK/out" || bad "--changed labels"
ffgen packet "$village" --changed "$old" --status 0,1,2,3,4 -o "$FFWORK/cp" \
    -q > /dev/null 2>&1
n=$(pdfcheck outline "$FFWORK"/cp/*.pdf | awk -F'\t' '$1 == 1' | wc -l)
check "--changed packet ($n)" [ "$n" = 4 ]
finish
