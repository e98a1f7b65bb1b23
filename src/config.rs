//! The front door: [`Config`] reads the environment and the AWS CLI's files once and
//! gives what `stskit credentials` would use with the same settings: the region, an
//! STS client for the resolved endpoint, and the credential chain behind a refreshing
//! cache.

use std::sync::Arc;

use crate::cache::CredentialsCache;
use crate::client::{ClientConfig, Clock, StsClient, SystemClock};
use crate::error::Error;
use crate::profile::{ProfileSet, Properties};
use crate::provider::settings::{
    endpoint_params, load_profiles, selected_profile, transport_config,
};
use crate::provider::{
    AttemptObserver, Chain, Connect, MfaCallback, Os, ProfileChoice, Purpose, Runner,
    RunnerSettings, SigningObserver,
};
use crate::sigv4::SigningOutput;
use crate::sts::{Endpoint, EndpointParams};
use crate::transport::{ReqwestTransport, Transport};

/// The settings of the environment and the AWS CLI's files, read once: the selected
/// profile, the region, the STS endpoint settings, and how to reach STS.
///
/// It resolves exactly what `stskit credentials` resolves with the same settings:
///
/// - the profile: [`ConfigBuilder::profile`] (explicit, like `--profile`: that profile
///   only, no fall-through to the environment's keys or the metadata sources), else
///   `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else `default`;
/// - the region: [`ConfigBuilder::region`], else `AWS_REGION`, else
///   `AWS_DEFAULT_REGION`, else the profile's `region`;
/// - the STS endpoint, by AWS's endpoint rules: `AWS_ENDPOINT_URL_STS`,
///   `AWS_ENDPOINT_URL`, the profile's `services` section and `endpoint_url` (unless
///   `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`), FIPS, dual-stack and
///   `sts_regional_endpoints` from the environment, then the profile;
/// - extra trusted roots: `AWS_CA_BUNDLE`, else the profile's `ca_bundle`.
///
/// ```
/// # fn main() -> Result<(), stskit::Error> {
/// # let os = stskit::provider::Os::fake(
/// #     [("HOME", "/home/me"), ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret")],
/// #     [("/home/me/.aws/config", "[default]\nregion = eu-west-1\n")],
/// # );
/// # let config = stskit::Config::builder().os(os).load()?;
/// # let _ = || -> Result<(), stskit::Error> {
/// let config = stskit::Config::load()?;
/// # Ok(()) };
/// assert_eq!(config.region(), Some("eu-west-1"));
/// let sts = config.sts_client()?; // https://sts.eu-west-1.amazonaws.com/
/// assert_eq!(sts.endpoint().url(), "https://sts.eu-west-1.amazonaws.com/");
/// let credentials = config.credentials(); // the chain, kept fresh
/// # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let provided = credentials.credentials().await?;
/// assert_eq!(provided.credentials.access_key_id(), "AKIDEXAMPLE");
/// # Ok::<(), stskit::Error>(()) })?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Config {
    os: Os,
    /// The files read, for errors that say where a profile was looked for.
    files: Arc<str>,
    profiles: Arc<ProfileSet>,
    profile: String,
    choice: ProfileChoice,
    endpoint: EndpointParams,
    client_config: ClientConfig,
    observer: Option<SigningObserver>,
    attempts: Option<AttemptObserver>,
    mfa: Option<MfaCallback>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("profile", &self.profile)
            .field("choice", &self.choice)
            .field("endpoint", &self.endpoint)
            .field("os", &self.os)
            .finish_non_exhaustive()
    }
}

/// Settings given in code before [`Config`] reads the rest ([`Config::builder`]).
#[derive(Default)]
pub struct ConfigBuilder {
    profile: Option<String>,
    region: Option<String>,
    endpoint_url: Option<String>,
    os: Option<Os>,
    client_config: Option<ClientConfig>,
    observer: Option<SigningObserver>,
    attempts: Option<AttemptObserver>,
    mfa: Option<MfaCallback>,
}

