//! The IAM Identity Center token the AWS CLI's `aws sso login` leaves in
//! `~/.aws/sso/cache/`: the file name (SHA-1 of the `sso_session` name, or of the start
//! URL for the legacy form), reading it, and writing a refreshed token back as botocore
//! writes it (its fields in its order, `json.dumps` spacing, `expiresAt` in the `Z`
//! form; 0600 through a temporary file and a rename).

use secrecy::{ExposeSecret, SecretString};
use sha1::Digest;
use time::OffsetDateTime;

use crate::provider::http_source::{SourceFailure, json_object, text};
use crate::provider::os::Os;
use crate::pyjson::Object;

/// The largest token file read.
const MAX_TOKEN_FILE: u64 = 256 * 1024;

/// The cache file's name for a session name (or, legacy, a start URL).
pub(crate) fn token_file_name(session_or_start_url: &str) -> String {
    let digest = sha1::Sha1::digest(session_or_start_url.as_bytes());
    format!("{}.json", crate::text::hex(&digest))
}

/// A cached token: what the AWS CLI wrote.
pub(crate) struct CachedToken {
    pub(crate) access_token: SecretString,
    pub(crate) expires_at: OffsetDateTime,
    pub(crate) refresh_token: Option<SecretString>,
    pub(crate) client_id: Option<String>,
    pub(crate) client_secret: Option<SecretString>,
    /// As written (copied back unchanged).
    pub(crate) registration_expires_at: Option<String>,
}

impl CachedToken {
    /// Its secrets: the access token, the refresh token and the client secret.
    pub(crate) fn secrets(&self) -> Vec<SecretString> {
        std::iter::once(&self.access_token)
            .chain(&self.refresh_token)
            .chain(&self.client_secret)
            .cloned()
            .collect()
    }

    /// Whether it can be refreshed at `now`: a refresh token, a client id and secret,
    /// and a client registration that has not expired.
    pub(crate) fn refreshable(&self, now: OffsetDateTime) -> bool {
        self.refresh_token.is_some()
            && self.client_id.is_some()
            && self.client_secret.is_some()
            && self
                .registration_expires_at
                .as_deref()
                .and_then(crate::date::parse_expiration)
                .is_some_and(|t| t > now)
    }
}

/// Reads the token file at `path`; `Ok(None)` when there is none.
pub(crate) fn read_token(
    os: &Os,
    path: &std::path::Path,
) -> Result<Option<CachedToken>, SourceFailure> {
    let bytes = match os.read_regular_file(path, MAX_TOKEN_FILE) {
        Ok(b) => zeroize::Zeroizing::new(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(_) => {
            return Err(SourceFailure::LoginNeeded(
                "the cached token file cannot be read".into(),
            ));
        }
    };
    let unreadable = || {
        SourceFailure::LoginNeeded("the cached token file is not a token the AWS CLI wrote".into())
    };
    let obj = json_object(&bytes).map_err(|_| unreadable())?;
    let access_token = text(&obj, "accessToken").ok_or_else(unreadable)?;
    let expires_at = text(&obj, "expiresAt")
        .and_then(crate::date::parse_expiration)
        .ok_or_else(unreadable)?;
    let secret = |k: &str| text(&obj, k).map(SecretString::from);
    Ok(Some(CachedToken {
        access_token: SecretString::from(access_token),
        expires_at,
        refresh_token: secret("refreshToken"),
        client_id: text(&obj, "clientId").map(str::to_owned),
        client_secret: secret("clientSecret"),
        registration_expires_at: text(&obj, "registrationExpiresAt").map(str::to_owned),
    }))
}

/// The JSON of a refreshed token, as botocore's token provider writes it.
pub(crate) fn token_json(start_url: &str, region: &str, token: &CachedToken) -> String {
    let mut o = Object::new();
    o.str("startUrl", start_url)
        .str("region", region)
        .str("accessToken", token.access_token.expose_secret())
        .str("expiresAt", &crate::date::format_rfc3339(token.expires_at));
    if let Some(id) = &token.client_id {
        o.str("clientId", id);
    }
    if let Some(s) = &token.client_secret {
        o.str("clientSecret", s.expose_secret());
    }
    if let Some(r) = &token.registration_expires_at {
        o.str("registrationExpiresAt", r);
    }
    if let Some(r) = &token.refresh_token {
        o.str("refreshToken", r.expose_secret());
    }
    o.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_the_sha1_of_the_session_or_start_url() {
        // Computed with Python's hashlib.sha1(...).hexdigest().
        assert_eq!(
            token_file_name("my-sso"),
            "0ad374308c5a4e22f723adf10145eafad7c4031c.json"
        );
        assert_eq!(
            token_file_name("https://d-123.awsapps.com/start"),
            "2b829a45f04c9828cb45b7d092d8e4aa30818393.json"
        );
    }

    #[test]
    fn a_refreshed_token_is_written_as_botocore_writes_it() {
        let token = CachedToken {
            access_token: SecretString::from("a\u{e9}"),
            expires_at: time::macros::datetime!(2030-01-01 00:00 UTC),
            refresh_token: Some(SecretString::from("r")),
            client_id: Some("c".into()),
            client_secret: Some(SecretString::from("s")),
            registration_expires_at: Some("2030-02-01T00:00:00Z".into()),
        };
        assert_eq!(
            token_json("https://x", "us-east-1", &token),
            r#"{"startUrl": "https://x", "region": "us-east-1", "accessToken": "a\u00e9", "expiresAt": "2030-01-01T00:00:00Z", "clientId": "c", "clientSecret": "s", "registrationExpiresAt": "2030-02-01T00:00:00Z", "refreshToken": "r"}"#
        );
    }
}
