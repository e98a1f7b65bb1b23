//! A minimal, owned HTTP request: the value that the STS core builds, the signer signs
//! and the transport sends.
//!
//! It is deliberately not `http::Request`: the pure core does not depend on any HTTP
//! library, and this type knows which of its parts are secret. Its `Debug` output never
//! shows the value of a sensitive header, the query string or the body.

use std::borrow::Cow;
use std::fmt;

use zeroize::Zeroize;

/// One request header. Names keep the case they were given; SigV4 lowercases them only
/// in the canonical request.
#[derive(Clone)]
pub struct Header {
    name: Cow<'static, str>,
    value: String,
    sensitive: bool,
}

impl Header {
    pub(crate) fn new(name: impl Into<Cow<'static, str>>, value: impl Into<String>) -> Header {
        Header {
            name: name.into(),
            value: value.into(),
            sensitive: false,
        }
    }

    /// The header name as it was given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The header value. For a sensitive header (`Authorization`,
    /// `X-Amz-Security-Token`) this is the secret itself: do not log it.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Whether the value is a secret that must never be logged.
    pub fn is_sensitive(&self) -> bool {
        self.sensitive
    }
}

impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.sensitive {
            write!(f, "{}: [redacted]", self.name)
        } else {
            write!(f, "{}: {:?}", self.name, self.value)
        }
    }
}

impl Drop for Header {
    fn drop(&mut self) {
        if self.sensitive {
            self.value.zeroize();
        }
    }
}

/// An HTTP request held as plain values: method, URL (absolute, or origin-form such as
/// `/path?query`), headers in order, and body bytes.
///
/// The body is zeroized when the request is dropped, because an STS request body can
/// carry an MFA token code or an external id.
#[derive(Clone)]
pub struct Request {
    method: String,
    url: String,
    url_sensitive: bool,
    body_sensitive: bool,
    headers: Vec<Header>,
    body: Vec<u8>,
}

