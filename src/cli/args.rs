//! A small hand-written argument parser: `--flag value` and `--flag=value`, repeated
//! flags where documented, and help texts.

use std::ffi::OsString;
use std::time::Duration;

use stskit::sts::AssumeRole;

use super::Failure;
use super::output::Format;

pub(crate) const MAIN_HELP: &str = "\
stskit: temporary AWS credentials from STS, without the AWS SDK

Usage:
  stskit assume-role --role-arn ARN --role-session-name NAME [options]
  stskit get-caller-identity [--endpoint URL] [--region REGION]
  stskit help [assume-role | get-caller-identity]
  stskit --help | --version

Source credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the optional
AWS_SESSION_TOKEN. The region is --region, else AWS_REGION, else AWS_DEFAULT_REGION;
the endpoint is --endpoint, else AWS_ENDPOINT_URL_STS, else the regional STS endpoint
(the global one, signed for us-east-1, when there is no region).

assume-role prints one line of credential_process JSON on stdout, so it can stand in
~/.aws/config as:
  credential_process = stskit assume-role --role-arn arn:aws:iam::123456789012:role/r --role-session-name me

Exit codes:
  0  success
  2  usage or configuration error (missing or invalid flag, missing source credentials,
     an environment variable that is not valid UTF-8, a refused endpoint)
  3  STS answered with an error (AccessDenied, ExpiredToken, ...)
  4  no usable answer (connection, certificate, proxy, timeout, deadline, redirect,
     oversized or malformed response, HTTP error without an STS error document), or
     the answer could not be written to stdout
On failure stdout stays empty and stderr says why, in one or two lines.
";

pub(crate) const ASSUME_ROLE_HELP: &str = "\
stskit assume-role: assume an IAM role and print its temporary credentials

Usage:
  stskit assume-role --role-arn ARN --role-session-name NAME [options]

Options (each takes a value, as '--flag value' or '--flag=value'):
  --role-arn ARN              role to assume (required)
  --role-session-name NAME    session name, 2-64 of [A-Za-z0-9_+=,.@-] (required)
  --duration-seconds N        900-43200 (default 3600; at most 3600 when the source
                              credentials are temporary: role chaining)
  --external-id ID            external id, 2-1224 of [A-Za-z0-9_+=,.@:/-]
  --policy JSON               inline session policy
  --policy-file PATH          inline session policy read from a file
  --policy-arn ARN            managed session policy (repeatable, at most 10)
  --tag KEY=VALUE             session tag (repeatable, at most 50)
  --transitive-tag-key KEY    transitive session tag key (repeatable)
  --source-identity ID        source identity
  --serial-number ARN         MFA device (with --token-code)
  --token-code CODE           six-digit MFA code (with --serial-number)
  --endpoint URL              STS endpoint (https, or http to a loopback host)
  --region REGION             region to call and sign for
  --output FORMAT             json (credential_process, the default), env, fish,
                              powershell
  --timeout SECONDS           overall deadline, retries included (default 30)
  --debug                     print the canonical request and string to sign to
                              stderr (signature, secret and token never printed)

Exit codes: 0 success, 2 usage, 3 STS error, 4 no usable answer.
";

pub(crate) const GET_CALLER_IDENTITY_HELP: &str = "\
stskit get-caller-identity: print who the source credentials belong to

Usage:
  stskit get-caller-identity [--endpoint URL] [--region REGION] [--timeout SECONDS] [--debug]

Prints {\"UserId\":...,\"Account\":...,\"Arn\":...} as one line of JSON.
Exit codes: 0 success, 2 usage, 3 STS error, 4 no usable answer.
";

/// Settings shared by every command.
#[derive(Debug, Default)]
pub(crate) struct Common {
    pub(crate) endpoint: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) debug: bool,
}

#[derive(Debug)]
pub(crate) enum Command {
    AssumeRole(Box<AssumeRole>, Format),
    GetCallerIdentity,
}

#[derive(Debug)]
pub(crate) enum Parsed {
    Help(String),
    Version,
    Run(Common, Command),
}

