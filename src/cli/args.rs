//! The argument parser: one flag table per command is the single source of the parser
//! and the help text. `--flag value` and `--flag=value`; a single-use flag given twice
//! is refused; repeatable flags collect their values in order.

use std::collections::HashMap;
use std::ffi::OsString;
use std::time::Duration;

use super::Failure;
use super::commands::{self, CommandName};

/// How a flag takes its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arity {
    /// A value, at most once.
    Once,
    /// A value, any number of times.
    Repeat,
    /// No value, at most once.
    Switch,
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
        name: "debug",
        value: "",
        arity: Arity::Switch,
        help: "print the canonical request and string to sign to\nstderr (signature, secret and token never printed)",
    },
];

pub(crate) const MAIN_HELP: &str = "\
stskit: temporary AWS credentials from STS, without the AWS SDK

Usage:
  stskit credentials [--profile NAME] [--token-code CODE] [--output FORMAT]
  stskit assume-role --role-arn ARN --role-session-name NAME [options]
  stskit assume-role-with-web-identity --role-arn ARN --role-session-name NAME
      (--web-identity-token-file PATH | --web-identity-token-env) [options]
  stskit assume-role-with-saml --role-arn ARN --principal-arn ARN
      --saml-assertion-file PATH [options]
  stskit get-session-token [--duration-seconds N] [--serial-number ARN --token-code CODE]
  stskit get-federation-token --name NAME [options]
  stskit assume-root --target-principal ID --task-policy-arn ARN [--duration-seconds N]
  stskit get-caller-identity
  stskit get-access-key-info --access-key-id ID
  stskit decode-authorization-message --encoded-message MSG
  stskit get-delegated-access-token --trade-in-token-file PATH
  stskit get-web-identity-token --audience AUD --signing-algorithm ALG [options]
  stskit get-scoped-credentials [--policy JSON] [--duration-seconds N]
  stskit help COMMAND
  stskit completions bash|zsh|fish
  stskit --help | --version

Source credentials are resolved as the AWS CLI resolves them: AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN), then web identity from
AWS_WEB_IDENTITY_TOKEN_FILE, then the profile AWS_PROFILE names (else default) in
~/.aws/config and ~/.aws/credentials; with --profile NAME, that profile only. The web
identity and SAML calls are unsigned and read none. The
region is --region, else AWS_REGION, else AWS_DEFAULT_REGION (aws-global names the
global endpoint). The endpoint follows AWS's STS endpoint rules for every partition:
--endpoint, else AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL (both ignored under
AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), else the region's endpoint, with
AWS_USE_FIPS_ENDPOINT=true, AWS_USE_DUALSTACK_ENDPOINT=true and
AWS_STS_REGIONAL_ENDPOINTS=legacy as the AWS tools read them.

The commands that return credentials print one line of credential_process JSON on
stdout (or shell exports with --output), so they can stand in ~/.aws/config as:
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

/// The help of one command, written from its table.
pub(crate) fn command_help(command: CommandName) -> String {
    let (title, usage, flags, tail) = commands::describe(command);
    let mut out = format!(
        "stskit {}: {title}\n\nUsage:\n  {usage}\n\n",
        command.name()
    );
    out.push_str("Options (each value as '--flag value' or '--flag=value'):\n");
    for flag in flags.iter().chain(COMMON) {
        let left = match flag.arity {
            Arity::Switch => format!("--{}", flag.name),
            _ => format!("--{} {}", flag.name, flag.value),
        };
        let mut lines = flag.help.lines();
        let first = lines.next().unwrap_or_default();
        let repeat = if flag.arity == Arity::Repeat {
            " (repeatable)"
        } else {
            ""
        };
        out.push_str(&format!("  {left:<28}{first}{repeat}\n"));
        for more in lines {
            out.push_str(&format!("  {:<28}{more}\n", ""));
        }
    }
    out.push('\n');
    out.push_str(tail);
    out.push_str("Exit codes: 0 success, 2 usage, 3 STS error, 4 no usable answer.\n");
    out
}

/// The values given for one command's flags.
#[derive(Debug, Default)]
pub(crate) struct Values {
    once: HashMap<&'static str, String>,
    repeated: HashMap<&'static str, Vec<String>>,
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

/// Settings shared by every command.
#[derive(Debug, Default)]
pub(crate) struct Common {
    pub(crate) profile: Option<String>,
    pub(crate) endpoint: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) debug: bool,
}

