#!/usr/bin/env bash
# Whole-process `stskit eks-token` beside `aws eks get-token` (the AWS CLI v1, pinned, in
# a virtualenv of its own under target/) on the same static keys, region and cluster:
# rounds that alternate the two, each run a fresh process, wall and CPU time per run
# (medians), and the ratio. Both only presign: nothing is sent anywhere.
#   bash scripts/eks_token_bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-20}
PIN=1.45.8
VENV=target/awscli
if ! "$VENV/bin/python" -c "import awscli, sys; sys.exit(awscli.__version__ != '$PIN')" 2>/dev/null; then
    python3 -m venv "$VENV" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "awscli==$PIN" >&2
fi
cargo build -q --release --bin stskit
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
: > "$DIR/empty"
# The same settings for both: static keys in the environment, no files, no metadata.
export AWS_ACCESS_KEY_ID=AKIAEXAMPLEKEY000001
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1
export AWS_CONFIG_FILE="$DIR/empty" AWS_SHARED_CREDENTIALS_FILE="$DIR/empty"
export AWS_EC2_METADATA_DISABLED=true
unset AWS_CA_BUNDLE AWS_PROFILE AWS_SESSION_TOKEN
"$VENV/bin/python" - "$RUNS" "$PWD/target/release/stskit" "$VENV/bin/aws" <<'PY'
import base64, json, os, resource, statistics, subprocess, sys, time

runs, stskit, aws = int(sys.argv[1]), sys.argv[2], sys.argv[3]
commands = {
    "stskit eks-token": [stskit, "eks-token", "--cluster-name", "demo"],
    "aws eks get-token": [aws, "eks", "get-token", "--cluster-name", "demo"],
}

def once(argv):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(argv, capture_output=True, check=True).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out

# Both print the same object: the same keys, and tokens for the same URL up to the
# signature and time.
shapes = {}
for name, argv in commands.items():
    doc = json.loads(once(argv)[2])
    token = doc["status"]["token"]
    url = base64.urlsafe_b64decode(token[len("k8s-aws-v1."):] + "==").decode()
    shapes[name] = (list(doc), list(doc["status"]), doc["apiVersion"], url.split("X-Amz-Date")[0])
    print(f"{name}: {url.split('?')[0]} {doc['apiVersion']}")
if len(set(map(str, shapes.values()))) != 1:
    sys.exit(f"the two outputs differ in shape: {shapes}")

# The floor: starting the process at all.
commands["stskit --version (start-up alone)"] = [stskit, "--version"]
times = {name: ([], []) for name in commands}
for _ in range(runs):
    for name, argv in commands.items():
        wall, cpu, _ = once(argv)
        times[name][0].append(wall * 1000)
        times[name][1].append(cpu * 1000)
for name, (wall, cpu) in times.items():
    print(f"{name}: median wall {statistics.median(wall):.2f} ms (min {min(wall):.2f}, max {max(wall):.2f}), median CPU {statistics.median(cpu):.2f} ms, {runs} runs")
s_wall, s_cpu = (statistics.median(v) for v in times["stskit eks-token"])
a_wall, a_cpu = (statistics.median(v) for v in times["aws eks get-token"])
print(f"aws / stskit: wall {a_wall / s_wall:.0f}x, CPU {a_cpu / s_cpu:.0f}x")
PY
