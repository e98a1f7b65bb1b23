//! The pure STS core: building requests and parsing answers. No IO, no clock.
//!
//! Every STS call is an [`Operation`]: its action name, whether it is signed, its
//! parameters (checked before any IO), and the parser of its answer. One file per
//! operation lives in `op/`; the shared field checks in `rules`; the hardened XML
//! reader, error documents and typed outputs in `response/`. Each type has one path:
//! here.
//!
//! See the STS API reference: <https://docs.aws.amazon.com/STS/latest/APIReference/>.

pub(crate) mod endpoint;
pub(crate) mod fetch;
pub mod form;
pub(crate) mod input;
mod op;
pub mod partition;
pub mod proof;
pub(crate) mod response;
mod rules;

use time::OffsetDateTime;

pub use endpoint::{
    Endpoint, EndpointParams, GLOBAL_SIGNING_REGION, GLOBAL_URL, LEGACY_GLOBAL_REGIONS,
};
pub use fetch::{FetchError, fetch};
pub use input::EndpointRuleError;
pub use op::{
    AssumeRole, AssumeRoleWithSaml, AssumeRoleWithWebIdentity, AssumeRoot,
    CHAINED_MAX_DURATION_SECONDS, DEFAULT_DURATION_SECONDS, DecodeAuthorizationMessage,
    GetAccessKeyInfo, GetCallerIdentity, GetDelegatedAccessToken, GetFederationToken,
    GetScopedCredentials, GetSessionToken, GetWebIdentityToken, SubjectMode,
};
pub use response::{
    AssumeRoleOutput, AssumeRoleWithSamlOutput, AssumeRoleWithWebIdentityOutput, AssumeRootOutput,
    AssumedRoleUser, CallerIdentity, CredentialsOutput, DecodeAuthorizationMessageOutput,
    FederatedUser, GetAccessKeyInfoOutput, GetDelegatedAccessTokenOutput, GetFederationTokenOutput,
    GetScopedCredentialsOutput, GetSessionTokenOutput, GetWebIdentityTokenOutput, OriginIdentity,
    SessionInfo, TrustedIdentityPropagationContext, parse_assume_role, parse_assume_role_with_saml,
    parse_assume_role_with_web_identity, parse_assume_root, parse_caller_identity,
    parse_decode_authorization_message, parse_error, parse_get_access_key_info,
    parse_get_delegated_access_token, parse_get_federation_token, parse_get_scoped_credentials,
    parse_get_session_token, parse_get_web_identity_token,
};

use crate::http::Request;
use crate::sts::form::FormWriter;
use crate::sts::input::InputError;
use crate::sts::response::failures::AnswerError;

/// The service name requests to STS are signed for.
pub const SERVICE: &str = "sts";
/// The STS API version every request names.
pub const API_VERSION: &str = "2011-06-15";
/// The content type of every STS request.
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// A parser of one answer: `(status, headers, body)` to a value or an error.
pub type ParseFn<O> = fn(u16, &[(String, String)], &[u8]) -> Result<O, AnswerError>;

/// One STS action: its name, whether it is signed, its parameters, and the parser of
/// its answer. The client sends any operation the same way
/// (`StsClient::send`); a new operation is a new file in `src/sts/op/`.
pub trait Operation {
    /// The typed answer (`Send`, so a call can run on any runtime thread).
    type Output: Send;
    /// The action name, such as `AssumeRole`.
    const ACTION: &'static str;
    /// Whether the call is signed with source credentials (`AssumeRoleWithWebIdentity`
    /// and `AssumeRoleWithSAML` are not: they are how the first credentials are had).
    const SIGNED: bool = true;
    /// Whether STS serves the call on regional endpoints only (`AssumeRoot`): the
    /// global endpoint is refused before any IO.
    const REGIONAL_ONLY: bool = false;

    /// Checks every parameter against the rules STS enforces, before any IO.
    /// `chained` is whether the source credentials are temporary.
    ///
    /// # Errors
    /// [`InputError::Invalid`] naming the parameter and the rule (never the value).
    fn validate(&self, chained: bool) -> Result<(), InputError>;

    /// Writes the parameters after `Action` and `Version`, in the model's order.
    fn write_params(&self, form: &mut FormWriter);

    /// The ARNs of the call that must be in the endpoint's partition (a role, a SAML
    /// provider), each with its parameter name; checked before any IO.
    fn partitioned_arns(&self) -> Vec<(&'static str, &str)> {
        Vec::new()
    }

    /// The secret values the body carries (external id, MFA code, web identity token,
    /// SAML assertion, trade-in token): the body is then marked sensitive (see
    /// [`Request::with_sensitive_body`]), and the client removes these values from any
    /// error text a server sends back.
    fn secret_values(&self) -> Vec<&str> {
        Vec::new()
    }

    /// Whether the body carries a secret: whether [`Operation::secret_values`] names
    /// any.
    fn body_is_sensitive(&self) -> bool {
        !self.secret_values().is_empty()
    }

    /// Parses the answer, a pure function of (status, headers, body).
    ///
    /// # Errors
    /// [`AnswerError::Service`] for an STS error document, [`AnswerError::Status`] for any other
    /// non-2xx, [`AnswerError::Parse`] for a 2xx that is not a complete answer.
    fn parse(
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<Self::Output, AnswerError>;

    /// When the credentials in an answer expire, for the client's check that they have
    /// not already (`None` for answers without credentials).
    fn expiration(_output: &Self::Output) -> Option<OffsetDateTime> {
        None
    }

    /// The form body: `Action`, `Version`, then the parameters. Call
    /// [`Operation::validate`] first; [`Operation::to_request`] does.
    fn form_body(&self) -> Vec<u8> {
        let mut w = FormWriter::new(Self::ACTION, API_VERSION);
        self.write_params(&mut w);
        w.finish()
    }

    /// Validates and builds the unsigned POST to `endpoint`.
    ///
    /// # Errors
    /// As [`Operation::validate`]; also [`InputError::Invalid`] when a role or
    /// provider ARN's partition is not the endpoint's, or a regional-only call meets the global
    /// endpoint.
    fn to_request(&self, endpoint: &Endpoint, chained: bool) -> Result<Request, InputError> {
        self.validate(chained)?;
        for (field, arn) in self.partitioned_arns() {
            endpoint.check_arn_partition(field, arn)?;
        }
        if Self::REGIONAL_ONLY && endpoint.is_global() {
            return Err(InputError::Invalid {
                field: "endpoint",
                rule: "this call is served on regional endpoints only, not sts.amazonaws.com: give a region",
            });
        }
        let request = post(endpoint, self.form_body());
        Ok(if self.body_is_sensitive() {
            request.with_sensitive_body()
        } else {
            request
        })
    }
}

/// An unsigned POST of a form `body` to the endpoint, with `Host` and `Content-Type`
/// set: the shape of every Query API call.
pub fn post(endpoint: &Endpoint, body: Vec<u8>) -> Request {
    Request::new("POST", endpoint.url())
        .with_header("Host", endpoint.host_header())
        .with_header("Content-Type", CONTENT_TYPE)
        .with_body(body)
}