impl std::fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("profile", &self.profile)
            .field("region", &self.region)
            .field("endpoint_url", &self.endpoint_url)
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    /// Uses this profile and only this one, as `--profile` does: never the
    /// environment's keys (except through `credential_source = Environment`), never the
    /// container or instance metadata after it, and an error when it does not exist.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Calls and signs for this region (it wins over `AWS_REGION`,
    /// `AWS_DEFAULT_REGION` and the profile's `region`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Calls STS at this URL (it wins over `AWS_ENDPOINT_URL_STS` and the profile's):
    /// `https`, or `http` to a loopback host.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Reads the environment and files of `os` instead of the process's ([`Os::fake`]
    /// in tests).
    pub fn os(mut self, os: Os) -> Self {
        self.os = Some(os);
        self
    }

    /// The STS client's retries, timeouts and deadline.
    pub fn client_config(mut self, config: ClientConfig) -> Self {
        self.client_config = Some(config);
        self
    }

    /// Gives MFA codes for roles with `mfa_serial` (without one, such a role fails
    /// with [`crate::error::CredentialsError::MfaCodeNeeded`]).
    pub fn mfa(
        mut self,
        code_for_serial: impl Fn(&str) -> Option<secrecy::SecretString> + Send + Sync + 'static,
    ) -> Self {
        self.mfa = Some(Arc::new(code_for_serial));
        self
    }

    /// Calls `observer` with each signing's canonical request and string to sign
    /// (redacted), for every STS call made with this configuration.
    pub fn signing_observer(
        mut self,
        observer: impl Fn(&SigningOutput) + Send + Sync + 'static,
    ) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// Calls `observer` with what each attempt of every STS call made with this
    /// configuration came to (see [`crate::client::AttemptReport`]).
    pub fn attempt_observer(
        mut self,
        observer: impl Fn(&crate::client::AttemptReport) + Send + Sync + 'static,
    ) -> Self {
        self.attempts = Some(Arc::new(observer));
        self
    }

    /// Reads the environment and the config and credentials files.
    ///
    /// # Errors
    /// [`Error::Credentials`] for a file that exists but cannot be read or parsed, a
    /// variable that is set but not UTF-8, or a setting that breaks its rule (such as
    /// `AWS_USE_FIPS_ENDPOINT=1`, or a `services` section that does not exist). Nothing
    /// is sent, and a missing region is not an error here.
    pub fn load(self) -> Result<Config, Error> {
        let os = self.os.unwrap_or_default();
        let (profiles, files) = load_profiles(&os)?;
        let (profile, choice) = selected_profile(&os, self.profile.as_deref())
            .map_err(crate::error::CredentialsError::from)?;
        let endpoint = endpoint_params(
            &os,
            self.endpoint_url.as_deref(),
            self.region.as_deref(),
            &profiles,
            &profile,
        )?;
        Ok(Config {
            os,
            files: files.into(),
            profiles: Arc::new(profiles),
            profile,
            choice,
            endpoint,
            client_config: self.client_config.unwrap_or_default(),
            observer: self.observer,
            attempts: self.attempts,
            mfa: self.mfa,
        })
    }
}

impl Config {
    /// Reads the process's environment and the AWS CLI's files, with no setting given
    /// in code ([`Config::builder`] gives some).
    ///
    /// # Errors
    /// As [`ConfigBuilder::load`].
    pub fn load() -> Result<Config, Error> {
        Config::builder().load()
    }

    /// Settings to give in code before the rest is read.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The region: the builder's, else `AWS_REGION`, else `AWS_DEFAULT_REGION`, else
    /// the profile's `region`.
    pub fn region(&self) -> Option<&str> {
        self.endpoint.region.as_deref()
    }

    /// The selected profile's name.
    pub fn profile(&self) -> &str {
        &self.profile
    }

    /// How the profile was chosen.
    pub fn profile_choice(&self) -> ProfileChoice {
        self.choice
    }

    /// The parsed config and credentials files.
    pub fn profiles(&self) -> &ProfileSet {
        &self.profiles
    }

    /// The environment and files this configuration reads.
    pub fn os(&self) -> &Os {
        &self.os
    }

    /// The STS endpoint the endpoint rules give for these settings.
    ///
    /// # Errors
    /// [`Error::Call`] with [`crate::error::InputError::EndpointRules`] when the
    /// settings give no endpoint (no region, FIPS with a custom URL, ...), or
    /// [`crate::error::InputError::Endpoint`] for a refused URL.
    pub fn endpoint(&self) -> Result<Endpoint, Error> {
        Ok(Endpoint::from_params(&self.endpoint)?)
    }

    /// The endpoint identity proofs are signed for ([`crate::sts::proof`]): as
    /// [`Config::endpoint`], except that with no region it is the global endpoint
    /// `https://sts.amazonaws.com/` signed for `us-east-1`, as the AWS CLI's
    /// `eks get-token` and Vault's clients sign them.
    ///
    /// # Errors
    /// As [`Config::endpoint`].
    pub fn proof_endpoint(&self) -> Result<Endpoint, Error> {
        if self.endpoint.region.is_some() {
            return self.endpoint();
        }
        let global = self.endpoint.clone().with_region(Some("aws-global".into()));
        Ok(Endpoint::from_params(&global)?)
    }