impl Common {
    fn from_values(values: &mut Values) -> Result<Common, Failure> {
        let timeout = values
            .take("timeout")
            .map(|value| {
                value
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s > 0.0 && *s <= 3600.0)
                    .map(Duration::from_secs_f64)
                    .ok_or_else(|| {
                        Failure::usage(
                            "--timeout must be a number of seconds above 0 and at most 3600",
                        )
                    })
            })
            .transpose()?;
        Ok(Common {
            profile: values.take("profile"),
            endpoint: values.take("endpoint"),
            region: values.take("region"),
            timeout,
            debug: values.switch("debug"),
        })
    }
}

/// What the command line asks for.
#[derive(Debug)]
pub(crate) enum Parsed {
    Help(String),
    Version,
    Run(Common, commands::Command),
}

fn text(arg: OsString, what: &str) -> Result<String, Failure> {
    arg.into_string()
        .map_err(|_| Failure::usage(format!("{what} is not valid UTF-8")))
}

/// Reads the flags of `command` from `args` by its table.
pub(crate) fn read_flags(
    command: CommandName,
    args: impl IntoIterator<Item = OsString>,
) -> Result<Result<Values, String>, Failure> {
    let table = commands::describe(command).2;
    let mut values = Values::default();
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let arg = text(arg, "an argument")?;
        if arg == "--help" || arg == "-h" {
            return Ok(Err(command_help(command)));
        }
        let Some(body) = arg.strip_prefix("--") else {
            return Err(Failure::usage(format!(
                "unexpected argument '{}'",
                sanitize_arg(&arg)
            )));
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_owned())),
            None => (body, None),
        };
        let Some(flag) = table.iter().chain(COMMON).find(|f| f.name == name) else {
            let known = table.iter().chain(COMMON).map(|f| f.name);
            let hint = closest(name, known)
                .map(|c| format!("; did you mean '--{c}'?"))
                .unwrap_or_default();
            return Err(Failure::usage(format!(
                "unknown option '--{}'{hint}",
                sanitize_arg(name)
            )));
        };
        let value = match (flag.arity, inline) {
            (Arity::Switch, Some(_)) => {
                return Err(Failure::usage(format!("--{} takes no value", flag.name)));
            }
            (Arity::Switch, None) => String::new(),
            (_, Some(v)) => v,
            (_, None) => match it.next() {
                Some(v) => text(v, &format!("the value of --{}", flag.name))?,
                None => return Err(Failure::usage(format!("--{} needs a value", flag.name))),
            },
        };
        match flag.arity {
            Arity::Repeat => values.repeated.entry(flag.name).or_default().push(value),
            Arity::Once | Arity::Switch => {
                if values.once.insert(flag.name, value).is_some() {
                    return Err(Failure::usage(format!("--{} given twice", flag.name)));
                }
            }
        }
    }
    Ok(Ok(values))
}

