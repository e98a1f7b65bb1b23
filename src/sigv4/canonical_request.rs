//! Step 1 of SigV4: the canonical request.
//!
//! ```text
//! METHOD \n CANONICAL_URI \n CANONICAL_QUERY \n CANONICAL_HEADERS \n SIGNED_HEADERS \n PAYLOAD_HASH
//! ```
//! where `CANONICAL_HEADERS` is one `name:value\n` line per signed header.

use std::cmp::Ordering;
use std::fmt;
use std::ops::Range;

use zeroize::Zeroize;

use super::SigningError;
use super::encode::{decode, encode_into};
use crate::http::Header;

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
/// `Display` and `Debug` replace the value of a session token (header or query) with
/// `[redacted]`; [`CanonicalRequest::expose`] gives the exact bytes.
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

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
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

fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        match x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase()) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    a.len().cmp(&b.len())
}

fn push_lower(out: &mut String, s: &str) {
    let start = out.len();
    out.push_str(s);
    out[start..].make_ascii_lowercase();
}

/// Writes `name:value\n` lines then a blank line, then the signed header list; returns
/// the range of the signed header list. Headers must have passed [`check_header`].
fn write_canonical_headers(
    out: &mut String,
    headers: &[Header],
    secret_spans: &mut Vec<Range<usize>>,
) -> Range<usize> {
    // The sort order is kept in a stack buffer for the usual handful of headers.
    const INLINE: usize = 32;
    if headers.len() <= INLINE {
        let mut order = [0usize; INLINE];
        write_in_order(out, headers, &mut order[..headers.len()], secret_spans)
    } else {
        let mut order = vec![0usize; headers.len()];
        write_in_order(out, headers, &mut order, secret_spans)
    }
}

