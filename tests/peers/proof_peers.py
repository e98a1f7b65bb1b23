"""Identity proofs as the peers make them, at a pinned time (tests/sts/proofs.rs).

Reads a JSON array of cases on stdin and writes a JSON array of answers on stdout.
- "eks": the token `aws eks get-token` prints, made as the AWS CLI's get_token.py makes
  it: a botocore STS client whose GetCallerIdentity presign carries the signed header
  x-k8s-aws-id (injected at before-sign), ExpiresIn 60, GET, then "k8s-aws-v1." and the
  URL in URL-safe base64 without padding.
- "vault": hvac's iam_login fields (hvac 2.4: aws_utils.generate_sigv4_auth_request and
  SigV4Auth.add_auth, then the same encoding as auth_methods/aws.py), without sending.
"""
import base64
import datetime
import json
import sys

import botocore.auth
import botocore.session
import hvac.aws_utils


def pin(epoch):
    moment = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    botocore.auth.get_current_datetime = lambda *a, **k: moment

    class Frozen(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return moment.replace(tzinfo=None)

    hvac.aws_utils.datetime = Frozen


def eks(case):
    session = botocore.session.get_session()
    client = session.create_client(
        "sts",
        region_name=case["region"],
        endpoint_url=case.get("endpoint_url"),
        aws_access_key_id=case["access_key"],
        aws_secret_access_key=case["secret_key"],
        aws_session_token=case.get("token"),
    )

    def retrieve(params, context, **kwargs):
        if "x-k8s-aws-id" in params:
            context["x-k8s-aws-id"] = params.pop("x-k8s-aws-id")

    def inject(request, **kwargs):
        if "x-k8s-aws-id" in request.context:
            request.headers["x-k8s-aws-id"] = request.context["x-k8s-aws-id"]

    client.meta.events.register("provide-client-params.sts.GetCallerIdentity", retrieve)
    client.meta.events.register("before-sign.sts.GetCallerIdentity", inject)
    url = client.generate_presigned_url(
        "get_caller_identity",
        Params={"x-k8s-aws-id": case["cluster"]},
        ExpiresIn=60,
        HttpMethod="GET",
    )
    encoded = base64.urlsafe_b64encode(url.encode("utf-8")).decode("utf-8").rstrip("=")
    return {"token": "k8s-aws-v1." + encoded}


def vault(case):
    request = hvac.aws_utils.generate_sigv4_auth_request(header_value=case.get("server_id"))
    auth = hvac.aws_utils.SigV4Auth(
        case["access_key"], case["secret_key"], case.get("token"), case["region"]
    )
    auth.add_auth(request)
    headers = json.dumps({k: [request.headers[k]] for k in request.headers})
    return {
        "iam_http_request_method": request.method,
        "iam_request_url": base64.b64encode(request.url.encode("utf-8")).decode("utf-8"),
        "iam_request_body": base64.b64encode(request.body.encode("utf-8")).decode("utf-8"),
        "iam_request_headers": base64.b64encode(headers.encode("utf-8")).decode("utf-8"),
    }


def main():
    out = []
    for case in json.load(sys.stdin):
        pin(case["time"])
        out.append(eks(case) if case["kind"] == "eks" else vault(case))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
