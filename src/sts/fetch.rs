//! One STS call with no runtime: build, sign, hand the request to a plain closure,
//! parse. For embedded HTTP clients, `ureq`, WASI and tests.

use std::fmt;

use time::OffsetDateTime;

use super::{Endpoint, Operation, SERVICE};
use crate::credentials::Credentials;
use crate::http::{Request, Response};
use crate::sigv4::{SigningParams, sign};
use crate::sts::input::InputError;
use crate::sts::response::failures::{AnswerError, ServiceError};

/// Why [`fetch`] failed: the call itself (refused before sending, an STS error, a
/// bad answer, credentials already expired), or the closure that sends. Pure: no IO
/// or runtime variant.
#[derive(Debug)]
#[non_exhaustive]
pub enum FetchError<E> {
    /// The request was refused before sending: a parameter, the endpoint, the signing
    /// or a header.
    InvalidInput(InputError),
    /// The answer was an STS error, another non-2xx, or could not be parsed.
    Answer(AnswerError),
    /// STS returned credentials that had already expired at the time given.
    ExpiredCredentials,
    /// The closure could not send the request.
    Send(E),
}

impl<E: fmt::Display> fmt::Display for FetchError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::InvalidInput(e) => write!(f, "invalid request: {e}"),
            FetchError::Answer(e) => e.fmt(f),
            FetchError::ExpiredCredentials => {
                f.write_str("STS returned credentials that are already expired")
            }
            FetchError::Send(e) => write!(f, "could not send the request: {e}"),
        }
    }
}

/// The whole message is in `Display` (see [`crate::error`]); the closure's own error
/// is the one source, since its `Display` may not show its causes.
impl<E: std::error::Error + 'static> std::error::Error for FetchError<E> {}

impl<E> From<AnswerError> for FetchError<E> {
    fn from(e: AnswerError) -> Self {
        FetchError::Answer(e)
    }
}

impl<E> From<InputError> for FetchError<E> {
    fn from(e: InputError) -> Self {
        FetchError::InvalidInput(e)
    }
}

/// One STS call, synchronous and sans-IO: validates `operation`, builds its POST to
/// `endpoint`, signs it at `now` with `source` (unsigned operations need none), hands
/// it to `send`, and parses the answer; credentials that have expired by `now` are
/// refused. No retries, no timeouts, no clock: those are the caller's (the
/// client, `StsClient`, adds them).
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
/// [`FetchError::InvalidInput`] for a parameter, endpoint or signing problem before
/// sending; [`FetchError::Answer`] for an STS error document, another non-2xx or an
/// answer that cannot be parsed; [`FetchError::ExpiredCredentials`] for credentials
/// already expired at `now`; [`FetchError::Send`] with the closure's own error.
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
    request.check_sendable().map_err(InputError::from)?;
    let response = send(request).map_err(FetchError::Send)?;
    let out =
        O::parse(response.status(), response.headers(), response.body()).map_err(|mut e| {
            if let AnswerError::Service(s) = &mut e {
                redact_echo(s, operation.secret_values(), source);
            }
            e
        })?;
    if O::expiration(&out).is_some_and(|t| t <= now) {
        return Err(FetchError::ExpiredCredentials);
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
    error: &mut ServiceError,
    mut secrets: Vec<&'a str>,
    source: Option<&'a Credentials>,
) {
    use secrecy::ExposeSecret;
    if let Some(c) = source {
        secrets.push(c.secret_access_key().expose_secret());
        if let Some(t) = c.session_token() {
            secrets.push(t.expose_secret());
        }
    }
    error.redact(&secrets);
}
