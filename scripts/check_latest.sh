#!/usr/bin/env bash
# Builds, tests and lints a scratch copy of the repository after `cargo update`: what a
# user gets who adds stskit today, with the newest versions the manifests allow. Not
# part of .ci/run, whose result must not depend on the registry's state; run it by hand
# before a release and after a dependency's new version is announced.
#
# Usage: bash scripts/check_latest.sh [DIR]   (default target/latest: the scratch copy)
set -euo pipefail
cd "$(dirname "$0")/.."

SCRATCH=${1:-target/latest}
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
# The committed tree, without target/.
git archive HEAD | tar -x -C "$SCRATCH"
cd "$SCRATCH"

echo "== cargo update"
cargo update 2>&1 | grep -E "Updating|Adding|Removing|Locking" | grep -v "crates.io index" || true
# The stub ICU back end this repository pins (README, "Pin idna_adapter").
cargo update -p idna_adapter --precise 1.0.0 >/dev/null 2>&1 || true

echo "== clippy (all features, then none), warnings are errors"
cargo clippy --quiet --all-targets --all-features -- -D warnings
cargo clippy --quiet --all-targets --no-default-features -- -D warnings
echo "== docs"
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps --all-features
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps
echo "== tests"
PY=$(bash "$OLDPWD/scripts/pyenv.sh")
mkdir -p target && ln -sfn "$(dirname "$(dirname "$PY")")" target/pyenv
AWS_EC2_METADATA_DISABLED=true cargo test --quiet --all-features --all-targets 2>&1 | grep -E "^test result|FAILED|panicked" | awk '{print} /^test result/ {s+=$4; f+=$6} END {print "tests: " s " passed, " f " failed"; if (f > 0) exit 1}'
echo "check_latest: ok ($(grep -c '^name = ' Cargo.lock) packages in the updated lock file)"
