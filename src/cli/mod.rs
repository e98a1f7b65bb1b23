//! The `stskit` binary: argument parsing, the commands, and output formatting. It
//! lives in the library (feature `cli`) so it shares the library's private helpers;
//! its one public item is [`main`], which `src/main.rs` calls.
//!
//! Nothing but the answer ever goes to stdout, and nothing at all on failure; exit
//! codes and messages are the `failure` module's. No output call here can panic: with stderr
//! closed the message is lost and the exit code still tells. (A descriptor 0, 1 or 2
//! closed at start is reopened on `/dev/null` by the Rust runtime before `main`, so no
//! socket can take its number.)

mod args;
mod child;
mod commands;
mod completions;
mod context;
#[cfg(feature = "tracing")]
mod debug_trace;
mod failure;
mod file_cache;
mod flags;
mod help;
mod output;
mod recording;
mod serving;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use crate::Config;
use crate::client::ClientConfig;
use args::{Common, Parsed};
use context::{Context, Outcome};
use failure::{EXIT_NO_ANSWER, Failure, say, terminal_safe};

/// Runs the command line `args` (without the program name): the answer on stdout, a
/// message on stderr, and the exit code.
pub fn main(args: Vec<std::ffi::OsString>) -> ExitCode {
    match run(args) {
        Ok(Outcome::Exit(code)) => ExitCode::from(code),
        Ok(Outcome::Print(out)) => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout
                .write_all(out.as_bytes())
                .and_then(|_| stdout.flush())
            {
                say(&format!("stskit: cannot write the answer to stdout: {e}"));
                return ExitCode::from(EXIT_NO_ANSWER);
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            say(&format!("stskit: {}", failure.message));
            ExitCode::from(failure.code)
        }
    }
}

/// Parses, checks the parameters, reads the settings once, and runs the command.
fn run(argv: Vec<std::ffi::OsString>) -> Result<Outcome, Failure> {
    let (common, command) = match args::parse(argv)? {
        Parsed::Help(text) => return Ok(Outcome::Print(text)),
        Parsed::Version => {
            return Ok(Outcome::Print(format!(
                "stskit {}\n",
                env!("CARGO_PKG_VERSION")
            )));
        }
        Parsed::Run(common, command) => (common, command),
    };
    // The parameters are checked first, before any file or variable is read.
    command.check().map_err(|e| Failure::parameter(&e))?;
    let config = settings(&common, command.token_code())?;
    let mode = recording::mode(&common, config.os())?;
    recording::start(mode, config.os(), command.long_running())?;
    let ctx = Context::new(config, common.debug);
    ctx.debug(|| summary(ctx.config()));
    let outcome = command.run(&ctx);
    // The recording is written whatever the outcome (a refusal is worth replaying).
    match (outcome, recording::finish()) {
        (outcome, Ok(())) => outcome,
        (Ok(_), Err(failure)) => Err(failure),
        (Err(failure), Err(unsaved)) => {
            say(&format!("stskit: {}", unsaved.message));
            Err(failure)
        }
    }
}

/// The settings in force, for `--debug`: the profile and how it was chosen, the region,
/// the STS endpoint (or why there is none).
fn summary(config: &Config) -> String {
    use crate::provider::ProfileChoice;
    let chosen = match config.profile_choice() {
        ProfileChoice::Explicit => "--profile",
        ProfileChoice::Environment => "AWS_PROFILE or AWS_DEFAULT_PROFILE",
        _ => "nobody: the default",
    };
    let endpoint = match config.endpoint() {
        Ok(e) => format!("{} (signed for {})", e.url(), e.signing_region()),
        Err(e) => format!("none ({e})"),
    };
    format!(
        "profile \"{}\" (named by {chosen}); region {}; STS endpoint {endpoint}",
        terminal_safe(config.profile(), 100),
        config
            .region()
            .map_or("none".into(), |r| terminal_safe(r, 40))
    )
}

/// The settings of the command line: `--profile`, `--region`, `--endpoint`, the
/// deadline, `--debug`, and the MFA code for the chain's roles (`--token-code`, else
/// asked on the terminal).
fn settings(common: &Common, token_code: Option<&str>) -> Result<Config, Failure> {
    let deadline = common.timeout.unwrap_or(args::DEFAULT_TIMEOUT);
    let mut builder = Config::builder()
        .client_config(
            ClientConfig::default()
                .with_deadline(deadline)
                .with_attempt_timeout(deadline.min(Duration::from_secs(10))),
        )
        .mfa(mfa_callback(token_code.map(str::to_owned)));
    if let Some(p) = &common.profile {
        builder = builder.profile(p);
    }
    if let Some(r) = &common.region {
        builder = builder.region(r);
    }
    if let Some(e) = &common.endpoint {
        builder = builder.endpoint_url(e);
    }
    if common.debug {
        #[cfg(feature = "tracing")]
        debug_trace::install();
        builder = builder
            .signing_observer(|out| {
                say(&format!(
                    "stskit: canonical request (secrets redacted):\n{}\nstskit: string to sign:\n{}",
                    out.canonical_request(),
                    out.string_to_sign()
                ));
            })
            .attempt_observer(|report| say(&format!("stskit: debug: {report}")));
    }
    builder.load().map_err(Failure::from)
}

/// The MFA code: `--token-code` when given, else asked on the terminal (never on
/// stdout), else none (the chain then fails with exit 2).
fn mfa_callback(
    token_code: Option<String>,
) -> impl Fn(&str) -> Option<SecretString> + Send + Sync + 'static {
    let token_code = Arc::new(token_code);
    move |serial: &str| match &*token_code {
        Some(code) => Some(SecretString::from(code.clone())),
        None => prompt_on_terminal(serial),
    }
}

fn prompt_on_terminal(serial: &str) -> Option<SecretString> {
    use std::io::{BufRead, Write};
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    let mut out = tty.try_clone().ok()?;
    write!(out, "Enter MFA code for {}: ", terminal_safe(serial, 256)).ok()?;
    out.flush().ok()?;
    // Read without echo, as the AWS CLI does (`stty` on the terminal itself; where it
    // cannot, the code is read as typed).
    let quiet = Echo::off(&tty);
    let mut line = zeroize::Zeroizing::new(String::new());
    let read = std::io::BufReader::new(&tty).read_line(&mut line);
    drop(quiet);
    let _ = writeln!(out);
    read.ok()?;
    let code = line.trim();
    (!code.is_empty()).then(|| SecretString::from(code))
}

/// The terminal's echo, off while this lives (`stty -echo`, then `stty echo`).
struct Echo<'a>(Option<&'a std::fs::File>);

impl<'a> Echo<'a> {
    fn off(tty: &'a std::fs::File) -> Echo<'a> {
        Echo(stty(tty, "-echo").then_some(tty))
    }
}

impl Drop for Echo<'_> {
    fn drop(&mut self) {
        if let Some(tty) = self.0 {
            stty(tty, "echo");
        }
    }
}

/// Runs `stty SETTING` on the terminal `tty`; whether it worked.
fn stty(tty: &std::fs::File, setting: &str) -> bool {
    let Ok(input) = tty.try_clone() else {
        return false;
    };
    std::process::Command::new("stty")
        .arg(setting)
        .stdin(input)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
