//! Parsing STS answers: pure functions of (status, headers, body).
//!
//! Elements are matched by local name (any namespace or prefix) in any order; unknown
//! elements are skipped at any depth; only `Credentials` directly inside the
//! `...Result` element directly inside the root `...Response` counts. Text values are
//! trimmed. Errors name the element and byte offset, never the text. The parser reads
//! no clock: whether the credentials are still valid is for the caller to decide.

use secrecy::SecretString;
use zeroize::{Zeroize, Zeroizing};

mod error;
pub(crate) mod failures;
mod outputs;
mod schema;
mod session_outputs;
pub(crate) mod xml;

pub use error::parse_error;
pub use outputs::{
    AssumeRoleOutput, AssumeRoleWithSamlOutput, AssumeRoleWithWebIdentityOutput, AssumeRootOutput,
    AssumedRoleUser, CredentialsOutput, OriginIdentity, TrustedIdentityPropagationContext,
    parse_assume_role, parse_assume_role_with_saml, parse_assume_role_with_web_identity,
    parse_assume_root,
};
pub use session_outputs::{
    CallerIdentity, DecodeAuthorizationMessageOutput, FederatedUser, GetAccessKeyInfoOutput,
    GetDelegatedAccessTokenOutput, GetFederationTokenOutput, GetScopedCredentialsOutput,
    GetSessionTokenOutput, GetWebIdentityTokenOutput, SessionInfo, parse_caller_identity,
    parse_decode_authorization_message, parse_get_access_key_info,
    parse_get_delegated_access_token, parse_get_federation_token, parse_get_scoped_credentials,
    parse_get_session_token, parse_get_web_identity_token,
};

use crate::http::find_header as header;
use crate::sts::response::failures::{AnswerError, ParseError, ParseErrorKind};
use error::service_error;
use schema::{Container, FIELD_COUNT, Field, Kind, Node, child};
use xml::{MAX_DEPTH, XmlEvent, XmlReader, normalize_newlines, prepare, trim_xml_space};

/// A value read from a field.
pub(super) enum Slot {
    Text(String),
    Secret(SecretString),
    Time(Timestamp),
}

/// What a scan of one body found: the flags of the shape, the [`Field`]s read (each
/// at most once), and the entries of the one map STS answers carry. Small, so
/// handing it from the scan to the typed output moves a few words, not a slot per
/// field of every operation.
#[derive(Default)]
pub(super) struct Doc {
    is_error: bool,
    saw_error_elem: bool,
    /// Containers seen, one bit per [`schema::Container`].
    seen: u16,
    /// Fields read, one bit per [`Field`].
    stored: u64,
    /// The fields read, in no particular order, with where each ended.
    fields: Vec<(Field, Slot, usize)>,
    map: Vec<(Option<String>, Option<String>)>,
    end: usize,
}

const _: () = assert!(FIELD_COUNT <= 64, "one bit per field in Doc::stored");

