//! One matchable [`Error`], with a typed error per layer. No error ever carries a
//! response body, a secret, a session token or a signature.
//!
//! The `Display` rule, for every error in the crate: it says what failed at its own
//! layer, with its own fields, in lowercase and without a trailing period, and never
//! repeats the text of its cause, which [`std::error::Error::source`] carries. (An STS
//! error document and a bare HTTP status have no cause: they are what the server said.)
//! Text that came from a server is escaped with [`escape_for_terminal`].

use std::fmt;

use crate::sigv4::SigningError;
pub use crate::sts::response::failures::{
    BodyKind, Fault, ParseError, ParseErrorKind, ServiceError, StatusError,
};
pub use crate::transport::{TransportError, TransportErrorKind};

/// Everything that can go wrong getting credentials from STS.
///
/// `Display` names this layer only; the cause is in [`std::error::Error::source`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// STS answered with an error document (`AccessDenied`, `Throttling`, ...).
    Service(ServiceError),
    /// The server answered a non-2xx status without an STS error document (a proxy's
    /// HTML 502, an empty 503).
    Status(StatusError),
    /// A 2xx answer that is not a well-formed STS response.
    Parse(ParseError),
    /// No answer: connection, timeout, deadline, redirect or oversized body.
    Transport(TransportError),
    /// The request was refused before any IO: a parameter, the endpoint or signing.
    InvalidInput(InputError),
    /// STS returned credentials that had already expired when they arrived.
    ExpiredCredentials,
    /// The async client was polled outside a tokio runtime (it needs one, with timers:
    /// [`crate::blocking`] owns one for plain `fn main`, and [`crate::sts::fetch()`]
    /// needs none).
    NoRuntime,
    /// A [`crate::blocking`] call was made from inside a tokio runtime, where blocking
    /// would stall it: use the async API there.
    InsideRuntime,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Service(e) => e.fmt(f),
            Error::Status(e) => e.fmt(f),
            Error::Parse(_) => f.write_str("malformed STS response"),
            Error::Transport(_) => f.write_str("could not get an answer from STS"),
            Error::InvalidInput(_) => f.write_str("invalid request"),
            Error::ExpiredCredentials => {
                f.write_str("STS returned credentials that are already expired")
            }
            Error::InsideRuntime => f.write_str(
                "stskit::blocking was called from inside a tokio runtime: use the async API there",
            ),
            Error::NoRuntime => f.write_str(
                "no tokio runtime is running: the async client needs one with timers \
                 (stskit::blocking owns one; stskit::sts::fetch needs none)",
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Parse(e) => Some(e),
            Error::Transport(e) => Some(e),
            Error::InvalidInput(e) => Some(e),
            Error::Service(_)
            | Error::Status(_)
            | Error::ExpiredCredentials
            | Error::NoRuntime
            | Error::InsideRuntime => None,
        }
    }
}

impl Error {
    /// Whether trying again (re-signed, after a backoff) may succeed: HTTP 500, 502,
    /// 503 and 504, connection and name resolution failures, timeouts, a malformed
    /// 2xx, and the throttling and transient STS error codes. Never an authorization or
    /// validation failure, a certificate or TLS failure, a proxy's refusal, or a
    /// request the transport refused to send: those do not heal.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Service(e) => {
                matches!(e.http_status, 500 | 502 | 503 | 504) || is_retryable_code(&e.code)
            }
            Error::Status(e) => matches!(e.status, 500 | 502 | 503 | 504),
            Error::Parse(_) => true,
            Error::Transport(e) => matches!(
                e.kind(),
                TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Dns
            ),
            Error::InvalidInput(_)
            | Error::ExpiredCredentials
            | Error::NoRuntime
            | Error::InsideRuntime => false,
        }
    }

    /// Whether the request timed out (one attempt or the overall deadline).
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            Error::Transport(e) if matches!(
                e.kind(),
                TransportErrorKind::Timeout | TransportErrorKind::DeadlineExceeded
            )
        )
    }

    /// One line of advice for the common STS error codes ([`ServiceError::advice`]).
    pub fn advice(&self) -> Option<&'static str> {
        self.service_error().and_then(ServiceError::advice)
    }

    /// The STS error, when STS answered with one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }
}

/// Text from a server, a file or the environment made safe to show on a terminal or
/// in a log, on one line: tab, line feed and carriage return become spaces, and every
/// other character that is not printable ASCII (control characters, DEL, C1
/// controls, bidirectional and zero-width format characters, line separators, and all
/// other non-ASCII) is written as `\u{XXXX}`, so nothing can move the cursor, reorder
/// or hide text. Printable ASCII, the whole of what STS writes in practice, is
/// unchanged, so escaping twice changes nothing more.
pub fn escape_for_terminal(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '\t' | '\n' | '\r' => out.push(' '),
            ' '..='~' => out.push(c),
            c => {
                use std::fmt::Write;
                let _ = write!(out, "\\u{{{:04x}}}", c as u32);
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// STS error codes worth another attempt: the ones STS returns for throttling and
/// transient failures (`IDPCommunicationError` as botocore retries it, HTTP 400). Any
/// HTTP 500, 502, 503 or 504 is retried whatever its code.
pub const RETRYABLE_CODES: &[&str] = &[
    "Throttling",
    "IDPCommunicationError",
    "InternalFailure",
    "ServiceUnavailable",
];

/// Error codes with which a server says the request time was too far off.
pub const CLOCK_SKEW_CODES: &[&str] = &[
    "SignatureDoesNotMatch",
    "RequestExpired",
    "RequestTimeTooSkewed",
    "InvalidSignatureException",
];

fn is_retryable_code(code: &str) -> bool {
    RETRYABLE_CODES.contains(&code)
}

/// A request refused before any IO. Names the parameter and the rule, never the value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputError {
    /// A parameter breaks an STS rule.
    Invalid {
        /// The STS parameter name, such as `RoleSessionName`.
        field: &'static str,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// The endpoint URL is refused.
    Endpoint {
        /// Why.
        rule: &'static str,
    },
    /// The endpoint rules give no endpoint for these settings.
    EndpointRules(crate::sts::endpoint::EndpointRuleError),
    /// The request could not be signed.
    Signing(SigningError),
    /// A header of the signed request cannot be sent as it is (checked before any IO).
    Header {
        /// The header name.
        name: String,
        /// The rule it breaks.
        rule: &'static str,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Invalid { field, rule } => write!(f, "invalid {field}: {rule}"),
            InputError::Endpoint { rule } => write!(f, "invalid endpoint: {rule}"),
            InputError::EndpointRules(e) => write!(f, "no endpoint: {e}"),
            InputError::Signing(_) => f.write_str("cannot sign the request"),
            InputError::Header { name, rule } => write!(f, "cannot send header {name}: {rule}"),
        }
    }
}

impl std::error::Error for InputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InputError::Signing(e) => Some(e),
            _ => None,
        }
    }
}

impl From<SigningError> for Error {
    fn from(e: SigningError) -> Self {
        Error::InvalidInput(InputError::Signing(e))
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::InvalidInput(e)
    }
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Self {
        Error::Parse(e)
    }
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        Error::Transport(e)
    }
}
