//! `stskit assume-role-with-saml`: role credentials for a SAML assertion, without
//! source credentials.

use crate::cli::context::{Command, CredentialsCall, Spec};
use crate::cli::failure::Failure;
use crate::cli::flags::{
    OUTPUT, POLICY, POLICY_ARN, POLICY_FILE, Flag, Values, format, number, once, required,
    secret_file, session_policies,
};
use crate::provider::MAX_SAML_ASSERTION_FILE;
use crate::sts::AssumeRoleWithSaml;

pub(crate) const SPEC: Spec = Spec {
    name: "assume-role-with-saml",
    title: "assume an IAM role with a SAML assertion and print its credentials",
    usage: "stskit assume-role-with-saml --role-arn ARN --principal-arn ARN --saml-assertion-file PATH [options]",
    flags: FLAGS,
    tail: "The call is unsigned: no source credentials are read. The assertion (base64) is\nnever printed.\n",
    build,
};

const FLAGS: &[Flag] = &[
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

fn build(mut v: Values) -> Result<Box<dyn Command>, Failure> {
    let format = format(&mut v)?;
    let duration = number(&mut v, "duration-seconds")?;
    let role_arn = required(&mut v, SPEC.name, "role-arn")?;
    let principal_arn = required(&mut v, SPEC.name, "principal-arn")?;
    let path = required(&mut v, SPEC.name, "saml-assertion-file")?;
    let assertion = secret_file(&v, "--saml-assertion-file", &path, MAX_SAML_ASSERTION_FILE)?;
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
    Ok(Box::new(CredentialsCall {
        op: request,
        format,
    }))
}