impl Doc {
    /// Whether the container appeared.
    fn saw(&self, c: Container) -> bool {
        self.seen & (1 << (c as u8)) != 0
    }
    /// Takes a field's value, whatever its kind.
    fn take(&mut self, f: Field) -> Option<(Slot, usize)> {
        let bit = 1u64 << (f as u32);
        if self.stored & bit == 0 {
            return None;
        }
        self.stored &= !bit;
        let i = self.fields.iter().position(|(g, _, _)| *g == f)?;
        let (_, slot, at) = self.fields.swap_remove(i);
        Some((slot, at))
    }
    /// Takes a text field.
    fn text(&mut self, f: Field) -> Option<String> {
        match self.take(f) {
            Some((Slot::Text(s), _)) => Some(s),
            _ => None,
        }
    }
    /// Takes a text field, `None` when absent or empty.
    fn opt(&mut self, f: Field) -> Option<String> {
        self.text(f).filter(|s| !s.is_empty())
    }
    /// Takes a whole number from 0 to `u32::MAX`: anything else (`-1`, a word) is
    /// recorded as absent, since these fields are informative and an unreadable one
    /// must not throw away valid credentials.
    fn count(&mut self, f: Field) -> Option<u32> {
        self.text(f).and_then(|s| s.parse::<u32>().ok())
    }
    /// Takes a secret field.
    fn secret(&mut self, f: Field) -> Option<SecretString> {
        match self.take(f) {
            Some((Slot::Secret(s), _)) => Some(s),
            _ => None,
        }
    }
    /// Takes a timestamp field.
    fn time(&mut self, f: Field) -> Option<Timestamp> {
        match self.take(f) {
            Some((Slot::Time(t), _)) => Some(t),
            _ => None,
        }
    }
    /// Takes the map entries (`key`, `value`), in document order.
    fn take_map(&mut self) -> Vec<(Option<String>, Option<String>)> {
        std::mem::take(&mut self.map)
    }
    /// Where the body ended, for errors.
    fn end(&self) -> usize {
        self.end
    }
}

/// A timestamp field, parsed where it is read so its text need not be kept.
pub(super) struct Timestamp {
    /// `None` when the text is not RFC 3339.
    pub(super) time: Option<time::OffsetDateTime>,
    pub(super) empty: bool,
    /// Where the element ended, for errors.
    pub(super) at: usize,
}

pub(super) fn perr(
    kind: ParseErrorKind,
    element: Option<&'static str>,
    offset: usize,
) -> ParseError {
    ParseError {
        kind,
        element,
        offset,
    }
}

fn store(doc: &mut Doc, field: Field, value: &str, at: usize) -> Result<(), ParseError> {
    let dup = || Err(perr(ParseErrorKind::Duplicate, Some(field.name()), at));
    if matches!(field, Field::MapKey | Field::MapValue) {
        // `child` opened an entry before any key or value inside it.
        let Some(entry) = doc.map.last_mut() else {
            return Ok(());
        };
        let slot = if field == Field::MapKey {
            &mut entry.0
        } else {
            &mut entry.1
        };
        if slot.is_some() {
            return dup();
        }
        *slot = Some(value.to_owned());
        return Ok(());
    }
    let bit = 1u64 << (field as u32);
    if doc.stored & bit != 0 {
        return dup();
    }
    doc.stored |= bit;
    if doc.fields.capacity() == 0 {
        // Room for every field of the largest success answer, in one allocation.
        doc.fields.reserve(12);
    }
    doc.fields.push((
        field,
        match field.kind() {
            Kind::Text => Slot::Text(value.to_owned()),
            Kind::Secret => Slot::Secret(SecretString::from(value)),
            Kind::Time => Slot::Time(Timestamp {
                time: crate::date::parse_rfc3339(value),
                empty: value.is_empty(),
                at,
            }),
        },
        at,
    ));
    Ok(())
}

/// The text of the field being read: usually one borrowed piece, joined into an owned
/// buffer only when a comment, CDATA section or reference splits it.
enum FieldText<'a> {
    Empty,
    One(std::borrow::Cow<'a, str>),
    Joined(Zeroizing<String>),
}

impl<'a> FieldText<'a> {
    fn push(&mut self, piece: std::borrow::Cow<'a, str>) {
        *self = match std::mem::replace(self, FieldText::Empty) {
            FieldText::Empty => FieldText::One(piece),
            FieldText::One(first) => {
                let mut joined = Zeroizing::new(String::with_capacity(first.len() + piece.len()));
                joined.push_str(&first);
                joined.push_str(&piece);
                wipe(first);
                wipe(piece);
                FieldText::Joined(joined)
            }
            FieldText::Joined(mut joined) => {
                joined.push_str(&piece);
                wipe(piece);
                FieldText::Joined(joined)
            }
        };
    }

    fn as_str(&self) -> &str {
        match self {
            FieldText::Empty => "",
            FieldText::One(s) => s,
            FieldText::Joined(s) => s,
        }
    }
}

