# gen_layout.sh - nothing printed over anything, nothing cut without a word
# (issue 14): for the sample register and for a register of long names,
# addresses and place names made from it (tests/lib/longregister.py), over
# folders, packets and labels: no two words' letter bodies overlap, no word
# leaves the page (or its label's printable part), and every head of
# household's full name is in the text or named by a warning.
. "$FFTOP/tests/lib/common.sh"
lc="python3 $FFTOP/tests/lib/layoutcheck.py"
export SOURCE_DATE_EPOCH=1735689600
sample=$FFWORK/sample.csv
long=$FFWORK/long.csv
# 60 sample households keep the run short; the long register is 40.
head -61 "$FFTOP/tests/data/households.csv" > "$sample"
python3 "$FFTOP/tests/lib/longregister.py" "$FFTOP/tests/data/households.csv" "$long" 40
# The labels' printable part: 5 mm in from the sheet's edges by default.
sheet=$(awk '/^sheet name=3x8 /' "$FFTOP/templates/labels.tpl")

for reg in "$sample" "$long"; do
    r=$(basename "$reg" .csv)
    ffgen folders "$reg" -o "$FFWORK/$r-f" --status 1,2,3,4 -q > /dev/null 2> "$FFWORK/$r-f.err"
    rc=$?; check "$r: folders exits 0" [ $rc = 0 ]
    $lc $(find "$FFWORK/$r-f" -name '*.pdf' | sort) > "$FFWORK/$r-f.lc" ||
        bad "$r folders: $(wc -l < "$FFWORK/$r-f.lc") findings: $(head -3 "$FFWORK/$r-f.lc")"
    $lc names $(find "$FFWORK/$r-f" -name '*.pdf') --register "$reg" \
        --stderr "$FFWORK/$r-f.err" > "$FFWORK/$r-f.names" ||
        bad "$r folders: $(head -3 "$FFWORK/$r-f.names")"

    ffgen packet "$reg" -o "$FFWORK/$r-p" --status 1,2,3,4 -q > /dev/null 2> "$FFWORK/$r-p.err"
    rc=$?; check "$r: packet exits 0" [ $rc = 0 ]
    # The cover is pages' (the C-drawn pages); the households' pages here.
    for pdf in "$FFWORK/$r-p"/*.pdf; do
        n=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
        qpdf --empty --pages "$pdf" 3-$n -- "$FFWORK/hh.pdf"
        # and the footer's rule strikes through nothing (10.5 mm up)
        $lc --rule 10.5 "$FFWORK/hh.pdf" >> "$FFWORK/$r-p.lc"
    done
    [ -s "$FFWORK/$r-p.lc" ] &&
        bad "$r packets: $(wc -l < "$FFWORK/$r-p.lc") findings: $(head -3 "$FFWORK/$r-p.lc")"

    ffgen labels "$reg" -o "$FFWORK/$r-l.pdf" --status 1,2,3,4 -q > /dev/null 2> "$FFWORK/$r-l.err"
    rc=$?; check "$r: labels exits 0" [ $rc = 0 ]
    $lc --area 5,5,5,5 "$FFWORK/$r-l.pdf" > "$FFWORK/$r-l.lc" ||
        bad "$r labels: $(wc -l < "$FFWORK/$r-l.lc") findings: $(head -3 "$FFWORK/$r-l.lc")"
    $lc names "$FFWORK/$r-l.pdf" --register "$reg" --stderr "$FFWORK/$r-l.err" \
        > "$FFWORK/$r-l.names" || bad "$r labels: $(head -3 "$FFWORK/$r-l.names")"
    # Warnings name the household, the document and the field, never text.
    if grep -q warning "$FFWORK/$r-l.err"; then
        grep warning "$FFWORK/$r-l.err" | grep -Evq "labels.tpl:[0-9]+: household [0-9]{11}, labels, field [a-z_, ]+: does not fit its box: printed at [0-9.]+ pt and cut with '…'$" &&
            bad "$r: a label warning without household, document and field"
    fi
    awk -F, 'NR > 1 { print $9; print $10 }' "$reg" | sort -u | while read -r v; do
        [ -n "$v" ] && grep -qF -- "$v" "$FFWORK/$r-f.err" "$FFWORK/$r-l.err" "$FFWORK/$r-p.err" &&
            echo "$v" >> "$FFWORK/leak"
    done
    [ -s "$FFWORK/leak" ] && bad "$r: a name in a warning"
done
# The long register does meet the limits: some label is cut and warned of.
grep -q "warning: .*labels.tpl:[0-9]*: household [0-9]*, labels, field head: does not fit its box" \
    "$FFWORK/long-l.err" || bad "no label of the long register was cut and warned of"
finish
