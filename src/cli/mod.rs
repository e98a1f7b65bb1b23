//! The `stskit` binary: argument parsing, the calls, and output formatting. It lives in
//! the library (feature `cli`) so it shares the library's private helpers; its one
//! public item is [`main`], which `src/main.rs` calls.
//!
//! Exit codes: 0 success; 2 usage or configuration error; 3 STS answered with an
//! error; 4 no usable answer (connection, timeout, redirect, oversized or malformed),
//! or the answer could not be written to stdout. Nothing but the answer ever goes to
//! stdout, and nothing at all on failure. No output call here can panic: with stderr
//! closed the message is lost and the exit code still tells. (A descriptor 0, 1 or 2
//! closed at start is reopened on `/dev/null` by the Rust runtime before `main`, so
//! no socket can take its number.)

mod args;
mod commands;
mod completions;
#[cfg(feature = "tracing")]
mod debug_trace;
mod file_cache;
mod output;
mod source;

use std::process::ExitCode;
use std::time::Duration;

use crate::Error;
use crate::client::{ClientConfig, StsClient, SystemClock};
use crate::error::InputError;
use crate::provider::{self, StsRunner};
use crate::sts::{CredentialsOutput, GetCallerIdentity};
use crate::transport::ReqwestTransport;

pub(crate) use args::Parsed;
pub(crate) use commands::Command;

/// Usage or configuration error.
pub(crate) const EXIT_USAGE: u8 = 2;
/// STS answered with an error.
pub(crate) const EXIT_STS_ERROR: u8 = 3;
/// No usable answer.
pub(crate) const EXIT_NO_ANSWER: u8 = 4;

/// Why the command failed: the exit code and one or two lines for stderr.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl Failure {
    /// A mistake on the command line: the message and a pointer to `--help`.
    pub(crate) fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: EXIT_USAGE,
            message: format!("{}\nTry 'stskit --help'.", message.into()),
        }
    }

    /// A configuration error (exit 2 too): the message alone, since `--help` would not
    /// help and a `credential_process` caller shows the whole text.
    pub(crate) fn config(message: impl Into<String>) -> Failure {
        Failure {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }
}

/// The one sanitizer for text that did not come from this program (a server's
/// message, an argument echoed back): everything but printable ASCII is escaped (see
/// [`crate::error::escape_for_terminal`]: no control, bidirectional or zero-width
/// character reaches the terminal), then the text is cut at `max` characters.
pub(crate) fn terminal_safe(s: &str, max: usize) -> String {
    let safe = crate::error::escape_for_terminal(s);
    if safe.len() <= max {
        return safe.into_owned();
    }
    // Escaped text is ASCII, so any byte index is a character boundary.
    format!("{}...", &safe[..max])
}

/// Writes one message to stderr. Never panics: with stderr closed or a broken pipe
/// the message is lost, and the exit code still says what happened.
pub(crate) fn say(message: &str) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = err
        .write_all(message.as_bytes())
        .and_then(|_| err.write_all(b"\n"));
}

/// Whose fault a library error is: the caller's (2), STS's answer (3), or no usable
/// answer (4).
fn exit_code(err: &Error) -> u8 {
    use crate::error::TransportErrorKind;
    match err {
        Error::InvalidInput(_) => EXIT_USAGE,
        Error::Transport(t) if t.kind() == TransportErrorKind::Refused => EXIT_USAGE,
        Error::Service(_) => EXIT_STS_ERROR,
        _ => EXIT_NO_ANSWER,
    }
}

fn describe(err: &Error) -> Failure {
    let code = exit_code(err);
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    let mut depth = 0;
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
        depth += 1;
        if depth == 3 {
            break;
        }
    }
    let mut message = terminal_safe(&message, 600);
    if let Some(advice) = err.advice() {
        message.push_str("\nstskit: hint: ");
        message.push_str(advice);
    }
    Failure { code, message }
}