/// Zeroizes an owned piece (decoded text that may hold a secret).
fn wipe(piece: std::borrow::Cow<'_, str>) {
    if let std::borrow::Cow::Owned(mut s) = piece {
        s.zeroize();
    }
}

/// Reads a whole body into the fields STS documents carry.
pub(super) fn scan(body: &[u8]) -> Result<Doc, ParseError> {
    let (input, base) = prepare(body)?;
    let mut reader = XmlReader::new(input, base);
    // Nothing before the root is text anyone reads.
    reader.want_text(false);
    let mut doc = Doc::default();
    // The reader caps the depth at MAX_DEPTH, so a fixed stack never overflows.
    let mut stack = [Node::Other; MAX_DEPTH];
    let mut depth: usize = 0;
    let mut text = FieldText::Empty;
    loop {
        let at = reader.offset();
        match reader.next()? {
            XmlEvent::Eof => break,
            XmlEvent::Start => {
                let parent = depth.checked_sub(1).map(|d| stack[d]);
                let node = child(parent, reader.name(), &mut doc, at)?;
                reader.want_text(matches!(node, Node::Field(_)));
                stack[depth] = node;
                depth += 1;
            }
            // Only a field's text is reported (`want_text` above).
            XmlEvent::Text => text.push(reader.take_text()),
            XmlEvent::End => {
                // The reader only reports the end of an element it opened.
                let Some(d) = depth.checked_sub(1) else {
                    continue;
                };
                depth = d;
                reader.want_text(d > 0 && matches!(stack[d - 1], Node::Field(_)));
                if let Node::Field(f) = stack[depth] {
                    let value = std::mem::replace(&mut text, FieldText::Empty);
                    let raw = value.as_str();
                    // Trimming first is the same as after normalizing (line ends
                    // are white space either way) and leaves less to scan.
                    let normalized = normalize_newlines(trim_xml_space(raw));
                    let result = store(&mut doc, f, &normalized, at);
                    if f.kind() == Kind::Secret {
                        wipe(normalized);
                    }
                    drop(value);
                    result?;
                }
            }
        }
    }
    doc.end = reader.offset();
    Ok(doc)
}

/// The request id: the body's `<RequestId>` when it has a non-empty one, else the
/// `x-amzn-RequestId` (or `x-amz-request-id`) header.
pub(super) fn request_id(body_id: Option<String>, headers: &[(String, String)]) -> Option<String> {
    body_id
        .filter(|r| !r.is_empty())
        .or_else(|| header_request_id(headers))
}

pub(super) fn header_request_id(headers: &[(String, String)]) -> Option<String> {
    header(headers, "x-amzn-requestid")
        .or_else(|| header(headers, "x-amz-request-id"))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

pub(super) fn success_doc(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Doc, AnswerError> {
    if !(200..300).contains(&status) {
        return Err(parse_error(status, headers, body));
    }
    let doc = scan(body)?;
    if doc.is_error {
        let end = doc.end;
        return Err(match service_error(doc, status, headers) {
            Some(e) => AnswerError::Service(e),
            None => AnswerError::Parse(perr(ParseErrorKind::UnexpectedRoot, None, end)),
        });
    }
    if !doc.saw(Container::Result) {
        return Err(AnswerError::Parse(perr(
            ParseErrorKind::Missing,
            Some("Result"),
            doc.end,
        )));
    }
    Ok(doc)
}

pub(super) fn required<T>(
    v: Option<T>,
    name: &'static str,
    end: usize,
    empty: impl Fn(&T) -> bool,
) -> Result<T, ParseError> {
    match v {
        None => Err(perr(ParseErrorKind::Missing, Some(name), end)),
        Some(v) if empty(&v) => Err(perr(ParseErrorKind::Empty, Some(name), end)),
        Some(v) => Ok(v),
    }
}

#[cfg(test)]
mod tests;
