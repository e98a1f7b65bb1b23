#!/usr/bin/env bash
# A real AWS SDK client (aws-config + aws-sdk-sts) whose credentials provider is
# stskit's CredentialsCache calls moto and must see the role stskit assumed
# (tests/sdk-interop, its own lock file). The SDK takes minutes to build, so this runs
# by hand or in its own job: it shares benches/compare-sdk's target directory.
#   bash scripts/sdk_interop.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=$(bash scripts/pyenv.sh)
BIN=$(dirname "$PY")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MOTO_ALLOW_NONEXISTENT_REGION=true "$BIN/moto_server" -H 127.0.0.1 -p "$PORT" >/dev/null 2>&1 &
MOTO=$!
trap 'kill $MOTO 2>/dev/null || true' EXIT
for _ in $(seq 300); do
    (echo > /dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break
    sleep 0.1
done
unset AWS_CA_BUNDLE AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
CARGO_TARGET_DIR=benches/compare-sdk/target cargo run --quiet --release \
    --manifest-path tests/sdk-interop/Cargo.toml -- "http://127.0.0.1:$PORT"
