//! `stskit assume-role-with-saml`: role credentials for a SAML assertion, without source
//! credentials.

use crate::provider::secret_file::MAX_SAML_ASSERTION_FILE;
use crate::sts::AssumeRoleWithSaml;

use crate::cli::Failure;
use crate::cli::args::{Flag, Values};
use super::Command;
use super::shared::{
    OUTPUT, POLICY, POLICY_ARN, POLICY_FILE, format, number, once, required, secret_file,
    session_policies,
};

pub(super) const TITLE: &str = "assume an IAM role with a SAML assertion and print its credentials";
pub(super) const USAGE: &str = "stskit assume-role-with-saml --role-arn ARN --principal-arn ARN --saml-assertion-file PATH [options]";
pub(super) const TAIL: &str = "The call is unsigned: no source credentials are read. The assertion (base64) is\nnever printed.\n";

pub(super) const FLAGS: &[Flag] = &[
    once("role-arn", "ARN", "role to assume (required)"),
    once("principal-arn", "ARN", "the IAM SAML provider (required)"),
    once(
        "saml-assertion-file",
        "PATH",
        "file holding the base64 SAML response (required)",
    ),
    once("duration-seconds", "N", "900-43200 (STS's default 3600)"),
    POLICY,
    POLICY_FILE,
    POLICY_ARN,
    OUTPUT,
];

const COMMAND: &str = "assume-role-with-saml";

pub(super) fn build(mut v: Values) -> Result<Command, Failure> {
    let format = format(&mut v)?;
    let duration = number(&mut v, "duration-seconds")?;
    let role_arn = required(&mut v, COMMAND, "role-arn")?;
    let principal_arn = required(&mut v, COMMAND, "principal-arn")?;
    let path = required(&mut v, COMMAND, "saml-assertion-file")?;
    let assertion = secret_file("--saml-assertion-file", &path, MAX_SAML_ASSERTION_FILE)?;
    let mut request = AssumeRoleWithSaml::new(role_arn, principal_arn, assertion);
    if let Some(d) = duration {
        request = request.with_duration_seconds(d);
    }
    let (policy, arns) = session_policies(&mut v)?;
    if let Some(p) = policy {
        request = request.with_policy(p);
    }
    for arn in arns {
        request = request.with_policy_arn(arn);
    }
    Ok(Command::Saml(Box::new(request), format))
}
