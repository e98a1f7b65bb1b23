"""Reference answers from botocore for the differential test (tests/botocore_diff.rs).

Reads a JSON array of cases on stdin and writes a JSON array of results on stdout.
Each case is signed with botocore's SigV4Auth at the given time; "form" cases first
have their body written by botocore's Query serializer for their STS operation
("operation", AssumeRole when absent).
"""
import json
import sys

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials
from botocore.serialize import create_serializer


def main():
    cases = json.load(sys.stdin)
    service = botocore.session.get_session().get_service_model("sts")
    serializer = create_serializer("query")
    out = []
    for case in cases:
        body = b""
        if case["kind"] == "form":
            model = service.operation_model(case.get("operation", "AssumeRole"))
            serialized = serializer.serialize_to_request(case["params"], model)
            prepared = AWSRequest(method="POST", url=case["url"], data=serialized["body"]).prepare()
            body = prepared.body if isinstance(prepared.body, bytes) else prepared.body.encode()
        elif case.get("body"):
            body = case["body"].encode()
        request = AWSRequest(method=case["method"], url=case["url"], data=body)
        request.headers = HTTPHeaders()
        for name, value in case["headers"]:
            request.headers[name] = value
        creds = Credentials(case["access_key"], case["secret"], case["token"])
        auth = SigV4Auth(creds, case["service"], case["region"])
        request.context["timestamp"] = case["time"]
        auth._modify_request_before_signing(request)
        creq = auth.canonical_request(request)
        sts = auth.string_to_sign(request, creq)
        signature = auth.signature(sts, request)
        auth._inject_signature_to_request(request, signature)
        out.append({
            "creq": creq,
            "sts": sts,
            "authz": request.headers["Authorization"],
            "body": body.decode(),
        })
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
