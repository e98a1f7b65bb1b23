//! Which elements of an STS document the parser reads: the containers, the fields in
//! each, and which fields hold secrets. One table for every operation's answer; each
//! typed output takes the fields it defines and ignores the rest.

use super::{Doc, perr};
use crate::sts::response::failures::{ParseError, ParseErrorKind};

/// A leaf element the parser keeps.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Field {
    AccessKeyId,
    SecretAccessKey,
    SessionToken,
    Expiration,
    UserArn,
    AssumedRoleId,
    FederatedUserArn,
    FederatedUserId,
    PackedPolicySize,
    SourceIdentity,
    SessionTokenUtilization,
    SessionTokenSize,
    Subject,
    SubjectType,
    Issuer,
    Audience,
    NameQualifier,
    SubjectFromWebIdentityToken,
    Provider,
    UserId,
    Account,
    Arn,
    DecodedMessage,
    AssumedPrincipal,
    ScopedPoliciesCount,
    WebIdentityToken,
    TokenExpiration,
    ScopedSessionId,
    SessionArn,
    OriginSubject,
    OriginSubjectType,
    OriginIssuer,
    FederatedProviderArn,
    MapKey,
    MapValue,
    RequestId,
    ErrType,
    ErrCode,
    ErrMessage,
}

/// The number of [`Field`]s (the slots of a [`Doc`]).
pub(super) const FIELD_COUNT: usize = Field::ErrMessage as usize + 1;

/// How a field's text is kept.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    Text,
    /// Kept as a secret and wiped after use: never in any output of the parser.
    Secret,
    /// An ISO 8601 timestamp, parsed where it is read.
    Time,
}

impl Field {
    /// The element's local name, for errors.
    pub(super) fn name(self) -> &'static str {
        use Field::*;
        match self {
            AccessKeyId => "AccessKeyId",
            SecretAccessKey => "SecretAccessKey",
            SessionToken => "SessionToken",
            Expiration | TokenExpiration => "Expiration",
            UserArn | FederatedUserArn | Arn | SessionArn => "Arn",
            AssumedRoleId => "AssumedRoleId",
            FederatedUserId => "FederatedUserId",
            PackedPolicySize => "PackedPolicySize",
            SourceIdentity => "SourceIdentity",
            SessionTokenUtilization => "SessionTokenUtilization",
            SessionTokenSize => "SessionTokenSize",
            Subject | OriginSubject => "Subject",
            SubjectType | OriginSubjectType => "SubjectType",
            Issuer | OriginIssuer => "Issuer",
            Audience => "Audience",
            NameQualifier => "NameQualifier",
            SubjectFromWebIdentityToken => "SubjectFromWebIdentityToken",
            Provider => "Provider",
            UserId => "UserId",
            Account => "Account",
            DecodedMessage => "DecodedMessage",
            AssumedPrincipal => "AssumedPrincipal",
            ScopedPoliciesCount => "ScopedPoliciesCount",
            WebIdentityToken => "WebIdentityToken",
            ScopedSessionId => "ScopedSessionId",
            FederatedProviderArn => "FederatedProviderArn",
            MapKey => "key",
            MapValue => "value",
            RequestId => "RequestId",
            ErrType => "Type",
            ErrCode => "Code",
            ErrMessage => "Message",
        }
    }

    pub(super) fn kind(self) -> Kind {
        use Field::*;
        match self {
            SecretAccessKey | SessionToken | WebIdentityToken | OriginSubject
            | OriginSubjectType | OriginIssuer => Kind::Secret,
            Expiration | TokenExpiration => Kind::Time,
            _ => Kind::Text,
        }
    }
}

/// A container element: each may appear once where it stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub(super) enum Container {
    Result,
    Credentials,
    AssumedRoleUser,
    FederatedUser,
    SessionInfo,
    Propagation,
    OriginIdentity,
    TransactionContext,
    IdentityProvider,
}

impl Container {
    fn name(self) -> &'static str {
        match self {
            Container::Result => "Result",
            Container::Credentials => "Credentials",
            Container::AssumedRoleUser => "AssumedRoleUser",
            Container::FederatedUser => "FederatedUser",
            Container::SessionInfo => "SessionInfo",
            Container::Propagation => "TrustedIdentityPropagationContext",
            Container::OriginIdentity => "OriginIdentity",
            Container::TransactionContext => "TransactionContext",
            Container::IdentityProvider => "IdentityProvider",
        }
    }
}

/// What an open element is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Node {
    SuccessRoot,
    ErrorRoot,
    In(Container),
    MapEntry,
    Metadata,
    ErrorElem,
    Errors,
    Field(Field),
    Other,
}

fn once(doc: &mut Doc, c: Container, at: usize) -> Result<Node, ParseError> {
    let bit = 1u16 << (c as u8);
    if doc.seen & bit != 0 {
        return Err(perr(ParseErrorKind::Duplicate, Some(c.name()), at));
    }
    doc.seen |= bit;
    Ok(Node::In(c))
}

