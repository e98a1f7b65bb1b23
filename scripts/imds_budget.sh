#!/usr/bin/env bash
# Measures how long `stskit credentials` takes to give up when nothing is configured
# and instance metadata does not answer: (a) nothing listens on the endpoint's port,
# (b) a socket accepts and never answers. Loopback only. Prints the median of N runs.
# Usage: bash scripts/imds_budget.sh [N]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20}
cargo build --quiet --release --bin stskit
BIN=target/release/stskit
PY=$(bash scripts/pyenv.sh)
"$PY" - "$BIN" "$N" <<'PY'
import os, socket, statistics, subprocess, sys, tempfile, threading, time
binary, n = sys.argv[1], int(sys.argv[2])
dead = socket.socket(); dead.bind(("127.0.0.1", 0)); dead_port = dead.getsockname()[1]; dead.close()
silent = socket.socket(); silent.bind(("127.0.0.1", 0)); silent.listen(256)
held = []
def accept():
    while True:
        c, _ = silent.accept(); held.append(c)
threading.Thread(target=accept, daemon=True).start()
home = tempfile.mkdtemp()
for name, port in (("nothing listening", dead_port), ("silent socket", silent.getsockname()[1])):
    env = {"PATH": os.environ["PATH"], "HOME": home,
           "AWS_CONFIG_FILE": home + "/none", "AWS_SHARED_CREDENTIALS_FILE": home + "/none",
           "AWS_EC2_METADATA_SERVICE_ENDPOINT": f"http://127.0.0.1:{port}"}
    times, codes = [], set()
    for _ in range(n):
        t = time.perf_counter()
        r = subprocess.run([binary, "credentials"], env=env, capture_output=True)
        times.append(time.perf_counter() - t); codes.add(r.returncode)
    print(f"{name}: median {statistics.median(times)*1000:.1f} ms, max {max(times)*1000:.1f} ms, exit {sorted(codes)} ({n} runs)")
PY
