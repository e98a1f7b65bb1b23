//! `stskit credentials`: the credentials the AWS CLI would resolve, printed as
//! `aws configure export-credentials` prints them.

use super::super::Failure;
use super::super::args::{Flag, Values};
use super::Command;
use super::shared::{OUTPUT, format, once};

pub(super) const TITLE: &str = "resolve credentials as the AWS CLI does and print them";
pub(super) const USAGE: &str = "stskit credentials [--profile NAME] [--token-code CODE] [--region R] [--endpoint URL]\n      [--output json|env|fish|powershell]";
pub(super) const TAIL: &str = "\
Without --profile: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then web identity from
AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, then the profile AWS_PROFILE names (else
default). With --profile: that profile only, environment keys ignored (except through
credential_source = Environment). Profiles come from AWS_CONFIG_FILE (~/.aws/config) and
AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials): static keys, role_arn with
source_profile or credential_source (any number of hops), web_identity_token_file,
credential_process. Static keys print without SessionToken and Expiration.
";

pub(super) const FLAGS: &[Flag] = &[
    once(
        "token-code",
        "CODE",
        "MFA code for a role with mfa_serial (else asked on\nthe terminal)",
    ),
    OUTPUT,
];

pub(super) fn build(mut v: Values) -> Result<Command, Failure> {
    let format = format(&mut v)?;
    Ok(Command::Credentials(v.take("token-code"), format))
}
