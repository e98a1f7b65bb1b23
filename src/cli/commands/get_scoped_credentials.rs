//! `stskit get-scoped-credentials`: credentials scoped down from the caller's own.

use crate::cli::context::{Command, CredentialsCall, Spec};
use crate::cli::failure::Failure;
use crate::cli::flags::{OUTPUT, POLICY, POLICY_FILE, Flag, Values, format, number, once, policy};
use crate::sts::GetScopedCredentials;

pub(crate) const SPEC: Spec = Spec {
    name: "get-scoped-credentials",
    title: "get credentials scoped down from the caller's temporary ones",
    usage: "stskit get-scoped-credentials [--policy JSON | --policy-file PATH] [--duration-seconds N]\n      [--scoped-session-description TEXT]",
    flags: FLAGS,
    tail: "The source credentials must be temporary (with AWS_SESSION_TOKEN).\n",
    build,
};

const FLAGS: &[Flag] = &[
    POLICY,
    POLICY_FILE,
    once(
        "duration-seconds",
        "N",
        "1-129600 (STS's default: the caller's remaining time)",
    ),
    once(
        "scoped-session-description",
        "TEXT",
        "2-256 characters describing the session",
    ),
    OUTPUT,
];

fn build(mut v: Values) -> Result<Box<dyn Command>, Failure> {
    let format = format(&mut v)?;
    let mut request = GetScopedCredentials::new();
    if let Some(p) = policy(&mut v)? {
        request = request.with_policy(p);
    }
    if let Some(d) = number(&mut v, "duration-seconds")? {
        request = request.with_duration_seconds(d);
    }
    if let Some(t) = v.take("scoped-session-description") {
        request = request.with_scoped_session_description(t);
    }
    Ok(Box::new(CredentialsCall {
        op: request,
        format,
    }))
}
