"""botocore as a client of the loopback STS double (tests/botocore_double.rs).

Usage: botocore_calls.py URL ACCESS_KEY SECRET
Calls every STS operation with botocore's own client (signed, or unsigned where the
model says `authtype: none`), then GetScopedCredentials and GetCallerIdentity with the
session credentials it got, and prints one JSON object: operation -> the sorted output
members, or "error: <code>".
"""
import json
import sys

import botocore.session
from botocore.exceptions import ClientError


def main():
    url, key, secret = sys.argv[1:4]
    session = botocore.session.get_session()

    def client(**creds):
        return session.create_client("sts", region_name="us-east-1", endpoint_url=url, **creds)

    c = client(aws_access_key_id=key, aws_secret_access_key=secret)
    role = "arn:aws:iam::123456789012:role/demo"
    calls = {
        "GetCallerIdentity": lambda: c.get_caller_identity(),
        "AssumeRole": lambda: c.assume_role(
            RoleArn=role, RoleSessionName="boto", ExternalId="ext-id", Tags=[{"Key": "k", "Value": "v"}]),
        "AssumeRoleWithWebIdentity": lambda: c.assume_role_with_web_identity(
            RoleArn=role, RoleSessionName="boto", WebIdentityToken="eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"),
        "AssumeRoleWithSAML": lambda: c.assume_role_with_saml(
            RoleArn=role, PrincipalArn="arn:aws:iam::123456789012:saml-provider/idp",
            SAMLAssertion="PHNhbWw+PC9zYW1sPg=="),
        "GetSessionToken": lambda: c.get_session_token(DurationSeconds=900),
        "GetFederationToken": lambda: c.get_federation_token(Name="boto"),
        "AssumeRoot": lambda: c.assume_root(
            TargetPrincipal="111122223333", TaskPolicyArn={"arn": "arn:aws:iam::aws:policy/root-task/X"}),
        "GetAccessKeyInfo": lambda: c.get_access_key_info(AccessKeyId="AKIAIOSFODNN7EXAMPLE"),
        "DecodeAuthorizationMessage": lambda: c.decode_authorization_message(EncodedMessage="abc"),
        "GetDelegatedAccessToken": lambda: c.get_delegated_access_token(TradeInToken="trade-in"),
        "GetWebIdentityToken": lambda: c.get_web_identity_token(Audience=["aud"], SigningAlgorithm="RS256"),
    }
    out = {}
    for name, call in calls.items():
        try:
            answer = call()
            answer.pop("ResponseMetadata", None)
            out[name] = sorted(answer)
        except ClientError as e:
            out[name] = "error: " + e.response["Error"]["Code"]
    creds = c.get_session_token()["Credentials"]
    temp = client(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                  aws_session_token=creds["SessionToken"])
    answer = temp.get_scoped_credentials(ScopedSessionDescription="boto")
    answer.pop("ResponseMetadata", None)
    out["GetScopedCredentials"] = sorted(answer)
    out["CallerWithSessionToken"] = temp.get_caller_identity()["Arn"]
    wrong = client(aws_access_key_id=key, aws_secret_access_key="wrong-secret")
    try:
        wrong.get_caller_identity()
        out["WrongSecret"] = "accepted"
    except ClientError as e:
        out["WrongSecret"] = "error: " + e.response["Error"]["Code"]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
