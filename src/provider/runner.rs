//! The run step of the chain: it carries out the call the chain decided on (a
//! profile's plan: its base credentials, then each role in turn; web identity from the
//! environment; the container endpoint; instance metadata) with one transport maker,
//! one clock and the environment and files of one [`Os`].
//!
//! The STS client, the container and instance metadata providers are made on first
//! use and kept (instance metadata keeps its session token between fetches). Nothing
//! is made, and no setting needed only for a call is checked, until a call needs it:
//! keys in the environment resolve with no region and no transport.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::container::ContainerProvider;
use super::env::environment_credentials;
use super::error::{CredentialsError, ProvideError, SourceFailure};
use super::http_source::failed;
use super::imds::{ImdsProvider, ImdsSettings};
use super::os::Os;
use super::process::{process_depth, run_credential_process};
use super::provide::{LastCall, ProvideCredentials, Provided, Session};
use super::sso::{SsoProvider, SsoSettings};
use super::web_identity::read_web_identity_token;
use crate::client::error::CallError;
use crate::client::{ClientConfig, Clock, StsClient};
use crate::credentials::Credentials;
use crate::profile::{BaseCredentials, Plan, ProfileSet, Properties, RoleHop};
use crate::sigv4::SigningOutput;
use crate::sts::input::InputError;
use crate::sts::response::{AssumeRoleOutput, AssumeRoleWithWebIdentityOutput};
use crate::sts::{AssumeRole, AssumeRoleWithWebIdentity, Endpoint, EndpointParams};
use crate::transport::{Shared, Transport};

/// Gives the MFA code for a serial number, or `None` when there is none.
pub type MfaCallback = Arc<dyn Fn(&str) -> Option<SecretString> + Send + Sync>;

/// Sees each signing's canonical request and string to sign (redacted), for `--debug`
/// style tracing.
pub(crate) type SigningObserver = Arc<dyn Fn(&SigningOutput) + Send + Sync>;

/// Sees what each attempt of an STS call came to.
pub(crate) type AttemptObserver = Arc<dyn Fn(&crate::client::AttemptReport) + Send + Sync>;

/// What a transport is for: STS (and IAM Identity Center), or a metadata source with
/// its own per-attempt timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// STS and IAM Identity Center: the settings' CA bundle and proxies.
    Sts,
    /// Instance metadata or the container endpoint: this timeout to connect and per
    /// attempt, a 64 KiB body, never a proxy.
    Metadata(Duration),
}

/// Makes the transport for a purpose from the environment and files (and the
/// selected profile's keys): a new reqwest transport for each purpose, or the one
/// transport a test gave.
pub(crate) type Connect<T> =
    Arc<dyn Fn(&Os, Option<&Properties>, Purpose) -> Result<Arc<T>, InputError> + Send + Sync>;

/// The settings a runner is made from.
pub(crate) struct RunnerSettings<T> {
    pub(crate) os: Os,
    pub(crate) connect: Connect<T>,
    pub(crate) endpoint: EndpointParams,
    pub(crate) client_config: ClientConfig,
    pub(crate) observer: Option<SigningObserver>,
    pub(crate) attempts: Option<AttemptObserver>,
    pub(crate) mfa: Option<MfaCallback>,
    /// The selected profile's keys (instance metadata settings, `ca_bundle`).
    pub(crate) profile: Option<Properties>,
}

/// Carries out calls: STS (profile roles, web identity), `credential_process`, IAM
/// Identity Center, the container endpoint and instance metadata.
pub(crate) struct Runner<T, C> {
    settings: RunnerSettings<T>,
    clock: C,
    /// `stskit-<unix seconds>`, fixed when the runner is made: the session name of a
    /// role without `role_session_name`.
    session_name: String,
    sts_transport: OnceLock<Shared<T>>,
    sts: OnceLock<StsClient<Shared<T>, C>>,
    container: OnceLock<ContainerProvider<Shared<T>, C>>,
    imds: OnceLock<ImdsProvider<Shared<T>, C>>,
}

impl<T, C> std::fmt::Debug for Runner<T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner")
            .field("os", &self.settings.os)
            .field("endpoint", &self.settings.endpoint)
            .field("session_name", &self.session_name)
            .field("mfa", &self.settings.mfa.is_some())
            .finish_non_exhaustive()
    }
}

impl<T: Transport + 'static, C: Clock + Clone + 'static> Runner<T, C> {
    /// A runner with these settings, reading `clock`.
    pub(crate) fn new(settings: RunnerSettings<T>, clock: C) -> Self {
        let now = clock.now();
        Runner {
            settings,
            session_name: format!("stskit-{}", now.unix_timestamp().max(0)),
            clock,
            sts_transport: OnceLock::new(),
            sts: OnceLock::new(),
            container: OnceLock::new(),
            imds: OnceLock::new(),
        }
    }

