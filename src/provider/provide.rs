//! The [`ProvideCredentials`] trait, and what a provider gives.

use std::future::Future;
use std::pin::Pin;

use time::OffsetDateTime;

use super::error::ProvideError;
use crate::credentials::Credentials;

/// Credentials a provider found, and when they expire (`None`: long-term keys).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Provided {
    /// The credentials.
    pub credentials: Credentials,
    /// When they expire.
    pub expiration: Option<OffsetDateTime>,
    /// Which provider gave them (`environment`, `profile`, ...).
    pub source: &'static str,
    /// The AWS account they belong to, when the source said (an assumed role's ARN, a
    /// container endpoint's or `credential_process`'s `AccountId`, an IAM Identity
    /// Center profile's `sso_account_id`): twelve digits.
    pub account_id: Option<String>,
}

/// Its credentials wipe their secrets when dropped.
impl zeroize::ZeroizeOnDrop for Provided {}

impl Provided {
    /// The expiration in RFC 3339 form for display, when there is one.
    pub fn expiration_rfc3339(&self) -> Option<crate::date::Rfc3339> {
        self.expiration.map(crate::date::Rfc3339)
    }

    /// Credentials from `source`.
    pub fn new(
        credentials: Credentials,
        expiration: Option<OffsetDateTime>,
        source: &'static str,
    ) -> Self {
        Provided {
            credentials,
            expiration,
            source,
            account_id: None,
        }
    }

    /// STS's credentials from `source`, with the account of the assumed role's ARN
    /// (`role_arn`) when STS gave one: every source that calls STS builds its answer
    /// here.
    pub(crate) fn from_sts(
        c: &crate::credentials::StsCredentials,
        role_arn: Option<&str>,
        source: &'static str,
    ) -> Self {
        Provided::new(c.to_credentials(), Some(c.expiration()), source)
            .with_account_id(role_arn.and_then(Provided::account_of_arn))
    }

    /// The same credentials with the account they belong to, when `account` is one
    /// (twelve ASCII digits; anything else is left out).
    pub fn with_account_id(mut self, account: Option<&str>) -> Self {
        self.account_id = account
            .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_owned);
        self
    }

    /// The account of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:...`).
    pub(crate) fn account_of_arn(arn: &str) -> Option<&str> {
        let mut parts = arn.splitn(6, ':');
        (parts.next() == Some("arn")).then_some(())?;
        parts.nth(3)
    }
}

/// What a run of the chain gave, with the answer of its last STS call.
#[derive(Debug)]
#[non_exhaustive]
pub struct Session {
    /// The credentials.
    pub provided: Provided,
    /// The last STS call's answer (`None` when the credentials needed no call).
    pub last_call: Option<LastCall>,
}

/// The answer of the STS call that gave a run's credentials.
#[derive(Debug)]
#[non_exhaustive]
pub enum LastCall {
    /// The last role of a profile chain.
    AssumeRole(Box<crate::sts::response::AssumeRoleOutput>),
    /// Web identity (from a profile or the environment).
    WebIdentity(Box<crate::sts::response::AssumeRoleWithWebIdentityOutput>),
}

/// What [`ProvideCredentials::provide_credentials`] returns.
pub type ProvideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Provided, ProvideError>> + Send + 'a>>;

/// A source of credentials. The chain is itself one ([`super::Chain`]).
pub trait ProvideCredentials: Send + Sync {
    /// Fetches credentials (each call fetches afresh: caching is the caller's).
    fn provide_credentials(&self) -> ProvideFuture<'_>;
}

/// A boxed provider is one (a chain of providers chosen at run time).
impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Box<P> {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        (**self).provide_credentials()
    }
}

/// A shared provider is one.
impl<P: ProvideCredentials + ?Sized> ProvideCredentials for std::sync::Arc<P> {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        (**self).provide_credentials()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_twelve_digits_from_an_arn_or_a_source() {
        assert_eq!(
            Provided::account_of_arn("arn:aws:sts::123456789012:assumed-role/r/s"),
            Some("123456789012")
        );
        assert_eq!(
            Provided::account_of_arn("arn:aws-cn:iam::210987654321:role/x"),
            Some("210987654321")
        );
        assert_eq!(Provided::account_of_arn("not-an-arn:a:b:c:d"), None);
        assert_eq!(Provided::account_of_arn("arn:aws:sts"), None);
        let p = || {
            Provided::new(
                Credentials::new("ASIA", "s", Some("t".into())),
                None,
                "test",
            )
        };
        assert_eq!(
            p().with_account_id(Some("123456789012"))
                .account_id
                .as_deref(),
            Some("123456789012")
        );
        for bad in [
            "",
            "12345678901",
            "1234567890123",
            "12345678901x",
            "１２３４５６７８９０１２",
        ] {
            assert_eq!(p().with_account_id(Some(bad)).account_id, None, "{bad}");
        }
        assert_eq!(p().with_account_id(None).account_id, None);
    }
}
