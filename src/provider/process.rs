//! `credential_process`: runs a command as the AWS CLI does (split like a POSIX shell,
//! run without one) and reads its JSON. Bounded: a timeout, stdout capped, at most the
//! first line of stderr shown (it may hold secrets), cut short and escaped.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::error::CredentialsError;
use super::error::FailureClass::{self, NoAnswer, Refused, Settings};
use super::os::Os;
use super::provide::Provided;
use crate::credentials::Credentials;

/// How long a `credential_process` may run.
pub(crate) const PROCESS_TIMEOUT: Duration = Duration::from_secs(60);
/// The most output read from it.
const MAX_OUTPUT: u64 = 64 * 1024;
/// How long the output may stay open after the command exits.
const PIPE_GRACE: Duration = Duration::from_secs(2);
/// The variable that counts nested `credential_process` runs, so a profile whose
/// process runs stskit on the same profile stops instead of recursing forever.
const DEPTH_VAR: &str = "STSKIT_CREDENTIAL_PROCESS_DEPTH";
const MAX_DEPTH: u32 = 4;

/// Splits a command line exactly as the AWS CLI does, with Python's `shlex.split` in
/// POSIX mode: white space is space, tab, CR and LF; `'...'` keeps everything; in
/// `"..."` a backslash escapes only `"` and `\\` (before any other character, `$` and
/// `` ` `` included, it stays); outside quotes a backslash makes the next character
/// literal; `#` is an ordinary character; an empty quoted word is a word. Nothing is
/// expanded.
///
/// # Errors
/// A rule when a quote is not closed, the line ends in a lone `\\`, or there is no
/// word.
pub(crate) fn split_command(line: &str) -> Result<Vec<String>, &'static str> {
    let mut words = Vec::new();
    // The word being read (`Some("")` after an empty quoted part).
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err("a single quote is not closed"),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => w.push(c),
                            Some(c) => {
                                w.push('\\');
                                w.push(c);
                            }
                            None => return Err("the command ends in a lone backslash"),
                        },
                        Some(c) => w.push(c),
                        None => return Err("a double quote is not closed"),
                    }
                }
            }
            '\\' => match chars.next() {
                Some(c) => word.get_or_insert_with(String::new).push(c),
                None => return Err("the command ends in a lone backslash"),
            },
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    if let Some(w) = word {
        words.push(w);
    }
    if words.is_empty() {
        return Err("the command is empty");
    }
    Ok(words)
}

fn fail(profile: &str, class: FailureClass, rule: impl Into<String>) -> CredentialsError {
    CredentialsError::Process {
        profile: profile.to_owned(),
        class,
        rule: rule.into(),
    }
}

/// The first line of `stderr`, cut at 200 characters and escaped for a terminal.
fn first_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let cut: String = line.chars().take(200).collect();
    let more = if line.chars().count() > 200 {
        "..."
    } else {
        ""
    };
    format!("{}{more}", crate::text::escape_for_terminal(&cut))
}

/// How deep in nested `credential_process` runs this process is (0 at the top).
///
/// # Errors
/// [`CredentialsError::Input`] when the variable is set but not UTF-8.
pub(crate) fn process_depth(os: &Os) -> Result<u32, CredentialsError> {
    Ok(os
        .env_var(DEPTH_VAR)?
        .and_then(|d| d.parse().ok())
        .unwrap_or(0))
}