    /// The environment and files.
    pub(crate) fn os(&self) -> &Os {
        &self.settings.os
    }

    /// The transport for STS and IAM Identity Center, made on first use.
    fn sts_transport(&self) -> Result<Shared<T>, InputError> {
        if let Some(t) = self.sts_transport.get() {
            return Ok(t.clone());
        }
        let s = &self.settings;
        let made = Shared((s.connect)(&s.os, s.profile.as_ref(), Purpose::Sts)?);
        Ok(self.sts_transport.get_or_init(|| made).clone())
    }

    /// The STS client, made on first use: the endpoint the settings resolve to (an
    /// error while they give none, such as no region), the transport, the clock.
    pub(crate) fn sts(&self) -> Result<&StsClient<Shared<T>, C>, CallError> {
        if let Some(c) = self.sts.get() {
            return Ok(c);
        }
        let endpoint = Endpoint::from_params(&self.settings.endpoint)?;
        let mut client =
            StsClient::with_transport(endpoint, self.sts_transport()?, self.clock.clone())
                .with_config(self.settings.client_config.clone());
        if let Some(observe) = &self.settings.observer {
            let observe = observe.clone();
            client = client.with_signing_observer(move |out| observe(out));
        }
        if let Some(observe) = &self.settings.attempts {
            let observe = observe.clone();
            client = client.with_attempt_observer(move |report| observe(report));
        }
        Ok(self.sts.get_or_init(|| client))
    }

    /// The container endpoint provider, made on first use.
    fn container(&self) -> Result<&ContainerProvider<Shared<T>, C>, CredentialsError> {
        if let Some(p) = self.container.get() {
            return Ok(p);
        }
        let s = &self.settings;
        let purpose = Purpose::Metadata(Duration::from_secs(2));
        let transport = Shared((s.connect)(&s.os, s.profile.as_ref(), purpose)?);
        let provider = ContainerProvider::new(transport, self.clock.clone()).with_os(s.os.clone());
        Ok(self.container.get_or_init(|| provider))
    }

    /// The instance metadata provider, made on first use from the environment and the
    /// selected profile's keys.
    fn imds(&self) -> Result<&ImdsProvider<Shared<T>, C>, CredentialsError> {
        if let Some(p) = self.imds.get() {
            return Ok(p);
        }
        let s = &self.settings;
        let settings = ImdsSettings::from_env(&s.os, s.profile.as_ref())?;
        let purpose = Purpose::Metadata(settings.timeout);
        let transport = Shared((s.connect)(&s.os, s.profile.as_ref(), purpose)?);
        let provider = ImdsProvider::new(settings, transport, self.clock.clone());
        Ok(self.imds.get_or_init(|| provider))
    }

    /// The container endpoint's credentials (not configured when no URI is set).
    pub(crate) async fn container_credentials(&self) -> Result<Provided, ProvideError> {
        self.container()?.provide_credentials().await
    }

    /// Instance metadata's credentials (not configured when it is off).
    pub(crate) async fn instance_metadata_credentials(&self) -> Result<Provided, ProvideError> {
        self.imds()?.provide_credentials().await
    }

    /// `AssumeRoleWithWebIdentity` of `role_arn` with the token in `token_file` (read
    /// now: it is rotated), for `profile` (named in errors).
    pub(crate) async fn web_identity(
        &self,
        profile: &str,
        role_arn: &str,
        token_file: &str,
        session_name: Option<&str>,
    ) -> Result<AssumeRoleWithWebIdentityOutput, CredentialsError> {
        let os = self.os();
        let path = os.expand_home(token_file)?;
        let token =
            read_web_identity_token(os, "web_identity_token_file", std::path::Path::new(&path))?;
        let op = AssumeRoleWithWebIdentity::new(
            role_arn,
            session_name.unwrap_or(&self.session_name),
            token,
        );
        let sts = |error| CredentialsError::Sts {
            profile: profile.to_owned(),
            error,
        };
        self.sts().map_err(sts)?.send(None, &op).await.map_err(sts)
    }

    async fn hop(
        &self,
        source: &Credentials,
        hop: &RoleHop,
    ) -> Result<AssumeRoleOutput, CredentialsError> {
        let mut op = AssumeRole::new(
            &hop.role_arn,
            hop.session_name.as_deref().unwrap_or(&self.session_name),
        );
        if let Some(e) = &hop.external_id {
            op = op.with_external_id(e);
        }
        if let Some(d) = hop.duration_seconds {
            op = op.with_duration_seconds(d);
        }
        if let Some(serial) = &hop.mfa_serial {
            let code = self
                .settings
                .mfa
                .as_ref()
                .and_then(|f| f(serial))
                .ok_or_else(|| CredentialsError::MfaCodeNeeded {
                    profile: hop.profile.clone(),
                })?;
            op = op.with_mfa(serial, code.expose_secret());
        }
        let sts = |error| CredentialsError::Sts {
            profile: hop.profile.clone(),
            error,
        };
        self.sts()
            .map_err(sts)?
            .send(Some(source), &op)
            .await
            .map_err(sts)
    }