/// The known name nearest to `typed` (by edit distance, at most a third of its
/// length, at least 1, and at most 3), for a "did you mean" hint.
pub(crate) fn closest<'a>(typed: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (typed.chars().count() / 3).clamp(1, 3);
    known
        .map(|k| (edit_distance(typed, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance over characters (names are short: a row at a time).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// Parses the whole command line.
pub(crate) fn parse(argv: Vec<OsString>) -> Result<Parsed, Failure> {
    let mut it = argv.into_iter();
    let Some(first) = it.next() else {
        return Err(Failure::usage("missing command"));
    };
    let first = text(first, "the command")?;
    match first.as_str() {
        "--help" | "-h" => return Ok(Parsed::Help(MAIN_HELP.into())),
        "--version" | "-V" => return Ok(Parsed::Version),
        "completions" => {
            let shell = it.next().map(|a| text(a, "the shell")).transpose()?;
            return match shell.as_deref().and_then(super::completions::script) {
                Some(s) => Ok(Parsed::Help(s)),
                None => Err(Failure::usage(
                    "completions needs a shell: bash, zsh or fish",
                )),
            };
        }
        "help" => {
            let topic = it.next().map(|a| text(a, "the topic")).transpose()?;
            return match topic.as_deref() {
                None => Ok(Parsed::Help(MAIN_HELP.into())),
                Some(name) => match CommandName::from_name(name) {
                    Some(c) => Ok(Parsed::Help(command_help(c))),
                    None => Err(Failure::usage(format!(
                        "no help for unknown command '{}'",
                        sanitize_arg(name)
                    ))),
                },
            };
        }
        _ => {}
    }
    let Some(command) = CommandName::from_name(&first) else {
        let hint = closest(&first, commands::names())
            .map(|c| format!("; did you mean '{c}'?"))
            .unwrap_or_default();
        return Err(Failure::usage(format!(
            "unknown command '{}'{hint}",
            sanitize_arg(&first)
        )));
    };
    let mut values = match read_flags(command, it)? {
        Ok(values) => values,
        Err(help) => return Ok(Parsed::Help(help)),
    };
    let common = Common::from_values(&mut values)?;
    let run = commands::build(command, values)?;
    Ok(Parsed::Run(common, run))
}

/// An argument echoed in an error message, safe for a terminal and cut short.
pub(crate) fn sanitize_arg(s: &str) -> String {
    super::terminal_safe(s, 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    fn usage(a: &[&str]) -> String {
        match parse(args(a)) {
            Err(f) => f.message,
            Ok(p) => panic!("{a:?} parsed: {p:?}"),
        }
    }

    #[test]
    fn flags_take_values_inline_or_next_and_repeat_where_the_table_says() {
        let mut v = read_flags(
            CommandName::AssumeRole,
            args(&["--tag=a=b", "--role-arn", "r", "--tag", "c=d", "--debug"]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(v.take_all("tag"), ["a=b", "c=d"]);
        assert_eq!(v.take("role-arn").as_deref(), Some("r"));
        assert!(v.switch("debug"));
        assert!(!v.switch("debug"));
    }

    #[test]
    fn every_single_use_flag_given_twice_is_refused() {
        for command in [CommandName::AssumeRole, CommandName::GetCallerIdentity] {
            let table = commands::describe(command).2;
            for flag in table.iter().chain(COMMON) {
                if flag.arity == Arity::Repeat {
                    continue;
                }
                let one = if flag.arity == Arity::Switch {
                    vec![format!("--{}", flag.name)]
                } else {
                    vec![format!("--{}", flag.name), "v".into()]
                };
                let mut argv = vec![command.name().to_owned()];
                argv.extend(one.iter().cloned());
                argv.extend(one);
                let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
                assert!(
                    usage(&argv).starts_with(&format!("--{} given twice", flag.name)),
                    "{argv:?}"
                );
            }
        }
    }

    #[test]
    fn unknown_missing_and_malformed_flags_are_usage_errors() {
        assert!(usage(&[]).starts_with("missing command"));
        assert!(usage(&["nope"]).starts_with("unknown command 'nope'"));
        assert!(usage(&["asume-role"]).contains("did you mean 'assume-role'?"));
        assert!(usage(&["assume-role", "--rol-arn", "x"]).contains("did you mean '--role-arn'?"));
        assert!(!usage(&["assume-role", "--zzzzzz", "x"]).contains("did you mean"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert!(usage(&["get-caller-identity", "--role-arn", "x"]).starts_with("unknown option"));
        assert!(usage(&["assume-role", "--role-arn"]).starts_with("--role-arn needs a value"));
        assert!(usage(&["assume-role", "--debug=1"]).starts_with("--debug takes no value"));
        assert!(usage(&["assume-role", "stray"]).starts_with("unexpected argument 'stray'"));
        assert!(usage(&["assume-role", "--timeout", "0"]).starts_with("--timeout must be"));
        assert!(
            usage(&["assume-role", "--role-arn", "r"])
                .starts_with("assume-role needs --role-session-name")
        );
    }

    #[test]
    fn help_is_written_from_the_table() {
        for command in [CommandName::AssumeRole, CommandName::GetCallerIdentity] {
            let help = command_help(command);
            for flag in commands::describe(command).2.iter().chain(COMMON) {
                assert!(help.contains(&format!("--{}", flag.name)), "{}", flag.name);
            }
        }
        assert!(
            matches!(parse(args(&["assume-role", "--help"])), Ok(Parsed::Help(h)) if h.contains("--transitive-tag-key"))
        );
    }
}
