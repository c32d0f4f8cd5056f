#!/bin/bash
# bench/make_register.sh N OUT.csv - a synthetic register of N households
# (all status 1) built from the sample's names and places, with valid,
# unique household codes and citizen IDs, for the benchmarks.
set -eu
n=$1 out=$2
src=$(dirname "$0")/../tests/data/households.csv
awk -F, -v OFS=, -v n="$n" '
    # Columns by their header names: the sample gained columns since.
    NR == 1 {
        for (k = 1; k <= NF; k++) col[$k] = k
        cv = col["หมู่ที่"]; cvc = col["รหัสหมู่บ้าน"]
        cid = col["เลขประจำตัวประชาชน"]; cst = col["สถานะ"]
        if (!cv || !cvc || !cid || !cst) {
            print "make_register.sh: sample header lacks a column" > "/dev/stderr"
            exit 1
        }
        print; next
    }
    { rows[++m] = $0 }
    END {
        srand(42)
        for (i = 0; i < n; i++) {
            nf = split(rows[i % m + 1], f, ",")
            # SSSSSS MM NNN: keep the subdistrict, spread villages and
            # running numbers so that codes are unique.
            # The village number must agree with the village code (its
            # last two digits) and be 1..99.
            v = int(i / 1000) % 99 + 1
            f[1] = substr(f[1], 1, 6) sprintf("%02d%03d", v, i % 1000)
            f[cv] = v + 0
            f[cvc] = substr(f[cvc], 1, 6) sprintf("%02d", v)
            id = sprintf("3%04d%07d", i % 10000, i)
            s = 0
            for (k = 1; k <= 12; k++) s += (14 - k) * substr(id, k, 1)
            f[cid] = id ((11 - s % 11) % 10)
            f[cst] = 1
            line = f[1]
            for (k = 2; k <= nf; k++) line = line OFS f[k]
            print line
        }
    }' "$src" > "$out"
