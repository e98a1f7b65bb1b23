//! The chain as one value: [`Chain`], made by [`crate::Config`] from an [`Os`] (the
//! environment and files) and a runner (the transport and clock).
//!
//! It works in two steps. [`Chain::decide`] is pure over the environment and files: it
//! gives an answer that needs no call (keys in the environment, a profile's static
//! keys, or an error), or the [`Call`] it needs (STS for web identity or a profile's
//! roles, a `credential_process`, IAM Identity Center, the container endpoint,
//! instance metadata) together with that call's key in the AWS CLI's file cache.
//! [`Chain::run`] carries the call out. `stskit credentials --cache` asks once, looks
//! the key up, and runs only on a miss; a [`crate::cache::CredentialsCache`] over the
//! chain (what [`crate::Config::credentials`] gives) decides and runs at each refresh.
//!
//! The order is the AWS CLI's: the environment's keys, web identity from the
//! environment, the profile (`AWS_PROFILE`, else `default`), the container endpoint,
//! then instance metadata. An explicit profile (`--profile`, `.profile()`) is that
//! profile only. A profile named by the environment must exist; `default`, named by
//! nobody, may be missing or empty, and the chain goes on.

use std::sync::Arc;

use super::cache_key::CacheKey;
use super::container::container_configured;
use super::env::environment_credentials;
use super::error::{CredentialsError, ProvideError};
use super::imds::metadata_disabled;
use super::os::Os;
use super::provide::{LastCall, ProvideCredentials, ProvideFuture, Provided, Session};
use super::runner::{Runner, static_credentials};
use super::settings::ProfileChoice;
use super::web_identity::read_web_identity_token;
use crate::client::{Clock, SystemClock};
use crate::profile::{BaseCredentials, ChainError, Plan, ProfileSet, plan};
use crate::sts::input::InputError;
use crate::transport::{ReqwestTransport, Transport};

/// The credential chain of one selected profile, over one [`Os`] and one runner.
///
/// A [`ProvideCredentials`] itself (each fetch decides and runs afresh, so a rotated
/// token file or a new process answer is picked up); wrap it in a
/// [`crate::cache::CredentialsCache`] to keep the answer.
pub struct Chain<T = ReqwestTransport, C = SystemClock> {
    profiles: Arc<ProfileSet>,
    /// The files the profiles came from, for an error that names them.
    files: Arc<str>,
    profile: String,
    choice: ProfileChoice,
    runner: Runner<T, C>,
}

impl<T, C> std::fmt::Debug for Chain<T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chain")
            .field("profile", &self.profile)
            .field("choice", &self.choice)
            .field("runner", &self.runner)
            .finish_non_exhaustive()
    }
}

/// What the chain does next ([`Chain::decide`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum Step {
    /// Credentials that needed no call: keys in the environment, a profile's static
    /// keys.
    Answer(Provided),
    /// A call is needed: [`Chain::run`] makes it.
    Call(Call),
}

/// The call the chain needs, and its key in the AWS CLI's file cache.
#[derive(Debug)]
pub struct Call {
    need: Need,
    key: Option<CacheKey>,
}

#[derive(Debug)]
enum Need {
    /// `AWS_WEB_IDENTITY_TOKEN_FILE` with `AWS_ROLE_ARN`.
    WebIdentity {
        role_arn: String,
        token_file: String,
        session_name: Option<String>,
    },
    /// The selected profile's plan.
    Plan(Box<Plan>),
    /// The container endpoint.
    Container,
    /// EC2 instance metadata.
    InstanceMetadata,
}

impl Call {
    /// The key of the AWS CLI's cache file for the call that gives the credentials
    /// (the last role of a profile's plan, or web identity), as botocore names it;
    /// `None` when the answer is never cached there (a `credential_process`, IAM
    /// Identity Center, the container endpoint, instance metadata) or the token file
    /// the key needs cannot be read now (the run reports that).
    pub fn cache_key(&self) -> Option<&CacheKey> {
        self.key.as_ref()
    }

