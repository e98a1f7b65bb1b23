//! Credentials from the environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_SESSION_TOKEN` and `AWS_CREDENTIAL_EXPIRATION` (the legacy
//! `AWS_SECURITY_TOKEN` is not read).

use super::error::ProvideError;
use super::os::Os;
use super::provide::{ProvideCredentials, ProvideFuture, Provided};
use crate::credentials::Credentials;
use crate::sts::input::InputError;

/// The environment's credentials as a provider: not configured when
/// `AWS_ACCESS_KEY_ID` is unset or empty; a key id without a secret is an error.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentProvider {
    os: Os,
}

impl EnvironmentProvider {
    /// The process's environment.
    pub fn new() -> Self {
        EnvironmentProvider::default()
    }

    /// The variables of `os`.
    pub fn with_os(os: Os) -> Self {
        EnvironmentProvider { os }
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async { environment_credentials(&self.os) })
    }
}

/// Reads the environment's credentials now.
///
/// # Errors
/// [`ProvideError::NotConfigured`] without `AWS_ACCESS_KEY_ID`; a failure for a key id
/// without a secret, values that are not visible ASCII, or an expiration that is not
/// ISO 8601.
pub(crate) fn environment_credentials(os: &Os) -> Result<Provided, ProvideError> {
    if os.env_var("AWS_ACCESS_KEY_ID")?.is_none() {
        return Err(ProvideError::NotConfigured {
            provider: "environment",
        });
    }
    let credentials = keys(os)?;
    let expiration = match os.env_var("AWS_CREDENTIAL_EXPIRATION")? {
        None => None,
        Some(e) => Some(crate::date::parse_rfc3339(&e).ok_or(InputError::Invalid {
            field: "AWS_CREDENTIAL_EXPIRATION",
            rule: "must be an ISO 8601 time",
        })?),
    };
    Ok(Provided::new(credentials, expiration, "environment"))
}

/// The key id, secret and token. The key id and the token become header values, so
/// they must be visible ASCII (no space, control character or line break): checked
/// here, before any IO.
fn keys(os: &Os) -> Result<Credentials, InputError> {
    let visible = |name: &'static str, v: Option<String>| match v {
        Some(v) if !v.bytes().all(|b| b.is_ascii_graphic()) => Err(InputError::Invalid {
            field: name,
            rule: "must be visible ASCII (no space, control character or line break)",
        }),
        v => Ok(v),
    };
    let id = visible("AWS_ACCESS_KEY_ID", os.env_var("AWS_ACCESS_KEY_ID")?)?;
    let secret = os.env_var("AWS_SECRET_ACCESS_KEY")?;
    let token = visible("AWS_SESSION_TOKEN", os.env_var("AWS_SESSION_TOKEN")?)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Result<Provided, ProvideError> {
        let files: [(&str, &str); 0] = [];
        environment_credentials(&Os::fake(vars.iter().copied(), files))
    }

    #[test]
    fn keys_token_and_expiry_are_read_and_checked() {
        assert!(matches!(env(&[]), Err(ProvideError::NotConfigured { .. })));
        let p = env(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
            ("AWS_SESSION_TOKEN", "t"),
            ("AWS_CREDENTIAL_EXPIRATION", "2030-01-02T03:04:05Z"),
        ])
        .unwrap();
        assert_eq!(p.credentials.access_key_id(), "AKID");
        assert!(p.expiration.is_some());
        let no_secret = env(&[("AWS_ACCESS_KEY_ID", "AKID")]).unwrap_err();
        assert_eq!(
            no_secret.to_string(),
            "invalid AWS_SECRET_ACCESS_KEY: must be set in the environment"
        );
        let spaced = env(&[
            ("AWS_ACCESS_KEY_ID", "AK ID"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
        ]);
        assert!(spaced.unwrap_err().to_string().contains("visible ASCII"));
        let late = env(&[
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
            ("AWS_CREDENTIAL_EXPIRATION", "soon"),
        ]);
        assert!(
            late.unwrap_err()
                .to_string()
                .contains("AWS_CREDENTIAL_EXPIRATION")
        );
    }
}
