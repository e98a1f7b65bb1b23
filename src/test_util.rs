//! A loopback STS double for tests (feature `test-util`): a real HTTP/1.1 server on
//! 127.0.0.1 that checks each request's SigV4 signature like STS does, answers
//! `AssumeRole` and `GetCallerIdentity`, and plays scripted faults.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use stskit::test_util::{Reply, StsDouble};
//! let double = StsDouble::builder().with_key("AKIDEXAMPLE", "secret").start().await?;
//! double.push(Reply::status(503, "")); // the first request gets a 503, then normal answers
//! let url = double.endpoint_url();     // http://127.0.0.1:PORT/
//! # let _ = url; Ok(()) }
//! ```
//!
//! It serves one request per connection (`Connection: close`) and never follows the
//! real STS in anything but the wire format and the signature check.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use time::OffsetDateTime;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::credentials::Credentials;
use crate::date::format_http_date;
use crate::http::{HeaderNames, Request, find_header};
use crate::sigv4::{self, SessionTokenMode, SigningParams, SigningSettings};
use crate::sts::form;
use crate::sts::response::format_rfc3339;

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 1024 * 1024;

/// What the double does with one request.
#[derive(Clone)]
#[non_exhaustive]
pub enum Reply {
    /// Check the signature and answer as STS would.
    Normal,
    /// Answer this status, content type and body, whatever the request.
    Canned {
        /// HTTP status.
        status: u16,
        /// `Content-Type` (none when empty).
        content_type: String,
        /// Body bytes.
        body: Vec<u8>,
    },
    /// Wait, then reply.
    Delay(Duration, Box<Reply>),
    /// Read the request and never answer (the connection stays open).
    Silent,
    /// Send the status line and headers (with the full `Content-Length`), then the body
    /// one byte per `interval`.
    Drip {
        /// Body to drip.
        body: Vec<u8>,
        /// Pause between bytes.
        interval: Duration,
    },
    /// A redirect to `location`.
    Redirect {
        /// 301, 302, 303, 307 or 308.
        status: u16,
        /// The `Location` header.
        location: String,
    },
    /// A 200 of `len` bytes of XML-ish filler, with or without `Content-Length`
    /// (chunked when without).
    Oversized {
        /// Body length.
        len: usize,
        /// Whether to announce it in `Content-Length`.
        content_length: bool,
    },
    /// A 200 that announces `declared_len` bytes and sends only `body`, then closes.
    Truncated {
        /// The bytes actually sent.
        body: Vec<u8>,
        /// The `Content-Length` announced.
        declared_len: usize,
    },
    /// Decide per request.
    Handler(Arc<dyn Fn(&RecordedRequest) -> Reply + Send + Sync>),
}

impl Reply {
    /// A canned answer with `text/xml` (or no content type for an empty body).
    pub fn status(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        let body = body.into();
        Reply::Canned {
            status,
            content_type: if body.is_empty() {
                String::new()
            } else {
                "text/xml".into()
            },
            body,
        }
    }
    /// A canned answer with a content type.
    pub fn with_type(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Canned {
            status,
            content_type: content_type.into(),
            body: body.into(),
        }
    }
    /// A proxy's HTML error page.
    pub fn html(status: u16) -> Reply {
        Reply::with_type(
            status,
            "text/html",
            format!(
                "<!DOCTYPE html>\n<html><head><title>{status}</title></head><body><h1>{status} Bad Gateway</h1></body></html>\n"
            ),
        )
    }
    /// An STS error document.
    pub fn sts_error(status: u16, code: &str, message: &str) -> Reply {
        Reply::status(
            status,
            error_body(code, message, "00000000-0000-0000-0000-00000000d0b1"),
        )
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reply::Normal => f.write_str("Normal"),
            Reply::Canned { status, body, .. } => {
                write!(f, "Canned({status}, {} bytes)", body.len())
            }
            Reply::Delay(d, r) => write!(f, "Delay({d:?}, {r:?})"),
            Reply::Silent => f.write_str("Silent"),
            Reply::Drip { body, interval } => write!(f, "Drip({} bytes, {interval:?})", body.len()),
            Reply::Redirect { status, .. } => write!(f, "Redirect({status})"),
            Reply::Oversized {
                len,
                content_length,
            } => write!(f, "Oversized({len}, {content_length})"),
            Reply::Truncated { body, declared_len } => {
                write!(f, "Truncated({}/{declared_len})", body.len())
            }
            Reply::Handler(_) => f.write_str("Handler"),
        }
    }
}

