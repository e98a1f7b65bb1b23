//! Scripted faults: what the double does with one request.

use super::*;

/// What the double does with one request.
#[derive(Clone)]
#[non_exhaustive]
pub enum Reply {
    /// Check the signature and answer as STS would.
    Normal,
    /// Answer this status, content type and body, whatever the request.
    Canned {
        /// HTTP status.
        status: u16,
        /// `Content-Type` (none when empty).
        content_type: String,
        /// Body bytes.
        body: Vec<u8>,
    },
    /// Wait, then reply.
    Delay(Duration, Box<Reply>),
    /// Read the request and never answer (the connection stays open).
    Silent,
    /// Send the status line and headers (with the full `Content-Length`), then the body
    /// one byte per `interval`.
    Drip {
        /// Body to drip.
        body: Vec<u8>,
        /// Pause between bytes.
        interval: Duration,
    },
    /// A redirect to `location`.
    Redirect {
        /// 301, 302, 303, 307 or 308.
        status: u16,
        /// The `Location` header.
        location: String,
    },
    /// A 200 of `len` bytes of XML-ish filler, with or without `Content-Length`
    /// (chunked when without).
    Oversized {
        /// Body length.
        len: usize,
        /// Whether to announce it in `Content-Length`.
        content_length: bool,
    },
    /// A 200 that announces `declared_len` bytes and sends only `body`, then closes.
    Truncated {
        /// The bytes actually sent.
        body: Vec<u8>,
        /// The `Content-Length` announced.
        declared_len: usize,
    },
    /// Decide per request.
    Handler(Arc<dyn Fn(&RecordedRequest) -> Reply + Send + Sync>),
}

impl Reply {
    /// A canned answer with `text/xml` (or no content type for an empty body).
    pub fn status(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        let body = body.into();
        Reply::Canned {
            status,
            content_type: if body.is_empty() {
                String::new()
            } else {
                "text/xml".into()
            },
            body,
        }
    }
    /// A canned answer with a content type.
    pub fn with_type(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Canned {
            status,
            content_type: content_type.into(),
            body: body.into(),
        }
    }
    /// A proxy's HTML error page.
    pub fn html(status: u16) -> Reply {
        Reply::with_type(
            status,
            "text/html",
            format!(
                "<!DOCTYPE html>\n<html><head><title>{status}</title></head><body><h1>{status} Bad Gateway</h1></body></html>\n"
            ),
        )
    }
    /// An STS error document.
    pub fn sts_error(status: u16, code: &str, message: &str) -> Reply {
        Reply::status(
            status,
            error_body(code, message, "00000000-0000-0000-0000-00000000d0b1"),
        )
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reply::Normal => f.write_str("Normal"),
            Reply::Canned { status, body, .. } => {
                write!(f, "Canned({status}, {} bytes)", body.len())
            }
            Reply::Delay(d, r) => write!(f, "Delay({d:?}, {r:?})"),
            Reply::Silent => f.write_str("Silent"),
            Reply::Drip { body, interval } => write!(f, "Drip({} bytes, {interval:?})", body.len()),
            Reply::Redirect { status, .. } => write!(f, "Redirect({status})"),
            Reply::Oversized {
                len,
                content_length,
            } => write!(f, "Oversized({len}, {content_length})"),
            Reply::Truncated { body, declared_len } => {
                write!(f, "Truncated({}/{declared_len})", body.len())
            }
            Reply::Handler(_) => f.write_str("Handler"),
        }
    }
}
