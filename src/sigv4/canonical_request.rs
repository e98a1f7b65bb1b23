//! Step 1 of SigV4: the canonical request.
//!
//! ```text
//! METHOD \n CANONICAL_URI \n CANONICAL_QUERY \n CANONICAL_HEADERS \n SIGNED_HEADERS \n PAYLOAD_HASH
//! ```
//! where `CANONICAL_HEADERS` is one `name:value\n` line per signed header.

use std::fmt;
use std::ops::Range;

use zeroize::Zeroize;

use super::SigningError;
use super::encode::{decode, encode_into};
use crate::http::{Header, is_token_char};

/// Headers that are never signed: `authorization` is the signature itself; the others
/// are rewritten by proxies and HTTP stacks on the way (the same set botocore skips).
pub(crate) const UNSIGNED_HEADERS: &[&str] = &[
    "authorization",
    "expect",
    "transfer-encoding",
    "user-agent",
    "x-amzn-trace-id",
];

/// How the URI path is percent-encoded in the canonical request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PathEncoding {
    /// Encode the path as it is sent on the wire, so an already-encoded `%20` becomes
    /// `%2520`. Every AWS service except S3 expects this.
    #[default]
    Double,
    /// Decode the path first, then encode it once (S3).
    Single,
}

/// The canonical request of one signing, kept as the exact text that was hashed.
///
/// `Display` and `Debug` replace the value of a session token (header or query), and
/// the payload hash of a body that carries a secret ([`Request::is_body_sensitive`]),
/// with `[redacted]`; [`CanonicalRequest::expose`] gives the exact bytes.
///
/// [`Request::is_body_sensitive`]: crate::http::Request::is_body_sensitive
#[derive(Clone)]
pub struct CanonicalRequest {
    text: String,
    signed_headers: Range<usize>,
    secret_spans: Vec<Range<usize>>,
}

impl CanonicalRequest {
    /// The exact canonical request that was hashed, session token included. Do not log
    /// it; use `Display` for that.
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// Hides the payload hash (the last line) from `Display` and `Debug`, and zeroizes
    /// it on drop: the body it hashes carries a short secret.
    pub(crate) fn redact_payload_hash(&mut self) {
        let start = self.text.rfind('\n').map_or(0, |i| i + 1);
        self.secret_spans.push(start..self.text.len());
    }

    /// The signed header list, such as `content-type;host;x-amz-date`.
    pub fn signed_headers(&self) -> &str {
        &self.text[self.signed_headers.clone()]
    }
}

impl Drop for CanonicalRequest {
    fn drop(&mut self) {
        // Only the token values are secret; the rest is public.
        for span in &self.secret_spans {
            if let Some(secret) = self.text.get_mut(span.clone()) {
                secret.zeroize();
            }
        }
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut at = 0;
        for span in &self.secret_spans {
            f.write_str(&self.text[at..span.start])?;
            f.write_str("[redacted]")?;
            at = span.end;
        }
        f.write_str(&self.text[at..])
    }
}

impl fmt::Debug for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CanonicalRequest")
            .field(&format_args!("{self}"))
            .finish()
    }
}

/// Builds the canonical request.
pub(crate) fn build(
    method: &str,
    path: &str,
    query: &str,
    headers: &[Header],
    payload_hash: &str,
    normalize_path: bool,
    path_encoding: PathEncoding,
) -> Result<CanonicalRequest, SigningError> {
    let mut text = String::with_capacity(256 + query.len() + path.len() + headers.len() * 48);
    let mut secret_spans = Vec::new();
    text.push_str(method);
    text.push('\n');
    write_canonical_uri(&mut text, path, normalize_path, path_encoding);
    text.push('\n');
    write_canonical_query(&mut text, query, &mut secret_spans);
    text.push('\n');
    let signed_headers = write_canonical_headers(&mut text, headers, &mut secret_spans);
    text.push('\n');
    text.push_str(payload_hash);
    Ok(CanonicalRequest {
        text,
        signed_headers,
        secret_spans,
    })
}

/// The canonical URI of `path` (the path as sent, without the query).
pub fn canonical_uri(path: &str, normalize_path: bool, path_encoding: PathEncoding) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    write_canonical_uri(&mut out, path, normalize_path, path_encoding);
    out
}

