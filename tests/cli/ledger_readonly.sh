# ledger_readonly.sh - report, export and check never write to the ledger
# (issue 11, item 3): an unrelated SQLite file or a ledger of an unknown
# schema version is refused and left byte-identical with no -wal/-shm; a
# ledger the user may not write is read (as user nobody); a writer holding
# the ledger with BEGIN IMMEDIATE longer than the busy timeout does not
# delay a report, which shows the last commit.
. "$FFTOP/tests/lib/common.sh"
S=$FFTOP/tests/data/intake/samples
reg=$FFTOP/tests/data/households.csv
L=$FFWORK/l.db
ffintake register "$reg" --ledger "$L" > /dev/null 2>&1 || bad "register"
ffintake load --ledger "$L" "$S/kobo_2568-01.csv" > /dev/null 2>&1 || bad "load"

# refused FILE WHAT EXPECTED-TEXT: report, export and check refuse FILE,
# which stays byte-identical with no -wal or -shm beside it.
refused() {
    local f=$1 what=$2 want=$3 cmd sum
    sum=$(sha256sum < "$f")
    for cmd in report export check; do
        case $cmd in
        report) args=(--month 2568-01 -o "$FFWORK/r-$cmd");;
        export) args=(--month 2568-01 -o "$FFWORK/e.csv");;
        check) args=();;
        esac
        ffintake $cmd --ledger "$f" "${args[@]}" > "$FFWORK/out" 2> "$FFWORK/err"; rc=$?
        check "$cmd on $what: exit 1 (got $rc: $(cat "$FFWORK/err"))" [ $rc = 1 ]
        check "$cmd on $what: says so" grep -q -- "$want" "$FFWORK/err"
        check "$cmd on $what: file unchanged" [ "$(sha256sum < "$f")" = "$sum" ]
        check "$cmd on $what: no -wal/-shm" [ ! -e "$f-wal" ] && [ ! -e "$f-shm" ]
        check "$cmd on $what: nothing written" [ ! -e "$FFWORK/r-$cmd" ] && [ ! -e "$FFWORK/e.csv" ]
    done
}
sqlite3 "$FFWORK/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES(1);"
refused "$FFWORK/other.db" "an unrelated SQLite file" "not an ffkit ledger"
check "unrelated file: still one table" \
    [ "$(sqlite3 "$FFWORK/other.db" "SELECT COUNT(*) FROM sqlite_master")" = 1 ]
printf 'hhid,month\n1,2\n' > "$FFWORK/text.db"
refused "$FFWORK/text.db" "a text file" "not an ffkit ledger (not an SQLite database)"
: > "$FFWORK/empty.db"
refused "$FFWORK/empty.db" "an empty file" "not an ffkit ledger"
cp "$L" "$FFWORK/v9.db"
sqlite3 "$FFWORK/v9.db" "UPDATE meta SET value = '9' WHERE key = 'schema_version'; PRAGMA journal_mode = DELETE;" > /dev/null
refused "$FFWORK/v9.db" "schema version 9" "schema version '9' is not one this ffintake knows"
# A writer refuses them too, before it changes anything.
sum=$(sha256sum < "$FFWORK/other.db")
ffintake load --ledger "$FFWORK/other.db" "$S/kobo_2568-02.csv" > /dev/null 2> "$FFWORK/err"; rc=$?
check "load into an unrelated SQLite file: exit 1 (got $rc)" [ $rc = 1 ]
check "load into an unrelated SQLite file: unchanged" [ "$(sha256sum < "$FFWORK/other.db")" = "$sum" ]
ffintake register "$reg" --ledger "$FFWORK/v9.db" > /dev/null 2> "$FFWORK/err"; rc=$?
check "register into schema version 9: exit 1 (got $rc)" [ $rc = 1 ]

