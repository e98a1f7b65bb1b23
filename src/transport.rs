//! The only IO: sending one signed request and reading one bounded answer.
//!
//! [`Transport`] is one async method, so tests and callers can replay recorded answers
//! with a closure and no network. [`ReqwestTransport`] (feature `client`) is the real
//! one: rustls with compiled-in web PKI roots, no redirects, a connect timeout, a total
//! per-attempt timeout and a body cap.

use std::fmt;
use std::future::Future;

use crate::http::{Request, Response};

/// Sends one request and returns the answer, whatever its status.
///
/// Implemented for any `Fn(Request) -> impl Future<Output = Result<Response,
/// TransportError>>`, so a closure that checks the request and returns a recorded
/// response is a transport.
pub trait Transport: Send + Sync {
    /// Sends `request`; any HTTP status is an `Ok` answer.
    fn send(
        &self,
        request: Request,
    ) -> impl Future<Output = Result<Response, TransportError>> + Send;
}

impl<F, Fut> Transport for F
where
    F: Fn(Request) -> Fut + Send + Sync,
    Fut: Future<Output = Result<Response, TransportError>> + Send,
{
    fn send(
        &self,
        request: Request,
    ) -> impl Future<Output = Result<Response, TransportError>> + Send {
        self(request)
    }
}

/// The kinds of [`TransportError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// Could not connect or the connection broke.
    Connect,
    /// One attempt took longer than its timeout.
    Timeout,
    /// The overall deadline across retries passed.
    DeadlineExceeded,
    /// The server answered with a redirect (never followed).
    Redirect(u16),
    /// The body was larger than the cap (in bytes).
    BodyTooLarge(usize),
    /// Any other failure of the HTTP stack.
    Other,
    /// The host name could not be resolved.
    Dns,
    /// The TLS handshake failed: a certificate that is not trusted, expired or for
    /// another name (never retried: it does not heal).
    Tls,
    /// The proxy refused to open a tunnel (`403`, `407`; never retried).
    Proxy,
    /// The transport refused to send the request: it would go out in another form
    /// than the one signed, or over plain http to a host that is neither loopback nor an
    /// AWS metadata address (never
    /// retried).
    Refused,
}

/// Why no answer could be had from the server.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    host: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// A transport error of this kind.
    pub fn new(kind: TransportErrorKind) -> Self {
        TransportError {
            kind,
            host: None,
            source: None,
        }
    }

    /// Names the server (`host[:port]`) the failure concerns.
    pub fn with_host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// The server (`host[:port]`) the failure concerns, when known.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// Attaches the underlying cause (kept private: shown only through `source()`).
    pub fn with_source(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        self.source = Some(source.into());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = self.host.as_deref();
        let to = |f: &mut fmt::Formatter<'_>, word: &str| match host {
            Some(h) => write!(f, " {word} {h}"),
            None => Ok(()),
        };
        match self.kind {
            TransportErrorKind::Connect => {
                f.write_str("connection")?;
                to(f, "to")?;
                f.write_str(" failed")
            }
            TransportErrorKind::Timeout => {
                f.write_str("request")?;
                to(f, "to")?;
                f.write_str(" timed out")
            }
            TransportErrorKind::DeadlineExceeded => f.write_str("deadline exceeded"),
            TransportErrorKind::Redirect(s) => {
                write!(f, "HTTP {s} redirect refused")?;
                to(f, "from")
            }
            TransportErrorKind::BodyTooLarge(limit) => {
                write!(f, "response body larger than {limit} bytes")?;
                to(f, "from")
            }
            TransportErrorKind::Other => {
                f.write_str("HTTP failure")?;
                to(f, "with")
            }
            TransportErrorKind::Dns => match host {
                Some(h) => write!(f, "cannot resolve the host of {h}"),
                None => f.write_str("cannot resolve the host"),
            },
            TransportErrorKind::Tls => {
                f.write_str("TLS handshake")?;
                to(f, "with")?;
                f.write_str(" failed")
            }
            TransportErrorKind::Proxy => {
                f.write_str("proxy refused the connection")?;
                to(f, "to")
            }
            TransportErrorKind::Refused => {
                f.write_str("request")?;
                to(f, "to")?;
                f.write_str(" not sent")
            }
        }?;
        if let Some(cause) = &self.source {
            let own = crate::text::escape_for_terminal(&cause.to_string()).into_owned();
            let deeper = crate::text::source_chain(cause.as_ref());
            if !own.is_empty() {
                write!(f, ": {own}")?;
            }
            if !deeper.is_empty() && !own.contains(&deeper) {
                write!(f, ": {deeper}")?;
            }
        }
        Ok(())
    }
}

/// The whole message is in `Display`, the cause's text included (see
/// [`crate::error`]).
impl std::error::Error for TransportError {}

/// One transport shared by several senders (the chain's STS client and its sources):
/// cloning shares it.
#[cfg(feature = "client")]
#[derive(Debug)]
pub(crate) struct Shared<T>(pub(crate) std::sync::Arc<T>);

#[cfg(feature = "client")]
impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

#[cfg(feature = "client")]
impl<T: Transport> Transport for Shared<T> {
    fn send(
        &self,
        request: Request,
    ) -> impl Future<Output = Result<Response, TransportError>> + Send {
        self.0.send(request)
    }
}

#[cfg(feature = "client")]
mod reqwest_transport;
#[cfg(feature = "client")]
mod resolve;
#[cfg(feature = "client")]
// Recorders and replayers exist with the binary or `test-util` only.
#[cfg_attr(not(any(feature = "cli", feature = "test-util")), allow(dead_code))]
pub(crate) mod tape;
#[cfg(feature = "client")]
pub use reqwest_transport::{ReqwestTransport, TransportConfig};