/// The node of an element named `name` opened inside `parent` (`None` at the root).
pub(super) fn child(
    parent: Option<Node>,
    name: &[u8],
    doc: &mut Doc,
    at: usize,
) -> Result<Node, ParseError> {
    use Container as C;
    use Field as F;
    Ok(match parent {
        None => match name {
            b"ErrorResponse" | b"Response" => {
                doc.is_error = true;
                Node::ErrorRoot
            }
            b"Error" => {
                doc.is_error = true;
                doc.saw_error_elem = true;
                Node::ErrorElem
            }
            n if n.ends_with(b"Response") => Node::SuccessRoot,
            _ => return Err(perr(ParseErrorKind::UnexpectedRoot, None, at)),
        },
        Some(Node::SuccessRoot) => match name {
            n if n.ends_with(b"Result") => once(doc, C::Result, at)?,
            b"ResponseMetadata" => Node::Metadata,
            _ => Node::Other,
        },
        Some(Node::In(C::Result)) => match name {
            b"Credentials" => once(doc, C::Credentials, at)?,
            b"AssumedRoleUser" => once(doc, C::AssumedRoleUser, at)?,
            b"FederatedUser" => once(doc, C::FederatedUser, at)?,
            b"SessionInfo" => once(doc, C::SessionInfo, at)?,
            b"TrustedIdentityPropagationContext" => once(doc, C::Propagation, at)?,
            b"PackedPolicySize" => Node::Field(F::PackedPolicySize),
            b"SourceIdentity" => Node::Field(F::SourceIdentity),
            b"SessionTokenUtilization" => Node::Field(F::SessionTokenUtilization),
            b"SessionTokenSize" => Node::Field(F::SessionTokenSize),
            b"Subject" => Node::Field(F::Subject),
            b"SubjectType" => Node::Field(F::SubjectType),
            b"Issuer" => Node::Field(F::Issuer),
            b"Audience" => Node::Field(F::Audience),
            b"NameQualifier" => Node::Field(F::NameQualifier),
            b"SubjectFromWebIdentityToken" => Node::Field(F::SubjectFromWebIdentityToken),
            b"Provider" => Node::Field(F::Provider),
            b"UserId" => Node::Field(F::UserId),
            b"Account" => Node::Field(F::Account),
            b"Arn" => Node::Field(F::Arn),
            b"DecodedMessage" => Node::Field(F::DecodedMessage),
            b"AssumedPrincipal" => Node::Field(F::AssumedPrincipal),
            b"ScopedPoliciesCount" => Node::Field(F::ScopedPoliciesCount),
            b"WebIdentityToken" => Node::Field(F::WebIdentityToken),
            b"Expiration" => Node::Field(F::TokenExpiration),
            _ => Node::Other,
        },
        Some(Node::In(C::Credentials)) => match name {
            b"AccessKeyId" => Node::Field(F::AccessKeyId),
            b"SecretAccessKey" => Node::Field(F::SecretAccessKey),
            b"SessionToken" => Node::Field(F::SessionToken),
            b"Expiration" => Node::Field(F::Expiration),
            _ => Node::Other,
        },
        Some(Node::In(C::AssumedRoleUser)) => match name {
            b"Arn" => Node::Field(F::UserArn),
            b"AssumedRoleId" => Node::Field(F::AssumedRoleId),
            _ => Node::Other,
        },
        Some(Node::In(C::FederatedUser)) => match name {
            b"Arn" => Node::Field(F::FederatedUserArn),
            b"FederatedUserId" => Node::Field(F::FederatedUserId),
            _ => Node::Other,
        },
        Some(Node::In(C::SessionInfo)) => match name {
            b"ScopedSessionId" => Node::Field(F::ScopedSessionId),
            b"Arn" => Node::Field(F::SessionArn),
            _ => Node::Other,
        },
        Some(Node::In(C::Propagation)) => match name {
            b"OriginIdentity" => once(doc, C::OriginIdentity, at)?,
            b"TransactionContext" => once(doc, C::TransactionContext, at)?,
            _ => Node::Other,
        },
        Some(Node::In(C::OriginIdentity)) => match name {
            b"Subject" => Node::Field(F::OriginSubject),
            b"SubjectType" => Node::Field(F::OriginSubjectType),
            b"Issuer" => Node::Field(F::OriginIssuer),
            b"FederatedProviderArn" => Node::Field(F::FederatedProviderArn),
            _ => Node::Other,
        },
        Some(Node::In(C::TransactionContext)) => match name {
            b"IdentityProvider" => once(doc, C::IdentityProvider, at)?,
            _ => Node::Other,
        },
        Some(Node::In(C::IdentityProvider)) => match name {
            b"entry" => {
                if doc.map.len() >= MAX_MAP_ENTRIES {
                    return Err(perr(ParseErrorKind::TooMany, Some("IdentityProvider"), at));
                }
                doc.map.push((None, None));
                Node::MapEntry
            }
            _ => Node::Other,
        },
        Some(Node::MapEntry) => match name {
            b"key" => Node::Field(F::MapKey),
            b"value" => Node::Field(F::MapValue),
            _ => Node::Other,
        },
        Some(Node::Metadata) => match name {
            b"RequestId" => Node::Field(F::RequestId),
            _ => Node::Other,
        },
        Some(Node::ErrorRoot) => match name {
            b"Error" if !doc.saw_error_elem => {
                doc.saw_error_elem = true;
                Node::ErrorElem
            }
            b"Errors" => Node::Errors,
            b"RequestId" | b"RequestID" => Node::Field(F::RequestId),
            _ => Node::Other,
        },
        Some(Node::Errors) => match name {
            b"Error" if !doc.saw_error_elem => {
                doc.saw_error_elem = true;
                Node::ErrorElem
            }
            _ => Node::Other,
        },
        Some(Node::ErrorElem) => match name {
            b"Type" => Node::Field(F::ErrType),
            b"Code" => Node::Field(F::ErrCode),
            b"Message" => Node::Field(F::ErrMessage),
            b"RequestId" | b"RequestID" => Node::Field(F::RequestId),
            _ => Node::Other,
        },
        Some(Node::Field(_)) | Some(Node::Other) => Node::Other,
    })
}

/// The most entries a map in an answer may hold.
pub(super) const MAX_MAP_ENTRIES: usize = 64;