fn input_failure(e: InputError) -> Failure {
    Failure::config(e.to_string())
}

/// What one command's call needs: the runtime, the client and the source.
struct Run<'a> {
    runtime: &'a tokio::runtime::Runtime,
    client: &'a StsClient<ReqwestTransport, SystemClock>,
    source: Option<&'a crate::Credentials>,
}

impl Run<'_> {
    /// Sends a call that returns credentials and prints them in `format`.
    fn credentials<O>(&self, op: &O, format: output::Format) -> Result<String, Failure>
    where
        O: crate::sts::Operation,
        O::Output: CredentialsOutput,
    {
        let out = call(self.runtime, self.client.send(self.source, op))?;
        output::credentials(out.credentials(), format)
    }
}

/// Runs one call to its end on the command's runtime.
fn call<T>(
    runtime: &tokio::runtime::Runtime,
    f: impl std::future::Future<Output = Result<T, Error>>,
) -> Result<T, Failure> {
    runtime.block_on(f).map_err(|e| describe(&e))
}

/// Runs the command line `args` (without the program name): the answer on stdout, a
/// message on stderr, and the exit code.
pub fn main(args: Vec<std::ffi::OsString>) -> ExitCode {
    match run(args) {
        Ok(out) => {
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

/// Runs the command line and returns what goes to stdout.
fn run(argv: Vec<std::ffi::OsString>) -> Result<String, Failure> {
    let parsed = args::parse(argv)?;
    let (common, command) = match parsed {
        Parsed::Help(text) => return Ok(text),
        Parsed::Version => return Ok(format!("stskit {}\n", env!("CARGO_PKG_VERSION"))),
        Parsed::Run(common, command) => (common, command),
    };
    // The parameters are checked first, whichever credentials they will be sent with
    // (the send checks again with the real ones).
    if let (Err(e), Err(_)) = (
        command.validate_chained(false),
        command.validate_chained(true),
    ) {
        return Err(input_failure(e));
    }
    let set = provider::load_profiles().map_err(|e| source::chain_failure(e.into()))?;
    let (profile, named) = provider::selected_profile(common.profile.as_deref())
        .map_err(|e| source::chain_failure(e.into()))?;
    let params = provider::endpoint_params_for_profile(
        common.endpoint.as_deref(),
        common.region.as_deref(),
        &set,
        &profile,
    )
    .map_err(|e| source::chain_failure(e.into()))?;
    // An endpoint that cannot be resolved is an error only when a call needs it:
    // static keys from a profile need no region.
    let endpoint = crate::sts::Endpoint::from_params(&params);
    // Credentials that need no call (keys in the environment, static keys of a
    // profile) are printed without starting the transport or the runtime.
    if let Command::Credentials(_, format, _) = &command
        && let Some(answer) =
            provider::default_chain_without_calls(&set, &profile, common.profile.is_some(), named)
    {
        return output::provided(&answer.map_err(source::chain_failure)?, *format);
    }
    // The AWS CLI's file cache is read before the transport starts: a hit is printed
    // without any call.
    let pending = match &command {
        Command::Credentials(_, format, Some(dir)) => {
            match file_cache::before(dir, &set, &profile, common.profile.is_some())? {
                file_cache::Before::Hit(c) => return output::credentials(&c.credentials, *format),
                file_cache::Before::After(p) => p,
            }
        }
        _ => None,
    };
    let deadline = common.timeout.unwrap_or(Duration::from_secs(30));
    let attempt = deadline.min(Duration::from_secs(10));
    let transport_config = provider::transport_config_from_env().map_err(input_failure)?;
    // The attempt timeout is the client's (it bounds any transport); the transport
    // keeps its own default only as a backstop.
    let transport = ReqwestTransport::new(transport_config);
    let client = endpoint.map(|endpoint| {
        let client = StsClient::with_transport(endpoint, transport, SystemClock).with_config(
            ClientConfig::default()
                .with_deadline(deadline)
                .with_attempt_timeout(attempt),
        );
        #[cfg(feature = "tracing")]
        if common.debug {
            debug_trace::install();
        }
        if !common.debug {
            return client;
        }
        client.with_signing_observer(|out| {
            say(&format!(
                "stskit: canonical request (secrets redacted):\n{}\nstskit: string to sign:\n{}",
                out.canonical_request(),
                out.string_to_sign()
            ));
        })
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure {
            code: EXIT_NO_ANSWER,
            message: format!("cannot start the async runtime: {e}"),
        })?;
    // Unsigned calls read no source credentials at all.
    let needs_source = command.signed() || matches!(command, Command::Credentials(..));
    let token_code = match &command {
        Command::Credentials(code, ..) => code.clone(),
        _ => None,
    };
    let now = time::OffsetDateTime::now_utc();
    let runner = match client {
        Ok(client) => StsRunner::new(client, now),
        Err(e) => StsRunner::without_client(e, now),
    }
    .with_mfa(source::mfa_callback(token_code))
    .with_profile_settings(set.profile(&profile).map(std::borrow::Cow::into_owned));
    if let Command::Credentials(_, format, Some(_)) = &command {
        let outcome = runtime
            .block_on(provider::default_chain_session(
                &runner,
                &set,
                &profile,
                common.profile.is_some(),
                named,
            ))
            .map_err(source::chain_failure);
        return match file_cache::after(pending, outcome)? {
            file_cache::Printable::Provided(p) => output::provided(&p, *format),
            file_cache::Printable::Cached(c) => output::credentials(&c.credentials, *format),
        };
    }
    let provided = if needs_source {
        Some(
            runtime
                .block_on(provider::default_chain(
                    &runner,
                    &set,
                    &profile,
                    common.profile.is_some(),
                    named,
                ))
                .map_err(source::chain_failure)?,
        )
    } else {
        None
    };
    let source = provided.as_ref().map(|p| &p.credentials);
    if let Command::Credentials(_, format, _) = command {
        return match &provided {
            Some(p) => output::provided(p, format),
            None => Err(Failure::config("no credentials were resolved")),
        };
    }
    let client = runner.client().map_err(input_failure)?;
    let run = Run {
        runtime: &runtime,
        client,
        source,
    };
    match command {
        Command::Credentials(..) => Err(Failure::config("no credentials were resolved")),
        Command::AssumeRole(op, format) => run.credentials(&*op, format),
        Command::WebIdentity(op, format) => run.credentials(&*op, format),
        Command::Saml(op, format) => run.credentials(&*op, format),
        Command::SessionToken(op, format) => run.credentials(&*op, format),
        Command::FederationToken(op, format) => run.credentials(&*op, format),
        Command::AssumeRoot(op, format) => run.credentials(&*op, format),
        Command::DelegatedAccessToken(op, format) => run.credentials(&*op, format),
        Command::ScopedCredentials(op, format) => run.credentials(&*op, format),
        Command::WebIdentityToken(op) => {
            use secrecy::ExposeSecret;
            let out = call(&runtime, client.send(source, &*op))?;
            let expiration = out
                .expiration
                .map(crate::sts::response::format_rfc3339)
                .unwrap_or_default();
            Ok(output::json_line(&[
                ("WebIdentityToken", out.web_identity_token.expose_secret()),
                ("Expiration", &expiration),
            ]))
        }
        Command::GetCallerIdentity => {
            output::caller_identity(&call(&runtime, client.send(source, &GetCallerIdentity))?)
        }
        Command::AccessKeyInfo(op) => {
            let out = call(&runtime, client.send(source, &op))?;
            Ok(output::json_line(&[("Account", &out.account)]))
        }
        Command::DecodeMessage(op) => {
            let out = call(&runtime, client.send(source, &op))?;
            Ok(output::json_line(&[(
                "DecodedMessage",
                &out.decoded_message,
            )]))
        }
    }
}
