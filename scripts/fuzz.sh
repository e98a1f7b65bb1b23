#!/usr/bin/env bash
# Runs the cargo-fuzz targets (nightly toolchain and `cargo install cargo-fuzz` needed),
# each for SECONDS (default 900), with corpora seeded from fixtures/.
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-900}
shift || true
TARGETS=${*:-parse_response parse_error canonical_request endpoint_and_dates parse_operations profile_parser file_cache sources cassette proofs}

mkdir -p fuzz/corpus/profile_parser
python3 - <<'PY'
import json, os
cases = json.load(open("fixtures/profiles/profile-parser-tests.json"))["tests"]
for i, c in enumerate(cases):
    config = c["input"].get("configFile", "")
    creds = c["input"].get("credentialsFile", "")
    # The target splits its input in the middle: pad the shorter half with blank lines.
    n = max(len(config.encode()), len(creds.encode()))
    body = config + "\n" * (n - len(config.encode())) + creds + "\n" * (n - len(creds.encode()))
    open(f"fuzz/corpus/profile_parser/seed-{i}", "w").write(body)
roles = json.load(open("fixtures/profiles/assume-role-tests.json"))
for i, c in enumerate(roles):
    text = "".join(f"[profile {name}]\n" + "".join(f"{k} = {v}\n" for k, v in props.items())
                   for name, props in c["input"]["profiles"].items())
    open(f"fuzz/corpus/profile_parser/seed-role-{i}", "w").write(text + "\n" * len(text.encode()))
PY
mkdir -p fuzz/corpus/file_cache
for form in Z +00:00 UTC " UTC" "" ; do
    printf '{"Credentials": {"AccessKeyId": "ASIAFAKE", "SecretAccessKey": "secret/key", "SessionToken": "token", "Expiration": "2026-11-30T05:25:17%s", "AccountId": "123456789012"}, "AssumedRoleUser": {"AssumedRoleId": "AROA:s", "Arn": "arn:aws:sts::123456789012:assumed-role/demo/s"}}' "$form" \
        > "fuzz/corpus/file_cache/seed-$(echo "$form" | tr -dc 'A-Z0-9' | tr -d ' ')x"
done
mkdir -p fuzz/corpus/parse_response fuzz/corpus/parse_error fuzz/corpus/canonical_request fuzz/corpus/endpoint_and_dates fuzz/corpus/parse_operations
# parse_operations: the first byte selects the parser, in this order.
OPS=(assume_role assume_role_with_saml assume_role_with_web_identity assume_root get_session_token
    get_federation_token get_scoped_credentials get_delegated_access_token get_web_identity_token
    get_caller_identity get_access_key_info decode_authorization_message)
for f in fixtures/sts/*.xml fixtures/sts-model/*.xml; do
    name=$(basename "$f")
    for i in "${!OPS[@]}"; do
        if [[ "$name" == "${OPS[$i]}.ok."* ]]; then
            { printf "\\x$(printf %02x "$i")\\x00\\xc8\\x00"; cat "$f"; } > "fuzz/corpus/parse_operations/seed-$name"
        fi
    done
done
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

i=0
for seed in "https://sts.eu-west-1.amazonaws.com/" "http://127.0.0.1:4566/base/" "http://[::1]:8080" \
    "http://sts.localhost:9/" "2031-05-06T07:08:09.123Z" "9999-12-31T23:59:59-01:00" \
    "Sun, 06 Nov 1994 08:49:37 GMT" "Fri, 31 Dec 9999 23:59:59 GMT"; do
    printf '%s' "$seed" > "fuzz/corpus/endpoint_and_dates/seed-$i"
    i=$((i + 1))
done

# cassette: answers a recording may get, and a cassette.json that reads.
mkdir -p fuzz/corpus/cassette fuzz/corpus/proofs
for f in fixtures/sts/*.xml; do cp "$f" "fuzz/corpus/cassette/seed-$(basename "$f")"; done
printf '{"version": 1, "recorded_at": "2026-12-05T10:00:00Z", "interactions": [{"request": {"method": "POST", "url": "https://sts.us-east-1.amazonaws.com/", "params": [["Action", "AssumeRole"]]}, "response": {"status": 200, "headers": [["content-type", "text/xml"]], "body_file": "001-AssumeRole.xml"}}]}' \
    > fuzz/corpus/cassette/seed-index
printf '{"AccessKeyId": "ASIAFAKE0000", "SecretAccessKey": "s/k+1", "Token": "tok", "roleCredentials": {"sessionToken": "t2"}}' \
    > fuzz/corpus/cassette/seed-json
# proofs: key id, secret, token, cluster, header, separated by \x01.
printf 'AKIDEXAMPLE\001wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\001\001demo\001X-Vault-AWS-IAM-Server-ID:vault' > fuzz/corpus/proofs/seed-0
printf 'ASIAEXAMPLE\001secret\001FwoGZXIvYXdzE+/=\001my-cluster_1\001Host:evil' > fuzz/corpus/proofs/seed-1

for t in $TARGETS; do
    echo "== $t for ${SECONDS_EACH}s"
    cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 2>&1 | tail -n 15
done
