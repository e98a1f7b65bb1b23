#!/usr/bin/env bash
# Prints stskit's footprint with public tools only: crate counts (default and no
# default features), a clean release build time of the CLI, the stripped binary size,
# and the CLI's wall time and peak RSS for one assume-role against the loopback double
# (hyperfine when installed, else a timed loop; /usr/bin/time for peak RSS).
#   bash scripts/footprint.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-50}

count() { cargo tree -e normal --prefix none "$@" | sed 's/ (\*)//; s/ (proc-macro)//' | sort -u | wc -l; }
echo "crates, default features:    $(count)"
echo "crates, no default features: $(count --no-default-features)"

BUILD_DIR=$(mktemp -d)
trap 'rm -rf "$BUILD_DIR"' EXIT
cargo fetch -q
start=$(date +%s.%N)
CARGO_TARGET_DIR="$BUILD_DIR" cargo build -q --release --bin stskit
end=$(date +%s.%N)
echo "clean release build of the CLI: $(echo "$end - $start" | bc) s on $(nproc) cores"
BIN="$BUILD_DIR/release/stskit"
echo "stripped binary: $(stat -c %s "$BIN") bytes"

cargo build -q --release --example double_server --features test-util
coproc SERVER { target/release/examples/double_server; }
read -r URL <&"${SERVER[0]}"
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
# A CA bundle in the environment would be parsed on every run: measure without one.
unset AWS_CA_BUNDLE
CMD="$BIN assume-role --role-arn arn:aws:iam::123456789012:role/demo --role-session-name footprint --endpoint $URL"
$CMD > /dev/null

# Median (the figure the targets name), mean and range from hyperfine's JSON export.
median_of() {
    python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("  %-12s median %.2f ms, mean %.2f ms, min %.2f ms over %d runs" % (r["command"].split()[0].rsplit("/",1)[-1], r["median"]*1e3, r["mean"]*1e3, r["min"]*1e3, len(r["times"])))' "$1"
}
if command -v hyperfine > /dev/null; then
    hyperfine -N --warmup 5 --runs "$RUNS" --style none --export-json "$BUILD_DIR/cli.json" "$CMD" > /dev/null 2>&1
    echo "stskit assume-role against the loopback double:"
    median_of "$BUILD_DIR/cli.json"
else
    for _ in $(seq "$RUNS"); do
        s=$(date +%s%N); $CMD > /dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000 ))
    done | sort -n | awk '{a[NR]=$1} END {printf "wall time: median %.2f ms over %d runs\n", a[int((NR+1)/2)]/1000, NR}'
fi
peak=0
for _ in $(seq 10); do
    kb=$( { /usr/bin/time -f "%M" $CMD > /dev/null; } 2>&1 | tail -n1 )
    [ "$kb" -gt "$peak" ] && peak=$kb
done
echo "peak RSS: $peak KiB (max of 10 runs)"
exec {SERVER[1]}>&-
wait "$SERVER_PID" 2>/dev/null || true

# The official SDK doing the same call, when benches/compare-sdk has been built
# (cd benches/compare-sdk && cargo build --release): same double, same run.
SDK=benches/compare-sdk/target/release/sdk-assume-role
if [ -x "$SDK" ]; then
    coproc SERVER2 { target/release/examples/double_server; }
    read -r URL2 <&"${SERVER2[0]}"
    SDK_CMD="$SDK $URL2"
    OURS_CMD="$BIN assume-role --role-arn arn:aws:iam::123456789012:role/demo --role-session-name footprint --endpoint $URL2"
    if command -v hyperfine > /dev/null; then
        hyperfine -N --warmup 5 --runs "$RUNS" --style none --export-json "$BUILD_DIR/pair.json" "$OURS_CMD" "$SDK_CMD" > /dev/null 2>&1
        echo "the same, side by side with the SDK binary (runs interleaved by hyperfine's order):"
        median_of "$BUILD_DIR/pair.json"
        python3 -c 'import json,sys
r=json.load(open(sys.argv[1]))["results"]
print("  SDK median / stskit median: %.2fx" % (r[1]["median"]/r[0]["median"]))' "$BUILD_DIR/pair.json"
    else
        # Alternating runs, one of each per round, so both see the same machine.
        for _ in $(seq "$RUNS"); do
            s=$(date +%s%N); $OURS_CMD > /dev/null; m=$(date +%s%N); $SDK_CMD > /dev/null; e=$(date +%s%N)
            echo "$(( (m - s) / 1000 )) $(( (e - m) / 1000 ))"
        done | python3 -c 'import statistics,sys
rows=[tuple(map(int,l.split())) for l in sys.stdin]
a=statistics.median(r[0] for r in rows); b=statistics.median(r[1] for r in rows)
print("the same, alternating with the SDK binary over %d rounds: stskit median %.2f ms, SDK median %.2f ms, SDK / stskit %.2fx" % (len(rows), a/1000, b/1000, b/a))'
    fi
    sdk_peak=$( { /usr/bin/time -f "%M" $SDK_CMD > /dev/null; } 2>&1 | tail -n1 )
    echo "SDK peak RSS: $sdk_peak KiB; stripped SDK binary: $(stat -c %s "$SDK") bytes"
    exec {SERVER2[1]}>&-
fi
