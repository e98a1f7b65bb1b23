//! `stskit credentials`: the credentials the AWS CLI would resolve, printed as
//! `aws configure export-credentials` prints them.

use crate::cli::Failure;
use crate::cli::args::{Arity, Flag, Values};
use super::shared::{OUTPUT, format, once};
use super::{CacheDir, Command};

pub(super) const TITLE: &str = "resolve credentials as the AWS CLI does and print them";
pub(super) const USAGE: &str = "stskit credentials [--profile NAME] [--token-code CODE] [--region R] [--endpoint URL]\n      [--cache] [--cache-dir DIR] [--output json|env|fish|powershell]";
pub(super) const TAIL: &str = "\
Without --profile: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then web identity from
AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, then the profile AWS_PROFILE names (else
default). With --profile: that profile only, environment keys ignored (except through
credential_source = Environment). Profiles come from AWS_CONFIG_FILE (~/.aws/config) and
AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials): static keys, role_arn with
source_profile or credential_source (any number of hops), web_identity_token_file,
credential_process. Static keys print without SessionToken and Expiration.

With --cache (or --cache-dir DIR), the AWS CLI's assumed-role cache (~/.aws/cli/cache)
is shared: an entry for the profile's role (or its web identity) with at least 15
minutes left is printed without any call; otherwise the call is made and the entry
rewritten, in the AWS CLI's format, so each tool reuses the other's sessions. If the
call fails and the cached entry has more than a minute left, it is printed with a
warning on stderr. Without either flag nothing is read or written.
";

pub(super) const FLAGS: &[Flag] = &[
    once(
        "token-code",
        "CODE",
        "MFA code for a role with mfa_serial (else asked on\nthe terminal)",
    ),
    Flag {
        name: "cache",
        value: "",
        arity: Arity::Switch,
        help: "reuse and update the AWS CLI's cache (~/.aws/cli/cache)",
    },
    once("cache-dir", "DIR", "the cache directory (implies --cache)"),
    OUTPUT,
];

pub(super) fn build(mut v: Values) -> Result<Command, Failure> {
    let format = format(&mut v)?;
    let cache = match (v.take("cache-dir"), v.switch("cache")) {
        (Some(dir), _) if dir.is_empty() => {
            return Err(Failure::usage("--cache-dir needs a directory"));
        }
        (Some(dir), _) => Some(CacheDir::Dir(dir)),
        (None, true) => Some(CacheDir::AwsCli),
        (None, false) => None,
    };
    Ok(Command::Credentials(v.take("token-code"), format, cache))
}
