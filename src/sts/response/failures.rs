//! What an unusable STS answer was ([`AnswerError`]): an error document
//! ([`ServiceError`]), a bare HTTP status ([`StatusError`]), or a body that could not be
//! read ([`ParseError`]). The parsers are pure, so their error has no IO or runtime
//! variant. Re-exported from [`crate::error`].

use std::fmt;

use crate::text::escape_for_terminal;

/// Why an STS answer gives no output: what the parsers of [`crate::sts`] return.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnswerError {
    /// STS answered with an error document (`AccessDenied`, `Throttling`, ...).
    Service(ServiceError),
    /// A non-2xx status without an STS error document (a proxy's HTML 502, an empty 503).
    Status(StatusError),
    /// A 2xx answer that is not a well-formed STS response.
    Parse(ParseError),
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerError::Service(e) => e.fmt(f),
            AnswerError::Status(e) => e.fmt(f),
            AnswerError::Parse(e) => write!(f, "malformed STS response: {e}"),
        }
    }
}

/// The whole message is in `Display` (see [`crate::error`]).
impl std::error::Error for AnswerError {}

impl AnswerError {
    /// The STS error document, when the answer was one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            AnswerError::Service(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the same request may succeed if tried again: HTTP 500, 502, 503 and
    /// 504, the throttling and transient STS codes ([`RETRYABLE_CODES`]), and a 2xx
    /// that could not be read.
    pub fn is_retryable(&self) -> bool {
        match self {
            AnswerError::Service(e) => {
                matches!(e.http_status, 500 | 502 | 503 | 504)
                    || RETRYABLE_CODES.contains(&e.code.as_str())
            }
            AnswerError::Status(e) => matches!(e.status, 500 | 502 | 503 | 504),
            AnswerError::Parse(_) => true,
        }
    }
}

/// STS error codes worth another attempt: the ones STS returns for throttling and
/// transient failures (`IDPCommunicationError` as botocore retries it, HTTP 400). Any
/// HTTP 500, 502, 503 or 504 is retried whatever its code.
pub const RETRYABLE_CODES: &[&str] = &[
    "Throttling",
    "IDPCommunicationError",
    "InternalFailure",
    "ServiceUnavailable",
];

impl From<ParseError> for AnswerError {
    fn from(e: ParseError) -> Self {
        AnswerError::Parse(e)
    }
}

/// Whose fault STS says the error is, from the `<Type>` element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// The request was wrong (`Sender`).
    Sender,
    /// STS failed (`Receiver`).
    Receiver,
    /// No `<Type>`, or another value.
    Unknown,
}

/// An error document from STS.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceError {
    pub(crate) code: String,
    pub(crate) message: Option<String>,
    pub(crate) fault: Fault,
    pub(crate) request_id: Option<String>,
    pub(crate) http_status: u16,
}

impl ServiceError {
    /// The error code, such as `AccessDenied`.
    pub fn code(&self) -> &str {
        &self.code
    }
    /// The message, as STS wrote it (trimmed). STS messages name principals and ARNs,
    /// never secrets; `StsClient::send` removes any secret of the
    /// request a server echoes anyway (see [`ServiceError::redact`]).
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
    /// `Sender` or `Receiver`.
    pub fn fault(&self) -> Fault {
        self.fault
    }
    /// The request id, from the body or the `x-amzn-RequestId` header.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// The HTTP status of the answer.
    pub fn http_status(&self) -> u16 {
        self.http_status
    }

    /// One line of advice for the common error codes (a trailing `Exception` is
    /// ignored), `None` for the others. The CLI prints it under the error.
    pub fn advice(&self) -> Option<&'static str> {
        let code = self.code.strip_suffix("Exception").unwrap_or(&self.code);
        Some(match code {
            "AccessDenied" => {
                "check the role's trust policy (it must name this principal), that the caller may call sts:AssumeRole on the role, and that any external id matches the trust policy's sts:ExternalId condition"
            }
            "MalformedPolicyDocument" => {
                "the session policy is not a valid IAM policy: check its JSON, its Version and each statement's Effect, Action and Resource"
            }
            "PackedPolicyTooLarge" => {
                "the session policies and tags are too large once packed: use fewer or shorter policies, policy ARNs or session tags"
            }
            "RegionDisabled" => {
                "STS is not activated in this region for the account: activate it (IAM > Account settings) or call another region"
            }
            "ExpiredToken" => {
                "the source session token has expired: get fresh source credentials (or refresh them) and try again"
            }
            "InvalidClientTokenId" => {
                "the access key id is not known to AWS: check the key, that it is active, and that the region's partition (aws, aws-cn, aws-us-gov) is the key's"
            }
            "SignatureDoesNotMatch" => {
                "the request signature is wrong: check the secret access key (whitespace, a truncated copy) and that the system clock is right"
            }
            "InvalidIdentityToken" | "IDPRejectedClaim" => {
                "the identity provider's token was refused: check that it has not expired, that its audience (aud) is registered with the IAM OIDC provider, and the role's trust policy conditions"
            }
            "RequestExpired" | "RequestTimeTooSkewed" => {
                "the system clock is off by more than five minutes: synchronize it"
            }
            _ => return None,
        })
    }

    /// Removes every occurrence of each of `secrets` (as sent, and form-encoded) from
    /// the server's text: a server that echoes a token or a code back in its message
    /// must not have it printed. Values shorter than four characters are left alone.
    pub fn redact(&mut self, secrets: &[&str]) {
        let scrub = |text: &mut String| {
            for secret in secrets.iter().filter(|s| s.len() >= 4) {
                let mut encoded = Vec::new();
                crate::sts::form::encode_into(&mut encoded, secret);
                let encoded = String::from_utf8(encoded).unwrap_or_default();
                for needle in [*secret, encoded.as_str()] {
                    if !needle.is_empty() && text.contains(needle) {
                        *text = text.replace(needle, "[redacted]");
                    }
                }
            }
        };
        scrub(&mut self.code);
        if let Some(m) = &mut self.message {
            scrub(m);
        }
        if let Some(r) = &mut self.request_id {
            scrub(r);
        }
    }
}

