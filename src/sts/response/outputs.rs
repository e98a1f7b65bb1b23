//! The typed answers of the operations, and their parsers.

use super::{perr, request_id, required, success_doc};
use crate::credentials::StsCredentials;
use crate::error::{Error, ParseErrorKind};

/// What `AssumeRole` (and the other credential-issuing calls) return.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AssumeRoleOutput {
    /// The temporary credentials.
    pub credentials: StsCredentials,
    /// The assumed-role (or federated) user, when the answer names one.
    pub assumed_role_user: Option<AssumedRoleUser>,
    /// `PackedPolicySize`, a percentage of the allowed size. `None` when the answer has
    /// none, and also when its value is not a whole number from 0 to 4294967295 (such
    /// as `-1`): an optional field that cannot be read does not throw away valid
    /// credentials.
    pub packed_policy_size: Option<u32>,
    /// `SourceIdentity`.
    pub source_identity: Option<String>,
    /// The request id, from the body or the `x-amzn-RequestId` header.
    pub request_id: Option<String>,
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

/// Parses the answer to `AssumeRole` (or to any call that returns `Credentials` in its
/// `...Result`: `GetSessionToken`, `GetFederationToken`,
/// `AssumeRoleWithWebIdentity`, ...).
///
/// # Errors
/// [`Error::Service`] for an STS error document, [`Error::Status`] for any other
/// non-2xx, [`Error::Parse`] for a 2xx that is not a complete, well-formed answer.
pub fn parse_assume_role(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<AssumeRoleOutput, Error> {
    use secrecy::ExposeSecret;
    let doc = success_doc(status, headers, body)?;
    let end = doc.end;
    if !doc.saw_credentials {
        return Err(perr(ParseErrorKind::Missing, Some("Credentials"), end).into());
    }
    let access_key_id = required(doc.access_key_id, "AccessKeyId", end, String::is_empty)?;
    let secret = required(doc.secret, "SecretAccessKey", end, |s| {
        s.expose_secret().is_empty()
    })?;
    let token = required(doc.token, "SessionToken", end, |s| {
        s.expose_secret().is_empty()
    })?;
    let stamp = required(doc.expiration, "Expiration", end, |e| e.empty)?;
    let expiration = stamp
        .time
        .ok_or_else(|| perr(ParseErrorKind::InvalidValue, Some("Expiration"), stamp.at))?;
    // Optional and informative: a value that is not a percentage (`-1`, or past u32)
    // is recorded as absent rather than throwing away valid credentials.
    let packed_policy_size = doc.packed.and_then(|(s, _)| s.parse::<u32>().ok());
    let assumed_role_user = doc.saw_user.then(|| AssumedRoleUser {
        arn: doc.arn.unwrap_or_default(),
        assumed_role_id: doc.assumed_role_id.unwrap_or_default(),
    });
    Ok(AssumeRoleOutput {
        credentials: StsCredentials::new(access_key_id, secret, token, expiration),
        assumed_role_user,
        packed_policy_size,
        source_identity: doc.source_identity.filter(|s| !s.is_empty()),
        request_id: request_id(doc.request_id, headers),
    })
}

/// Parses the answer to `GetCallerIdentity`.
///
/// # Errors
/// As [`parse_assume_role`]; `UserId`, `Account` and `Arn` are required.
pub fn parse_caller_identity(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<CallerIdentity, Error> {
    let doc = success_doc(status, headers, body)?;
    let end = doc.end;
    Ok(CallerIdentity {
        user_id: required(doc.user_id, "UserId", end, String::is_empty)?,
        account: required(doc.account, "Account", end, String::is_empty)?,
        arn: required(doc.caller_arn, "Arn", end, String::is_empty)?,
        request_id: request_id(doc.request_id, headers),
    })
}
