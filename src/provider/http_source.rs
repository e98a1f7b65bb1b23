//! What the HTTP credential sources share (instance metadata, the container endpoint,
//! IAM Identity Center): how they fail, one bounded send, the credentials JSON they
//! answer with, and the error text a server sends, kept short and free of secrets.

use std::time::Duration;

use time::OffsetDateTime;

use super::error::CredentialsError;
pub(crate) use super::error::SourceFailure;
use super::provide::Provided;
use crate::credentials::Credentials;
use crate::http::{Request, Response};
use crate::text::escape_for_terminal;
use crate::transport::Transport;
use crate::transport::{TransportError, TransportErrorKind};

/// The transport of a metadata source made from the settings: `timeout` to connect
/// and per attempt, a 64 KiB body, never a proxy, the CA bundle for an `https`
/// endpoint.
pub(crate) fn metadata_transport(
    os: &crate::provider::os::Os,
    profile: Option<&crate::profile::Properties>,
    timeout: Duration,
) -> Result<crate::transport::ReqwestTransport, crate::sts::input::InputError> {
    Ok(crate::transport::ReqwestTransport::new(metadata_limits(
        super::settings::transport_config(os, profile)?,
        timeout,
    )))
}

/// A metadata source's limits on `config`: `timeout` to connect and per attempt, a
/// 64 KiB body, never a proxy.
pub(crate) fn metadata_limits(
    config: crate::transport::TransportConfig,
    timeout: Duration,
) -> crate::transport::TransportConfig {
    config
        .with_connect_timeout(timeout)
        .with_attempt_timeout(timeout)
        .with_max_body_bytes(64 * 1024)
        .with_proxy_from_env(false)
}

/// A failure of `source`.
pub(crate) fn failed(source: &'static str, failure: SourceFailure) -> CredentialsError {
    CredentialsError::Source { source, failure }
}

/// Sends `request` with `timeout` over the whole attempt, whatever the transport does.
pub(crate) async fn send_within<T: Transport>(
    transport: &T,
    request: Request,
    timeout: Duration,
) -> Result<Response, TransportError> {
    let authority = request.authority().unwrap_or("").to_owned();
    match tokio::time::timeout(timeout, transport.send(request)).await {
        Ok(answer) => answer,
        Err(_) => Err(TransportError::new(TransportErrorKind::Timeout).with_host(authority)),
    }
}

/// Whether another attempt may help: a connection that failed or broke, a timeout.
fn transient(e: &TransportError) -> bool {
    matches!(
        e.kind(),
        TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Other
    )
}

/// How a source tries a request again.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Retry {
    /// Attempts in all (at least one is made).
    pub(crate) attempts: u32,
    /// The pause before attempt `n` (from 1) is `n` times this.
    pub(crate) pause: Duration,
    /// Whether a timed-out attempt is tried again (instance metadata does not: a
    /// socket that never answers will not answer within the budget either).
    pub(crate) after_timeout: bool,
    /// Whether `429 Too Many Requests` is tried again (a `5xx` always is).
    pub(crate) after_throttling: bool,
}

/// Sends the request `make` builds, trying again on a `5xx` (and `429` if asked), a
/// refused or broken connection, and (if asked) a timeout. Any other answer, `2xx`
/// or `4xx`, is returned as it is; retries that run out give the last failure, with
/// `secrets` removed from the server's text.
pub(crate) async fn send_retrying<T: Transport>(
    transport: &T,
    make: impl Fn() -> Request,
    timeout: Duration,
    retry: Retry,
    secrets: &[&str],
) -> Result<Response, SourceFailure> {
    let mut last = SourceFailure::Malformed("no attempt was made");
    for attempt in 0..retry.attempts.max(1) {
        if attempt > 0 && !retry.pause.is_zero() {
            tokio::time::sleep(retry.pause * attempt).await;
        }
        match send_within(transport, make(), timeout).await {
            Ok(r) if r.status() >= 500 || (retry.after_throttling && r.status() == 429) => {
                last = status_failure(&r, secrets);
            }
            Ok(r) => return Ok(r),
            Err(e) if e.kind() == TransportErrorKind::Timeout && !retry.after_timeout => {
                return Err(SourceFailure::Unreachable(e));
            }
            Err(e) if transient(&e) => last = SourceFailure::Unreachable(e),
            Err(e) => return Err(SourceFailure::Unreachable(e)),
        }
    }
    Err(last)
}

