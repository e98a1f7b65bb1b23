//! The argument parser: one flag table per command is the single source of the parser
//! and the help text. `--flag value` and `--flag=value`; a single-use flag given twice
//! is refused; repeatable flags collect their values in order.

use std::ffi::OsString;
use std::time::Duration;

use super::commands;
use super::context::{Command, Spec};
use super::failure::Failure;
use super::flags::{Arity, COMMON, Values};
use super::help::{MAIN_HELP, command_help};

/// The command's time bound without `--timeout`.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings shared by every command.
#[derive(Debug, Default)]
pub(crate) struct Common {
    pub(crate) profile: Option<String>,
    pub(crate) endpoint: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) debug: bool,
    pub(crate) record: Option<String>,
    pub(crate) replay: Option<String>,
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
            record: values.take("record"),
            replay: values.take("replay"),
        })
    }
}

/// What the command line asks for.
pub(crate) enum Parsed {
    Help(String),
    Version,
    Run(Common, Box<dyn Command>),
}

fn text(arg: OsString, what: &str) -> Result<String, Failure> {
    arg.into_string()
        .map_err(|_| Failure::usage(format!("{what} is not valid UTF-8")))
}

/// Reads the flags of `command` from `args` by its table.
pub(crate) fn read_flags(
    command: &Spec,
    args: impl IntoIterator<Item = OsString>,
) -> Result<Result<Values, String>, Failure> {
    let table = command.flags;
    let mut values = Values::default();
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        if arg == "--" {
            if !table.iter().any(|f| f.arity == Arity::Rest) {
                return Err(Failure::usage("unexpected argument '--'"));
            }
            values.rest = Some(it.collect());
            break;
        }
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
        let flags = || {
            table
                .iter()
                .chain(COMMON)
                .filter(|f| f.arity != Arity::Rest)
        };
        let Some(flag) = flags().find(|f| f.name == name) else {
            let known = flags().map(|f| f.name);
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
            Arity::Rest => {}
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
            if matches!(shell.as_deref(), Some("--help" | "-h")) {
                return Ok(Parsed::Help(super::help::COMPLETIONS_HELP.into()));
            }
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
                Some("completions") => Ok(Parsed::Help(super::help::COMPLETIONS_HELP.into())),
                Some(name) => match commands::find(name) {
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
    let Some(command) = commands::find(&first) else {
        let hint = closest(&first, commands::COMMANDS.iter().map(|c| c.name))
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
    values.wait = common.timeout.unwrap_or(DEFAULT_TIMEOUT);
    let run = (command.build)(values)?;
    Ok(Parsed::Run(common, run))
}

/// An argument echoed in an error message, safe for a terminal and cut short.
pub(crate) fn sanitize_arg(s: &str) -> String {
    super::failure::terminal_safe(s, 100)
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
            Ok(_) => panic!("{a:?} parsed"),
        }
    }

    #[test]
    fn flags_take_values_inline_or_next_and_repeat_where_the_table_says() {
        let mut v = read_flags(
            commands::find("assume-role").unwrap(),
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
        for command in commands::COMMANDS {
            let table = command.flags;
            for flag in table.iter().chain(COMMON) {
                if matches!(flag.arity, Arity::Repeat | Arity::Rest) {
                    continue;
                }
                let one = if flag.arity == Arity::Switch {
                    vec![format!("--{}", flag.name)]
                } else {
                    vec![format!("--{}", flag.name), "v".into()]
                };
                let mut argv = vec![command.name.to_owned()];
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

    #[cfg(unix)]
    #[test]
    fn only_exec_takes_a_command_after_double_dash_kept_as_given() {
        use std::os::unix::ffi::OsStringExt;
        assert!(usage(&["credentials", "--", "env"]).starts_with("unexpected argument '--'"));
        let raw = OsString::from_vec(b"arg-\xff".to_vec());
        let mut argv = args(&["exec", "--profile", "p", "--", "cmd", "--profile", "--"]);
        argv.push(raw.clone());
        let mut v = read_flags(commands::find("exec").unwrap(), argv.into_iter().skip(1))
            .unwrap()
            .unwrap();
        assert_eq!(v.take("profile").as_deref(), Some("p"));
        let rest = v.rest.unwrap();
        assert_eq!(rest[..3], args(&["cmd", "--profile", "--"])[..]);
        assert_eq!(rest[3], raw);
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
        for command in commands::COMMANDS {
            let help = command_help(command);
            for flag in command.flags.iter().chain(COMMON) {
                assert!(help.contains(&format!("--{}", flag.name)), "{}", flag.name);
            }
        }
        assert!(
            matches!(parse(args(&["assume-role", "--help"])), Ok(Parsed::Help(h)) if h.contains("--transitive-tag-key"))
        );
    }
}
