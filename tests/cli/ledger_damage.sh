# ledger_damage.sh - a damaged ledger is never read as if it were fine
# (issue 11, item 1).  Bytes of a leaf page of the household table are
# flipped (its pages found with SQLite's dbstat table): report and load
# refuse with exit 3 and a message saying what to do, and the ledger is
# byte-identical afterwards.  'ffintake check' names every invariant that
# crafted rows break, and exits 1.
. "$FFTOP/tests/lib/common.sh"
S=$FFTOP/tests/data/intake/samples
reg=$FFTOP/tests/data/households.csv
L=$FFWORK/l.db
ffintake register "$reg" --ledger "$L" > /dev/null 2>&1 || bad "register"
ffintake load --ledger "$L" "$S/kobo_2568-01.csv" > /dev/null 2>&1 || bad "load"
cp "$L" "$FFWORK/good.db"

out=$(ffintake check --ledger "$L" 2>&1); rc=$?
check "check of a sound ledger: exit 0 ($rc: $out)" [ $rc = 0 ]
check "check of a sound ledger says ok" grep -q ": ok" <<< "$out"

# Second leaf page of the household table (a WITHOUT ROWID table: an index
# b-tree, leaf type 0x0a, cell count at offset 3, cell pointers from 8).
page=$(sqlite3 "$L" "SELECT pageno FROM dbstat WHERE name = 'household' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 1")
psize=$(sqlite3 "$L" "PRAGMA page_size")
[ -n "$page" ] || bad "no leaf page of household found"

# damage KIND: flip bytes of that page in a fresh copy of the good ledger.
damage() {
    cp "$FFWORK/good.db" "$L"; rm -f "$L-wal" "$L-shm"
    python3 - "$L" "$page" "$psize" "$1" <<'EOF'
import sys
path, page, psize, kind = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
off = (page - 1) * psize
with open(path, 'r+b') as f:
    f.seek(off)
    p = bytearray(f.read(psize))
    assert p[0] == 0x0a, p[0]
    if kind == 'count':         # the cell count: rows vanish, no error
        p[3], p[4] = 0, 2
    else:                       # four bytes of the cell pointer array
        for i in range(8, 12):
            p[i] ^= 0xff
    f.seek(off)
    f.write(p)
EOF
    cp "$L" "$FFWORK/damaged.db"
}
unchanged() {
    cmp -s "$L" "$FFWORK/damaged.db" || bad "$1: the ledger file changed"
    [ -s "$L-wal" ] && bad "$1: a -wal with content was left"
}

for kind in count pointers; do
    damage $kind
    ffintake report --ledger "$L" --month 2568-01 -o "$FFWORK/r-$kind" \
        > "$FFWORK/out" 2> "$FFWORK/err"; rc=$?
    check "report, $kind damage: exit 3 (got $rc: $(cat "$FFWORK/err"))" [ $rc = 3 ]
    check "report, $kind damage: says damaged and what to do" \
        grep -q "damaged.*ffintake check" "$FFWORK/err"
    check "report, $kind damage: no reconciliation written" \
        [ ! -e "$FFWORK/r-$kind/reconciliation.csv" ]
    unchanged "report, $kind"

    damage $kind
    ffintake load --ledger "$L" "$S/kobo_2568-02.csv" \
        > "$FFWORK/out" 2> "$FFWORK/err"; rc=$?
    check "load, $kind damage: exit 3 (got $rc: $(cat "$FFWORK/err"))" [ $rc = 3 ]
    check "load, $kind damage: says damaged and what to do" \
        grep -q "damaged.*ffintake check" "$FFWORK/err"
    unchanged "load, $kind"

    damage $kind
    ffintake check --ledger "$L" > "$FFWORK/out" 2>&1; rc=$?
    check "check, $kind damage: exit 1 (got $rc)" [ $rc = 1 ]
    unchanged "check, $kind"
done
# After a refused load the same file loads into a sound ledger (it was not
# marked as loaded).
cp "$FFWORK/good.db" "$L"; rm -f "$L-wal" "$L-shm"
ffintake load --ledger "$L" "$S/kobo_2568-02.csv" > "$FFWORK/out" 2>&1 ||
    bad "load into the sound ledger: $(cat "$FFWORK/out")"
grep -q "already loaded" "$FFWORK/out" && bad "the refused load was recorded"