    /// What the call reaches: `STS`, `credential_process`, `IAM Identity Center`,
    /// `container`, `instance metadata`, or a named `credential_source`.
    pub fn source(&self) -> &'static str {
        match &self.need {
            Need::WebIdentity { .. } => "STS",
            Need::Plan(plan) if !plan.hops.is_empty() => "STS",
            Need::Plan(plan) => match &plan.base {
                BaseCredentials::Process { .. } => "credential_process",
                BaseCredentials::Sso { .. } => "IAM Identity Center",
                BaseCredentials::NamedSource { source, .. } => source,
                _ => "STS",
            },
            Need::Container => "container",
            Need::InstanceMetadata => "instance metadata",
        }
    }
}

impl<T: Transport + 'static, C: Clock + Clone + 'static> Chain<T, C> {
    /// The chain of `profile` (chosen as `choice`) in `profiles`, run by `runner`.
    pub(crate) fn new(
        profiles: Arc<ProfileSet>,
        files: Arc<str>,
        profile: String,
        choice: ProfileChoice,
        runner: Runner<T, C>,
    ) -> Self {
        Chain {
            profiles,
            files,
            profile,
            choice,
            runner,
        }
    }

    /// The selected profile's name.
    pub fn profile(&self) -> &str {
        &self.profile
    }

    fn os(&self) -> &Os {
        self.runner.os()
    }

    /// What the chain does next, decided from the environment and files alone: no
    /// call, no process, no network.
    ///
    /// # Errors
    /// [`ProvideError::NotConfigured`] when nothing in the chain is configured; a
    /// failure for a profile named but missing, a profile that cannot be planned,
    /// environment keys that break a rule, web identity without `AWS_ROLE_ARN`, or a
    /// variable that is not UTF-8.
    pub fn decide(&self) -> Result<Step, ProvideError> {
        let (set, profile) = (&*self.profiles, self.profile.as_str());
        let explicit = self.choice == ProfileChoice::Explicit;
        let named = self.choice != ProfileChoice::Default;
        if named && set.profile(profile).is_none() {
            return Err(CredentialsError::ProfileNotFound {
                profile: profile.to_owned(),
                files: self.files.to_string(),
            }
            .into());
        }
        if !explicit {
            match environment_credentials(self.os()) {
                Err(ProvideError::NotConfigured { .. }) => {}
                other => return other.map(Step::Answer),
            }
            if let Some(call) = self.web_identity_from_env()? {
                return Ok(Step::Call(call));
            }
            if !named && set.profile(profile).is_none() {
                return self.after_the_profile();
            }
        }
        match plan(set, profile) {
            // Without an explicit profile, a profile with nothing in it (or no files at
            // all) is not an error: the chain goes on, as the AWS CLI's does.
            Err(ChainError::NoProfiles) if !explicit => self.after_the_profile(),
            Err(ChainError::NoCredentials { profile: p }) if !explicit && p == profile => {
                self.after_the_profile()
            }
            Err(e) => Err(e.into()),
            Ok(Plan {
                base:
                    BaseCredentials::StaticKeys {
                        access_key_id,
                        secret_access_key,
                        session_token,
                        ..
                    },
                hops,
            }) if hops.is_empty() => Ok(Step::Answer(static_credentials(
                &access_key_id,
                &secret_access_key,
                session_token.as_ref(),
            ))),
            Ok(p) => {
                let key = self.plan_key(&p);
                Ok(Step::Call(Call {
                    need: Need::Plan(Box::new(p)),
                    key,
                }))
            }
        }
    }

