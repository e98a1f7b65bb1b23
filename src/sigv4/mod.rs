//! AWS Signature Version 4, in the specification's own steps.
//!
//! 1. [`canonical_request`]: method, canonical URI, canonical query, canonical headers,
//!    signed header list and payload hash.
//! 2. [`string_to_sign`]: algorithm, timestamp, credential scope and the hash of step 1.
//! 3. [`signing_key`]: `AWS4` + secret -> date -> region -> service -> `aws4_request`.
//! 4. The signature: hex HMAC-SHA256 of step 2 under the key of step 3, placed in an
//!    `Authorization` header ([`sign`]) or in the query string ([`presign`]).
//!
//! Everything here is pure: no IO, no clock (the time is a parameter), no environment,
//! nothing async. See the AWS reference, "Create a signed AWS API request":
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>.

pub mod canonical_request;
pub(crate) mod encode;
mod error;
pub(crate) mod hash;
mod signature;
pub mod signing_key;
pub mod string_to_sign;

use std::time::Duration;

use time::OffsetDateTime;

pub use canonical_request::{CanonicalRequest, PathEncoding};
pub use error::SigningError;
pub use signature::{Signature, Signer, SigningOutput, presign, sign};
pub use signing_key::{SigningKey, derive_signing_key};
pub use string_to_sign::StringToSign;

/// The payload hash used when the body is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The longest lifetime of a presigned URL that AWS accepts: seven days.
pub const MAX_PRESIGN_EXPIRY: Duration = Duration::from_secs(7 * 24 * 3600);

/// Where the session token of temporary credentials goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SessionTokenMode {
    /// Add `X-Amz-Security-Token` before signing, so it is signed (what STS and most
    /// services expect).
    #[default]
    Signed,
    /// Add `X-Amz-Security-Token` after signing, leaving it out of the signature (a few
    /// services want this; see the suite's `post-sts-header-after` case).
    AddAfterSigning,
}

/// What the canonical request carries as the payload hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PayloadHash {
    /// The hex SHA-256 of the body.
    #[default]
    Hashed,
    /// The literal `UNSIGNED-PAYLOAD` (S3 presigned URLs).
    Unsigned,
}

/// Knobs of the signing algorithm. The default suits STS, IAM and other Query APIs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigningSettings {
    /// Remove `.`/`..` segments and duplicate slashes from the path (default `true`;
    /// S3 wants `false`).
    pub normalize_path: bool,
    /// How the path is percent-encoded (default [`PathEncoding::Double`]).
    pub path_encoding: PathEncoding,
    /// Where the session token goes (default [`SessionTokenMode::Signed`]).
    pub session_token: SessionTokenMode,
    /// The payload hash (default [`PayloadHash::Hashed`]).
    pub payload: PayloadHash,
    /// Also send (and sign) the payload hash as `X-Amz-Content-SHA256` (header signing
    /// only; default `false`).
    pub content_sha256_header: bool,
}

impl Default for SigningSettings {
    fn default() -> Self {
        SigningSettings {
            normalize_path: true,
            path_encoding: PathEncoding::Double,
            session_token: SessionTokenMode::Signed,
            payload: PayloadHash::Hashed,
            content_sha256_header: false,
        }
    }
}

impl SigningSettings {
    /// Sets [`SigningSettings::normalize_path`].
    pub fn with_normalize_path(mut self, normalize: bool) -> Self {
        self.normalize_path = normalize;
        self
    }
    /// Sets [`SigningSettings::path_encoding`].
    pub fn with_path_encoding(mut self, encoding: PathEncoding) -> Self {
        self.path_encoding = encoding;
        self
    }
    /// Sets [`SigningSettings::session_token`].
    pub fn with_session_token(mut self, mode: SessionTokenMode) -> Self {
        self.session_token = mode;
        self
    }
    /// Sets [`SigningSettings::payload`].
    pub fn with_payload(mut self, payload: PayloadHash) -> Self {
        self.payload = payload;
        self
    }
    /// Sets [`SigningSettings::content_sha256_header`].
    pub fn with_content_sha256_header(mut self, on: bool) -> Self {
        self.content_sha256_header = on;
        self
    }
}

/// Where and when a request is signed: region, service, time and settings.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SigningParams<'a> {
    /// The region of the credential scope, such as `us-east-1`.
    pub region: &'a str,
    /// The service of the credential scope, such as `sts`.
    pub service: &'a str,
    /// The signing time. The signer never reads a clock.
    pub time: OffsetDateTime,
    /// Algorithm settings.
    pub settings: SigningSettings,
}

impl<'a> SigningParams<'a> {
    /// Parameters with default settings.
    pub fn new(region: &'a str, service: &'a str, time: OffsetDateTime) -> Self {
        SigningParams {
            region,
            service,
            time,
            settings: SigningSettings::default(),
        }
    }

    /// Replaces the settings.
    pub fn with_settings(mut self, settings: SigningSettings) -> Self {
        self.settings = settings;
        self
    }
}

#[cfg(test)]
mod tests;