/// The outcome of the double's signature check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureCheck {
    /// The signature verifies.
    Valid,
    /// No (or an unreadable) `Authorization` header.
    Missing,
    /// The access key id is not known to the double.
    UnknownKey,
    /// Temporary credentials without their (right) session token.
    BadToken,
    /// The signature does not match.
    Mismatch,
    /// `X-Amz-Date` is more than 15 minutes from the double's clock.
    Expired,
}

/// One request the double received.
#[derive(Clone)]
pub struct RecordedRequest {
    /// Method.
    pub method: String,
    /// Request target (path and query).
    pub target: String,
    /// Headers as received.
    pub headers: Vec<(String, String)>,
    /// Body bytes (they may hold an MFA code or an external id).
    pub body: Vec<u8>,
    /// The signature check.
    pub signature: SignatureCheck,
    /// The region and service of the credential scope, when readable.
    pub scope: Option<(String, String)>,
}

impl RecordedRequest {
    /// The first value of a header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
    /// The decoded form parameters of the body.
    pub fn form(&self) -> Vec<(String, String)> {
        form::decode(&self.body)
    }
    /// The first value of a form parameter.
    pub fn param(&self, name: &str) -> Option<String> {
        self.form()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("target", &self.target)
            .field("headers", &HeaderNames(&self.headers))
            .field("body_len", &self.body.len())
            .field("signature", &self.signature)
            .finish()
    }
}

struct Key {
    secret: String,
    token: Option<String>,
    arn: String,
    user_id: String,
}

struct State {
    keys: HashMap<String, Key>,
    script: VecDeque<Reply>,
    requests: Vec<RecordedRequest>,
    account: String,
    issued: u64,
    clock_offset: time::Duration,
    fixed_expiration: Option<OffsetDateTime>,
}

/// Settings of an [`StsDouble`] before it starts.
#[derive(Debug, Default)]
pub struct StsDoubleBuilder {
    keys: Vec<(String, String, Option<String>)>,
    tls: Option<(String, String)>,
    account: Option<String>,
    clock_offset: time::Duration,
    fixed_expiration: Option<OffsetDateTime>,
}

impl StsDoubleBuilder {
    /// Accepts requests signed with this long-term key.
    pub fn with_key(mut self, access_key_id: &str, secret: &str) -> Self {
        self.keys.push((access_key_id.into(), secret.into(), None));
        self
    }
    /// Accepts requests signed with these temporary credentials (token required).
    pub fn with_temporary_key(mut self, access_key_id: &str, secret: &str, token: &str) -> Self {
        self.keys
            .push((access_key_id.into(), secret.into(), Some(token.into())));
        self
    }
    /// The account id in ARNs (default `123456789012`).
    pub fn with_account(mut self, account: &str) -> Self {
        self.account = Some(account.into());
        self
    }
    /// Runs the double's clock (its `Date` header and signature-expiry check) this far
    /// ahead of the system clock (negative: behind).
    pub fn with_clock_offset(mut self, offset: time::Duration) -> Self {
        self.clock_offset = offset;
        self
    }
    /// Serves HTTPS with this certificate chain and private key (PEM); the endpoint
    /// becomes `https://localhost:PORT/`, so the certificate should name `localhost`.
    pub fn with_tls(mut self, cert_chain_pem: &str, private_key_pem: &str) -> Self {
        self.tls = Some((cert_chain_pem.into(), private_key_pem.into()));
        self
    }
    /// Issues credentials with this expiration instead of now + `DurationSeconds`.
    pub fn with_fixed_expiration(mut self, t: OffsetDateTime) -> Self {
        self.fixed_expiration = Some(t);
        self
    }

