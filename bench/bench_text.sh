#!/bin/bash
# bench/bench_text.sh - shaped (HarfBuzz + libthai + ActualText) vs unshaped
# (libharu ShowText) A4 pages of 40 lines of 14 pt Thai; see
# bench/typography.md for the figures and what they mean.
#
# usage: bench/bench_text.sh [PAGES]   (make bench runs it; needs
#        build/plain/bench/text_bench from `make benchbins`, and qpdf)
set -eu
top=${FFTOP:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${FFBENCHBIN:-$top/build/plain/bench}
pages=${1:-500}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for cache in 1 0; do
    for per_doc in 1 0; do
        if [ $per_doc = 1 ]; then docs="one document per page"
        else docs="all pages in one document"; fi
        if [ $cache = 1 ]; then c="warm word cache"
        else c="no word cache (FFKIT_SHAPE_CACHE=0)"; fi
        echo "-- $docs, $c"
        FFKIT_SHAPE_CACHE=$cache "$bin/text_bench" "$pages" $per_doc "$out"
    done
done

echo "-- content stream of one page (bytes): raw / deflated, and file size"
for m in unshaped shaped-lines shaped-box; do
    f=$out/$m.pdf
    obj=$(qpdf --show-pages "$f" | awk '/content:/ { getline; print $1 }')
    raw=$(qpdf --show-object="$obj" --filtered-stream-data "$f" | wc -c)
    z=$(qpdf --show-object="$obj" --raw-stream-data "$f" | wc -c)
    printf '%-13s %7d / %6d   file %6d\n' "$m" "$raw" "$z" "$(stat -c %s "$f")"
    eval "z_${m//-/_}=$z"
done
awk -v a="$z_shaped_box" -v b="$z_unshaped" \
    'BEGIN { printf "deflated content ratio shaped/unshaped %.2f (target <= 3)\n", a / b }'
