//! The settings a chain is made from, read through the [`Os`] as the AWS tools read
//! them: the config and credentials files, the selected profile, the STS endpoint
//! settings (environment, then profile) and the transport settings (`AWS_CA_BUNDLE`,
//! then the profile's `ca_bundle`).

use super::error::CredentialsError;
use super::os::Os;
use crate::profile::{FileKind, ProfileSet, Properties};
use crate::sts::EndpointParams;
use crate::sts::input::InputError;
use crate::transport::TransportConfig;

/// The largest config or credentials file read.
const MAX_PROFILE_FILE: u64 = 16 << 20;
/// The largest CA bundle read.
const MAX_CA_BUNDLE: u64 = 4 << 20;

/// How the profile was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileChoice {
    /// Given by the caller (`--profile`, [`crate::ConfigBuilder::profile`]): that
    /// profile only, never the environment's keys or the container and instance
    /// metadata after it.
    Explicit,
    /// Named by `AWS_PROFILE` or `AWS_DEFAULT_PROFILE`: the default chain, and the
    /// profile must exist.
    Environment,
    /// `default`, named by nobody: the default chain, and a missing or empty profile
    /// passes on to the container and instance metadata.
    Default,
}

/// The two file paths: `AWS_CONFIG_FILE`, else `~/.aws/config`;
/// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
fn profile_paths(os: &Os) -> Result<(String, String), InputError> {
    let config = os
        .env_var("AWS_CONFIG_FILE")?
        .unwrap_or_else(|| "~/.aws/config".into());
    let credentials = os
        .env_var("AWS_SHARED_CREDENTIALS_FILE")?
        .unwrap_or_else(|| "~/.aws/credentials".into());
    Ok((os.expand_home(&config)?, os.expand_home(&credentials)?))
}

/// The text of one file, and whether it exists; a missing file is an empty one, as for
/// the AWS tools.
fn read(os: &Os, path: &str) -> Result<(String, bool), CredentialsError> {
    let bytes = match os.read_regular_file(std::path::Path::new(path), MAX_PROFILE_FILE) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((String::new(), false)),
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
    Ok((text, true))
}

/// Reads, checks and indexes the config and credentials files (missing files are
/// empty): one linear pass over each, and a profile is parsed only when it is asked
/// for, so a profile nobody selects costs no more than scanning it.
///
/// With the set comes the description of the files read, for an error that says where
/// a profile was looked for (`/x/config (no such file) and /x/credentials`).
pub(crate) fn load_profiles(os: &Os) -> Result<(ProfileSet, String), CredentialsError> {
    let (config, credentials) = profile_paths(os)?;
    let ((config_text, config_exists), (credentials_text, credentials_exists)) =
        (read(os, &config)?, read(os, &credentials)?);
    let described = |path: &str, exists: bool| {
        if exists {
            path.to_owned()
        } else {
            format!("{path} (no such file)")
        }
    };
    let files = format!(
        "{} and {}",
        described(&config, config_exists),
        described(&credentials, credentials_exists)
    );
    let set = ProfileSet::parse(&config_text, &credentials_text).map_err(|(kind, error)| {
        CredentialsError::File {
            path: if kind == FileKind::Config {
                config
            } else {
                credentials
            },
            error,
        }
    })?;
    Ok((set, files))
}

/// The profile name: `explicit`, else `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else
/// `default`; and how it was chosen.
pub(crate) fn selected_profile(
    os: &Os,
    explicit: Option<&str>,
) -> Result<(String, ProfileChoice), InputError> {
    if let Some(p) = explicit {
        return Ok((p.to_owned(), ProfileChoice::Explicit));
    }
    let named = os
        .env_var("AWS_PROFILE")?
        .or(os.env_var("AWS_DEFAULT_PROFILE")?);
    Ok(match named {
        Some(p) => (p, ProfileChoice::Environment),
        None => ("default".to_owned(), ProfileChoice::Default),
    })
}

