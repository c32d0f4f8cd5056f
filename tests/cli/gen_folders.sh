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
grep -q "300 households read (UTF-8, ',', layout register-columns.map, header row 1), 0 rows rejected, 0 fields flagged" "$FFWORK/stderr" ||
    bad "register summary line on stderr"
# Folders land under the district of the village, never of the code's
# registration office: 13 developable households were registered at a
# municipal office (2499, 2498, ...), and no such district exists.
moved=0
for code in $(developable_codes "$reg"); do
    d=$(district_of "$reg" "$code")
    [ "$d" != "${code:0:4}" ] && moved=$((moved+1))
done
check "13 developable households with a municipal-office code ($moved)" [ "$moved" = 13 ]
check "no folder directory named after a registration office" \
    [ -z "$(cd "$out" && ls -d 249* 2> /dev/null)" ]

n=0
for code in $(developable_codes "$reg"); do
    pdf=$out/$(district_of "$reg" "$code")/$code.pdf
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
    head=$(awk -F, -v c="$code" '$1 == c { print $9 $10 " " $11 }' "$reg")
    text=$(pdftotext -f 1 -l 1 "$pdf" - 2>/dev/null)
    case "$text" in *"$code"*) ;; *) bad "$code: code not in page text";; esac
    case "$text" in *"$head"*) ;; *) bad "$code: head's name not in page text";; esac
    # Exact extraction in -layout and -raw: name, address, subdistrict and
    # district, as the register has them.  A wrapped line may have lost the
    # space it broke at, so lines are joined both with and without one.
    IFS=, read -r _ _ dist sub vno _ _ house _ <<< "$(awk -F, -v c="$code" '$1 == c' "$reg")"
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
first=$(developable_codes "$reg" | head -1)
pdftoppm -r 100 -png "$out/$(district_of "$reg" "$first")/$first.pdf" "$FFWORK/look" 2> "$FFWORK/t.err"
[ -s "$FFWORK/t.err" ] && bad "pdftoppm warns: $(head -1 "$FFWORK/t.err")"
check "six pages rendered" [ "$(ls "$FFWORK"/look*.png | wc -l)" = 6 ]
for png in "$FFWORK"/look*.png; do
    [ "$(stat -c %s "$png")" -gt 20000 ] || bad "$(basename "$png") looks blank"
done

# QR PNGs decode the same way.
ffgen qr "$reg" -o "$FFWORK/png" --png -q > /dev/null 2>&1
check "qr --png exits 0" [ $? = 0 ]
for code in $(developable_codes "$reg"); do
    got=$(zbarimg -q --raw "$FFWORK/png/$(district_of "$reg" "$code")/$code.png" 2>/dev/null)
    [ "$got" = "$code-$(damm "$code")" ] || bad "PNG QR of $code is '$got'"
done

# Selections: status and district, explicit codes, one document kind.
ffgen folders "$reg" -o "$FFWORK/sel" --status 2 --district 2401,2405 -q \
    > /dev/null 2>&1
want=$(awk -F, 'NR > 1 && $16 == "2" && ($6 ~ /^2401/ || $6 ~ /^2405/)' "$reg" | wc -l)
got=$(find "$FFWORK/sel" -name '*.pdf' | wc -l)
check "--status 2 --district: $got of $want" [ "$got" = "$want" ]
# 24993760931 (municipal office 2499) lives in 2401; 24985798606 in 2402.
ffgen folders "$reg" -o "$FFWORK/only" --only 24993760931,24985798606 \
    --doc plan -q > /dev/null 2>&1
got=$(cd "$FFWORK/only" && find . -name '*.pdf' | sort | tr '\n' ' ')
check "--only prints exactly those ($got)" \
    [ "$got" = "./2401/24993760931.pdf ./2402/24985798606.pdf " ]
