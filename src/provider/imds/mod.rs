//! EC2 instance metadata (IMDSv2): a session token from `PUT /latest/api/token`, the
//! role name, then the role's credentials.
//!
//! Settings, environment first, then the profile: `AWS_EC2_METADATA_DISABLED` (only
//! `true`, in any case, turns it off), `AWS_EC2_METADATA_SERVICE_ENDPOINT` /
//! `ec2_metadata_service_endpoint`, `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` /
//! `ec2_metadata_service_endpoint_mode` (`IPv4`: `http://169.254.169.254`, `IPv6`:
//! `http://[fd00:ec2::254]`), `AWS_METADATA_SERVICE_TIMEOUT` /
//! `metadata_service_timeout` (seconds per attempt, default 1) and
//! `AWS_METADATA_SERVICE_NUM_ATTEMPTS` / `metadata_service_num_attempts` (default 2:
//! one retry). IMDSv1 (no token) is used only when the token is refused and
//! `AWS_EC2_METADATA_V1_DISABLED` / `ec2_metadata_v1_disabled` is explicitly `false`.
//!
//! A socket that never answers costs one timeout (no retry: it is not going to heal
//! within the budget); a refused connection and a `5xx` are tried again at once. The
//! session token is kept for its lifetime (6 hours, less a minute) and sent only to the
//! endpoint that issued it.

use std::sync::Mutex;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::provider::error::{CredentialsError, ProvideError};
use crate::provider::http_source::{
    Retry, SourceFailure, failed, json_object, metadata_credentials, send_retrying, status_failure,
};
use crate::provider::provide::{ProvideCredentials, ProvideFuture, Provided};
mod settings;

use crate::client::{Clock, SystemClock};
use crate::http::{Request, Response};
use crate::provider::os::Os;
use crate::sts::input::InputError;
use crate::transport::{ReqwestTransport, Transport};
pub use settings::ImdsSettings;
pub(crate) use settings::metadata_disabled;

const SOURCE: &str = "instance metadata";
const TOKEN_TTL_SECONDS: i128 = 21_600;
const CREDENTIALS_PATH: &str = "/latest/meta-data/iam/security-credentials/";

/// A session token and when (clock nanoseconds) it stops being used.
struct Token {
    value: SecretString,
    until: i128,
}

/// Instance metadata as a [`ProvideCredentials`]. Not configured when
/// `AWS_EC2_METADATA_DISABLED=true`.
pub struct ImdsProvider<T = ReqwestTransport, C = SystemClock> {
    settings: ImdsSettings,
    transport: T,
    clock: C,
    token: Mutex<Option<Token>>,
}

impl<T, C> std::fmt::Debug for ImdsProvider<T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImdsProvider")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl ImdsProvider {
    /// The provider the environment of `os` (and `profile`'s keys) configure, with its
    /// own transport: the settings' timeout to connect and per attempt, a 64 KiB body,
    /// never a proxy, `AWS_CA_BUNDLE` (or the profile's `ca_bundle`) for an `https`
    /// endpoint.
    ///
    /// # Errors
    /// As [`ImdsSettings::from_env`]; an unreadable CA bundle.
    pub fn from_env(
        os: &Os,
        profile: Option<&crate::profile::Properties>,
    ) -> Result<Self, InputError> {
        let settings = ImdsSettings::from_env(os, profile)?;
        let transport =
            crate::provider::http_source::metadata_transport(os, profile, settings.timeout)?;
        Ok(ImdsProvider::new(settings, transport, SystemClock))
    }
}

impl<T: Transport, C: Clock> ImdsProvider<T, C> {
    /// A provider with these settings, sending with `transport`, reading `clock`.
    pub fn new(settings: ImdsSettings, transport: T, clock: C) -> Self {
        ImdsProvider {
            settings,
            transport,
            clock,
            token: Mutex::new(None),
        }
    }

    /// The settings in force.
    pub fn settings(&self) -> &ImdsSettings {
        &self.settings
    }

