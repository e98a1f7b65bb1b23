//! Replaying: each request matched, in order, against the cassette's (method, host,
//! path, action and every parameter but the secret ones), and answered with the
//! recorded answer; the first difference is the error.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;

use super::record::params_of;
use super::redact::{SECRET_PARAMS, same_or_placeholder};
use super::{Cassette, CassetteError, Interaction};
use crate::client::{Clock, StsClient};
use crate::http::{Request, Response};
use crate::provider::Os;
use crate::sts::Endpoint;
use crate::transport::tape::{Before, Tape};
use crate::transport::{Transport, TransportError, TransportErrorKind};

/// A request sent during a replay, as a test asserts on it. It holds what was sent,
/// secrets included (an external id, a session token in a presigned URL): `Debug`
/// shows the URL without its query and the secret parameters' names only.
#[derive(Clone, PartialEq, Eq)]
pub struct SentRequest {
    /// `POST`, `GET`, `PUT`.
    pub method: String,
    /// The whole URL.
    pub url: String,
    /// The decoded form parameters (`POST`) or query, in order.
    pub params: Vec<(String, String)>,
    /// The signing scope (`20261205/eu-west-1/sts`), when it was signed.
    pub scope: Option<String>,
}

impl fmt::Debug for SentRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = crate::http::UrlParts::of(&self.url);
        let params: Vec<(&str, &str)> = self
            .params
            .iter()
            .map(|(k, v)| {
                let shown = if SECRET_PARAMS.contains(&k.as_str()) {
                    "<redacted>"
                } else {
                    v
                };
                (k.as_str(), shown)
            })
            .collect();
        f.debug_struct("SentRequest")
            .field("method", &self.method)
            .field("host", &parts.authority)
            .field("path", &parts.path)
            .field("params", &params)
            .field("scope", &self.scope)
            .finish()
    }
}

impl SentRequest {
    fn of(request: &Request) -> SentRequest {
        let params = params_of(request.method(), request.url(), request.body());
        let credential = request
            .header("authorization")
            .and_then(|a| a.split("Credential=").nth(1))
            .map(str::to_owned)
            .or_else(|| {
                params
                    .iter()
                    .find(|(k, _)| k == "X-Amz-Credential")
                    .map(|(_, v)| v.clone())
            });
        let scope = credential.and_then(|c| {
            let parts: Vec<&str> = c.split([',', ' ']).next()?.split('/').collect();
            (parts.len() == 5).then(|| parts[1..4].join("/"))
        });
        SentRequest {
            method: request.method().to_owned(),
            url: request.url().to_owned(),
            params,
            scope,
        }
    }

    /// The value of the first parameter named `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        super::first_param(&self.params, name)
    }

    /// The STS action (`Action`), when it is an STS call.
    pub fn operation(&self) -> Option<&str> {
        self.param("Action")
    }
}

/// How a request differs from the cassette's next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The request's number, from 1.
    pub number: usize,
    /// The first field that differs: `method`, `host`, `path`, `Action`, `param NAME`,
    /// or `end` for a request past the cassette's last.
    pub field: String,
    /// What the cassette holds there (escaped, shortened).
    pub recorded: String,
    /// What was sent (escaped, shortened).
    pub sent: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field == "end" {
            return write!(
                f,
                "replay: request {} is past the end of the cassette ({} recorded)",
                self.number, self.recorded
            );
        }
        write!(
            f,
            "replay: request {} differs from the cassette in {}: recorded {}, sent {}",
            self.number, self.field, self.recorded, self.sent
        )
    }
}

impl std::error::Error for Mismatch {}

fn shown(s: Option<&str>) -> String {
    match s {
        None => "nothing".into(),
        Some(s) => {
            let short: String = s.chars().take(120).collect();
            format!("\"{}\"", crate::text::escape_for_terminal(&short))
        }
    }
}

