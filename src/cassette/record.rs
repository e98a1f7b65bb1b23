//! Recording: every request and its answer kept as sent and received, and turned
//! into a [`Cassette`] without their secrets when asked.

use std::path::Path;
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::redact::Redactor;
use super::{Cassette, CassetteError, CassetteRequest, CassetteResponse, Interaction};
use crate::http::{Request, Response};
use crate::provider::Os;
use crate::sigv4::encode::encode_into;
use crate::transport::tape::{Before, Tape};
use crate::transport::{Transport, TransportError};

/// An answer as it came: status, headers, body (wiped on drop).
type RawAnswer = (u16, Vec<(String, String)>, Zeroizing<Vec<u8>>);

/// One exchange as it happened (secrets still in it, wiped on drop).
struct Raw {
    method: String,
    url: Zeroizing<String>,
    params: Vec<(Zeroizing<String>, Zeroizing<String>)>,
    answer: Option<RawAnswer>,
}

/// `t` without its fraction of a second.
pub(crate) fn whole_second(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(0).unwrap_or(t)
}

/// The decoded form parameters of a `POST` (the top-level fields of a JSON body, as
/// IAM Identity Center's token refresh sends), or the query of any other request.
pub(crate) fn params_of(method: &str, url: &str, body: &[u8]) -> Vec<(String, String)> {
    if body.first() == Some(&b'{') {
        return match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(serde_json::Value::Object(map)) => map
                .into_iter()
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => (k, s),
                    other => (k, other.to_string()),
                })
                .collect(),
            _ => Vec::new(),
        };
    }
    if method == "POST" {
        crate::sts::form::decode(body)
    } else {
        match crate::http::UrlParts::of(url).query {
            Some(query) => crate::sts::form::decode(query.as_bytes()),
            None => Vec::new(),
        }
    }
}

/// A recorder: what a [`RecordingTransport`] and the binary's `--record` write with.
pub(crate) struct Recorder {
    recorded_at: OffsetDateTime,
    state: Mutex<(Vec<Raw>, Redactor)>,
}

impl Recorder {
    /// A recorder whose cassette says `recorded_at` (to the second, as it is written).
    pub(crate) fn new(recorded_at: OffsetDateTime) -> Self {
        Recorder {
            recorded_at: whole_second(recorded_at),
            state: Mutex::new((Vec::new(), Redactor::default())),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (Vec<Raw>, Redactor)> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Notes a request about to be sent; its number.
    pub(crate) fn note(&self, request: &Request) -> usize {
        let params = params_of(request.method(), request.url(), request.body());
        let mut state = self.lock();
        state.1.learn_request(request, &params);
        state.0.push(Raw {
            method: request.method().to_owned(),
            url: Zeroizing::new(request.url().to_owned()),
            params: params
                .into_iter()
                .map(|(k, v)| (Zeroizing::new(k), Zeroizing::new(v)))
                .collect(),
            answer: None,
        });
        state.0.len() - 1
    }

    /// Notes the answer to request `n`.
    pub(crate) fn answer(&self, n: usize, response: &Response) {
        let mut state = self.lock();
        let (raws, redactor) = &mut *state;
        let Some(raw) = raws.get_mut(n) else {
            return;
        };
        redactor.learn_response(&raw.url, response);
        raw.answer = Some((
            response.status(),
            response.headers().to_vec(),
            Zeroizing::new(response.body().to_vec()),
        ));
    }

    /// The cassette so far: every answered exchange, every secret learned replaced.
    pub(crate) fn cassette(&self) -> Cassette {
        let state = self.lock();
        let (raws, redactor) = &*state;
        let mut cassette = Cassette::new(self.recorded_at);
        for raw in raws {
            let Some((status, headers, body)) = &raw.answer else {
                continue;
            };
            let params: Vec<(String, String)> = raw
                .params
                .iter()
                .map(|(k, v)| (k.to_string(), redactor.scrub(v)))
                .collect();
            // Scheme, host and path carry no secret; the query is written anew from its
            // scrubbed parameters.
            let url = match raw.url.split_once('?') {
                Some((base, _)) => {
                    let mut url = format!("{base}?");
                    for (i, (k, v)) in params.iter().enumerate() {
                        if i > 0 {
                            url.push('&');
                        }
                        encode_into(&mut url, k.as_bytes(), false);
                        url.push('=');
                        encode_into(&mut url, v.as_bytes(), false);
                    }
                    url
                }
                None => raw.url.to_string(),
            };
            let number = cassette.interactions.len() + 1;
            let body_file = body_file_name(number, &raw.method, &url, &params, headers, body);
            cassette.interactions.push(Interaction {
                request: CassetteRequest {
                    method: raw.method.clone(),
                    url,
                    params,
                },
                response: CassetteResponse {
                    status: *status,
                    headers: headers
                        .iter()
                        .map(|(k, v)| (k.clone(), redactor.scrub(v)))
                        .collect(),
                    body: redactor.scrub_bytes(body),
                    body_file,
                },
            });
        }
        cassette
    }
}

/// `001-AssumeRole.xml` for STS, `002-credentials.json` for a JSON source: the number,
/// the action or the URL's last path segment, and the kind of body.
fn body_file_name(
    number: usize,
    method: &str,
    url: &str,
    params: &[(String, String)],
    headers: &[(String, String)],
    body: &[u8],
) -> String {
    let action = params
        .iter()
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v.as_str());
    let path = url.split('?').next().unwrap_or_default();
    let segment = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.contains(':'))
        .unwrap_or_default();
    let label: String = action
        .unwrap_or(if segment.is_empty() { method } else { segment })
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(40)
        .collect();
    let content_type = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.to_ascii_lowercase())
        .unwrap_or_default();
    let start = body.iter().find(|b| !b.is_ascii_whitespace());
    let ext = if content_type.contains("xml") || start == Some(&b'<') {
        "xml"
    } else if content_type.contains("json") || start == Some(&b'{') {
        "json"
    } else {
        "txt"
    };
    let label = if label.is_empty() {
        "answer".into()
    } else {
        label
    };
    format!("{number:03}-{label}.{ext}")
}