    /// Binds 127.0.0.1 on a free port and starts serving on the current tokio runtime.
    ///
    /// # Errors
    /// When the port cannot be bound, or the TLS certificate or key is unusable.
    pub async fn start(self) -> std::io::Result<StsDouble> {
        let acceptor = match &self.tls {
            None => None,
            Some((cert, key)) => Some(tls_acceptor(cert, key)?),
        };
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let account = self.account.unwrap_or_else(|| "123456789012".into());
        let keys = self
            .keys
            .into_iter()
            .map(|(id, secret, token)| {
                let key = Key {
                    secret,
                    token,
                    arn: format!("arn:aws:iam::{account}:user/stskit-double"),
                    user_id: format!("AIDA{}", id.chars().rev().take(12).collect::<String>()),
                };
                (id, key)
            })
            .collect();
        let state = Arc::new(Mutex::new(State {
            keys,
            script: VecDeque::new(),
            requests: Vec::new(),
            account,
            issued: 0,
            clock_offset: self.clock_offset,
            fixed_expiration: self.fixed_expiration,
        }));
        let accept_state = Arc::clone(&state);
        let tls = acceptor.is_some();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let st = Arc::clone(&accept_state);
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    match acceptor {
                        None => {
                            let _ = serve(stream, st).await;
                        }
                        Some(a) => {
                            if let Ok(tls_stream) = a.accept(stream).await {
                                let _ = serve(tls_stream, st).await;
                            }
                        }
                    }
                });
            }
        });
        Ok(StsDouble {
            addr,
            state,
            task,
            tls,
        })
    }
}