fn write_canonical_uri(out: &mut String, path: &str, normalize: bool, encoding: PathEncoding) {
    let path = if path.is_empty() { "/" } else { path };
    let decoded;
    let path: &[u8] = match encoding {
        PathEncoding::Double => path.as_bytes(),
        PathEncoding::Single => {
            decoded = decode(path);
            &decoded
        }
    };
    if !normalize {
        encode_into(out, path, true);
        return;
    }
    // RFC 3986 section 5.2.4 dot-segment removal, also dropping empty segments (AWS
    // services treat `//` as `/`). A trailing slash survives only when something is
    // left before it.
    let mut segments: Vec<&[u8]> = Vec::new();
    for seg in path.split(|&b| b == b'/') {
        match seg {
            b"" | b"." => {}
            b".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let trailing = path.last() == Some(&b'/') && !segments.is_empty();
    out.push('/');
    for (i, seg) in segments.iter().enumerate() {
        if i > 0 {
            out.push('/');
        }
        encode_into(out, seg, false);
    }
    if trailing {
        out.push('/');
    }
}

/// The canonical query string of a raw query (without the `?`): each key and value
/// decoded and re-encoded with the unreserved set, sorted by key then value, empty
/// values kept as `key=`.
pub fn canonical_query(query: &str) -> String {
    let mut out = String::with_capacity(query.len() + 16);
    write_canonical_query(&mut out, query, &mut Vec::new());
    out
}

fn write_canonical_query(out: &mut String, query: &str, secret_spans: &mut Vec<Range<usize>>) {
    if query.is_empty() {
        return;
    }
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let mut key = String::with_capacity(k.len());
            encode_into(&mut key, &decode(k), false);
            let mut value = String::with_capacity(v.len());
            encode_into(&mut value, &decode(v), false);
            (key, value)
        })
        .collect();
    pairs.sort_unstable();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        let start = out.len();
        out.push_str(v);
        if k == "X-Amz-Security-Token" {
            secret_spans.push(start..out.len());
        }
    }
}

/// Whether `s` is a non-empty HTTP token (methods, header names).
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_char)
}

/// Appends the canonical value of one header: trimmed, every run of spaces, tabs and
/// line breaks (obsolete line folding included) collapsed into one space.
fn push_header_value(out: &mut String, value: &str) {
    // Fast path: nothing to trim or fold. One pass over byte pairs with no early exit,
    // so it vectorizes over long values such as session tokens.
    let b = value.as_bytes();
    let folds = b
        .iter()
        .zip(b.get(1..).unwrap_or_default())
        .fold(false, |acc, (&x, &y)| {
            acc | matches!(x, b'\t' | b'\n' | b'\r') | ((x == b' ') & (y == b' '))
        });
    let plain = !folds
        && b.first() != Some(&b' ')
        && !matches!(b.last(), Some(b' ' | b'\t' | b'\n' | b'\r'));
    if plain {
        out.push_str(value);
        return;
    }
    let mut first = true;
    for word in value.split([' ', '\t', '\r', '\n']) {
        if word.is_empty() {
            continue;
        }
        if !first {
            out.push(' ');
        }
        out.push_str(word);
        first = false;
    }
}

/// The canonical value of one header value (see [`canonical_headers`]).
pub fn canonical_header_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    push_header_value(&mut out, value);
    out
}

/// The canonical header block and signed header list of `headers` (name, value pairs in
/// request order): names lowercased and sorted, values trimmed and folded, repeated
/// names joined with `,` in the order they appear.
pub fn canonical_headers<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(String, String), SigningError> {
    let headers: Vec<Header> = headers
        .into_iter()
        .map(|(name, value)| Header::new(name.to_owned(), value))
        .collect();
    for h in &headers {
        check_header(h.name(), h.value())?;
    }
    let mut text = String::new();
    let range = write_canonical_headers(&mut text, &headers, &mut Vec::new());
    let signed = text[range.clone()].to_owned();
    text.truncate(range.start - 1);
    Ok((text, signed))
}

