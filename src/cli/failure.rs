//! Why a command failed: the exit code and the message for stderr, from every error
//! the library returns. The exit code is the failure's class ([`FailureClass`], the
//! library's one classification for every source), through one table:
//!
//! | exit | class | from |
//! | --- | --- | --- |
//! | 2 | usage or settings | flags, files, variables, profiles, endpoints, a refused request, a command that cannot be run, a needed `aws sso login` |
//! | 3 | the source said no | an STS error document; a metadata or Identity Center error with a code; a `credential_process` that exited with an error |
//! | 4 | no usable answer | connection, timeout, TLS, malformed, oversized or expired answer, stdout closed |

use crate::error::{CallError, CredentialsError, Error, FailureClass, InputError, SourceFailure};

/// Usage or configuration error.
pub(crate) const EXIT_USAGE: u8 = 2;
/// STS (or another source) answered with an error.
pub(crate) const EXIT_STS_ERROR: u8 = 3;
/// No usable answer.
pub(crate) const EXIT_NO_ANSWER: u8 = 4;

/// The message when nothing in the chain is configured.
const NO_CREDENTIALS: &str = "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, \
     or name a profile with --profile or AWS_PROFILE (or put keys in the default profile); \
     the container endpoint is not configured and instance metadata is off";

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

    /// No usable answer (exit 4).
    pub(crate) fn no_answer(message: impl Into<String>) -> Failure {
        Failure {
            code: EXIT_NO_ANSWER,
            message: message.into(),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e {
            Error::Call(e) => Failure::from(&e),
            Error::Credentials(e) => Failure::from(e),
            _ => Failure::config(NO_CREDENTIALS),
        }
    }
}

/// The flag that sets each STS member: the command line names what the user typed.
const FLAG_OF_MEMBER: &[(&str, &str)] = &[
    ("AccessKeyId", "--access-key-id"),
    ("Audience", "--audience"),
    ("DurationSeconds", "--duration-seconds"),
    ("EncodedMessage", "--encoded-message"),
    ("ExternalId", "--external-id"),
    ("Name", "--name"),
    ("Policy", "--policy"),
    ("PolicyArns", "--policy-arn"),
    ("PrincipalArn", "--principal-arn"),
    ("ProviderId", "--provider-id"),
    ("RoleArn", "--role-arn"),
    ("RoleSessionName", "--role-session-name"),
    ("SAMLAssertion", "--saml-assertion-file"),
    ("Scope", "--scope"),
    ("ScopedSessionDescription", "--scoped-session-description"),
    ("SerialNumber", "--serial-number"),
    ("SigningAlgorithm", "--signing-algorithm"),
    ("SourceIdentity", "--source-identity"),
    ("SubjectMode", "--subject-mode"),
    ("Tags", "--tag"),
    ("TargetPrincipal", "--target-principal"),
    ("TaskPolicyArn", "--task-policy-arn"),
    ("TaskPolicyArn.arn", "--task-policy-arn"),
    ("TokenCode", "--token-code"),
    ("TradeInToken", "--trade-in-token-file"),
    ("TransitiveTagKeys", "--transitive-tag-key"),
    ("WebIdentityToken", "--web-identity-token-file"),
];

impl Failure {
    /// A command's parameter that breaks an STS rule, named by the flag that set it
    /// (with the member, for the API reference): exit 2.
    pub(crate) fn parameter(e: &InputError) -> Failure {
        Failure::config(flag_named(e))
    }

    /// A command's call that failed: as [`Failure::from`], with a refused parameter
    /// named by its flag.
    pub(crate) fn command_call(e: &CallError) -> Failure {
        match e {
            CallError::InvalidInput(input) => Failure {
                code: EXIT_USAGE,
                message: format!("invalid request: {}", flag_named(input)),
            },
            other => Failure::from(other),
        }
    }
}

/// The message of `e`, naming the flag instead of the STS member where there is one.
fn flag_named(e: &InputError) -> String {
    match e {
        InputError::Invalid { field, rule } => {
            match FLAG_OF_MEMBER.iter().find(|(member, _)| member == field) {
                Some((member, flag)) => format!("invalid {flag} ({member}): {rule}"),
                None => e.to_string(),
            }
        }
        other => other.to_string(),
    }
}

/// A failed STS call: its one line, and a hint for the common STS codes.
impl From<&CallError> for Failure {
    fn from(e: &CallError) -> Self {
        let mut message = terminal_safe(&e.to_string(), 600);
        if let Some(advice) = e.advice() {
            message.push_str("\nstskit: hint: ");
            message.push_str(advice);
        }
        Failure {
            code: exit_code(e.class()),
            message,
        }
    }
}

/// A chain that failed: a profile's STS call exits as that call does; a source as
/// its class says; anything else is the settings (2).
impl From<CredentialsError> for Failure {
    fn from(e: CredentialsError) -> Self {
        if let CredentialsError::Sts { profile, error } = e.root() {
            let inner = Failure::from(error);
            return Failure {
                code: inner.code,
                message: format!(
                    "profile \"{}\": {}",
                    terminal_safe(profile, 100),
                    inner.message
                ),
            };
        }
        let mut message = terminal_safe(&e.to_string(), 600);
        if let CredentialsError::Source {
            source: "instance metadata",
            failure: SourceFailure::Unreachable(_),
        } = e.root()
        {
            message = format!(
                "no credentials: nothing in the environment or the profile, no container \
                 endpoint, and {message}"
            );
        }
        Failure {
            code: exit_code(e.class()),
            message,
        }
    }
}

/// The one table from a failure's class to the exit code.
fn exit_code(class: FailureClass) -> u8 {
    match class {
        FailureClass::Settings => EXIT_USAGE,
        FailureClass::Refused => EXIT_STS_ERROR,
        _ => EXIT_NO_ANSWER,
    }
}

/// The one sanitizer for text that did not come from this program (a server's
/// message, an argument echoed back): everything but printable ASCII is escaped (see
/// [`crate::error::escape_for_terminal`]: no control, bidirectional or zero-width
/// character reaches the terminal), then the text is cut at `max` characters.
pub(crate) fn terminal_safe(s: &str, max: usize) -> String {
    let safe = crate::text::escape_for_terminal(s);
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
