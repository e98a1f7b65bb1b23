//! Flags: the table entry of one flag, the values read for a command, and the flags
//! and value readers the commands share (`--output`, numbers, policies, tags, MFA,
//! secrets read from files).

use std::collections::HashMap;

use secrecy::SecretString;

use super::failure::Failure;
use super::output::Format;

/// How a flag takes its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arity {
    /// A value, at most once.
    Once,
    /// A value, any number of times.
    Repeat,
    /// No value, at most once.
    Switch,
    /// Not a flag: the command takes `-- COMMAND [ARG...]`, everything after `--`
    /// as given (the entry's `value` names it in the help).
    Rest,
}

/// One flag of a command: its name (without `--`), the value's placeholder, how it takes
/// values, and its help (lines after the first are indented under it).
#[derive(Debug)]
pub(crate) struct Flag {
    pub(crate) name: &'static str,
    pub(crate) value: &'static str,
    pub(crate) arity: Arity,
    pub(crate) help: &'static str,
}

/// The flags every command takes.
pub(crate) const COMMON: &[Flag] = &[
    Flag {
        name: "endpoint",
        value: "URL",
        arity: Arity::Once,
        help: "STS endpoint (https, or http to a loopback host)",
    },
    Flag {
        name: "profile",
        value: "NAME",
        arity: Arity::Once,
        help: "source credentials from this profile only (not the\nenvironment's keys)",
    },
    Flag {
        name: "region",
        value: "REGION",
        arity: Arity::Once,
        help: "region to call and sign for",
    },
    Flag {
        name: "timeout",
        value: "SECONDS",
        arity: Arity::Once,
        help: "overall deadline, retries included (default 30)",
    },
    Flag {
        name: "record",
        value: "DIR",
        arity: Arity::Once,
        help: "write this run's STS and source traffic to DIR, its\nsecrets replaced (also STSKIT_RECORD)",
    },
    Flag {
        name: "replay",
        value: "DIR",
        arity: Arity::Once,
        help: "answer from DIR's recording on its clock, sending\nnothing (also STSKIT_REPLAY)",
    },
    Flag {
        name: "debug",
        value: "",
        arity: Arity::Switch,
        help: "print the canonical request and string to sign to\nstderr (signature, secret and token never printed)",
    },
];

/// The values given for one command's flags.
#[derive(Debug, Default)]
pub(crate) struct Values {
    pub(crate) once: HashMap<&'static str, String>,
    pub(crate) repeated: HashMap<&'static str, Vec<String>>,
    /// How long a file a flag names may take to read (a pipe's writer to finish):
    /// the command's `--timeout`.
    pub(crate) wait: std::time::Duration,
    /// Everything after `--`, for a command that takes one ([`Arity::Rest`]).
    pub(crate) rest: Option<Vec<std::ffi::OsString>>,
}

impl Values {
    /// The value of a single-use flag, if given.
    pub(crate) fn take(&mut self, name: &str) -> Option<String> {
        self.once.remove(name)
    }
    /// The values of a repeatable flag, in order.
    pub(crate) fn take_all(&mut self, name: &str) -> Vec<String> {
        self.repeated.remove(name).unwrap_or_default()
    }
    /// Whether a switch was given.
    pub(crate) fn switch(&mut self, name: &str) -> bool {
        self.once.remove(name).is_some()
    }
}

/// A flag taking one value.
pub(crate) const fn once(name: &'static str, value: &'static str, help: &'static str) -> Flag {
    Flag {
        name,
        value,
        arity: Arity::Once,
        help,
    }
}

/// A flag taking any number of values.
pub(crate) const fn repeat(name: &'static str, value: &'static str, help: &'static str) -> Flag {
    Flag {
        name,
        value,
        arity: Arity::Repeat,
        help,
    }
}

/// The `--output` flag of commands that print credentials.
pub(crate) const OUTPUT: Flag = once(
    "output",
    "FORMAT",
    "json (credential_process, the default), env, fish,\npowershell",
);

/// The `--output` flag of commands that print JSON only.
pub(crate) const JSON_OUTPUT: Flag = once(
    "output",
    "FORMAT",
    "json (the only format; accepted for scripts)",
);

