//! Step 4 of SigV4: the signature, in an `Authorization` header ([`sign`]) or in the
//! query string ([`presign`]), and the [`Signer`] that keeps derived keys warm.

use std::fmt;
use std::time::Duration;

use secrecy::ExposeSecret;

use super::canonical_request::{self, CanonicalRequest};
use super::signing_key::{SigningKeyCache, derive_signing_key};
use super::string_to_sign::{ALGORITHM, AmzDate, StringToSign, check_scope_part};
use super::{
    MAX_PRESIGN_EXPIRY, PayloadHash, SessionTokenMode, SigningError, SigningParams,
    UNSIGNED_PAYLOAD, encode, hash,
};
use crate::credentials::Credentials;
use crate::http::Request;

/// Signs requests, and keeps the signing keys it derives (the four-HMAC derivation) for
/// the credentials and scopes it signed for, so that many requests on one day for one
/// region and service pay for it once. A key is handed out only for the very
/// credentials (access key id and secret) it was derived from. The keys are zeroized
/// on drop and never printed.
///
/// The free functions [`sign`] and [`presign`] use a fresh `Signer` each time (they
/// derive the key every time); keep a `Signer` to sign many requests. The client holds
/// one.
#[derive(Debug, Default)]
pub struct Signer {
    keys: SigningKeyCache,
}

impl Signer {
    /// A signer with no derived keys yet.
    pub fn new() -> Self {
        Signer::default()
    }

    /// As [`sign`], with this signer's derived keys.
    ///
    /// # Errors
    /// As [`sign`].
    pub fn sign(
        &self,
        request: &mut Request,
        credentials: &Credentials,
        params: &SigningParams<'_>,
    ) -> Result<SigningOutput, SigningError> {
        sign_with(&self.keys, request, credentials, params)
    }

    /// As [`presign`], with this signer's derived keys.
    ///
    /// # Errors
    /// As [`presign`].
    pub fn presign(
        &self,
        request: &mut Request,
        credentials: &Credentials,
        params: &SigningParams<'_>,
        expires_in: Duration,
    ) -> Result<SigningOutput, SigningError> {
        presign_with(&self.keys, request, credentials, params, expires_in)
    }

    #[cfg(test)]
    pub(crate) fn cached_keys(&self) -> usize {
        self.keys.len()
    }
}

/// A hex SHA-256 HMAC signature. `Debug` and `Display` show `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Signature([u8; 64]);

