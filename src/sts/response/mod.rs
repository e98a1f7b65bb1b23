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
pub mod failures;
mod outputs;
pub(crate) mod xml;

pub use error::parse_error;
pub use outputs::{
    AssumeRoleOutput, AssumedRoleUser, CallerIdentity, parse_assume_role, parse_caller_identity,
};

use crate::error::{Error, ParseError, ParseErrorKind};
use crate::http::find_header as header;
use error::service_error;
use xml::{MAX_DEPTH, XmlEvent, XmlReader, normalize_newlines, prepare, trim_xml_space};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    AccessKeyId,
    SecretAccessKey,
    SessionToken,
    Expiration,
    Arn,
    AssumedRoleId,
    PackedPolicySize,
    SourceIdentity,
    RequestId,
    UserId,
    Account,
    CallerArn,
    ErrType,
    ErrCode,
    ErrMessage,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::AccessKeyId => "AccessKeyId",
            Field::SecretAccessKey => "SecretAccessKey",
            Field::SessionToken => "SessionToken",
            Field::Expiration => "Expiration",
            Field::Arn => "Arn",
            Field::AssumedRoleId => "AssumedRoleId",
            Field::PackedPolicySize => "PackedPolicySize",
            Field::SourceIdentity => "SourceIdentity",
            Field::RequestId => "RequestId",
            Field::UserId => "UserId",
            Field::Account => "Account",
            Field::CallerArn => "Arn",
            Field::ErrType => "Type",
            Field::ErrCode => "Code",
            Field::ErrMessage => "Message",
        }
    }

    fn is_secret(self) -> bool {
        matches!(self, Field::SecretAccessKey | Field::SessionToken)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Node {
    SuccessRoot,
    ErrorRoot,
    Result,
    Credentials,
    User,
    Metadata,
    ErrorElem,
    Errors,
    Field(Field),
    Other,
}

#[derive(Default)]
pub(super) struct Doc {
    is_error: bool,
    saw_result: bool,
    saw_credentials: bool,
    saw_user: bool,
    saw_error_elem: bool,
    access_key_id: Option<String>,
    secret: Option<SecretString>,
    token: Option<SecretString>,
    expiration: Option<Timestamp>,
    arn: Option<String>,
    assumed_role_id: Option<String>,
    packed: Option<(String, usize)>,
    source_identity: Option<String>,
    request_id: Option<String>,
    user_id: Option<String>,
    account: Option<String>,
    caller_arn: Option<String>,
    err_type: Option<String>,
    err_code: Option<String>,
    err_message: Option<String>,
    end: usize,
}

/// A timestamp field, parsed where it is read so its text need not be kept.
struct Timestamp {
    /// `None` when the text is not RFC 3339.
    time: Option<time::OffsetDateTime>,
    empty: bool,
    /// Where the element ended, for errors.
    at: usize,
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

fn child(parent: Option<Node>, name: &[u8], doc: &mut Doc, at: usize) -> Result<Node, ParseError> {
    let dup = |e: &'static str| Err(perr(ParseErrorKind::Duplicate, Some(e), at));
    Ok(match parent {
        None => match name {
            b"ErrorResponse" | b"Response" => {
                doc.is_error = true;
                Node::ErrorRoot
            }
            b"Error" => {
                doc.is_error = true;
                doc.saw_error_elem = true;
                Node::ErrorElem
            }
            n if n.ends_with(b"Response") => Node::SuccessRoot,
            _ => return Err(perr(ParseErrorKind::UnexpectedRoot, None, at)),
        },
        Some(Node::SuccessRoot) => match name {
            n if n.ends_with(b"Result") => {
                if doc.saw_result {
                    return dup("Result");
                }
                doc.saw_result = true;
                Node::Result
            }
            b"ResponseMetadata" => Node::Metadata,
            _ => Node::Other,
        },
        Some(Node::Result) => match name {
            b"Credentials" => {
                if doc.saw_credentials {
                    return dup("Credentials");
                }
                doc.saw_credentials = true;
                Node::Credentials
            }
            b"AssumedRoleUser" | b"FederatedUser" => {
                if doc.saw_user {
                    return dup("AssumedRoleUser");
                }
                doc.saw_user = true;
                Node::User
            }
            b"PackedPolicySize" => Node::Field(Field::PackedPolicySize),
            b"SourceIdentity" => Node::Field(Field::SourceIdentity),
            b"UserId" => Node::Field(Field::UserId),
            b"Account" => Node::Field(Field::Account),
            b"Arn" => Node::Field(Field::CallerArn),
            _ => Node::Other,
        },
        Some(Node::Credentials) => match name {
            b"AccessKeyId" => Node::Field(Field::AccessKeyId),
            b"SecretAccessKey" => Node::Field(Field::SecretAccessKey),
            b"SessionToken" => Node::Field(Field::SessionToken),
            b"Expiration" => Node::Field(Field::Expiration),
            _ => Node::Other,
        },
        Some(Node::User) => match name {
            b"Arn" => Node::Field(Field::Arn),
            b"AssumedRoleId" | b"FederatedUserId" => Node::Field(Field::AssumedRoleId),
            _ => Node::Other,
        },
        Some(Node::Metadata) => match name {
            b"RequestId" => Node::Field(Field::RequestId),
            _ => Node::Other,
        },
        Some(Node::ErrorRoot) => match name {
            b"Error" if !doc.saw_error_elem => {
                doc.saw_error_elem = true;
                Node::ErrorElem
            }
            b"Errors" => Node::Errors,
            b"RequestId" | b"RequestID" => Node::Field(Field::RequestId),
            _ => Node::Other,
        },
        Some(Node::Errors) => match name {
            b"Error" if !doc.saw_error_elem => {
                doc.saw_error_elem = true;
                Node::ErrorElem
            }
            _ => Node::Other,
        },
        Some(Node::ErrorElem) => match name {
            b"Type" => Node::Field(Field::ErrType),
            b"Code" => Node::Field(Field::ErrCode),
            b"Message" => Node::Field(Field::ErrMessage),
            b"RequestId" | b"RequestID" => Node::Field(Field::RequestId),
            _ => Node::Other,
        },
        Some(Node::Field(_)) | Some(Node::Other) => Node::Other,
    })
}

fn store(doc: &mut Doc, field: Field, value: &str, at: usize) -> Result<(), ParseError> {
    let dup = Err(perr(ParseErrorKind::Duplicate, Some(field.name()), at));
    macro_rules! set {
        ($slot:expr, $v:expr) => {{
            if $slot.is_some() {
                return dup;
            }
            $slot = Some($v);
        }};
    }
    match field {
        Field::AccessKeyId => set!(doc.access_key_id, value.to_owned()),
        Field::SecretAccessKey => set!(doc.secret, SecretString::from(value)),
        Field::SessionToken => set!(doc.token, SecretString::from(value)),
        Field::Expiration => set!(
            doc.expiration,
            Timestamp {
                time: parse_rfc3339(value),
                empty: value.is_empty(),
                at,
            }
        ),
        Field::Arn => set!(doc.arn, value.to_owned()),
        Field::AssumedRoleId => set!(doc.assumed_role_id, value.to_owned()),
        Field::PackedPolicySize => set!(doc.packed, (value.to_owned(), at)),
        Field::SourceIdentity => set!(doc.source_identity, value.to_owned()),
        Field::RequestId => set!(doc.request_id, value.to_owned()),
        Field::UserId => set!(doc.user_id, value.to_owned()),
        Field::Account => set!(doc.account, value.to_owned()),
        Field::CallerArn => set!(doc.caller_arn, value.to_owned()),
        Field::ErrType => set!(doc.err_type, value.to_owned()),
        Field::ErrCode => set!(doc.err_code, value.to_owned()),
        Field::ErrMessage => set!(doc.err_message, value.to_owned()),
    }
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
    let mut doc = Doc::default();
    // The reader caps the depth at MAX_DEPTH, so a fixed stack never overflows.
    let mut stack = [Node::Other; MAX_DEPTH];
    let mut depth: usize = 0;
    let mut text = FieldText::Empty;
    loop {
        let at = reader.offset();
        let Some(event) = reader.next()? else { break };
        match event {
            XmlEvent::Start => {
                let parent = depth.checked_sub(1).map(|d| stack[d]);
                let node = child(parent, reader.name(), &mut doc, at)?;
                stack[depth] = node;
                depth += 1;
            }
            XmlEvent::Text(t) => {
                if depth > 0
                    && let Node::Field(_) = stack[depth - 1]
                {
                    text.push(t);
                }
            }
            XmlEvent::End => {
                // The reader only reports the end of an element it opened.
                let Some(d) = depth.checked_sub(1) else {
                    continue;
                };
                depth = d;
                if let Node::Field(f) = stack[depth] {
                    let value = std::mem::replace(&mut text, FieldText::Empty);
                    let raw = value.as_str();
                    // Trimming first is the same as after normalizing (line ends
                    // are white space either way) and leaves less to scan.
                    let normalized = normalize_newlines(trim_xml_space(raw));
                    let result = store(&mut doc, f, &normalized, at);
                    if f.is_secret() {
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
) -> Result<Doc, Error> {
    if !(200..300).contains(&status) {
        return Err(parse_error(status, headers, body));
    }
    let doc = scan(body)?;
    if doc.is_error {
        let end = doc.end;
        return Err(match service_error(doc, status, headers) {
            Some(e) => Error::Service(e),
            None => Error::Parse(perr(ParseErrorKind::UnexpectedRoot, None, end)),
        });
    }
    if !doc.saw_result {
        return Err(Error::Parse(perr(
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

pub use crate::date::{format_rfc3339, parse_rfc3339};

#[cfg(test)]
mod tests;
