//! Identity proofs: a `GetCallerIdentity` request signed here and sent to STS by
//! someone else, who learns from STS's answer who signed it, without ever holding
//! the credentials.
//!
//! - [`signed_get_caller_identity`]: the signed `POST` (method, URL, body and every
//!   header), as HashiCorp Vault's AWS auth method takes it; [`VaultLogin`] turns it
//!   into Vault's login fields.
//! - [`presigned_get_caller_identity`]: the presigned `GET` URL with extra signed
//!   headers; [`eks_token`] is the one Amazon EKS takes as a bearer token
//!   (`aws eks get-token`), and [`EksToken::exec_credential`] the JSON a kubeconfig
//!   `exec` plugin prints.
//!
//! Pure: credentials, an endpoint and a time in, a request out.
//!
//! ```
//! use stskit::sts::{Endpoint, proof};
//! use stskit::Credentials;
//! use time::macros::datetime;
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
//! let endpoint = Endpoint::resolve(None, Some("eu-west-1"))?;
//! let token = proof::eks_token(&creds, &endpoint, "demo", datetime!(2026-12-05 10:00 UTC))?;
//! assert!(token.expose_token().starts_with("k8s-aws-v1.aHR0cHM6Ly9zdHMuZXUtd2VzdC0xLmFtYXpvbmF3cy5jb20v"));
//! assert_eq!(token.expiration(), datetime!(2026-12-05 10:14 UTC));
//! # Ok::<(), stskit::error::InputError>(())
//! ```

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::endpoint::Endpoint;
use super::input::InputError;
use super::{CONTENT_TYPE, SERVICE};
use crate::credentials::Credentials;
use crate::http::Request;
use crate::pyjson::Object;
use crate::sigv4::{self, SigningParams};
use crate::text::{Base64, base64};

/// The body (and, presigned, the query) of every proof:
/// `Action=GetCallerIdentity&Version=2011-06-15`.
pub const GET_CALLER_IDENTITY_QUERY: &str = "Action=GetCallerIdentity&Version=2011-06-15";
/// What an EKS token starts with.
pub const EKS_TOKEN_PREFIX: &str = "k8s-aws-v1.";
/// The signed header naming the cluster in an EKS token.
pub const EKS_CLUSTER_HEADER: &str = "x-k8s-aws-id";
/// `X-Amz-Expires` of an EKS token's URL, as the AWS CLI and aws-iam-authenticator
/// write it (STS accepts a presigned `GetCallerIdentity` for 15 minutes regardless).
pub const EKS_URL_EXPIRES: Duration = Duration::from_secs(60);
/// How long after signing an EKS token is said to expire: 14 minutes, a minute
/// inside the 15 STS accepts it for.
pub const EKS_TOKEN_LIFETIME: time::Duration = time::Duration::minutes(14);
/// The longest token aws-iam-authenticator accepts, in bytes.
pub const MAX_EKS_TOKEN_LEN: usize = 4096;
/// The header a Vault role can require, naming the Vault server (signed).
pub const VAULT_SERVER_ID_HEADER: &str = "X-Vault-AWS-IAM-Server-ID";
/// `apiVersion` of an `ExecCredential` when the client does not say which it wants.
pub const EXEC_CREDENTIAL_DEFAULT_VERSION: &str = "client.authentication.k8s.io/v1beta1";

/// Headers the signer writes itself: an extra header may not be one of them.
const RESERVED: [&str; 4] = ["host", "authorization", "content-length", "content-type"];