impl Request {
    /// A request with no headers and an empty body. The URL is kept byte for byte: it is
    /// not parsed, normalized or re-encoded here.
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Self {
        Request {
            method: method.into(),
            url: url.into(),
            url_sensitive: false,
            body_sensitive: false,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Sets the body (builder style).
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.set_body(body.into());
        self
    }

    /// Appends a header (builder style). Repeated names are kept as separate entries.
    pub fn with_header(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) -> Self {
        self.append_header(name, value);
        self
    }

    /// The request method, such as `POST`.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The URL exactly as given or as rewritten by presigning. A presigned URL holds a
    /// signature (and maybe a session token) in its query: treat it as a secret.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Replaces the URL with one that holds a secret (a presigned URL): it is zeroized
    /// on drop.
    pub(crate) fn set_sensitive_url(&mut self, url: String) {
        let mut old = std::mem::replace(&mut self.url, url);
        old.zeroize();
        self.url_sensitive = true;
    }

    /// All headers, in order.
    pub fn headers(&self) -> &[Header] {
        &self.headers
    }

    /// The first value of the header named `name` (compared without regard to case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// Appends a header. Repeated names are kept as separate entries.
    pub fn append_header(&mut self, name: impl Into<Cow<'static, str>>, value: impl Into<String>) {
        self.headers.push(Header {
            name: name.into(),
            value: value.into(),
            sensitive: false,
        });
    }

    /// Appends a header whose value is a secret: it is redacted from `Debug` and
    /// zeroized on drop.
    pub fn append_sensitive_header(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) {
        self.headers.push(Header {
            name: name.into(),
            value: value.into(),
            sensitive: true,
        });
    }

    /// Removes every header named `name` (compared without regard to case).
    pub fn remove_header(&mut self, name: &str) {
        self.headers.retain(|h| !h.name.eq_ignore_ascii_case(name));
    }

    /// Marks the body as carrying a secret (an MFA code, an external id, a web identity
    /// token): the signer then redacts the body's hash, and the hashes derived from it,
    /// from the `Display` of what it returns, since a short secret such as a six-digit
    /// code falls to brute force from its hash (builder style).
    pub fn with_sensitive_body(mut self) -> Self {
        self.body_sensitive = true;
        self
    }

    /// Whether the body carries a secret (see [`Request::with_sensitive_body`]).
    pub fn is_body_sensitive(&self) -> bool {
        self.body_sensitive
    }

    /// The body bytes.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Replaces the body; the old body is zeroized.
    pub fn set_body(&mut self, body: Vec<u8>) {
        let mut old = std::mem::replace(&mut self.body, body);
        old.zeroize();
    }

    /// Checks that every header can go on the wire as it is: the name an HTTP token, the value visible ASCII, spaces
    /// and tabs. The signer accepts more (it folds line breaks, as the SigV4 suite
    /// requires), so a caller with its own HTTP client runs this after signing and
    /// before any IO; `StsClient` does.
    ///
    /// # Errors
    /// [`HeaderError`] naming the first header that cannot be sent.
    pub fn check_sendable(&self) -> Result<(), HeaderError> {
        for h in &self.headers {
            check_sendable_header(h.name(), h.value()).map_err(|rule| HeaderError {
                name: h.name().to_owned(),
                rule,
            })?;
        }
        Ok(())
    }

    /// The authority (`host[:port]`) of an absolute URL, or `None` for an origin-form URL.
    pub fn authority(&self) -> Option<&str> {
        split_url(&self.url).0
    }

    /// The path part of the URL, exactly as given (`/` when it is empty).
    pub fn path(&self) -> &str {
        self.path_and_query().0
    }

    /// The query part of the URL without the `?`, exactly as given (may be empty).
    pub fn query(&self) -> &str {
        split_url(&self.url).2
    }

    /// [`Request::path`] and [`Request::query`] from one pass over the URL.
    pub(crate) fn path_and_query(&self) -> (&str, &str) {
        let (_, p, q) = split_url(&self.url);
        (if p.is_empty() { "/" } else { p }, q)
    }
}

/// The parts of a URL, as one splitter reads them for the whole crate: the request,
/// the signer's presigning, the endpoint check and the transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UrlParts<'a> {
    /// The scheme, when the URL is absolute (`https`).
    pub(crate) scheme: Option<&'a str>,
    /// `host[:port]` (with any user-info), when the URL is absolute.
    pub(crate) authority: Option<&'a str>,
    /// The path, exactly as given (may be empty).
    pub(crate) path: &'a str,
    /// The query without its `?`, when there is a `?`.
    pub(crate) query: Option<&'a str>,
    /// The fragment without its `#`, when there is a `#`.
    pub(crate) fragment: Option<&'a str>,
}

impl<'a> UrlParts<'a> {
    /// Splits `url`. Nothing is decoded or normalized.
    pub(crate) fn of(url: &'a str) -> UrlParts<'a> {
        let (url, fragment) = match url.split_once('#') {
            Some((u, f)) => (u, Some(f)),
            None => (url, None),
        };
        let bytes = url.as_bytes();
        // A scheme is letters, digits, `+`, `-` and `.` followed by `://`.
        let scheme_len = bytes
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
            .unwrap_or(bytes.len());
        let (scheme, authority, rest) = if scheme_len > 0 && bytes[scheme_len..].starts_with(b"://")
        {
            let after = &url[scheme_len + 3..];
            let end = after
                .bytes()
                .position(|b| b == b'/' || b == b'?')
                .unwrap_or(after.len());
            (Some(&url[..scheme_len]), Some(&after[..end]), &after[end..])
        } else {
            (None, None, url)
        };
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        UrlParts {
            scheme,
            authority,
            path,
            query,
            fragment,
        }
    }
}

/// (authority, path, query) of a URL, the fragment dropped.
pub(crate) fn split_url(url: &str) -> (Option<&str>, &str, &str) {
    let p = UrlParts::of(url);
    (p.authority, p.path, p.query.unwrap_or(""))
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (authority, path, query) = split_url(&self.url);
        let query_params = if query.is_empty() {
            0
        } else {
            query.split('&').count()
        };
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("authority", &authority)
            .field("path", &path)
            .field("query_params", &query_params)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl Drop for Request {
    fn drop(&mut self) {
        self.body.zeroize();
        if self.url_sensitive {
            self.url.zeroize();
        }
    }
}

/// Checks that a header can go on the wire as it is: the name is an HTTP token and
/// the value is visible ASCII, spaces and tabs (RFC 9110 `field-value` without
/// obsolete text). The client runs this on every header before any IO, and the
/// transport again before sending, so no header is refused half-way.
///
/// A header that cannot go on the wire as it is ([`Request::check_sendable`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HeaderError {
    /// The header name.
    pub name: String,
    /// The rule it breaks.
    pub rule: &'static str,
}

impl std::fmt::Display for HeaderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot send header {}: {}", self.name, self.rule)
    }
}

