# trust_messages.sh - what users typed never drives the terminal, and
# intake never shows the value of a field that may hold personal data.
#
# An export and a register are crafted with a citizen ID in the household
# code column, a phone number in income, a name in status, and escape
# sequences (an xterm retitle and clear: ESC ] 0 ; ... BEL ESC [ 2 J), C1
# controls and bidi overrides in fields, file names, a template, a column
# map, a dialect map, qr.conf and command-line arguments.  Everything the
# programs print (stdout and stderr) and the --outcomes file must hold none
# of those raw bytes; intake's output must hold none of the personal values.
. "$FFTOP/tests/lib/common.sh"
export SOURCE_DATE_EPOCH=1735689600
D=$FFTOP/tests/data/intake
L=$FFWORK/l.db
OUT=$FFWORK/printed           # everything both programs print
: > "$OUT"

ESC=$'\e]0;owned\a\e[2J'              # retitle + clear screen
C1=$'\xc2\x9b2J'                      # U+009B CSI as UTF-8
RLO=$'\xe2\x80\xae'                   # U+202E right-to-left override
LRI=$'\xe2\x81\xa6'                   # U+2066 left-to-right isolate
CID=3240636381610                     # a citizen ID (valid check digit)
PHONE=081-234-5678
NAME=นายสมหมาย

# Raw control bytes: C0 except tab and newline, DEL, C1 as UTF-8, bidi
# overrides and isolates, and bytes that are not UTF-8 (checked apart).
raw_controls() {
    LC_ALL=C grep -caP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$1"
}
no_raw() {  # no_raw WHAT FILE
    local n
    n=$(raw_controls "$2")
    check "$1: $n line(s) with raw control bytes" [ "$n" = 0 ]
}

# --- intake -----------------------------------------------------------------
ffintake register "$D/register.csv" --ledger "$L" >> "$OUT" 2>&1
hdr='"start";"end";"hhid";"month";"activity";"t_category";"result";"income_after";"status_after";"reporter";"_id";"_uuid";"_submission_time"'
t='"2025-01-10T10:00:00.000+07:00"'
row() {     # row HHID MONTH ACTIVITY INCOME STATUS ID
    printf '%s;%s;"%s";"%s";"%s";"skills";"r";"%s";"%s";"x";"%s";"u%s";"2025-01-10T03:00:00"\r\n' \
        "$t" "$t" "$1" "$2" "$3" "$4" "$5" "$6" "$6"
}
export_name="$FFWORK/kobo${ESC}${RLO}.csv"
{
    printf '%s\r\n' "$hdr"
    row "$CID" 2025-01 a "" 1 1                     # citizen ID as code
    row 24010105963 2025-01 a "$PHONE" 1 2          # phone as income
    row 24010109307 2025-01 a "" "$NAME" 3          # name as status
    row "$ESC" 2025-01 a "" 1 4                     # escape as code
    row "${RLO}24010105963" 2025-01 a "" 1 5        # bidi before a code
    row 24010105963 "2025-01$ESC" a "" 1 6          # escape in month
    row 24030121536 2025-01 "อบรม${ESC}${C1}${RLO}${LRI}" "" 1 7   # accepted
    row "0${CID}" 2025-01 a "" 1 8                  # 14 digits
    row "3.24063638161E+12" 2025-01 a "" 1 9        # Excel ate the ID
    row "$PHONE" 2025-01 a "" 1 10                  # phone as code
} > "$export_name"
ffintake load --ledger "$L" "$export_name" --outcomes "$FFWORK/o.csv" \
    > "$FFWORK/load.out" 2>&1
check "load exits 0" [ $? = 0 ]
cat "$FFWORK/load.out" >> "$OUT"
grep -q "10 records: 1 accepted, 0 duplicate, 0 superseded, 9 rejected" \
    "$FFWORK/load.out" || bad "load summary: $(cat "$FFWORK/load.out")"
# The file name is shown escaped, not raw.
grep -qF 'kobo\x1b]0;owned\x07\x1b[2J\u202e.csv: kobo' "$FFWORK/load.out" ||
    bad "escaped file name in the load summary: $(head -1 "$FFWORK/load.out")"
tr -d '\r' < "$FFWORK/o.csv" > "$FFWORK/o.lf"
no_raw "--outcomes" "$FFWORK/o.lf"
for v in "$CID" "$PHONE" "$NAME" 3.24063638161; do
    grep -qF -- "$v" "$FFWORK/o.csv" && bad "--outcomes shows '$v'"
done
# What may be shown still is: the well-formed codes of the records.
tr -d '\r' < "$FFWORK/o.csv" | cut -d, -f2,5,7 > "$FFWORK/o.cut"
check "outcomes columns ($(tr '\n' ' ' < "$FFWORK/o.cut"))" [ "$(tr '\n' ' ' < "$FFWORK/o.cut")" = \
    "record,reason,hhid 2,hhid_malformed, 3,bad_value,24010105963 4,bad_value,24010109307 5,hhid_malformed, 6,hhid_malformed, 7,bad_value,24010105963 8,,24030121536 9,hhid_malformed, 10,hhid_malformed, 11,hhid_malformed, " ]

