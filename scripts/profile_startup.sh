#!/usr/bin/env bash
# Whole-process time of `stskit credentials --profile NAME` for static keys from files,
# against `stskit --version` (start-up alone) and botocore resolving the same profile
# (a fresh `python -c` process, and the resolution alone inside one process).
#   bash scripts/profile_startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-200}
cargo build -q --release --bin stskit
PY=$(bash scripts/pyenv.sh)
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
printf '[profile other]\nregion = eu-west-1\n' > "$DIR/config"
printf '[dev]\naws_access_key_id = AKIAEXAMPLEKEY000001\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' > "$DIR/credentials"
export AWS_CONFIG_FILE="$DIR/config" AWS_SHARED_CREDENTIALS_FILE="$DIR/credentials"
# As scripts/footprint.sh: no CA bundle (reading one is checked at start and costs
# about 0.5 ms for a 220 KB file, whatever the command).
unset AWS_CA_BUNDLE

per_run() { # command... : mean milliseconds per run over RUNS runs
    local start end
    start=$(date +%s%N)
    for _ in $(seq "$RUNS"); do "$@" > /dev/null; done
    end=$(date +%s%N)
    echo "scale=3; ($end - $start) / $RUNS / 1000000" | bc
}
# Alternate the two a few times; report each round.
for round in 1 2 3; do
    v=$(per_run target/release/stskit --version)
    c=$(per_run target/release/stskit credentials --profile dev)
    echo "round $round: stskit --version ${v} ms, stskit credentials --profile dev ${c} ms, ratio $(echo "scale=3; $c / $v" | bc)"
done
FULL=$RUNS
RUNS=$((FULL / 10))
b=$(per_run "$PY" -c "import botocore.session; botocore.session.Session(profile='dev').get_credentials().get_frozen_credentials()")
echo "botocore, whole process (python -c, $RUNS runs): ${b} ms"
"$PY" - <<'PY'
import time, botocore.session
n = 200
start = time.perf_counter()
for _ in range(n):
    botocore.session.Session(profile="dev").get_credentials().get_frozen_credentials()
print(f"botocore, resolution alone in one process: {(time.perf_counter() - start) / n * 1000:.3f} ms")
PY
