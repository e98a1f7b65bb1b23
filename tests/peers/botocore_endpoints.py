"""Reference endpoints from botocore for the differential test (tests/botocore_diff.rs).

Reads a JSON array of cases {"region", "fips", "dualstack", "legacy"} on stdin and
writes, for each, {"url", "signing_region"} or {"error": <exception class name>}: the
endpoint botocore's own client resolves for sts:GetCallerIdentity (captured before
signing, so nothing is sent).
"""
import json
import sys

import botocore.session
from botocore.config import Config


class Captured(Exception):
    pass


def resolve(session, case):
    session.set_config_variable("sts_regional_endpoints", "legacy" if case["legacy"] else "regional")
    config = Config(use_fips_endpoint=case["fips"], use_dualstack_endpoint=case["dualstack"])
    client = session.create_client(
        "sts", region_name=case["region"], config=config,
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
    seen = {}

    def capture(request, **kwargs):
        seen["url"] = request.url
        seen["region"] = request.context.get("signing", {}).get("region")
        raise Captured()

    client.meta.events.register("before-sign.sts.GetCallerIdentity", capture)
    try:
        client.get_caller_identity()
    except Captured:
        return {"url": seen["url"], "signing_region": seen["region"] or client.meta.region_name}


def main():
    cases = json.load(sys.stdin)
    session = botocore.session.get_session()
    out = []
    for case in cases:
        try:
            out.append(resolve(session, case))
        except Exception as e:  # the class name is the answer
            out.append({"error": type(e).__name__})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
