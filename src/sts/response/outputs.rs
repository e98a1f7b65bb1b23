//! The typed answers of the role operations, the parts answers share, and their
//! parsers. Each operation has its own output type holding exactly the members the
//! service model gives its answer.

use std::fmt;

use secrecy::SecretString;

use super::schema::{Container, Field};
use super::{Doc, perr, request_id, required, success_doc};
use crate::credentials::StsCredentials;
use crate::sts::response::failures::{AnswerError, ParseError, ParseErrorKind};

/// An answer that carries temporary credentials.
pub trait CredentialsOutput {
    /// The temporary credentials.
    fn credentials(&self) -> &StsCredentials;
}

/// The identity of an assumed-role session. Emulators may send empty values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct AssumedRoleUser {
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    pub arn: String,
    /// `ROLEID:SESSION`.
    pub assumed_role_id: String,
}

/// Where a trusted identity propagation session came from (`AssumeRoleWithSAML`,
/// `AssumeRoleWithWebIdentity`).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct TrustedIdentityPropagationContext {
    /// The identity the session was issued for.
    pub origin_identity: Option<OriginIdentity>,
    /// `TransactionContext.IdentityProvider`: the provider's key-value pairs, in
    /// document order.
    pub identity_provider: Vec<(String, String)>,
}

/// `OriginIdentity`: the model marks `Subject`, `SubjectType` and `Issuer` sensitive,
/// so they are secrets here and `Debug` does not show them.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct OriginIdentity {
    /// `Subject`.
    pub subject: Option<SecretString>,
    /// `SubjectType`.
    pub subject_type: Option<SecretString>,
    /// `Issuer`.
    pub issuer: Option<SecretString>,
    /// `FederatedProviderArn`.
    pub federated_provider_arn: Option<String>,
}

impl fmt::Debug for OriginIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OriginIdentity")
            .field("subject", &self.subject.as_ref().map(|_| "[redacted]"))
            .field(
                "subject_type",
                &self.subject_type.as_ref().map(|_| "[redacted]"),
            )
            .field("issuer", &self.issuer.as_ref().map(|_| "[redacted]"))
            .field("federated_provider_arn", &self.federated_provider_arn)
            .finish()
    }
}

/// What `AssumeRole` returns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AssumeRoleOutput {
    /// The temporary credentials.
    pub credentials: StsCredentials,
    /// The assumed-role user, when the answer names one.
    pub assumed_role_user: Option<AssumedRoleUser>,
    /// `PackedPolicySize` (deprecated by STS for `SessionTokenUtilization`), a
    /// percentage of the allowed size. `None` when absent, and also when its value is
    /// not a whole number from 0 to 4294967295 (such as `-1`): an optional field that
    /// cannot be read does not throw away valid credentials. The other counts follow
    /// the same rule.
    pub packed_policy_size: Option<u32>,
    /// `SourceIdentity`.
    pub source_identity: Option<String>,
    /// `SessionTokenUtilization`.
    pub session_token_utilization: Option<u32>,
    /// `SessionTokenSize`.
    pub session_token_size: Option<u32>,
    /// The request id, from the body or the `x-amzn-RequestId` header.
    pub request_id: Option<String>,
}

/// What `AssumeRoleWithSAML` returns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AssumeRoleWithSamlOutput {
    /// The temporary credentials.
    pub credentials: StsCredentials,
    /// The assumed-role user.
    pub assumed_role_user: Option<AssumedRoleUser>,
    /// `PackedPolicySize` (see [`AssumeRoleOutput::packed_policy_size`]).
    pub packed_policy_size: Option<u32>,
    /// `Subject`: the `NameID` of the assertion's subject.
    pub subject: Option<String>,
    /// `SubjectType`: the format of the `NameID`.
    pub subject_type: Option<String>,
    /// `Issuer`.
    pub issuer: Option<String>,
    /// `Audience`: the assertion's recipient.
    pub audience: Option<String>,
    /// `NameQualifier`: a hash of issuer, account and provider name.
    pub name_qualifier: Option<String>,
    /// `SourceIdentity`.
    pub source_identity: Option<String>,
    /// `SessionTokenUtilization`.
    pub session_token_utilization: Option<u32>,
    /// `SessionTokenSize`.
    pub session_token_size: Option<u32>,
    /// `TrustedIdentityPropagationContext`.
    pub trusted_identity_propagation_context: Option<TrustedIdentityPropagationContext>,
    /// The request id.
    pub request_id: Option<String>,
}

