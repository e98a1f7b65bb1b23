//! Cassettes: real STS and source traffic recorded into files without its secrets,
//! and replayed offline on the recording's clock.
//!
//! A cassette is a folder: `cassette.json`, and each answer's body in a file of its own
//! (`001-AssumeRole.xml`, `002-credentials.json`, ... in call order):
//!
//! ```json
//! {
//!   "version": 1,
//!   "recorded_at": "2026-12-05T10:00:00Z",
//!   "interactions": [
//!     {"request": {"method": "POST", "url": "https://sts.eu-west-1.amazonaws.com/",
//!                  "params": [["Action", "AssumeRole"], ["Version", "2011-06-15"], ...]},
//!      "response": {"status": 200, "headers": [["content-type", "text/xml"]],
//!                   "body_file": "001-AssumeRole.xml"}}
//!   ]
//! }
//! ```
//!
//! `params` are the decoded form parameters of a `POST`, or the query of any other
//! request. Secrets never reach it: see [`redact`].

pub(crate) mod record;
pub(crate) mod redact;
pub(crate) mod replay;

use std::fmt;
use std::path::Path;

use serde_json::Value;
use time::OffsetDateTime;

use crate::date::{format_rfc3339, parse_rfc3339};
use crate::provider::Os;

pub use record::RecordingTransport;
pub use replay::{Mismatch, ReplayingTransport, SentRequest};

/// The file that lists the interactions.
pub const CASSETTE_FILE: &str = "cassette.json";
/// The format's version.
pub const VERSION: u64 = 1;
/// The largest `cassette.json` read, in bytes.
const MAX_INDEX: u64 = 16 * 1024 * 1024;
/// The largest body file read, in bytes.
const MAX_BODY: u64 = 1024 * 1024;
/// The most bytes of bodies a cassette may hold in all (interactions may name the same
/// file many times): what a hostile cassette can make a replay hold in memory.
const MAX_BODIES: usize = 64 * 1024 * 1024;

/// A request as the cassette holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CassetteRequest {
    /// `POST`, `GET`, `PUT`.
    pub method: String,
    /// The whole URL (its query's secrets replaced).
    pub url: String,
    /// The decoded form parameters (`POST`) or query, in order.
    pub params: Vec<(String, String)>,
}

/// The value of the first of `params` named `name`.
pub(crate) fn first_param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

impl CassetteRequest {
    /// The value of the first parameter named `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        first_param(&self.params, name)
    }

    /// The STS action (`Action`), when it is an STS call.
    pub fn operation(&self) -> Option<&str> {
        self.param("Action")
    }
}

/// An answer as the cassette holds it.
#[derive(Clone, PartialEq, Eq)]
pub struct CassetteResponse {
    /// The HTTP status.
    pub status: u16,
    /// The headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body (in `body_file`).
    pub body: Vec<u8>,
    /// The body's file name in the cassette's folder.
    pub body_file: String,
}

impl fmt::Debug for CassetteResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CassetteResponse")
            .field("status", &self.status)
            .field("body_file", &self.body_file)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// One request and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interaction {
    /// What was sent.
    pub request: CassetteRequest,
    /// What came back.
    pub response: CassetteResponse,
}

/// A recording: when it was made, and every exchange in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cassette {
    /// When the recording started: the clock a replay runs on.
    pub recorded_at: OffsetDateTime,
    /// The exchanges, in call order.
    pub interactions: Vec<Interaction>,
}

/// Why a cassette could not be read or written.
#[derive(Debug)]
#[non_exhaustive]
pub enum CassetteError {
    /// A file could not be read or written.
    Io {
        /// The file.
        file: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// `cassette.json` is not a cassette.
    Format {
        /// What is wrong, naming the field.
        rule: String,
    },
}

impl fmt::Display for CassetteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CassetteError::Io { file, source } => {
                write!(
                    f,
                    "cassette file {}: {source}",
                    crate::text::escape_for_terminal(file)
                )
            }
            CassetteError::Format { rule } => write!(f, "not a cassette: {rule}"),
        }
    }
}

impl std::error::Error for CassetteError {}

fn format_error<T>(rule: impl Into<String>) -> Result<T, CassetteError> {
    Err(CassetteError::Format { rule: rule.into() })
}

/// A body file name written here: no path, no hidden file.
fn plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

fn pairs(v: Option<&Value>, field: &str) -> Result<Vec<(String, String)>, CassetteError> {
    let Some(Value::Array(items)) = v else {
        return format_error(format!("{field} is not a list"));
    };
    items
        .iter()
        .map(|item| match item.as_array().map(Vec::as_slice) {
            Some([Value::String(k), Value::String(v)]) => Ok((k.clone(), v.clone())),
            _ => format_error(format!("{field} holds an item that is not [name, value]")),
        })
        .collect()
}

impl Cassette {
    /// An empty cassette recorded at `recorded_at`.
    pub fn new(recorded_at: OffsetDateTime) -> Self {
        Cassette {
            recorded_at,
            interactions: Vec::new(),
        }
    }

