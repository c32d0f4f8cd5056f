# gen_folders.sh - ffgen folders and qr end to end: every household's QR
# decodes (zbarimg) to its payload on the first and last page, every PDF
# passes qpdf --check, the text carries code and head's name, selections,
# bad rows, template errors, and an interrupted run leaves no partial PDF.
. "$FFTOP/tests/lib/common.sh"
reg=$FFTOP/tests/data/households.csv
out=$FFWORK/out
export SOURCE_DATE_EPOCH=1735689600     # 1 Jan 2025: fixed print date

ffgen folders "$reg" -o "$out" -q > "$FFWORK/stdout" 2> "$FFWORK/stderr"
check "folders exits 0" [ $? = 0 ]
want=$(developable_codes "$reg" | wc -l)
got=$(find "$out" -name '*.pdf' | wc -l)
check "one PDF per developable household ($got of $want)" [ "$got" = "$want" ]
check "no temporary files left" [ -z "$(find "$out" -name '*.tmp-*')" ]
grep -q "300 households read (UTF-8, ','), 0 rows rejected" "$FFWORK/stderr" ||
    bad "register summary line on stderr"

n=0
for code in $(developable_codes "$reg"); do
    pdf=$out/${code:0:4}/$code.pdf
    [ -f "$pdf" ] || { bad "missing $pdf"; continue; }
    qpdf --check "$pdf" > /dev/null 2>&1 || bad "qpdf --check $code"
    pages=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
    [ "$pages" = 6 ] || bad "$code has $pages pages, want 6"
    expect="$code-$(damm "$code")"
    # The QR sits in the top 50 mm of every page; render that strip.
    pdftoppm -r 150 -f 1 -l 1 -y 0 -H 300 -W 1800 -png "$pdf" "$FFWORK/p1"
    pdftoppm -r 150 -f "$pages" -l "$pages" -y 0 -H 300 -W 1800 -png \
        "$pdf" "$FFWORK/pl"
    for img in "$FFWORK"/p1*.png "$FFWORK"/pl*.png; do
        got=$(zbarimg -q --raw "$img" 2>/dev/null)
        [ "$got" = "$expect" ] || bad "$code: QR on $(basename "$img") is '$got', want '$expect'"
    done
    rm -f "$FFWORK"/p1*.png "$FFWORK"/pl*.png
    head=$(awk -F, -v c="$code" '$1 == c { print $8 $9 " " $10 }' "$reg")
    text=$(pdftotext -f 1 -l 1 "$pdf" - 2>/dev/null)
    case "$text" in *"$code"*) ;; *) bad "$code: code not in page text";; esac
    case "$text" in *"$head"*) ;; *) bad "$code: head's name not in page text";; esac
    # Exact extraction in -layout and -raw: name, address, subdistrict and
    # district, as the register has them.  A wrapped line may have lost the
    # space it broke at, so lines are joined both with and without one.
    IFS=, read -r _ _ dist sub vno _ house _ <<< "$(awk -F, -v c="$code" '$1 == c' "$reg")"
    for mode in -layout -raw; do
        pdftotext $mode "$pdf" "$FFWORK/t.txt" 2> "$FFWORK/t.err"
        [ -s "$FFWORK/t.err" ] && bad "$code: pdftotext $mode warns: $(head -1 "$FFWORK/t.err")"
        LC_ALL=C grep -q $'\xef[\x9c-\x9f]' "$FFWORK/t.txt" && bad "$code: U+F7xx in pdftotext $mode"
        joined=$(tr '\n' ' ' < "$FFWORK/t.txt" | tr -s ' ')
        glued=$(tr -d '\n' < "$FFWORK/t.txt")
        for w in "$head" "บ้านเลขที่ $house" "หมู่ที่ $vno" "ตำบล$sub" "อำเภอ$dist"; do
            case "$joined$glued" in *"$w"*) ;; *) bad "$code: '$w' not in pdftotext $mode";; esac
        done
    done
    pdffonts "$pdf" > /dev/null 2> "$FFWORK/t.err"
    [ -s "$FFWORK/t.err" ] && bad "$code: pdffonts warns: $(head -1 "$FFWORK/t.err")"
    n=$((n+1))
done
check "checked every household ($n)" [ "$n" = "$want" ]

# Looking at it: every page of one folder renders at 100 dpi (the README
# shows page 1 as docs/folder-page1.png) and is not blank.
pdftoppm -r 100 -png "$out/2401/24010105963.pdf" "$FFWORK/look" 2> "$FFWORK/t.err"
[ -s "$FFWORK/t.err" ] && bad "pdftoppm warns: $(head -1 "$FFWORK/t.err")"
check "six pages rendered" [ "$(ls "$FFWORK"/look*.png | wc -l)" = 6 ]
for png in "$FFWORK"/look*.png; do
    [ "$(stat -c %s "$png")" -gt 20000 ] || bad "$(basename "$png") looks blank"
done

# QR PNGs decode the same way.
ffgen qr "$reg" -o "$FFWORK/png" --png -q > /dev/null 2>&1
check "qr --png exits 0" [ $? = 0 ]
for code in $(developable_codes "$reg"); do
    got=$(zbarimg -q --raw "$FFWORK/png/${code:0:4}/$code.png" 2>/dev/null)
    [ "$got" = "$code-$(damm "$code")" ] || bad "PNG QR of $code is '$got'"
done

# Selections: status and district, explicit codes, one document kind.
ffgen folders "$reg" -o "$FFWORK/sel" --status 2 --district 2401,2405 -q \
    > /dev/null 2>&1
