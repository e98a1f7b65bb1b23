//! The only IO: sending one signed request and reading one bounded answer.
//!
//! [`Transport`] is one async method, so tests and callers can replay recorded answers
//! with a closure and no network. [`ReqwestTransport`] (feature `client`) is the real
//! one: rustls with compiled-in web PKI roots, no redirects, a connect timeout, a total
//! per-attempt timeout and a body cap.

use std::future::Future;

use crate::error::TransportError;
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

#[cfg(feature = "client")]
mod reqwest_transport;
#[cfg(feature = "client")]
pub use reqwest_transport::{ReqwestTransport, TransportConfig};
