//! The crate's errors: one root [`Error`] for the front door (`stskit::Config`) and
//! `?` out of `main`, and a typed error per layer, each re-exported here:
//!
//! | layer | error | what it says |
//! | --- | --- | --- |
//! | [`crate::sigv4`] | [`SigningError`] | a request that cannot be signed |
//! | [`crate::http`] | [`HeaderError`] | a header that cannot go on the wire |
//! | [`crate::sts`] (pure) | [`InputError`], [`AnswerError`] ([`ServiceError`], [`StatusError`], [`ParseError`]) | a request refused before any IO; an answer that gives no output |
//! | [`crate::transport`] | [`TransportError`] | no answer at all |
//! | [`crate::client`] | [`CallError`] | why an STS call gave no output |
//! | providers | [`ProvideError`], [`CredentialsError`], [`SourceFailure`] | not configured, or configured and failed |
//!
//! No error ever carries a response body, a secret, a session token or a signature.
//!
//! **The one rule for every error of the crate: `Display` shows the root cause in one
//! line, and the `source()` chain never repeats a message.** `Display` says what failed
//! at its own layer, then, after `: `, what caused it, down to the first failure
//! (another crate's error included), in lowercase and without a trailing period, so
//! one line tells the whole story. Since that line already holds every cause,
//! `source()` returns `None`: a reporter that walks the chain prints each message once.
//! The causes stay matchable through the variants (`Error::Call(CallError::Transport(e))`
//! and `e.kind()`). Text that came from a server, a file or the environment is escaped
//! with [`escape_for_terminal`].
//!
//! `?` out of `main` prints the root error's `Debug`, which is that same line
//! (`{:#?}` shows the structure):
//!
//! ```
//! # #[cfg(feature = "client")] {
//! // No region, so the endpoint rules give no endpoint: refused before any IO.
//! let no_region = stskit::sts::Endpoint::from_params(&Default::default()).unwrap_err();
//! let error = stskit::Error::from(no_region);
//! assert_eq!(
//!     error.to_string(),
//!     "invalid request: no endpoint: no region: give one (--region, AWS_REGION or \
//!      AWS_DEFAULT_REGION), or aws-global for the global endpoint"
//! );
//! assert_eq!(format!("{error:?}"), error.to_string());
//! assert!(std::error::Error::source(&error).is_none());
//! # }
//! ```

#[cfg(feature = "client")]
use std::fmt;

#[cfg(feature = "client")]
pub use crate::client::error::CallError;
pub use crate::http::HeaderError;
#[cfg(feature = "client")]
pub use crate::provider::error::{CredentialsError, FailureClass, ProvideError, SourceFailure};
pub use crate::sigv4::SigningError;
pub use crate::sts::input::InputError;
pub use crate::sts::response::failures::{
    AnswerError, BodyKind, Fault, ParseError, ParseErrorKind, RETRYABLE_CODES, ServiceError,
    StatusError,
};
pub use crate::text::escape_for_terminal;
pub use crate::transport::{TransportError, TransportErrorKind};

/// Everything that can go wrong at the front door: loading the settings, making a
/// client, resolving credentials, calling STS.
///
/// Its `Debug` is its one-line `Display` (`{:#?}` shows the structure), so `?` out of
/// `main` prints a readable message.
#[cfg(feature = "client")]
#[non_exhaustive]
pub enum Error {
    /// An STS call failed, or a client could not be made for the settings (no region,
    /// a refused endpoint).
    Call(CallError),
    /// Resolving credentials failed: a file that cannot be read or parsed, a setting
    /// or profile that breaks a rule, a source that failed.
    Credentials(CredentialsError),
    /// Nothing in the chain is configured: no keys in the environment, no web
    /// identity, no profile with credentials, no container endpoint, and instance
    /// metadata off or absent.
    NoCredentials,
    /// The runtime [`crate::blocking`] owns could not start (the system refused a
    /// thread or a timer).
    Runtime(std::io::Error),
}

#[cfg(feature = "client")]
impl Error {
    /// Whether trying again later may succeed (see [`CallError::is_retryable`] and
    /// [`CredentialsError::is_non_recoverable`]).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Call(e) => e.is_retryable(),
            Error::Credentials(e) => match e.sts_error() {
                Some(call) => call.is_retryable(),
                None => !e.is_non_recoverable(),
            },
            Error::NoCredentials | Error::Runtime(_) => false,
        }
    }

    /// The class of the failure (see [`FailureClass`]): the settings, a refusal, or no
    /// usable answer.
    pub fn class(&self) -> FailureClass {
        match self {
            Error::Call(e) => e.class(),
            Error::Credentials(e) => e.class(),
            Error::NoCredentials => FailureClass::Settings,
            Error::Runtime(_) => FailureClass::NoAnswer,
        }
    }

    /// The STS error underneath, when STS answered with one (directly or at a role of
    /// a profile's chain).
    pub fn service_error(&self) -> Option<&ServiceError> {
        self.call_error().and_then(CallError::service_error)
    }

    /// The failed STS call underneath, when there is one.
    pub fn call_error(&self) -> Option<&CallError> {
        match self {
            Error::Call(e) => Some(e),
            Error::Credentials(e) => e.sts_error(),
            Error::NoCredentials | Error::Runtime(_) => None,
        }
    }

    /// One line of advice for the common STS error codes ([`ServiceError::advice`]).
    pub fn advice(&self) -> Option<&'static str> {
        self.service_error().and_then(ServiceError::advice)
    }
}

#[cfg(feature = "client")]
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Call(e) => e.fmt(f),
            Error::Credentials(e) => e.fmt(f),
            Error::NoCredentials => f.write_str(
                "no credentials: nothing in the environment (AWS_ACCESS_KEY_ID, \
                 AWS_WEB_IDENTITY_TOKEN_FILE), no profile with credentials, no container \
                 endpoint, and instance metadata is off or did not answer",
            ),
            Error::Runtime(e) => write!(
                f,
                "the runtime of stskit::blocking could not start: {}",
                crate::text::escape_for_terminal(&e.to_string())
            ),
        }
    }
}

#[cfg(feature = "client")]
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            match self {
                Error::Call(e) => f.debug_tuple("Call").field(e).finish(),
                Error::Credentials(e) => f.debug_tuple("Credentials").field(e).finish(),
                Error::NoCredentials => f.write_str("NoCredentials"),
                Error::Runtime(e) => f.debug_tuple("Runtime").field(e).finish(),
            }
        } else {
            fmt::Display::fmt(self, f)
        }
    }
}

#[cfg(feature = "client")]
/// The whole message is in `Display` (see the rule above).
impl std::error::Error for Error {}

#[cfg(feature = "client")]
impl From<CallError> for Error {
    fn from(e: CallError) -> Self {
        Error::Call(e)
    }
}

#[cfg(feature = "client")]
impl From<CredentialsError> for Error {
    fn from(e: CredentialsError) -> Self {
        Error::Credentials(e)
    }
}

#[cfg(feature = "client")]
impl From<ProvideError> for Error {
    fn from(e: ProvideError) -> Self {
        match e {
            ProvideError::NotConfigured { .. } => Error::NoCredentials,
            ProvideError::Failed(e) => Error::Credentials(e),
        }
    }
}

#[cfg(feature = "client")]
impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Call(CallError::InvalidInput(e))
    }
}

#[cfg(feature = "client")]
impl From<AnswerError> for Error {
    fn from(e: AnswerError) -> Self {
        Error::Call(e.into())
    }
}