impl Tape for Recorder {
    fn before(&self, request: &Request) -> Before {
        Before::Send(self.note(request))
    }

    fn after(&self, n: usize, response: &Response) {
        self.answer(n, response);
    }
}

/// A transport that sends through `inner` and records every exchange.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use stskit::test_util::RecordingTransport;
/// use stskit::transport::ReqwestTransport;
/// let recording = RecordingTransport::new(ReqwestTransport::default(), time::OffsetDateTime::now_utc());
/// // ... send through `recording.clone()` (an StsClient, a provider, a chain) ...
/// recording.save(&stskit::provider::Os::real(), std::path::Path::new("tests/cassettes/assume"))?;
/// # Ok(()) }
/// ```
pub struct RecordingTransport<T> {
    inner: Arc<T>,
    recorder: Arc<Recorder>,
}

impl<T> Clone for RecordingTransport<T> {
    fn clone(&self) -> Self {
        RecordingTransport {
            inner: self.inner.clone(),
            recorder: self.recorder.clone(),
        }
    }
}

impl<T> std::fmt::Debug for RecordingTransport<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordingTransport").finish_non_exhaustive()
    }
}

impl<T: Transport> RecordingTransport<T> {
    /// Records what goes through `inner`; the recording's clock is `recorded_at` (to
    /// the second).
    pub fn new(inner: T, recorded_at: OffsetDateTime) -> Self {
        RecordingTransport {
            inner: Arc::new(inner),
            recorder: Arc::new(Recorder::new(recorded_at)),
        }
    }

    /// The cassette so far, without its secrets.
    pub fn cassette(&self) -> Cassette {
        self.recorder.cassette()
    }

    /// Writes the cassette so far into `dir` (see [`Cassette::save`]).
    ///
    /// # Errors
    /// As [`Cassette::save`].
    pub fn save(&self, os: &Os, dir: &Path) -> Result<(), CassetteError> {
        self.cassette().save(os, dir)
    }
}

impl<T: Transport> Transport for RecordingTransport<T> {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let n = self.recorder.note(&request);
        let answer = self.inner.send(request).await;
        if let Ok(response) = &answer {
            self.recorder.answer(n, response);
        }
        answer
    }
}