/// Checks extra headers to sign before anything else is done: each a name and value
/// that can be sent, not one the request or the signer writes, each once.
///
/// # Errors
/// [`InputError::Header`] naming the first header refused, and why.
pub fn check_headers(headers: &[(&str, &str)]) -> Result<(), InputError> {
    for (i, (name, value)) in headers.iter().enumerate() {
        let lower = name.to_ascii_lowercase();
        let bad = |rule| {
            // A name from the command line, shown safe for a terminal.
            let shown: String = name.chars().take(100).collect();
            Err(InputError::Header {
                name: crate::text::escape_for_terminal(&shown).into_owned(),
                rule,
            })
        };
        if name.is_empty() {
            return bad("a header name cannot be empty");
        }
        if RESERVED.contains(&lower.as_str()) || lower.starts_with("x-amz-") {
            return bad("is written by the signer, not given");
        }
        if headers[..i]
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            return bad("is given twice");
        }
        if let Err(rule) = crate::http::check_sendable_header(name, value) {
            return bad(rule);
        }
    }
    Ok(())
}

/// The endpoint's URL with a path (`/` when it has none).
fn base_url(endpoint: &Endpoint) -> String {
    let url = endpoint.url();
    if crate::http::UrlParts::of(url).path.is_empty() {
        format!("{url}/")
    } else {
        url.to_owned()
    }
}

fn params(endpoint: &Endpoint, time: OffsetDateTime) -> SigningParams<'_> {
    SigningParams::new(endpoint.signing_region(), SERVICE, time)
}

/// The signed `POST` of `GetCallerIdentity` to `endpoint` at `time`: method, URL,
/// body and headers, ready for a verifier to send to STS as they are.
///
/// The headers, in this order: `Content-Type`, `Host`, the `extra` headers (signed,
/// such as [`VAULT_SERVER_ID_HEADER`]), `Content-Length`, `X-Amz-Date`,
/// `X-Amz-Security-Token` for temporary credentials, and `Authorization`; every one
/// but `Authorization` is signed.
///
/// # Errors
/// [`InputError::Header`] for an extra header that is empty, given twice, or one the
/// signer writes (`Host`, `Authorization`, `Content-*`, `X-Amz-*`);
/// [`InputError::Signing`] when a header or the credentials cannot be signed.
pub fn signed_get_caller_identity(
    credentials: &Credentials,
    endpoint: &Endpoint,
    extra: &[(&str, &str)],
    time: OffsetDateTime,
) -> Result<Request, InputError> {
    check_headers(extra)?;
    let mut request = Request::new("POST", base_url(endpoint))
        .with_body(GET_CALLER_IDENTITY_QUERY)
        .with_header("Content-Type", CONTENT_TYPE)
        .with_header("Host", endpoint.host_header().to_owned());
    for (name, value) in extra {
        request.append_header((*name).to_owned(), *value);
    }
    request.append_header(
        "Content-Length",
        GET_CALLER_IDENTITY_QUERY.len().to_string(),
    );
    sigv4::sign(&mut request, credentials, &params(endpoint, time)).map_err(InputError::Signing)?;
    Ok(request)
}

/// The presigned `GET` of `GetCallerIdentity` on `endpoint` at `time`, valid for
/// `expires_in`: its URL carries `Action`, `Version` and the signature (with
/// `X-Amz-Security-Token` for temporary credentials); its headers are the ones
/// signed (`Host` and the `extra` headers), which must be sent with it.
///
/// # Errors
/// As [`signed_get_caller_identity`]; [`InputError::Signing`] for an `expires_in`
/// of zero or over seven days.
pub fn presigned_get_caller_identity(
    credentials: &Credentials,
    endpoint: &Endpoint,
    extra: &[(&str, &str)],
    time: OffsetDateTime,
    expires_in: Duration,
) -> Result<Request, InputError> {
    check_headers(extra)?;
    let url = format!("{}?{GET_CALLER_IDENTITY_QUERY}", base_url(endpoint));
    let mut request =
        Request::new("GET", url).with_header("Host", endpoint.host_header().to_owned());
    for (name, value) in extra {
        request.append_header((*name).to_owned(), *value);
    }
    sigv4::presign(
        &mut request,
        credentials,
        &params(endpoint, time),
        expires_in,
    )
    .map_err(InputError::Signing)?;
    Ok(request)
}

