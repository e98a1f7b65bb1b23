//! The AWS SDK for Rust, without depending on it by default (feature `aws-sdk`):
//! stskit's credentials convert into `aws_credential_types::Credentials` (expiry kept,
//! provider name `stskit`), and its providers and caches are
//! `aws_credential_types::provider::ProvideCredentials`, so an SDK client (S3,
//! DynamoDB, ...) signs with what stskit keeps fresh:
//!
//! ```no_run
//! # async fn demo(cache: stskit::cache::CredentialsCache) {
//! // let config = aws_config::defaults(BehaviorVersion::latest())
//! //     .credentials_provider(cache)   // a CredentialsCache, a Chain, ...
//! //     .load().await;
//! # let _: &dyn aws_credential_types::provider::ProvideCredentials = &cache;
//! # }
//! ```
//!
//! Any other [`crate::provider::ProvideCredentials`] fits through [`SdkProvider`].

use std::time::SystemTime;

use aws_credential_types::provider::{self as sdk, error::CredentialsError as SdkError};
use secrecy::ExposeSecret;

use crate::cache::CredentialsCache;
use crate::credentials::{Credentials, StsCredentials};
use crate::provider::error::ProvideError;
use crate::provider::{Chain, EnvironmentProvider, ProvideCredentials, Provided};

/// The provider name the SDK sees.
pub const PROVIDER_NAME: &str = "stskit";

fn system_time(t: time::OffsetDateTime) -> SystemTime {
    let nanos = t.unix_timestamp_nanos();
    match u64::try_from(nanos) {
        Ok(n) => SystemTime::UNIX_EPOCH + std::time::Duration::from_nanos(n),
        Err(_) => SystemTime::UNIX_EPOCH,
    }
}

impl StsCredentials {
    /// These credentials for an AWS SDK client (expiry kept).
    pub fn to_aws_credentials(&self) -> aws_credential_types::Credentials {
        aws_credential_types::Credentials::new(
            self.access_key_id(),
            self.secret_access_key().expose_secret(),
            Some(self.session_token().expose_secret().to_owned()),
            Some(system_time(self.expiration())),
            PROVIDER_NAME,
        )
    }
}

impl From<&StsCredentials> for aws_credential_types::Credentials {
    fn from(c: &StsCredentials) -> Self {
        c.to_aws_credentials()
    }
}

impl From<StsCredentials> for aws_credential_types::Credentials {
    fn from(c: StsCredentials) -> Self {
        c.to_aws_credentials()
    }
}

impl From<&Credentials> for aws_credential_types::Credentials {
    fn from(c: &Credentials) -> Self {
        aws_credential_types::Credentials::new(
            c.access_key_id(),
            c.secret_access_key().expose_secret(),
            c.session_token().map(|t| t.expose_secret().to_owned()),
            None,
            PROVIDER_NAME,
        )
    }
}

impl From<&Provided> for aws_credential_types::Credentials {
    fn from(p: &Provided) -> Self {
        let c = &p.credentials;
        let mut b = aws_credential_types::Credentials::builder()
            .access_key_id(c.access_key_id())
            .secret_access_key(c.secret_access_key().expose_secret())
            .provider_name(PROVIDER_NAME);
        b.set_session_token(c.session_token().map(|t| t.expose_secret().to_owned()));
        b.set_expiry(p.expiration.map(system_time));
        // The account, when the source said (account-based endpoints use it).
        b.set_account_id(p.account_id.clone().map(Into::into));
        b.build()
    }
}

fn to_sdk_error(e: ProvideError) -> SdkError {
    match e {
        ProvideError::NotConfigured { .. } => SdkError::not_loaded(e),
        ProvideError::Failed(_) => SdkError::provider_error(e),
    }
}

/// Any stskit [`ProvideCredentials`] as an SDK credentials provider.
#[derive(Debug)]
pub struct SdkProvider<P>(pub P);

impl<P: ProvideCredentials + std::fmt::Debug> sdk::ProvideCredentials for SdkProvider<P> {
    fn provide_credentials<'a>(&'a self) -> sdk::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        sdk::future::ProvideCredentials::new(async move {
            self.0
                .provide_credentials()
                .await
                .map(|p| (&p).into())
                .map_err(to_sdk_error)
        })
    }
}

