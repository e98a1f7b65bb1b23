//! How a provider fails: [`ProvideError`] (not configured, so a chain goes on; or
//! configured and failed), [`CredentialsError`] (what failed, naming profiles, keys,
//! files and lines, never a value from them) and [`SourceFailure`] (how an HTTP
//! source failed). Re-exported from [`crate::error`].

use std::fmt;
use std::sync::Arc;

use crate::client::error::CallError;
use crate::profile::ChainError;
use crate::sts::input::InputError;
use crate::text::escape_for_terminal;
use crate::transport::{TransportError, TransportErrorKind};

/// Why a configured provider failed. Messages name profiles, keys, files and lines,
/// never a value from them.
#[derive(Debug)]
#[non_exhaustive]
pub enum CredentialsError {
    /// An environment variable or setting breaks a rule.
    Input(InputError),
    /// The profile chain cannot be planned (unknown profile, loop, missing keys).
    Chain(ChainError),
    /// A config or credentials file cannot be parsed.
    File {
        /// The file.
        path: String,
        /// The line and rule.
        error: crate::profile::ParseError,
    },
    /// The selected profile is in neither file.
    ProfileNotFound {
        /// The profile.
        profile: String,
        /// The files read, each with whether it exists.
        files: String,
    },
    /// A config or credentials file exists but cannot be read.
    Read {
        /// The file.
        path: String,
        /// Why.
        rule: &'static str,
    },
    /// The profile needs a source stskit does not provide (every source of the AWS
    /// CLI's chain is provided now; kept for sources yet to come).
    NotSupported {
        /// The profile.
        profile: String,
        /// What it needs.
        what: &'static str,
    },
    /// `credential_source = Environment` found no keys in the environment.
    EmptySource {
        /// The profile.
        profile: String,
    },
    /// A `credential_process` failed.
    Process {
        /// The profile.
        profile: String,
        /// What kind of failure: it cannot be run as configured, it exited with an
        /// error, or it gave no usable answer.
        class: FailureClass,
        /// What went wrong (exit code, bad JSON, missing member; at most the first
        /// line of its stderr, cut short and escaped).
        rule: String,
    },
    /// A role needs an MFA code and none was given.
    MfaCodeNeeded {
        /// The profile whose `mfa_serial` asks for it.
        profile: String,
    },
    /// A call to STS for the profile failed.
    Sts {
        /// The profile whose call it was.
        profile: String,
        /// The error.
        error: CallError,
    },
    /// The source did not answer within the cache's fetch timeout.
    FetchTimeout {
        /// The timeout, in seconds.
        seconds: u64,
    },
    /// The source gave credentials that had already expired.
    StaleCredentials {
        /// Which provider gave them.
        source: &'static str,
    },
    /// A [`crate::blocking`] call was made from inside a tokio runtime.
    InsideRuntime,
    /// An HTTP source (instance metadata, a container endpoint, IAM Identity Center)
    /// failed.
    Source {
        /// Which source: `instance metadata`, `container`, `IAM Identity Center`.
        source: &'static str,
        /// How.
        failure: SourceFailure,
    },
    /// One failure shared by every caller that waited for the same fetch (a cache
    /// hands it to each of them); [`CredentialsError::root`] looks inside.
    Shared(Arc<CredentialsError>),
}

/// What kind of failure it is, whatever the source: the one table from a failure to
/// what the caller should do (the command line's exit code: 2, 3, 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureClass {
    /// The settings are wrong: a flag, a variable, a file, a profile, a refused request
    /// or endpoint, a command that cannot be run, a needed `aws sso login` (exit 2).
    Settings,
    /// The source answered and said no: an STS error document, an error code from
    /// instance metadata, the container endpoint or IAM Identity Center, a
    /// `credential_process` that exited with an error (exit 3).
    Refused,
    /// No usable answer: no connection, a timeout, an answer that is malformed,
    /// oversized or already expired (exit 4).
    NoAnswer,
}

impl CallError {
    /// The class of the failure: a request refused before any IO (or by the
    /// transport's own rules) is the settings'; an STS error document is a refusal;
    /// anything else is no usable answer.
    pub fn class(&self) -> FailureClass {
        match self {
            CallError::InvalidInput(_) | CallError::InsideRuntime => FailureClass::Settings,
            CallError::Transport(t) if t.kind() == TransportErrorKind::Refused => {
                FailureClass::Settings
            }
            CallError::Service(_) => FailureClass::Refused,
            _ => FailureClass::NoAnswer,
        }
    }
}

impl SourceFailure {
    /// The class of the failure (see [`FailureClass`]).
    pub fn class(&self) -> FailureClass {
        match self {
            SourceFailure::Config(_) | SourceFailure::LoginNeeded(_) => FailureClass::Settings,
            SourceFailure::Unreachable(t) if t.kind() == TransportErrorKind::Refused => {
                FailureClass::Settings
            }
            SourceFailure::Status { code: Some(_), .. } | SourceFailure::Code(_) => {
                FailureClass::Refused
            }
            _ => FailureClass::NoAnswer,
        }
    }
}

