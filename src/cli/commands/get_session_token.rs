//! `stskit get-session-token`: temporary credentials for an IAM user, with MFA if given.

use crate::cli::context::{Command, CredentialsCall, Spec};
use crate::cli::failure::Failure;
use crate::cli::flags::{OUTPUT, Flag, Values, format, mfa, number, once};
use crate::sts::GetSessionToken;

pub(crate) const SPEC: Spec = Spec {
    name: "get-session-token",
    title: "get temporary credentials for an IAM user, with MFA if given",
    usage: "stskit get-session-token [--duration-seconds N] [--serial-number ARN --token-code CODE]",
    flags: FLAGS,
    tail: "The source credentials must be long-term (no AWS_SESSION_TOKEN).\n",
    build,
};

const FLAGS: &[Flag] = &[
    once(
        "duration-seconds",
        "N",
        "900-129600 (STS's default 43200; 3600 at most for root)",
    ),
    once("serial-number", "ARN", "MFA device (with --token-code)"),
    once(
        "token-code",
        "CODE",
        "six-digit MFA code (with --serial-number)",
    ),
    OUTPUT,
];

fn build(mut v: Values) -> Result<Box<dyn Command>, Failure> {
    let format = format(&mut v)?;
    let mut request = GetSessionToken::new();
    if let Some(d) = number(&mut v, "duration-seconds")? {
        request = request.with_duration_seconds(d);
    }
    if let Some((serial, code)) = mfa(&mut v)? {
        request = request.with_mfa(serial, code);
    }
    Ok(Box::new(CredentialsCall {
        op: request,
        format,
    }))
}