# A ledger the user may not write: root's, mode 0644, in a directory of
# root's that others may read; user nobody reports and exports from it.
# (Not run as root, the tests' own user gets a 0444 ledger in a 0555
# directory instead: the same "may not write".)
ro=$(mktemp -d /tmp/ffkit-ro.XXXXXX)
chmod 755 "$ro"
cp "$L" "$ro/l.db"
chmod 644 "$ro/l.db"
mkdir "$ro/out"; chmod 777 "$ro/out"
if [ "$(id -u)" = 0 ]; then
    as_nobody() { (cd / && setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"); }
else
    chmod 444 "$ro/l.db"; chmod 555 "$ro"
    as_nobody() { (cd / && "$@"); }
fi
sum=$(sha256sum < "$ro/l.db")
as_nobody "$FFBIN/ffintake" report --ledger "$ro/l.db" --month 2568-01 -o "$ro/out" > "$FFWORK/out" 2> "$FFWORK/err"; rc=$?
check "report as nobody on root's ledger: exit 0 (got $rc: $(cat "$FFWORK/err"))" [ $rc = 0 ]
check "report as nobody: reconciliation.csv written" [ -s "$ro/out/reconciliation.csv" ]
check "report as nobody: the usual totals" grep -q "expected 178, on time 126" "$FFWORK/out"
as_nobody "$FFBIN/ffintake" export --ledger "$ro/l.db" --month 2568-01 -o "$ro/out/e.csv" > "$FFWORK/out" 2> "$FFWORK/err"; rc=$?
check "export as nobody: exit 0 (got $rc: $(cat "$FFWORK/err"))" [ $rc = 0 ]
as_nobody "$FFBIN/ffintake" check --ledger "$ro/l.db" > "$FFWORK/out" 2> "$FFWORK/err"; rc=$?
check "check as nobody: exit 0 (got $rc: $(cat "$FFWORK/err"))" [ $rc = 0 ]
check "root's ledger unchanged" [ "$(sha256sum < "$ro/l.db")" = "$sum" ]
check "no -wal/-shm beside root's ledger" [ ! -e "$ro/l.db-wal" ] && [ ! -e "$ro/l.db-shm" ]
chmod 755 "$ro"
rm -rf "$ro"

# A writer holds the ledger (BEGIN IMMEDIATE and an uncommitted insert)
# for longer than the 10 s busy timeout; the report neither waits nor sees
# the uncommitted row.
ffintake report --ledger "$L" --month 2568-01 -o "$FFWORK/before" > /dev/null 2>&1 || bad "report before"
python3 - "$L" > "$FFWORK/writer.out" 2>&1 <<'EOF' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute("INSERT INTO supersession(record_id, by_record, load_id) SELECT id, id, load_id FROM record WHERE outcome = 'accepted'")
print("held", flush=True)
time.sleep(60)
EOF
writer=$!
for i in $(seq 100); do grep -q held "$FFWORK/writer.out" && break; sleep 0.1; done
check "the writer holds the ledger" grep -q held "$FFWORK/writer.out"
start=$(date +%s)
timeout 30 "$FFBIN/ffintake" report --ledger "$L" --month 2568-01 -o "$FFWORK/during" > "$FFWORK/out" 2> "$FFWORK/err"; rc=$?
took=$(( $(date +%s) - start ))
check "report behind a writer: exit 0 (got $rc: $(cat "$FFWORK/err"))" [ $rc = 0 ]
check "report behind a writer: did not wait (${took}s)" [ "$took" -lt 8 ]
check "report behind a writer: the committed state" \
    cmp -s "$FFWORK/before/reconciliation.csv" "$FFWORK/during/reconciliation.csv"
timeout 30 "$FFBIN/ffintake" export --ledger "$L" --month 2568-01 -o "$FFWORK/during.csv" > /dev/null 2> "$FFWORK/err"; rc=$?
check "export behind a writer: exit 0 (got $rc: $(cat "$FFWORK/err"))" [ $rc = 0 ]
kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null
finish