/// Runs `command` for `profile` and reads its credentials. `depth` is how deep in
/// nested `credential_process` runs this one is (`STSKIT_CREDENTIAL_PROCESS_DEPTH`,
/// read with [`process_depth`]); `now` is the time the answer's `Expiration` must be
/// after.
///
/// # Errors
/// [`CredentialsError::Process`] naming the profile: the command cannot be split or
/// started, runs past the timeout, exits non-zero (with its exit code and the first
/// line of its stderr), writes more than 64 KiB, or prints something other than
/// `{"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ...}` with an optional
/// `SessionToken` and a valid, future `Expiration`.
pub(crate) fn run_credential_process(
    profile: &str,
    command: &str,
    depth: u32,
    now: OffsetDateTime,
) -> Result<Provided, CredentialsError> {
    let words = split_command(command).map_err(|r| fail(profile, Settings, r))?;
    if depth >= MAX_DEPTH {
        return Err(fail(
            profile,
            Settings,
            "credential_process runs nested too deep (does it run stskit on the same profile?)",
        ));
    }
    let mut child = Command::new(&words[0])
        .args(&words[1..])
        .env(DEPTH_VAR, (depth + 1).to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            fail(
                profile,
                Settings,
                format!("cannot start the command: {}", e.kind()),
            )
        })?;
    let (Some(out), Some(err)) = (child.stdout.take(), child.stderr.take()) else {
        let _ = child.kill();
        return Err(fail(profile, NoAnswer, "cannot read the command's output"));
    };
    // Each pipe is read on its own thread that sends what it read; the wait for it is
    // bounded, since a background child of the command may keep the pipe open. A pipe
    // is always read to its end, so the command never dies of a closed pipe: what is
    // past the cap is read and thrown away.
    let reader = |pipe: Box<dyn Read + Send>| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(drain(pipe, MAX_OUTPUT + 1));
        });
        rx
    };
    let stdout = reader(Box::new(out));
    let stderr = reader(Box::new(err));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= PROCESS_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(
                    profile,
                    NoAnswer,
                    "the command ran longer than 60 s and was stopped",
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                return Err(fail(
                    profile,
                    NoAnswer,
                    format!("cannot wait for the command: {}", e.kind()),
                ));
            }
        }
    };
    crate::trace::process_exited(profile, status.code(), started.elapsed().as_millis());
    // The command has exited: what it wrote is in the pipe already.
    let collect =
        |rx: std::sync::mpsc::Receiver<Zeroizing<Vec<u8>>>| rx.recv_timeout(PIPE_GRACE).ok();
    let Some(stdout) = collect(stdout) else {
        return Err(fail(
            profile,
            NoAnswer,
            "the command exited but its output stayed open (a background process holds it)",
        ));
    };
    let stderr = collect(stderr).unwrap_or_default();
    if !status.success() {
        let code = status
            .code()
            .map_or_else(|| "a signal".to_owned(), |c| format!("code {c}"));
        let line = first_line(&stderr);
        let tail = if line.is_empty() {
            String::new()
        } else {
            format!(": {line}")
        };
        return Err(fail(
            profile,
            Refused,
            format!("the command exited with {code}{tail}"),
        ));
    }
    if stdout.len() as u64 > MAX_OUTPUT {
        return Err(fail(
            profile,
            NoAnswer,
            "the command wrote more than 64 KiB",
        ));
    }
    parse_process_output(profile, &stdout, now)
}

/// Reads `pipe` to its end, keeping at most `cap` bytes and discarding the rest.
fn drain(mut pipe: impl Read, cap: u64) -> Zeroizing<Vec<u8>> {
    let mut kept = Zeroizing::new(Vec::new());
    let _ = (&mut pipe).take(cap).read_to_end(&mut kept);
    let mut scratch = Zeroizing::new([0u8; 8192]);
    while let Ok(n) = pipe.read(&mut scratch[..]) {
        if n == 0 {
            break;
        }
    }
    kept
}

