# table_formats.sh - the register and the report exports as provinces and
# form services really hand them over: XLSX (shared or inline strings,
# numbers as numbers, sparse rows, trailing empty cells), XLS, UTF-16 text
# (LE and BE), zips of CSV, standard input.  Each must give exactly what the
# clean CSV gives: the same summary, the same ledger rows.  Also: a stray
# quote, Latin-1 and a Windows-874 file whose Thai starts late.
. "$FFTOP/tests/lib/common.sh"
export SOURCE_DATE_EPOCH=1735689600
reg=$FFTOP/tests/data/households.csv
mk() { /usr/bin/python3 "$FFTOP/tests/lib/mktable.py" "$@"; }
W=$FFWORK
mk xlsx "$reg" "$W/h.xlsx" --numbers 1,5,6,12,13,14 || bad "mktable xlsx"
mk xlsx "$reg" "$W/h2.xlsx" --inline --sparse --exp --trailing --numbers 1,6,12 --prefix x \
    || bad "mktable xlsx 2"
mk xls "$reg" "$W/h.xls" --numbers 1,5,6,12,13,14 || bad "mktable xls"
{ printf '\377\376'; tr , '\t' < "$reg" | sed 's/$/\r/' | iconv -f UTF-8 -t UTF-16LE; } > "$W/h16le.txt"
{ printf '\376\377'; tr , '\t' < "$reg" | iconv -f UTF-8 -t UTF-16BE; } > "$W/h16be.txt"

households() {  # the register snapshot as the ledger stores it
    sqlite3 "$1" "SELECT code, province, district_code, district, subdistrict,
        village_no, village_name, house_no, head, members, income, status
        FROM household ORDER BY code"
}
ffgen summary "$reg" -o "$W/s.csv" > /dev/null 2>&1 || bad "summary of the CSV"
ffintake register --ledger "$W/csv.db" "$reg" > /dev/null || bad "register the CSV"
households "$W/csv.db" > "$W/want"
check "the CSV register has 300 households" [ "$(wc -l < "$W/want")" = 300 ]
for v in h.xlsx h2.xlsx h.xls h16le.txt h16be.txt; do
    ffgen summary "$W/$v" -o "$W/s.$v" > /dev/null 2> "$W/err.$v"
    check "summary of $v exits 0" [ $? = 0 ]
    cmp -s "$W/s.csv/summary.csv" "$W/s.$v/summary.csv" || bad "$v: summary differs from the CSV's"
    grep -q "300 households read" "$W/err.$v" || bad "$v: not 300 households: $(cat "$W/err.$v")"
    ffintake register --ledger "$W/$v.db" "$W/$v" > /dev/null 2>&1 || bad "register $v"
    households "$W/$v.db" > "$W/got.$v"
    cmp -s "$W/want" "$W/got.$v" || bad "$v: ledger households differ: $(diff "$W/want" "$W/got.$v" | head -3)"
done
grep -q "(XLSX, sheet 'Sheet1', layout register-columns.map, header row 1), 0 rows rejected" "$W/err.h.xlsx" || bad "XLSX sheet not reported"
grep -q "(UTF-16LE, 'T', layout register-columns.map, header row 1), 0 rows rejected" "$W/err.h16le.txt" || bad "UTF-16 not reported: $(cat "$W/err.h16le.txt")"

# Standard input and a pipe: text streams, a zip is spooled.
ffgen summary - -o "$W/s.stdin" < "$W/h.xlsx" > /dev/null 2>&1
check "an XLSX on standard input is read" cmp -s "$W/s.csv/summary.csv" "$W/s.stdin/summary.csv"
# (A pipe has no file date: the summary's data date is given.)
cat "$W/h16le.txt" | ffgen summary - --data-date 2568-01-10 -o "$W/s.pipe" > /dev/null 2>&1
check "UTF-16 through a pipe is read" cmp -s "$W/s.csv/summary.csv" "$W/s.pipe/summary.csv"

# Issue 11 item 5: a stray quote in row 4 costs row 4 only (it used to give
# "2 households read, 1 rows rejected", exit 0).
awk -F, -v OFS=, 'NR == 4 { $9 = "\"" $9 } { print }' "$reg" > "$W/quote.csv"
ffgen summary "$W/quote.csv" -o "$W/s.quote" > /dev/null 2> "$W/err.quote"
check "a stray quote exits 0 (the row is skipped like any bad row)" [ $? = 0 ]
grep -q "quote.csv:4:9: a quote opens this field and is never closed" "$W/err.quote" \
    || bad "stray quote message: $(cat "$W/err.quote")"
grep -q "299 households read (UTF-8, ',', layout register-columns.map, header row 1), 1 rows rejected (1 row)" "$W/err.quote" \
    || bad "stray quote cost more than its row: $(tail -1 "$W/err.quote")"
# The same in a Google Forms export: two stray quotes in one column used to
# merge the reports between them into one; now each costs its own record.
gf=$FFTOP/tests/data/intake/samples/gforms_2568-01.csv
awk -F, -v OFS=, 'NR == 6 || NR == 9 { $4 = "\"" $4 } { print }' "$gf" > "$W/gf_quote.csv"
for f in "$gf" "$W/gf_quote.csv"; do
    b=$(basename "$f" .csv)
    ffintake register --ledger "$W/gf.$b.db" "$reg" > /dev/null
    ffintake load --ledger "$W/gf.$b.db" "$f" > "$W/out.$b" 2>&1 || bad "load $b: $(cat "$W/out.$b")"