/// The signed header list of headers that already passed [`check_header`] (presigning
/// names it in the query before the canonical request is built).
pub(crate) fn signed_header_list(headers: &[Header]) -> String {
    let mut text = String::new();
    let range = write_canonical_headers(&mut text, headers, &mut Vec::new());
    text.split_off(range.start)
}

/// Checks that a header can be signed and sent: the name is an HTTP token and the
/// value holds no control character other than tab and line breaks (folding).
pub(crate) fn check_header(name: &str, value: &str) -> Result<(), SigningError> {
    if name.is_empty() || !name.bytes().all(is_token_char) {
        return Err(SigningError::InvalidHeaderName);
    }
    // No early exit, so the scan vectorizes over long values such as tokens.
    let bad = value.bytes().fold(false, |acc, b| {
        acc | ((b < 0x20 && b != b'\t' && b != b'\r' && b != b'\n') || b == 0x7f)
    });
    if bad {
        return Err(SigningError::InvalidHeaderValue {
            name: name.to_ascii_lowercase(),
        });
    }
    Ok(())
}

/// One signed header while the block is written: the range of its lowercased name in
/// the name buffer, and its index in the request.
#[derive(Clone, Copy, Default)]
struct Slot {
    name: (usize, usize),
    header: usize,
}

/// Writes `name:value\n` lines then a blank line, then the signed header list; returns
/// the range of the signed header list. Headers must have passed [`check_header`].
fn write_canonical_headers(
    out: &mut String,
    headers: &[Header],
    secret_spans: &mut Vec<Range<usize>>,
) -> Range<usize> {
    // Every name is lowercased once into one buffer, then sorted and compared as plain
    // bytes. Both buffers live on the stack for the usual handful of short headers.
    const INLINE_HEADERS: usize = 16;
    const INLINE_NAME_BYTES: usize = 256;
    let name_bytes: usize = headers.iter().map(|h| h.name().len()).sum();
    let mut names_inline = [0u8; INLINE_NAME_BYTES];
    let mut names_heap = Vec::new();
    let names: &mut [u8] = if name_bytes <= INLINE_NAME_BYTES {
        &mut names_inline[..name_bytes]
    } else {
        names_heap.resize(name_bytes, 0);
        &mut names_heap
    };
    let mut slots_inline = [Slot::default(); INLINE_HEADERS];
    let mut slots_heap = Vec::new();
    let slots: &mut [Slot] = if headers.len() <= INLINE_HEADERS {
        &mut slots_inline[..headers.len()]
    } else {
        slots_heap.resize(headers.len(), Slot::default());
        &mut slots_heap
    };
    let mut at = 0;
    let mut n = 0;
    for (i, h) in headers.iter().enumerate() {
        let end = at + h.name().len();
        let lower = &mut names[at..end];
        for (d, s) in lower.iter_mut().zip(h.name().bytes()) {
            *d = s.to_ascii_lowercase();
        }
        if !UNSIGNED_HEADERS.iter().any(|u| u.as_bytes() == &*lower) {
            slots[n] = Slot {
                name: (at, end),
                header: i,
            };
            n += 1;
        }
        at = end;
    }
    // Header names are tokens (ASCII), and the slots are ranges of `names`.
    let names = super::encode::ascii(names);
    let name = |s: &Slot| &names[s.name.0..s.name.1];
    let slots = &mut slots[..n];
    // Stable: repeated names keep their request order.
    slots.sort_by(|a, b| name(a).cmp(name(b)));
    let mut i = 0;
    while i < slots.len() {
        let this = name(&slots[i]);
        out.push_str(this);
        out.push(':');
        let start = out.len();
        let mut j = i;
        while j < slots.len() && name(&slots[j]) == this {
            if j > i {
                out.push(',');
            }
            push_header_value(out, headers[slots[j].header].value());
            j += 1;
        }
        if this == "x-amz-security-token" {
            secret_spans.push(start..out.len());
        }
        out.push('\n');
        i = j;
    }
    out.push('\n');
    let start = out.len();
    for k in 0..slots.len() {
        let this = name(&slots[k]);
        if k > 0 {
            if name(&slots[k - 1]) == this {
                continue;
            }
            out.push(';');
        }
        out.push_str(this);
    }
    start..out.len()
}

#[cfg(test)]
#[path = "canonical_request_tests.rs"]
mod tests;