    /// Reads the cassette in `dir` through `os`.
    ///
    /// # Errors
    /// [`CassetteError::Io`] for a file that cannot be read (a body file must be a
    /// plain name in `dir`); [`CassetteError::Format`] naming the field that is wrong.
    pub fn load(os: &Os, dir: &Path) -> Result<Cassette, CassetteError> {
        let read = |name: &str, max: u64| {
            os.read_regular_file(&dir.join(name), max)
                .map_err(|source| CassetteError::Io {
                    file: dir.join(name).to_string_lossy().into_owned(),
                    source,
                })
        };
        let index: Value = match serde_json::from_slice(&read(CASSETTE_FILE, MAX_INDEX)?) {
            Ok(v) => v,
            Err(e) => {
                return format_error(format!("cassette.json is not JSON (line {})", e.line()));
            }
        };
        if index.get("version").and_then(Value::as_u64) != Some(VERSION) {
            return format_error("version is not 1");
        }
        // In UTC to the second, as it is written.
        let Some(recorded_at) = index
            .get("recorded_at")
            .and_then(Value::as_str)
            .and_then(parse_rfc3339)
            .and_then(crate::date::to_utc)
            .map(record::whole_second)
        else {
            return format_error("recorded_at is not an RFC 3339 time");
        };
        let Some(Value::Array(items)) = index.get("interactions") else {
            return format_error("interactions is not a list");
        };
        let mut interactions = Vec::with_capacity(items.len());
        let mut bodies: std::collections::HashMap<String, Vec<u8>> = Default::default();
        let mut held = 0usize;
        for (i, item) in items.iter().enumerate() {
            let at = |field: &str| format!("interactions[{i}].{field}");
            let (Some(request), Some(response)) = (item.get("request"), item.get("response"))
            else {
                return format_error(at("request or response is missing"));
            };
            let text = |v: &Value, field: &str| match v.get(field).and_then(Value::as_str) {
                Some(s) => Ok(s.to_owned()),
                None => format_error(at(&format!("{field} is not a string"))),
            };
            let status = match response.get("status").and_then(Value::as_u64) {
                Some(s @ 100..=599) => s as u16,
                _ => return format_error(at("response.status is not an HTTP status")),
            };
            let body_file = text(response, "body_file")?;
            if !plain_file_name(&body_file) {
                return format_error(at("response.body_file is not a plain file name"));
            }
            // Each file read once, however many interactions name it.
            let body = match bodies.get(&body_file) {
                Some(b) => b.clone(),
                None => {
                    let b = read(&body_file, MAX_BODY)?;
                    bodies.insert(body_file.clone(), b.clone());
                    b
                }
            };
            held += body.len();
            if held > MAX_BODIES {
                return format_error(at("response.body_file: the bodies pass 64 MiB in all"));
            }
            interactions.push(Interaction {
                request: CassetteRequest {
                    method: text(request, "method")?,
                    url: text(request, "url")?,
                    params: pairs(request.get("params"), &at("request.params"))?,
                },
                response: CassetteResponse {
                    status,
                    headers: pairs(response.get("headers"), &at("response.headers"))?,
                    body,
                    body_file,
                },
            });
        }
        Ok(Cassette {
            recorded_at,
            interactions,
        })
    }

    /// Writes the cassette into `dir` through `os` (created with mode 0700 when
    /// missing; each file 0600, written whole or not at all): the bodies first, then
    /// `cassette.json`.
    ///
    /// # Errors
    /// [`CassetteError::Io`] naming the file that could not be written.
    pub fn save(&self, os: &Os, dir: &Path) -> Result<(), CassetteError> {
        use crate::random::Random;
        let random = crate::random::SystemRandom::new();
        let write = |name: &str, bytes: &[u8]| {
            os.write_private_file(dir, name, bytes, random.next_u64())
                .map_err(|source| CassetteError::Io {
                    file: dir.join(name).to_string_lossy().into_owned(),
                    source,
                })
        };
        for i in &self.interactions {
            write(&i.response.body_file, &i.response.body)?;
        }
        write(CASSETTE_FILE, self.to_json().as_bytes())
    }

    /// `cassette.json`'s text: one interaction per line.
    pub fn to_json(&self) -> String {
        let s = |v: &str| Value::String(v.to_owned()).to_string();
        let list = |pairs: &[(String, String)]| {
            let items: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("[{}, {}]", s(k), s(v)))
                .collect();
            format!("[{}]", items.join(", "))
        };
        let mut out = format!(
            "{{\n  \"version\": {VERSION},\n  \"recorded_at\": {},\n  \"interactions\": [",
            s(&format_rfc3339(self.recorded_at))
        );
        for (n, i) in self.interactions.iter().enumerate() {
            out.push_str(if n == 0 { "\n" } else { ",\n" });
            out.push_str(&format!(
                "    {{\"request\": {{\"method\": {}, \"url\": {}, \"params\": {}}},\n     \"response\": {{\"status\": {}, \"headers\": {}, \"body_file\": {}}}}}",
                s(&i.request.method),
                s(&i.request.url),
                list(&i.request.params),
                i.response.status,
                list(&i.response.headers),
                s(&i.response.body_file)
            ));
        }
        out.push_str("\n  ]\n}\n");
        out
    }
}

#[cfg(test)]
mod tests;
