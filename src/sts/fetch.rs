//! One STS call with no runtime: build, sign, hand the request to a plain closure,
//! parse. For embedded HTTP clients, `ureq`, WASI and tests.

use std::fmt;

use time::OffsetDateTime;

use super::{Endpoint, Operation, SERVICE};
use crate::credentials::Credentials;
use crate::error::{Error, InputError};
use crate::http::{Request, Response};
use crate::sigv4::{SigningParams, sign};

/// Why [`fetch`] failed: the call itself (refused before sending, an STS error, a
/// bad answer), or the closure that sends.
#[derive(Debug)]
#[non_exhaustive]
pub enum FetchError<E> {
    /// The request was refused before sending, or the answer was an error or could not
    /// be used (as [`crate::client::StsClient::send`] reports it).
    Sts(Error),
    /// The closure could not send the request.
    Send(E),
}

impl<E: fmt::Display> fmt::Display for FetchError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Sts(e) => e.fmt(f),
            FetchError::Send(e) => write!(f, "could not send the request: {e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for FetchError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FetchError::Sts(e) => Some(e),
            FetchError::Send(e) => Some(e),
        }
    }
}

impl<E> From<Error> for FetchError<E> {
    fn from(e: Error) -> Self {
        FetchError::Sts(e)
    }
}

impl<E> From<InputError> for FetchError<E> {
    fn from(e: InputError) -> Self {
        FetchError::Sts(Error::InvalidInput(e))
    }
}

/// One STS call, synchronous and sans-IO: validates `operation`, builds its POST to
/// `endpoint`, signs it at `now` with `source` (unsigned operations need none), hands
/// it to `send`, and parses the answer; credentials that have expired by `now` are
/// refused. No retries, no timeouts, no clock: those are the caller's (the
/// [`crate::client::StsClient`] adds them).
///
/// ```
/// use stskit::Credentials;
/// use stskit::http::Response;
/// use stskit::sts::{fetch, Endpoint, GetCallerIdentity};
/// use time::macros::datetime;
///
/// let source = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
/// let endpoint = Endpoint::resolve(None, Some("eu-west-1"))?;
/// // Any HTTP client fits: here a closure that checks the request and answers as STS would.
/// let send = |req: stskit::http::Request| -> Result<Response, std::io::Error> {
///     assert!(req.header("authorization").unwrap().contains("/eu-west-1/sts/aws4_request"));
///     let body = "<GetCallerIdentityResponse><GetCallerIdentityResult>\
///         <Arn>arn:aws:iam::123456789012:user/alice</Arn><UserId>AIDAEXAMPLE</UserId>\
///         <Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>";
///     Ok(Response::new(200, vec![], body.into()))
/// };
/// let who = fetch(send, &endpoint, Some(&source), &GetCallerIdentity, datetime!(2026-11-30 12:00 UTC))?;
/// assert_eq!(who.account, "123456789012");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`FetchError::Sts`] for a parameter, endpoint or signing problem before sending, an
/// STS error document, another non-2xx, an answer that cannot be parsed, or
/// credentials already expired at `now` ([`Error::ExpiredCredentials`]);
/// [`FetchError::Send`] with the closure's own error.
pub fn fetch<O, E, S>(
    send: S,
    endpoint: &Endpoint,
    source: Option<&Credentials>,
    operation: &O,
    now: OffsetDateTime,
) -> Result<O::Output, FetchError<E>>
where
    O: Operation,
    S: FnOnce(Request) -> Result<Response, E>,
{
    let (mut request, source) = prepare(operation, endpoint, source)?;
    if let Some(source) = source {
        let params = SigningParams::new(endpoint.signing_region(), SERVICE, now);
        sign(&mut request, source, &params).map_err(InputError::Signing)?;
    }
    request.check_sendable()?;
    let response = send(request).map_err(FetchError::Send)?;
    let out = O::parse(response.status(), response.headers(), response.body())
        .map_err(|e| redact_echo(e, operation.secret_values(), source))?;
    if O::expiration(&out).is_some_and(|t| t <= now) {
        return Err(Error::ExpiredCredentials.into());
    }
    Ok(out)
}

/// Validates `operation` and builds its unsigned POST to `endpoint` (as chained when
/// `source` is temporary), with the credentials to sign it with: `source` for a signed
/// operation (refused when there is none), nothing for an unsigned one (its source
/// credentials are never read).
pub(crate) fn prepare<'a, O: Operation>(
    operation: &O,
    endpoint: &Endpoint,
    source: Option<&'a Credentials>,
) -> Result<(Request, Option<&'a Credentials>), InputError> {
    let chained = source.is_some_and(Credentials::is_temporary);
    let request = operation.to_request(endpoint, chained)?;
    match (O::SIGNED, source) {
        (true, None) => Err(InputError::Invalid {
            field: "credentials",
            rule: "this call is signed: source credentials are needed",
        }),
        (true, Some(s)) => Ok((request, Some(s))),
        (false, _) => Ok((request, None)),
    }
}

/// An STS error document can echo what was sent: every secret of the request (and the
/// source's secret key and token) is removed from its text.
pub(crate) fn redact_echo<'a>(
    error: Error,
    mut secrets: Vec<&'a str>,
    source: Option<&'a Credentials>,
) -> Error {
    use secrecy::ExposeSecret;
    match error {
        Error::Service(mut e) => {
            if let Some(c) = source {
                secrets.push(c.secret_access_key().expose_secret());
                if let Some(t) = c.session_token() {
                    secrets.push(t.expose_secret());
                }
            }
            e.redact(&secrets);
            Error::Service(e)
        }
        other => other,
    }
}