/// What `AssumeRoleWithWebIdentity` returns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AssumeRoleWithWebIdentityOutput {
    /// The temporary credentials.
    pub credentials: StsCredentials,
    /// `SubjectFromWebIdentityToken`: the token's `sub`.
    pub subject_from_web_identity_token: Option<String>,
    /// The assumed-role user.
    pub assumed_role_user: Option<AssumedRoleUser>,
    /// `PackedPolicySize` (see [`AssumeRoleOutput::packed_policy_size`]).
    pub packed_policy_size: Option<u32>,
    /// `Provider`: the token's issuer.
    pub provider: Option<String>,
    /// `Audience`: the token's audience (client id).
    pub audience: Option<String>,
    /// `SourceIdentity`.
    pub source_identity: Option<String>,
    /// `SessionTokenUtilization`.
    pub session_token_utilization: Option<u32>,
    /// `SessionTokenSize`.
    pub session_token_size: Option<u32>,
    /// `TrustedIdentityPropagationContext`.
    pub trusted_identity_propagation_context: Option<TrustedIdentityPropagationContext>,
    /// The request id.
    pub request_id: Option<String>,
}

/// What `AssumeRoot` returns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AssumeRootOutput {
    /// The temporary credentials.
    pub credentials: StsCredentials,
    /// `SourceIdentity`.
    pub source_identity: Option<String>,
    /// `SessionTokenUtilization`.
    pub session_token_utilization: Option<u32>,
    /// `SessionTokenSize`.
    pub session_token_size: Option<u32>,
    /// The request id.
    pub request_id: Option<String>,
}

/// `CredentialsOutput` for answers that hold `credentials`.
macro_rules! credentials_output {
    ($($t:ty),* $(,)?) => {$(
        impl CredentialsOutput for $t {
            fn credentials(&self) -> &StsCredentials {
                &self.credentials
            }
        }
    )*};
}
credentials_output!(
    AssumeRoleOutput,
    AssumeRoleWithSamlOutput,
    AssumeRoleWithWebIdentityOutput,
    AssumeRootOutput,
);
pub(super) use credentials_output;

/// The required `Credentials` element and its four required, non-empty fields.
pub(super) fn credentials(doc: &mut Doc) -> Result<StsCredentials, ParseError> {
    use secrecy::ExposeSecret;
    let end = doc.end();
    if !doc.saw(Container::Credentials) {
        return Err(perr(ParseErrorKind::Missing, Some("Credentials"), end));
    }
    let access_key_id = required(doc.text(Field::AccessKeyId), "AccessKeyId", end, |s| {
        s.is_empty()
    })?;
    let secret = required(
        doc.secret(Field::SecretAccessKey),
        "SecretAccessKey",
        end,
        |s| s.expose_secret().is_empty(),
    )?;
    let token = required(doc.secret(Field::SessionToken), "SessionToken", end, |s| {
        s.expose_secret().is_empty()
    })?;
    let stamp = required(doc.time(Field::Expiration), "Expiration", end, |e| e.empty)?;
    let expiration = stamp
        .time
        .ok_or_else(|| perr(ParseErrorKind::InvalidValue, Some("Expiration"), stamp.at))?;
    Ok(StsCredentials::new(
        access_key_id,
        secret,
        token,
        expiration,
    ))
}

fn assumed_role_user(doc: &mut Doc) -> Option<AssumedRoleUser> {
    doc.saw(Container::AssumedRoleUser)
        .then(|| AssumedRoleUser {
            arn: doc.text(Field::UserArn).unwrap_or_default(),
            assumed_role_id: doc.text(Field::AssumedRoleId).unwrap_or_default(),
        })
}

