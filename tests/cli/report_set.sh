# report_set.sh - a report's files appear together or not at all, every
# temporary file is unguessable, private and swept, and every file holding
# personal data is 0600 whatever the umask (issue 11, items 9, 11, 12, 14).
. "$FFTOP/tests/lib/common.sh"
S=$FFTOP/tests/data/intake/samples
reg=$FFTOP/tests/data/households.csv
L=$FFWORK/l.db
R=$FFWORK/r
ffintake register "$reg" --ledger "$L" > /dev/null 2>&1 || bad "register"
ffintake load --ledger "$L" "$S/kobo_2568-01.csv" "$S/kobo_2568-02.csv" > /dev/null 2>&1 || bad "load"

# month_of FILE: the month a report file is of ("" when it is not whole).
month_of() {
    case $1 in
    *.csv) tr -d '\r' < "$1" | sed -n '2s/.*,\(2025-0[0-9]\)$/\1/p';;
    *.xlsx) unzip -p "$1" xl/sharedStrings.xml 2>/dev/null | grep -o '2025-0[0-9]' | sort -u | tr '\n' ' ' | sed 's/ $//';;
    *.pdf) qpdf --check "$1" > /dev/null 2>&1 || return
           t=$(pdftotext "$1" - 2>/dev/null | head -1)
           case $t in *มกราคม*) echo 2025-01;; *กุมภาพันธ์*) echo 2025-02;; esac;;
    esac
}
# set_is DIR MONTH: the three files are whole and all of MONTH.
set_is() {
    local f m
    for f in reconciliation.csv reconciliation.xlsx reconciliation.pdf; do
        m=$(month_of "$1/$f")
        [ "$m" = "$2" ] || { echo "$f is of '$m', not $2" >&2; return 1; }
    done
}
no_temporaries() { [ -z "$(find "$1" -name '*.tmp*')" ]; }
january() {
    rm -rf "$R"; mkdir -p "$R"
    cp -p "$FFWORK/jan"/* "$R"/
}
ffintake report --ledger "$L" --month 2568-01 -o "$FFWORK/jan" > /dev/null 2>&1 || bad "January"
check "January's report is a January set" set_is "$FFWORK/jan" 2025-01

# Item 9: February failing at each of its writes (1-3 the files, 4 the
# set) leaves January's set exactly, and exit 3.
for k in 1 2 3 4; do
    january
    FFKIT_FAIL_WRITE=$k "$FFBIN/ffintake" report --ledger "$L" --month 2568-02 -o "$R" \
        > /dev/null 2> "$FFWORK/err"; rc=$?
    check "February failing at write $k: exit 3 (got $rc)" [ $rc = 3 ]
    check "February failing at write $k: message names a final file" \
        grep -q "$R/reconciliation\.[a-z]*: cannot write: No space left" "$FFWORK/err"
    check "February failing at write $k: January's set untouched" \
        diff -r "$FFWORK/jan" "$R"
    check "February failing at write $k: no temporary" no_temporaries "$R"
done
january
ffintake report --ledger "$L" --month 2568-02 -o "$R" > /dev/null 2>&1 || bad "February"
check "February after January: a February set" set_is "$R" 2025-02
cp -p "$R/reconciliation.pdf" "$FFWORK/feb.pdf"
# --no-pdf: January's PDF does not stay beside February's tables.
january
ffintake report --ledger "$L" --month 2568-02 -o "$R" --no-pdf > /dev/null 2>&1 || bad "February --no-pdf"
check "--no-pdf: February's CSV" [ "$(month_of "$R/reconciliation.csv")" = 2025-02 ]
check "--no-pdf: February's XLSX" [ "$(month_of "$R/reconciliation.xlsx")" = 2025-02 ]
check "--no-pdf: no January PDF left beside them" [ ! -e "$R/reconciliation.pdf" ]

# Item 14 and 9 under kills: February's report killed at every commit
# point.  The next run in the folder (here an export into it) sweeps: the
# folder then holds one whole set, January's or February's, and no
# temporary; the report run again gives February's set.
n=1 kills=0
while [ $n -le 20 ]; do
    january
    FFKIT_KILL_AT_COMMIT=$n "$FFBIN/ffintake" report --ledger "$L" --month 2568-02 \
        -o "$R" > /dev/null 2>&1 & wait $! 2>/dev/null; rc=$?
    [ $rc = 0 ] && break                # past the last commit point
    check "kill at $n: SIGKILL (got $rc)" [ $rc = 137 ]
    kills=$((kills + 1))
    [ -n "$(find "$R" -name '*.tmp*')" ] || bad "kill at $n: nothing was in progress"
    # What a kill leaves others cannot read: private folders or 0600 files.
    find "$R" -name '*.tmp*' \( -type d ! -perm 0700 -o -type f -perm /077 -prune -o -false \) -print |
        while read -r f; do
            case $f in "$R"/.ffkit.tmp-*/*) ;; *) echo "$f";; esac
        done > "$FFWORK/open"
    check "kill at $n: temporaries private ($(cat "$FFWORK/open"))" [ ! -s "$FFWORK/open" ]
    ffintake export --ledger "$L" --month 2568-02 -o "$R/x.csv" > /dev/null 2>&1 || bad "kill at $n: export"
    rm -f "$R/x.csv"
    check "kill at $n: the next run swept every temporary" no_temporaries "$R"
    if ! set_is "$R" 2025-01 2>/dev/null; then
        check "kill at $n: one whole set (January's or February's)" set_is "$R" 2025-02
    fi
    ffintake report --ledger "$L" --month 2568-02 -o "$R" > /dev/null 2>&1 || bad "kill at $n: rerun"
    check "kill at $n: rerun gives February's set" set_is "$R" 2025-02
    check "kill at $n: rerun leaves no temporary" no_temporaries "$R"
    n=$((n + 1))
