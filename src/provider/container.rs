//! The container credentials endpoint: ECS tasks (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`
//! against `169.254.170.2`) and EKS Pod Identity or any agent
//! (`AWS_CONTAINER_CREDENTIALS_FULL_URI`), with `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
//! (read at each fetch; it wins) or `AWS_CONTAINER_AUTHORIZATION_TOKEN` sent as the
//! `Authorization` header.
//!
//! The full URI may use `https` to any host, and plain `http` only to a loopback IP
//! address, `localhost`, `169.254.170.2`, `169.254.170.23` or `[fd00:ec2::23]`: the
//! host is the URL's real host (user-info is refused, not skipped), checked before any
//! connection. A token holding a CR or LF (a trailing newline in the file too, as
//! botocore reads it) is refused and nothing is sent. A `5xx`, a timeout or a broken
//! connection is tried again (three attempts, as botocore); a `4xx` is not.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::error::{CredentialsError, ProvideError};
use super::http_source::{
    Retry, SourceFailure, failed, json_object, metadata_credentials, send_retrying, status_failure,
};
use super::os::Os;
use super::provide::{ProvideCredentials, ProvideFuture, Provided};
use crate::client::{Clock, SystemClock};
use crate::host::Host;
use crate::http::Request;
use crate::sts::input::InputError;
use crate::transport::{ReqwestTransport, Transport};

const SOURCE: &str = "container";
const RELATIVE: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
const FULL: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
const TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
const TOKEN_FILE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
const ATTEMPTS: u32 = 3;
const ECS_HOST: &str = "http://169.254.170.2";

/// Whether the environment of `os` configures the container source.
///
/// # Errors
/// [`InputError::Invalid`] for a variable that is set but not UTF-8.
pub(crate) fn container_configured(os: &Os) -> Result<bool, InputError> {
    Ok(os.env_var(RELATIVE)?.is_some() || os.env_var(FULL)?.is_some())
}

/// The container endpoint as a [`ProvideCredentials`]; the environment is read at each
/// fetch. Not configured when neither URI variable is set.
pub struct ContainerProvider<T = ReqwestTransport, C = SystemClock> {
    os: Os,
    transport: T,
    clock: C,
    timeout: Duration,
    relative_base: String,
    /// A URL and token given in code, instead of the environment.
    given: Option<(String, Option<SecretString>)>,
}

impl<T, C> std::fmt::Debug for ContainerProvider<T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContainerProvider")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl ContainerProvider {
    /// The provider the environment of `os` configures (read at each fetch), with its
    /// own transport (2 s per attempt, no proxy, `AWS_CA_BUNDLE` for `https`).
    ///
    /// # Errors
    /// [`InputError::Invalid`] for an unreadable CA bundle or proxy variable.
    pub fn from_env(os: &Os) -> Result<Self, InputError> {
        let transport = super::http_source::metadata_transport(os, None, Duration::from_secs(2))?;
        Ok(ContainerProvider::new(transport, SystemClock).with_os(os.clone()))
    }
}

impl<T: Transport, C: Clock> ContainerProvider<T, C> {
    /// A provider sending with `transport`, reading `clock`.
    pub fn new(transport: T, clock: C) -> Self {
        ContainerProvider {
            os: Os::real(),
            transport,
            clock,
            timeout: Duration::from_secs(2),
            relative_base: ECS_HOST.to_owned(),
            given: None,
        }
    }

    /// Reads the variables from `os` (default: the process's environment).
    pub fn with_os(mut self, os: Os) -> Self {
        self.os = os;
        self
    }

    /// Calls `url` with `authorization` (if any) instead of reading the environment:
    /// the full-URI host rule and the token rule apply all the same.
    ///
    /// # Errors
    /// [`CredentialsError::Source`] for a refused URL or a token with a line break or
    /// a control character.
    pub fn with_uri(
        mut self,
        url: &str,
        authorization: Option<&str>,
    ) -> Result<Self, CredentialsError> {
        check_full_uri(url).map_err(|rule| failed(SOURCE, SourceFailure::Config(rule.into())))?;
        let token = authorization
            .map(|t| checked_token("authorization", t))
            .transpose()?;
        self.given = Some((url.to_owned(), token));
        Ok(self)
    }