# Errors that quote a value: a usage error, a file that cannot be opened,
# a dialect map with an escape in a field name.
ffintake load --ledger "$L" --month "$ESC" x.csv >> "$OUT" 2>&1
check "bad option value: exit 2" [ $? = 2 ]
ffintake load --ledger "$L" "$FFWORK/none${ESC}.csv" > "$FFWORK/e1" 2>&1
cat "$FFWORK/e1" >> "$OUT"
grep -qF 'none\x1b]0;owned\x07\x1b[2J.csv' "$FFWORK/e1" ||
    bad "missing file named, escaped: $(cat "$FFWORK/e1")"
printf 'dialect evil\nhhid = hhid\n%s = x\n' "$ESC$C1" > "$FFWORK/evil.map"
ffintake load --ledger "$L" --dialects "$FFWORK/evil.map" "$export_name" \
    > "$FFWORK/e2" 2>&1
check "bad dialect map: exit 1" [ $? = 1 ]
cat "$FFWORK/e2" >> "$OUT"
grep -qF "evil.map:3:1: unknown field '\\x1b]0;owned\\x07\\x1b[2J\\u009b2J'" "$FFWORK/e2" ||
    bad "dialect map error: $(cat "$FFWORK/e2")"

# --- the register (ffgen and ffintake register) -----------------------------
reg=$FFWORK/reg${RLO}.csv
{
    head -1 "$FFTOP/tests/data/households.csv"
    sed -n 2,40p "$FFTOP/tests/data/households.csv"
    # status with an escape sequence, a village name with a bidi override
    echo "24010100010,ฉะเชิงเทรา,เมืองฉะเชิงเทรา,หน้าเมือง,1,24010101,บ้าน${RLO}x,1,นาย,ก,ข,3240315410364,4,30000,,${ESC},0811111111"
    # a 3,000-character status: the message is bounded
    echo "24010100028,ฉะเชิงเทรา,เมืองฉะเชิงเทรา,หน้าเมือง,1,24010101,บ้าน,1,นาย,ก,ข,3240315410364,4,30000,,$(printf "${C1}%.0s" $(seq 1000)),0811111111"
} > "$reg"
ffgen summary "$reg" -o "$FFWORK/s" > "$FFWORK/g1" 2>&1
check "summary of a register with bad rows: exit 0" [ $? = 0 ]
cat "$FFWORK/g1" >> "$OUT"
grep -qF 'reg\u202e.csv:41:16:' "$FFWORK/g1" || bad "register row error names file:line:col: $(cat "$FFWORK/g1")"
long=$(awk '{ print length($0) }' "$FFWORK/g1" | sort -n | tail -1)
check "longest message line is bounded ($long)" [ "$long" -lt 1200 ]
ffintake register "$reg" --ledger "$FFWORK/l2.db" >> "$OUT" 2>&1
ffgen folders "$FFWORK/none${ESC}.csv" -o "$FFWORK/f" >> "$OUT" 2>&1
check "missing register: exit 1" [ $? != 0 ]
ffgen folders "$reg" --only "$CID" -o "$FFWORK/f" > "$FFWORK/g2" 2>&1
check "--only with a citizen ID: exit 2" [ $? = 2 ]
grep -qF -- "$CID" "$FFWORK/g2" && bad "--only echoes the citizen ID"
cat "$FFWORK/g2" >> "$OUT"
ffgen folders "$reg" --status "$ESC" -o "$FFWORK/f" >> "$OUT" 2>&1
check "--status with an escape: exit 2" [ $? = 2 ]

# A template, a column map and qr.conf with escapes in them.
mkdir -p "$FFWORK/tpl"
cp -r "$FFTOP"/templates/* "$FFWORK/tpl/"
printf 'text x=1 y=1 w=10 size=9 "a" %s\n' "$ESC" >> "$FFWORK/tpl/folder.tpl"
FFKIT_TEMPLATE_DIR=$FFWORK/tpl ffgen folders "$FFTOP/tests/data/households.csv" \
    --only 24011700363 -o "$FFWORK/f" -q > "$FFWORK/g3" 2>&1
check "bad template: exit 1" [ $? = 1 ]
cat "$FFWORK/g3" >> "$OUT"
grep -q '^    *\^$' "$FFWORK/g3" || bad "template error keeps its caret line: $(cat "$FFWORK/g3")"
printf 'code : รหัสบ้าน\n%s : x\n' "$ESC" > "$FFWORK/cols.map"
ffgen summary "$FFTOP/tests/data/households.csv" --columns "$FFWORK/cols.map" \
    -o "$FFWORK/s2" >> "$OUT" 2>&1
check "bad column map: exit 1" [ $? = 1 ]
printf 'mode = plain\n%s = 1\n' "$ESC$RLO" > "$FFWORK/qr.conf"
ffgen folders "$FFTOP/tests/data/households.csv" --qr-config "$FFWORK/qr.conf" \
    --only 24011700363 -o "$FFWORK/f" >> "$OUT" 2>&1
check "bad qr.conf: exit 1" [ $? = 1 ]

no_raw "printed by ffgen and ffintake" "$OUT"
# ...and the values were shown, escaped (the test did reach the messages).
check "escaped values shown ($(grep -c 'x1b]0;owned' "$OUT") lines)" \
    [ "$(grep -c 'x1b]0;owned' "$OUT")" -ge 9 ]
finish