/// Reads the JSON a `credential_process` prints.
///
/// # Errors
/// [`CredentialsError::Process`] naming the member at fault, never a value.
pub(crate) fn parse_process_output(
    profile: &str,
    stdout: &[u8],
    now: OffsetDateTime,
) -> Result<Provided, CredentialsError> {
    let value: serde_json::Value = serde_json::from_slice(stdout)
        .map_err(|_| fail(profile, NoAnswer, "the command did not print a JSON object"))?;
    let Some(obj) = value.as_object() else {
        return Err(fail(
            profile,
            NoAnswer,
            "the command did not print a JSON object",
        ));
    };
    if obj.get("Version").and_then(serde_json::Value::as_u64) != Some(1) {
        return Err(fail(profile, NoAnswer, "Version must be the number 1"));
    }
    let text = |key: &'static str| -> Result<Option<&str>, CredentialsError> {
        match obj.get(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) if !s.is_empty() => Ok(Some(s)),
            Some(_) => Err(fail(
                profile,
                NoAnswer,
                format!("{key} must be a non-empty string"),
            )),
        }
    };
    let id =
        text("AccessKeyId")?.ok_or_else(|| fail(profile, NoAnswer, "AccessKeyId is missing"))?;
    let secret = text("SecretAccessKey")?
        .ok_or_else(|| fail(profile, NoAnswer, "SecretAccessKey is missing"))?;
    let token = text("SessionToken")?;
    let expiration = match text("Expiration")? {
        None => None,
        Some(e) => Some(
            crate::date::parse_rfc3339(e)
                .ok_or_else(|| fail(profile, NoAnswer, "Expiration is not an ISO 8601 time"))?,
        ),
    };
    if expiration.is_some_and(|e| e <= now) {
        return Err(fail(
            profile,
            NoAnswer,
            "the credentials it printed have already expired",
        ));
    }
    let credentials = Credentials::new(id, secret, token.map(str::to_owned));
    let account = text("AccountId").ok().flatten();
    Ok(Provided::new(credentials, expiration, "credential_process").with_account_id(account))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A command that exits while a background child keeps its stdout open: the wait
    /// for the output is bounded (botocore would wait for the child).
    #[test]
    fn a_background_child_holding_the_pipe_does_not_hang() {
        let now = time::macros::datetime!(2030-01-01 00:00 UTC);
        let started = std::time::Instant::now();
        let err = run_credential_process("p", "/bin/sh -c 'sleep 8 & echo {}'", 0, now);
        assert!(started.elapsed() < Duration::from_secs(6));
        assert!(err.is_err());
    }

    /// A helper that logs a lot to stderr (200 KiB, line by line) before printing its
    /// credentials is not killed by a closed pipe: both pipes are read to their end.
    #[test]
    fn a_command_that_logs_past_the_cap_still_gives_its_credentials() {
        let now = time::macros::datetime!(2030-01-01 00:00 UTC);
        let json = r#"{\"Version\": 1, \"AccessKeyId\": \"AKIDLOUD\", \"SecretAccessKey\": \"s\"}"#;
        let command = format!(
            "sh -c 'i=0; while [ $i -lt 3200 ]; do echo \"log line $i: {pad}\" >&2; \
             i=$((i+1)); done; echo \"{json}\"'",
            pad = "x".repeat(50),
        );
        let p = run_credential_process("loud", &command, 0, now).unwrap();
        assert_eq!(p.credentials.access_key_id(), "AKIDLOUD");
        // Past the cap on stdout: refused, and the command still ran to its end.
        let big = "sh -c 'head -c 200000 /dev/zero | tr \"\\\\0\" x'";
        let err = run_credential_process("big", big, 0, now).unwrap_err();
        assert!(err.to_string().contains("more than 64 KiB"), "{err}");
    }

    #[test]
    fn splits_as_python_shlex_split_does() {
        assert_eq!(
            split_command(r#"/bin/tool --a 'x y' "q \"z\" \$" b\ c"#).unwrap(),
            vec!["/bin/tool", "--a", "x y", "q \"z\" \\$", "b c"]
        );
        // In double quotes only " and \ lose their backslash; # is a character; an
        // empty quoted word is a word; a backslash makes a newline literal outside quotes.
        assert_eq!(
            split_command("\"\\$HOME\\`x\\\\\" #c '' a\\\nb").unwrap(),
            vec!["\\$HOME\\`x\\", "#c", "", "a\nb"]
        );
        assert!(split_command("'open").is_err());
        assert!(split_command("  ").is_err());
    }

    #[test]
    fn output_rules_name_the_member_never_the_value() {
        let now = time::macros::datetime!(2030-01-01 00:00 UTC);
        let ok = br#"{"Version":1,"AccessKeyId":"AKID","SecretAccessKey":"s3cr3t-value","Expiration":"2031-01-01T00:00:00Z"}"#;
        let p = parse_process_output("p", ok, now).unwrap();
        assert_eq!(p.credentials.access_key_id(), "AKID");
        assert!(p.expiration.is_some());
        for (body, needle) in [
            (&br#"{"Version":"1","AccessKeyId":"A","SecretAccessKey":"s3cr3t-value"}"#[..], "Version"),
            (br#"{"Version":2,"AccessKeyId":"A","SecretAccessKey":"s3cr3t-value"}"#, "Version"),
            (br#"{"Version":1,"AccessKeyId":"A"}"#, "SecretAccessKey"),
            (br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s3cr3t-value","Expiration":"soon"}"#, "Expiration"),
            (br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s3cr3t-value","Expiration":"2020-01-01T00:00:00Z"}"#, "expired"),
            (b"s3cr3t-value", "JSON"),
        ] {
            let e = parse_process_output("p", body, now).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}");
            assert!(!e.contains("s3cr3t"), "{e}");
        }
    }
}

#[cfg(test)]
#[path = "process_tests.rs"]
mod shlex_tests;
