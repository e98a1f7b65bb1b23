//! Flag helpers the commands share: table entries, `--output`, numbers, policy files,
//! and secrets read from files.

use secrecy::SecretString;
use crate::provider::{read_regular_file, read_secret_file};

use crate::cli::Failure;
use crate::cli::args::{Arity, Flag, Values, sanitize_arg};
use crate::cli::output::Format;

/// A flag taking one value.
pub(super) const fn once(name: &'static str, value: &'static str, help: &'static str) -> Flag {
    Flag {
        name,
        value,
        arity: Arity::Once,
        help,
    }
}

/// A flag taking any number of values.
pub(super) const fn repeat(name: &'static str, value: &'static str, help: &'static str) -> Flag {
    Flag {
        name,
        value,
        arity: Arity::Repeat,
        help,
    }
}

/// The `--output` flag of commands that print credentials.
pub(super) const OUTPUT: Flag = once(
    "output",
    "FORMAT",
    "json (credential_process, the default), env, fish,\npowershell",
);

/// The `--output` flag of commands that print JSON only.
pub(super) const JSON_OUTPUT: Flag = once(
    "output",
    "FORMAT",
    "json (the only format; accepted for scripts)",
);

/// Reads `--output` of a command that prints JSON only.
pub(super) fn json_only(v: &mut Values) -> Result<(), Failure> {
    match v.take("output").as_deref() {
        None | Some("json") => Ok(()),
        Some(_) => Err(Failure::usage(
            "--output: this command prints JSON only (--output json)",
        )),
    }
}

/// `--policy`, `--policy-file` and `--policy-arn`.
pub(super) const POLICY: Flag = once("policy", "JSON", "inline session policy");
pub(super) const POLICY_FILE: Flag = once(
    "policy-file",
    "PATH",
    "inline session policy read from a regular file",
);
pub(super) const POLICY_ARN: Flag =
    repeat("policy-arn", "ARN", "managed session policy, at most 10");

/// Reads `--output`.
pub(super) fn format(v: &mut Values) -> Result<Format, Failure> {
    match v.take("output").as_deref() {
        None | Some("json") => Ok(Format::Json),
        Some("env") => Ok(Format::Env),
        Some("fish") => Ok(Format::Fish),
        Some("powershell") => Ok(Format::PowerShell),
        Some(_) => Err(Failure::usage(
            "--output must be json, env, fish or powershell",
        )),
    }
}

/// Reads a whole number flag (its range is the operation's check).
pub(super) fn number(v: &mut Values, name: &'static str) -> Result<Option<u32>, Failure> {
    v.take(name)
        .map(|value| {
            value
                .parse::<u32>()
                .map_err(|_| Failure::usage(format!("--{name} must be a whole number")))
        })
        .transpose()
}

/// A required flag.
pub(super) fn required(v: &mut Values, command: &str, name: &str) -> Result<String, Failure> {
    v.take(name)
        .ok_or_else(|| Failure::usage(format!("{command} needs --{name}")))
}

/// `--policy` or `--policy-file` (not both).
pub(super) fn policy(v: &mut Values) -> Result<Option<String>, Failure> {
    match (v.take("policy"), v.take("policy-file")) {
        (Some(_), Some(_)) => Err(Failure::usage("give --policy or --policy-file, not both")),
        (Some(p), None) => Ok(Some(p)),
        (None, Some(path)) => read_policy(&path).map(Some),
        (None, None) => Ok(None),
    }
}

/// `--tag KEY=VALUE`, split at the first `=`.
pub(super) fn tags(v: &mut Values) -> Result<Vec<(String, String)>, Failure> {
    v.take_all("tag")
        .into_iter()
        .map(|tag| {
            tag.split_once('=')
                .map(|(k, val)| (k.to_owned(), val.to_owned()))
                .ok_or_else(|| Failure::usage("--tag must be KEY=VALUE"))
        })
        .collect()
}

const MAX_POLICY_FILE: u64 = 64 * 1024;

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

/// A secret read from the file a flag names; the error names the flag, never the
/// content.
pub(super) fn secret_file(
    flag: &'static str,
    path: &str,
    max: u64,
) -> Result<SecretString, Failure> {
    read_secret_file(flag, std::path::Path::new(path), max)
        .map_err(|e| Failure::usage(e.to_string()))
}

/// `--serial-number` and `--token-code`: both or neither.
pub(super) fn mfa(v: &mut Values) -> Result<Option<(String, String)>, Failure> {
    match (v.take("serial-number"), v.take("token-code")) {
        (Some(s), Some(c)) => Ok(Some((s, c))),
        (None, None) => Ok(None),
        _ => Err(Failure::usage(
            "--serial-number and --token-code go together",
        )),
    }
}

/// `--policy`/`--policy-file` and the `--policy-arn`s.
pub(super) fn session_policies(v: &mut Values) -> Result<(Option<String>, Vec<String>), Failure> {
    Ok((policy(v)?, v.take_all("policy-arn")))
}