/// A running loopback STS double. Dropping it stops accepting connections.
pub struct StsDouble {
    addr: SocketAddr,
    tls: bool,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl fmt::Debug for StsDouble {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsDouble")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for StsDouble {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl StsDouble {
    /// A builder with no keys, account `123456789012`.
    pub fn builder() -> StsDoubleBuilder {
        StsDoubleBuilder::default()
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/`, or `https://localhost:PORT/` with TLS.
    pub fn endpoint_url(&self) -> String {
        if self.tls {
            format!("https://localhost:{}/", self.addr.port())
        } else {
            format!("http://{}/", self.addr)
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues a reply for the next request not yet answered; when the queue is empty
    /// requests get [`Reply::Normal`].
    pub fn push(&self, reply: Reply) {
        self.lock().script.push_back(reply);
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        self.lock().requests.len()
    }

    /// Registers temporary credentials so requests signed with them verify.
    pub fn add_temporary_key(&self, access_key_id: &str, secret: &str, token: &str) {
        let mut st = self.lock();
        let arn = format!("arn:aws:iam::{}:user/stskit-double", st.account);
        st.keys.insert(
            access_key_id.into(),
            Key {
                secret: secret.into(),
                token: Some(token.into()),
                arn,
                user_id: "AIDATEMPORARY".into(),
            },
        );
    }
}

fn tls_acceptor(cert_pem: &str, key_pem: &str) -> std::io::Result<tokio_rustls::TlsAcceptor> {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, what.to_owned());
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|_| bad("unreadable certificate PEM"))?;
    let key =
        PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|_| bad("unreadable key PEM"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| bad("no TLS versions"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|_| bad("certificate and key do not match"))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn error_body(code: &str, message: &str, request_id: &str) -> Vec<u8> {
    let kind = if code == "InternalFailure" {
        "Receiver"
    } else {
        "Sender"
    };
    format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>{kind}</Type>\n    \
         <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n",
        xml_escape(code),
        xml_escape(message)
    )
    .into_bytes()
}

struct Incoming {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Option<Incoming> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.splitn(3, ' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let len: usize = find_header(&headers, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if len > MAX_BODY {
        return None;
    }
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(len);
    Some(Incoming {
        method,
        target,
        headers,
        body,
    })
}

fn parse_authorization(v: &str) -> Option<(String, String, String, String, String, String)> {
    let rest = v.strip_prefix("AWS4-HMAC-SHA256 ")?;
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (k, val) = part.trim().split_once('=')?;
        match k {
            "Credential" => credential = Some(val),
            "SignedHeaders" => signed = Some(val),
            "Signature" => signature = Some(val),
            _ => return None,
        }
    }
    let mut c = credential?.split('/');
    let (id, date, region, service, term) = (c.next()?, c.next()?, c.next()?, c.next()?, c.next()?);
    if term != "aws4_request" || c.next().is_some() {
        return None;
    }
    Some((
        id.to_owned(),
        date.to_owned(),
        region.to_owned(),
        service.to_owned(),
        signed?.to_owned(),
        signature?.to_owned(),
    ))
}

fn parse_amz_date(s: &str) -> Option<OffsetDateTime> {
    if s.len() != 16 || s.as_bytes()[8] != b'T' || !s.ends_with('Z') {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    let date = time::Date::from_calendar_date(
        n(0..4)? as i32,
        time::Month::try_from(n(4..6)? as u8).ok()?,
        n(6..8)? as u8,
    )
    .ok()?;
    let t = time::Time::from_hms(n(9..11)? as u8, n(11..13)? as u8, n(13..15)? as u8).ok()?;
    Some(date.with_time(t).assume_utc())
}

/// Verifies a request the way STS does, with our signer over the signed headers only.
fn check_signature(
    req: &Incoming,
    st: &State,
    now: OffsetDateTime,
) -> (SignatureCheck, Option<(String, String)>, Option<String>) {
    let header = |name: &str| find_header(&req.headers, name);
    let Some((id, date, region, service, signed, signature)) =
        header("authorization").and_then(parse_authorization)
    else {
        return (SignatureCheck::Missing, None, None);
    };
    let scope = Some((region.clone(), service.clone()));
    let Some(key) = st.keys.get(&id) else {
        return (SignatureCheck::UnknownKey, scope, None);
    };
    let sent_token = header("x-amz-security-token");
    if key.token.is_some() && key.token.as_deref() != sent_token {
        return (SignatureCheck::BadToken, scope, Some(id));
    }
    let Some(time) = header("x-amz-date").and_then(parse_amz_date) else {
        return (SignatureCheck::Mismatch, scope, Some(id));
    };
    if header("x-amz-date").and_then(|d| d.get(..8)) != Some(date.as_str()) {
        return (SignatureCheck::Mismatch, scope, Some(id));
    }
    if (time - now).abs() > time::Duration::minutes(15) {
        return (SignatureCheck::Expired, scope, Some(id));
    }
    let signed_names: Vec<&str> = signed.split(';').collect();
    let mut rebuilt =
        Request::new(req.method.clone(), req.target.clone()).with_body(req.body.clone());
    for (n, v) in &req.headers {
        let lower = n.to_ascii_lowercase();
        if signed_names.contains(&lower.as_str()) {
            rebuilt.append_header(n.clone(), v.clone());
        }
    }
    let token_signed = signed_names.contains(&"x-amz-security-token");
    let creds = Credentials::new(
        id.clone(),
        key.secret.clone(),
        sent_token.map(str::to_owned),
    );
    let settings = SigningSettings::default().with_session_token(if token_signed {
        SessionTokenMode::Signed
    } else {
        SessionTokenMode::AddAfterSigning
    });
    let params = SigningParams::new(&region, &service, time).with_settings(settings);
    let ok = match sigv4::sign(&mut rebuilt, &creds, &params) {
        Ok(out) => {
            out.signature().expose() == signature
                && out.canonical_request().signed_headers() == signed
                && out.string_to_sign().scope().starts_with(&date)
        }
        Err(_) => false,
    };
    (
        if ok {
            SignatureCheck::Valid
        } else {
            SignatureCheck::Mismatch
        },
        scope,
        Some(id),
    )
}

fn request_id(n: u64) -> String {
    format!("5ec1d0b1-{:04x}-4000-8000-{:012x}", n & 0xffff, n)
}

/// The answer of [`Reply::Normal`]: (status, body).
fn answer(
    req: &Incoming,
    st: &mut State,
    check: SignatureCheck,
    key_id: Option<String>,
    now: OffsetDateTime,
) -> (u16, Vec<u8>) {
    st.issued += 1;
    let rid = request_id(st.issued);
    let err = |status: u16, code: &str, msg: &str| (status, error_body(code, msg, &rid));
    match check {
        SignatureCheck::Valid => {}
        SignatureCheck::Missing => {
            return err(
                403,
                "MissingAuthenticationToken",
                "Request is missing Authentication Token",
            );
        }
        SignatureCheck::UnknownKey | SignatureCheck::BadToken => {
            return err(
                403,
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
            );
        }
        SignatureCheck::Mismatch => {
            return err(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
            );
        }
        SignatureCheck::Expired => {
            return err(
                403,
                "SignatureDoesNotMatch",
                "Signature expired: the request time is too far from the server time.",
            );
        }
    }
    let params = form::decode(&req.body);
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if get("Version") != Some("2011-06-15") {
        return err(
            400,
            "InvalidAction",
            "Could not find operation for the given version",
        );
    }
    let key_id = key_id.unwrap_or_default();
    match get("Action") {
        Some("GetCallerIdentity") => {
            let key = &st.keys[&key_id];
            let body = format!(
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <GetCallerIdentityResult>\n    \
                 <Arn>{}</Arn>\n    <UserId>{}</UserId>\n    <Account>{}</Account>\n  </GetCallerIdentityResult>\n  \
                 <ResponseMetadata>\n    <RequestId>{rid}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n",
                xml_escape(&key.arn),
                xml_escape(&key.user_id),
                st.account
            );
            (200, body.into_bytes())
        }
        Some("AssumeRole") => {
            let (Some(role_arn), Some(session)) = (get("RoleArn"), get("RoleSessionName")) else {
                return err(
                    400,
                    "ValidationError",
                    "RoleArn and RoleSessionName are required",
                );
            };
            let duration: i64 = get("DurationSeconds")
                .and_then(|d| d.parse().ok())
                .unwrap_or(3600);
            let role_name = role_arn.rsplit('/').next().unwrap_or("role").to_owned();
            let n = st.issued;
            let access_key_id = format!("ASIADOUBLE{n:010}");
            let secret = format!("double/secret+{n:06}+{}", "k".repeat(20));
            let token = format!("FwoGZXIvYXdzEDoubleToken{n:08}{}", "T".repeat(80));
            let Some(expiration) = st
                .fixed_expiration
                .or_else(|| now.checked_add(time::Duration::seconds(duration)))
            else {
                return err(400, "ValidationError", "DurationSeconds is out of range");
            };
            let arn = format!(
                "arn:aws:sts::{}:assumed-role/{role_name}/{session}",
                st.account
            );
            let role_id = format!("AROADOUBLE{n:08}:{session}");
            let exp_text = format_rfc3339(expiration);
            let source_identity = get("SourceIdentity")
                .map(|s| format!("    <SourceIdentity>{}</SourceIdentity>\n", xml_escape(s)))
                .unwrap_or_default();
            let packed = get("Policy")
                .map(|_| "    <PackedPolicySize>6</PackedPolicySize>\n")
                .unwrap_or("");
            let body = format!(
                "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <AssumeRoleResult>\n{source_identity}    \
                 <AssumedRoleUser>\n      <AssumedRoleId>{}</AssumedRoleId>\n      <Arn>{}</Arn>\n    </AssumedRoleUser>\n    \
                 <Credentials>\n      <AccessKeyId>{access_key_id}</AccessKeyId>\n      <SecretAccessKey>{}</SecretAccessKey>\n      \
                 <SessionToken>{token}</SessionToken>\n      <Expiration>{exp_text}</Expiration>\n    </Credentials>\n{packed}  \
                 </AssumeRoleResult>\n  <ResponseMetadata>\n    <RequestId>{rid}</RequestId>\n  </ResponseMetadata>\n</AssumeRoleResponse>\n",
                xml_escape(&role_id),
                xml_escape(&arn),
                xml_escape(&secret),
            );
            st.keys.insert(
                access_key_id,
                Key {
                    secret,
                    token: Some(token),
                    arn,
                    user_id: role_id,
                },
            );
            (200, body.into_bytes())
        }
        _ => err(400, "InvalidAction", "Could not find operation"),
    }
}

fn head(
    status: u16,
    content_type: &str,
    content_length: Option<usize>,
    extra: &[(&str, String)],
    date: &str,
    rid: &str,
) -> Vec<u8> {
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    };
    let mut h = format!(
        "HTTP/1.1 {status} {reason}\r\nDate: {date}\r\nx-amzn-RequestId: {rid}\r\nConnection: close\r\n"
    );
    if !content_type.is_empty() {
        h.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    match content_length {
        Some(n) => h.push_str(&format!("Content-Length: {n}\r\n")),
        None => h.push_str("Transfer-Encoding: chunked\r\n"),
    }
    for (k, v) in extra {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str("\r\n");
    h.into_bytes()
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    state: Arc<Mutex<State>>,
) -> std::io::Result<()> {
    let Some(req) = read_request(&mut stream).await else {
        return Ok(());
    };
    let lock = || state.lock().unwrap_or_else(|e| e.into_inner());
    let (reply, check, scope, key_id, now, rid) = {
        let mut st = lock();
        let now = OffsetDateTime::now_utc();
        let now = now.checked_add(st.clock_offset).unwrap_or(now);
        let (check, scope, key_id) = check_signature(&req, &st, now);
        let reply = st.script.pop_front().unwrap_or(Reply::Normal);
        st.requests.push(RecordedRequest {
            method: req.method.clone(),
            target: req.target.clone(),
            headers: req.headers.clone(),
            body: req.body.clone(),
            signature: check,
            scope: scope.clone(),
        });
        let rid = request_id(st.requests.len() as u64 + 1_000_000);
        (reply, check, scope, key_id, now, rid)
    };
    let _ = scope;
    let date = format_http_date(now);
    let mut reply = reply;
    loop {
        match reply {
            Reply::Handler(h) => {
                let recorded = lock().requests.last().cloned();
                reply = match recorded {
                    Some(r) => h(&r),
                    None => Reply::Normal,
                };
            }
            Reply::Delay(d, next) => {
                tokio::time::sleep(d).await;
                reply = *next;
            }
            other => {
                reply = other;
                break;
            }
        }
    }
    match reply {
        Reply::Normal | Reply::Canned { .. } => {
            let (status, content_type, body) = match reply {
                Reply::Canned {
                    status,
                    content_type,
                    body,
                } => (status, content_type, body),
                _ => {
                    let (status, body) = answer(&req, &mut lock(), check, key_id, now);
                    (status, "text/xml".to_owned(), body)
                }
            };
            stream
                .write_all(&head(
                    status,
                    &content_type,
                    Some(body.len()),
                    &[],
                    &date,
                    &rid,
                ))
                .await?;
            stream.write_all(&body).await?;
        }
        Reply::Silent => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Reply::Drip { body, interval } => {
            stream
                .write_all(&head(200, "text/xml", Some(body.len()), &[], &date, &rid))
                .await?;
            for b in body {
                stream.write_all(&[b]).await?;
                stream.flush().await?;
                tokio::time::sleep(interval).await;
            }
        }
        Reply::Redirect { status, location } => {
            stream
                .write_all(&head(
                    status,
                    "",
                    Some(0),
                    &[("Location", location)],
                    &date,
                    &rid,
                ))
                .await?;
        }
        Reply::Oversized {
            len,
            content_length,
        } => {
            const FILL: [u8; 16 * 1024] = [b' '; 16 * 1024];
            let prefix = b"<AssumeRoleResponse>";
            stream
                .write_all(&head(
                    200,
                    "text/xml",
                    content_length.then_some(len),
                    &[],
                    &date,
                    &rid,
                ))
                .await?;
            let mut sent = 0;
            let mut first = true;
            while sent < len {
                let n = (len - sent).min(FILL.len());
                let piece: Vec<u8> = if first {
                    first = false;
                    let mut p = prefix.to_vec();
                    p.extend_from_slice(&FILL[..n.saturating_sub(prefix.len())]);
                    p.truncate(n);
                    p
                } else {
                    FILL[..n].to_vec()
                };
                if content_length {
                    stream.write_all(&piece).await?;
                } else {
                    stream
                        .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                        .await?;
                    stream.write_all(&piece).await?;
                    stream.write_all(b"\r\n").await?;
                }
                sent += piece.len();
            }
            if !content_length {
                stream.write_all(b"0\r\n\r\n").await?;
            }
        }
        Reply::Truncated { body, declared_len } => {
            stream
                .write_all(&head(200, "text/xml", Some(declared_len), &[], &date, &rid))
                .await?;
            stream.write_all(&body).await?;
        }
        Reply::Delay(..) | Reply::Handler(_) => unreachable!("resolved above"),
    }
    stream.flush().await?;
    let _ = stream.shutdown().await;
    Ok(())
}