    /// Runs `plan` (of the selected profile `active` in `set`): its base credentials,
    /// then each role in turn, with the answer of the last STS call.
    ///
    /// # Errors
    /// [`CredentialsError`]: a named source that is not configured or fails (instance
    /// metadata, the container endpoint), IAM Identity Center failing, an empty
    /// environment source, a failed `credential_process`, an unreadable token file, a
    /// missing MFA code, or an STS call that failed (naming the profile).
    pub(crate) async fn run_plan(
        &self,
        plan: &Plan,
        set: &ProfileSet,
        active: &str,
    ) -> Result<Session, CredentialsError> {
        let mut last_call = None;
        let mut current = match &plan.base {
            BaseCredentials::StaticKeys {
                access_key_id,
                secret_access_key,
                session_token,
                ..
            } => static_credentials(access_key_id, secret_access_key, session_token.as_ref()),
            BaseCredentials::NamedSource { profile, source } => {
                self.named_source(profile, source).await?
            }
            BaseCredentials::WebIdentity {
                profile,
                role_arn,
                token_file,
                session_name,
            } => {
                let out = self
                    .web_identity(profile, role_arn, token_file, session_name.as_deref())
                    .await?;
                let p = Provided::from_sts(
                    &out.credentials,
                    role_user(&out.assumed_role_user),
                    "web identity",
                );
                last_call = Some(LastCall::WebIdentity(Box::new(out)));
                p
            }
            BaseCredentials::Sso { profile, settings } => {
                let os = self.os();
                let settings = SsoSettings::resolve(os, profile, settings, set, active)?;
                SsoProvider::new(settings, self.sts_transport()?, self.clock.clone())
                    .with_os(os.clone())
                    .fetch()
                    .await?
            }
            BaseCredentials::Process { profile, command } => {
                let depth = process_depth(self.os())?;
                let (profile, command) = (profile.clone(), command.clone());
                let now = self.clock.now();
                tokio::task::spawn_blocking(move || {
                    run_credential_process(&profile, &command, depth, now)
                })
                .await
                .map_err(|_| CredentialsError::Process {
                    profile: String::new(),
                    class: crate::provider::error::FailureClass::NoAnswer,
                    rule: "the runner stopped".into(),
                })??
            }
        };
        for hop in &plan.hops {
            let out = self.hop(&current.credentials, hop).await?;
            current = Provided::from_sts(
                &out.credentials,
                role_user(&out.assumed_role_user),
                "profile",
            );
            last_call = Some(LastCall::AssumeRole(Box::new(out)));
        }
        Ok(Session {
            provided: current,
            last_call,
        })
    }

    /// `credential_source = Environment | EcsContainer | Ec2InstanceMetadata` of
    /// `profile`: a source that is not configured is an error here.
    async fn named_source(
        &self,
        profile: &str,
        source: &str,
    ) -> Result<Provided, CredentialsError> {
        let (answer, name, why) = match source {
            "Environment" => {
                return match environment_credentials(self.os()) {
                    Ok(p) => Ok(p),
                    Err(ProvideError::NotConfigured { .. }) => Err(CredentialsError::EmptySource {
                        profile: profile.to_owned(),
                    }),
                    Err(ProvideError::Failed(e)) => Err(e),
                };
            }
            "EcsContainer" => (
                self.container_credentials().await,
                "container",
                "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor \
                 AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
            ),
            _ => (
                self.instance_metadata_credentials().await,
                "instance metadata",
                "AWS_EC2_METADATA_DISABLED=true turns instance metadata off",
            ),
        };
        match answer {
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

/// The assumed role's ARN, when STS gave one.
fn role_user(user: &Option<crate::sts::AssumedRoleUser>) -> Option<&str> {
    user.as_ref().map(|u| u.arn.as_str())
}

/// A profile's static keys as credentials without an expiry.
pub(crate) fn static_credentials(
    access_key_id: &str,
    secret_access_key: &SecretString,
    session_token: Option<&SecretString>,
) -> Provided {
    Provided::new(
        Credentials::new(
            access_key_id,
            secret_access_key.expose_secret(),
            session_token.map(|t| t.expose_secret().to_owned()),
        ),
        None,
        "profile",
    )
}
