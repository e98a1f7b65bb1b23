#!/usr/bin/env bash
# Whole-process time of `stskit credentials` on hostile-sized AWS CLI files: a config
# whose one unselected profile holds 100,000 keys (keys in the environment; 1.6 MB),
# the same profile selected (static keys among the 100,000), and a 100,000-hop
# source_profile loop of role profiles (9 MB; exit 2). Botocore resolves the first
# set-up in the same run for comparison. Prints the sizes and medians in milliseconds.
#   bash scripts/big_files.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-20}
cargo build -q --release --bin stskit
BIN=target/release/stskit
PY=$(bash scripts/pyenv.sh)
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
unset AWS_CA_BUNDLE AWS_PROFILE AWS_DEFAULT_PROFILE

python3 - "$DIR" <<'EOF'
import sys
d = sys.argv[1]
with open(f"{d}/keys.config", "w") as f:
    f.write("[default]\nregion = us-east-1\n[profile huge]\n")
    f.write("aws_access_key_id = AKIAEXAMPLEKEY000001\n")
    f.write("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
    for i in range(100_000):
        f.write(f"k{i} = v{i}\n")
with open(f"{d}/loop.config", "w") as f:
    n = 100_000
    for i in range(n):
        f.write(f"[profile p{i}]\nrole_arn = arn:aws:iam::123456789012:role/r{i}\n")
        f.write(f"source_profile = p{(i + 1) % n}\n")
EOF
: > "$DIR/credentials"
export AWS_SHARED_CREDENTIALS_FILE="$DIR/credentials"
ls -l "$DIR"/*.config | awk '{printf "%s: %d bytes\n", $NF, $5}' | sed "s|$DIR/||"

median_ms() { # command... : median wall milliseconds over RUNS runs (any exit status)
    for _ in $(seq "$RUNS"); do
        s=$(date +%s%N); "$@" > /dev/null 2>&1 || true; e=$(date +%s%N)
        echo $(( (e - s) / 1000 ))
    done | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

export AWS_CONFIG_FILE="$DIR/keys.config"
unselected=$(AWS_ACCESS_KEY_ID=AKIAENVKEY0000000001 AWS_SECRET_ACCESS_KEY=env/secret \
    median_ms "$BIN" credentials)
selected=$(median_ms "$BIN" credentials --profile huge)
AWS_ACCESS_KEY_ID=AKIAENVKEY0000000001 AWS_SECRET_ACCESS_KEY=env/secret "$BIN" credentials > /dev/null
"$BIN" credentials --profile huge > /dev/null
echo "stskit credentials, 100,000 keys in a profile nobody selected: median $unselected ms over $RUNS runs"
echo "stskit credentials --profile huge (the 100,000-key profile):   median $selected ms over $RUNS runs"

export AWS_CONFIG_FILE="$DIR/loop.config"
set +e
"$BIN" credentials --profile p0 > /dev/null 2> "$DIR/loop.err"
code=$?
set -e
loop=$(median_ms "$BIN" credentials --profile p0)
echo "stskit credentials --profile p0, 100,000-hop loop:             median $loop ms over $RUNS runs, exit $code: $(cut -c1-100 "$DIR/loop.err")"

export AWS_CONFIG_FILE="$DIR/keys.config"
s=$(date +%s%N)
AWS_ACCESS_KEY_ID=AKIAENVKEY0000000001 AWS_SECRET_ACCESS_KEY=env/secret "$PY" -c '
import botocore.session
s = botocore.session.Session()
s.get_scoped_config()
assert s.get_credentials().access_key == "AKIAENVKEY0000000001"
'
e=$(date +%s%N)
echo "botocore, the same unselected set-up (one process):            $(( (e - s) / 1000000 )) ms"
