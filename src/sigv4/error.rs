//! Why a request could not be signed.

use std::fmt;

/// Why a request could not be signed. Never carries a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningError {
    /// The method is empty or holds a character not allowed in an HTTP token.
    InvalidMethod,
    /// A header name is empty or holds a character not allowed in an HTTP token.
    InvalidHeaderName,
    /// A header value holds a control character other than tab or a line break.
    InvalidHeaderValue {
        /// The lowercased header name.
        name: String,
    },
    /// The region or service is empty, too long, or holds `/`, space or non-ASCII.
    InvalidScope {
        /// `"region"` or `"service"`.
        field: &'static str,
    },
    /// The access key id is empty or holds a character that would break the
    /// `Credential=` field (`/`, `,`, space, control or non-ASCII).
    InvalidAccessKeyId,
    /// The request has no `Host` header and its URL has no authority.
    MissingHost,
    /// The session token is not all visible ASCII: it holds a space, a control
    /// character, a line break or non-ASCII.
    InvalidSessionToken,
    /// The signing time is outside the years 0000-9999.
    InvalidTime,
    /// A presigned URL's lifetime is zero or longer than seven days.
    InvalidExpiry,
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SigningError::InvalidMethod => f.write_str("invalid method: not an HTTP token"),
            SigningError::InvalidHeaderName => {
                f.write_str("invalid header name: not an HTTP token")
            }
            SigningError::InvalidHeaderValue { name } => {
                write!(f, "invalid value for header {name}: control character")
            }
            SigningError::InvalidScope { field } => {
                write!(f, "invalid {field} for the credential scope")
            }
            SigningError::InvalidAccessKeyId => f.write_str("invalid access key id"),
            SigningError::InvalidSessionToken => f.write_str(
                "invalid session token: must be visible ASCII (no space, control character or line break)",
            ),
            SigningError::MissingHost => {
                f.write_str("request has no host: give an absolute URL or a Host header")
            }
            SigningError::InvalidTime => f.write_str("signing time is outside the years 0000-9999"),
            SigningError::InvalidExpiry => {
                f.write_str("presigned URL expiry must be between 1 second and 7 days")
            }
        }
    }
}

impl std::error::Error for SigningError {}