    /// Resolves `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` against `base` instead of
    /// `http://169.254.170.2` (for tests against a loopback double).
    ///
    /// # Errors
    /// [`InputError::Endpoint`] when `base` is not loopback `http` or `https`.
    pub fn with_relative_base(mut self, base: &str) -> Result<Self, InputError> {
        let target = crate::host::parse_target_with(base, true)
            .map_err(|rule| InputError::Endpoint { rule })?;
        let scheme = if target.https { "https" } else { "http" };
        self.relative_base = format!("{scheme}://{}", target.host_header());
        Ok(self)
    }

    /// The URL to call and the token to send, from the environment; `None` when
    /// nothing configures the source.
    fn configured(&self) -> Result<Option<(String, Option<SecretString>)>, CredentialsError> {
        if let Some(given) = &self.given {
            return Ok(Some(given.clone()));
        }
        self.configured_by(|name| self.os.env_var(name))
    }

    /// As [`ContainerProvider::configured`], reading the variables through `var`.
    fn configured_by(
        &self,
        var: impl Fn(&'static str) -> Result<Option<String>, InputError>,
    ) -> Result<Option<(String, Option<SecretString>)>, CredentialsError> {
        let config = |rule: String| failed(SOURCE, SourceFailure::Config(rule));
        let url = if let Some(rel) = var(RELATIVE)? {
            if !rel.starts_with('/') {
                return Err(config(format!("{RELATIVE} must start with /")));
            }
            format!("{}{rel}", self.relative_base)
        } else if let Some(full) = var(FULL)? {
            check_full_uri(&full).map_err(|rule| config(format!("{FULL}: {rule}")))?;
            full
        } else {
            return Ok(None);
        };
        let token = if let Some(path) = var(TOKEN_FILE)? {
            let bytes = zeroize::Zeroizing::new(
                self.os
                    .read_regular_file(std::path::Path::new(&path), 16 * 1024)
                    .map_err(|e| {
                        config(format!(
                            "{TOKEN_FILE}: {}",
                            match e.kind() {
                                std::io::ErrorKind::NotFound => "the file does not exist",
                                std::io::ErrorKind::InvalidInput => "must name a regular file",
                                std::io::ErrorKind::FileTooLarge =>
                                    "the file is larger than 16 KiB",
                                _ => "the file cannot be read",
                            }
                        ))
                    })?,
            );
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| config(format!("{TOKEN_FILE}: the file is not UTF-8")))?;
            Some(checked_token(TOKEN_FILE, text)?)
        } else if let Some(t) = var(TOKEN)? {
            Some(checked_token(TOKEN, &t)?)
        } else {
            None
        };
        Ok(Some((url, token)))
    }

    /// Fetches credentials; `Ok(None)` when nothing configures the source.
    ///
    /// # Errors
    /// [`CredentialsError::Source`]; [`CredentialsError::StaleCredentials`] when the
    /// answer has already expired.
    pub async fn fetch(&self) -> Result<Option<Provided>, CredentialsError> {
        let Some((url, token)) = self.configured()? else {
            return Ok(None);
        };
        let make = || {
            let mut r = Request::new("GET", url.as_str()).with_header("Accept", "application/json");
            if let Some(t) = &token {
                r.append_sensitive_header("Authorization", t.expose_secret());
            }
            r
        };
        let secrets: Vec<&str> = token.iter().map(|t| t.expose_secret()).collect();
        let retry = Retry {
            attempts: ATTEMPTS,
            pause: Duration::from_millis(200),
            after_timeout: true,
            after_throttling: false,
        };
        let fail = |f| failed(SOURCE, f);
        let r = send_retrying(&self.transport, make, self.timeout, retry, &secrets)
            .await
            .map_err(fail)?;
        if r.status() != 200 {
            return Err(fail(status_failure(&r, &secrets)));
        }
        let obj = json_object(r.body()).map_err(fail)?;
        metadata_credentials(SOURCE, &obj, self.clock.now()).map(Some)
    }
}

/// A token that can go in a header: no CR or LF (nothing is sent otherwise), no other
/// control character, not empty.
fn checked_token(field: &str, t: &str) -> Result<SecretString, CredentialsError> {
    let config = |rule: &str| failed(SOURCE, SourceFailure::Config(format!("{field}: {rule}")));
    if t.contains(['\r', '\n']) {
        return Err(config(
            "the token holds a CR or LF (a trailing newline counts), which no header may carry",
        ));
    }
    if t.is_empty() || t.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err(config("the token is empty or holds a control character"));
    }
    Ok(SecretString::from(t))
}

