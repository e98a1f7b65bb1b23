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
        }
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
