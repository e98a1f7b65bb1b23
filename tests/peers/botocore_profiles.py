"""botocore's own credential resolution for the profile differential test
(tests/profile_diff.rs).

Reads a JSON array of cases {"config": path, "credentials": path, "profile": name,
"env": {...}, "marker": url} on stdin. For each case it first POSTs a marker to the
recording double (so the test can split the double's log by case), then resolves
`botocore.session.Session(profile=...)` credentials with exactly the case's environment,
and writes one JSON object per case: {"ok": {AccessKeyId, SecretAccessKey, SessionToken}}
or {"error": <exception class name>}.
"""
import json
import os
import sys
import urllib.request

import botocore.session


def marker(url, n):
    req = urllib.request.Request(url, data=f"Action=StskitCaseMarker&Case={n}".encode(), method="POST")
    try:
        urllib.request.urlopen(req, timeout=10).read()
    except Exception:
        pass


def main():
    cases = json.load(sys.stdin)
    base_env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME")}
    out = []
    for n, case in enumerate(cases):
        marker(case["marker"], n)
        os.environ.clear()
        os.environ.update(base_env)
        os.environ.update(case["env"])
        os.environ["AWS_CONFIG_FILE"] = case["config"]
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = case["credentials"]
        try:
            session = botocore.session.Session(profile=case["profile"])
            creds = session.get_credentials()
            if creds is None:
                out.append({"error": "NoCredentials"})
                continue
            frozen = creds.get_frozen_credentials()
            out.append({"ok": {"AccessKeyId": frozen.access_key, "SecretAccessKey": frozen.secret_key,
                               "SessionToken": frozen.token}})
        except Exception as e:  # the class name is the answer
            out.append({"error": type(e).__name__})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
