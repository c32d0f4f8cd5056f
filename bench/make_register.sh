#!/bin/bash
# bench/make_register.sh N OUT.csv - a synthetic register of N households
# (all status 1) built from the sample's names and places, with valid,
# unique household codes and citizen IDs, for the benchmarks.
set -eu
n=$1 out=$2
src=$(dirname "$0")/../tests/data/households.csv
awk -F, -v OFS=, -v n="$n" '
    NR == 1 { print; nf = NF; next }
    { rows[++m] = $0 }
    END {
        srand(42)
        for (i = 0; i < n; i++) {
            split(rows[i % m + 1], f, ",")
            for (k = 1; k <= nf; k++) if (!(k in f)) f[k] = ""
            # PPDD of the village code + a running number: keep the
            # sample row village (code, number, name); codes are
            # unique up to 10 million households.
            f[1] = substr(f[6], 1, 4) sprintf("%07d", i)
            id = sprintf("3%04d%07d", i % 10000, i)
            s = 0
            for (k = 1; k <= 12; k++) s += (14 - k) * substr(id, k, 1)
            f[12] = id ((11 - s % 11) % 10)
            f[16] = 1
            line = f[1]
            for (k = 2; k <= nf; k++) line = line OFS f[k]
            print line
        }
    }' "$src" > "$out"
