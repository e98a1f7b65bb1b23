//! Where source credentials and settings come from, each source a
//! [`ProvideCredentials`]: the environment ([`mod@env`]), web identity, the profile chain
//! ([`ProfileProvider`]: static keys, roles, `credential_process`, IAM Identity Center),
//! the container endpoint ([`ContainerProvider`]), EC2 instance metadata
//! ([`ImdsProvider`]), and the default chain in the AWS order ([`default_chain`],
//! [`default_chain_provider`]). Only [`os`] reads the environment and files.
//!
//! Instance metadata kept fresh by a cache (on EC2, `ImdsProvider::from_env(None)`;
//! here a loopback double stands in for the instance):
//!
//! ```
//! # #[cfg(feature = "test-util")]
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use stskit::cache::CredentialsCache;
//! use stskit::client::SystemClock;
//! use stskit::provider::{ContainerProvider, ImdsProvider, ImdsSettings, ProvideCredentials};
//! use stskit::transport::ReqwestTransport;
//!
//! let double = stskit::test_util::MetadataDouble::start().await?;
//! let settings = ImdsSettings::default().with_endpoint(&double.url())?;
//! let imds = ImdsProvider::new(settings.clone(), settings.transport()?, SystemClock);
//! let cache = CredentialsCache::new(imds);
//! let provided = cache.provide_credentials().await?;
//! assert_eq!(provided.credentials.access_key_id(), double.credentials().0);
//!
//! // The container endpoint (ECS, EKS Pod Identity): normally from
//! // AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE.
//! let container = ContainerProvider::new(ReqwestTransport::default(), SystemClock)
//!     .with_uri(&double.container_url(), None)?;
//! let provided = container.provide_credentials().await?;
//! assert!(provided.expiration.is_some());
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

pub mod chain;
pub mod container;
pub mod credentials_provider;
mod default_chain;
pub mod env;
pub mod files;
pub mod http_source;
pub mod imds;
mod imds_settings;
pub mod os;
pub mod process;
pub mod runner_providers;
pub mod secret_file;
mod sources;
pub mod sso;
pub mod sso_token;

pub use chain::{
    ChainProvider, EnvironmentProvider, MfaCallback, StsRunner, environment_credentials,
};
pub use container::{ContainerProvider, container_configured};
pub use credentials_provider::{
    CredentialsError, LastCall, ProvideCredentials, ProvideError, ProvideFuture, Provided, Session,
};
pub use default_chain::{default_chain, default_chain_session, default_chain_without_calls};
pub use env::{
    credentials_from_env, endpoint_from_env, endpoint_params_from_env, transport_config_from_env,
};
pub use files::{endpoint_params_for_profile, load_profiles, selected_profile};
pub use http_source::SourceFailure;
pub use imds::{ImdsProvider, ImdsSettings};
pub use os::{env_var, read_regular_file};
pub use runner_providers::{ProfileProvider, WebIdentityEnvProvider, default_chain_provider};
pub use secret_file::{read_secret_file, read_web_identity_token};
pub use sso::{SsoProvider, SsoSettings};
