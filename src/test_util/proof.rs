//! A verifier of identity proofs, doing what aws-iam-authenticator (EKS) and Vault's
//! AWS auth method do with one: decode it, check the host, the action, the signed
//! headers and the time window, then send it to STS (the double), which checks the
//! signature and answers with the caller.

use std::fmt;

use super::StsDouble;
use super::verify::{QUERY_AUTH, parse_amz_date, parse_authorization};
use crate::http::Request;
use crate::http::UrlParts;
use crate::sts::proof::{EKS_CLUSTER_HEADER, EKS_TOKEN_PREFIX, GET_CALLER_IDENTITY_QUERY};
use crate::sts::{CallerIdentity, form, parse_caller_identity};
use crate::text::base64_decode;
use crate::transport::{ReqwestTransport, Transport, TransportConfig};

/// Why a verifier refused a proof (never the proof's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofRejected {
    /// What was wrong, in a few words.
    pub reason: String,
}

impl fmt::Display for ProofRejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "proof rejected: {}", self.reason)
    }
}

impl std::error::Error for ProofRejected {}

fn reject<T>(reason: impl Into<String>) -> Result<T, ProofRejected> {
    Err(ProofRejected {
        reason: reason.into(),
    })
}

/// The query parameters aws-iam-authenticator lets through: the action, the
/// version, and a presigned URL's own.
fn allowed_in_eks_query(name: &str) -> bool {
    name == "Action" || name == "Version" || QUERY_AUTH.contains(&name)
}

/// A verifier in front of an [`StsDouble`]: the one STS host it accepts is the
/// double's, and the time is the double's.
///
/// ```no_run
/// # async fn demo(double: &stskit::test_util::StsDouble, token: &str) {
/// use stskit::test_util::ProofVerifier;
/// let caller = ProofVerifier::new(double).verify_eks_token(token, "demo").await.unwrap();
/// println!("{}", caller.arn);
/// # }
/// ```
pub struct ProofVerifier<'a> {
    double: &'a StsDouble,
    transport: ReqwestTransport,
}

impl fmt::Debug for ProofVerifier<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProofVerifier")
            .field("double", &self.double.addr())
            .finish_non_exhaustive()
    }
}

impl<'a> ProofVerifier<'a> {
    /// A verifier that accepts proofs for `double`'s host only.
    pub fn new(double: &'a StsDouble) -> Self {
        ProofVerifier {
            double,
            transport: ReqwestTransport::new(TransportConfig::default()),
        }
    }

    /// `host:port` of the one accepted STS endpoint.
    fn sts_host(&self) -> String {
        let url = self.double.endpoint_url();
        let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
        rest.trim_end_matches('/').to_owned()
    }