/// The names of the members of a credentials JSON object.
pub(crate) struct Members {
    pub(crate) access_key_id: &'static str,
    pub(crate) secret_access_key: &'static str,
    pub(crate) token: &'static str,
}

/// Instance metadata and the container endpoint: `AccessKeyId`, `SecretAccessKey`,
/// `Token`, `Expiration` (RFC 3339).
pub(crate) const METADATA_MEMBERS: Members = Members {
    access_key_id: "AccessKeyId",
    secret_access_key: "SecretAccessKey",
    token: "Token",
};

/// Reads a JSON object (untrusted: serde_json, bounded by the transport's body cap).
pub(crate) fn json_object(
    body: &[u8],
) -> Result<serde_json::Map<String, serde_json::Value>, SourceFailure> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(SourceFailure::Malformed("not a JSON object")),
        Err(_) => Err(SourceFailure::Malformed("not JSON")),
    }
}

/// A non-empty string member.
pub(crate) fn text<'a>(
    obj: &'a serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Option<&'a str> {
    obj.get(key)
        .and_then(serde_json::Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The credentials of a metadata answer (`Expiration` as RFC 3339), refused when they
/// have already expired at `now`.
pub(crate) fn metadata_credentials(
    source: &'static str,
    obj: &serde_json::Map<String, serde_json::Value>,
    now: OffsetDateTime,
) -> Result<Provided, CredentialsError> {
    let m = METADATA_MEMBERS;
    let need = |key: &'static str, rule: &'static str| {
        text(obj, key).ok_or_else(|| failed(source, SourceFailure::Malformed(rule)))
    };
    let id = need(m.access_key_id, "AccessKeyId is missing")?;
    let secret = need(m.secret_access_key, "SecretAccessKey is missing")?;
    let token = need(m.token, "Token is missing")?;
    let expiration = need("Expiration", "Expiration is missing")?;
    let expiration = crate::date::parse_rfc3339(expiration).ok_or_else(|| {
        failed(
            source,
            SourceFailure::Malformed("Expiration is not an RFC 3339 time"),
        )
    })?;
    Ok(
        checked(source, id, secret, Some(token), Some(expiration), now)?
            .with_account_id(text(obj, "AccountId")),
    )
}

/// Credentials from a source, checked: the key id and token visible ASCII, the
/// secret non-empty, the expiry in the future.
pub(crate) fn checked(
    source: &'static str,
    id: &str,
    secret: &str,
    token: Option<&str>,
    expiration: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<Provided, CredentialsError> {
    let visible = |s: &str| !s.is_empty() && s.bytes().all(|b| (0x21..0x7f).contains(&b));
    if !visible(id) || id.len() > 128 {
        return Err(failed(
            source,
            SourceFailure::Malformed("the access key id is not visible ASCII"),
        ));
    }
    if token.is_some_and(|t| !visible(t)) || !visible(secret) {
        return Err(failed(
            source,
            SourceFailure::Malformed("the secret key or token is not visible ASCII"),
        ));
    }
    if expiration.is_some_and(|e| e <= now) {
        return Err(CredentialsError::StaleCredentials { source });
    }
    Ok(Provided::new(
        Credentials::new(id, secret, token.map(str::to_owned)),
        expiration,
        source,
    ))
}

/// Members that hold secrets in the answers of the three sources.
const SECRET_MEMBERS: [&str; 7] = [
    "SecretAccessKey",
    "Token",
    "secretAccessKey",
    "sessionToken",
    "accessToken",
    "refreshToken",
    "clientSecret",
];

/// A server's error code, kept only when it looks like one (1-64 letters, digits, `_`,
/// `.`, `-`) and holds none of `secrets`: a server may echo anything there.
pub(crate) fn error_code(code: &str, secrets: &[&str]) -> Option<String> {
    let looks_like_one = (1..=64).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    let echoes = secrets.iter().any(|s| s.len() >= 4 && code.contains(s));
    (looks_like_one && !echoes).then(|| code.to_owned())
}

/// An HTTP error answer as a [`SourceFailure::Status`]: the code from `code`, `Code`,
/// `__type` or `error` (or `x-amzn-ErrorType`), the message from `message`, `Message`
/// or `error_description`, with every one of `secrets` removed.
pub(crate) fn status_failure(response: &Response, secrets: &[&str]) -> SourceFailure {
    let obj = json_object(response.body()).ok();
    // Secrets the body itself carries (an error answer holding credentials) are kept
    // out of its code and message too.
    let own: Vec<&str> = obj
        .iter()
        .flat_map(|o| SECRET_MEMBERS.iter().filter_map(|k| text(o, k)))
        .collect();
    let all: Vec<&str> = secrets.iter().copied().chain(own).collect();
    let secrets = &all[..];
    let pick = |keys: &[&str]| -> Option<String> {
        let obj = obj.as_ref()?;
        keys.iter().find_map(|k| text(obj, k)).map(str::to_owned)
    };
    let code = response
        .header("x-amzn-ErrorType")
        .map(|t| t.split(':').next().unwrap_or(t).to_owned())
        .or_else(|| pick(&["code", "Code", "__type", "error"]))
        .and_then(|c| error_code(c.rsplit('#').next().unwrap_or(&c), secrets));
    let message = pick(&["message", "Message", "error_description"]).map(|m| {
        let mut m = m;
        for s in secrets.iter().filter(|s| s.len() >= 4) {
            m = m.replace(s, "[redacted]");
        }
        let mut safe = escape_for_terminal(&m).into_owned();
        if safe.len() > 200 {
            safe.truncate(200);
            safe.push_str("...");
        }
        safe
    });
    SourceFailure::Status {
        status: response.status(),
        code,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_text_keeps_no_secret_and_no_control_character() {
        let body = br#"{"code":"tok-abcdef","message":"bad token tok-abcdef\u001b[31m"}"#;
        let r = Response::new(403, vec![], body.to_vec());
        let f = status_failure(&r, &["tok-abcdef"]);
        let shown = f.to_string();
        assert!(!shown.contains("tok-abcdef"), "{shown}");
        assert!(!shown.contains('\u{1b}'), "{shown}");
        assert!(shown.starts_with("HTTP 403"), "{shown}");
        let r = Response::new(
            400,
            vec![(
                "x-amzn-ErrorType".into(),
                "UnauthorizedException:http://internal".into(),
            )],
            br#"{"message":"Session token not found or invalid"}"#.to_vec(),
        );
        assert_eq!(
            status_failure(&r, &[]).to_string(),
            "HTTP 400 UnauthorizedException: Session token not found or invalid"
        );
    }

    #[test]
    fn credentials_are_checked() {
        let now = time::macros::datetime!(2030-01-01 00:00 UTC);
        let obj = |s: &str| json_object(s.as_bytes()).unwrap();
        let ok = obj(
            r#"{"AccessKeyId":"ASIAX","SecretAccessKey":"s","Token":"t","Expiration":"2030-01-01T01:00:00Z"}"#,
        );
        assert!(metadata_credentials("container", &ok, now).is_ok());
        let old = obj(
            r#"{"AccessKeyId":"ASIAX","SecretAccessKey":"s","Token":"t","Expiration":"2029-01-01T01:00:00Z"}"#,
        );
        assert!(matches!(
            metadata_credentials("container", &old, now),
            Err(CredentialsError::StaleCredentials { .. })
        ));
        let bad = obj(
            r#"{"AccessKeyId":"AS IA","SecretAccessKey":"s","Token":"t","Expiration":"2030-01-01T01:00:00Z"}"#,
        );
        assert!(metadata_credentials("container", &bad, now).is_err());
        assert!(json_object(b"[1]").is_err());
    }
}