    /// The endpoint a Vault login (`iam` type) is signed for, as Vault's own CLI and
    /// hvac sign it: the URL given (`endpoint_url`, `AWS_ENDPOINT_URL_STS`, the
    /// profile's), else the global endpoint `https://sts.amazonaws.com/`, whatever the
    /// region; signed for the region (`us-east-1` when there is none, or for
    /// `aws-global`), which a Vault server configured with `sts_region` checks.
    ///
    /// # Errors
    /// As [`Config::endpoint`], for a refused URL or region.
    pub fn vault_endpoint(&self) -> Result<Endpoint, Error> {
        let region = match self.endpoint.region.as_deref() {
            None | Some("aws-global") => crate::sts::GLOBAL_SIGNING_REGION,
            Some(r) => r,
        };
        let url = self
            .endpoint
            .endpoint
            .as_deref()
            .unwrap_or(crate::sts::GLOBAL_URL);
        Ok(Endpoint::parse(url, region)?)
    }

    fn selected(&self) -> Option<Properties> {
        self.profiles.profile(&self.profile).map(|p| p.into_owned())
    }

    /// An STS client for [`Config::endpoint`] over reqwest, with the CA bundle, the
    /// client settings and the signing observer given.
    ///
    /// # Errors
    /// As [`Config::endpoint`]; [`Error::Call`] with
    /// [`crate::error::InputError::Invalid`] for an unreadable CA bundle or proxy
    /// variable.
    pub fn sts_client(&self) -> Result<StsClient, Error> {
        let endpoint = self.endpoint()?;
        let transport = ReqwestTransport::new(
            transport_config(&self.os, self.selected().as_ref()).map_err(Error::from)?,
        );
        let mut client = StsClient::with_transport(endpoint, transport, SystemClock)
            .with_config(self.client_config.clone());
        if let Some(observe) = &self.observer {
            let observe = observe.clone();
            client = client.with_signing_observer(move |out| observe(out));
        }
        if let Some(observe) = &self.attempts {
            let observe = observe.clone();
            client = client.with_attempt_observer(move |report| observe(report));
        }
        Ok(client)
    }

    /// The credential chain `stskit credentials` uses with these settings (the default
    /// chain, or only the profile given to [`ConfigBuilder::profile`]), kept fresh by
    /// the refresh policy: it refreshes ahead of expiry, makes one call however many
    /// callers ask, and serves the old credentials through a short outage. Resolving
    /// needs no region when the chain never calls STS (keys in the environment, a
    /// profile's static keys). Nothing is read or sent until the first
    /// [`CredentialsCache::credentials`].
    pub fn credentials(&self) -> CredentialsCache {
        CredentialsCache::new(self.chain())
    }

    /// The credential chain itself, uncached, over reqwest (a transport for each
    /// purpose, made on first use) and the system clock.
    pub fn chain(&self) -> Chain {
        let connect: Connect<ReqwestTransport> = Arc::new(|os, profile, purpose| {
            let config = transport_config(os, profile)?;
            Ok(Arc::new(ReqwestTransport::new(match purpose {
                Purpose::Sts => config,
                Purpose::Metadata(timeout) => crate::provider::metadata_limits(config, timeout),
            })))
        });
        self.chain_from(connect, SystemClock)
    }

    /// The credential chain over `transport` (every STS, container, instance metadata
    /// and IAM Identity Center request goes through it) and `clock`: for tests that
    /// replay recorded traffic at the recording's time.
    pub fn chain_with<T, C>(&self, transport: T, clock: C) -> Chain<T, C>
    where
        T: Transport + 'static,
        C: Clock + Clone + 'static,
    {
        let shared = Arc::new(transport);
        let connect: Connect<T> = Arc::new(move |_, _, _| Ok(shared.clone()));
        self.chain_from(connect, clock)
    }

    fn chain_from<T, C>(&self, connect: Connect<T>, clock: C) -> Chain<T, C>
    where
        T: Transport + 'static,
        C: Clock + Clone + 'static,
    {
        let settings = RunnerSettings {
            os: self.os.clone(),
            connect,
            endpoint: self.endpoint.clone(),
            client_config: self.client_config.clone(),
            observer: self.observer.clone(),
            attempts: self.attempts.clone(),
            mfa: self.mfa.clone(),
            profile: self.selected(),
        };
        Chain::new(
            self.profiles.clone(),
            self.files.clone(),
            self.profile.clone(),
            self.choice,
            Runner::new(settings, clock),
        )
    }
}
