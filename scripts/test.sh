#!/usr/bin/env bash
# The one test command (README "Quick start"). It installs what the tests need on a
# fresh machine by itself, then runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --all-features --all-targets
cargo test --no-default-features --lib --tests
cargo test --all-features --doc
