//! IAM Identity Center (SSO): the token `aws sso login` cached, refreshed with its
//! refresh token when it is due (`sso_session` profiles only, as the AWS CLI), then
//! `GetRoleCredentials`.
//!
//! The token is refreshed when less than 15 minutes are left (botocore's window) and it
//! has a refresh token and an unexpired client registration; a refresh that fails while
//! the token is still valid uses the token. A token that is valid and not due leaves its
//! file untouched. Every case that needs a new login (no file, an expired token that
//! cannot be refreshed, a refused refresh, a token Identity Center no longer accepts)
//! says to run `aws sso login`.
//!
//! Endpoints: `AWS_ENDPOINT_URL_SSO` / `AWS_ENDPOINT_URL_SSO_OIDC`, else
//! `AWS_ENDPOINT_URL`, else the profile's `services` blocks `sso` / `sso_oidc` or its
//! `endpoint_url` (none of them with `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`); else
//! `https://portal.sso.{region}.{suffix}` and `https://oidc.{region}.{suffix}` in the
//! region's partition (`-fips` hosts with `AWS_USE_FIPS_ENDPOINT`, the dual-stack
//! suffix with `AWS_USE_DUALSTACK_ENDPOINT`). Plain `http` only to loopback.

use std::collections::BTreeMap;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use crate::provider::error::CredentialsError;
use crate::provider::http_source::{
    Retry, SourceFailure, checked, failed, json_object, send_retrying, status_failure,
};
use crate::provider::provide::{ProvideCredentials, ProvideFuture, Provided};
mod token;

use crate::client::{Clock, SystemClock};
use crate::http::{Request, Response};
use crate::profile::ProfileSet;
use crate::provider::os::Os;
use crate::provider::settings::{endpoint_params, ignore_configured_endpoint_urls};
use crate::sts::input::InputError;
use crate::transport::{ReqwestTransport, Transport};
use token::{CachedToken, read_token, token_file_name, token_json};

const SOURCE: &str = "IAM Identity Center";
const REFRESH_WINDOW_SECONDS: i64 = 15 * 60;
const ATTEMPTS: u32 = 3;

/// What an SSO profile resolves to.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SsoSettings {
    /// The profile.
    pub profile: String,
    /// `sso_session` (`None`: the legacy form, never refreshed).
    pub session_name: Option<String>,
    /// `sso_start_url`.
    pub start_url: String,
    /// `sso_region`.
    pub region: String,
    /// `sso_account_id`.
    pub account_id: String,
    /// `sso_role_name`.
    pub role_name: String,
    /// The portal (`GetRoleCredentials`) base URL.
    pub portal_endpoint: String,
    /// The OIDC (`CreateToken`) base URL.
    pub oidc_endpoint: String,
    /// The token cache directory (`~/.aws/sso/cache`).
    pub cache_dir: String,
}