/// A boolean setting (a variable or a profile key named `field`): `true` or `false` in
/// any case; absent or empty is `None`. botocore reads anything but `true` as false;
/// stskit refuses other values, so a mistyped `AWS_USE_FIPS_ENDPOINT=1` never silently
/// drops FIPS.
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
fn setting_legacy(field: &'static str, value: Option<&str>) -> Result<Option<bool>, InputError> {
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
/// them: region `region`, else `AWS_REGION`, else `AWS_DEFAULT_REGION`;
/// `AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT` (`true` or `false`);
/// `AWS_STS_REGIONAL_ENDPOINTS` (`regional`, the default, or `legacy`); the endpoint
/// URL `explicit`, else (unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is `true`)
/// `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`. Every variable is read (and
/// checked) even when a flag overrides it: an unreadable one is a configuration
/// error all the same.
fn endpoint_params_from_env(
    os: &Os,
    explicit: Option<&str>,
    region: Option<&str>,
) -> Result<EndpointParams, InputError> {
    let flag = |name: &'static str| -> Result<bool, InputError> {
        Ok(setting_bool(name, os.env_var(name)?.as_deref())?.unwrap_or(false))
    };
    let (env_region, default_region) =
        (os.env_var("AWS_REGION")?, os.env_var("AWS_DEFAULT_REGION")?);
    let (sts_url, all_url) = (
        os.env_var("AWS_ENDPOINT_URL_STS")?,
        os.env_var("AWS_ENDPOINT_URL")?,
    );
    let ignore_configured = flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?;
    let use_global_endpoint = setting_legacy(
        "AWS_STS_REGIONAL_ENDPOINTS",
        os.env_var("AWS_STS_REGIONAL_ENDPOINTS")?.as_deref(),
    )?
    .unwrap_or(false);
    let configured = if ignore_configured {
        None
    } else {
        sts_url.or(all_url)
    };
    Ok(EndpointParams {
        region: region.map(str::to_owned).or(env_region).or(default_region),
        use_fips: flag("AWS_USE_FIPS_ENDPOINT")?,
        use_dual_stack: flag("AWS_USE_DUALSTACK_ENDPOINT")?,
        use_global_endpoint,
        endpoint: explicit.map(str::to_owned).or(configured),
    })
}