/// The full URI's rule: `https` to any host; `http` to a loopback IP address,
/// `localhost`, or the container link-local addresses.
fn check_full_uri(url: &str) -> Result<(), &'static str> {
    const HTTP_RULE: &str = "plain http is allowed only to a loopback IP address, localhost, \
                             169.254.170.2, 169.254.170.23 or fd00:ec2::23 (https goes anywhere)";
    let target = match crate::host::parse_target_with(url, true) {
        Ok(t) => t,
        Err(rule) if rule.starts_with("plain http") => return Err(HTTP_RULE),
        Err(rule) => return Err(rule),
    };
    if target.https {
        return Ok(());
    }
    let allowed = match &target.authority.host {
        Host::V4(ip) => {
            ip.is_loopback() || [[169, 254, 170, 2], [169, 254, 170, 23]].contains(&ip.octets())
        }
        Host::V6(ip) => ip.is_loopback() || ip.segments() == [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23],
        Host::Name(n) => n == "localhost",
    };
    if allowed {
        Ok(())
    } else {
        Err(
            "plain http is allowed only to a loopback IP address, localhost, 169.254.170.2, \
             169.254.170.23 or fd00:ec2::23 (https goes anywhere)",
        )
    }
}

impl<T: Transport, C: Clock> ProvideCredentials for ContainerProvider<T, C> {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            match self.fetch().await? {
                Some(p) => Ok(p),
                None => Err(ProvideError::NotConfigured { provider: SOURCE }),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_full_uri_rule_reads_the_real_host() {
        for ok in [
            "http://127.0.0.1:8080/creds",
            "http://127.1.2.3/x",
            "http://[::1]:9/x",
            "http://localhost:9/x",
            "http://169.254.170.2/v2/credentials/abc",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
            "https://creds.example.com/x",
        ] {
            assert!(check_full_uri(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://169.254.169.254/latest",
            "http://[fd00:ec2::254]/",
            "http://creds.example.com/",
            "http://127.0.0.1@evil.com/",
            "http://evil.com#@127.0.0.1/",
            "http://a.localhost/",
            "http://192.168.1.1/",
            "ftp://127.0.0.1/",
        ] {
            assert!(check_full_uri(bad).is_err(), "{bad}");
        }
        // The container rule is named, not the transport's wider one.
        let rule = check_full_uri("http://169.254.169.254/").unwrap_err();
        assert!(
            rule.contains("169.254.170.23") && rule.contains("localhost"),
            "{rule}"
        );
    }

    #[test]
    fn the_relative_uri_wins_and_the_token_file_wins() {
        let dir = std::env::temp_dir().join(format!("stskit-container-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("token");
        std::fs::write(&file, "from-the-file").unwrap();
        let file = file.to_string_lossy().into_owned();
        let p = ContainerProvider::new(ReqwestTransport::default(), SystemClock)
            .with_relative_base("http://127.0.0.1:9")
            .unwrap();
        let run = |vars: &[(&'static str, &str)]| {
            let vars: Vec<(&'static str, String)> =
                vars.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
            p.configured_by(|name| {
                Ok(vars
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.clone()))
            })
        };
        let (url, token) = run(&[
            (RELATIVE, "/v2/credentials/abc?id=7"),
            (FULL, "http://creds.example.com/"),
            (TOKEN, "from-the-variable"),
            (TOKEN_FILE, &file),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(url, "http://127.0.0.1:9/v2/credentials/abc?id=7");
        assert_eq!(token.unwrap().expose_secret(), "from-the-file");
        let (url, token) = run(&[(FULL, "http://localhost:8/c"), (TOKEN, "t")])
            .unwrap()
            .unwrap();
        assert_eq!(
            (url.as_str(), token.unwrap().expose_secret()),
            ("http://localhost:8/c", "t")
        );
        assert!(run(&[]).unwrap().is_none());
        // A relative URI must start with `/`: "@host" would change the host.
        let e = run(&[(RELATIVE, "@evil.example.com/x")]).unwrap_err();
        assert!(e.to_string().contains("must start with /"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn tokens_with_line_breaks_are_refused_and_not_shown() {
        for bad in ["abc\r\nX-Evil: 1", "abc\n", "a\rb", "", "a\0b"] {
            let e = checked_token(TOKEN, bad).unwrap_err().to_string();
            assert!(e.contains(TOKEN), "{e}");
            assert!(!e.contains("abc"), "{e}");
        }
        assert!(checked_token(TOKEN, "Bearer abc.def").is_ok());
    }
}
