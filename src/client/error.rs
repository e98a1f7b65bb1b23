//! [`CallError`]: why an STS call through [`super::StsClient`] gave no output.
//! Re-exported from [`crate::error`].

use std::fmt;

use crate::sts::input::InputError;
use crate::sts::response::failures::{
    AnswerError, ParseError, RETRYABLE_CODES, ServiceError, StatusError,
};
use crate::transport::{TransportError, TransportErrorKind};

/// Why an STS call gave no output: what STS answered, no answer at all, or a request
/// refused before any IO.
///
/// `Display` is the whole story on one line, down to the root cause (see
/// [`crate::error`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum CallError {
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

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Service(e) => e.fmt(f),
            CallError::Status(e) => e.fmt(f),
            CallError::Parse(e) => write!(f, "malformed STS response: {e}"),
            CallError::Transport(e) => write!(f, "could not get an answer from STS: {e}"),
            CallError::InvalidInput(e) => write!(f, "invalid request: {e}"),
            CallError::ExpiredCredentials => {
                f.write_str("STS returned credentials that are already expired")
            }
            CallError::InsideRuntime => f.write_str(
                "stskit::blocking was called from inside a tokio runtime: use the async API there",
            ),
            CallError::NoRuntime => f.write_str(
                "no tokio runtime is running: the async client needs one with timers \
                 (stskit::blocking owns one; stskit::sts::fetch needs none)",
            ),
        }
    }
}

/// The whole message is in `Display` (see [`crate::error`]).
impl std::error::Error for CallError {}

impl CallError {
    /// Whether trying again (re-signed, after a backoff) may succeed: HTTP 500, 502,
    /// 503 and 504, connection and name resolution failures, timeouts, a malformed
    /// 2xx, and the throttling and transient STS error codes. Never an authorization or
    /// validation failure, a certificate or TLS failure, a proxy's refusal, or a
    /// request the transport refused to send: those do not heal.
    pub fn is_retryable(&self) -> bool {
        match self {
            CallError::Service(e) => {
                matches!(e.http_status, 500 | 502 | 503 | 504)
                    || RETRYABLE_CODES.contains(&e.code.as_str())
            }
            CallError::Status(e) => matches!(e.status, 500 | 502 | 503 | 504),
            CallError::Parse(_) => true,
            CallError::Transport(e) => matches!(
                e.kind(),
                TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Dns
            ),
            CallError::InvalidInput(_)
            | CallError::ExpiredCredentials
            | CallError::NoRuntime
            | CallError::InsideRuntime => false,
        }
    }

    /// Whether the request timed out (one attempt or the overall deadline).
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            CallError::Transport(e) if matches!(
                e.kind(),
                TransportErrorKind::Timeout | TransportErrorKind::DeadlineExceeded
            )
        )
    }

    /// One line of advice for the common STS error codes ([`ServiceError::advice`]).
    pub fn advice(&self) -> Option<&'static str> {
        self.service_error().and_then(ServiceError::advice)
    }

    /// Why the call failed, in words safe to record in a trace: a known error code, an
    /// HTTP status, a transport error kind.
    pub(crate) fn trace_reason(&self) -> String {
        match self {
            CallError::Service(s) => crate::trace::known_code(s.code()).to_owned(),
            CallError::Status(s) => format!("HTTP {}", s.status),
            CallError::Parse(_) => "malformed answer".to_owned(),
            CallError::Transport(t) => match t.kind() {
                TransportErrorKind::Connect => "connection failed".to_owned(),
                TransportErrorKind::Timeout => "timed out".to_owned(),
                TransportErrorKind::DeadlineExceeded => "deadline exceeded".to_owned(),
                TransportErrorKind::Redirect(s) => format!("redirect {s} refused"),
                TransportErrorKind::BodyTooLarge(_) => "answer too large".to_owned(),
                TransportErrorKind::Dns => "name resolution failed".to_owned(),
                TransportErrorKind::Tls => "TLS failed".to_owned(),
                TransportErrorKind::Proxy => "the proxy refused".to_owned(),
                TransportErrorKind::Refused => "not sent".to_owned(),
                _ => "HTTP failure".to_owned(),
            },
            CallError::InvalidInput(_) => "invalid request".to_owned(),
            CallError::ExpiredCredentials => "expired credentials".to_owned(),
            CallError::NoRuntime => "no runtime".to_owned(),
            CallError::InsideRuntime => "inside a runtime".to_owned(),
        }
    }

    /// The STS error, when STS answered with one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            CallError::Service(e) => Some(e),
            _ => None,
        }
    }
}

/// Error codes with which a server says the request time was too far off.
pub(crate) const CLOCK_SKEW_CODES: &[&str] = &[
    "SignatureDoesNotMatch",
    "RequestExpired",
    "RequestTimeTooSkewed",
    "InvalidSignatureException",
];

impl From<AnswerError> for CallError {
    fn from(e: AnswerError) -> Self {
        match e {
            AnswerError::Service(e) => CallError::Service(e),
            AnswerError::Status(e) => CallError::Status(e),
            AnswerError::Parse(e) => CallError::Parse(e),
        }
    }
}

impl From<crate::sigv4::SigningError> for CallError {
    fn from(e: crate::sigv4::SigningError) -> Self {
        CallError::InvalidInput(InputError::Signing(e))
    }
}

impl From<InputError> for CallError {
    fn from(e: InputError) -> Self {
        CallError::InvalidInput(e)
    }
}

impl From<crate::http::HeaderError> for CallError {
    fn from(e: crate::http::HeaderError) -> Self {
        CallError::InvalidInput(e.into())
    }
}

impl From<ParseError> for CallError {
    fn from(e: ParseError) -> Self {
        CallError::Parse(e)
    }
}

impl From<TransportError> for CallError {
    fn from(e: TransportError) -> Self {
        CallError::Transport(e)
    }
}
