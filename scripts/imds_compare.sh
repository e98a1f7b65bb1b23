#!/usr/bin/env bash
# Whole-process time to resolve credentials from EC2 instance metadata (IMDSv2), with
# nothing else configured: `stskit credentials` against botocore's own chain
# (`Session().get_credentials()`), both pointed at the same loopback IMDS (a small
# Python server here, so neither side pays for the other's double). Median of N runs.
# Usage: bash scripts/imds_compare.sh [N]   (default 40)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-40}
cargo build --quiet --release --bin stskit
PY=$(bash scripts/pyenv.sh)
"$PY" - "target/release/stskit" "$N" "$PY" <<'PY'
import http.server, json, os, statistics, subprocess, sys, tempfile, threading, time
binary, n, python = sys.argv[1], int(sys.argv[2]), sys.argv[3]
CREDS = json.dumps({"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAIMDSCOMPARE",
                    "SecretAccessKey": "secret/key", "Token": "session-token",
                    "Expiration": "2099-01-01T00:00:00Z"}).encode()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def log_message(self, *a): pass
    def reply(self, body):
        self.send_response(200); self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
    def do_PUT(self): self.reply(b"AQAEAtoken==")
    def do_GET(self):
        if self.headers.get("x-aws-ec2-metadata-token") != "AQAEAtoken==":
            self.send_response(401); self.send_header("Content-Length", "0"); self.end_headers(); return
        self.reply(b"role" if self.path.endswith("/security-credentials/") else CREDS)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
home = tempfile.mkdtemp()
env = {"PATH": os.environ["PATH"], "HOME": home, "AWS_CONFIG_FILE": home + "/none",
       "AWS_SHARED_CREDENTIALS_FILE": home + "/none",
       "AWS_EC2_METADATA_SERVICE_ENDPOINT": f"http://127.0.0.1:{srv.server_address[1]}/"}
peer = ("import botocore.session; c = botocore.session.Session().get_credentials(); "
        "assert c.get_frozen_credentials().access_key == 'ASIAIMDSCOMPARE'")
def median(cmd):
    times = []
    for _ in range(n):
        t = time.perf_counter(); r = subprocess.run(cmd, env=env, capture_output=True)
        times.append(time.perf_counter() - t)
        assert r.returncode == 0, r.stderr
    return statistics.median(times)
ours = median([binary, "credentials"])
theirs = median([python, "-c", peer])
print(f"stskit credentials: {ours*1000:.1f} ms; botocore get_credentials: {theirs*1000:.1f} ms; "
      f"ratio {theirs/ours:.0f}x ({n} runs each, medians)")
PY
