//! Source credentials: what requests are signed with.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// AWS credentials used to sign a request: an access key id, a secret access key and,
/// for temporary credentials, a session token.
///
/// The secret access key and the session token are held as [`SecretString`]s: they are
/// zeroized on drop and never appear in `Debug` output, which shows the access key id
/// only. `PartialEq` is deliberately not implemented.
///
/// A plain value: derived signing keys are kept by a [`crate::sigv4::Signer`], not here.
pub struct Credentials {
    access_key_id: String,
    secret_access_key: SecretString,
    session_token: Option<SecretString>,
}

impl Credentials {
    /// Long-term or temporary credentials. Pass `Some(token)` for temporary credentials
    /// (their access key id usually starts with `ASIA`).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: SecretString::from(secret_access_key.into()),
            session_token: session_token.map(SecretString::from),
        }
    }

    /// The access key id. It is not a secret and may be logged.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &SecretString {
        &self.secret_access_key
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&SecretString> {
        self.session_token.as_ref()
    }

    /// Whether these are temporary credentials (they carry a session token).
    pub fn is_temporary(&self) -> bool {
        self.session_token.is_some()
    }
}

impl Clone for Credentials {
    fn clone(&self) -> Self {
        Credentials {
            access_key_id: self.access_key_id.clone(),
            secret_access_key: SecretString::from(self.secret_access_key.expose_secret()),
            session_token: self
                .session_token
                .as_ref()
                .map(|t| SecretString::from(t.expose_secret())),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("temporary", &self.session_token.is_some())
            .finish_non_exhaustive()
    }
}

/// Temporary credentials returned by STS.
///
/// The secret access key and session token are secrets; `Debug` shows the access key
/// id and the expiration only.
pub struct StsCredentials {
    access_key_id: String,
    secret_access_key: SecretString,
    session_token: SecretString,
    expiration: time::OffsetDateTime,
}

impl StsCredentials {
    /// Assembles temporary credentials (the parser and tests use this).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: SecretString,
        session_token: SecretString,
        expiration: time::OffsetDateTime,
    ) -> Self {
        StsCredentials {
            access_key_id: access_key_id.into(),
            secret_access_key,
            session_token,
            // A time that cannot be moved to UTC keeps its offset (it compares the same).
            expiration: crate::date::to_utc(expiration).unwrap_or(expiration),
        }
    }

    /// The access key id (starts with `ASIA` on AWS).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }
    /// The secret access key.
    pub fn secret_access_key(&self) -> &SecretString {
        &self.secret_access_key
    }
    /// The session token.
    pub fn session_token(&self) -> &SecretString {
        &self.session_token
    }
    /// When the credentials expire, in UTC.
    pub fn expiration(&self) -> time::OffsetDateTime {
        self.expiration
    }

    /// These credentials as signing [`Credentials`] (for role chaining or for calling
    /// another service).
    pub fn to_credentials(&self) -> Credentials {
        Credentials::new(
            self.access_key_id.clone(),
            self.secret_access_key.expose_secret(),
            Some(self.session_token.expose_secret().to_owned()),
        )
    }
}

impl Clone for StsCredentials {
    fn clone(&self) -> Self {
        StsCredentials {
            access_key_id: self.access_key_id.clone(),
            secret_access_key: SecretString::from(self.secret_access_key.expose_secret()),
            session_token: SecretString::from(self.session_token.expose_secret()),
            expiration: self.expiration,
        }
    }
}

impl fmt::Debug for StsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("expiration", &self.expiration)
            .finish_non_exhaustive()
    }
}
