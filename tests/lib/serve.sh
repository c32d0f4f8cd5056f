# tests/lib/serve.sh - start and stop `ffintake serve` in a CLI test (sourced
# after common.sh).  The server listens on 127.0.0.1 port 0, so the kernel
# picks a free port and parallel test runs never collide; it prints the
# address it got, which start_server waits for.  An EXIT trap kills every
# server a test started.
not() { ! "$@"; }
SERVER_PIDS=""
stop_servers() {
    local p
    for p in $SERVER_PIDS; do kill "$p" 2>/dev/null; done
    for p in $SERVER_PIDS; do wait "$p" 2>/dev/null; done
    SERVER_PIDS=""
}
trap stop_servers EXIT

# start_server LOG ARGS...: sets SPID, PORT, URL.
start_server() {
    local log=$1 i; shift
    : > "$log.out"
    $FFRUN "$FFBIN/ffintake" serve --listen 127.0.0.1:0 "$@" \
        > "$log.out" 2> "$log.err" &
    SPID=$!
    SERVER_PIDS="$SERVER_PIDS $SPID"
    for i in $(seq 1 300); do
        if grep -q '^listening on ' "$log.out" 2>/dev/null; then break; fi
        if ! kill -0 "$SPID" 2>/dev/null; then
            echo "server exited: $(cat "$log.err")" >&2; return 1
        fi
        sleep 0.05
    done
    URL=$(sed -n 's/^listening on //p' "$log.out")
    PORT=${URL##*:}
    [ -n "$PORT" ]
}

# stop_server PID: SIGTERM and wait; a server that does not exit 0 (a
# sanitizer's report, a leak) fails the test.
stop_server() {
    local rc
    kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; rc=$?
    SERVER_PIDS=$(echo " $SERVER_PIDS " | sed "s/ $1 / /")
    [ "$rc" = 0 ] || bad "server $1 exited with $rc"
}

# wrong HEX: the same hex string with its last digit changed (replacing it
# by a fixed digit is no change one time in sixteen).
wrong() {
    local last=${1: -1}
    if [ "$last" = 0 ]; then printf '%s1' "${1%?}"; else printf '%s0' "${1%?}"; fi
}

# code METHOD PATH [curl args...]: the HTTP status only.
code() {
    local m=$1 p=$2; shift 2
    curl -s -o /dev/null -w '%{http_code}' -X "$m" "$URL$p" "$@"
}
