//! The typed answers of the session, federation, token and lookup operations, and
//! their parsers.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::outputs::{CredentialsOutput, credentials, credentials_output};
use super::schema::{Container, Field};
use super::{perr, request_id, required, success_doc};
use crate::credentials::StsCredentials;
use crate::sts::response::failures::{AnswerError, ParseErrorKind};

/// What `GetSessionToken` returns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GetSessionTokenOutput {
    /// The temporary credentials.
    pub credentials: StsCredentials,
    /// `SessionTokenUtilization`.
    pub session_token_utilization: Option<u32>,
    /// `SessionTokenSize`.
    pub session_token_size: Option<u32>,
    /// The request id.
    pub request_id: Option<String>,
}

/// The federated user of a `GetFederationToken` session.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FederatedUser {
    /// `arn:aws:sts::ACCOUNT:federated-user/NAME`.
    pub arn: String,
    /// `ACCOUNT:NAME`.
    pub federated_user_id: String,
}

/// What `GetFederationToken` returns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GetFederationTokenOutput {
    /// The temporary credentials.
    pub credentials: StsCredentials,
    /// The federated user.
    pub federated_user: Option<FederatedUser>,
    /// `PackedPolicySize` (see [`super::AssumeRoleOutput::packed_policy_size`]).
    pub packed_policy_size: Option<u32>,
    /// `SessionTokenUtilization`.
    pub session_token_utilization: Option<u32>,
    /// `SessionTokenSize`.
    pub session_token_size: Option<u32>,
    /// The request id.
    pub request_id: Option<String>,
}

/// The scoped session of a `GetScopedCredentials` answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SessionInfo {
    /// `ScopedSessionId`.
    pub scoped_session_id: String,
    /// `Arn`.
    pub arn: String,
}

/// What `GetScopedCredentials` returns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GetScopedCredentialsOutput {
    /// The temporary credentials.
    pub credentials: StsCredentials,
    /// `SessionInfo`.
    pub session_info: Option<SessionInfo>,
    /// `SessionTokenUtilization`.
    pub session_token_utilization: Option<u32>,
    /// `SessionTokenSize`.
    pub session_token_size: Option<u32>,
    /// `ScopedPoliciesCount`.
    pub scoped_policies_count: Option<u32>,
    /// `SourceIdentity`.
    pub source_identity: Option<String>,
    /// The request id.
    pub request_id: Option<String>,
}

/// What `GetDelegatedAccessToken` returns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GetDelegatedAccessTokenOutput {
    /// The temporary credentials.
    pub credentials: StsCredentials,
    /// `PackedPolicySize` (the model says it is never populated).
    pub packed_policy_size: Option<u32>,
    /// `AssumedPrincipal`: the ARN of the principal the credentials act as.
    pub assumed_principal: Option<String>,
    /// The request id.
    pub request_id: Option<String>,
}

/// What `GetWebIdentityToken` returns: a signed JWT for an outside service. The token
/// is a secret; `Debug` does not show it.
#[derive(Clone)]
#[non_exhaustive]
pub struct GetWebIdentityTokenOutput {
    /// `WebIdentityToken`.
    pub web_identity_token: SecretString,
    /// `Expiration`, in UTC.
    pub expiration: Option<OffsetDateTime>,
    /// The request id.
    pub request_id: Option<String>,
}

impl fmt::Debug for GetWebIdentityTokenOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetWebIdentityTokenOutput")
            .field("web_identity_token", &"[redacted]")
            .field("expiration", &self.expiration)
            .field("request_id", &self.request_id)
            .finish()
    }
}

/// What `GetCallerIdentity` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallerIdentity {
    /// The unique id of the caller.
    pub user_id: String,
    /// The account id.
    pub account: String,
    /// The caller's ARN.
    pub arn: String,
    /// The request id.
    pub request_id: Option<String>,
}

/// What `GetAccessKeyInfo` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GetAccessKeyInfoOutput {
    /// The account the access key belongs to.
    pub account: String,
    /// The request id.
    pub request_id: Option<String>,
}

/// What `DecodeAuthorizationMessage` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeAuthorizationMessageOutput {
    /// `DecodedMessage`: the JSON text of the authorization decision.
    pub decoded_message: String,
    /// The request id.
    pub request_id: Option<String>,
}

