# pages_layout.sh - the pages drawn in C (summary / enclosure 1, packet
# covers, reconciliation) for the sample register and for a register of long
# names, addresses and place names made from it (tests/lib/longreg.py):
#   - no two words printed over each other, no word outside the page
#     (pdftotext -bbox word boxes, tests/lib/pagecheck.py);
#   - "หน้า i/N" right on every page of the summary and the reconciliation;
#   - a district continued on the next page starts it with its heading and
#     "(ต่อ)" (summary, reconciliation's missing list);
#   - every missing head's full name in the reconciliation's text, the
#     headings บ้านเลขที่ and รหัสบ้าน as words of their own;
#   - packet covers: every household's full head name, its start page the
#     physical page where its documents begin, the place printed once,
#     district packets with tambon and village-name columns;
#   - the summary's enclosure marker and certification block.
. "$FFTOP/tests/lib/common.sh"
export SOURCE_DATE_EPOCH=1735689600
pc() { python3 "$FFTOP/tests/lib/pagecheck.py" "$@"; }
sample=$FFTOP/tests/data/households.csv
long=$FFWORK/long.csv
python3 "$FFTOP/tests/lib/longreg.py" "$sample" "$long" || bad "longreg.py"
S=$FFTOP/tests/data/intake/samples

# Full head names (title+given+surname, spaces removed) by household code.
heads() {
    python3 - "$1" <<'EOF'
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    for r in csv.DictReader(f):
        name = r["คำนำหน้า"] + r["ชื่อ"] + r["นามสกุล"]
        print(r["รหัสบ้าน"], r["สถานะ"], "".join(name.split()), r["อำเภอ"],
              sep="\t")
EOF
}

