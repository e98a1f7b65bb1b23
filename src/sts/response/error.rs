//! STS error documents, and the error for any non-2xx answer.

use super::failures::{AnswerError, BodyKind, Fault, ServiceError, StatusError};
use super::schema::Field;
use super::{Doc, header_request_id, request_id, scan};

pub(super) fn service_error(
    mut doc: Doc,
    status: u16,
    headers: &[(String, String)],
) -> Option<ServiceError> {
    let code = doc.opt(Field::ErrCode)?;
    Some(ServiceError {
        code,
        message: doc.opt(Field::ErrMessage),
        fault: match doc.text(Field::ErrType).as_deref() {
            Some("Sender") => Fault::Sender,
            Some("Receiver") => Fault::Receiver,
            _ => Fault::Unknown,
        },
        request_id: request_id(doc.text(Field::RequestId), headers),
        http_status: status,
    })
}

/// Whether a body looks like XML: its first byte after an optional BOM and white space
/// is `<`. Decided from the body, never from `Content-Type` (emulators send XML as
/// `text/html`).
pub(super) fn looks_like_xml(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// The error for a non-2xx answer: the STS error document when the body is one,
/// otherwise the status (with whether the body was empty).
pub fn parse_error(status: u16, headers: &[(String, String)], body: &[u8]) -> AnswerError {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return AnswerError::Status(StatusError {
            status,
            body: BodyKind::Empty,
            request_id: header_request_id(headers),
        });
    }
    if looks_like_xml(body)
        && let Ok(doc) = scan(body)
        && doc.is_error
        && let Some(e) = service_error(doc, status, headers)
    {
        return AnswerError::Service(e);
    }
    AnswerError::Status(StatusError {
        status,
        body: BodyKind::NotStsError,
        request_id: header_request_id(headers),
    })
}