    /// Checks `url` is the double's endpoint with path `/`; returns its query.
    fn checked_query<'u>(&self, url: &'u str) -> Result<&'u str, ProofRejected> {
        let parts = UrlParts::of(url);
        if !matches!(parts.scheme, Some("https" | "http")) {
            return reject("the URL is not https");
        }
        let authority = parts.authority.unwrap_or_default();
        if authority != self.sts_host() || parts.fragment.is_some() {
            return reject(format!(
                "the host {} is not this verifier's STS endpoint",
                crate::text::escape_for_terminal(authority)
            ));
        }
        if parts.path != "/" {
            return reject("the path is not /");
        }
        Ok(parts.query.unwrap_or_default())
    }

    /// Verifies an EKS token for the cluster `cluster` as aws-iam-authenticator does,
    /// then sends its `GET` with `x-k8s-aws-id: cluster` to the double.
    ///
    /// # Errors
    /// [`ProofRejected`] for a token that is not `k8s-aws-v1.` and base64url, a URL
    /// for another host or path, a query parameter outside the presigned set, an
    /// action other than `GetCallerIdentity`, `x-k8s-aws-id` not signed, an
    /// `X-Amz-Date` over 15 minutes old, or an error answer from STS (a signature
    /// for another cluster fails there).
    pub async fn verify_eks_token(
        &self,
        token: &str,
        cluster: &str,
    ) -> Result<CallerIdentity, ProofRejected> {
        let Some(encoded) = token.strip_prefix(EKS_TOKEN_PREFIX) else {
            return reject("the token does not start with k8s-aws-v1.");
        };
        let Some(url) = base64_decode(encoded).and_then(|b| String::from_utf8(b).ok()) else {
            return reject("the token is not base64url of a URL");
        };
        let query = self.checked_query(&url)?;
        let params = form::decode(query.as_bytes());
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        if let Some((name, _)) = params.iter().find(|(n, _)| !allowed_in_eks_query(n)) {
            return reject(format!(
                "the query parameter {} is not allowed",
                crate::text::escape_for_terminal(name)
            ));
        }
        if params
            .iter()
            .any(|(n, _)| params.iter().filter(|(m, _)| m == n).count() > 1)
        {
            return reject("a query parameter is given twice");
        }
        if get("Action") != Some("GetCallerIdentity") {
            return reject("the action is not GetCallerIdentity");
        }
        let signed = get("X-Amz-SignedHeaders").unwrap_or_default();
        if !signed.split(';').any(|h| h == EKS_CLUSTER_HEADER) {
            return reject("x-k8s-aws-id is not signed");
        }
        let Some(date) = get("X-Amz-Date").and_then(parse_amz_date) else {
            return reject("no X-Amz-Date");
        };
        if self.double.now() - date > time::Duration::minutes(15) {
            return reject("X-Amz-Date is more than 15 minutes old");
        }
        let request = Request::new("GET", url.clone()).with_header(EKS_CLUSTER_HEADER, cluster);
        self.forward(request).await
    }

    /// Verifies Vault's login fields (the JSON object `stskit identity-proof` prints)
    /// as Vault does: `POST`, the double's host, the body exactly
    /// `Action=GetCallerIdentity&Version=2011-06-15`, and, when `server_id` is given,
    /// `X-Vault-AWS-IAM-Server-ID` equal to it and signed; then sends the request to
    /// the double.
    ///
    /// # Errors
    /// [`ProofRejected`] for fields that are missing or not base64, any rule above,
    /// or an error answer from STS.
    pub async fn verify_vault_login(
        &self,
        login: &str,
        server_id: Option<&str>,
    ) -> Result<CallerIdentity, ProofRejected> {
        let Ok(serde_json::Value::Object(fields)) = serde_json::from_str(login) else {
            return reject("the login data is not a JSON object");
        };
        let field = |name: &str| -> Result<Vec<u8>, ProofRejected> {
            match fields.get(name).and_then(|v| v.as_str()) {
                Some(s) => base64_decode(s).ok_or_else(|| ProofRejected {
                    reason: format!("{name} is not base64"),
                }),
                None => reject(format!("{name} is missing")),
            }
        };
        if fields
            .get("iam_http_request_method")
            .and_then(|v| v.as_str())
            != Some("POST")
        {
            return reject("iam_http_request_method is not POST");
        }
        let url = String::from_utf8(field("iam_request_url")?).unwrap_or_default();
        self.checked_query(&url)?;
        if field("iam_request_body")? != GET_CALLER_IDENTITY_QUERY.as_bytes() {
            return reject("the body is not a GetCallerIdentity call");
        }
        let Ok(serde_json::Value::Object(headers)) =
            serde_json::from_slice(&field("iam_request_headers")?)
        else {
            return reject("iam_request_headers is not a JSON object");
        };
        let mut request = Request::new("POST", url).with_body(GET_CALLER_IDENTITY_QUERY);
        for (name, values) in &headers {
            let Some([serde_json::Value::String(value)]) = values.as_array().map(Vec::as_slice)
            else {
                return reject(format!("the header {name} is not a list of one string"));
            };
            request.append_header(name.clone(), value.clone());
        }
        if let Some(expected) = server_id {
            const NAME: &str = "x-vault-aws-iam-server-id";
            if request.header(NAME) != Some(expected) {
                return reject("X-Vault-AWS-IAM-Server-ID does not name this server");
            }
            let signed = request
                .header("authorization")
                .and_then(parse_authorization)
                .map(|a| a.4)
                .unwrap_or_default();
            if !signed.split(';').any(|h| h == NAME) {
                return reject("X-Vault-AWS-IAM-Server-ID is not signed");
            }
        }
        self.forward(request).await
    }

    async fn forward(&self, request: Request) -> Result<CallerIdentity, ProofRejected> {
        let response = match self.transport.send(request).await {
            Ok(r) => r,
            Err(e) => return reject(format!("STS could not be reached: {e}")),
        };
        parse_caller_identity(response.status(), response.headers(), response.body())
            .or_else(|e| reject(format!("STS refused it: {e}")))
    }
}
