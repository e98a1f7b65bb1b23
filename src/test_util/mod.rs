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

mod metadata;
mod ops;
mod proof;
mod reply;
mod server;
mod sts;
mod verify;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use time::OffsetDateTime;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

pub use crate::cassette::redact::SECRET_PARAMS;
pub use crate::cassette::replay::{PinnedClock, Replay, replay};
pub use crate::cassette::{
    CASSETTE_FILE, Cassette, CassetteError, CassetteRequest, CassetteResponse, Interaction,
    Mismatch, RecordingTransport, ReplayingTransport, SentRequest, VERSION as CASSETTE_VERSION,
};
pub use metadata::{METADATA_ACCESS_KEY_ID, MetadataDouble, MetadataFault, MetadataRequest};
pub use proof::{ProofRejected, ProofVerifier};
pub use reply::Reply;
use server::{serve, tls_acceptor};
use sts::error_body;

use crate::client::{Clock, SystemClock};
use crate::credentials::Credentials;
use crate::date::format_http_date;
use crate::date::format_rfc3339;
use crate::http::{HeaderNames, Request, find_header};
use crate::sigv4::{self, SessionTokenMode, SigningParams, SigningSettings};
use crate::sts::form;

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 1024 * 1024;

/// The outcome of the double's signature check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureCheck {
    /// The signature verifies.
    Valid,
    /// No (or an unreadable) `Authorization` header, and no query signature.
    Missing,
    /// The access key id is not known to the double.
    UnknownKey,
    /// Temporary credentials without their (right) session token.
    BadToken,
    /// The signature does not match.
    Mismatch,
    /// `X-Amz-Date` is more than 15 minutes from the double's clock (a presigned
    /// URL: more than 15 minutes old, whatever its `X-Amz-Expires`).
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
    clock: Arc<dyn Clock>,
    fixed_expiration: Option<OffsetDateTime>,
    replayer: Option<Arc<crate::cassette::replay::Replayer>>,
}

/// Settings of an [`StsDouble`] before it starts.
#[derive(Debug, Default)]
pub struct StsDoubleBuilder {
    keys: Vec<(String, String, Option<String>)>,
    tls: Option<(String, String)>,
    account: Option<String>,
    clock_offset: time::Duration,
    clock: DoubleClock,
    fixed_expiration: Option<OffsetDateTime>,
    cassette: Option<Cassette>,
}

/// The double's clock: the system clock unless a test gives one.
#[derive(Clone)]
struct DoubleClock(Arc<dyn Clock>);

impl Default for DoubleClock {
    fn default() -> Self {
        DoubleClock(Arc::new(SystemClock))
    }
}

impl fmt::Debug for DoubleClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
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
    /// Reads the time from `clock` (default: the system clock), before any offset.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = DoubleClock(Arc::new(clock));
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

    /// Answers from `cassette` instead of as STS would: each request must match the
    /// next recorded one (method, path, action and every parameter that is not secret;
    /// not the host, which is the double's), and gets its recorded answer; a request
    /// that differs gets a 400 `StsDoubleCassetteMismatch` naming the first field. The
    /// double's clock is the recording's. Signatures are not checked (the cassette's
    /// keys are placeholders).
    pub fn with_cassette(mut self, cassette: Cassette) -> Self {
        self.clock = DoubleClock(Arc::new(PinnedClock(cassette.recorded_at)));
        self.cassette = Some(cassette);
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
            clock: self.clock.0,
            fixed_expiration: self.fixed_expiration,
            replayer: self
                .cassette
                .map(|c| Arc::new(crate::cassette::replay::Replayer::new(c, false))),
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

    /// The double's time: its clock plus its offset (what its signature checks use).
    pub fn now(&self) -> OffsetDateTime {
        let st = self.lock();
        let now = st.clock.now();
        now.checked_add(st.clock_offset).unwrap_or(now)
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