done
n0=$(sqlite3 "$W/gf.gforms_2568-01.db" "SELECT COUNT(*) FROM record")
n1=$(sqlite3 "$W/gf.gf_quote.db" "SELECT COUNT(*) FROM record")
check "stray quotes keep every record ($n1 of $n0)" [ "$n0" = "$n1" ]
check "the two records with a stray quote are rejected as stray_quote" \
    [ "$(sqlite3 "$W/gf.gf_quote.db" "SELECT group_concat(line) FROM record WHERE reason = 'stray_quote'")" = "6,9" ]
q="SELECT record_no, outcome, reason, hhid, month FROM record WHERE line NOT IN (6, 9) ORDER BY id"
check "the other records are classified as in the clean file" \
    [ "$(sqlite3 "$W/gf.gforms_2568-01.db" "$q")" = "$(sqlite3 "$W/gf.gf_quote.db" "$q")" ]

# Windows-874 whose first Thai byte comes after 64 KiB: still Windows-874.
{ head -1 "$reg"; for i in $(seq 1 1200); do
      echo "0$(printf %010d $i),,,,2,24010102,x,1,x,x,x,,1,1,,,"; done; tail -n +2 "$reg"; } |
    iconv -f UTF-8 -t CP874 > "$W/late.csv"
ffgen summary "$W/late.csv" -o "$W/s.late" > /dev/null 2> "$W/err.late"
grep -q "1500 households read (Windows-874, ',', layout register-columns.map, header row 1), 0 rows rejected" "$W/err.late" || bad "late Thai not Windows-874: $(tail -1 "$W/err.late")"
grep -q "invalid UTF-8\|not valid UTF-8" "$W/err.late" && bad "late Windows-874 read as UTF-8"

# Latin-1 is not silently read as Thai (a Kobo export: ASCII header and
# values, a Latin-1 name in the first record).
kobo0=$FFTOP/tests/data/intake/samples/kobo_2568-01.csv
{ head -1 "$kobo0"; printf '"2025-01-01T09:41:47.445+07:00";"2025-01-01T09:56:09.115+07:00";"24010105963";"2025-01";"x";"skills";"x";"42300";"1";"M\374ller";"1";"u1";"2025-01-01T02:57:17"\n'; } > "$W/latin1.csv"
ffintake register --ledger "$W/l1.db" "$FFTOP/tests/data/intake/register.csv" > /dev/null
ffintake load --ledger "$W/l1.db" "$W/latin1.csv" > /dev/null 2> "$W/err.l1"
check "Latin-1 exits 1" [ $? = 1 ]
grep -q "latin1.csv:2:[0-9]*: text is neither UTF-8 nor Thai Windows-874" "$W/err.l1" \
    || bad "Latin-1 message: $(cat "$W/err.l1")"

# Report exports: Kobo as XLSX with a native date-time cell, ODK Central's
# submissions.csv.zip with a repeat group's table beside the root table.
# (The sample export has damaged bytes on purpose; XLSX cannot hold them.)
kobo=$W/kobo.csv   # (kobo0 is set above)
iconv -f UTF-8 -t UTF-8 -c "$FFTOP/tests/data/intake/samples/kobo_2568-01.csv" > "$kobo"
odk=$FFTOP/tests/data/intake/odk_2568-03.csv
mk xlsx "$kobo" "$W/kobo.xlsx" --dates 13 || bad "mktable kobo"
cp "$odk" "$W/form.csv"; printf 'PARENT_KEY,member\nuuid:k1,a\n' > "$W/form-members.csv"
mk zip "$W/odk.zip" form.csv="$W/form.csv" form-members.csv="$W/form-members.csv" \
    media/=/dev/null 2> /dev/null || mk zip "$W/odk.zip" form.csv="$W/form.csv" \
    form-members.csv="$W/form-members.csv"
records() {     # line is left out: a sheet row is not a physical line
    sqlite3 "$1" "SELECT record_no, outcome, reason, col, late, hhid, month,
        submitted, submitted_text, submission_id, activity, category, result, income,
        status, reporter FROM record ORDER BY id"
}
for pair in "$kobo:kobo.xlsx:$reg" "$odk:odk.zip:$FFTOP/tests/data/intake/register.csv"; do
    src=${pair%%:*}; v=${pair#*:}; ireg=${v#*:}; v=${v%%:*}
    ffintake register --ledger "$W/a.$v.db" "$ireg" > /dev/null || bad "register for $v"
    cp "$W/a.$v.db" "$W/b.$v.db"
    ffintake load --ledger "$W/a.$v.db" "$src" > "$W/out.a.$v" 2>&1 || bad "load the CSV of $v"
    ffintake load --ledger "$W/b.$v.db" "$W/$v" > "$W/out.b.$v" 2>&1
    check "load $v exits 0" [ $? = 0 ]
    # A sheet has no ragged rows (empty cells at the end of a row are left
    # out of the XML): what the CSV rejects as ragged_row the sheet rejects
    # for its empty field.  Those records are compared by outcome only.
    records "$W/a.$v.db" > "$W/ra.$v"; records "$W/b.$v.db" > "$W/rb.$v"
    ragged=$(awk -F'|' '$3 == "ragged_row" { print $1 }' "$W/ra.$v" | tr '\n' ' ')
    for f in ra rb; do
        awk -F'|' -v r=" $ragged" 'index(r, " " $1 " ") { print $1 "|" $2; next } { print }' \
            "$W/$f.$v" > "$W/$f.$v.cmp"; mv "$W/$f.$v.cmp" "$W/$f.$v"
    done
    check "$v has records" [ -s "$W/rb.$v" ]
    cmp -s "$W/ra.$v" "$W/rb.$v" || bad "$v: ledger records differ: $(diff "$W/ra.$v" "$W/rb.$v" | head -4)"
done
grep -q "kobo.xlsx: kobo, XLSX: " "$W/out.b.kobo.xlsx" || bad "kobo.xlsx summary: $(cat "$W/out.b.kobo.xlsx")"
finish