impl SsoSettings {
    /// Resolves the `sso_*` settings of `profile` (a session's merged in, as the plan
    /// gives them) with the endpoint settings of `active` (the selected profile).
    ///
    /// # Errors
    /// [`CredentialsError::Input`] for a missing key, a region that is not one, a
    /// refused endpoint URL or an unreadable variable.
    pub fn resolve(
        os: &Os,
        profile: &str,
        sso: &BTreeMap<String, String>,
        set: &ProfileSet,
        active: &str,
    ) -> Result<Self, CredentialsError> {
        let need = |k: &'static str| -> Result<String, CredentialsError> {
            sso.get(k)
                .filter(|v| !v.is_empty())
                .cloned()
                .ok_or(CredentialsError::Input(InputError::Invalid {
                    field: k,
                    rule: "is needed by an IAM Identity Center profile",
                }))
        };
        let region = need("sso_region")?;
        crate::sts::endpoint::check_region(&region)?;
        let params = endpoint_params(os, None, Some(&region), set, active)?;
        let partition = crate::sts::partition::partition_of(&region);
        let suffix = if params.use_dual_stack {
            partition.dual_stack_dns_suffix
        } else {
            partition.dns_suffix
        };
        let fips = if params.use_fips { "-fips" } else { "" };
        let portal = configured_url(os, "AWS_ENDPOINT_URL_SSO", "sso", set, active)?
            .unwrap_or_else(|| format!("https://portal.sso{fips}.{region}.{suffix}"));
        let oidc = configured_url(os, "AWS_ENDPOINT_URL_SSO_OIDC", "sso_oidc", set, active)?
            .unwrap_or_else(|| format!("https://oidc{fips}.{region}.{suffix}"));
        Ok(SsoSettings {
            profile: profile.to_owned(),
            session_name: sso.get("sso_session").filter(|v| !v.is_empty()).cloned(),
            start_url: need("sso_start_url")?,
            account_id: need("sso_account_id")?,
            role_name: need("sso_role_name")?,
            region,
            portal_endpoint: checked_base(&portal)?,
            oidc_endpoint: checked_base(&oidc)?,
            cache_dir: os.expand_home("~/.aws/sso/cache")?,
        })
    }

    /// The token file.
    pub fn token_path(&self) -> std::path::PathBuf {
        let key = self.session_name.as_deref().unwrap_or(&self.start_url);
        std::path::Path::new(&self.cache_dir).join(token_file_name(key))
    }
}

/// A configured endpoint URL for the service: its variable, `AWS_ENDPOINT_URL`, the
/// profile's; none with `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`.
fn configured_url(
    os: &Os,
    var: &'static str,
    service: &str,
    set: &ProfileSet,
    active: &str,
) -> Result<Option<String>, CredentialsError> {
    if ignore_configured_endpoint_urls(os, set.profile(active).as_deref())? {
        return Ok(None);
    }
    if let Some(url) = os.env_var(var)?.or(os.env_var("AWS_ENDPOINT_URL")?) {
        return Ok(Some(url));
    }
    Ok(set.endpoint_url(active, service)?)
}

/// An endpoint base URL: `https`, or `http` to loopback; no user-info, query or
/// fragment; returned without a trailing `/`.
fn checked_base(url: &str) -> Result<String, InputError> {
    let err = |rule| InputError::Endpoint { rule };
    let target = crate::host::parse_target(url).map_err(err)?;
    if target.query.is_some() || target.fragment.is_some() {
        return Err(err("must not have a query or fragment"));
    }
    let scheme = if target.https { "https" } else { "http" };
    Ok(format!(
        "{scheme}://{}{}",
        target.host_header(),
        target.path.trim_end_matches('/')
    ))
}

/// IAM Identity Center credentials for one profile, as a [`ProvideCredentials`].
pub struct SsoProvider<T = ReqwestTransport, C = SystemClock> {
    os: Os,
    settings: SsoSettings,
    transport: T,
    clock: C,
    timeout: Duration,
}