impl std::error::Error for HeaderError {}

/// RFC 9110 `tchar`, as a table indexed by byte.
const TOKEN_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let extra = b"!#$%&'*+-.^_`|~";
    let mut i = 0;
    while i < extra.len() {
        table[extra[i] as usize] = true;
        i += 1;
    }
    table
};

/// Whether `b` may appear in an HTTP token (a method, a header name).
pub(crate) fn is_token_char(b: u8) -> bool {
    TOKEN_CHARS[b as usize]
}

/// # Errors
/// The rule the header breaks.
pub(crate) fn check_sendable_header(name: &str, value: &str) -> Result<(), &'static str> {
    if name.is_empty() || !name.bytes().all(is_token_char) {
        return Err("the name is not an HTTP token");
    }
    // No early exit, so the scan vectorizes over long values such as tokens.
    let bad = value.bytes().fold(false, |acc, b| {
        acc | !((0x20..0x7f).contains(&b) || b == b'\t')
    });
    if bad {
        return Err("the value holds a control character, DEL or non-ASCII");
    }
    Ok(())
}

/// The first value of header `name` in (name, value) pairs, compared without regard
/// to case.
pub(crate) fn find_header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// An HTTP answer as plain values. The body is zeroized on drop: a 200 from STS holds
/// a secret key and a session token.
pub struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    /// An answer with this status, headers (names as received) and body.
    pub fn new(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        Response {
            status,
            headers,
            body,
        }
    }
    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The headers, in order.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }
    /// The first value of a header (compared without regard to case).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
    /// The body bytes. For a 200 from STS they hold secrets: do not log them.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &HeaderNames(&self.headers))
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// `Debug` of (name, value) pairs that shows the names only: values may be secret.
pub(crate) struct HeaderNames<'h>(pub(crate) &'h [(String, String)]);

impl fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(n, _)| n))
            .finish()
    }
}

impl Drop for Response {
    fn drop(&mut self) {
        self.body.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_absolute_and_origin_form_urls() {
        assert_eq!(
            split_url("https://sts.amazonaws.com/a/b?x=1#frag"),
            (Some("sts.amazonaws.com"), "/a/b", "x=1")
        );
        assert_eq!(
            split_url("http://127.0.0.1:8080"),
            (Some("127.0.0.1:8080"), "", "")
        );
        assert_eq!(split_url("http://h?q"), (Some("h"), "", "q"));
        assert_eq!(
            split_url("/example space/?a=b"),
            (None, "/example space/", "a=b")
        );
        let r = Request::new("GET", "http://h");
        assert_eq!(r.path(), "/");
    }

    #[test]
    fn debug_hides_sensitive_values_query_and_body() {
        let mut r = Request::new("POST", "https://h/?X-Amz-Signature=deadbeefcafe")
            .with_body("TokenCode=123456");
        r.append_header("Content-Type", "text/plain");
        r.append_sensitive_header("X-Amz-Security-Token", "tokentokentoken");
        let dbg = format!("{r:?}");
        assert!(dbg.contains("text/plain"));
        assert!(!dbg.contains("tokentokentoken"));
        assert!(!dbg.contains("deadbeefcafe"));
        assert!(!dbg.contains("123456"));
        assert!(dbg.contains("body_len: 16"));
    }
}
