//! STS error documents, and the error for any non-2xx answer.

use super::{Doc, header_request_id, request_id, scan};
use crate::error::{BodyKind, Error, Fault, ServiceError, StatusError};

pub(super) fn service_error(
    doc: Doc,
    status: u16,
    headers: &[(String, String)],
) -> Option<ServiceError> {
    let code = doc.err_code.filter(|c| !c.is_empty())?;
    Some(ServiceError {
        code,
        message: doc.err_message.filter(|m| !m.is_empty()),
        fault: match doc.err_type.as_deref() {
            Some("Sender") => Fault::Sender,
            Some("Receiver") => Fault::Receiver,
            _ => Fault::Unknown,
        },
        request_id: request_id(doc.request_id, headers),
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
pub fn parse_error(status: u16, headers: &[(String, String)], body: &[u8]) -> Error {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Error::Status(StatusError {
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
        return Error::Service(e);
    }
    Error::Status(StatusError {
        status,
        body: BodyKind::NotStsError,
        request_id: header_request_id(headers),
    })
}