/// Parses the answer to `GetSessionToken`.
///
/// # Errors
/// As [`super::parse_assume_role`].
pub fn parse_get_session_token(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<GetSessionTokenOutput, AnswerError> {
    let mut doc = success_doc(status, headers, body)?;
    Ok(GetSessionTokenOutput {
        credentials: credentials(&mut doc)?,
        session_token_utilization: doc.count(Field::SessionTokenUtilization),
        session_token_size: doc.count(Field::SessionTokenSize),
        request_id: request_id(doc.text(Field::RequestId), headers),
    })
}

/// Parses the answer to `GetFederationToken`.
///
/// # Errors
/// As [`super::parse_assume_role`].
pub fn parse_get_federation_token(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<GetFederationTokenOutput, AnswerError> {
    let mut doc = success_doc(status, headers, body)?;
    Ok(GetFederationTokenOutput {
        credentials: credentials(&mut doc)?,
        federated_user: doc.saw(Container::FederatedUser).then(|| FederatedUser {
            arn: doc.text(Field::FederatedUserArn).unwrap_or_default(),
            federated_user_id: doc.text(Field::FederatedUserId).unwrap_or_default(),
        }),
        packed_policy_size: doc.count(Field::PackedPolicySize),
        session_token_utilization: doc.count(Field::SessionTokenUtilization),
        session_token_size: doc.count(Field::SessionTokenSize),
        request_id: request_id(doc.text(Field::RequestId), headers),
    })
}

/// Parses the answer to `GetScopedCredentials`.
///
/// # Errors
/// As [`super::parse_assume_role`].
pub fn parse_get_scoped_credentials(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<GetScopedCredentialsOutput, AnswerError> {
    let mut doc = success_doc(status, headers, body)?;
    Ok(GetScopedCredentialsOutput {
        credentials: credentials(&mut doc)?,
        session_info: doc.saw(Container::SessionInfo).then(|| SessionInfo {
            scoped_session_id: doc.text(Field::ScopedSessionId).unwrap_or_default(),
            arn: doc.text(Field::SessionArn).unwrap_or_default(),
        }),
        session_token_utilization: doc.count(Field::SessionTokenUtilization),
        session_token_size: doc.count(Field::SessionTokenSize),
        scoped_policies_count: doc.count(Field::ScopedPoliciesCount),
        source_identity: doc.opt(Field::SourceIdentity),
        request_id: request_id(doc.text(Field::RequestId), headers),
    })
}

/// Parses the answer to `GetDelegatedAccessToken`.
///
/// # Errors
/// As [`super::parse_assume_role`].
pub fn parse_get_delegated_access_token(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<GetDelegatedAccessTokenOutput, AnswerError> {
    let mut doc = success_doc(status, headers, body)?;
    Ok(GetDelegatedAccessTokenOutput {
        credentials: credentials(&mut doc)?,
        packed_policy_size: doc.count(Field::PackedPolicySize),
        assumed_principal: doc.opt(Field::AssumedPrincipal),
        request_id: request_id(doc.text(Field::RequestId), headers),
    })
}

/// Parses the answer to `GetWebIdentityToken`.
///
/// # Errors
/// As [`super::parse_assume_role`]; `WebIdentityToken` is required and non-empty, and
/// an `Expiration` that is present must be an ISO 8601 time.
pub fn parse_get_web_identity_token(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<GetWebIdentityTokenOutput, AnswerError> {
    let mut doc = success_doc(status, headers, body)?;
    let end = doc.end();
    let token = required(
        doc.secret(Field::WebIdentityToken),
        "WebIdentityToken",
        end,
        |s| s.expose_secret().is_empty(),
    )?;
    let expiration = match doc.time(Field::TokenExpiration) {
        None => None,
        Some(t) if t.empty => None,
        Some(t) => Some(
            t.time
                .and_then(crate::date::to_utc)
                .ok_or_else(|| perr(ParseErrorKind::InvalidValue, Some("Expiration"), t.at))?,
        ),
    };
    Ok(GetWebIdentityTokenOutput {
        web_identity_token: token,
        expiration,
        request_id: request_id(doc.text(Field::RequestId), headers),
    })
}

/// Parses the answer to `GetCallerIdentity`.
///
/// # Errors
/// As [`super::parse_assume_role`]; `UserId`, `Account` and `Arn` are required.
pub fn parse_caller_identity(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<CallerIdentity, AnswerError> {
    let mut doc = success_doc(status, headers, body)?;
    let end = doc.end();
    Ok(CallerIdentity {
        user_id: required(doc.text(Field::UserId), "UserId", end, String::is_empty)?,
        account: required(doc.text(Field::Account), "Account", end, String::is_empty)?,
        arn: required(doc.text(Field::Arn), "Arn", end, String::is_empty)?,
        request_id: request_id(doc.text(Field::RequestId), headers),
    })
}

/// Parses the answer to `GetAccessKeyInfo`.
///
/// # Errors
/// As [`super::parse_assume_role`]; `Account` is required.
pub fn parse_get_access_key_info(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<GetAccessKeyInfoOutput, AnswerError> {
    let mut doc = success_doc(status, headers, body)?;
    let end = doc.end();
    Ok(GetAccessKeyInfoOutput {
        account: required(doc.text(Field::Account), "Account", end, String::is_empty)?,
        request_id: request_id(doc.text(Field::RequestId), headers),
    })
}

/// Parses the answer to `DecodeAuthorizationMessage`.
///
/// # Errors
/// As [`super::parse_assume_role`]; `DecodedMessage` is required.
pub fn parse_decode_authorization_message(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<DecodeAuthorizationMessageOutput, AnswerError> {
    let mut doc = success_doc(status, headers, body)?;
    let end = doc.end();
    Ok(DecodeAuthorizationMessageOutput {
        decoded_message: required(
            doc.text(Field::DecodedMessage),
            "DecodedMessage",
            end,
            String::is_empty,
        )?,
        request_id: request_id(doc.text(Field::RequestId), headers),
    })
}

credentials_output!(
    GetSessionTokenOutput,
    GetFederationTokenOutput,
    GetScopedCredentialsOutput,
    GetDelegatedAccessTokenOutput,
);
