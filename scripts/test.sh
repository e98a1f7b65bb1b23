#!/usr/bin/env bash
# The one test command (README "Quick start"). On a fresh machine it installs what the
# tests need by itself (a Python virtualenv under target/ with pinned botocore and
# moto[server], via scripts/pyenv.sh), then runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/pyenv.sh >/dev/null
# No test may reach instance metadata by accident: each one that wants it points
# AWS_EC2_METADATA_SERVICE_ENDPOINT at a loopback double (and unsets this).
export AWS_EC2_METADATA_DISABLED=true
cargo test --all-features --all-targets
cargo test --no-default-features --lib --test signing --test sts
cargo test --all-features --doc

# The fleet simulation at a reduced size (2,000 processes, 16 simulated hours); it
# exits 1 when a target is missed. The full size is in docs/performance.md.
cargo run --quiet --all-features --example fleet_sim -- --table --processes 2000 --rate 4 --hours 16
