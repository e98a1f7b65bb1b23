"""Writes fixtures/sts-model/: STS answers as Query XML, for the parsers' tests.

* `<operation>.ok.model-example[.N].xml`: the example outputs of botocore's STS model
  (fixtures/aws-model/sts-examples-1.json, Apache-2.0) written as the Query protocol
  answer they stand for.
* `<operation>.ok.synthetic.xml`: for the operations the examples leave out, an answer
  with every output member of the model (fixtures/aws-model/sts-service-2.json) filled
  with a plausible value.

Each XML file gets an `.expected.json` of the values the parser must give. Run from the
repository root: python3 tests/peers/model_answers.py
"""
import json
import os
import re
from xml.sax.saxutils import escape

MODEL = json.load(open("fixtures/aws-model/sts-service-2.json"))
EXAMPLES = json.load(open("fixtures/aws-model/sts-examples-1.json"))["examples"]
OUT = "fixtures/sts-model"
NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def snake(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def xml(shape_name, value, indent):
    shape = MODEL["shapes"][shape_name]
    pad = "  " * indent
    if shape["type"] == "structure":
        out = ""
        for name, member in shape["members"].items():
            if name in value:
                inner = xml(member["shape"], value[name], indent + 1)
                if MODEL["shapes"][member["shape"]]["type"] in ("structure", "map", "list"):
                    out += f"{pad}<{name}>\n{inner}{pad}</{name}>\n"
                else:
                    out += f"{pad}<{name}>{inner}</{name}>\n"
        return out
    if shape["type"] == "map":
        return "".join(
            f"{pad}<entry>\n{pad}  <key>{escape(k)}</key>\n{pad}  <value>{escape(v)}</value>\n{pad}</entry>\n"
            for k, v in value.items())
    return escape(str(value))


def expected(shape_name, value):
    shape = MODEL["shapes"][shape_name]
    if shape["type"] == "structure":
        out = {}
        for name, member in shape["members"].items():
            if name not in value:
                continue
            if name == "Credentials":
                for k, v in value[name].items():
                    out[snake(k)] = v
                continue
            if name == "TransactionContext":
                out["identity_provider"] = value[name]["IdentityProvider"]
                continue
            out[snake(name)] = expected(member["shape"], value[name])
        return out
    if shape["type"] == "map":
        return value
    return value


SYNTHETIC = {
    "AssumeRoot": {
        "Credentials": {"AccessKeyId": "ASIAROOTEXAMPLE12345", "SecretAccessKey": "root/secret+EXAMPLEKEY0123456789abcdefgh",
                        "SessionToken": "IQoJb3JpZ2luX2VjEROOTEXAMPLETOKEN//////////wEa", "Expiration": "2031-02-03T04:05:06Z"},
        "SourceIdentity": "admin-task", "SessionTokenUtilization": 12, "SessionTokenSize": 1024,
    },
    "GetAccessKeyInfo": {"Account": "111122223333"},
    "GetDelegatedAccessToken": {
        "Credentials": {"AccessKeyId": "ASIADELEGATEEXAMPLE1", "SecretAccessKey": "delegate/secret+EXAMPLEKEY0123456789abcd",
                        "SessionToken": "IQoJb3JpZ2luX2VjEDELEGATEDEXAMPLE//////////wEa", "Expiration": "2031-02-03T05:06:07.5Z"},
        "PackedPolicySize": 0, "AssumedPrincipal": "arn:aws:sts::111122223333:assumed-role/partner-access/delegate",
    },
    "GetScopedCredentials": {
        "Credentials": {"AccessKeyId": "ASIASCOPEDEXAMPLE123", "SecretAccessKey": "scoped/secret+EXAMPLEKEY0123456789abcdef",
                        "SessionToken": "IQoJb3JpZ2luX2VjESCOPEDEXAMPLE//////////wEa", "Expiration": "2031-02-03T06:07:08Z"},
        "SessionInfo": {"ScopedSessionId": "scoped-session-0123456789", "Arn": "arn:aws:sts::111122223333:assumed-role/app/session"},
        "SessionTokenUtilization": 30, "SessionTokenSize": 900, "ScopedPoliciesCount": 2, "SourceIdentity": "ci-runner",
    },
    "GetWebIdentityToken": {
        "WebIdentityToken": "eyJraWQiOiJleGFtcGxlIiwiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiJhcm46YXdzOmlhbTo6MTExMTIyMjIzMzMzOnJvbGUvYXBwIn0.c2lnbmF0dXJl",
        "Expiration": "2031-02-03T07:08:09Z",
    },
    "AssumeRoleWithWebIdentity": {
        "Credentials": {"AccessKeyId": "ASIAWEBIDEXAMPLE1234", "SecretAccessKey": "webid/secret+EXAMPLEKEY0123456789abcdefg",
                        "SessionToken": "IQoJb3JpZ2luX2VjEWEBIDEXAMPLE//////////wEa", "Expiration": "2031-02-03T08:09:10Z"},
        "SubjectFromWebIdentityToken": "system:serviceaccount:default:app",
        "AssumedRoleUser": {"AssumedRoleId": "AROAEXAMPLEWEBID:pod", "Arn": "arn:aws:sts::111122223333:assumed-role/eks-app/pod"},
        "PackedPolicySize": 5, "Provider": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.example",
        "Audience": "sts.amazonaws.com", "SourceIdentity": "app", "SessionTokenUtilization": 7, "SessionTokenSize": 800,
        "TrustedIdentityPropagationContext": {
            "OriginIdentity": {"Subject": "user-123", "SubjectType": "user", "Issuer": "https://idp.example/",
                               "FederatedProviderArn": "arn:aws:iam::111122223333:oidc-provider/idp.example"},
            "TransactionContext": {"IdentityProvider": {"tenant": "t-1", "region": "eu"}},
        },
    },
}


def write(op, value, name):
    spec = MODEL["operations"][op]
    out_shape, wrapper = spec["output"]["shape"], spec["output"]["resultWrapper"]
    body = (f'<{op}Response xmlns="{NS}">\n  <{wrapper}>\n' + xml(out_shape, value, 2)
            + f"  </{wrapper}>\n  <ResponseMetadata>\n    <RequestId>{name}-0001</RequestId>\n"
            + f"  </ResponseMetadata>\n</{op}Response>\n")
    snake_op = snake(op).replace("s_a_m_l", "saml")
    base = f"{snake_op}.ok.{name}"
    with open(os.path.join(OUT, base + ".xml"), "w") as f:
        f.write(body)
    want = {"status": 200, "parse": snake_op}
    want.update(expected(out_shape, value))
    if "trusted_identity_propagation_context" in want:
        ctx = want.pop("trusted_identity_propagation_context")
        want["trusted_identity_propagation_context"] = {
            "origin_identity": {snake(k): v for k, v in value["TrustedIdentityPropagationContext"]["OriginIdentity"].items()},
            "identity_provider": ctx["identity_provider"],
        }
    for user in ("assumed_role_user", "federated_user", "session_info"):
        if user in want:
            want[user] = {snake(k): v for k, v in want[user].items()}
    want["request_id"] = f"{name}-0001"
    with open(os.path.join(OUT, base + ".expected.json"), "w") as f:
        json.dump(want, f, indent=2, ensure_ascii=False)
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    for op, examples in EXAMPLES.items():
        for i, ex in enumerate(examples):
            write(op, ex["output"], "model-example" + (f".{i + 1}" if len(examples) > 1 else ""))
    for op, value in SYNTHETIC.items():
        write(op, value, "synthetic")


if __name__ == "__main__":
    main()