/// A bearer token for Amazon EKS: `k8s-aws-v1.` and the presigned URL in URL-safe
/// base64 without padding. A secret: `Debug` shows only its expiry.
pub struct EksToken {
    token: SecretString,
    expiration: OffsetDateTime,
}

impl EksToken {
    /// The token itself (a bearer credential until STS stops accepting the URL).
    pub fn expose_token(&self) -> &str {
        self.token.expose_secret()
    }

    /// When clients should ask for a new one: [`EKS_TOKEN_LIFETIME`] after signing.
    pub fn expiration(&self) -> OffsetDateTime {
        self.expiration
    }

    /// Moves the expiry earlier to `at` when `at` comes first (the credentials that
    /// signed the URL expire then, and STS refuses it from then on).
    #[must_use]
    pub fn expiring_by(mut self, at: OffsetDateTime) -> Self {
        self.expiration = self.expiration.min(at);
        self
    }

    /// The `ExecCredential` a kubeconfig `exec` plugin prints, byte for byte as
    /// `aws eks get-token` prints it (Python's separators, no newline):
    /// `{"kind": "ExecCredential", "apiVersion": ..., "spec": {}, "status":
    /// {"expirationTimestamp": "YYYY-MM-DDTHH:MM:SSZ", "token": ...}}`.
    pub fn exec_credential(&self, api_version: &str) -> SecretString {
        let mut status = Object::new();
        status.str(
            "expirationTimestamp",
            &crate::date::format_rfc3339(self.expiration),
        );
        status.str("token", self.token.expose_secret());
        let mut out = Object::new();
        out.str("kind", "ExecCredential")
            .str("apiVersion", api_version)
            .raw("spec", "{}")
            .object("status", status);
        SecretString::from(out.finish())
    }
}

impl fmt::Debug for EksToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EksToken")
            .field("token", &"<redacted>")
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// The EKS token for the cluster named (or with the id) `cluster`, signed at `time`
/// on `endpoint`: the presigned `GetCallerIdentity` with `x-k8s-aws-id: cluster`
/// signed and [`EKS_URL_EXPIRES`], as `aws eks get-token` makes it.
///
/// # Errors
/// [`InputError::Invalid`] for an empty `cluster`, or a token over
/// [`MAX_EKS_TOKEN_LEN`] bytes (a long session token or cluster name);
/// [`InputError::Signing`] as [`presigned_get_caller_identity`].
pub fn eks_token(
    credentials: &Credentials,
    endpoint: &Endpoint,
    cluster: &str,
    time: OffsetDateTime,
) -> Result<EksToken, InputError> {
    if cluster.is_empty() {
        return Err(InputError::Invalid {
            field: "cluster",
            rule: "must not be empty",
        });
    }
    let request = presigned_get_caller_identity(
        credentials,
        endpoint,
        &[(EKS_CLUSTER_HEADER, cluster)],
        time,
        EKS_URL_EXPIRES,
    )?;
    let mut token = String::with_capacity(EKS_TOKEN_PREFIX.len() + request.url().len() * 4 / 3 + 4);
    token.push_str(EKS_TOKEN_PREFIX);
    token.push_str(&base64(request.url().as_bytes(), Base64::UrlNoPad));
    let token = SecretString::from(token);
    if token.expose_secret().len() > MAX_EKS_TOKEN_LEN {
        return Err(InputError::Invalid {
            field: "token",
            rule: "longer than the 4096 bytes EKS accepts (a shorter cluster name or session token is needed)",
        });
    }
    Ok(EksToken {
        token,
        expiration: time.checked_add(EKS_TOKEN_LIFETIME).unwrap_or(time),
    })
}

/// The login fields of Vault's AWS auth method (`iam` type) for a signed request
/// (from [`signed_get_caller_identity`]), as Vault's own clients write them:
/// the method, and the URL, body and headers in standard base64 (the headers as a
/// JSON object of lists of one value, in the request's order). Holds the signature
/// and any session token: `Debug` shows only the method.
pub struct VaultLogin {
    method: String,
    url: String,
    body: String,
    headers: SecretString,
}

