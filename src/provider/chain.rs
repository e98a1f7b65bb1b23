//! The providers: the environment, web identity from the environment, a profile (its
//! plan run with stskit's own STS calls), a chain of providers, and the default chain
//! in the AWS order.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::credentials_provider::{
    CredentialsError, LastCall, ProvideCredentials, ProvideError, ProvideFuture, Provided, Session,
};
use super::os::env_var;
use super::process::run_credential_process;
use super::secret_file::read_web_identity_token;
use crate::client::{Clock, StsClient};
use crate::credentials::Credentials;
use crate::profile::{BaseCredentials, Plan, ProfileSet, RoleHop, plan};
use crate::sts::response::{AssumeRoleOutput, AssumeRoleWithWebIdentityOutput};
use crate::sts::{AssumeRole, AssumeRoleWithWebIdentity};
use crate::transport::Transport;

/// Gives the MFA code for a serial number, or `None` when there is none.
pub type MfaCallback = Arc<dyn Fn(&str) -> Option<SecretString> + Send + Sync>;

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` and
/// `AWS_CREDENTIAL_EXPIRATION` (the legacy `AWS_SECURITY_TOKEN` is not read). Not
/// configured when the key id is unset or empty; a key id without a secret is an
/// error.
#[derive(Debug, Clone, Copy, Default)]
pub struct EnvironmentProvider;

/// Reads the environment's credentials now.
///
/// # Errors
/// [`ProvideError::NotConfigured`] without `AWS_ACCESS_KEY_ID`; a failure for a key id
/// without a secret, values that are not visible ASCII, or an expiration that is not
/// ISO 8601.
pub fn environment_credentials() -> Result<Provided, ProvideError> {
    if env_var("AWS_ACCESS_KEY_ID")?.is_none() {
        return Err(ProvideError::NotConfigured {
            provider: "environment",
        });
    }
    let credentials = super::env::credentials_from_env()?;
    let expiration = match env_var("AWS_CREDENTIAL_EXPIRATION")? {
        None => None,
        Some(e) => Some(crate::date::parse_rfc3339(&e).ok_or(
            crate::error::InputError::Invalid {
                field: "AWS_CREDENTIAL_EXPIRATION",
                rule: "must be an ISO 8601 time",
            },
        )?),
    };
    Ok(Provided::new(credentials, expiration, "environment"))
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async { environment_credentials() })
    }
}

/// Providers tried in order: the first that is configured answers, and a configured
/// provider that fails stops the chain with its error.
pub struct ChainProvider {
    providers: Vec<Box<dyn ProvideCredentials>>,
}

impl std::fmt::Debug for ChainProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChainProvider")
            .field("providers", &self.providers.len())
            .finish()
    }
}

impl ChainProvider {
    /// A chain of `providers`.
    pub fn new(providers: Vec<Box<dyn ProvideCredentials>>) -> Self {
        ChainProvider { providers }
    }
}

impl ProvideCredentials for ChainProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            for p in &self.providers {
                match p.provide_credentials().await {
                    Err(ProvideError::NotConfigured { .. }) => continue,
                    other => return other,
                }
            }
            Err(ProvideError::NotConfigured { provider: "chain" })
        })
    }
}

/// Runs profile plans and web identity calls with one STS client (its endpoint and
/// region are the selected profile's: every hop signs for the same region).
pub struct StsRunner<T, C> {
    client: Result<StsClient<T, C>, crate::error::InputError>,
    session_name: String,
    mfa: Option<MfaCallback>,
    sources: super::sources::Sources,
}

impl<T, C> std::fmt::Debug for StsRunner<T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StsRunner")
            .field("client", &self.client)
            .field("session_name", &self.session_name)
            .field("mfa", &self.mfa.is_some())
            .field("sources", &self.sources)
            .finish()
    }
}

impl<T: Transport, C: Clock> StsRunner<T, C> {
    /// A runner over `client`. Roles without `role_session_name` get
    /// `stskit-<unix seconds>` (fixed when the runner is made).
    pub fn new(client: StsClient<T, C>, now: OffsetDateTime) -> Self {
        StsRunner::with_client(Ok(client), now)
    }

    /// A runner whose STS calls fail with `error` (such as an endpoint that cannot be
    /// resolved without a region): plans that need no call (static keys, a
    /// `credential_process`, the environment) still run.
    pub fn without_client(error: crate::error::InputError, now: OffsetDateTime) -> Self {
        StsRunner::with_client(Err(error), now)
    }

    fn with_client(
        client: Result<StsClient<T, C>, crate::error::InputError>,
        now: OffsetDateTime,
    ) -> Self {
        StsRunner {
            client,
            session_name: format!("stskit-{}", now.unix_timestamp().max(0)),
            mfa: None,
            sources: super::sources::Sources::default(),
        }
    }

    /// Gives MFA codes for roles with `mfa_serial`.
    pub fn with_mfa(mut self, mfa: MfaCallback) -> Self {
        self.mfa = Some(mfa);
        self
    }

    /// Uses `provider` for the container source (default: [`super::ContainerProvider`]
    /// from the environment), for `credential_source = EcsContainer` and the default
    /// chain.
    pub fn with_container_provider(mut self, provider: Arc<dyn ProvideCredentials>) -> Self {
        self.sources.container = Some(provider);
        self
    }

    /// Uses `provider` for instance metadata (default: [`super::ImdsProvider`] from the
    /// environment), for `credential_source = Ec2InstanceMetadata` and the default
    /// chain.
    pub fn with_instance_metadata_provider(
        mut self,
        provider: Arc<dyn ProvideCredentials>,
    ) -> Self {
        self.sources.imds = Some(provider);
        self
    }

    /// Reads the instance metadata settings of `profile` too (`ec2_metadata_*`,
    /// `metadata_service_*`), after the environment's, when the provider is built
    /// from them.
    pub fn with_profile_settings(mut self, profile: Option<crate::profile::Properties>) -> Self {
        self.sources.profile = profile;
        self
    }

    /// The container and instance metadata sources.
    pub(crate) fn sources(&self) -> &super::sources::Sources {
        &self.sources
    }

    /// The STS client.
    ///
    /// # Errors
    /// The error the runner was made with ([`StsRunner::without_client`]).
    pub fn client(&self) -> Result<&StsClient<T, C>, crate::error::InputError> {
        self.client.as_ref().map_err(Clone::clone)
    }

    async fn web_identity(
        &self,
        profile: &str,
        role_arn: &str,
        token_file: &str,
        session_name: Option<&str>,
    ) -> Result<AssumeRoleWithWebIdentityOutput, CredentialsError> {
        let path = super::files::expand_home(token_file)?;
        let token =
            read_web_identity_token("web_identity_token_file", std::path::Path::new(&path))?;
        let op = AssumeRoleWithWebIdentity::new(
            role_arn,
            session_name.unwrap_or(&self.session_name),
            token,
        );
        self.client()?
            .send(None, &op)
            .await
            .map_err(|error| CredentialsError::Sts {
                profile: profile.to_owned(),
                error,
            })
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
            let code = self.mfa.as_ref().and_then(|f| f(serial)).ok_or_else(|| {
                CredentialsError::MfaCodeNeeded {
                    profile: hop.profile.clone(),
                }
            })?;
            op = op.with_mfa(serial, code.expose_secret());
        }
        self.client()?
            .send(Some(source), &op)
            .await
            .map_err(|error| CredentialsError::Sts {
                profile: hop.profile.clone(),
                error,
            })
    }

    /// Runs `plan`: its base credentials, then each role in turn.
    ///
    /// # Errors
    /// [`CredentialsError`]: a named source that is not configured or fails
    /// (instance metadata, the container endpoint), IAM Identity Center failing, an
    /// empty environment source, a failed
    /// `credential_process`, an unreadable token file, a missing MFA code, or an STS
    /// call that failed (naming the profile).
    pub async fn run(&self, plan: &Plan) -> Result<Provided, CredentialsError> {
        Ok(self.run_session(plan).await?.provided)
    }

    /// As [`StsRunner::run`], with the answer of the last STS call (for a cache that
    /// stores it, such as the AWS CLI's file cache).
    ///
    /// # Errors
    /// As [`StsRunner::run`].
    pub async fn run_session(&self, plan: &Plan) -> Result<Session, CredentialsError> {
        self.run_session_in(plan, &ProfileSet::default(), "").await
    }

    /// As [`StsRunner::run_session`], with the files and the selected profile the plan
    /// came from (an IAM Identity Center profile takes its endpoint settings from them).
    ///
    /// # Errors
    /// As [`StsRunner::run`].
    pub async fn run_session_in(
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
            BaseCredentials::NamedSource { profile, source } => match *source {
                "Environment" => match environment_credentials() {
                    Ok(p) => p,
                    Err(ProvideError::NotConfigured { .. }) => {
                        return Err(CredentialsError::EmptySource {
                            profile: profile.clone(),
                        });
                    }
                    Err(ProvideError::Failed(e)) => return Err(e),
                },
                other => self.sources.named(profile, other).await?,
            },
            BaseCredentials::WebIdentity {
                profile,
                role_arn,
                token_file,
                session_name,
            } => {
                let out = self
                    .web_identity(profile, role_arn, token_file, session_name.as_deref())
                    .await?;
                let p = sts_provided(&out.credentials, "web identity");
                last_call = Some(LastCall::WebIdentity(Box::new(out)));
                p
            }
            BaseCredentials::Sso { profile, settings } => {
                let settings = super::sso::SsoSettings::resolve(profile, settings, set, active)?;
                super::sso::SsoProvider::from_settings(settings)?
                    .fetch()
                    .await?
            }
            BaseCredentials::Process { profile, command } => {
                let (profile, command) = (profile.clone(), command.clone());
                let now = OffsetDateTime::now_utc();
                tokio::task::spawn_blocking(move || run_credential_process(&profile, &command, now))
                    .await
                    .map_err(|_| CredentialsError::Process {
                        profile: String::new(),
                        rule: "the runner stopped".into(),
                    })??
            }
        };
        for hop in &plan.hops {
            let out = self.hop(&current.credentials, hop).await?;
            current = sts_provided(&out.credentials, "profile");
            last_call = Some(LastCall::AssumeRole(Box::new(out)));
        }
        Ok(Session {
            provided: current,
            last_call,
        })
    }

    /// Plans and runs the credentials of `profile` in `set`.
    ///
    /// # Errors
    /// [`CredentialsError::Chain`] when the profile has no plan; as [`StsRunner::run`].
    pub async fn profile(
        &self,
        set: &ProfileSet,
        profile: &str,
    ) -> Result<Provided, CredentialsError> {
        let plan = plan(set, profile)?;
        Ok(self.run_session_in(&plan, set, profile).await?.provided)
    }

    /// Web identity from the environment: `AWS_WEB_IDENTITY_TOKEN_FILE` with
    /// `AWS_ROLE_ARN` (and `AWS_ROLE_SESSION_NAME`); the token file is read now.
    ///
    /// # Errors
    /// [`ProvideError::NotConfigured`] without `AWS_WEB_IDENTITY_TOKEN_FILE`; a failure
    /// when `AWS_ROLE_ARN` is missing or the call fails.
    pub async fn web_identity_from_env(&self) -> Result<Provided, ProvideError> {
        Ok(self.web_identity_from_env_session().await?.provided)
    }

    /// As [`StsRunner::web_identity_from_env`], with the call's answer.
    ///
    /// # Errors
    /// As [`StsRunner::web_identity_from_env`].
    pub async fn web_identity_from_env_session(&self) -> Result<Session, ProvideError> {
        let Some(file) = env_var("AWS_WEB_IDENTITY_TOKEN_FILE")? else {
            return Err(ProvideError::NotConfigured {
                provider: "web identity",
            });
        };
        let Some(role) = env_var("AWS_ROLE_ARN")? else {
            return Err(crate::error::InputError::Invalid {
                field: "AWS_ROLE_ARN",
                rule: "must be set with AWS_WEB_IDENTITY_TOKEN_FILE",
            }
            .into());
        };
        let session = env_var("AWS_ROLE_SESSION_NAME")?;
        let out = self
            .web_identity("(environment)", &role, &file, session.as_deref())
            .await?;
        Ok(Session {
            provided: sts_provided(&out.credentials, "web identity"),
            last_call: Some(LastCall::WebIdentity(Box::new(out))),
        })
    }
}

/// STS credentials as a provider's answer.
fn sts_provided(c: &crate::credentials::StsCredentials, source: &'static str) -> Provided {
    Provided::new(c.to_credentials(), Some(c.expiration()), source)
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
