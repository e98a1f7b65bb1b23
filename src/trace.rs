//! What stskit tells `tracing` (feature `tracing`): a span per STS call and per
//! attempt, events for the attempt's outcome, the caches' refreshes, backoffs and stale
//! answers, and `credential_process` exits. Without the feature every function here is
//! empty and compiles away.
//!
//! Only these fields are ever recorded, none of them secret: the operation, the
//! endpoint's host, the attempt number, the HTTP status, the request id, the retry
//! reason (an error code or a transport error kind, never a server's message), a
//! shortened access key id (`ASIA...MPLE`), expirations, backoff seconds, a provider's
//! or profile's name and an exit code.

use std::future::Future;

#[cfg(feature = "tracing")]
use tracing::Instrument;

/// The span of one STS call around `f`.
#[cfg(feature = "tracing")]
pub(crate) fn call<F: Future>(
    f: F,
    operation: &'static str,
    host: &str,
) -> impl Future<Output = F::Output> {
    f.instrument(tracing::info_span!("stskit.sts_call", operation, host))
}

/// The span of one STS call around `f`.
#[cfg(not(feature = "tracing"))]
pub(crate) fn call<F: Future>(f: F, _operation: &'static str, _host: &str) -> F {
    f
}

/// The span of one attempt around `f`.
#[cfg(feature = "tracing")]
pub(crate) fn attempt<F: Future>(f: F, attempt: u32) -> impl Future<Output = F::Output> {
    f.instrument(tracing::debug_span!("stskit.sts_attempt", attempt))
}

/// The span of one attempt around `f`.
#[cfg(not(feature = "tracing"))]
pub(crate) fn attempt<F: Future>(f: F, _attempt: u32) -> F {
    f
}

/// An attempt's answer: its status and request id.
pub(crate) fn answered(_attempt: u32, _status: u16, _request_id: Option<&str>) {
    #[cfg(feature = "tracing")]
    tracing::debug!(
        attempt = _attempt,
        status = _status,
        request_id = request_id(_request_id),
        "sts answered"
    );
}

/// An attempt failed and another follows after `wait`.
pub(crate) fn retrying(
    _attempt: u32,
    _reason: impl FnOnce() -> String,
    _wait: std::time::Duration,
) {
    #[cfg(feature = "tracing")]
    tracing::info!(
        attempt = _attempt,
        retry_reason = _reason(),
        wait_ms = _wait.as_millis() as u64,
        "sts attempt failed, retrying"
    );
}

/// The call failed for good.
pub(crate) fn gave_up(_attempt: u32, _reason: impl FnOnce() -> String) {
    #[cfg(feature = "tracing")]
    tracing::warn!(attempt = _attempt, reason = _reason(), "sts call failed");
}

/// A cache fetched from its source: `outcome` is `fresh`, `failed` or `stale`.
pub(crate) fn refreshed(
    _outcome: &'static str,
    _key: Option<&str>,
    _expiration: Option<time::OffsetDateTime>,
) {
    #[cfg(feature = "tracing")]
    tracing::info!(
        outcome = _outcome,
        access_key_id = _key.map(|k| crate::credentials::ShortKeyId::of(k).to_string()),
        expiration = _expiration.map(crate::date::format_rfc3339),
        "credentials cache refresh"
    );
}

/// A refresh failed and the cached credentials are served for `_seconds` more.
pub(crate) fn backoff(_seconds: u64, _reason: impl FnOnce() -> String) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        backoff_seconds = _seconds,
        reason = _reason(),
        "credentials refresh failed: serving the cached credentials during a backoff"
    );
}

/// Cached credentials were handed out after a failure or during a backoff.
pub(crate) fn served_stale(_expired: bool) {
    #[cfg(feature = "tracing")]
    tracing::debug!(
        expired = _expired,
        "served cached credentials during a backoff"
    );
}

/// A cached non-recoverable error was returned without a call.
pub(crate) fn cached_error() {
    #[cfg(feature = "tracing")]
    tracing::debug!("returned a cached non-recoverable error");
}

/// A `credential_process` ended.
pub(crate) fn process_exited(_profile: &str, _code: Option<i32>, _millis: u128) {
    #[cfg(feature = "tracing")]
    tracing::info!(
        profile = _profile,
        exit_code = _code,
        elapsed_ms = _millis as u64,
        "credential_process exited"
    );
}

/// STS error codes worth naming in a trace; any other code (a server can put anything
/// there, even an echo of what it was sent) is "other".
const KNOWN_CODES: &[&str] = &[
    "AccessDenied",
    "ExpiredToken",
    "ExpiredTradeInTokenException",
    "IDPCommunicationError",
    "IDPRejectedClaim",
    "IncompleteSignature",
    "InternalFailure",
    "InvalidAuthorizationMessageException",
    "InvalidClientTokenId",
    "InvalidIdentityToken",
    "InvalidParameterValue",
    "MalformedPolicyDocument",
    "MissingAuthenticationToken",
    "OptInRequired",
    "PackedPolicyTooLarge",
    "RegionDisabled",
    "RequestExpired",
    "RequestTimeTooSkewed",
    "ServiceUnavailable",
    "SignatureDoesNotMatch",
    "Throttling",
    "ThrottlingException",
    "ValidationError",
];

/// An STS error code as recorded: the code itself when it is a known STS code, else
/// `other STS error code` (a server can echo anything there).
pub(crate) fn known_code(code: &str) -> &'static str {
    KNOWN_CODES
        .iter()
        .find(|k| **k == code)
        .copied()
        .unwrap_or("other STS error code")
}

/// A request id as recorded: only the UUID form AWS uses (a server could echo
/// anything in that header).
pub(crate) fn request_id(id: Option<&str>) -> Option<&str> {
    id.filter(|id| {
        let parts: Vec<&str> = id.split('-').collect();
        parts.len() == 5
            && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
            && parts
                .iter()
                .all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
    })
}