want=$(awk -F, 'NR > 1 && $15 == "2" && ($1 ~ /^2401/ || $1 ~ /^2405/)' "$reg" | wc -l)
got=$(find "$FFWORK/sel" -name '*.pdf' | wc -l)
check "--status 2 --district: $got of $want" [ "$got" = "$want" ]
ffgen folders "$reg" -o "$FFWORK/only" --only 24010109307,24010105963 \
    --doc plan -q > /dev/null 2>&1
got=$(cd "$FFWORK/only" && find . -name '*.pdf' | sort | tr '\n' ' ')
check "--only prints exactly those ($got)" \
    [ "$got" = "./2401/24010105963.pdf ./2401/24010109307.pdf " ]
check "--doc plan is one page" [ "$(pdfinfo "$FFWORK/only/2401/24010105963.pdf" | awk '/^Pages:/ {print $2}')" = 1 ]
ffgen folders "$reg" -o "$FFWORK/x" --only 24010105964 -q 2> "$FFWORK/err"
check "unknown --only code exits 1" [ $? = 1 ]
grep -q "household '24010105964' (--only) is not in the register" "$FFWORK/err" ||
    bad "unknown --only message"

# Bad rows are reported with file:line:col and skipped; --strict fails.
badreg=$FFTOP/tests/data/register/bad_rows.csv
ffgen folders "$badreg" -o "$FFWORK/bad" -q > /dev/null 2> "$FFWORK/err"
check "bad rows: exit 0" [ $? = 0 ]
grep -q "bad_rows.csv:4:11: citizen ID has a wrong check digit" "$FFWORK/err" ||
    bad "bad row message"
grep -q "3240" "$FFWORK/err" && bad "a citizen ID leaked into stderr"
ffgen folders "$badreg" -o "$FFWORK/bad2" -q --strict > /dev/null 2>&1
check "--strict exits 1 on bad rows" [ $? = 1 ]

# A broken template: exit 1, file:line:col and a caret.
mkdir -p "$FFWORK/tpl"
cp "$FFTOP"/templates/* "$FFWORK/tpl/"
sed -i 's/^box x=15 y=42 w=180 h=9 /box x=15 y=42 w=180 hh=9 /' "$FFWORK/tpl/folder.tpl"
FFKIT_TEMPLATE_DIR=$FFWORK/tpl ffgen folders "$reg" -o "$FFWORK/t" -q \
    > /dev/null 2> "$FFWORK/err"
check "broken template exits 1" [ $? = 1 ]
grep -q "folder.tpl:[0-9]*:1: 'box' needs h=" "$FFWORK/err" || bad "template message"
grep -q '^    \^' "$FFWORK/err" || bad "template caret"

# Usage errors exit 2.
ffgen folders "$reg" 2> /dev/null; check "missing -o exits 2" [ $? = 2 ]
ffgen folders "$reg" -o x --status 7 2> /dev/null; check "bad --status exits 2" [ $? = 2 ]
ffgen frobnicate "$reg" -o x 2> /dev/null; check "unknown command exits 2" [ $? = 2 ]

# Interrupted run: kill -9 mid-way; every PDF under its final name is whole.
big=$FFWORK/big.csv
awk -F, -v OFS=, 'NR == 1 { print; next }
    { for (k = 0; k < 15; k++) { split($0, f, ","); n = f[1];
        f[1] = substr(n, 1, 8) sprintf("%03d", (substr(n, 9, 3) + 37 * k) % 1000);
        if (seen[f[1]]++) continue;
        line = f[1]; for (j = 2; j <= 16; j++) line = line OFS f[j]; print line } }' \
    "$reg" > "$big"
"$FFBIN/ffgen" folders "$big" -o "$FFWORK/kill" -q > /dev/null 2>&1 &
pid=$!
# Kill it once the first PDFs are in place (not after a fixed time: under
# ASan on a busy machine 0.6 s was sometimes before the first group commit).
for _ in $(seq 200); do
    [ -n "$(find "$FFWORK/kill" -name '*.pdf' 2> /dev/null | head -1)" ] && break
    sleep 0.05
done
kill -9 $pid 2> /dev/null
wait $pid 2> /dev/null
whole=0
for pdf in $(find "$FFWORK/kill" -name '*.pdf'); do
    qpdf --check "$pdf" > /dev/null 2>&1 || bad "partial PDF $pdf after kill"
    whole=$((whole+1))
done
check "some PDFs were finished before the kill ($whole)" [ "$whole" -gt 0 ]
# Running again over the same directory finishes the job and clears the
# temporary files the killed run left; another run's (a live pid) stay.
left=$(find "$FFWORK/kill" -name '*.tmp-*' | wc -l)
live=$FFWORK/kill/$(ls "$FFWORK/kill" | head -1)/x.pdf.tmp-$$-1
: > "$live"
( : ) & deadpid=$!; wait $deadpid       # a pid whose process is gone
dead=$FFWORK/kill/$(ls "$FFWORK/kill" | head -1)/y.pdf.tmp-$deadpid-4
: > "$dead"
"$FFBIN/ffgen" folders "$big" -o "$FFWORK/kill" -q > /dev/null 2>&1
check "the run after the kill succeeds" [ $? = 0 ]
check "no temporary file of the killed run left ($left before)" \
    [ "$(find "$FFWORK/kill" -name '*.tmp-*' | wc -l)" = 1 ]
check "a live run's temporary file kept" [ -e "$live" ]
check "a dead run's temporary file removed" [ ! -e "$dead" ]
check "every household's PDF after the rerun" \
    [ "$(find "$FFWORK/kill" -name '*.pdf' | wc -l)" = "$(awk -F, 'NR > 1 && $15 == 1' "$big" | wc -l)" ]
finish
