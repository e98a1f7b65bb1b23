#!/usr/bin/env bash
# `stskit serve` under load, beside a plain HTTP server of the same stack (hyper's
# HTTP/1.1 server on tokio, same runtime size) answering a constant body of the same
# size, in one run: CONNECTIONS keep-alive connections opened together share REQUESTS
# GETs (examples/serve_load.rs). Prints requests/s, p50 and p99 latency, each
# server's peak RSS and CPU time per request (both share 2 cores with the load, so
# the CPU a server spends shows in the latency), and how many STS calls stskit made
# (one: a cache hit for every request after the first).
#   bash scripts/serve_bench.sh [CONNECTIONS] [REQUESTS]    (default 1000 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${1:-1000}
REQUESTS=${2:-100000}
cargo build -q --release --bin stskit
cargo build -q --release --example serve_load --features server
cargo build -q --release --example double_server --features test-util
LOAD=target/release/examples/serve_load
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"; kill $(jobs -p) 2>/dev/null || true' EXIT
# 1,000 connections on each side of loopback.
ulimit -n 8192 2>/dev/null || true

coproc STS { target/release/examples/double_server; }
read -r STS_URL <&"${STS[0]}"

# stskit serve, with long-term keys in the environment (one GetSessionToken).
AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY \
AWS_REGION=us-east-1 AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
    /usr/bin/time -f "%M %U %S" -o "$DIR/serve.rss" target/release/stskit serve --endpoint "$STS_URL" \
    > "$DIR/serve.vars" 2> "$DIR/serve.err" &
SERVE=$!
for _ in $(seq 100); do [ -s "$DIR/serve.vars" ] && [ "$(wc -l < "$DIR/serve.vars")" -ge 2 ] && break; sleep 0.05; done
eval "$(cat "$DIR/serve.vars")"
"$LOAD" load "$AWS_CONTAINER_CREDENTIALS_FULL_URI" "$AWS_CONTAINER_AUTHORIZATION_TOKEN" 10 1000 > /dev/null   # warm-up
echo "stskit serve:      $("$LOAD" load "$AWS_CONTAINER_CREDENTIALS_FULL_URI" "$AWS_CONTAINER_AUTHORIZATION_TOKEN" "$CONNECTIONS" "$REQUESTS")"
# The server's own process is the child of time(1): signal it, not time.
kill -TERM "$(pgrep -P "$SERVE" stskit || echo "$SERVE")"
wait "$SERVE" || true
STS_CALLS=$(grep -c "credentials ASIA" "$DIR/serve.err" || true)

# The constant server of the same stack.
mkfifo "$DIR/hold"
/usr/bin/time -f "%M %U %S" -o "$DIR/constant.rss" "$LOAD" constant < "$DIR/hold" > "$DIR/constant.url" &
CONSTANT=$!
exec {HOLD}> "$DIR/hold"
for _ in $(seq 100); do [ -s "$DIR/constant.url" ] && break; sleep 0.05; done
URL=$(cat "$DIR/constant.url")
"$LOAD" load "$URL" none 10 1000 > /dev/null
echo "constant server:   $("$LOAD" load "$URL" none "$CONNECTIONS" "$REQUESTS")"
exec {HOLD}>&-
wait "$CONSTANT" || true

# Each server answered the warm-up (1,000) and the run (REQUESTS).
per_request() { awk -v n=$((REQUESTS + 1000)) '{printf "peak RSS %d KiB, CPU %.1f us per request", $1, ($2 + $3) * 1e6 / n}' "$1"; }
echo "stskit serve:      $(per_request "$DIR/serve.rss")"
echo "constant server:   $(per_request "$DIR/constant.rss")"
echo "STS calls made by stskit serve: $STS_CALLS (refresh lines on its stderr)"
exec {STS[1]}>&-
