"""A process whose SDK is botocore, started with the container credentials variables
(AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN or
..._TOKEN_FILE) as `stskit serve` prints them or `stskit exec --server` sets them:
botocore's own chain (a Session, no profile, no keys) resolves credentials and this
prints them, with the method botocore says it used, as one JSON object.

    botocore_container_client.py [N]     resolve N times in N fresh sessions (default 1)
"""
import json
import os
import sys

import botocore.session


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    out = []
    for _ in range(n):
        session = botocore.session.Session()
        creds = session.get_credentials()
        if creds is None:
            raise SystemExit("botocore found no credentials")
        frozen = creds.get_frozen_credentials()
        out.append({
            "AccessKeyId": frozen.access_key,
            "SecretAccessKey": frozen.secret_key,
            "SessionToken": frozen.token,
            "Method": creds.method,
            "Expiration": creds._expiry_time.strftime("%Y-%m-%dT%H:%M:%SZ")
            if getattr(creds, "_expiry_time", None) else None,
        })
    seen = sorted(k for k in os.environ if k.startswith("AWS_") or k.startswith("STSKIT_"))
    print(json.dumps({"results": out, "environment": seen}, sort_keys=True))


if __name__ == "__main__":
    main()