check "--doc plan is one page" [ "$(pdfinfo "$FFWORK/only/2402/24985798606.pdf" | awk '/^Pages:/ {print $2}')" = 1 ]
ffgen folders "$reg" -o "$FFWORK/x" --only 24010105964 -q 2> "$FFWORK/err"
check "unknown --only code exits 1" [ $? = 1 ]
grep -q "household '24010105964' (--only) is not in the register" "$FFWORK/err" ||
    bad "unknown --only message"

# Bad rows are reported with file:line:col and skipped; --strict fails.
# A bad citizen ID is left empty and flagged, its household kept.
badreg=$FFWORK/bad_rows.csv
awk -F, -v OFS=, '{ print }
    END { }' "$reg" > "$badreg"
awk -F, -v OFS=, 'NR == 3 { $1 = "2401010930"; print }
    NR == 4 { $16 = "7"; $1 = "24010101119"; print }
    NR == 2 { print }' "$reg" >> "$badreg"
# Line 3's citizen ID gets a wrong check digit.
awk -F, -v OFS=, 'NR == 3 { $12 = substr($12, 1, 12) (substr($12, 13, 1) + 1) % 10 } { print }' \
    "$badreg" > "$badreg.t" && mv "$badreg.t" "$badreg"
ffgen folders "$badreg" -o "$FFWORK/bad" -q > /dev/null 2> "$FFWORK/err"
check "bad rows: exit 0" [ $? = 0 ]
grep -q "bad_rows.csv:303:1: household code has 10 digits, not 11" "$FFWORK/err" ||
    bad "bad row message"
grep -q "bad_rows.csv:304:16: status is not 1-4, a status label or empty" "$FFWORK/err" ||
    bad "status message"
grep -q "bad_rows.csv:302:1: duplicate household code (first on line 2)" "$FFWORK/err" ||
    bad "duplicate message"
grep -q "300 households read (UTF-8, ',', layout register-columns.map, header row 1), 3 rows rejected (1 code, 1 duplicate, 1 value), 1 fields flagged (citizen_id 1)" "$FFWORK/err" ||
    bad "summary of bad rows: $(tail -1 "$FFWORK/err")"
grep -q "bad_rows.csv:3:12: 1 citizen_id value left empty; first: citizen ID is not 13 digits with a valid check digit; left empty" "$FFWORK/err" ||
    bad "flagged citizen ID message"
grep -q "3240\|2401010930" "$FFWORK/err" && bad "a cell value leaked into stderr"
ffgen folders "$badreg" -o "$FFWORK/bad2" -q --strict > /dev/null 2>&1
check "--strict exits 1 on bad rows" [ $? = 1 ]
# Mostly rejected: refused as a whole, after the row messages.
ffgen folders "$FFTOP/tests/data/register/bad_rows.csv" -o "$FFWORK/bad3" -q \
    > /dev/null 2> "$FFWORK/err"
check "a mostly rejected register exits 1" [ $? = 1 ]
grep -q "bad_rows.csv: refused: 6 of 10 rows were rejected (more than 10%)" "$FFWORK/err" ||
    bad "refusal message: $(tail -1 "$FFWORK/err")"
check "nothing written for a refused register" [ ! -e "$FFWORK/bad3" ] 

# A broken template: exit 1, file:line:col and a caret.
mkdir -p "$FFWORK/tpl"
cp -r "$FFTOP"/templates/* "$FFWORK/tpl/"
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
        line = f[1]; for (j = 2; j <= 17; j++) line = line OFS f[j]; print line } }' \
    "$reg" > "$big"
"$FFBIN/ffgen" folders "$big" -o "$FFWORK/kill" -q > /dev/null 2>&1 &
pid=$!
# Kill it once the first PDFs are committed (a fixed sleep was too short on
# a loaded machine: nothing had been finished yet), at most after 60 s.
for _ in $(seq 600); do
    [ -n "$(find "$FFWORK/kill" -name '*.pdf' 2> /dev/null | head -1)" ] && break
    sleep 0.1
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
    [ "$(find "$FFWORK/kill" -name '*.pdf' | wc -l)" = "$(awk -F, 'NR > 1 && $16 == 1' "$big" | wc -l)" ]
finish
