//! `stskit assume-role`: temporary credentials for a role.

use crate::cli::context::{Command, CredentialsCall, Spec};
use crate::cli::failure::Failure;
use crate::cli::flags::{
    OUTPUT, POLICY, POLICY_ARN, POLICY_FILE, Flag, Values, format, mfa, number, once, repeat,
    required, session_policies, tags,
};
use crate::sts::AssumeRole;

pub(crate) const SPEC: Spec = Spec {
    name: "assume-role",
    title: "assume an IAM role and print its temporary credentials",
    usage: "stskit assume-role --role-arn ARN --role-session-name NAME [options]",
    flags: FLAGS,
    tail: "",
    build,
};

const FLAGS: &[Flag] = &[
    once("role-arn", "ARN", "role to assume (required)"),
    once(
        "role-session-name",
        "NAME",
        "session name, 2-64 of [A-Za-z0-9_+=,.@-] (required)",
    ),
    once(
        "duration-seconds",
        "N",
        "900-43200 (default 3600; at most 3600 when the source\ncredentials are temporary: role chaining)",
    ),
    once(
        "external-id",
        "ID",
        "external id, 2-1224 of [A-Za-z0-9_+=,.@:/-]",
    ),
    POLICY,
    POLICY_FILE,
    POLICY_ARN,
    repeat("tag", "KEY=VALUE", "session tag, at most 50"),
    repeat("transitive-tag-key", "KEY", "transitive session tag key"),
    once("source-identity", "ID", "source identity"),
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
    let duration = number(&mut v, "duration-seconds")?;
    let role_arn = required(&mut v, "assume-role", "role-arn")?;
    let session_name = required(&mut v, "assume-role", "role-session-name")?;
    let mut request = AssumeRole::new(role_arn, session_name);
    if let Some(d) = duration {
        request = request.with_duration_seconds(d);
    }
    if let Some(e) = v.take("external-id") {
        request = request.with_external_id(e);
    }
    let (policy, arns) = session_policies(&mut v)?;
    if let Some(p) = policy {
        request = request.with_policy(p);
    }
    for arn in arns {
        request = request.with_policy_arn(arn);
    }
    for (k, val) in tags(&mut v)? {
        request = request.with_tag(k, val);
    }
    for k in v.take_all("transitive-tag-key") {
        request = request.with_transitive_tag_key(k);
    }
    if let Some(s) = v.take("source-identity") {
        request = request.with_source_identity(s);
    }
    if let Some((serial, code)) = mfa(&mut v)? {
        request = request.with_mfa(serial, code);
    }
    Ok(Box::new(CredentialsCall {
        op: request,
        format,
    }))
}