/// Server text in a `Display`: see [`escape_for_terminal`].
impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let safe = escape_for_terminal;
        write!(
            f,
            "STS error {} (HTTP {}",
            safe(&self.code),
            self.http_status
        )?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {}", safe(id))?;
        }
        f.write_str(")")?;
        if let Some(m) = &self.message {
            write!(f, ": {}", safe(m))?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

/// What the body of a non-2xx answer without an STS error document looked like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyKind {
    /// No body at all.
    Empty,
    /// Something else (HTML, JSON, XML that is not an STS error).
    NotStsError,
}

/// A non-2xx status without an STS error document.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatusError {
    pub(crate) status: u16,
    pub(crate) body: BodyKind,
    pub(crate) request_id: Option<String>,
}

impl StatusError {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }
    /// What the body was (its text is never kept).
    pub fn body(&self) -> BodyKind {
        self.body
    }
    /// The `x-amzn-RequestId` header, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        match self.body {
            BodyKind::Empty => f.write_str(" with an empty body")?,
            BodyKind::NotStsError => f.write_str(" without an STS error document")?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {})", escape_for_terminal(id))?;
        }
        Ok(())
    }
}

impl std::error::Error for StatusError {}

/// Why a response body could not be read. Names the element and byte offset, never
/// the text: a 200 body holds the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseError {
    pub(crate) kind: ParseErrorKind,
    pub(crate) element: Option<&'static str>,
    pub(crate) offset: usize,
}

impl ParseError {
    /// What was wrong.
    pub fn kind(&self) -> ParseErrorKind {
        self.kind
    }
    /// The element concerned, when there is one (`SessionToken`, `Expiration`, ...).
    pub fn element(&self) -> Option<&'static str> {
        self.element
    }
    /// The byte offset in the body where it was found.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

/// The kinds of [`ParseError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The body is not valid UTF-8.
    InvalidUtf8,
    /// A `<!DOCTYPE` (refused: no entity is ever expanded).
    Doctype,
    /// `&name;` where name is not one of the five predefined entities.
    UndefinedEntity,
    /// A character reference to a character XML does not allow (`&#0;`).
    InvalidCharacterReference,
    /// A raw character XML 1.0 does not allow (a control character other than tab and
    /// line breaks, U+FFFE, U+FFFF).
    InvalidCharacter,
    /// Elements nested deeper than the limit.
    TooDeep,
    /// The body ended with elements still open.
    UnexpectedEof,
    /// No root element (empty body, or only white space and comments).
    NoRootElement,
    /// Content after the root element, or text outside it.
    ContentOutsideRoot,
    /// Not well-formed XML (mismatched tags, bad syntax).
    Malformed,
    /// The root element is not the expected STS response.
    UnexpectedRoot,
    /// A required element is missing.
    Missing,
    /// A required element is present but empty.
    Empty,
    /// An element that must appear once appears again.
    Duplicate,
    /// A value has the wrong shape (a date that is not RFC 3339, a size that is not a
    /// number).
    InvalidValue,
    /// A list or map holds more entries than the parser accepts.
    TooMany,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ParseErrorKind::InvalidUtf8 => "invalid UTF-8",
            ParseErrorKind::Doctype => "DOCTYPE is not allowed",
            ParseErrorKind::UndefinedEntity => "undefined entity",
            ParseErrorKind::InvalidCharacterReference => "invalid character reference",
            ParseErrorKind::InvalidCharacter => "character not allowed in XML",
            ParseErrorKind::TooDeep => "elements nested too deep",
            ParseErrorKind::UnexpectedEof => "unexpected end of body inside an element",
            ParseErrorKind::NoRootElement => "no root element",
            ParseErrorKind::ContentOutsideRoot => "content outside the root element",
            ParseErrorKind::Malformed => "malformed XML",
            ParseErrorKind::UnexpectedRoot => "not an STS response",
            ParseErrorKind::Missing => "missing element",
            ParseErrorKind::Empty => "empty element",
            ParseErrorKind::Duplicate => "repeated element",
            ParseErrorKind::InvalidValue => "invalid value in element",
            ParseErrorKind::TooMany => "too many entries in",
        };
        f.write_str(what)?;
        if let Some(e) = self.element {
            write!(f, " {e}")?;
        }
        write!(f, " at byte {}", self.offset)
    }
}

impl std::error::Error for ParseError {}
