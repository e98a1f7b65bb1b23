//! `stskit assume-role`: temporary credentials for a role.

use stskit::provider::read_regular_file;
use stskit::sts::AssumeRole;

use super::super::Failure;
use super::super::args::{Arity, Flag, Values, sanitize_arg};
use super::super::output::Format;
use super::Command;

pub(super) const TITLE: &str = "assume an IAM role and print its temporary credentials";
pub(super) const USAGE: &str =
    "stskit assume-role --role-arn ARN --role-session-name NAME [options]";
pub(super) const TAIL: &str = "";

const fn once(name: &'static str, value: &'static str, help: &'static str) -> Flag {
    Flag {
        name,
        value,
        arity: Arity::Once,
        help,
    }
}

const fn repeat(name: &'static str, value: &'static str, help: &'static str) -> Flag {
    Flag {
        name,
        value,
        arity: Arity::Repeat,
        help,
    }
}

pub(super) const FLAGS: &[Flag] = &[
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
    once("policy", "JSON", "inline session policy"),
    once(
        "policy-file",
        "PATH",
        "inline session policy read from a regular file",
    ),
    repeat("policy-arn", "ARN", "managed session policy, at most 10"),
    repeat("tag", "KEY=VALUE", "session tag, at most 50"),
    repeat("transitive-tag-key", "KEY", "transitive session tag key"),
    once("source-identity", "ID", "source identity"),
    once("serial-number", "ARN", "MFA device (with --token-code)"),
    once(
        "token-code",
        "CODE",
        "six-digit MFA code (with --serial-number)",
    ),
    once(
        "output",
        "FORMAT",
        "json (credential_process, the default), env, fish,\npowershell",
    ),
];

const MAX_POLICY_FILE: u64 = 64 * 1024;

pub(super) fn build(mut v: Values) -> Result<Command, Failure> {
    let format = match v.take("output").as_deref() {
        None | Some("json") => Format::Json,
        Some("env") => Format::Env,
        Some("fish") => Format::Fish,
        Some("powershell") => Format::PowerShell,
        Some(_) => {
            return Err(Failure::usage(
                "--output must be json, env, fish or powershell",
            ));
        }
    };
    let duration = v
        .take("duration-seconds")
        .map(|value| {
            value.parse::<u32>().map_err(|_| {
                Failure::usage("--duration-seconds must be a whole number of seconds (900-43200)")
            })
        })
        .transpose()?;
    let role_arn = v
        .take("role-arn")
        .ok_or_else(|| Failure::usage("assume-role needs --role-arn"))?;
    let session_name = v
        .take("role-session-name")
        .ok_or_else(|| Failure::usage("assume-role needs --role-session-name"))?;
    let mut request = AssumeRole::new(role_arn, session_name);
    if let Some(d) = duration {
        request = request.with_duration_seconds(d);
    }
    if let Some(e) = v.take("external-id") {
        request = request.with_external_id(e);
    }
    match (v.take("policy"), v.take("policy-file")) {
        (Some(_), Some(_)) => {
            return Err(Failure::usage("give --policy or --policy-file, not both"));
        }
        (Some(p), None) => request = request.with_policy(p),
        (None, Some(path)) => request = request.with_policy(read_policy(&path)?),
        (None, None) => {}
    }
    for arn in v.take_all("policy-arn") {
        request = request.with_policy_arn(arn);
    }
    for tag in v.take_all("tag") {
        let (k, val) = tag
            .split_once('=')
            .ok_or_else(|| Failure::usage("--tag must be KEY=VALUE"))?;
        request = request.with_tag(k, val);
    }
    for k in v.take_all("transitive-tag-key") {
        request = request.with_transitive_tag_key(k);
    }
    if let Some(s) = v.take("source-identity") {
        request = request.with_source_identity(s);
    }
    match (v.take("serial-number"), v.take("token-code")) {
        (Some(s), Some(c)) => request = request.with_mfa(s, c),
        (None, None) => {}
        _ => {
            return Err(Failure::usage(
                "--serial-number and --token-code go together",
            ));
        }
    }
    Ok(Command::AssumeRole(Box::new(request), format))
}

fn read_policy(path: &str) -> Result<String, Failure> {
    let cannot = |e: &dyn std::fmt::Display| {
        Failure::usage(format!(
            "cannot read --policy-file {}: {e}",
            sanitize_arg(path)
        ))
    };
    // A regular file only: a FIFO or a device would block or stream without end.
    let bytes =
        read_regular_file(std::path::Path::new(path), MAX_POLICY_FILE).map_err(|e| {
            match e.kind() {
                std::io::ErrorKind::FileTooLarge => {
                    Failure::usage("--policy-file is larger than 64 KiB")
                }
                _ => cannot(&e),
            }
        })?;
    let text = String::from_utf8(bytes).map_err(|_| cannot(&"not valid UTF-8"))?;
    Ok(text.trim_end_matches(['\n', '\r']).to_owned())
}