for reg in "$sample" "$long"; do
    tag=$(basename "$reg" .csv)
    out=$FFWORK/$tag
    mkdir -p "$out"
    heads "$reg" > "$out/heads.tsv"

    # ---- summary (enclosure 1)
    ffgen summary "$reg" --data-date 2568-01-15 -o "$out/s" > /dev/null 2>&1 ||
        bad "$tag: summary failed"
    pdf=$out/s/summary.pdf
    pc overlap "$pdf" > "$out/ov" || bad "$tag summary: $(head -3 "$out/ov")"
    pc pagenums "$pdf" > "$out/pn" || bad "$tag summary: $(head -3 "$out/pn")"
    pc groups "$pdf" อำเภอ > "$out/gr" || bad "$tag summary: $(head -3 "$out/gr")"
    check "$tag summary has more than one page" [ "$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')" -gt 1 ]
    p1=$(pdftotext -f 1 -l 1 "$pdf" - 2>/dev/null)
    case "$p1" in *"สิ่งที่ส่งมาด้วย ๑"*) ;; *) bad "$tag summary: no สิ่งที่ส่งมาด้วย ๑ on page 1";; esac
    all=$(pdftotext "$pdf" - 2>/dev/null)
    for w in "ผู้รับรองข้อมูล" "ตำแหน่ง" "วันที่" "ลงชื่อ" "ข้อมูล ณ วันที่ 15 มกราคม 2568"; do
        case "$all" in *"$w"*) ;; *) bad "$tag summary: no '$w'";; esac
    done
    # Every district that continues onto a page says so there.
    n=$(grep -c . "$out/gr"); [ "$n" = 0 ] || bad "$tag summary groups: $n problems"
    raw=$(pc text "$pdf")
    for d in $(awk -F, 'NR > 1 { print $3 }' "$reg" | sort -u); do
        case "$raw" in *"อำเภอ$d"*) ;; *) bad "$tag summary: district name 'อำเภอ$d' not whole";; esac
    done
    for t in $(awk -F, 'NR > 1 { print $4 }' "$reg" | sort -u); do
        case "$raw" in *"ตำบล$t"*) ;; *) bad "$tag summary: subdistrict name 'ตำบล$t' not whole";; esac
    done

    # ---- reconciliation
    L=$out/l.db
    ffintake register "$reg" --ledger "$L" > /dev/null 2>&1 || bad "$tag: register"
    ffintake load --ledger "$L" "$S"/*.csv > /dev/null 2>&1
    ffintake report --ledger "$L" --month 2568-02 -o "$out/r" > "$out/report.txt" 2>&1 ||
        bad "$tag: report failed"
    grep -q "^2568-02: " "$out/report.txt" || bad "$tag: console month is not BE: $(cat "$out/report.txt")"
    ffintake export --ledger "$L" --month 2568-02 -o "$out/acc.csv" > /dev/null 2>&1
    pdf=$out/r/reconciliation.pdf
    pc overlap "$pdf" > "$out/ov" || bad "$tag reconciliation: $(head -3 "$out/ov")"
    pc pagenums "$pdf" > "$out/pn" || bad "$tag reconciliation: $(head -3 "$out/pn")"
    first=$(for p in $(seq 1 "$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')"); do
        pdftotext -f "$p" -l "$p" "$pdf" - | grep -q "ครัวเรือนเป้าหมายที่ยังไม่รายงานผล" && { echo "$p"; break; }
    done)
    check "$tag reconciliation has a missing list" [ -n "$first" ]
    pc groups "$pdf" อำเภอ "$((first + 1))" > "$out/gr" || bad "$tag reconciliation: $(head -3 "$out/gr")"
    raw=$(pc text "$pdf")
    tr -d '\r' < "$out/acc.csv" | awk -F, 'NR > 1 { print $1 }' | sort -u > "$out/reported"
    awk -F'\t' '$2 == 1' "$out/heads.tsv" | sort > "$out/expected"
    nmiss=0
    while IFS=$'\t' read -r code st name district; do
        grep -qx "$code" "$out/reported" && continue
        nmiss=$((nmiss + 1))
        case "$raw" in *"$code"*"$name"*) ;; *) bad "$tag reconciliation: household $code without its head's full name";; esac
    done < "$out/expected"
    check "$tag: 27 households missing in 2568-02 (got $nmiss)" [ "$nmiss" = 27 ]
    pc words "$pdf" | awk -F'\t' -v p="$first" '$1 == p' | cut -f2 > "$out/words"
    grep -qx "บ้านเลขที่" "$out/words" || bad "$tag reconciliation: heading บ้านเลขที่ is not a word of its own"
    grep -qx "รหัสบ้าน" "$out/words" || bad "$tag reconciliation: heading รหัสบ้าน is not a word of its own"
    case "$raw" in *"(ระเบียน)"*) ;; *) bad "$tag reconciliation: ปฏิเสธ not headed as records";; esac
    case "$raw" in *"ทุกช่องเป็นจำนวนครัวเรือนยกเว้น*ปฏิเสธ"*) ;; *) bad "$tag reconciliation: no note on what ปฏิเสธ counts";; esac
    head -1 "$out/r/reconciliation.csv" | grep -q ',month_ce' || bad "$tag reconciliation.csv: no month_ce column"
    sed -n 2p "$out/r/reconciliation.csv" | grep -q '^2568-02,.*,2025-02' || bad "$tag reconciliation.csv: month not BE + CE"

    # ---- packet covers
    for by in village subdistrict district; do
        # Villages and subdistricts of the biggest district; every district.
        sel=; [ "$by" = district ] || sel="--district 2405"
        ffgen packet "$reg" --by "$by" $sel -o "$out/p-$by" -q > /dev/null 2>&1 || bad "$tag: packet --by $by"
        # The district packets, and the three biggest of the others.
        for pdf in $(ls -S "$out/p-$by"/*.pdf | head -$([ "$by" = district ] && echo 20 || echo 4)); do
            pc packet "$pdf" "$out/heads.tsv" "$by" > "$out/pk" ||
                bad "$tag/$by/$(basename "$pdf"): $(grep -v 'words checked' "$out/pk" | head -3)"
        done
    done
done
finish