/// The authority and path of `url` (`/` for an empty path).
fn host_and_path(url: &str) -> (&str, &str) {
    let parts = crate::http::UrlParts::of(url);
    let path = if parts.path.is_empty() {
        "/"
    } else {
        parts.path
    };
    (parts.authority.unwrap_or_default(), path)
}

/// The first difference between the recorded request and the one sent.
fn compare(
    number: usize,
    recorded: &Interaction,
    sent: &SentRequest,
    with_host: bool,
) -> Result<(), Mismatch> {
    let differ = |field: &str, r: Option<&str>, s: Option<&str>| {
        Err(Mismatch {
            number,
            field: field.to_owned(),
            recorded: shown(r),
            sent: shown(s),
        })
    };
    let r = &recorded.request;
    if r.method != sent.method {
        return differ("method", Some(&r.method), Some(&sent.method));
    }
    let ((rh, rp), (sh, sp)) = (host_and_path(&r.url), host_and_path(&sent.url));
    if with_host && rh != sh {
        return differ("host", Some(rh), Some(sh));
    }
    if rp != sp {
        return differ("path", Some(rp), Some(sp));
    }
    let same_action = match (r.operation(), sent.operation()) {
        (Some(a), Some(b)) => same_or_placeholder(a, b),
        (a, b) => a == b,
    };
    if !same_action {
        return differ("Action", r.operation(), sent.operation());
    }
    let visible = |params: &[(String, String)]| -> Vec<(String, String)> {
        params
            .iter()
            .filter(|(k, _)| !SECRET_PARAMS.contains(&k.as_str()))
            .cloned()
            .collect()
    };
    let (rv, sv) = (visible(&r.params), visible(&sent.params));
    for (name, _) in rv.iter().chain(sv.iter()) {
        let all = |v: &[(String, String)]| -> Vec<String> {
            v.iter()
                .filter(|(k, _)| k == name)
                .map(|(_, x)| x.clone())
                .collect()
        };
        let (a, b) = (all(&rv), all(&sv));
        let same = a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| same_or_placeholder(x, y));
        if !same {
            let first = a
                .iter()
                .zip(&b)
                .position(|(x, y)| !same_or_placeholder(x, y))
                .unwrap_or(a.len().min(b.len()));
            return differ(
                &format!("param {}", crate::text::escape_for_terminal(name)),
                a.get(first).map(String::as_str),
                b.get(first).map(String::as_str),
            );
        }
    }
    Ok(())
}

/// A replayer: what a [`ReplayingTransport`], the double and the binary's `--replay`
/// answer with.
pub(crate) struct Replayer {
    cassette: Cassette,
    state: Mutex<(usize, Vec<SentRequest>)>,
    with_host: bool,
}

