//! Where source credentials and settings come from. Today: the environment
//! ([`mod@env`]) and the small file reads it needs ([`os`]); the credential providers and
//! the profile chain come next (each a `ProvideCredentials`).

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
