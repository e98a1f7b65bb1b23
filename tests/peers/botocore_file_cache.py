"""botocore resolving a profile with the AWS CLI's file cache installed, as the AWS CLI
installs it (a JSONFileCache on the assume-role and web identity providers), for the
file-cache interop test (tests/file_cache_interop.rs).

Usage: botocore_file_cache.py CONFIG CREDENTIALS PROFILE CACHE_DIR
Prints {"AccessKeyId", "SecretAccessKey", "SessionToken"} of the resolved credentials.
"""
import json
import os
import sys

import botocore.session
from botocore.utils import JSONFileCache


def main():
    config, credentials, profile, cache_dir = sys.argv[1:5]
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME")}
    os.environ.clear()
    os.environ.update(keep)
    os.environ["AWS_CONFIG_FILE"] = config
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = credentials
    session = botocore.session.Session(profile=profile)
    chain = session.get_component("credential_provider")
    for name in ("assume-role", "assume-role-with-web-identity"):
        chain.get_provider(name).cache = JSONFileCache(cache_dir)
    frozen = session.get_credentials().get_frozen_credentials()
    json.dump({"AccessKeyId": frozen.access_key, "SecretAccessKey": frozen.secret_key,
               "SessionToken": frozen.token}, sys.stdout)


if __name__ == "__main__":
    main()