impl VaultLogin {
    /// The login fields of `request`.
    pub fn of(request: &Request) -> VaultLogin {
        let mut headers = Object::new();
        for h in request.headers() {
            let mut list = String::from("[");
            crate::pyjson::string(&mut list, h.value());
            list.push(']');
            headers.raw(h.name(), &list);
            zeroize::Zeroize::zeroize(&mut list);
        }
        let mut json = headers.finish();
        let encoded = base64(json.as_bytes(), Base64::Standard);
        zeroize::Zeroize::zeroize(&mut json);
        VaultLogin {
            method: request.method().to_owned(),
            url: base64(request.url().as_bytes(), Base64::Standard),
            body: base64(request.body(), Base64::Standard),
            headers: SecretString::from(encoded),
        }
    }

    /// `iam_http_request_method`.
    pub fn method(&self) -> &str {
        &self.method
    }
    /// `iam_request_url`: the URL in base64.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// `iam_request_body`: the body in base64.
    pub fn body(&self) -> &str {
        &self.body
    }
    /// `iam_request_headers`: the headers as JSON, in base64 (signed: a secret).
    pub fn expose_headers(&self) -> &str {
        self.headers.expose_secret()
    }

    /// The four fields as one JSON object (Python's separators), in the order
    /// `iam_http_request_method`, `iam_request_url`, `iam_request_body`,
    /// `iam_request_headers`: what `vault write auth/aws/login role=...` takes
    /// beside the role.
    pub fn to_json(&self) -> SecretString {
        let mut out = Object::new();
        out.str("iam_http_request_method", &self.method)
            .str("iam_request_url", &self.url)
            .str("iam_request_body", &self.body)
            .str("iam_request_headers", self.headers.expose_secret());
        SecretString::from(out.finish())
    }
}