    /// One request, tried up to the attempt count while it fails in a way another try
    /// may heal (a refused or broken connection, a `5xx`); a timeout is not retried.
    async fn request(&self, make: impl Fn() -> Request) -> Result<Response, SourceFailure> {
        let retry = Retry {
            attempts: self.settings.attempts,
            pause: Duration::ZERO,
            after_timeout: false,
            after_throttling: false,
        };
        let token = self.lock().as_ref().map(|t| t.value.clone());
        let secrets: Vec<&str> = token.iter().map(|t| t.expose_secret()).collect();
        send_retrying(
            &self.transport,
            make,
            self.settings.timeout,
            retry,
            &secrets,
        )
        .await
    }

    /// A session token: the one kept, else a new one; `None` when the service refused
    /// one and the IMDSv1 fallback is on.
    async fn token(&self) -> Result<Option<SecretString>, SourceFailure> {
        let now = self.clock.now_unix_nanos();
        if let Some(t) = self.lock().as_ref().filter(|t| t.until > now) {
            return Ok(Some(t.value.clone()));
        }
        let url = format!("{}/latest/api/token", self.settings.endpoint);
        let r = self
            .request(|| {
                Request::new("PUT", url.as_str())
                    .with_header("x-aws-ec2-metadata-token-ttl-seconds", "21600")
            })
            .await?;
        match r.status() {
            200 => {}
            403..=405 if self.settings.allow_v1 => return Ok(None),
            status @ 403..=405 => {
                return Err(SourceFailure::Status {
                    status,
                    code: None,
                    message: Some(
                        "the IMDSv2 session token was refused, and the IMDSv1 fallback is off \
                         (AWS_EC2_METADATA_V1_DISABLED=false turns it on)"
                            .into(),
                    ),
                });
            }
            _ => return Err(self.status(&r)),
        }
        let value = std::str::from_utf8(r.body())
            .ok()
            .map(str::trim)
            .filter(|t| {
                (1..=1024).contains(&t.len())
                    && t.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"+/=_.-".contains(&b))
            })
            .ok_or(SourceFailure::Malformed(
                "the session token is not a base64 token",
            ))?;
        let value = SecretString::from(value);
        *self.lock() = Some(Token {
            value: value.clone(),
            until: now + (TOKEN_TTL_SECONDS - 60) * 1_000_000_000,
        });
        Ok(Some(value))
    }

    /// An error answer, with the session token (should the service echo it) removed.
    fn status(&self, r: &Response) -> SourceFailure {
        let token = self.lock().as_ref().map(|t| t.value.clone());
        match &token {
            Some(t) => status_failure(r, &[t.expose_secret()]),
            None => status_failure(r, &[]),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Token>> {
        self.token.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A GET with the token; a `401` (a token the service no longer knows) gets a new
    /// token and one more try.
    async fn get(&self, path: &str) -> Result<Response, SourceFailure> {
        let url = format!("{}{path}", self.settings.endpoint);
        for round in 0..2 {
            let token = self.token().await?;
            let r = self
                .request(|| {
                    let mut req = Request::new("GET", url.as_str());
                    if let Some(t) = &token {
                        req.append_sensitive_header("x-aws-ec2-metadata-token", t.expose_secret());
                    }
                    req
                })
                .await?;
            if r.status() == 401 && round == 0 {
                // Not used again, but still kept out of any error text.
                if let Some(t) = self.lock().as_mut() {
                    t.until = i128::MIN;
                }
                continue;
            }
            return Ok(r);
        }
        Err(SourceFailure::Malformed(
            "the session token was refused twice",
        ))
    }

    /// Fetches the role's credentials.
    ///
    /// # Errors
    /// [`CredentialsError::Source`]; [`CredentialsError::StaleCredentials`] when they
    /// have already expired.
    pub async fn fetch(&self) -> Result<Provided, CredentialsError> {
        let fail = |f| failed(SOURCE, f);
        let r = self.get(CREDENTIALS_PATH).await.map_err(fail)?;
        let role = match r.status() {
            200 => role_name(r.body()).map_err(fail)?,
            404 => {
                return Err(fail(SourceFailure::Status {
                    status: 404,
                    code: None,
                    message: Some("no IAM role is attached to this instance".into()),
                }));
            }
            _ => return Err(fail(self.status(&r))),
        };
        let r = self
            .get(&format!("{CREDENTIALS_PATH}{role}"))
            .await
            .map_err(fail)?;
        if r.status() != 200 {
            return Err(fail(self.status(&r)));
        }
        let obj = json_object(r.body()).map_err(fail)?;
        match crate::provider::http_source::text(&obj, "Code") {
            None | Some("Success") => {}
            Some(code) => {
                // The session token and the answer's own secrets, should the service
                // echo one as the code.
                let m = crate::provider::http_source::METADATA_MEMBERS;
                let session = self.lock().as_ref().map(|t| t.value.clone());
                let secrets: Vec<&str> = [m.secret_access_key, m.token]
                    .iter()
                    .filter_map(|k| crate::provider::http_source::text(&obj, k))
                    .chain(session.iter().map(|t| t.expose_secret()))
                    .collect();
                let code = crate::provider::http_source::error_code(code, &secrets)
                    .unwrap_or_else(|| "(unreadable)".to_owned());
                return Err(fail(SourceFailure::Code(code)));
            }
        }
        metadata_credentials(SOURCE, &obj, self.clock.now())
    }
}

/// The role name of the listing: one line of IAM role-name characters.
fn role_name(body: &[u8]) -> Result<String, SourceFailure> {
    let text = std::str::from_utf8(body).unwrap_or("");
    let name = text.lines().next().unwrap_or("").trim();
    let ok = (1..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
        && name != "."
        && name != "..";
    if ok {
        Ok(name.to_owned())
    } else {
        Err(SourceFailure::Malformed(
            "the role name is not an IAM role name",
        ))
    }
}

impl<T: Transport, C: Clock> ProvideCredentials for ImdsProvider<T, C> {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            if self.settings.disabled {
                return Err(ProvideError::NotConfigured { provider: SOURCE });
            }
            Ok(self.fetch().await?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::settings::checked_endpoint;
    use super::*;

    /// The profile's keys (the environment sets none of the variables).
    #[test]
    fn profile_keys_set_the_mode_the_timeout_and_the_v1_opt_in() {
        let set = crate::profile::ProfileSet::parse(
            "[default]\nec2_metadata_service_endpoint_mode = IPv6\n\
             metadata_service_timeout = 2.5\nmetadata_service_num_attempts = 3\n\
             ec2_metadata_v1_disabled = false\n\
             [profile bad]\nec2_metadata_service_endpoint_mode = ipv5\n",
            "",
        )
        .unwrap();
        let p = set.profile("default").unwrap();
        let s = ImdsSettings::from_env(&Os::fake([("A", "b")], [("/x", "")]), Some(&p)).unwrap();
        assert_eq!(s.endpoint, "http://[fd00:ec2::254]");
        assert_eq!(s.timeout, Duration::from_millis(2500));
        assert_eq!(s.attempts, 3);
        assert!(s.allow_v1);
        let d = ImdsSettings::from_env(&Os::fake([("A", "b")], [("/x", "")]), None).unwrap();
        assert_eq!(d.endpoint, "http://169.254.169.254");
        assert!(!d.allow_v1);
        let bad = set.profile("bad").unwrap();
        let e = ImdsSettings::from_env(&Os::fake([("A", "b")], [("/x", "")]), Some(&bad))
            .unwrap_err()
            .to_string();
        assert!(e.contains("ec2_metadata_service_endpoint_mode"), "{e}");
    }

    #[test]
    fn endpoints_are_checked_and_role_names_are_iam_names() {
        assert_eq!(
            checked_endpoint("http://127.0.0.1:9/").unwrap(),
            "http://127.0.0.1:9"
        );
        assert_eq!(
            checked_endpoint("http://[fd00:ec2::254]").unwrap(),
            "http://[fd00:ec2::254]"
        );
        assert!(checked_endpoint("https://imds.example.com/base/").is_ok());
        for bad in [
            "http://imds.example.com/",
            "http://user@127.0.0.1/",
            "http://169.254.169.253/",
            "ftp://127.0.0.1/",
            "http://127.0.0.1/?q",
        ] {
            assert!(checked_endpoint(bad).is_err(), "{bad}");
        }
        assert_eq!(role_name(b"my-role\n").unwrap(), "my-role");
        assert_eq!(role_name(b"first\nsecond").unwrap(), "first");
        for bad in [&b""[..], b"..", b"a/b", b"a b", b"../../x"] {
            assert!(role_name(bad).is_err());
        }
    }
}
