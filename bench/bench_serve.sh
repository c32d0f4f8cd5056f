#!/bin/bash
# bench_serve.sh - ffintake serve's hooks: submissions per second, latency
# (p50/p99 of each POST until its commit) from 50 concurrent keep-alive
# loopback clients, and the server's peak memory (VmHWM).
# usage: FFBIN=$PWD/bin FFTOP=$PWD bash bench/bench_serve.sh [N] [CLIENTS]
set -eu
N=${1:-10000} C=${2:-50}
W=$(mktemp -d)
trap 'kill $SPID 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT
"$FFTOP/bench/make_register.sh" 3000 "$W/reg.csv" >/dev/null
"$FFBIN/ffintake" register "$W/reg.csv" --ledger "$W/l.db" >/dev/null
TOK=$("$FFBIN/ffintake" token add bench --ledger "$W/l.db" 2>/dev/null)
"$FFBIN/ffintake" serve --ledger "$W/l.db" --listen 127.0.0.1:0 \
    > "$W/out" 2> "$W/err" &
SPID=$!
for i in $(seq 100); do grep -q listening "$W/out" && break; sleep 0.05; done
sed -n 's/^listening on //p' "$W/out" > "$W/url"
echo "hooks: $N kobo submissions, $C clients, one POST each, 10% rejected"
python3 "$FFTOP/tests/lib/hookload.py" "$W/reg.csv" "$W/url" "$TOK" "$N" "$C" \
    "$W/acked.json"
cpu=$(awk '{printf "%.2f", ($14 + $15) / 100}' /proc/$SPID/stat)
rss=$(awk '/VmHWM/ {print $2}' /proc/$SPID/status)
batches=$(curl -s "$(cat "$W/url")/health")
echo "server peak RSS $((rss / 1024)) MB, CPU ${cpu} s; $batches"
