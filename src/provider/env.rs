//! Source credentials, endpoint and transport settings from the environment, as the
//! AWS tools read them.

use super::os::{env_var, read_regular_file};
use crate::credentials::Credentials;
use crate::error::InputError;
use crate::sts::{Endpoint, EndpointParams};

/// Source credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and the
/// optional `AWS_SESSION_TOKEN`.
///
/// The key id and the token become header values, so they must be visible ASCII (no
/// space, control character or line break): checked here, before any IO.
///
/// # Errors
/// [`InputError::Invalid`] naming the variable that is missing, empty, not valid UTF-8,
/// or (key id and token) not visible ASCII.
pub fn credentials_from_env() -> Result<Credentials, InputError> {
    let visible = |name: &'static str, v: Option<String>| match v {
        Some(v) if !v.bytes().all(|b| b.is_ascii_graphic()) => Err(InputError::Invalid {
            field: name,
            rule: "must be visible ASCII (no space, control character or line break)",
        }),
        v => Ok(v),
    };
    let id = visible("AWS_ACCESS_KEY_ID", env_var("AWS_ACCESS_KEY_ID")?)?;
    let secret = env_var("AWS_SECRET_ACCESS_KEY")?;
    let token = visible("AWS_SESSION_TOKEN", env_var("AWS_SESSION_TOKEN")?)?;
    let id = id.ok_or(InputError::Invalid {
        field: "AWS_ACCESS_KEY_ID",
        rule: "must be set in the environment",
    })?;
    let secret = secret.ok_or(InputError::Invalid {
        field: "AWS_SECRET_ACCESS_KEY",
        rule: "must be set in the environment",
    })?;
    Ok(Credentials::new(id, secret, token))
}

/// The proxy variables reqwest reads, checked so that an unreadable one is an error
/// rather than "no proxy".
const PROXY_VARS: [&str; 8] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// Transport settings from the environment: `AWS_CA_BUNDLE`, a PEM file of extra
/// trusted roots, as the AWS CLI and SDKs read it. The proxy variables
/// (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, in either case) are read by
/// the transport itself; here they are checked to be valid UTF-8.
///
/// # Errors
/// [`InputError::Invalid`] naming `AWS_CA_BUNDLE` when the file is not a regular file,
/// cannot be read or holds no certificate; naming a proxy variable that is set but not
/// valid UTF-8.
pub fn transport_config_from_env() -> Result<crate::transport::TransportConfig, InputError> {
    for name in PROXY_VARS {
        env_var(name)?;
    }
    let config = crate::transport::TransportConfig::default();
    match std::env::var_os("AWS_CA_BUNDLE").filter(|v| !v.is_empty()) {
        None => Ok(config),
        Some(path) => {
            let pem = read_regular_file(std::path::Path::new(&path), 4 << 20).map_err(|_| {
                InputError::Invalid {
                    field: "AWS_CA_BUNDLE",
                    rule: "must name a readable regular PEM file of at most 4 MiB",
                }
            })?;
            config.with_ca_bundle_pem(pem)
        }
    }
}

/// A boolean setting: `true` or `false` in any case; unset or empty is `false`.
/// botocore reads anything but `true` as false; stskit refuses other values, so a
/// mistyped `AWS_USE_FIPS_ENDPOINT=1` never silently drops FIPS.
fn env_bool(name: &'static str) -> Result<bool, InputError> {
    Ok(setting_bool(name, env_var(name)?.as_deref())?.unwrap_or(false))
}

/// A boolean setting (a variable or a profile key named `field`): `true` or `false` in
/// any case; absent or empty is `None`.
///
/// # Errors
/// [`InputError::Invalid`] naming `field` for any other value.
pub(crate) fn setting_bool(
    field: &'static str,
    value: Option<&str>,
) -> Result<Option<bool>, InputError> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(InputError::Invalid {
            field,
            rule: "must be true or false",
        }),
    }
}

/// `sts_regional_endpoints` (a variable or a profile key named `field`): `regional`
/// or `legacy` exactly, as botocore reads it; absent or empty is `None`. `Some(true)`
/// means `legacy` (the global endpoint for the legacy regions).
///
/// # Errors
/// [`InputError::Invalid`] naming `field` for any other value.
pub(crate) fn setting_legacy(
    field: &'static str,
    value: Option<&str>,
) -> Result<Option<bool>, InputError> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some("regional") => Ok(Some(false)),
        Some("legacy") => Ok(Some(true)),
        Some(_) => Err(InputError::Invalid {
            field,
            rule: "must be regional or legacy",
        }),
    }
}

/// The endpoint rule set's parameters from the environment, as the AWS tools read
/// them:
///
/// * region: `region`, else `AWS_REGION`, else `AWS_DEFAULT_REGION`;
/// * `AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT`: `true` or `false`;
/// * `AWS_STS_REGIONAL_ENDPOINTS`: `regional` (the default) or `legacy` (the 16
///   legacy regions use the global endpoint); anything else is an error, as in
///   botocore;
/// * endpoint URL: `explicit`, else (unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is
///   `true`) `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`.
///
/// Empty variables count as unset.
///
/// # Errors
/// [`InputError::Invalid`] naming a variable that is set but not valid UTF-8 (even one
/// a flag overrides: it is a configuration error all the same) or not one of its
/// allowed values.
pub fn endpoint_params_from_env(
    explicit: Option<&str>,
    region: Option<&str>,
) -> Result<EndpointParams, InputError> {
    let nonempty = |name: &'static str| -> Result<Option<String>, InputError> {
        Ok(env_var(name)?.filter(|v| !v.is_empty()))
    };
    let (env_region, default_region) = (nonempty("AWS_REGION")?, nonempty("AWS_DEFAULT_REGION")?);
    let (sts_url, all_url) = (
        nonempty("AWS_ENDPOINT_URL_STS")?,
        nonempty("AWS_ENDPOINT_URL")?,
    );
    let ignore_configured = env_bool("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?;
    let use_global_endpoint = setting_legacy(
        "AWS_STS_REGIONAL_ENDPOINTS",
        env_var("AWS_STS_REGIONAL_ENDPOINTS")?.as_deref(),
    )?
    .unwrap_or(false);
    let configured = if ignore_configured {
        None
    } else {
        sts_url.or(all_url)
    };
    Ok(EndpointParams {
        region: region.map(str::to_owned).or(env_region).or(default_region),
        use_fips: env_bool("AWS_USE_FIPS_ENDPOINT")?,
        use_dual_stack: env_bool("AWS_USE_DUALSTACK_ENDPOINT")?,
        use_global_endpoint,
        endpoint: explicit.map(str::to_owned).or(configured),
    })
}

/// Resolves the endpoint from [`endpoint_params_from_env`] through the rule set
/// ([`Endpoint::from_params`]).
///
/// # Errors
/// As [`endpoint_params_from_env`] and [`Endpoint::from_params`].
pub fn endpoint_from_env(
    explicit: Option<&str>,
    region: Option<&str>,
) -> Result<Endpoint, InputError> {
    Endpoint::from_params(&endpoint_params_from_env(explicit, region)?)
}