const MAX_POLICY_FILE: u64 = 64 * 1024;

fn text(arg: OsString, what: &str) -> Result<String, Failure> {
    arg.into_string()
        .map_err(|_| Failure::usage(format!("{what} is not valid UTF-8")))
}

pub(crate) fn parse(argv: Vec<OsString>) -> Result<Parsed, Failure> {
    let mut it = argv.into_iter();
    let Some(first) = it.next() else {
        return Err(Failure::usage("missing command"));
    };
    let first = text(first, "the command")?;
    match first.as_str() {
        "--help" | "-h" => return Ok(Parsed::Help(MAIN_HELP.into())),
        "--version" | "-V" => return Ok(Parsed::Version),
        "help" => {
            return match it
                .next()
                .map(|a| text(a, "the topic"))
                .transpose()?
                .as_deref()
            {
                None => Ok(Parsed::Help(MAIN_HELP.into())),
                Some("assume-role") => Ok(Parsed::Help(ASSUME_ROLE_HELP.into())),
                Some("get-caller-identity") => Ok(Parsed::Help(GET_CALLER_IDENTITY_HELP.into())),
                Some(other) => Err(Failure::usage(format!(
                    "no help for unknown command '{}'",
                    sanitize_arg(other)
                ))),
            };
        }
        "assume-role" | "get-caller-identity" => {}
        other => {
            return Err(Failure::usage(format!(
                "unknown command '{}'",
                sanitize_arg(other)
            )));
        }
    }
    let assume = first == "assume-role";

    let mut common = Common::default();
    let mut role_arn = None;
    let mut session_name = None;
    let mut duration = None;
    let mut external_id = None;
    let mut policy: Option<String> = None;
    let mut policy_file: Option<String> = None;
    let mut policy_arns = Vec::new();
    let mut tags = Vec::new();
    let mut transitive = Vec::new();
    let mut source_identity = None;
    let mut serial = None;
    let mut token_code = None;
    let mut timeout = None;
    let mut output = None;

    while let Some(arg) = it.next() {
        let arg = text(arg, "an argument")?;
        if arg == "--help" || arg == "-h" {
            return Ok(Parsed::Help(
                if assume {
                    ASSUME_ROLE_HELP
                } else {
                    GET_CALLER_IDENTITY_HELP
                }
                .into(),
            ));
        }
        if arg == "--debug" {
            if std::mem::replace(&mut common.debug, true) {
                return Err(Failure::usage("--debug given twice"));
            }
            continue;
        }
        let Some(flag_body) = arg.strip_prefix("--") else {
            return Err(Failure::usage(format!(
                "unexpected argument '{}'",
                sanitize_arg(&arg)
            )));
        };
        let (name, inline) = match flag_body.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (flag_body.to_owned(), None),
        };
        let flag = format!("--{name}");
        let known_common = matches!(name.as_str(), "endpoint" | "region" | "timeout");
        let known_assume = matches!(
            name.as_str(),
            "role-arn"
                | "role-session-name"
                | "duration-seconds"
                | "external-id"
                | "policy"
                | "policy-file"
                | "policy-arn"
                | "tag"
                | "transitive-tag-key"
                | "source-identity"
                | "serial-number"
                | "token-code"
                | "output"
        );
        if !(known_common || (assume && known_assume)) {
            return Err(Failure::usage(format!(
                "unknown option '{}'",
                sanitize_arg(&flag)
            )));
        }
        let value = match inline {
            Some(v) => v,
            None => match it.next() {
                Some(v) => text(v, &format!("the value of {flag}"))?,
                None => return Err(Failure::usage(format!("{flag} needs a value"))),
            },
        };
        let once = |slot: &mut Option<String>, v: String| -> Result<(), Failure> {
            if slot.is_some() {
                return Err(Failure::usage(format!("{flag} given twice")));
            }
            *slot = Some(v);
            Ok(())
        };
        match name.as_str() {
            "endpoint" => once(&mut common.endpoint, value)?,
            "region" => once(&mut common.region, value)?,
            "timeout" => once(&mut timeout, value)?,
            "role-arn" => once(&mut role_arn, value)?,
            "role-session-name" => once(&mut session_name, value)?,
            "duration-seconds" => once(&mut duration, value)?,
            "external-id" => once(&mut external_id, value)?,
            "policy" => once(&mut policy, value)?,
            "policy-file" => once(&mut policy_file, value)?,
            "policy-arn" => policy_arns.push(value),
            "tag" => {
                let (k, v) = value
                    .split_once('=')
                    .ok_or_else(|| Failure::usage("--tag must be KEY=VALUE"))?;
                tags.push((k.to_owned(), v.to_owned()));
            }
            "transitive-tag-key" => transitive.push(value),
            "source-identity" => once(&mut source_identity, value)?,
            "serial-number" => once(&mut serial, value)?,
            "token-code" => once(&mut token_code, value)?,
            "output" => once(&mut output, value)?,
            _ => unreachable!("checked above"),
        }
    }

    // Every single-use option went through `once` above; values are read after the
    // loop, so a repeated option is refused before its value is judged.
    if let Some(value) = timeout {
        let secs: f64 = value
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s <= 3600.0)
            .ok_or_else(|| {
                Failure::usage("--timeout must be a number of seconds above 0 and at most 3600")
            })?;
        common.timeout = Some(Duration::from_secs_f64(secs));
    }
    let format = match output.as_deref() {
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
    let duration = duration
        .map(|value| {
            value.parse::<u32>().map_err(|_| {
                Failure::usage("--duration-seconds must be a whole number of seconds (900-43200)")
            })
        })
        .transpose()?;
    if !assume {
        return Ok(Parsed::Run(common, Command::GetCallerIdentity));
    }
    let role_arn = role_arn.ok_or_else(|| Failure::usage("assume-role needs --role-arn"))?;
    let session_name =
        session_name.ok_or_else(|| Failure::usage("assume-role needs --role-session-name"))?;
    let mut request = AssumeRole::new(role_arn, session_name);
    if let Some(d) = duration {
        request = request.with_duration_seconds(d);
    }
    if let Some(e) = external_id {
        request = request.with_external_id(e);
    }
    match (policy, policy_file) {
        (Some(_), Some(_)) => {
            return Err(Failure::usage("give --policy or --policy-file, not both"));
        }
        (Some(p), None) => request = request.with_policy(p),
        (None, Some(path)) => request = request.with_policy(read_policy(&path)?),
        (None, None) => {}
    }
    for arn in policy_arns {
        request = request.with_policy_arn(arn);
    }
    for (k, v) in tags {
        request = request.with_tag(k, v);
    }
    for k in transitive {
        request = request.with_transitive_tag_key(k);
    }
    if let Some(s) = source_identity {
        request = request.with_source_identity(s);
    }
    match (serial, token_code) {
        (Some(s), Some(c)) => request = request.with_mfa(s, c),
        (None, None) => {}
        _ => {
            return Err(Failure::usage(
                "--serial-number and --token-code go together",
            ));
        }
    }
    Ok(Parsed::Run(
        common,
        Command::AssumeRole(Box::new(request), format),
    ))
}

fn read_policy(path: &str) -> Result<String, Failure> {
    let cannot = |e: &dyn std::fmt::Display| {
        Failure::usage(format!(
            "cannot read --policy-file {}: {e}",
            sanitize_arg(path)
        ))
    };
    // A regular file only: a FIFO or a device would block or stream without end.
    let bytes = stskit::provider::read_regular_file(std::path::Path::new(path), MAX_POLICY_FILE)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::FileTooLarge => {
                Failure::usage("--policy-file is larger than 64 KiB")
            }
            _ => cannot(&e),
        })?;
    let text = String::from_utf8(bytes).map_err(|_| cannot(&"not valid UTF-8"))?;
    Ok(text.trim_end_matches(['\n', '\r']).to_owned())
}

/// An argument echoed in an error message, safe for a terminal and cut short.
fn sanitize_arg(s: &str) -> String {
    super::terminal_safe(s, 100)
}
