//! The providers over an [`StsRunner`] as [`ProvideCredentials`]: a profile, web
//! identity from the environment, and the default chain assembled from them.

use std::sync::Arc;

use super::chain::{ChainProvider, EnvironmentProvider, StsRunner};
use super::credentials_provider::{
    CredentialsError, ProvideCredentials, ProvideError, ProvideFuture,
};
use crate::client::Clock;
use crate::profile::{ChainError, ProfileSet};
use crate::transport::Transport;

/// A profile's credentials as a [`ProvideCredentials`]: the plan is made afresh at each
/// fetch (so a rotated token file or a new process answer is picked up) and run with
/// the runner's STS client.
pub struct ProfileProvider<T, C> {
    runner: Arc<StsRunner<T, C>>,
    set: Arc<ProfileSet>,
    profile: String,
    /// In the default chain without an explicit profile: a profile with no
    /// credentials (or no files) is "not configured", so the chain goes on.
    optional: bool,
}

impl<T, C> std::fmt::Debug for ProfileProvider<T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileProvider")
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

impl<T, C> ProfileProvider<T, C> {
    /// The credentials of `profile` in `set`.
    pub fn new(
        runner: Arc<StsRunner<T, C>>,
        set: Arc<ProfileSet>,
        profile: impl Into<String>,
    ) -> Self {
        ProfileProvider {
            runner,
            set,
            profile: profile.into(),
            optional: false,
        }
    }
}

impl<T: Transport + 'static, C: Clock + 'static> ProvideCredentials for ProfileProvider<T, C> {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let not_configured = Err(ProvideError::NotConfigured {
                provider: "profile",
            });
            if self.set.profile(&self.profile).is_none() {
                return not_configured;
            }
            match self.runner.profile(&self.set, &self.profile).await {
                Err(CredentialsError::Chain(
                    ChainError::NoProfiles | ChainError::NoCredentials { .. },
                )) if self.optional => not_configured,
                other => Ok(other?),
            }
        })
    }
}

/// Web identity from the environment as a [`ProvideCredentials`] (see
/// [`StsRunner::web_identity_from_env`]).
pub struct WebIdentityEnvProvider<T, C> {
    runner: Arc<StsRunner<T, C>>,
}

impl<T, C> std::fmt::Debug for WebIdentityEnvProvider<T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebIdentityEnvProvider")
            .finish_non_exhaustive()
    }
}

impl<T, C> WebIdentityEnvProvider<T, C> {
    /// Web identity calls made with `runner`.
    pub fn new(runner: Arc<StsRunner<T, C>>) -> Self {
        WebIdentityEnvProvider { runner }
    }
}

impl<T: Transport + 'static, C: Clock + 'static> ProvideCredentials
    for WebIdentityEnvProvider<T, C>
{
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move { self.runner.web_identity_from_env().await })
    }
}

/// The container endpoint or instance metadata of a runner.
struct RunnerSource<T, C> {
    runner: Arc<StsRunner<T, C>>,
    imds: bool,
}

impl<T: Transport + 'static, C: Clock + 'static> ProvideCredentials for RunnerSource<T, C> {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let sources = self.runner.sources();
            let p = if self.imds {
                sources.imds()?
            } else {
                sources.container()?
            };
            p.provide_credentials().await
        })
    }
}

/// The default chain as one [`ProvideCredentials`]: without an explicit profile, the
/// environment, web identity from the environment, the profile (one with no
/// credentials is skipped), the container endpoint, then instance metadata; with an
/// explicit profile, that profile only. A named profile that does not exist fails at once.
pub fn default_chain_provider<T: Transport + 'static, C: Clock + 'static>(
    runner: Arc<StsRunner<T, C>>,
    set: Arc<ProfileSet>,
    profile: &str,
    explicit: bool,
) -> ChainProvider {
    let mut providers: Vec<Box<dyn ProvideCredentials>> = Vec::new();
    if !explicit {
        providers.push(Box::new(EnvironmentProvider));
        providers.push(Box::new(WebIdentityEnvProvider::new(runner.clone())));
    }
    let mut profile_provider = ProfileProvider::new(runner.clone(), set, profile);
    profile_provider.optional = !explicit;
    providers.push(Box::new(profile_provider));
    if !explicit {
        providers.push(Box::new(RunnerSource {
            runner: runner.clone(),
            imds: false,
        }));
        providers.push(Box::new(RunnerSource { runner, imds: true }));
    }
    ChainProvider::new(providers)
}
