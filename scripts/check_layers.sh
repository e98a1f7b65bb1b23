#!/usr/bin/env bash
# Layering and size checks (run by .ci/run):
# - the pure modules (sigv4, sts, date, host, http, credentials, and later the profile
#   parser and the cache policy) never reach for IO, the clock or the layers above them:
#   no tokio, reqwest, std::env, std::fs, std::net sockets, SystemTime/now_utc, client,
#   transport or provider;
# - no source file under src/ passes 500 lines.
set -euo pipefail
cd "$(dirname "$0")/.."

fail=0
PURE=(src/sigv4 src/sts src/date.rs src/host.rs src/http.rs src/credentials.rs)
for dir in src/profile src/provider/profile src/cache/policy.rs; do
    [ -e "$dir" ] && PURE+=("$dir")
done
FORBIDDEN='tokio|reqwest|std::env|std::fs|TcpStream|UdpSocket|SystemTime|now_utc|crate::client|crate::transport|crate::provider|crate::test_util'
while IFS= read -r file; do
    # Comments and doc comments may name the layers above; code may not.
    if hits=$(grep -nE "$FORBIDDEN" "$file" | grep -vE '^[0-9]+:\s*//'); then
        echo "layering: $file reaches outside the pure core:"
        echo "$hits" | sed 's/^/    /'
        fail=1
    fi
done < <(find "${PURE[@]}" -name '*.rs' | grep -v '_tests\.rs$' | grep -v '/tests\.rs$')

while IFS= read -r line; do
    n=${line%% *}
    file=${line#* }
    if [ "$n" -gt 500 ]; then
        echo "size: $file has $n lines (at most 500)"
        fail=1
    fi
done < <(find src -name '*.rs' -exec wc -l {} + | grep -v ' total$' | awk '{print $1" "$2}')

if [ "$fail" -ne 0 ]; then
    exit 1
fi
echo "layers and sizes: ok"
