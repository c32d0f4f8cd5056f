# trust_keyfile.sh - a key path that is not a plain file of its own is
# refused at once, with a message: a named pipe (it used to hang ffgen and
# ffintake for ever, waiting for a writer), a device, a directory and a
# symbolic link (whoever can replace the link would choose the key).  The
# real key, given directly, still works.
. "$FFTOP/tests/lib/common.sh"
export SOURCE_DATE_EPOCH=1735689600
reg=$FFTOP/tests/data/households.csv
L=$FFWORK/l.db
# Generous for valgrind; a hang is what this replaces.
T=${FF_TIMEOUT:-60}

ffgen key -o "$FFWORK/k.key" > /dev/null 2>&1
mkfifo -m 600 "$FFWORK/k.fifo"
ln -s "$FFWORK/k.key" "$FFWORK/k.link"
mkdir -m 700 "$FFWORK/k.dir"
ffintake register "$FFTOP/tests/data/intake/register.csv" --ledger "$L" > /dev/null 2>&1
printf '%s\r\n' '"start";"end";"hhid";"month";"activity";"t_category";"result";"income_after";"status_after";"reporter";"_id";"_uuid";"_submission_time"' \
    '"";"";"24010105963-5";"2025-01";"a";"skills";"r";"";"1";"x";"1";"u1";"2025-01-10T03:00:00"' \
    > "$FFWORK/k.csv"

refused() {     # refused KEY WHY
    local rc
    timeout "$T" $FFRUN "$FFBIN/ffgen" folders "$reg" --only 24010105963 --key "$1" \
        -o "$FFWORK/out" -q > "$FFWORK/err" 2>&1
    rc=$?
    check "ffgen --key $(basename "$1"): exit 1, not a hang (got $rc)" [ $rc = 1 ]
    grep -qF "$2" "$FFWORK/err" || bad "ffgen --key $(basename "$1"): $(cat "$FFWORK/err")"
    timeout "$T" $FFRUN "$FFBIN/ffintake" load --ledger "$L" --key "$1" "$FFWORK/k.csv" \
        > "$FFWORK/err" 2>&1
    rc=$?
    check "ffintake --key $(basename "$1"): exit 1, not a hang (got $rc)" [ $rc = 1 ]
    grep -qF "$2" "$FFWORK/err" || bad "ffintake --key $(basename "$1"): $(cat "$FFWORK/err")"
}
refused "$FFWORK/k.fifo" "k.fifo: key file is not a regular file (a named pipe)"
refused /dev/zero "/dev/zero: key file is not a regular file (a device)"
refused "$FFWORK/k.dir" "k.dir: key file is not a regular file (a directory)"
refused "$FFWORK/k.link" "k.link: key file is a symbolic link; give the path of the file itself"
# Through qr.conf's key_file as well.
printf 'mode = plain\nkey_file = k.fifo\n' > "$FFWORK/qr.conf"
timeout "$T" $FFRUN "$FFBIN/ffgen" folders "$reg" --only 24010105963 \
    --qr-config "$FFWORK/qr.conf" -o "$FFWORK/out" -q > "$FFWORK/err" 2>&1
check "qr.conf key_file = a FIFO: exit 1 (got $?)" [ $? = 1 ]
grep -qF "key file is not a regular file (a named pipe)" "$FFWORK/err" ||
    bad "qr.conf key_file FIFO: $(cat "$FFWORK/err")"
# Nothing was written by the refused runs.
check "no output after a refused key" [ ! -e "$FFWORK/out/2401/24010105963.pdf" ]

# The key itself is fine.
ffgen folders "$reg" --only 24010105963 --key "$FFWORK/k.key" -o "$FFWORK/out" -q \
    > "$FFWORK/err" 2>&1
check "the real key works: $(cat "$FFWORK/err")" [ $? = 0 ]
ffintake load --ledger "$L" --key "$FFWORK/k.key" "$FFWORK/k.csv" > "$FFWORK/err" 2>&1
check "ffintake with the real key: $(cat "$FFWORK/err")" [ $? = 0 ]
finish
