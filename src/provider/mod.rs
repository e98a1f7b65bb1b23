//! Where credentials come from. Each source is a [`ProvideCredentials`]: the
//! environment ([`EnvironmentProvider`]), the container endpoint
//! ([`ContainerProvider`]), EC2 instance metadata ([`ImdsProvider`]), IAM Identity
//! Center ([`SsoProvider`]); and the whole chain in the AWS CLI's order, profiles with
//! their roles, `credential_process` and web identity included, is one value,
//! [`Chain`], which [`crate::Config`] makes. Only [`Os`] reads the environment and
//! files, so every source runs on a stand-in in tests ([`Os::fake`]).
//!
//! Instance metadata kept fresh by a cache (on EC2, `ImdsProvider::from_env(&Os::real(),
//! None)`; here a loopback double stands in for the instance):
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
//! let imds = ImdsProvider::new(settings, ReqwestTransport::default(), SystemClock);
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

pub(crate) mod cache_key;
mod chain;
mod container;
mod env;
pub(crate) mod error;
mod http_source;
mod imds;
mod os;
mod process;
mod provide;
mod runner;
mod session_token;
pub(crate) mod settings;
mod sso;
mod web_identity;

pub use chain::{Call, Chain, Step};
pub use container::ContainerProvider;
pub use env::EnvironmentProvider;
pub use imds::{ImdsProvider, ImdsSettings};
pub use os::Os;
pub use provide::{LastCall, ProvideCredentials, ProvideFuture, Provided, Session};
pub use runner::MfaCallback;
pub use session_token::SessionTokenProvider;
pub use settings::ProfileChoice;
pub use sso::{SsoProvider, SsoSettings};

pub(crate) use http_source::metadata_limits;
pub(crate) use runner::{
    AttemptObserver, Connect, Purpose, Runner, RunnerSettings, SigningObserver,
};
#[cfg(feature = "cli")]
pub(crate) use web_identity::{
    MAX_SAML_ASSERTION_FILE, MAX_WEB_IDENTITY_TOKEN_FILE, read_secret_flag_file,
};
