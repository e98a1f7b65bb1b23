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

/// The secret key and the token are `SecretString`s, wiped when dropped.
impl zeroize::ZeroizeOnDrop for Credentials {}

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

    /// The access key id shortened for logs: its first and last four characters
    /// (`ASIA...MPLE`).
    pub fn short_access_key_id(&self) -> ShortKeyId<'_> {
        ShortKeyId(&self.access_key_id)
    }
}

/// An access key id shortened for logs: the first four and last four characters with
/// `...` between (an id of eight characters or fewer is shown whole).
#[derive(Debug, Clone, Copy)]
pub struct ShortKeyId<'a>(&'a str);

impl<'a> ShortKeyId<'a> {
    /// `access_key_id` shortened.
    pub fn of(access_key_id: &'a str) -> Self {
        ShortKeyId(access_key_id)
    }
}

impl fmt::Display for ShortKeyId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.chars().count();
        if n <= 8 {
            return f.write_str(self.0);
        }
        let head: String = self.0.chars().take(4).collect();
        let tail: String = self.0.chars().skip(n - 4).collect();
        write!(f, "{head}...{tail}")
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

/// The secret key and the token are `SecretString`s, wiped when dropped.
impl zeroize::ZeroizeOnDrop for StsCredentials {}

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

    /// The expiration in RFC 3339 form for display (`2031-05-06T07:08:09Z`).
    pub fn expiration_rfc3339(&self) -> crate::date::Rfc3339 {
        crate::date::Rfc3339(self.expiration)
    }

    /// Whether the credentials expire within `window` of `now` (or have expired).
    /// With the `client` feature, [`StsCredentials::expires_within`] reads the system
    /// clock.
    pub fn expires_within_at(
        &self,
        window: std::time::Duration,
        now: time::OffsetDateTime,
    ) -> bool {
        let window = time::Duration::try_from(window).unwrap_or(time::Duration::MAX);
        now.checked_add(window).is_none_or(|t| t >= self.expiration)
    }

    /// The access key id shortened for logs: its first and last four characters
    /// (`ASIA...MPLE`).
    pub fn short_access_key_id(&self) -> ShortKeyId<'_> {
        ShortKeyId(&self.access_key_id)
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

/// Temporary credentials to sign with (the expiration is dropped: keep it if you need
/// it).
impl From<StsCredentials> for Credentials {
    fn from(c: StsCredentials) -> Self {
        Credentials {
            access_key_id: c.access_key_id,
            secret_access_key: c.secret_access_key,
            session_token: Some(c.session_token),
        }
    }
}

impl From<&StsCredentials> for Credentials {
    fn from(c: &StsCredentials) -> Self {
        c.to_credentials()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_key_id_keeps_four_characters_at_each_end() {
        let c = Credentials::new("ASIAIOSFODNN7EXAMPLE", "s", None);
        assert_eq!(c.short_access_key_id().to_string(), "ASIA...MPLE");
        let short = Credentials::new("AKID1234", "s", None);
        assert_eq!(short.short_access_key_id().to_string(), "AKID1234");
        let wide = Credentials::new("ÄÖÜßéèêëx", "s", None);
        assert_eq!(wide.short_access_key_id().to_string(), "ÄÖÜß...èêëx");
    }

    #[test]
    fn sts_credentials_sign_as_credentials_and_show_their_expiration() {
        let exp = time::OffsetDateTime::from_unix_timestamp(1_900_000_000).unwrap();
        let sts = StsCredentials::new("ASIAX", "s".into(), "t".into(), exp);
        assert_eq!(sts.expiration_rfc3339().to_string(), "2030-03-17T17:46:40Z");
        let c: Credentials = (&sts).into();
        assert!(c.is_temporary());
        let c: Credentials = sts.into();
        assert_eq!(c.access_key_id(), "ASIAX");
        assert_eq!(
            c.session_token().map(ExposeSecret::expose_secret),
            Some("t")
        );
    }

    #[test]
    fn expires_within_counts_the_window_from_now() {
        let exp = time::OffsetDateTime::from_unix_timestamp(1_900_000_000).unwrap();
        let c = StsCredentials::new("ASIA", "s".into(), "t".into(), exp);
        let min = std::time::Duration::from_secs(60);
        let at = |secs: i64| exp - time::Duration::seconds(secs);
        assert!(!c.expires_within_at(min, at(61)));
        assert!(c.expires_within_at(min, at(60)));
        assert!(c.expires_within_at(min, at(-5)));
        assert!(c.expires_within_at(std::time::Duration::MAX, at(1_000_000)));
    }
}
