#!/usr/bin/env bash
# Creates target/pyenv, a Python virtualenv holding the pinned real peers the tests run
# against: botocore (the reference SigV4 signer and credential_process client) and
# moto[server] (an STS/IAM emulator). Idempotent; no root needed. Prints the python path.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=target/pyenv
REQS="botocore==1.44.8 boto3==1.44.8 moto[server]==5.2.5 hvac==2.4.0"
STAMP="$VENV/.stskit-$(echo "$REQS" | cksum | cut -d' ' -f1)"

mkdir -p target
exec 9>target/pyenv.lock
flock 9
if [ ! -f "$STAMP" ]; then
    python3 -m venv "$VENV" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check $REQS >&2
    touch "$STAMP"
fi
echo "$PWD/$VENV/bin/python"