impl sdk::ProvideCredentials for CredentialsCache {
    fn provide_credentials<'a>(&'a self) -> sdk::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        if let Some(p) = self.valid_credentials() {
            return sdk::future::ProvideCredentials::ready(Ok((&*p).into()));
        }
        sdk::future::ProvideCredentials::new(async move {
            ProvideCredentials::provide_credentials(self)
                .await
                .map(|p| (&p).into())
                .map_err(to_sdk_error)
        })
    }
}

/// The SDK trait for stskit's own providers, each through its stskit implementation.
macro_rules! sdk_provider {
    ($(impl$(<$($g:ident),*>)? for $t:ty;)*) => {$(
        impl$(<$($g),*>)? sdk::ProvideCredentials for $t
        where
            $t: ProvideCredentials + std::fmt::Debug,
        {
            fn provide_credentials<'a>(&'a self) -> sdk::future::ProvideCredentials<'a>
            where
                Self: 'a,
            {
                sdk::future::ProvideCredentials::new(async move {
                    ProvideCredentials::provide_credentials(self)
                        .await
                        .map(|p| (&p).into())
                        .map_err(to_sdk_error)
                })
            }
        }
    )*};
}

sdk_provider! {
    impl for EnvironmentProvider;
    impl<T, C> for Chain<T, C>;
    impl<T, C> for crate::provider::ImdsProvider<T, C>;
    impl<T, C> for crate::provider::ContainerProvider<T, C>;
    impl<T, C> for crate::provider::SsoProvider<T, C>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_keep_the_expiry_and_name_the_provider() {
        let exp = time::OffsetDateTime::from_unix_timestamp(1_900_000_000).unwrap();
        let sts = StsCredentials::new("ASIAX", "s".into(), "t".into(), exp);
        let sdk = sts.to_aws_credentials();
        assert_eq!(sdk.access_key_id(), "ASIAX");
        assert_eq!(sdk.secret_access_key(), "s");
        assert_eq!(sdk.session_token(), Some("t"));
        assert_eq!(
            sdk.expiry(),
            Some(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_900_000_000))
        );
        let long_term: aws_credential_types::Credentials =
            (&Credentials::new("AKIAX", "s", None)).into();
        assert_eq!(
            (long_term.expiry(), long_term.session_token()),
            (None, None)
        );
        assert!(!format!("{sdk:?}").contains("\"s\""));
        let with_account: aws_credential_types::Credentials = (&Provided::new(
            Credentials::new("ASIAX", "s", Some("t".into())),
            Some(exp),
            "test",
        )
        .with_account_id(Some("123456789012")))
            .into();
        assert_eq!(
            with_account.account_id().map(|a| a.as_str()),
            Some("123456789012")
        );
        assert_eq!(with_account.session_token(), Some("t"));
    }

    #[tokio::test]
    async fn a_cache_is_an_sdk_provider() {
        let cache = CredentialsCache::new(FixedProvider);
        let got = sdk::ProvideCredentials::provide_credentials(&cache)
            .await
            .unwrap();
        assert_eq!(got.access_key_id(), "ASIAFIXED");
        assert!(got.expiry().is_some());
        let wrapped = SdkProvider(FixedProvider);
        let got = sdk::ProvideCredentials::provide_credentials(&wrapped)
            .await
            .unwrap();
        assert_eq!(got.session_token(), Some("token"));
        let empty = SdkProvider(NothingProvider);
        let e = sdk::ProvideCredentials::provide_credentials(&empty)
            .await
            .unwrap_err();
        assert!(matches!(e, SdkError::CredentialsNotLoaded(_)), "{e:?}");
    }

    #[derive(Debug)]
    struct NothingProvider;

    impl ProvideCredentials for NothingProvider {
        fn provide_credentials(&self) -> crate::provider::ProvideFuture<'_> {
            Box::pin(async {
                Err(ProvideError::NotConfigured {
                    provider: "nothing",
                })
            })
        }
    }

    #[derive(Debug)]
    struct FixedProvider;

    impl ProvideCredentials for FixedProvider {
        fn provide_credentials(&self) -> crate::provider::ProvideFuture<'_> {
            Box::pin(async {
                Ok(Provided::new(
                    Credentials::new("ASIAFIXED", "secret", Some("token".into())),
                    Some(time::OffsetDateTime::now_utc() + time::Duration::hours(1)),
                    "fixed",
                ))
            })
        }
    }
}