/// Reads `--output` of a command that prints JSON only.
pub(crate) fn json_only(v: &mut Values) -> Result<(), Failure> {
    match v.take("output").as_deref() {
        None | Some("json") => Ok(()),
        Some(_) => Err(Failure::usage(
            "--output: this command prints JSON only (--output json)",
        )),
    }
}

/// `--policy`, `--policy-file` and `--policy-arn`.
pub(crate) const POLICY: Flag = once("policy", "JSON", "inline session policy");
pub(crate) const POLICY_FILE: Flag = once(
    "policy-file",
    "PATH",
    "inline session policy read from a file or a pipe\n(/dev/stdin, <(...))",
);
pub(crate) const POLICY_ARN: Flag =
    repeat("policy-arn", "ARN", "managed session policy, at most 10");

/// Reads `--output`.
pub(crate) fn format(v: &mut Values) -> Result<Format, Failure> {
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
pub(crate) fn number(v: &mut Values, name: &'static str) -> Result<Option<u32>, Failure> {
    v.take(name)
        .map(|value| {
            value
                .parse::<u32>()
                .map_err(|_| Failure::usage(format!("--{name} must be a whole number")))
        })
        .transpose()
}

/// A required flag.
pub(crate) fn required(v: &mut Values, command: &str, name: &str) -> Result<String, Failure> {
    v.take(name)
        .ok_or_else(|| Failure::usage(format!("{command} needs --{name}")))
}

/// `--policy` or `--policy-file` (not both).
pub(crate) fn policy(v: &mut Values) -> Result<Option<String>, Failure> {
    match (v.take("policy"), v.take("policy-file")) {
        (Some(_), Some(_)) => Err(Failure::usage("give --policy or --policy-file, not both")),
        (Some(p), None) => Ok(Some(p)),
        (None, Some(path)) => read_policy(&path, v.wait).map(Some),
        (None, None) => Ok(None),
    }
}

/// `--tag KEY=VALUE`, split at the first `=`.
pub(crate) fn tags(v: &mut Values) -> Result<Vec<(String, String)>, Failure> {
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

fn read_policy(path: &str, wait: std::time::Duration) -> Result<String, Failure> {
    let cannot = |e: &dyn std::fmt::Display| {
        Failure::usage(format!(
            "cannot read --policy-file {}: {e}",
            super::failure::terminal_safe(path, 100)
        ))
    };
    // A regular file or a pipe (`/dev/stdin`, `<(...)`), within the cap and the
    // command's time; a device or a directory is refused.
    let bytes = crate::provider::Os::real()
        .read_file_or_pipe(std::path::Path::new(path), MAX_POLICY_FILE, wait)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::FileTooLarge => {
                Failure::usage("--policy-file is larger than 64 KiB")
            }
            _ => cannot(&e),
        })?;
    let text = String::from_utf8(bytes).map_err(|_| cannot(&"not valid UTF-8"))?;
    Ok(text.trim_end_matches(['\n', '\r']).to_owned())
}

/// A secret read from the file (or pipe) a flag names, within the command's time; the
/// error names the flag, never the content.
pub(crate) fn secret_file(
    v: &Values,
    flag: &'static str,
    path: &str,
    max: u64,
) -> Result<SecretString, Failure> {
    crate::provider::read_secret_flag_file(
        &crate::provider::Os::real(),
        flag,
        std::path::Path::new(path),
        max,
        v.wait,
    )
    .map_err(|e| Failure::usage(e.to_string()))
}

/// `--serial-number` and `--token-code`: both or neither.
pub(crate) fn mfa(v: &mut Values) -> Result<Option<(String, String)>, Failure> {
    match (v.take("serial-number"), v.take("token-code")) {
        (Some(s), Some(c)) => Ok(Some((s, c))),
        (None, None) => Ok(None),
        _ => Err(Failure::usage(
            "--serial-number and --token-code go together",
        )),
    }
}

/// `--policy`/`--policy-file` and the `--policy-arn`s.
pub(crate) fn session_policies(v: &mut Values) -> Result<(Option<String>, Vec<String>), Failure> {
    Ok((policy(v)?, v.take_all("policy-arn")))
}
