//! The default chain in the AWS order: the environment's keys, web identity from the
//! environment, the profile, then the container endpoint, then instance metadata.
//! With an explicit profile (`--profile`), only that profile: it never falls through to
//! the container or instance metadata.

use super::chain::{StsRunner, environment_credentials, static_credentials};
use super::container::container_configured;
use super::credentials_provider::{ProvideError, Provided, Session};
use super::os::env_var;
use crate::client::Clock;
use crate::profile::{BaseCredentials, ChainError, Plan, ProfileSet, plan};
use crate::transport::Transport;

/// What the profile part of the chain gives without a call.
enum ProfileStep {
    /// An answer (static keys, the environment's keys, an error).
    Answer(Result<Provided, ProvideError>),
    /// A call or a process is needed for this plan.
    Plan(Box<Plan>),
    /// Web identity from the environment is configured.
    WebIdentity,
    /// Nothing in the environment or the profile: the container and instance metadata
    /// come next.
    Nothing,
}

fn profile_step(set: &ProfileSet, profile: &str, explicit: bool, named: bool) -> ProfileStep {
    if named && set.profile(profile).is_none() {
        return ProfileStep::Answer(Err(ChainError::ProfileNotFound {
            profile: profile.to_owned(),
        }
        .into()));
    }
    if !explicit {
        match environment_credentials() {
            Err(ProvideError::NotConfigured { .. }) => {}
            other => return ProfileStep::Answer(other),
        }
        match env_var("AWS_WEB_IDENTITY_TOKEN_FILE") {
            Ok(None) => {}
            Ok(Some(_)) => return ProfileStep::WebIdentity,
            Err(e) => return ProfileStep::Answer(Err(e.into())),
        }
        if !named && set.profile(profile).is_none() {
            return ProfileStep::Nothing;
        }
    }
    match plan(set, profile) {
        // Without an explicit profile, a profile with nothing in it (or no files at
        // all) is not an error: the chain goes on, as the AWS CLI's does.
        Err(ChainError::NoProfiles) if !explicit => ProfileStep::Nothing,
        Err(ChainError::NoCredentials { profile: p }) if !explicit && p == profile => {
            ProfileStep::Nothing
        }
        Err(e) => ProfileStep::Answer(Err(e.into())),
        Ok(Plan {
            base:
                BaseCredentials::StaticKeys {
                    access_key_id,
                    secret_access_key,
                    session_token,
                    ..
                },
            hops,
        }) if hops.is_empty() => ProfileStep::Answer(Ok(static_credentials(
            &access_key_id,
            &secret_access_key,
            session_token.as_ref(),
        ))),
        Ok(p) => ProfileStep::Plan(Box::new(p)),
    }
}

/// Whether instance metadata is on (`AWS_EC2_METADATA_DISABLED` is not `true`).
fn imds_enabled() -> Result<bool, ProvideError> {
    Ok(!super::imds_settings::metadata_disabled()?)
}

/// The part of [`default_chain`] decided without any call, process or network: a
/// named profile that does not exist, keys in the environment, nothing configured
/// anywhere (instance metadata off), a profile that cannot be planned, a profile's
/// static keys. `None` when the answer needs a call (web identity, a role, SSO, the
/// container endpoint, instance metadata) or a `credential_process`.
pub fn default_chain_without_calls(
    set: &ProfileSet,
    profile: &str,
    explicit: bool,
    named: bool,
) -> Option<Result<Provided, ProvideError>> {
    match profile_step(set, profile, explicit, named) {
        ProfileStep::Answer(a) => Some(a),
        ProfileStep::Plan(_) | ProfileStep::WebIdentity => None,
        ProfileStep::Nothing => match (container_configured(), imds_enabled()) {
            (Err(e), _) => Some(Err(e.into())),
            (_, Err(e)) => Some(Err(e)),
            (Ok(false), Ok(false)) => Some(Err(ProvideError::NotConfigured {
                provider: "profile",
            })),
            _ => None,
        },
    }
}

/// The default chain in the AWS CLI's order. Without an explicit profile: the
/// environment's keys, web identity from the environment, the profile
/// (`AWS_PROFILE`, else `default`), the container endpoint, then instance metadata.
/// With an explicit profile: only the profile (as `aws --profile` does). A named
/// profile that does not exist is an error even when the environment has keys. What
/// needs no call is decided by [`default_chain_without_calls`].
///
/// # Errors
/// The first configured provider's failure; [`ProvideError::NotConfigured`] when
/// nothing is configured.
pub async fn default_chain<T: Transport, C: Clock>(
    runner: &StsRunner<T, C>,
    set: &ProfileSet,
    profile: &str,
    explicit: bool,
    named: bool,
) -> Result<Provided, ProvideError> {
    Ok(default_chain_session(runner, set, profile, explicit, named)
        .await?
        .provided)
}

/// As [`default_chain`], with the answer of the last STS call.
///
/// # Errors
/// As [`default_chain`].
pub async fn default_chain_session<T: Transport, C: Clock>(
    runner: &StsRunner<T, C>,
    set: &ProfileSet,
    profile: &str,
    explicit: bool,
    named: bool,
) -> Result<Session, ProvideError> {
    let no_call = |provided| Session {
        provided,
        last_call: None,
    };
    match profile_step(set, profile, explicit, named) {
        ProfileStep::Answer(a) => a.map(no_call),
        ProfileStep::WebIdentity => runner.web_identity_from_env_session().await,
        ProfileStep::Plan(plan) => Ok(runner.run_session_in(&plan, set, profile).await?),
        ProfileStep::Nothing => {
            let sources = runner.sources();
            let container = sources.container()?;
            match container.provide_credentials().await {
                Err(ProvideError::NotConfigured { .. }) => {}
                other => return other.map(no_call),
            }
            if !imds_enabled()? {
                return Err(ProvideError::NotConfigured {
                    provider: "profile",
                });
            }
            let imds = sources.imds()?;
            imds.provide_credentials().await.map(no_call)
        }
    }
}