impl Signature {
    /// The 64 lowercase hex digits. It authorizes the request: do not log it.
    pub fn expose(&self) -> &str {
        encode::ascii(&self.0)
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signature([redacted])")
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// What one signing produced, for inspection and debugging (`--debug`, tests). The
/// request itself has already been changed in place.
#[derive(Clone, Debug)]
pub struct SigningOutput {
    canonical_request: CanonicalRequest,
    string_to_sign: StringToSign,
    signature: Signature,
}

impl SigningOutput {
    /// The canonical request (its `Display` redacts the session token).
    pub fn canonical_request(&self) -> &CanonicalRequest {
        &self.canonical_request
    }
    /// The string to sign.
    pub fn string_to_sign(&self) -> &StringToSign {
        &self.string_to_sign
    }
    /// The signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }
}

fn check_access_key_id(id: &str) -> Result<(), SigningError> {
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'/' && b != b',')
    {
        return Err(SigningError::InvalidAccessKeyId);
    }
    Ok(())
}

/// Adds a `Host` header from the URL's authority unless the request has one. Default
/// ports are dropped, as HTTP clients do when they write the header themselves.
fn ensure_host(request: &mut Request) -> Result<(), SigningError> {
    if request.header("host").is_some() {
        return Ok(());
    }
    let authority = request.authority().ok_or(SigningError::MissingHost)?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let default_port = if request.url().starts_with("https://") {
        ":443"
    } else if request.url().starts_with("http://") {
        ":80"
    } else {
        ""
    };
    let host = if !default_port.is_empty() {
        authority.strip_suffix(default_port).unwrap_or(authority)
    } else {
        authority
    };
    if host.is_empty() {
        return Err(SigningError::MissingHost);
    }
    canonical_request::check_header("host", host)?;
    let host = host.to_owned();
    request.append_header("Host", host);
    Ok(())
}

/// The payload hash: 64 hex digits, or `UNSIGNED-PAYLOAD`.
struct PayloadHashText {
    buf: [u8; 64],
    len: usize,
}

impl PayloadHashText {
    fn as_str(&self) -> &str {
        encode::ascii(&self.buf[..self.len])
    }
}

fn payload_hash(body: &[u8], payload: PayloadHash) -> PayloadHashText {
    match payload {
        PayloadHash::Hashed => PayloadHashText {
            buf: encode::hex32(&hash::sha256(body)),
            len: 64,
        },
        PayloadHash::Unsigned => {
            let mut buf = [0u8; 64];
            buf[..UNSIGNED_PAYLOAD.len()].copy_from_slice(UNSIGNED_PAYLOAD.as_bytes());
            PayloadHashText {
                buf,
                len: UNSIGNED_PAYLOAD.len(),
            }
        }
    }
}

/// Runs steps 1-4 over the request as it stands, with its path and the query to sign.
fn compute(
    keys: &SigningKeyCache,
    request: &Request,
    credentials: &Credentials,
    params: &SigningParams<'_>,
    date: &AmzDate,
    (path, query): (&str, &str),
    payload_hash: &str,
) -> Result<SigningOutput, SigningError> {
    let mut creq = canonical_request::build(
        request.method(),
        path,
        query,
        request.headers(),
        payload_hash,
        params.settings.normalize_path,
        params.settings.path_encoding,
    )?;
    let mut sts = StringToSign::new(date, params.region, params.service, creq.expose());
    if request.is_body_sensitive() {
        creq.redact_payload_hash();
        sts.redact_hash();
    }
    let secret = credentials.secret_access_key().expose_secret();
    let key = keys.get_or_derive(
        credentials.access_key_id(),
        secret,
        (date.date(), params.region, params.service),
        || derive_signing_key(secret, date.date(), params.region, params.service),
    );
    let mac = key.mac(sts.as_str().as_bytes());
    let sig = encode::hex32(&mac);
    Ok(SigningOutput {
        canonical_request: creq,
        string_to_sign: sts,
        signature: Signature(sig),
    })
}

/// Every check that can fail, done before the request is touched.
fn check_params(
    request: &Request,
    credentials: &Credentials,
    params: &SigningParams<'_>,
) -> Result<AmzDate, SigningError> {
    if !canonical_request::is_token(request.method()) {
        return Err(SigningError::InvalidMethod);
    }
    for h in request.headers() {
        canonical_request::check_header(h.name(), h.value())?;
    }
    if let Some(token) = credentials.session_token() {
        // A token is one opaque word: a space or line break in it would be folded in
        // the canonical request but not on the wire.
        // No early exit, so the scan vectorizes over a long token.
        let bad = token
            .expose_secret()
            .bytes()
            .fold(false, |acc, b| acc | !b.is_ascii_graphic());
        if bad {
            return Err(SigningError::InvalidSessionToken);
        }
    }
    check_access_key_id(credentials.access_key_id())?;
    check_scope_part(params.region, "region")?;
    check_scope_part(params.service, "service")?;
    AmzDate::new(params.time)
}

/// Signs `request` in place with an `Authorization` header.
///
/// Adds `Host` (from the URL, when missing), `X-Amz-Date`, `X-Amz-Security-Token` for
/// temporary credentials (signed or not, per [`super::SigningSettings::session_token`]),
/// `X-Amz-Content-SHA256` when asked, and `Authorization`. Any `Authorization`,
/// `X-Amz-Date` (and, for temporary credentials, `X-Amz-Security-Token`) the request
/// already had is replaced. Every header present is signed except `authorization`,
/// `expect`, `transfer-encoding`, `user-agent` and `x-amzn-trace-id`.
///
/// # Errors
/// [`SigningError`] when a header, the scope, the access key id or the time cannot be
/// put into a valid signature. Every check runs first: the request is unchanged on error.
pub fn sign(
    request: &mut Request,
    credentials: &Credentials,
    params: &SigningParams<'_>,
) -> Result<SigningOutput, SigningError> {
    sign_with(&SigningKeyCache::default(), request, credentials, params)
}

fn sign_with(
    keys: &SigningKeyCache,
    request: &mut Request,
    credentials: &Credentials,
    params: &SigningParams<'_>,
) -> Result<SigningOutput, SigningError> {
    let date = check_params(request, credentials, params)?;
    let work = request;
    ensure_host(work)?;
    work.remove_header("authorization");
    work.remove_header("x-amz-date");
    let token = credentials.session_token().map(|t| t.expose_secret());
    if token.is_some() {
        work.remove_header("x-amz-security-token");
    }
    work.append_header("X-Amz-Date", date.timestamp());
    let hash = payload_hash(work.body(), params.settings.payload);
    if params.settings.content_sha256_header {
        work.remove_header("x-amz-content-sha256");
        work.append_header("X-Amz-Content-SHA256", hash.as_str().to_owned());
    }
    let token_mode = params.settings.session_token;
    if let (Some(token), SessionTokenMode::Signed) = (token, token_mode) {
        work.append_sensitive_header("X-Amz-Security-Token", token);
    }
    let out = compute(
        keys,
        work,
        credentials,
        params,
        &date,
        work.path_and_query(),
        hash.as_str(),
    )?;
    let mut authorization = String::with_capacity(200);
    authorization.push_str(ALGORITHM);
    authorization.push_str(" Credential=");
    authorization.push_str(credentials.access_key_id());
    authorization.push('/');
    authorization.push_str(out.string_to_sign.scope());
    authorization.push_str(", SignedHeaders=");
    authorization.push_str(out.canonical_request.signed_headers());
    authorization.push_str(", Signature=");
    authorization.push_str(out.signature.expose());
    work.append_sensitive_header("Authorization", authorization);
    if let (Some(token), SessionTokenMode::AddAfterSigning) = (token, token_mode) {
        work.append_sensitive_header("X-Amz-Security-Token", token);
    }
    Ok(out)
}

/// Signs `request` in place as a presigned URL valid for `expires_in`.
///
/// Appends `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
/// `X-Amz-SignedHeaders`, `X-Amz-Security-Token` for temporary credentials and finally
/// `X-Amz-Signature` to the URL's query. Headers present (and `Host`, added from the URL
/// when missing) are signed and must be sent with the URL.
///
/// # Errors
/// As [`sign`], and [`SigningError::InvalidExpiry`] when `expires_in` is zero or longer
/// than [`MAX_PRESIGN_EXPIRY`].
pub fn presign(
    request: &mut Request,
    credentials: &Credentials,
    params: &SigningParams<'_>,
    expires_in: Duration,
) -> Result<SigningOutput, SigningError> {
    presign_with(
        &SigningKeyCache::default(),
        request,
        credentials,
        params,
        expires_in,
    )
}

fn presign_with(
    keys: &SigningKeyCache,
    request: &mut Request,
    credentials: &Credentials,
    params: &SigningParams<'_>,
    expires_in: Duration,
) -> Result<SigningOutput, SigningError> {
    let date = check_params(request, credentials, params)?;
    if expires_in.is_zero() || expires_in > MAX_PRESIGN_EXPIRY {
        return Err(SigningError::InvalidExpiry);
    }
    let work = request;
    ensure_host(work)?;
    let hash = payload_hash(work.body(), params.settings.payload);
    // Headers were checked by check_params and ensure_host.
    let signed_headers = canonical_request::signed_header_list(work.headers());
    let token = credentials.session_token().map(|t| t.expose_secret());

    let mut added = String::with_capacity(256);
    let push = |out: &mut String, k: &str, v: &str| {
        out.push('&');
        out.push_str(k);
        out.push('=');
        encode::encode_into(out, v.as_bytes(), false);
    };
    push(&mut added, "X-Amz-Algorithm", ALGORITHM);
    let credential = format!(
        "{}/{}/{}/{}/aws4_request",
        credentials.access_key_id(),
        date.date(),
        params.region,
        params.service
    );
    push(&mut added, "X-Amz-Credential", &credential);
    push(&mut added, "X-Amz-Date", date.timestamp());
    // botocore's order, so a URL is byte for byte the one the AWS CLI would write.
    push(
        &mut added,
        "X-Amz-Expires",
        &expires_in.as_secs().to_string(),
    );
    push(&mut added, "X-Amz-SignedHeaders", &signed_headers);
    if let (Some(token), SessionTokenMode::Signed) = (token, params.settings.session_token) {
        push(&mut added, "X-Amz-Security-Token", token);
    }
    let base_query = work.query();
    let query = if base_query.is_empty() {
        added[1..].to_owned()
    } else {
        format!("{base_query}{added}")
    };
    let out = compute(
        keys,
        work,
        credentials,
        params,
        &date,
        (work.path(), &query),
        hash.as_str(),
    )?;
    let mut tail = String::new();
    if let (Some(token), SessionTokenMode::AddAfterSigning) = (token, params.settings.session_token)
    {
        push(&mut tail, "X-Amz-Security-Token", token);
    }
    push(&mut tail, "X-Amz-Signature", out.signature.expose());
    let url = work.url();
    let parts = crate::http::UrlParts::of(url);
    let mut new_url = String::with_capacity(url.len() + query.len() + tail.len() + 2);
    if let (Some(scheme), Some(authority)) = (parts.scheme, parts.authority) {
        new_url.push_str(scheme);
        new_url.push_str("://");
        new_url.push_str(authority);
    }
    new_url.push_str(parts.path);
    new_url.push('?');
    new_url.push_str(&query);
    new_url.push_str(&tail);
    if let Some(f) = parts.fragment {
        new_url.push('#');
        new_url.push_str(f);
    }
    work.set_sensitive_url(new_url);
    Ok(out)
}