# Invariants, each broken on its own copy; check must name it.
# violate NAME EXPECTED-TEXT SQL...
violate() {
    local name=$1 want=$2; shift 2
    cp "$FFWORK/good.db" "$FFWORK/v.db"
    local q
    for q in "$@"; do   # one connection each: a schema edit needs a reopen
        sqlite3 "$FFWORK/v.db" "$q" || bad "$name: cannot craft"
    done
    ffintake check --ledger "$FFWORK/v.db" > "$FFWORK/out" 2> "$FFWORK/err"; rc=$?
    check "check, $name: exit 1 (got $rc)" [ $rc = 1 ]
    check "check, $name: names it ($(head -3 "$FFWORK/out"))" grep -q -- "$want" "$FFWORK/out"
    check "check, $name: counts it" grep -q "problem.* found" "$FFWORK/err"
    rm -f "$FFWORK/v.db"*
}
acc=$(sqlite3 "$L" "SELECT id FROM record WHERE outcome = 'accepted' ORDER BY id LIMIT 1")
acc2=$(sqlite3 "$L" "SELECT id FROM record WHERE outcome = 'accepted' ORDER BY id LIMIT 1 OFFSET 1")
rej=$(sqlite3 "$L" "SELECT id FROM record WHERE outcome = 'rejected' ORDER BY id LIMIT 1")
violate "unknown outcome" "record $acc: outcome 'maybe' is not" \
    "UPDATE record SET outcome = 'maybe' WHERE id = $acc"
violate "superseded rejected record" "record $rej: superseded by record $acc" \
    "INSERT INTO supersession(record_id, by_record, load_id) VALUES($rej, $acc, 1)"
violate "two accepted" "month 2025-01: 2 accepted records (ids $acc, $acc2)" \
    "UPDATE record SET hhid = (SELECT hhid FROM record WHERE id = $acc), month = '2025-01' WHERE id = $acc2" \
    "UPDATE record SET month = '2025-01' WHERE id = $acc"
violate "supersession of no record" "supersession of record 999999: no such record" \
    "INSERT INTO supersession(record_id, by_record, load_id) VALUES(999999, $acc, 1)"
violate "supersession by no record" "its replacement, record 999998, does not exist" \
    "INSERT INTO supersession(record_id, by_record, load_id) VALUES($acc, 999998, 1)"
# Schema 2: withdrawals (a reviewer's rejection), edits.
violate "withdrawal of no record" "withdrawal of record 999999: no such record" \
    "INSERT INTO withdrawal(record_id, by_record, load_id) VALUES(999999, $rej, 1)"
violate "withdrawal of a rejected record" "withdrawal of record $rej: the record is rejected, not a valid report" \
    "INSERT INTO withdrawal(record_id, by_record, load_id) VALUES($rej, $rej, 1)"
violate "withdrawal by no rejection" "record $acc2 is accepted (), not a reviewer's rejection" \
    "INSERT INTO withdrawal(record_id, by_record, load_id) VALUES($acc, $acc2, 1)"
violate "withdrawal by another reason" "record $rej is rejected (.*), not a reviewer's rejection" \
    "INSERT INTO withdrawal(record_id, by_record, load_id) VALUES($acc, $rej, 1)"
violate "supersession why" "supersession of record $acc: why 'maybe' is not" \
    "INSERT INTO supersession(record_id, by_record, load_id, why) VALUES($acc, $acc2, 1, 'maybe')"
violate "negative edits" "record $acc: edit count -2 is negative" \
    "UPDATE record SET edits = -2 WHERE id = $acc"
violate "stale rejected record" "record $rej: marked stale" \
    "UPDATE record SET stale = 1 WHERE id = $rej"
violate "snapshot count" "register snapshot 1: lists 301 households, 300 stored" \
    "UPDATE register_snapshot SET households = 301"
violate "source count" "source file 1: lists 9999 records" \
    "UPDATE source SET records = 9999"
violate "pending hash" "source file 1: no final SHA-256" \
    "UPDATE source SET sha256 = 'pending:abc'"
# A duplicate hash needs the UNIQUE constraint gone: rewrite the schema the
# way a foreign tool could.
violate "duplicate source hash" "source files 1, 2: the same SHA-256" \
    "PRAGMA writable_schema = ON;
     UPDATE sqlite_master SET sql = replace(sql, 'sha256 TEXT NOT NULL UNIQUE', 'sha256 TEXT NOT NULL') WHERE name = 'source';
     DELETE FROM sqlite_master WHERE name = 'sqlite_autoindex_source_1';
     PRAGMA writable_schema = OFF;" \
    "INSERT INTO source(load_id, file, sha256, bytes, head_sha256, dialect, records) SELECT load_id, 'copy.csv', sha256, bytes, head_sha256, dialect, 0 FROM source WHERE id = 1"
finish