fn propagation(doc: &mut Doc) -> Option<TrustedIdentityPropagationContext> {
    if !doc.saw(Container::Propagation) {
        return None;
    }
    let origin_identity = doc.saw(Container::OriginIdentity).then(|| OriginIdentity {
        subject: doc.secret(Field::OriginSubject),
        subject_type: doc.secret(Field::OriginSubjectType),
        issuer: doc.secret(Field::OriginIssuer),
        federated_provider_arn: doc.opt(Field::FederatedProviderArn),
    });
    let identity_provider = doc
        .take_map()
        .into_iter()
        .map(|(k, v)| (k.unwrap_or_default(), v.unwrap_or_default()))
        .collect();
    Some(TrustedIdentityPropagationContext {
        origin_identity,
        identity_provider,
    })
}

/// Parses the answer to `AssumeRole`.
///
/// # Errors
/// [`AnswerError::Service`] for an STS error document, [`AnswerError::Status`] for any other
/// non-2xx, [`AnswerError::Parse`] for a 2xx that is not a complete, well-formed answer (the
/// `Credentials` element and its four fields are required).
pub fn parse_assume_role(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<AssumeRoleOutput, AnswerError> {
    let mut doc = success_doc(status, headers, body)?;
    Ok(AssumeRoleOutput {
        credentials: credentials(&mut doc)?,
        assumed_role_user: assumed_role_user(&mut doc),
        packed_policy_size: doc.count(Field::PackedPolicySize),
        source_identity: doc.opt(Field::SourceIdentity),
        session_token_utilization: doc.count(Field::SessionTokenUtilization),
        session_token_size: doc.count(Field::SessionTokenSize),
        request_id: request_id(doc.text(Field::RequestId), headers),
    })
}

/// Parses the answer to `AssumeRoleWithSAML`.
///
/// # Errors
/// As [`parse_assume_role`].
pub fn parse_assume_role_with_saml(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<AssumeRoleWithSamlOutput, AnswerError> {
    let mut doc = success_doc(status, headers, body)?;
    Ok(AssumeRoleWithSamlOutput {
        credentials: credentials(&mut doc)?,
        assumed_role_user: assumed_role_user(&mut doc),
        packed_policy_size: doc.count(Field::PackedPolicySize),
        subject: doc.opt(Field::Subject),
        subject_type: doc.opt(Field::SubjectType),
        issuer: doc.opt(Field::Issuer),
        audience: doc.opt(Field::Audience),
        name_qualifier: doc.opt(Field::NameQualifier),
        source_identity: doc.opt(Field::SourceIdentity),
        session_token_utilization: doc.count(Field::SessionTokenUtilization),
        session_token_size: doc.count(Field::SessionTokenSize),
        trusted_identity_propagation_context: propagation(&mut doc),
        request_id: request_id(doc.text(Field::RequestId), headers),
    })
}

/// Parses the answer to `AssumeRoleWithWebIdentity`.
///
/// # Errors
/// As [`parse_assume_role`].
pub fn parse_assume_role_with_web_identity(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<AssumeRoleWithWebIdentityOutput, AnswerError> {
    let mut doc = success_doc(status, headers, body)?;
    Ok(AssumeRoleWithWebIdentityOutput {
        credentials: credentials(&mut doc)?,
        subject_from_web_identity_token: doc.opt(Field::SubjectFromWebIdentityToken),
        assumed_role_user: assumed_role_user(&mut doc),
        packed_policy_size: doc.count(Field::PackedPolicySize),
        provider: doc.opt(Field::Provider),
        audience: doc.opt(Field::Audience),
        source_identity: doc.opt(Field::SourceIdentity),
        session_token_utilization: doc.count(Field::SessionTokenUtilization),
        session_token_size: doc.count(Field::SessionTokenSize),
        trusted_identity_propagation_context: propagation(&mut doc),
        request_id: request_id(doc.text(Field::RequestId), headers),
    })
}

/// Parses the answer to `AssumeRoot`.
///
/// # Errors
/// As [`parse_assume_role`].
pub fn parse_assume_root(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<AssumeRootOutput, AnswerError> {
    let mut doc = success_doc(status, headers, body)?;
    Ok(AssumeRootOutput {
        credentials: credentials(&mut doc)?,
        source_identity: doc.opt(Field::SourceIdentity),
        session_token_utilization: doc.count(Field::SessionTokenUtilization),
        session_token_size: doc.count(Field::SessionTokenSize),
        request_id: request_id(doc.text(Field::RequestId), headers),
    })
}
