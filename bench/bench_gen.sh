#!/bin/bash
# bench/bench_gen.sh - ffgen throughput: folders for 1,000 and 10,000
# households, packets for 10,000 grouped by village.  Prints households per
# second, bytes written and peak memory (GNU time's maximum RSS).
set -eu
: "${FFBIN:?run through make bench}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1735689600
FONT_DIR=${FONT_DIR:-/usr/share/fonts/truetype/tlwg}
run() {     # run LABEL N DIR COMMAND...
    local label=$1 n=$2 dir=$3; shift 3
    rm -rf "$dir"
    mkdir -p "$dir"
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" -q > /dev/null 2> "$work/err" ||
        { cat "$work/err"; exit 1; }
    read -r secs kb < "$work/time"
    bytes=$(du -sb "$dir" | cut -f1)
    awk -v l="$label" -v n="$n" -v s="$secs" -v b="$bytes" -v kb="$kb" 'BEGIN {
        printf "%-34s %6d hh  %6.2f s  %7.0f hh/s  %8.1f MB  %6.0f B/hh  %6.1f MB peak\n",
            l, n, s, n / (s > 0 ? s : 0.01), b / 1e6, b / n, kb / 1024 }'
    # households/s of the last run, for the ratios against the peer
    last=$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.3f", n / (s > 0 ? s : 0.01) }')
}
# ratio LABEL FFGEN_HH/S PEER_HH/S
ratio() {
    awk -v l="$1" -v a="$2" -v b="$3" 'BEGIN { printf "  %s: ffgen %.1fx the peer\n", l, a / b }'
}
peer=${FF_PEER-/usr/bin/python3 $FFTOP/bench/peer_folders.py}
for n in 1000 10000; do
    "$FFTOP/bench/make_register.sh" "$n" "$work/r$n.csv"
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load average $(cut -d' ' -f1-3 /proc/loadavg)"
# The peer (bench/peer_folders.py, Python + ReportLab, one thread) in the
# same run, alternated with ffgen, so that the ratio is of the same machine
# state.  FF_PEER= (empty) skips it.
for n in 1000 10000; do
    run "folders (3 documents, 6 pages)" "$n" "$work/f$n" "$FFBIN/ffgen" folders "$work/r$n.csv" -o "$work/f$n"
    ff=$last
    if [ -n "$peer" ]; then
        # shellcheck disable=SC2086  # $peer is a command and its script
        run "peer: ReportLab, same 6 pages" "$n" "$work/p$n" $peer "$work/r$n.csv" "$work/p$n" "$FONT_DIR"
        ratio "folders, $n households" "$ff" "$last"
        rm -rf "$work/p$n"
    fi
    rm -rf "$work/f$n"
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
run "folders, one worker" 1000 "$work/f1" "$FFBIN/ffgen" folders "$work/r1000.csv" -o "$work/f1" -j 1
run "packets by village" 10000 "$work/p10" "$FFBIN/ffgen" packet "$work/r10000.csv" --by village -o "$work/p10"
run "packets by district" 10000 "$work/p10" "$FFBIN/ffgen" packet "$work/r10000.csv" --by district -o "$work/p10"
# One village of 200 households: the size of a packet a team prints.  The
# first household's place (province to village name, columns 2-7) for all
# 200: changing the village number alone left it disagreeing with the
# village code, and ffgen rightly refused the rows.
awk -F, -v OFS=, 'NR == 1 { print; next } NR == 2 { for (i = 2; i <= 7; i++) p[i] = $i }
    NR <= 201 { for (i = 2; i <= 7; i++) $i = p[i]; print }' "$work/r1000.csv" > "$work/v200.csv"
run "packet, one village of 200" 200 "$work/v200" "$FFBIN/ffgen" packet "$work/v200.csv" --by village -o "$work/v200"
echo "  size of that 200-household packet: $(du -b "$work"/v200/*.pdf | cut -f1) bytes"
run "labels 3x8" 10000 "$work/l" "$FFBIN/ffgen" labels "$work/r10000.csv" -o "$work/l/labels.pdf"
