//! The config and credentials files on disk, the selected profile, and the endpoint
//! settings a profile adds.

use super::credentials_provider::CredentialsError;
use super::env::{endpoint_params_from_env, setting_bool, setting_legacy};
use super::os::{env_var, read_regular_file};
use crate::profile::{FileKind, ProfileFile, ProfileSet, parse};
use crate::sts::EndpointParams;

/// The largest config or credentials file read.
const MAX_PROFILE_FILE: u64 = 16 << 20;

/// Expands a leading `~/` with `HOME`.
///
/// # Errors
/// [`CredentialsError::Input`] when `HOME` is needed but is set and not UTF-8.
pub fn expand_home(path: &str) -> Result<String, CredentialsError> {
    match path.strip_prefix("~/") {
        Some(rest) => match env_var("HOME")? {
            Some(home) => Ok(format!("{}/{rest}", home.trim_end_matches('/'))),
            None => Ok(path.to_owned()),
        },
        None => Ok(path.to_owned()),
    }
}

/// The two file paths: `AWS_CONFIG_FILE`, else `~/.aws/config`;
/// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
///
/// # Errors
/// [`CredentialsError::Input`] for a variable that is not UTF-8.
pub fn profile_paths() -> Result<(String, String), CredentialsError> {
    let config = env_var("AWS_CONFIG_FILE")?.unwrap_or_else(|| "~/.aws/config".into());
    let credentials =
        env_var("AWS_SHARED_CREDENTIALS_FILE")?.unwrap_or_else(|| "~/.aws/credentials".into());
    Ok((expand_home(&config)?, expand_home(&credentials)?))
}

fn load(path: &str, kind: FileKind) -> Result<ProfileFile, CredentialsError> {
    let bytes = match read_regular_file(std::path::Path::new(path), MAX_PROFILE_FILE) {
        Ok(b) => b,
        // A missing file is an empty one, as for the AWS tools.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ProfileFile::default()),
        Err(e) => {
            return Err(CredentialsError::Read {
                path: path.to_owned(),
                rule: match e.kind() {
                    std::io::ErrorKind::PermissionDenied => "permission denied",
                    std::io::ErrorKind::FileTooLarge => "larger than 16 MiB",
                    std::io::ErrorKind::InvalidInput => "not a regular file",
                    _ => "read error",
                },
            });
        }
    };
    let text = String::from_utf8(bytes).map_err(|_| CredentialsError::Read {
        path: path.to_owned(),
        rule: "not UTF-8",
    })?;
    parse(&text, kind).map_err(|error| CredentialsError::File {
        path: path.to_owned(),
        error,
    })
}

/// Reads and merges the config and credentials files (missing files are empty).
///
/// # Errors
/// [`CredentialsError::File`] naming the file and line of a parse error;
/// [`CredentialsError::Read`] for a file that exists but cannot be read.
pub fn load_profiles() -> Result<ProfileSet, CredentialsError> {
    let (config, credentials) = profile_paths()?;
    Ok(ProfileSet::new(
        load(&config, FileKind::Config)?,
        load(&credentials, FileKind::Credentials)?,
    ))
}

/// The profile name: `explicit`, else `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else
/// `default`; and whether it was named (explicitly or by the environment).
///
/// # Errors
/// [`CredentialsError::Input`] for a variable that is not UTF-8.
pub fn selected_profile(explicit: Option<&str>) -> Result<(String, bool), CredentialsError> {
    if let Some(p) = explicit {
        return Ok((p.to_owned(), true));
    }
    let named = env_var("AWS_PROFILE")?.or(env_var("AWS_DEFAULT_PROFILE")?);
    Ok(match named {
        Some(p) => (p, true),
        None => ("default".to_owned(), false),
    })
}

/// The endpoint settings for calls made for `profile`: the environment's (and the
/// explicit flags') first, then the profile's `region`, `use_fips_endpoint`,
/// `use_dualstack_endpoint`, `sts_regional_endpoints`, and its STS endpoint URL
/// (`services` section, then `endpoint_url`; never a source profile's).
///
/// # Errors
/// As [`endpoint_params_from_env`]; [`CredentialsError::Chain`] for a `services`
/// name without a section; [`CredentialsError::Input`] for a profile value that is
/// not one of its allowed values.
pub fn endpoint_params_for_profile(
    explicit_url: Option<&str>,
    explicit_region: Option<&str>,
    set: &ProfileSet,
    profile: &str,
) -> Result<EndpointParams, CredentialsError> {
    let mut params = endpoint_params_from_env(explicit_url, explicit_region)?;
    let Some(p) = set.profile(profile) else {
        return Ok(params);
    };
    let flag = |key: &'static str| setting_bool(key, p.get(key));
    if params.region.is_none() {
        params.region = p.get("region").filter(|r| !r.is_empty()).map(str::to_owned);
    }
    if env_var("AWS_USE_FIPS_ENDPOINT")?.is_none()
        && let Some(on) = flag("use_fips_endpoint")?
    {
        params.use_fips = on;
    }
    if env_var("AWS_USE_DUALSTACK_ENDPOINT")?.is_none()
        && let Some(on) = flag("use_dualstack_endpoint")?
    {
        params.use_dual_stack = on;
    }
    if env_var("AWS_STS_REGIONAL_ENDPOINTS")?.is_none()
        && let Some(legacy) =
            setting_legacy("sts_regional_endpoints", p.get("sts_regional_endpoints"))?
    {
        params.use_global_endpoint = legacy;
    }
    let ignore = match setting_bool(
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        env_var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.as_deref(),
    )? {
        Some(on) => on,
        None => flag("ignore_configured_endpoint_urls")?.unwrap_or(false),
    };
    // The profile's switch also turns off the environment's endpoint URLs (never an
    // explicit one), as the AWS tools read it.
    if ignore && explicit_url.is_none() {
        params.endpoint = None;
    }
    if params.endpoint.is_none() && !ignore {
        params.endpoint = set.sts_endpoint_url(profile)?;
    }
    Ok(params)
}