impl fmt::Debug for VaultLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultLogin")
            .field("method", &self.method)
            .field("headers", &"<redacted>")
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn creds(token: Option<&str>) -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token.map(str::to_owned),
        )
    }

    fn decoded(token: &EksToken) -> String {
        let b64 = token.expose_token().strip_prefix(EKS_TOKEN_PREFIX).unwrap();
        String::from_utf8(crate::text::base64_decode(b64).unwrap()).unwrap()
    }

    #[test]
    fn eks_token_is_the_presigned_url_with_only_the_expected_parameters() {
        let endpoint = Endpoint::resolve(None, Some("eu-west-1")).unwrap();
        let t = datetime!(2026-12-05 10:00:00 UTC);
        let token = eks_token(&creds(Some("TOKEN/+=")), &endpoint, "demo", t).unwrap();
        let url = decoded(&token);
        let (base, query) = url.split_once('?').unwrap();
        assert_eq!(base, "https://sts.eu-west-1.amazonaws.com/");
        let names: Vec<&str> = query
            .split('&')
            .map(|p| p.split_once('=').unwrap().0)
            .collect();
        assert_eq!(
            names,
            [
                "Action",
                "Version",
                "X-Amz-Algorithm",
                "X-Amz-Credential",
                "X-Amz-Date",
                "X-Amz-Expires",
                "X-Amz-SignedHeaders",
                "X-Amz-Security-Token",
                "X-Amz-Signature"
            ]
        );
        assert!(query.contains("X-Amz-Expires=60&"));
        assert!(query.contains("X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&"));
        assert!(query.contains("X-Amz-Security-Token=TOKEN%2F%2B%3D&"));
        assert!(query.contains("X-Amz-Date=20261205T100000Z&"));
        assert!(
            query.contains(
                "X-Amz-Credential=AKIDEXAMPLE%2F20261205%2Feu-west-1%2Fsts%2Faws4_request&"
            )
        );
        assert_eq!(
            token
                .exec_credential(EXEC_CREDENTIAL_DEFAULT_VERSION)
                .expose_secret(),
            format!(
                "{{\"kind\": \"ExecCredential\", \"apiVersion\": \"client.authentication.k8s.io/v1beta1\", \"spec\": {{}}, \"status\": {{\"expirationTimestamp\": \"2026-12-05T10:14:00Z\", \"token\": \"{}\"}}}}",
                token.expose_token()
            )
        );
        // Long-term keys: no token parameter.
        let token = eks_token(&creds(None), &endpoint, "demo", t).unwrap();
        assert!(!decoded(&token).contains("X-Amz-Security-Token"));
        assert!(!token.expose_token().contains('='));
    }

    #[test]
    fn eks_token_refuses_an_empty_cluster_and_an_oversized_token() {
        let endpoint = Endpoint::resolve(None, Some("us-west-2")).unwrap();
        let t = datetime!(2026-12-05 10:00:00 UTC);
        assert!(matches!(
            eks_token(&creds(None), &endpoint, "", t),
            Err(InputError::Invalid {
                field: "cluster",
                ..
            })
        ));
        let huge = "x".repeat(3000);
        assert!(matches!(
            eks_token(&creds(Some(&huge)), &endpoint, "demo", t),
            Err(InputError::Invalid { field: "token", .. })
        ));
        let token = eks_token(&creds(None), &endpoint, "demo", t).unwrap();
        let early = datetime!(2026-12-05 10:05:00 UTC);
        assert_eq!(token.expiring_by(early).expiration(), early);
        let debug = format!(
            "{:?}",
            eks_token(&creds(Some("SECRETTOKEN")), &endpoint, "demo", t).unwrap()
        );
        assert!(
            !debug.contains("k8s-aws-v1") && !debug.contains("SECRETTOKEN"),
            "{debug}"
        );
    }

    #[test]
    fn signed_post_has_the_headers_in_order_and_refuses_reserved_extras() {
        let endpoint = Endpoint::resolve(None, Some("aws-global")).unwrap();
        let t = datetime!(2026-12-05 10:00:00 UTC);
        let r = signed_get_caller_identity(
            &creds(Some("TOKEN")),
            &endpoint,
            &[(VAULT_SERVER_ID_HEADER, "vault.example.com")],
            t,
        )
        .unwrap();
        assert_eq!(r.method(), "POST");
        assert_eq!(r.url(), "https://sts.amazonaws.com/");
        assert_eq!(r.body(), GET_CALLER_IDENTITY_QUERY.as_bytes());
        let names: Vec<&str> = r.headers().iter().map(|h| h.name()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "Host",
                "X-Vault-AWS-IAM-Server-ID",
                "Content-Length",
                "X-Amz-Date",
                "X-Amz-Security-Token",
                "Authorization"
            ]
        );
        assert!(r.header("authorization").unwrap().contains(
            "/20261205/us-east-1/sts/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token;x-vault-aws-iam-server-id, Signature="
        ));
        let e = check_headers(&[("X-\u{1b}[31mred", "v")])
            .unwrap_err()
            .to_string();
        assert!(!e.contains('\u{1b}'), "{e}");
        for bad in ["Host", "authorization", "X-Amz-Date", "content-type", ""] {
            let e =
                signed_get_caller_identity(&creds(None), &endpoint, &[(bad, "v")], t).unwrap_err();
            assert!(matches!(e, InputError::Header { .. }), "{bad}: {e}");
        }
        let twice = [("X-A", "1"), ("x-a", "2")];
        assert!(signed_get_caller_identity(&creds(None), &endpoint, &twice, t).is_err());
        let login = VaultLogin::of(&r);
        assert_eq!(login.method(), "POST");
        assert_eq!(login.url(), "aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8=");
        assert_eq!(
            login.body(),
            "QWN0aW9uPUdldENhbGxlcklkZW50aXR5JlZlcnNpb249MjAxMS0wNi0xNQ=="
        );
        let debug = format!("{login:?}");
        assert!(!debug.contains(login.expose_headers()), "{debug}");
    }
}