done
check "kills at every commit point of a report ($kills)" [ $kills -ge 6 ]

# Export and load --outcomes killed at their commit: the temporary stays
# until the next run, which removes it and writes a whole file.
mkdir -p "$FFWORK/e"
FFKIT_KILL_AT_COMMIT=1 "$FFBIN/ffintake" export --ledger "$L" --month 2568-01 \
    -o "$FFWORK/e/x.csv" > /dev/null 2>&1; rc=$?
check "export killed: SIGKILL (got $rc)" [ $rc = 137 ]
check "export killed: its temporary is left" [ -n "$(find "$FFWORK/e" -name 'x.csv.tmp-*')" ]
check "export killed: the temporary is 0600" [ -z "$(find "$FFWORK/e" -name 'x.csv.tmp-*' -perm /077)" ]
ffintake export --ledger "$L" --month 2568-01 -o "$FFWORK/e/x.csv" > /dev/null 2>&1 || bad "export rerun"
check "export rerun: no temporary" no_temporaries "$FFWORK/e"
ffintake export --ledger "$L" --month 2568-01 -o "$FFWORK/x-clean.csv" > /dev/null 2>&1
check "export rerun: whole (as an export never killed)" cmp -s "$FFWORK/e/x.csv" "$FFWORK/x-clean.csv"
cp "$L" "$FFWORK/before.db"
FFKIT_KILL_AT_COMMIT=1 "$FFBIN/ffintake" load --ledger "$L" "$S/gforms_2568-01.csv" \
    --outcomes "$FFWORK/e/o.csv" > /dev/null 2>&1; rc=$?
check "load --outcomes killed: SIGKILL (got $rc)" [ $rc = 137 ]
check "load --outcomes killed: its temporary is left" [ -n "$(find "$FFWORK/e" -name 'o.csv.tmp-*')" ]
check "load --outcomes killed: the load did not commit" \
    [ "$(sqlite3 "$L" "SELECT COUNT(*) FROM load")" = "$(sqlite3 "$FFWORK/before.db" "SELECT COUNT(*) FROM load")" ]
ffintake load --ledger "$L" "$S/gforms_2568-01.csv" --outcomes "$FFWORK/e/o.csv" > /dev/null 2>&1 || bad "load rerun"
check "load rerun: no temporary" no_temporaries "$FFWORK/e"
check "load rerun: whole outcomes (header + 172)" [ "$(wc -l < "$FFWORK/e/o.csv")" = 173 ]

# Item 11: symlinks planted at the names temporaries had (the XLSX's
# "<file>.tmp.<pid>", the others' "<file>.tmp-<pid>-<n>"), for the pid the
# report will have (exec keeps it): every target is untouched, and the
# report's files are regular files of mode 0600.
mkdir -p "$FFWORK/sym"
echo secret > "$FFWORK/target"
chmod 644 "$FFWORK/target"
FFBIN=$FFBIN L=$L D=$FFWORK/sym T=$FFWORK/target bash -c '
    for f in reconciliation.csv reconciliation.xlsx reconciliation.pdf; do
        ln -s "$T" "$D/$f.tmp.$$"
        for k in 0 1 2 3 4; do ln -s "$T" "$D/$f.tmp-$$-$k"; done
    done
    exec "$FFBIN/ffintake" report --ledger "$L" --month 2568-01 -o "$D"' > /dev/null 2> "$FFWORK/err"; rc=$?