/// STS error codes that no retry or backoff will heal (a trailing `Exception` is
/// ignored): the caller has to change something.
const NON_RECOVERABLE_CODES: [&str; 6] = [
    "AccessDenied",
    "IDPRejectedClaim",
    "InvalidIdentityToken",
    "MalformedPolicyDocument",
    "PackedPolicyTooLarge",
    "RegionDisabled",
];

impl CredentialsError {
    /// The STS error underneath, when a call failed.
    pub fn sts_error(&self) -> Option<&CallError> {
        match self.root() {
            CredentialsError::Sts { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The class of the failure, for every source alike (see [`FailureClass`]): an
    /// STS call's as [`CallError::class`], an HTTP source's as
    /// [`SourceFailure::class`], a `credential_process`'s as it says; a fetch timeout or
    /// credentials already expired are no usable answer; anything else (a file, a
    /// setting, a profile, a missing MFA code) is the settings'.
    pub fn class(&self) -> FailureClass {
        match self.root() {
            CredentialsError::Sts { error, .. } => error.class(),
            CredentialsError::Source { failure, .. } => failure.class(),
            CredentialsError::Process { class, .. } => *class,
            CredentialsError::StaleCredentials { .. } | CredentialsError::FetchTimeout { .. } => {
                FailureClass::NoAnswer
            }
            _ => FailureClass::Settings,
        }
    }

    /// The error itself, looking through [`CredentialsError::Shared`].
    pub fn root(&self) -> &CredentialsError {
        match self {
            CredentialsError::Shared(inner) => inner.root(),
            other => other,
        }
    }

    /// Whether trying again later cannot help: STS refused for a reason the caller
    /// must fix (`AccessDenied`, `IDPRejectedClaim`, `InvalidIdentityToken`,
    /// `MalformedPolicyDocument`, `PackedPolicyTooLarge`, `RegionDisabled`), a request
    /// refused before it was sent, or configuration that is wrong (a setting, a
    /// profile, a file that does not parse, a missing MFA code), or an HTTP source's
    /// settings, a needed `aws sso login`, or its `4xx` other than `408` and `429`
    /// ([`SourceFailure::is_non_recoverable`]). A cache returns such
    /// an error at once, caches it for a few seconds and never serves old credentials
    /// instead; any other failure (a network error, throttling, an unreadable file, a
    /// `credential_process` that failed, a timeout) is recoverable.
    pub fn is_non_recoverable(&self) -> bool {
        match self.root() {
            CredentialsError::Sts { error, .. } => match error {
                CallError::Service(e) => {
                    let code = e.code();
                    let code = code.strip_suffix("Exception").unwrap_or(code);
                    NON_RECOVERABLE_CODES.contains(&code)
                }
                CallError::InvalidInput(_) => true,
                _ => false,
            },
            CredentialsError::Input(_)
            | CredentialsError::Chain(_)
            | CredentialsError::File { .. }
            | CredentialsError::ProfileNotFound { .. }
            | CredentialsError::NotSupported { .. }
            | CredentialsError::EmptySource { .. }
            | CredentialsError::MfaCodeNeeded { .. }
            | CredentialsError::InsideRuntime => true,
            CredentialsError::Source { failure, .. } => failure.is_non_recoverable(),
            _ => false,
        }
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::Input(e) => write!(f, "{e}"),
            CredentialsError::Chain(e) => write!(f, "{e}"),
            CredentialsError::File { path, error } => {
                write!(f, "cannot parse {}: {error}", escape_for_terminal(path))
            }
            CredentialsError::ProfileNotFound { profile, files } => write!(
                f,
                "the profile {profile:?} could not be found in {}",
                escape_for_terminal(files)
            ),
            CredentialsError::Read { path, rule } => {
                write!(f, "cannot read {}: {rule}", escape_for_terminal(path))
            }
            CredentialsError::NotSupported { profile, what } => {
                write!(
                    f,
                    "profile {profile:?} needs {what}, which stskit does not support yet"
                )
            }
            CredentialsError::EmptySource { profile } => write!(
                f,
                "profile {profile:?}: credential_source Environment found no AWS_ACCESS_KEY_ID in the environment"
            ),
            CredentialsError::Process { profile, rule, .. } => {
                write!(f, "credential_process of profile {profile:?}: {rule}")
            }
            CredentialsError::MfaCodeNeeded { profile } => write!(
                f,
                "profile {profile:?} has mfa_serial: an MFA code is needed (--token-code)"
            ),
            CredentialsError::Sts { profile, error } => {
                write!(f, "profile {profile:?}: {error}")
            }
            CredentialsError::FetchTimeout { seconds } => {
                write!(
                    f,
                    "the credentials source did not answer within {seconds} s"
                )
            }
            CredentialsError::StaleCredentials { source } => write!(
                f,
                "the {source} provider returned credentials that had already expired"
            ),
            CredentialsError::Shared(inner) => inner.fmt(f),
            CredentialsError::Source { source, failure } => write!(f, "{source}: {failure}"),
            CredentialsError::InsideRuntime => f.write_str(
                "stskit::blocking was called from inside a tokio runtime: use the async API there",
            ),
        }
    }
}

/// The whole message is in `Display` (see [`crate::error`]).
impl std::error::Error for CredentialsError {}

impl From<InputError> for CredentialsError {
    fn from(e: InputError) -> Self {
        CredentialsError::Input(e)
    }
}

impl From<ChainError> for CredentialsError {
    fn from(e: ChainError) -> Self {
        CredentialsError::Chain(e)
    }
}

/// How a provider did not give credentials: not configured where it looks (a chain
/// goes on to the next provider), or configured and failed (a chain stops there).
#[derive(Debug)]
#[non_exhaustive]
pub enum ProvideError {
    /// Nothing configures this provider.
    NotConfigured {
        /// The provider.
        provider: &'static str,
    },
    /// Configured, and failed.
    Failed(CredentialsError),
}

impl ProvideError {
    /// The failure in words safe to record in a trace: a known error code, a status,
    /// a kind of failure, never a message.
    pub(crate) fn trace_reason(&self) -> String {
        use CredentialsError as C;
        let c = match self {
            ProvideError::NotConfigured { provider } => {
                return format!("{provider} not configured");
            }
            ProvideError::Failed(c) => c,
        };
        match c.root() {
            C::Sts { error, .. } => error.trace_reason(),
            C::FetchTimeout { .. } => "timeout".to_owned(),
            C::StaleCredentials { .. } => "already expired".to_owned(),
            C::Process { .. } => "credential_process failed".to_owned(),
            C::MfaCodeNeeded { .. } => "MFA code needed".to_owned(),
            C::Input(_) | C::Chain(_) | C::File { .. } | C::Read { .. } => {
                "configuration".to_owned()
            }
            C::Source { source, failure } => {
                let what = match failure {
                    SourceFailure::Unreachable(t) => format!("{:?}", t.kind()),
                    SourceFailure::Status { status, .. } => format!("HTTP {status}"),
                    SourceFailure::Code(_) => "an error code".to_owned(),
                    SourceFailure::Malformed(_) => "malformed answer".to_owned(),
                    SourceFailure::Config(_) => "configuration".to_owned(),
                    SourceFailure::LoginNeeded(_) => "login needed".to_owned(),
                };
                format!("{source}: {what}")
            }
            _ => "other".to_owned(),
        }
    }
}

impl fmt::Display for ProvideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProvideError::NotConfigured { provider } => {
                write!(f, "no credentials configured for the {provider} provider")
            }
            ProvideError::Failed(e) => write!(f, "{e}"),
        }
    }
}