    /// Web identity from the environment: `AWS_WEB_IDENTITY_TOKEN_FILE` with
    /// `AWS_ROLE_ARN` (and `AWS_ROLE_SESSION_NAME`).
    fn web_identity_from_env(&self) -> Result<Option<Call>, ProvideError> {
        let os = self.os();
        let Some(token_file) = os.env_var("AWS_WEB_IDENTITY_TOKEN_FILE")? else {
            return Ok(None);
        };
        let Some(role_arn) = os.env_var("AWS_ROLE_ARN")? else {
            return Err(InputError::Invalid {
                field: "AWS_ROLE_ARN",
                rule: "must be set with AWS_WEB_IDENTITY_TOKEN_FILE",
            }
            .into());
        };
        let session_name = os.env_var("AWS_ROLE_SESSION_NAME")?;
        let key = self.web_identity_key(&role_arn, session_name.as_deref(), &token_file);
        Ok(Some(Call {
            need: Need::WebIdentity {
                role_arn,
                token_file,
                session_name,
            },
            key,
        }))
    }

    /// After the profile: the container endpoint when configured, else instance
    /// metadata unless it is off, else nothing.
    fn after_the_profile(&self) -> Result<Step, ProvideError> {
        let need = if container_configured(self.os())? {
            Need::Container
        } else if !metadata_disabled(self.os())? {
            Need::InstanceMetadata
        } else {
            return Err(ProvideError::NotConfigured {
                provider: "profile",
            });
        };
        Ok(Step::Call(Call { need, key: None }))
    }

    /// The cache key of a plan: its last role's, else its web identity's.
    fn plan_key(&self, plan: &Plan) -> Option<CacheKey> {
        if let Some(hop) = plan.hops.last() {
            return Some(CacheKey::for_hop(hop));
        }
        match &plan.base {
            BaseCredentials::WebIdentity {
                role_arn,
                token_file,
                session_name,
                ..
            } => self.web_identity_key(role_arn, session_name.as_deref(), token_file),
            _ => None,
        }
    }

    /// The key of a web identity call: the token is part of it, so it is read now.
    fn web_identity_key(
        &self,
        role_arn: &str,
        session_name: Option<&str>,
        token_file: &str,
    ) -> Option<CacheKey> {
        let os = self.os();
        let path = os.expand_home(token_file).ok()?;
        let token =
            read_web_identity_token(os, "web_identity_token_file", std::path::Path::new(&path))
                .ok()?;
        Some(CacheKey::web_identity(role_arn, session_name, &token))
    }

    /// Makes `call`, with the answer of its last STS call (for a cache that stores it,
    /// such as the AWS CLI's file cache).
    ///
    /// # Errors
    /// The call's failure, naming the profile (see
    /// [`crate::error::CredentialsError`]).
    pub async fn run(&self, call: &Call) -> Result<Session, ProvideError> {
        let runner = &self.runner;
        let no_call = |provided| Session {
            provided,
            last_call: None,
        };
        match &call.need {
            Need::WebIdentity {
                role_arn,
                token_file,
                session_name,
            } => {
                let out = runner
                    .web_identity(
                        "(environment)",
                        role_arn,
                        token_file,
                        session_name.as_deref(),
                    )
                    .await?;
                let provided = Provided::from_sts(
                    &out.credentials,
                    out.assumed_role_user.as_ref().map(|u| u.arn.as_str()),
                    "web identity",
                );
                Ok(Session {
                    provided,
                    last_call: Some(LastCall::WebIdentity(Box::new(out))),
                })
            }
            Need::Plan(plan) => Ok(runner.run_plan(plan, &self.profiles, &self.profile).await?),
            Need::Container => runner.container_credentials().await.map(no_call),
            Need::InstanceMetadata => runner.instance_metadata_credentials().await.map(no_call),
        }
    }

    /// Decides and runs: the chain's credentials, with the answer of the last STS call.
    ///
    /// # Errors
    /// As [`Chain::decide`] and [`Chain::run`].
    pub async fn resolve(&self) -> Result<Session, ProvideError> {
        match self.decide()? {
            Step::Answer(provided) => Ok(Session {
                provided,
                last_call: None,
            }),
            Step::Call(call) => self.run(&call).await,
        }
    }
}

impl<T: Transport + 'static, C: Clock + Clone + 'static> ProvideCredentials for Chain<T, C> {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move { Ok(self.resolve().await?.provided) })
    }
}