check "report beside planted symlinks: exit 0 (got $rc: $(cat "$FFWORK/err"))" [ $rc = 0 ]
check "the symlinks' target is untouched" [ "$(cat "$FFWORK/target")" = secret ]
check "the symlinks' target keeps its mode" [ "$(stat -c %a "$FFWORK/target")" = 644 ]
for f in reconciliation.csv reconciliation.xlsx reconciliation.pdf; do
    check "$f is a regular file, not a link" [ -f "$FFWORK/sym/$f" ] && [ ! -L "$FFWORK/sym/$f" ]
    check "$f is 0600" [ "$(stat -c %a "$FFWORK/sym/$f")" = 600 ]
done
check "beside planted symlinks: a whole January set" set_is "$FFWORK/sym" 2025-01
# A symlink at the final name is replaced, never followed.
ln -sf "$FFWORK/target" "$FFWORK/sym/reconciliation.xlsx"
ffintake report --ledger "$L" --month 2568-01 -o "$FFWORK/sym" > /dev/null 2>&1 || bad "report over a final-name link"
check "final-name link replaced, target untouched" [ "$(cat "$FFWORK/target")" = secret ] && [ ! -L "$FFWORK/sym/reconciliation.xlsx" ]

# Item 12: modes under umask 000 and 022; --group-read gives 0640.
for um in 000 022; do
    d=$FFWORK/u$um
    mkdir -p "$d"
    (
        umask $um
        "$FFBIN/ffintake" register "$reg" --ledger "$d/l.db" > /dev/null 2>&1
        "$FFBIN/ffintake" load --ledger "$d/l.db" "$S/kobo_2568-01.csv" --outcomes "$d/o.csv" > /dev/null 2>&1
        "$FFBIN/ffintake" report --ledger "$d/l.db" --month 2568-01 -o "$d/r" > /dev/null 2>&1
        "$FFBIN/ffintake" export --ledger "$d/l.db" --month 2568-01 -o "$d/x.csv" > /dev/null 2>&1
        "$FFBIN/ffintake" report --ledger "$d/l.db" --month 2568-01 -o "$d/g" --group-read > /dev/null 2>&1
        "$FFBIN/ffintake" export --ledger "$d/l.db" --month 2568-01 -o "$d/g/x.csv" --group-read > /dev/null 2>&1
    )
    for f in l.db o.csv r/reconciliation.csv r/reconciliation.xlsx r/reconciliation.pdf x.csv; do
        check "umask $um: $f is 0600 (is $(stat -c %a "$d/$f" 2>/dev/null))" [ "$(stat -c %a "$d/$f" 2>/dev/null)" = 600 ]
    done
    for f in reconciliation.csv reconciliation.xlsx reconciliation.pdf x.csv; do
        check "umask $um, --group-read: $f is 0640 (is $(stat -c %a "$d/g/$f" 2>/dev/null))" \
            [ "$(stat -c %a "$d/g/$f" 2>/dev/null)" = 640 ]
    done
done
# A ledger others could read: a writer takes their access away and says so;
# a reader says what to do.
cp "$L" "$FFWORK/open.db"; chmod 644 "$FFWORK/open.db"
ffintake report --ledger "$FFWORK/open.db" --month 2568-01 -o "$FFWORK/o1" > /dev/null 2> "$FFWORK/err" || bad "report on a 0644 ledger"
check "reader warns about a 0644 ledger" grep -q "warning: .*others may read this ledger (mode 0644).*chmod o-rwx" "$FFWORK/err"
check "reader leaves the mode alone" [ "$(stat -c %a "$FFWORK/open.db")" = 644 ]
ffintake load --ledger "$FFWORK/open.db" "$S/gforms_2568-03.csv" > /dev/null 2> "$FFWORK/err" || bad "load into a 0644 ledger"
check "writer warns about a 0644 ledger" grep -q "warning: .*others could read this ledger.*now mode 0640" "$FFWORK/err"
check "writer took others' access away" [ "$(stat -c %a "$FFWORK/open.db")" = 640 ]
finish
