"""botocore's own fetchers, pointed at stskit's loopback metadata double: the peer the
tests compare stskit's instance metadata, container and IAM Identity Center sources
with. Prints one JSON object: the credentials botocore got.

    botocore_sources.py imds URL
    botocore_sources.py container URL [TOKEN]
    botocore_sources.py sso PROFILE      (AWS_CONFIG_FILE, HOME, AWS_ENDPOINT_URL_SSO set)
"""
import json
import sys

from botocore.utils import ContainerMetadataFetcher, InstanceMetadataFetcher


def main():
    mode = sys.argv[1]
    if mode == "imds":
        fetcher = InstanceMetadataFetcher(
            timeout=1, num_attempts=1, base_url=sys.argv[2], env={},
            config={"ec2_metadata_v1_disabled": True},
        )
        c = fetcher.retrieve_iam_role_credentials()
        out = {"AccessKeyId": c["access_key"], "SecretAccessKey": c["secret_key"],
               "SessionToken": c["token"], "Expiration": c["expiry_time"]}
    elif mode == "container":
        headers = {"Authorization": sys.argv[3]} if len(sys.argv) > 3 else None
        c = ContainerMetadataFetcher().retrieve_full_uri(sys.argv[2], headers=headers)
        out = {"AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
               "SessionToken": c["Token"], "Expiration": c["Expiration"]}
    elif mode == "sso":
        import botocore.session
        session = botocore.session.Session(profile=sys.argv[2])
        creds = session.get_credentials()
        frozen = creds.get_frozen_credentials()
        out = {"AccessKeyId": frozen.access_key, "SecretAccessKey": frozen.secret_key,
               "SessionToken": frozen.token,
               "Expiration": creds._expiry_time.strftime("%Y-%m-%dT%H:%M:%SZ"),
               "Method": creds.method}
    else:
        raise SystemExit("unknown mode " + mode)
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
