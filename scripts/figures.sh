#!/usr/bin/env bash
# Measures every figure README's Performance table and docs/performance.md quote, each
# beside its peer in the same run, and prints one dated report (markdown): what
# docs/figures.md holds. About 15 minutes on 2 cores; run it on a quiet machine.
#   bash scripts/figures.sh > docs/figures.md
# The official SDK's figures need benches/compare-sdk built once
# ((cd benches/compare-sdk && cargo build --release), several minutes); without it
# those lines say so.
set -euo pipefail
cd "$(dirname "$0")/.."

section() { printf '\n## %s\n\n```text\n' "$1"; }
end() { printf '```\n'; }
# criterion's one-line-per-benchmark output: "name ... bench: N ns/iter (+/- M)".
bench() { cargo bench -q --bench "$1" -- --output-format bencher "${@:2}" 2>/dev/null | grep 'bench:'; }

echo "# Figures"
echo
echo "Measured by \`bash scripts/figures.sh\` on $(date -u +%Y-%m-%d) at $(git rev-parse --short HEAD):"
echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
echo "$(rustc --version | cut -d' ' -f1-2), release builds. Times move by tens of percent between"
echo "runs on a shared VM; the ratios against a peer measured in the same run are the figures to trust."

section "Footprint: crates, clean build, stripped binary, one assume-role (scripts/footprint.sh)"
bash scripts/footprint.sh 50 2>&1
end

section "Signing and parsing against aws-sigv4 and a bare quick-xml pass, three paired runs (benches/compare)"
(cd benches/compare && cargo build -q --release)
for _ in 1 2 3; do benches/compare/target/release/stskit-compare; done
end

section "Credentials cache hit (cargo bench --bench cache) and aws-config's identity cache"
bench cache 'cache/|clock/|role_cache/'
SDK=benches/compare-sdk/target/release/identity_cache_hit
if [ -x "$SDK" ]; then
    for _ in 1 2 3; do "$SDK"; done
else
    echo "aws-smithy-runtime identity cache: not measured (benches/compare-sdk not built)"
fi
end

section "Profile files (cargo bench --bench profile): 1,000 profiles; 25k/50k/100k keys and hops"
bench profile
end

section "Hostile-sized files, whole process (scripts/big_files.sh)"
bash scripts/big_files.sh 20 2>&1
end

section "stskit credentials from files vs botocore (scripts/profile_startup.sh)"
bash scripts/profile_startup.sh 200 2>&1
end

section "stskit credentials --cache from the AWS CLI's file cache vs botocore (scripts/file_cache_startup.sh)"
bash scripts/file_cache_startup.sh 200 2>&1
end

section "stskit serve under load beside a constant server of the same stack, three runs (scripts/serve_bench.sh)"
for _ in 1 2 3; do bash scripts/serve_bench.sh 1000 100000 2>&1 | grep -v '^double_server'; done
end

section "stskit eks-token beside aws eks get-token (AWS CLI v1, pinned), whole process (scripts/eks_token_bench.sh)"
bash scripts/eks_token_bench.sh 20 2>&1
end

section "Fleet of 10,000 processes on a virtual clock, 24 h (examples/fleet_sim.rs)"
cargo run -q --release --example fleet_sim -- --table 2>&1
end
