#!/usr/bin/env bash
# Runs the cargo-fuzz targets (nightly toolchain and `cargo install cargo-fuzz` needed),
# each for SECONDS (default 900), with corpora seeded from fixtures/.
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-900}
shift || true
TARGETS=${*:-parse_response parse_error canonical_request}

mkdir -p fuzz/corpus/parse_response fuzz/corpus/parse_error fuzz/corpus/canonical_request
for f in fixtures/sts/*.xml; do
    name=$(basename "$f")
    { printf '\x00\xc8\x00'; cat "$f"; } > "fuzz/corpus/parse_response/seed-$name"
    { printf '\x90'; cat "$f"; } > "fuzz/corpus/parse_error/seed-$name"
done
for d in fixtures/sigv4/aws-signing-test-suite-v4/*/; do
    name=$(basename "$d")
    { printf '\x00\n'; head -n1 "$d/request.txt" | awk '{print $1; print $2}'; tail -n +2 "$d/request.txt" | grep -v '^$' || true; } \
        > "fuzz/corpus/canonical_request/seed-$name"
done

for t in $TARGETS; do
    echo "== $t for ${SECONDS_EACH}s"
    cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 2>&1 | tail -n 15
done
