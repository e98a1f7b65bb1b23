//! The container and instance metadata sources a runner uses: given, or built from the
//! environment once (so instance metadata keeps its session token between fetches).

use std::sync::{Arc, OnceLock};

use super::container::ContainerProvider;
use super::credentials_provider::{CredentialsError, ProvideCredentials, ProvideError, Provided};
use super::http_source::{SourceFailure, failed};
use super::imds::ImdsProvider;
use crate::error::InputError;

type Shared = Arc<dyn ProvideCredentials>;

/// The container and instance metadata providers.
#[derive(Default)]
pub(crate) struct Sources {
    pub(crate) container: Option<Shared>,
    pub(crate) imds: Option<Shared>,
    /// The selected profile's keys (`ec2_metadata_*`, `metadata_service_*`).
    pub(crate) profile: Option<crate::profile::Properties>,
    built_container: OnceLock<Result<Shared, InputError>>,
    built_imds: OnceLock<Result<Shared, InputError>>,
}

impl std::fmt::Debug for Sources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sources")
            .field("container_given", &self.container.is_some())
            .field("imds_given", &self.imds.is_some())
            .finish()
    }
}

impl Sources {
    /// The container provider.
    pub(crate) fn container(&self) -> Result<Shared, CredentialsError> {
        if let Some(p) = &self.container {
            return Ok(p.clone());
        }
        self.built_container
            .get_or_init(|| ContainerProvider::from_env().map(|p| Arc::new(p) as Shared))
            .clone()
            .map_err(CredentialsError::from)
    }

    /// The instance metadata provider.
    pub(crate) fn imds(&self) -> Result<Shared, CredentialsError> {
        if let Some(p) = &self.imds {
            return Ok(p.clone());
        }
        self.built_imds
            .get_or_init(|| {
                ImdsProvider::from_env(self.profile.as_ref()).map(|p| Arc::new(p) as Shared)
            })
            .clone()
            .map_err(CredentialsError::from)
    }

    /// `credential_source = EcsContainer | Ec2InstanceMetadata` of `profile`.
    pub(crate) async fn named(
        &self,
        profile: &str,
        source: &str,
    ) -> Result<Provided, CredentialsError> {
        let (provider, name, why) = if source == "EcsContainer" {
            (
                self.container()?,
                "container",
                "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor \
                 AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
            )
        } else {
            (
                self.imds()?,
                "instance metadata",
                "AWS_EC2_METADATA_DISABLED=true turns instance metadata off",
            )
        };
        match provider.provide_credentials().await {
            Ok(p) => Ok(p),
            Err(ProvideError::NotConfigured { .. }) => Err(failed(
                name,
                SourceFailure::Config(format!(
                    "profile {profile:?} has credential_source {source}, but {why}"
                )),
            )),
            Err(ProvideError::Failed(e)) => Err(e),
        }
    }
}
