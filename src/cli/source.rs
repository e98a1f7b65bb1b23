//! Where the CLI's source credentials come from: the default chain (environment, web
//! identity from the environment, the profile), or only the profile with `--profile`;
//! the MFA code a role's `mfa_serial` asks for; and the exit code of each failure.

use std::sync::Arc;

use secrecy::SecretString;
use crate::provider::{CredentialsError, MfaCallback, ProvideError, SourceFailure};

use super::{EXIT_NO_ANSWER, EXIT_STS_ERROR, EXIT_USAGE, Failure, describe, terminal_safe};

/// The exit code of a failure that is not an STS call's: the settings (2), an answer
/// with an error code (3), no usable answer or expired credentials (4).
fn source_exit_code(e: &CredentialsError) -> u8 {
    use crate::error::TransportErrorKind;
    match e.root() {
        CredentialsError::Source { failure, .. } => match failure {
            SourceFailure::Config(_) | SourceFailure::LoginNeeded(_) => EXIT_USAGE,
            SourceFailure::Unreachable(t) if t.kind() == TransportErrorKind::Refused => EXIT_USAGE,
            SourceFailure::Status { code: Some(_), .. } | SourceFailure::Code(_) => EXIT_STS_ERROR,
            _ => EXIT_NO_ANSWER,
        },
        CredentialsError::StaleCredentials { .. } | CredentialsError::FetchTimeout { .. } => {
            EXIT_NO_ANSWER
        }
        _ => EXIT_USAGE,
    }
}

/// Why the chain gave nothing: configuration problems exit 2; an STS error at any hop
/// exits as that error does (3 for an STS answer, 4 for no usable answer).
pub(crate) fn chain_failure(e: ProvideError) -> Failure {
    match e {
        ProvideError::NotConfigured { .. } => Failure::config(
            "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile \
             with --profile or AWS_PROFILE (or put keys in the default profile); the container \
             endpoint is not configured and instance metadata is off",
        ),
        ProvideError::Failed(e @ CredentialsError::Source { .. }) => {
            let code = source_exit_code(&e);
            let mut message = terminal_safe(&e.to_string(), 600);
            if let CredentialsError::Source {
                source: "instance metadata",
                failure: SourceFailure::Unreachable(_),
            } = &e
            {
                message = format!(
                    "no credentials: nothing in the environment or the profile, no container \
                     endpoint, and {message}"
                );
            }
            Failure { code, message }
        }
        ProvideError::Failed(CredentialsError::Sts { profile, error }) => {
            let inner = describe(&error);
            Failure {
                code: inner.code,
                message: format!(
                    "profile \"{}\": {}",
                    terminal_safe(&profile, 100),
                    inner.message
                ),
            }
        }
        ProvideError::Failed(e) => Failure {
            code: source_exit_code(&e),
            message: terminal_safe(&e.to_string(), 600),
        },
    }
}

/// The MFA code: `--token-code` when given, else asked on the terminal (never on
/// stdout), else none (the chain then fails with exit 2).
pub(crate) fn mfa_callback(token_code: Option<String>) -> MfaCallback {
    Arc::new(move |serial: &str| match &token_code {
        Some(code) => Some(SecretString::from(code.clone())),
        None => prompt_on_terminal(serial),
    })
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
    let mut line = String::new();
    std::io::BufReader::new(tty).read_line(&mut line).ok()?;
    let code = line.trim();
    (!code.is_empty()).then(|| SecretString::from(code))
}