/// The whole message is in `Display` (see [`crate::error`]).
impl std::error::Error for ProvideError {}

impl<E: Into<CredentialsError>> From<E> for ProvideError {
    fn from(e: E) -> Self {
        ProvideError::Failed(e.into())
    }
}

/// Why an HTTP credentials source gave no credentials.
#[derive(Debug)]
#[non_exhaustive]
pub enum SourceFailure {
    /// No answer: nothing listening, a timeout, a broken connection, a redirect, an
    /// oversized body.
    Unreachable(TransportError),
    /// An HTTP error status, with the error code and message the server gave (a code
    /// only when it looks like one; the message escaped, cut short and stripped of
    /// every secret of the request).
    Status {
        /// The HTTP status.
        status: u16,
        /// The error code (`AccessDeniedException`, `invalid_grant`, ...).
        code: Option<String>,
        /// The server's message.
        message: Option<String>,
    },
    /// Instance metadata answered with a `Code` other than `Success`.
    Code(String),
    /// The answer is not the JSON the source speaks (what is wrong, never a value).
    Malformed(&'static str),
    /// The settings are wrong: a refused endpoint, a token that cannot be sent.
    Config(String),
    /// IAM Identity Center needs a new login (`aws sso login`): why.
    LoginNeeded(String),
}

impl SourceFailure {
    /// Whether no retry can help: wrong settings, a login that is needed, or a `4xx`
    /// other than `408` and `429`.
    pub fn is_non_recoverable(&self) -> bool {
        match self {
            SourceFailure::Config(_) | SourceFailure::LoginNeeded(_) => true,
            SourceFailure::Status { status, .. } => {
                (400..500).contains(status) && *status != 408 && *status != 429
            }
            SourceFailure::Unreachable(e) => e.kind() == TransportErrorKind::Refused,
            _ => false,
        }
    }
}

impl fmt::Display for SourceFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceFailure::Unreachable(e) => e.fmt(f),
            SourceFailure::Status {
                status,
                code,
                message,
            } => {
                write!(f, "HTTP {status}")?;
                if let Some(c) = code {
                    write!(f, " {c}")?;
                }
                if let Some(m) = message {
                    write!(f, ": {m}")?;
                }
                Ok(())
            }
            SourceFailure::Code(code) => write!(f, "answered with Code {code}"),
            SourceFailure::Malformed(rule) => write!(f, "malformed answer: {rule}"),
            SourceFailure::Config(rule) => f.write_str(rule),
            SourceFailure::LoginNeeded(why) => write!(f, "{why}: run aws sso login"),
        }
    }
}

/// The whole message is in `Display` (see [`crate::error`]).
impl std::error::Error for SourceFailure {}