fn write_in_order(
    out: &mut String,
    headers: &[Header],
    order: &mut [usize],
    secret_spans: &mut Vec<Range<usize>>,
) -> Range<usize> {
    let mut n = 0;
    for (i, h) in headers.iter().enumerate() {
        if !UNSIGNED_HEADERS
            .iter()
            .any(|u| u.eq_ignore_ascii_case(h.name()))
        {
            order[n] = i;
            n += 1;
        }
    }
    let order = &mut order[..n];
    // Stable: repeated names keep their request order.
    order.sort_by(|&a, &b| cmp_ignore_case(headers[a].name(), headers[b].name()));
    let mut i = 0;
    while i < order.len() {
        let name = headers[order[i]].name();
        push_lower(out, name);
        out.push(':');
        let start = out.len();
        let mut j = i;
        while j < order.len() && headers[order[j]].name().eq_ignore_ascii_case(name) {
            if j > i {
                out.push(',');
            }
            push_header_value(out, headers[order[j]].value());
            j += 1;
        }
        if name.eq_ignore_ascii_case("x-amz-security-token") {
            secret_spans.push(start..out.len());
        }
        out.push('\n');
        i = j;
    }
    out.push('\n');
    let start = out.len();
    for k in 0..order.len() {
        let name = headers[order[k]].name();
        if k > 0 {
            if headers[order[k - 1]].name().eq_ignore_ascii_case(name) {
                continue;
            }
            out.push(';');
        }
        push_lower(out, name);
    }
    start..out.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(p: &str) -> String {
        canonical_uri(p, true, PathEncoding::Double)
    }

    #[test]
    fn path_keeps_slash_and_encodes_the_rest() {
        assert_eq!(uri("/example space/"), "/example%20space/");
        assert_eq!(uri("/ሴ"), "/%E1%88%B4");
        assert_eq!(uri("/a+b*c~d$e"), "/a%2Bb%2Ac~d%24e");
        assert_eq!(uri(""), "/");
    }

    #[test]
    fn path_normalization_removes_dot_segments_and_duplicate_slashes() {
        assert_eq!(uri("//example//"), "/example/");
        assert_eq!(uri("/./"), "/");
        assert_eq!(uri("/./example"), "/example");
        assert_eq!(uri("/example/.."), "/");
        assert_eq!(uri("/example1/example2/../.."), "/");
        assert_eq!(uri("/a/b/../c/./d/"), "/a/c/d/");
        assert_eq!(uri("/../../a"), "/a");
        assert_eq!(uri("/a/."), "/a");
    }

    #[test]
    fn unnormalized_paths_are_kept_as_given() {
        let raw = |p| canonical_uri(p, false, PathEncoding::Double);
        assert_eq!(raw("//example//"), "//example//");
        assert_eq!(raw("/./example/.."), "/./example/..");
    }

    #[test]
    fn double_encoding_encodes_percent_and_single_does_not() {
        assert_eq!(uri("/a%20b"), "/a%2520b");
        assert_eq!(
            canonical_uri("/a%20b", false, PathEncoding::Single),
            "/a%20b"
        );
        assert_eq!(canonical_uri("/a b", false, PathEncoding::Single), "/a%20b");
    }

    #[test]
    fn query_is_sorted_by_encoded_key_then_value_with_repeats() {
        assert_eq!(
            canonical_query("Param1=value2&Param1=Value1"),
            "Param1=Value1&Param1=value2"
        );
        assert_eq!(canonical_query("b=2&a=3&b=1&a=1"), "a=1&a=3&b=1&b=2");
        // Sorting is on encoded bytes: `%E1...` sorts before `P`.
        assert_eq!(
            canonical_query("Param-3=Value3&Param=Value2&%E1%88%B4=Value1"),
            "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"
        );
    }

    #[test]
    fn query_keeps_empty_values_and_encodes_reserved_bytes() {
        assert_eq!(canonical_query("a&b="), "a=&b=");
        assert_eq!(canonical_query("k=a b"), "k=a%20b");
        assert_eq!(
            canonical_query("k=a+b"),
            "k=a%2Bb",
            "a literal + is not a space"
        );
        assert_eq!(canonical_query("k=%2f/"), "k=%2F%2F");
        assert_eq!(canonical_query("k=*~"), "k=%2A~");
        assert_eq!(canonical_query("ሴ=bar"), "%E1%88%B4=bar");
        assert_eq!(canonical_query(""), "");
        assert_eq!(canonical_query("&&a=1&"), "a=1");
    }

    #[test]
    fn header_values_are_trimmed_and_folded() {
        assert_eq!(canonical_header_value("  a   b  "), "a b");
        assert_eq!(
            canonical_header_value("value1\n  value2\n     value3"),
            "value1 value2 value3"
        );
        assert_eq!(canonical_header_value("a\r\n\tb"), "a b");
        assert_eq!(canonical_header_value("\"a   b\""), "\"a b\"");
        assert_eq!(canonical_header_value(""), "");
    }

    #[test]
    fn repeated_headers_are_joined_in_order_and_names_sorted() {
        let (block, signed) = canonical_headers([
            ("My-Header1", "value2"),
            ("Host", "example.amazonaws.com"),
            ("my-header1", " value2 "),
            ("MY-HEADER1", "value1"),
            ("User-Agent", "never signed"),
        ])
        .unwrap();
        assert_eq!(
            block,
            "host:example.amazonaws.com\nmy-header1:value2,value2,value1\n"
        );
        assert_eq!(signed, "host;my-header1");
    }

    #[test]
    fn invalid_header_names_and_values_are_rejected() {
        assert_eq!(
            canonical_headers([("Bad Name", "v")]).unwrap_err(),
            SigningError::InvalidHeaderName
        );
        assert_eq!(
            canonical_headers([("x", "a\0b")]).unwrap_err(),
            SigningError::InvalidHeaderValue { name: "x".into() }
        );
    }

    /// Fuzzing regression: many short token parameters each grow by `[redacted]`, and
    /// every one of them is still redacted.
    #[test]
    fn display_redacts_every_repeated_token_parameter() {
        let query = (0..40)
            .map(|i| format!("X-Amz-Security-Token=t{i}"))
            .collect::<Vec<_>>()
            .join("&");
        let creq = build(
            "GET",
            "/",
            &query,
            &[Header::new("host", "h")],
            "UNSIGNED-PAYLOAD",
            true,
            PathEncoding::Double,
        )
        .unwrap();
        let shown = creq.to_string();
        assert_eq!(shown.matches("[redacted]").count(), 40);
        assert!(!shown.contains("=t1"));
        assert!(shown.len() > creq.expose().len());
    }

    #[test]
    fn display_redacts_the_session_token() {
        let creq = build(
            "GET",
            "/",
            "X-Amz-Security-Token=querytoken",
            &[
                Header::new("host", "h"),
                Header::new("X-Amz-Security-Token", "headertoken"),
            ],
            "UNSIGNED-PAYLOAD",
            true,
            PathEncoding::Double,
        )
        .unwrap();
        assert!(creq.expose().contains("querytoken"));
        assert!(creq.expose().contains("headertoken"));
        let shown = format!("{creq} {creq:?}");
        assert!(!shown.contains("querytoken"));
        assert!(!shown.contains("headertoken"));
        assert!(shown.contains("x-amz-security-token:[redacted]"));
        assert_eq!(creq.signed_headers(), "host;x-amz-security-token");
    }
}