impl<T, C> std::fmt::Debug for SsoProvider<T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoProvider")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl<T: Transport, C: Clock> SsoProvider<T, C> {
    /// A provider for `settings`, sending with `transport`, reading `clock`.
    pub fn new(settings: SsoSettings, transport: T, clock: C) -> Self {
        SsoProvider {
            os: Os::real(),
            settings,
            transport,
            clock,
            timeout: Duration::from_secs(10),
        }
    }

    /// Reads and writes the token cache through `os` (default: the real files).
    pub fn with_os(mut self, os: Os) -> Self {
        self.os = os;
        self
    }

    /// One call, tried again (three attempts) on a `5xx`, a `429` or a failure
    /// another try may heal.
    async fn call(
        &self,
        make: impl Fn() -> Request,
        secrets: &[&str],
    ) -> Result<Response, SourceFailure> {
        let retry = Retry {
            attempts: ATTEMPTS,
            pause: Duration::from_millis(200),
            after_timeout: true,
            after_throttling: true,
        };
        send_retrying(&self.transport, make, self.timeout, retry, secrets).await
    }

    /// The access token to use (the cached one, refreshed when due and possible),
    /// then every other secret the token file held or the refresh returned, which no
    /// error text may show.
    async fn access_token(&self) -> Result<(SecretString, Vec<SecretString>), SourceFailure> {
        let s = &self.settings;
        let name = match &s.session_name {
            Some(n) => format!("profile {:?} (sso-session {n:?})", s.profile),
            None => format!("profile {:?} (its sso_start_url)", s.profile),
        };
        let Some(token) = read_token(&self.os, &s.token_path())? else {
            return Err(SourceFailure::LoginNeeded(format!(
                "{name}: no cached token"
            )));
        };
        let now = self.clock.now();
        let left = (token.expires_at - now).whole_seconds();
        if s.session_name.is_some() && left < REFRESH_WINDOW_SECONDS && token.refreshable(now) {
            match self.refresh(&token, now).await {
                Ok(fresh) => {
                    let json = zeroize::Zeroizing::new(token_json(&s.start_url, &s.region, &fresh));
                    let path = s.token_path();
                    let file = path
                        .file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or_default();
                    // A token that cannot be saved still serves this call.
                    let _ = self.os.write_private_file(
                        std::path::Path::new(&s.cache_dir),
                        file,
                        json.as_bytes(),
                        self.clock.now_unix_nanos() as u64 ^ u64::from(std::process::id()),
                    );
                    let mut known = token.secrets();
                    known.extend(fresh.secrets());
                    return Ok((fresh.access_token, known));
                }
                Err(e) if left <= 0 => {
                    return Err(match e {
                        SourceFailure::Status { status, code, .. } if status < 500 => {
                            SourceFailure::LoginNeeded(format!(
                                "{name}: the token refresh was refused (HTTP {status}{})",
                                code.map(|c| format!(" {c}")).unwrap_or_default()
                            ))
                        }
                        other => other,
                    });
                }
                Err(_) => {}
            }
        }
        if left <= 0 {
            return Err(SourceFailure::LoginNeeded(format!(
                "{name}: the cached token has expired"
            )));
        }
        let known = token.secrets();
        Ok((token.access_token, known))
    }

    /// `CreateToken` with the refresh token.
    async fn refresh(
        &self,
        token: &CachedToken,
        now: OffsetDateTime,
    ) -> Result<CachedToken, SourceFailure> {
        let (Some(id), Some(secret), Some(refresh)) =
            (&token.client_id, &token.client_secret, &token.refresh_token)
        else {
            return Err(SourceFailure::Malformed("the token cannot be refreshed"));
        };
        let body = zeroize::Zeroizing::new(
            serde_json::json!({
                "grantType": "refresh_token",
                "clientId": id,
                "clientSecret": secret.expose_secret(),
                "refreshToken": refresh.expose_secret(),
            })
            .to_string(),
        );
        let url = format!("{}/token", self.settings.oidc_endpoint);
        let secrets = [
            secret.expose_secret(),
            refresh.expose_secret(),
            token.access_token.expose_secret(),
        ];
        let r = self
            .call(
                || {
                    Request::new("POST", url.as_str())
                        .with_header("Content-Type", "application/json")
                        .with_body(body.as_bytes().to_vec())
                        .with_sensitive_body()
                },
                &secrets,
            )
            .await?;
        if r.status() != 200 {
            return Err(status_failure(&r, &secrets));
        }
        let obj = json_object(r.body())?;
        let access = crate::provider::http_source::text(&obj, "accessToken")
            .ok_or(SourceFailure::Malformed("accessToken is missing"))?;
        let expires_in = obj
            .get("expiresIn")
            .and_then(serde_json::Value::as_i64)
            .filter(|s| (1..=366 * 86_400).contains(s))
            .ok_or(SourceFailure::Malformed(
                "expiresIn is not a number of seconds",
            ))?;
        let expires_at = now.checked_add(time::Duration::seconds(expires_in)).ok_or(
            SourceFailure::Malformed("expiresIn runs past the year 9999"),
        )?;
        Ok(CachedToken {
            access_token: SecretString::from(access),
            expires_at,
            refresh_token: crate::provider::http_source::text(&obj, "refreshToken")
                .map(SecretString::from),
            client_id: Some(id.clone()),
            client_secret: Some(secret.clone()),
            registration_expires_at: token.registration_expires_at.clone(),
        })
    }

    /// Fetches the role's credentials.
    ///
    /// # Errors
    /// [`CredentialsError::Source`] (a login needed, a refused call, no answer);
    /// [`CredentialsError::StaleCredentials`] for an answer that has expired.
    pub async fn fetch(&self) -> Result<Provided, CredentialsError> {
        let fail = |f| failed(SOURCE, f);
        let (token, known) = self.access_token().await.map_err(fail)?;
        let s = &self.settings;
        let mut query = Vec::new();
        query.extend_from_slice(b"role_name=");
        crate::sts::form::encode_into(&mut query, &s.role_name);
        query.extend_from_slice(b"&account_id=");
        crate::sts::form::encode_into(&mut query, &s.account_id);
        let url = format!(
            "{}/federation/credentials?{}",
            s.portal_endpoint,
            String::from_utf8_lossy(&query)
        );
        let secrets: Vec<&str> = std::iter::once(&token)
            .chain(&known)
            .map(ExposeSecret::expose_secret)
            .collect();
        let r = self
            .call(
                || {
                    let mut r = Request::new("GET", url.as_str());
                    r.append_sensitive_header("x-amz-sso_bearer_token", token.expose_secret());
                    r
                },
                &secrets,
            )
            .await
            .map_err(fail)?;
        match r.status() {
            200 => {}
            401 => {
                return Err(fail(SourceFailure::LoginNeeded(
                    "the portal no longer accepts the cached token (HTTP 401 \
                     UnauthorizedException)"
                        .into(),
                )));
            }
            _ => return Err(fail(status_failure(&r, &secrets))),
        }
        let obj = json_object(r.body()).map_err(fail)?;
        let creds = obj
            .get("roleCredentials")
            .and_then(serde_json::Value::as_object)
            .ok_or_else(|| fail(SourceFailure::Malformed("roleCredentials is missing")))?;
        let field = |k: &'static str, rule: &'static str| {
            crate::provider::http_source::text(creds, k)
                .ok_or_else(|| fail(SourceFailure::Malformed(rule)))
        };
        let id = field("accessKeyId", "accessKeyId is missing")?;
        let secret = field("secretAccessKey", "secretAccessKey is missing")?;
        let session = field("sessionToken", "sessionToken is missing")?;
        // Milliseconds since the epoch, truncated to the second as botocore prints it.
        let expiration = creds
            .get("expiration")
            .and_then(serde_json::Value::as_i64)
            .and_then(|ms| OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)).ok())
            .ok_or_else(|| {
                fail(SourceFailure::Malformed(
                    "expiration is not a time in milliseconds",
                ))
            })?;
        Ok(checked(
            SOURCE,
            id,
            secret,
            Some(session),
            Some(expiration),
            self.clock.now(),
        )?
        .with_account_id(Some(&self.settings.account_id)))
    }
}

impl SsoProvider {
    /// A provider for `settings` with its own transport (the CA bundle and proxies of
    /// `os`), reading and refreshing the token cache through `os`.
    ///
    /// # Errors
    /// [`InputError::Invalid`] for an unreadable CA bundle or proxy variable.
    pub fn from_settings(os: &Os, settings: SsoSettings) -> Result<Self, InputError> {
        let transport =
            ReqwestTransport::new(crate::provider::settings::transport_config(os, None)?);
        Ok(SsoProvider::new(settings, transport, SystemClock).with_os(os.clone()))
    }
}

impl<T: Transport, C: Clock> ProvideCredentials for SsoProvider<T, C> {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move { Ok(self.fetch().await?) })
    }
}
