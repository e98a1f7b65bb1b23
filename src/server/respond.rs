//! One request of the container credentials protocol to its answer: the Host, method and
//! token rules first, then the cache.

use std::net::IpAddr;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use super::State;
use crate::client::{Clock, SystemClock};
use crate::provider::Provided;
use crate::provider::error::FailureClass;

/// The Expiration given for a session whose own is unknown.
const UNKNOWN_LIFETIME: std::time::Duration = std::time::Duration::from_secs(3600);

/// The answer to `request`.
pub(super) async fn respond<B>(state: &State, request: &Request<B>) -> Response<Full<Bytes>> {
    if !host_is_loopback(request.headers().get(header::HOST)) {
        return plain(
            StatusCode::FORBIDDEN,
            "the Host header must name a loopback address",
        );
    }
    if request.method() != Method::GET {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET"));
        return r;
    }
    let mut given = request.headers().get_all(header::AUTHORIZATION).iter();
    let token = match (given.next(), given.next()) {
        (None, _) => return plain(StatusCode::UNAUTHORIZED, "Authorization header required"),
        (Some(t), None) => t,
        // Two values: neither is taken as the token.
        (Some(_), Some(_)) => return plain(StatusCode::FORBIDDEN, "invalid token"),
    };
    if !token_matches(&state.token_digest, token.as_bytes()) {
        return plain(StatusCode::FORBIDDEN, "invalid token");
    }
    match state.cache.credentials().await {
        Ok(provided) => credentials(&provided),
        Err(e) => {
            let (status, code) = match e.class() {
                FailureClass::NoAnswer => (StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable"),
                FailureClass::Refused => (StatusCode::FORBIDDEN, "AccessDenied"),
                _ => (StatusCode::INTERNAL_SERVER_ERROR, "InvalidConfiguration"),
            };
            // STS's own code when STS said no (AccessDenied, ExpiredToken, ...).
            let code = e.service_error().map_or(code, |s| s.code());
            json(status, &error_body(code, &e.to_string()))
        }
    }
}

/// Whether `Host` names a loopback IP or `localhost`, with any port (RFC 9110: a
/// missing or repeated `Host` is refused).
fn host_is_loopback(host: Option<&HeaderValue>) -> bool {
    let Some(host) = host.and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((ip, after)) if after.is_empty() || port(after) => ip,
            _ => return false,
        },
        None => match host.rsplit_once(':') {
            Some((name, p)) if port(p) => name,
            Some(_) => return false,
            None => host,
        },
    };
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| match ip {
            IpAddr::V4(v4) => v4.is_loopback(),
            IpAddr::V6(v6) => {
                v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
        })
}

/// `:PORT` with 1-5 digits.
fn port(s: &str) -> bool {
    let digits = s.strip_prefix(':').unwrap_or(s);
    (1..=5).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `given` is the token: digests compared with no early exit, so the time does
/// not tell how much of a guess was right (nor its length).
fn token_matches(expected: &[u8; 32], given: &[u8]) -> bool {
    let digest: [u8; 32] = Sha256::digest(given).into();
    expected
        .iter()
        .zip(digest.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

/// The protocol's answer: the four members (and never long-term keys).
fn credentials(p: &Provided) -> Response<Full<Bytes>> {
    let c = &p.credentials;
    let Some(token) = c.session_token() else {
        return json(
            StatusCode::INTERNAL_SERVER_ERROR,
            &error_body(
                "NotTemporary",
                "the source gave long-term keys, which this protocol cannot carry (serve through SessionTokenProvider)",
            ),
        );
    };
    let now = SystemClock.now();
    // A session of unknown lifetime (a token in the environment without
    // AWS_CREDENTIAL_EXPIRATION): clients need an Expiration, so it is an hour ahead,
    // renewed at each answer; they come back within the hour, as for any other.
    let expiration = p.expiration.unwrap_or(now + UNKNOWN_LIFETIME);
    // Never an expired key: a client would sign with it and fail at AWS. 503, so it
    // retries (the cache is in its backoff; see `SERVER_POLICY`).
    if expiration <= now {
        return json(
            StatusCode::SERVICE_UNAVAILABLE,
            &error_body(
                "ExpiredCredentials",
                "the source could not be refreshed and the last credentials have expired; retry",
            ),
        );
    }
    let expiration = crate::date::format_rfc3339(expiration);
    let mut body = zeroize::Zeroizing::new(String::with_capacity(1536));
    body.push('{');
    let members = [
        ("AccessKeyId", Some(c.access_key_id())),
        (
            "SecretAccessKey",
            Some(c.secret_access_key().expose_secret()),
        ),
        ("Token", Some(token.expose_secret())),
        ("Expiration", Some(expiration.as_str())),
        ("AccountId", p.account_id.as_deref()),
    ];
    let present = members
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)));
    for (i, (name, value)) in present.enumerate() {
        if i > 0 {
            body.push(',');
        }
        crate::pyjson::string(&mut body, name);
        body.push(':');
        crate::pyjson::string(&mut body, value);
    }
    body.push('}');
    // The body holds the secret: its bytes are wiped when the last reference to them
    // (the connection's, once written) is dropped.
    let bytes = zeroize::Zeroizing::new(std::mem::take(&mut *body).into_bytes());
    response(StatusCode::OK, "application/json", Bytes::from_owner(bytes))
}

fn error_body(code: &str, message: &str) -> String {
    let mut body = String::from("{");
    crate::pyjson::string(&mut body, "code");
    body.push(':');
    crate::pyjson::string(&mut body, code);
    body.push(',');
    crate::pyjson::string(&mut body, "message");
    body.push(':');
    crate::pyjson::string(&mut body, message);
    body.push('}');
    body
}

fn json(status: StatusCode, body: &str) -> Response<Full<Bytes>> {
    response(
        status,
        "application/json",
        Bytes::copy_from_slice(body.as_bytes()),
    )
}

fn plain(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    response(
        status,
        "text/plain; charset=utf-8",
        Bytes::from(format!("{text}\n")),
    )
}

fn response(status: StatusCode, content_type: &'static str, body: Bytes) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_must_be_a_loopback_ip_or_localhost_with_any_port() {
        for ok in [
            "127.0.0.1",
            "127.0.0.1:8080",
            "127.1.2.3:1",
            "localhost",
            "LOCALHOST:99",
            "[::1]",
            "[::1]:443",
            "[::ffff:127.0.0.1]:5",
        ] {
            assert!(
                host_is_loopback(Some(&HeaderValue::from_static(ok))),
                "{ok}"
            );
        }
        for bad in [
            "",
            "evil.example",
            "evil.example:80",
            "127.0.0.1.nip.io",
            "localhost.evil",
            "foo.localhost",
            "10.0.0.1",
            "[::2]",
            "[::1]x",
            "127.0.0.1:",
            "127.0.0.1:123456",
            "0.0.0.0",
            "169.254.170.2",
            "127.0.0.1:80:80",
            "[::1",
        ] {
            assert!(
                !host_is_loopback(Some(&HeaderValue::from_static(bad))),
                "{bad}"
            );
        }
        assert!(!host_is_loopback(None));
    }

    #[test]
    fn the_token_is_compared_whole() {
        let expected: [u8; 32] = Sha256::digest(b"s3cret-token").into();
        assert!(token_matches(&expected, b"s3cret-token"));
        for wrong in [
            &b""[..],
            b"s3cret",
            b"s3cret-token ",
            b"S3cret-token",
            b"s3cret-tokeN",
        ] {
            assert!(!token_matches(&expected, wrong));
        }
    }
}