/// The endpoint settings for calls made for `profile`: the environment's (and the
/// explicit ones') first, then the profile's `region`, `use_fips_endpoint`,
/// `use_dualstack_endpoint`, `sts_regional_endpoints`, and its STS endpoint URL
/// (`services` section, then `endpoint_url`; never a source profile's).
pub(crate) fn endpoint_params(
    os: &Os,
    explicit_url: Option<&str>,
    explicit_region: Option<&str>,
    set: &ProfileSet,
    profile: &str,
) -> Result<EndpointParams, CredentialsError> {
    let mut params = endpoint_params_from_env(os, explicit_url, explicit_region)?;
    let Some(p) = set.profile(profile) else {
        return Ok(params);
    };
    let flag = |key: &'static str| setting_bool(key, p.get(key));
    if params.region.is_none() {
        params.region = p.get("region").filter(|r| !r.is_empty()).map(str::to_owned);
    }
    if os.env_var("AWS_USE_FIPS_ENDPOINT")?.is_none()
        && let Some(on) = flag("use_fips_endpoint")?
    {
        params.use_fips = on;
    }
    if os.env_var("AWS_USE_DUALSTACK_ENDPOINT")?.is_none()
        && let Some(on) = flag("use_dualstack_endpoint")?
    {
        params.use_dual_stack = on;
    }
    if os.env_var("AWS_STS_REGIONAL_ENDPOINTS")?.is_none()
        && let Some(legacy) =
            setting_legacy("sts_regional_endpoints", p.get("sts_regional_endpoints"))?
    {
        params.use_global_endpoint = legacy;
    }
    let ignore = ignore_configured_endpoint_urls(os, Some(&p))?;
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

/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`, else the profile's
/// `ignore_configured_endpoint_urls`; `false` when neither is set.
pub(crate) fn ignore_configured_endpoint_urls(
    os: &Os,
    profile: Option<&Properties>,
) -> Result<bool, InputError> {
    let var = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
    Ok(match setting_bool(var, os.env_var(var)?.as_deref())? {
        Some(on) => on,
        None => setting_bool(
            "ignore_configured_endpoint_urls",
            profile.and_then(|p| p.get("ignore_configured_endpoint_urls")),
        )?
        .unwrap_or(false),
    })
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

/// Transport settings: a PEM file of extra trusted roots from `AWS_CA_BUNDLE`, else
/// from the profile's `ca_bundle` (`~/` expanded), as the AWS CLI and botocore read
/// them. The proxy variables (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, in
/// either case) are read by the transport itself; here they are checked to be valid
/// UTF-8.
pub(crate) fn transport_config(
    os: &Os,
    profile: Option<&Properties>,
) -> Result<TransportConfig, InputError> {
    for name in PROXY_VARS {
        os.env_var(name)?;
    }
    let config = TransportConfig::default();
    let (field, path) = match os.var_os("AWS_CA_BUNDLE").filter(|v| !v.is_empty()) {
        Some(path) => ("AWS_CA_BUNDLE", std::path::PathBuf::from(path)),
        None => match profile
            .and_then(|p| p.get("ca_bundle"))
            .filter(|v| !v.is_empty())
        {
            Some(path) => ("ca_bundle", os.expand_home(path)?.into()),
            None => return Ok(config),
        },
    };
    let pem = os
        .read_regular_file(&path, MAX_CA_BUNDLE)
        .map_err(|_| InputError::Invalid {
            field,
            rule: "must name a readable regular PEM file of at most 4 MiB",
        })?;
    config
        .with_ca_bundle_pem(pem)
        .map_err(|_| InputError::Invalid {
            field,
            rule: "must hold at least one PEM certificate",
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_fills_in_what_the_environment_leaves_out() {
        let config = "[profile p]\nregion = eu-west-1\nuse_fips_endpoint = true\n\
                      endpoint_url = https://sts.example.com\n";
        let os = Os::fake(
            [("HOME", "/h"), ("AWS_USE_FIPS_ENDPOINT", "false")],
            [("/h/.aws/config", config)],
        );
        let (set, _) = load_profiles(&os).unwrap();
        let params = endpoint_params(&os, None, None, &set, "p").unwrap();
        assert_eq!(params.region.as_deref(), Some("eu-west-1"));
        assert!(!params.use_fips, "the variable wins over the profile");
        assert_eq!(params.endpoint.as_deref(), Some("https://sts.example.com"));
        let given = endpoint_params(&os, None, Some("us-west-2"), &set, "p").unwrap();
        assert_eq!(given.region.as_deref(), Some("us-west-2"));
        let bad = Os::fake([("AWS_USE_DUALSTACK_ENDPOINT", "1")], [("/x", "")]);
        assert!(endpoint_params(&bad, None, None, &ProfileSet::default(), "p").is_err());
    }

    #[test]
    fn the_ca_bundle_comes_from_the_variable_then_the_profile() {
        let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        let mut p = Properties::new();
        p.insert("ca_bundle", "~/ca.pem");
        let os = Os::fake([("HOME", "/h")], [("/h/ca.pem", pem)]);
        assert!(transport_config(&os, Some(&p)).unwrap().has_extra_roots());
        let missing = Os::fake([("HOME", "/elsewhere")], [("/h/ca.pem", pem)]);
        let err = transport_config(&missing, Some(&p)).unwrap_err();
        assert!(err.to_string().starts_with("invalid ca_bundle:"), "{err}");
        let env = Os::fake([("AWS_CA_BUNDLE", "/nope")], [("/h/ca.pem", pem)]);
        let err = transport_config(&env, Some(&p)).unwrap_err();
        assert!(
            err.to_string().starts_with("invalid AWS_CA_BUNDLE:"),
            "{err}"
        );
        assert!(
            !transport_config(&Os::fake([("A", "b")], [("/x", "")]), None)
                .unwrap()
                .has_extra_roots()
        );
    }
}
