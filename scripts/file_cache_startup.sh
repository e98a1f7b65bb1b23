#!/usr/bin/env bash
# Whole-process time of `stskit credentials --profile role --cache` served from the AWS
# CLI's file cache, against botocore resolving the same profile from the same cache
# file (a fresh `python -c` process with the AWS CLI's JSONFileCache installed). No STS
# call either way: the entry is valid for an hour. Prints both medians and the ratio.
#   bash scripts/file_cache_startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-200}
cargo build -q --release --bin stskit
PY=$(bash scripts/pyenv.sh)
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
mkdir -p "$DIR/.aws/cli/cache"
# An endpoint nobody listens on: a call would fail, so a success proves a cache hit.
printf '[profile role]\nrole_arn = arn:aws:iam::123456789012:role/demo\nsource_profile = base\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9\n[profile base]\nregion = us-east-1\n' > "$DIR/.aws/config"
printf '[base]\naws_access_key_id = AKIAEXAMPLEKEY000001\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' > "$DIR/.aws/credentials"
EXP=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
printf '{"Credentials": {"AccessKeyId": "ASIACACHEDKEY0000001", "SecretAccessKey": "cached/secret", "SessionToken": "cachedtoken", "Expiration": "%s", "AccountId": "123456789012"}, "AssumedRoleUser": {"AssumedRoleId": "AROAFAKE:s", "Arn": "arn:aws:sts::123456789012:assumed-role/demo/s"}}' "$EXP" \
    > "$DIR/.aws/cli/cache/5f52c9c583acfd120a607977e4f21fe86b7fa42d.json"
env -i PATH="$PATH" HOME="$DIR" STSKIT="$PWD/target/release/stskit" RUNS="$RUNS" "$PY" - <<'PY'
import os, statistics, subprocess, sys, time

home, runs, stskit, py = os.environ["HOME"], int(os.environ["RUNS"]), os.environ["STSKIT"], sys.executable
botocore = (
    "import botocore.session\n"
    "from botocore.utils import JSONFileCache\n"
    "s = botocore.session.Session(profile='role')\n"
    "c = s.get_component('credential_provider')\n"
    "c.get_provider('assume-role').cache = JSONFileCache(%r)\n"
    "print(s.get_credentials().get_frozen_credentials().access_key)\n" % (home + "/.aws/cli/cache")
)
commands = {
    "stskit": [stskit, "credentials", "--profile", "role", "--cache"],
    "botocore": [py, "-c", botocore],
}

def once(cmd):
    t = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, check=True).stdout
    elapsed = time.perf_counter() - t
    assert b"ASIACACHEDKEY0000001" in out, out
    return elapsed

times = {name: [] for name in commands}
for n in range(runs):
    for name, cmd in commands.items():
        if name == "botocore" and n % 5:
            continue  # botocore is slow: a fifth as many runs
        times[name].append(once(cmd))
med = {name: statistics.median(t) * 1000 for name, t in times.items()}
print(f"stskit credentials --cache (file cache hit), whole process: median {med['stskit']:.2f} ms over {len(times['stskit'])} runs")
print(f"botocore + JSONFileCache (file cache hit), whole process:  median {med['botocore']:.1f} ms over {len(times['botocore'])} runs")
print(f"ratio: {med['botocore'] / med['stskit']:.0f}x")
PY