impl Replayer {
    pub(crate) fn new(cassette: Cassette, with_host: bool) -> Self {
        Replayer {
            cassette,
            state: Mutex::new((0, Vec::new())),
            with_host,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (usize, Vec<SentRequest>)> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The recorded answer to `request`, or how it differs from the recording.
    pub(crate) fn answer(&self, request: &Request) -> Result<Response, Mismatch> {
        let sent = SentRequest::of(request);
        let mut state = self.lock();
        state.1.push(sent.clone());
        let n = state.0;
        let Some(recorded) = self.cassette.interactions.get(n) else {
            return Err(Mismatch {
                number: n + 1,
                field: "end".into(),
                recorded: self.cassette.interactions.len().to_string(),
                sent: String::new(),
            });
        };
        compare(n + 1, recorded, &sent, self.with_host)?;
        state.0 += 1;
        let r = &recorded.response;
        Ok(Response::new(r.status, r.headers.clone(), r.body.clone()))
    }

    pub(crate) fn sent(&self) -> Vec<SentRequest> {
        self.lock().1.clone()
    }

    pub(crate) fn remaining(&self) -> usize {
        self.cassette.interactions.len() - self.lock().0
    }

    pub(crate) fn recorded_at(&self) -> OffsetDateTime {
        self.cassette.recorded_at
    }
}

/// A mismatch as a transport error (no usable answer; the STS client does not retry
/// it), the message naming the field.
fn refused(request: &Request, m: Mismatch) -> TransportError {
    let (host, _) = host_and_path(request.url());
    TransportError::new(TransportErrorKind::Other)
        .with_host(host)
        .with_source(m)
}

impl Tape for Replayer {
    fn before(&self, request: &Request) -> Before {
        Before::Answer(self.answer(request).map_err(|m| refused(request, m)))
    }

    fn after(&self, _: usize, _: &Response) {}
}

/// The recording's clock: always the time the recording started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinnedClock(pub OffsetDateTime);

impl Clock for PinnedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// A transport that answers from a cassette and sends nothing: each request must match
/// the next recorded one (method, host, path, action and every parameter that is not
/// secret), or it fails with a [`Mismatch`] (as the source of a
/// [`TransportError`] of kind `Other`).
#[derive(Clone)]
pub struct ReplayingTransport {
    replayer: Arc<Replayer>,
}

impl fmt::Debug for ReplayingTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayingTransport")
            .field("remaining", &self.remaining())
            .finish()
    }
}

impl ReplayingTransport {
    /// Answers from `cassette`.
    pub fn new(cassette: Cassette) -> Self {
        ReplayingTransport {
            replayer: Arc::new(Replayer::new(cassette, true)),
        }
    }

    /// Reads the cassette in `dir` and answers from it.
    ///
    /// # Errors
    /// As [`Cassette::load`].
    pub fn load(os: &Os, dir: &Path) -> Result<Self, CassetteError> {
        Ok(ReplayingTransport::new(Cassette::load(os, dir)?))
    }

    /// Every request sent so far, the one that did not match included.
    pub fn requests(&self) -> Vec<SentRequest> {
        self.replayer.sent()
    }

    /// How many recorded exchanges have not been asked for.
    pub fn remaining(&self) -> usize {
        self.replayer.remaining()
    }

    /// The recording's clock.
    pub fn clock(&self) -> PinnedClock {
        PinnedClock(self.replayer.recorded_at())
    }

    /// An STS client for `endpoint` over this transport and the recording's clock:
    /// what a test replaying a cassette needs, in one call.
    pub fn client(&self, endpoint: Endpoint) -> StsClient<ReplayingTransport, PinnedClock> {
        StsClient::with_transport(endpoint, self.clone(), self.clock())
    }
}

impl Transport for ReplayingTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        self.replayer
            .answer(&request)
            .map_err(|m| refused(&request, m))
    }
}

/// What a test replaying a cassette needs, from one call ([`replay`]): an STS client
/// over the cassette, the recording's clock, and the requests sent so far.
#[derive(Debug)]
pub struct Replay {
    /// An STS client for the endpoint given, answering from the cassette.
    pub client: StsClient<ReplayingTransport, PinnedClock>,
    /// The recording's clock (also the client's).
    pub clock: PinnedClock,
    /// The transport, for a chain or a provider to share.
    pub transport: ReplayingTransport,
}

impl Replay {
    /// Every request sent so far.
    pub fn requests(&self) -> Vec<SentRequest> {
        self.transport.requests()
    }
}

/// Reads the cassette in `dir` and gives an STS client for `endpoint` that answers
/// from it on the recording's clock, that clock, and the transport whose
/// [`ReplayingTransport::requests`] a test asserts on.
///
/// # Errors
/// As [`Cassette::load`].
pub fn replay(dir: impl AsRef<Path>, endpoint: Endpoint) -> Result<Replay, CassetteError> {
    let transport = ReplayingTransport::load(&Os::real(), dir.as_ref())?;
    Ok(Replay {
        client: transport.client(endpoint),
        clock: transport.clock(),
        transport,
    })
}
