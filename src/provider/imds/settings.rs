//! Where and how to reach instance metadata: the environment's and the profile's
//! settings (see [`super::ImdsProvider`]).

use std::time::Duration;

use crate::provider::os::Os;
use crate::provider::settings::setting_bool;
use crate::sts::input::InputError;

const V4_ENDPOINT: &str = "http://169.254.169.254";
const V6_ENDPOINT: &str = "http://[fd00:ec2::254]";

/// How to reach instance metadata.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ImdsSettings {
    /// Whether `AWS_EC2_METADATA_DISABLED=true` turned it off.
    pub disabled: bool,
    /// The base URL, without a trailing `/`.
    pub endpoint: String,
    /// Whether a refused token may fall back to IMDSv1.
    pub allow_v1: bool,
    /// The longest time for one attempt (connect included).
    pub timeout: Duration,
    /// Attempts per request (at least 1).
    pub attempts: u32,
}

impl Default for ImdsSettings {
    fn default() -> Self {
        ImdsSettings {
            disabled: false,
            endpoint: V4_ENDPOINT.to_owned(),
            allow_v1: false,
            timeout: Duration::from_secs(1),
            attempts: 2,
        }
    }
}

impl ImdsSettings {
    /// The settings from the environment of `os`, then `profile`'s keys.
    ///
    /// # Errors
    /// [`InputError::Invalid`] naming a variable or key whose value breaks its rule (an
    /// endpoint that is not `https`, or `http` to loopback or the metadata address; a
    /// mode other than `IPv4`/`IPv6`; a timeout or attempt count that is not a number).
    pub fn from_env(
        os: &Os,
        profile: Option<&crate::profile::Properties>,
    ) -> Result<Self, InputError> {
        let key = |k: &str| profile.and_then(|p| p.get(k)).filter(|v| !v.is_empty());
        let setting = |var: &'static str,
                       k: &'static str|
         -> Result<Option<(String, &'static str)>, InputError> {
            Ok(match os.env_var(var)? {
                Some(v) => Some((v, var)),
                None => key(k).map(|v| (v.to_owned(), k)),
            })
        };
        let mut s = ImdsSettings {
            disabled: metadata_disabled(os)?,
            ..ImdsSettings::default()
        };
        if let Some((mode, field)) = setting(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
            "ec2_metadata_service_endpoint_mode",
        )? {
            s.endpoint = if mode.eq_ignore_ascii_case("ipv4") {
                V4_ENDPOINT
            } else if mode.eq_ignore_ascii_case("ipv6") {
                V6_ENDPOINT
            } else {
                return Err(InputError::Invalid {
                    field,
                    rule: "must be IPv4 or IPv6",
                });
            }
            .to_owned();
        }
        if let Some((url, field)) = setting(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            "ec2_metadata_service_endpoint",
        )? {
            s.endpoint =
                checked_endpoint(&url).map_err(|rule| InputError::Invalid { field, rule })?;
        }
        if let Some((v, field)) =
            setting("AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled")?
        {
            s.allow_v1 = setting_bool(field, Some(&v))? == Some(false);
        }
        if let Some((v, field)) =
            setting("AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout")?
        {
            let secs: f64 = v
                .trim()
                .parse()
                .ok()
                .filter(|t: &f64| t.is_finite() && *t > 0.0 && *t <= 60.0)
                .ok_or(InputError::Invalid {
                    field,
                    rule: "must be a number of seconds between 0 and 60",
                })?;
            s.timeout = Duration::from_secs_f64(secs);
        }
        if let Some((v, field)) = setting(
            "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
            "metadata_service_num_attempts",
        )? {
            s.attempts = v
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=10).contains(n))
                .ok_or(InputError::Invalid {
                    field,
                    rule: "must be a whole number from 1 to 10",
                })?;
        }
        Ok(s)
    }

    /// The same settings with another endpoint.
    ///
    /// # Errors
    /// [`InputError::Endpoint`] for a URL that is not `https`, or `http` to loopback or
    /// the metadata address.
    pub fn with_endpoint(mut self, url: &str) -> Result<Self, InputError> {
        self.endpoint = checked_endpoint(url).map_err(|rule| InputError::Endpoint { rule })?;
        Ok(self)
    }

    /// The same settings, falling back to IMDSv1 when the token is refused (or not).
    pub fn with_v1_fallback(mut self, on: bool) -> Self {
        self.allow_v1 = on;
        self
    }
}

/// Whether `AWS_EC2_METADATA_DISABLED` is `true` (in any case): the one switch that
/// turns instance metadata off.
///
/// # Errors
/// [`InputError::Invalid`] when the variable is set but not UTF-8.
pub(crate) fn metadata_disabled(os: &Os) -> Result<bool, InputError> {
    Ok(os
        .env_var("AWS_EC2_METADATA_DISABLED")?
        .is_some_and(|v| v.eq_ignore_ascii_case("true")))
}

/// A base URL: `https` anywhere, `http` to loopback or the metadata addresses; no
/// user-info, query or fragment. Returned without a trailing `/`.
pub(crate) fn checked_endpoint(url: &str) -> Result<String, &'static str> {
    let target = crate::host::parse_target_with(url, true)?;
    if target.query.is_some() || target.fragment.is_some() {
        return Err("must not have a query or fragment");
    }
    let scheme = if target.https { "https" } else { "http" };
    let path = target.path.trim_end_matches('/');
    Ok(format!("{scheme}://{}{path}", target.host_header()))
}
