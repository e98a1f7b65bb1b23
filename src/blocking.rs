//! stskit from plain `fn main`, with no async runtime of your own: the client, any
//! provider and the cache, each on a small runtime stskit owns (one thread, timers on).
//!
//! Called from inside a tokio runtime, every call returns an error
//! ([`CallError::InsideRuntime`], [`CredentialsError::InsideRuntime`]) instead of blocking
//! the runtime or panicking: use the async API there.
//!
//! ```no_run
//! fn main() -> Result<(), stskit::Error> {
//!     // The settings and the chain of `stskit credentials`, without async.
//!     let config = stskit::blocking::Config::load()?;
//!     let source = config.credentials()?.credentials()?;
//!     let client = config.sts_client()?;
//!     let role = stskit::sts::AssumeRole::new("arn:aws:iam::123456789012:role/demo", "cli");
//!     let out = client.assume_role(&source.credentials, &role)?;
//!     println!("{}", out.credentials.access_key_id());
//!     Ok(())
//! }
//! ```

use std::future::Future;
use std::sync::Arc;

use crate::cache::CredentialsCache;
use crate::client::error::CallError;
use crate::client::{Clock, StsClient, SystemClock, Verified};
use crate::credentials::Credentials;
use crate::provider::error::{CredentialsError, ProvideError};
use crate::provider::{ProvideCredentials, Provided};
use crate::sts::{AssumeRole, AssumeRoleOutput, CallerIdentity, Endpoint, Operation};
use crate::transport::{ReqwestTransport, Transport};

/// A runtime stskit owns: one thread, IO and timers. Dropped inside another runtime,
/// it shuts down in the background instead of blocking (or panicking).
#[derive(Debug)]
pub struct Runtime {
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take()
            && tokio::runtime::Handle::try_current().is_ok()
        {
            rt.shutdown_background();
        }
    }
}

impl Runtime {
    /// Starts the runtime.
    ///
    /// # Errors
    /// The `io::Error` of starting it (the system refused a thread or a timer).
    pub fn new() -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Runtime {
            runtime: Some(runtime),
        })
    }

    /// Runs `future` to its end on this runtime, or `None` when the caller is inside a
    /// tokio runtime already (blocking there would stall it).
    pub fn block_on<F: Future>(&self, future: F) -> Option<F::Output> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return None;
        }
        self.runtime.as_ref().map(|rt| rt.block_on(future))
    }
}

/// [`StsClient`] without async.
#[derive(Debug)]
pub struct BlockingClient<T = ReqwestTransport, C = SystemClock> {
    runtime: Runtime,
    client: StsClient<T, C>,
}

impl BlockingClient {
    /// A client for `endpoint` over reqwest.
    ///
    /// # Errors
    /// The `io::Error` of starting the runtime.
    pub fn new(endpoint: Endpoint) -> std::io::Result<Self> {
        BlockingClient::with_client(StsClient::new(endpoint))
    }
}

impl<T: Transport, C: Clock> BlockingClient<T, C> {
    /// `client` without async.
    ///
    /// # Errors
    /// The `io::Error` of starting the runtime.
    pub fn with_client(client: StsClient<T, C>) -> std::io::Result<Self> {
        Ok(BlockingClient {
            runtime: Runtime::new()?,
            client,
        })
    }

    /// The async client inside.
    pub fn client(&self) -> &StsClient<T, C> {
        &self.client
    }

    fn run<R>(&self, f: impl Future<Output = Result<R, CallError>>) -> Result<R, CallError> {
        self.runtime
            .block_on(f)
            .unwrap_or(Err(CallError::InsideRuntime))
    }

    /// As [`StsClient::send`].
    ///
    /// # Errors
    /// As [`StsClient::send`]; [`CallError::InsideRuntime`] inside a tokio runtime.
    pub fn send<O: Operation>(
        &self,
        source: Option<&Credentials>,
        operation: &O,
    ) -> Result<O::Output, CallError> {
        self.run(self.client.send(source, operation))
    }

    /// As [`StsClient::assume_role`].
    ///
    /// # Errors
    /// As [`BlockingClient::send`].
    pub fn assume_role(
        &self,
        source: &Credentials,
        request: &AssumeRole,
    ) -> Result<AssumeRoleOutput, CallError> {
        self.run(self.client.assume_role(source, request))
    }

    /// As [`StsClient::get_caller_identity`].
    ///
    /// # Errors
    /// As [`BlockingClient::send`].
    pub fn get_caller_identity(&self, source: &Credentials) -> Result<CallerIdentity, CallError> {
        self.run(self.client.get_caller_identity(source))
    }

    /// As [`StsClient::verify`].
    ///
    /// # Errors
    /// As [`BlockingClient::send`].
    pub fn verify(&self, credentials: &Credentials) -> Result<Verified, CallError> {
        self.run(self.client.verify(credentials))
    }
}

/// Any [`ProvideCredentials`] without async (each call fetches afresh; wrap a
/// [`CredentialsCache`] in a [`BlockingCache`] to keep them).
#[derive(Debug)]
pub struct BlockingProvider<P> {
    runtime: Runtime,
    provider: P,
}

impl<P: ProvideCredentials> BlockingProvider<P> {
    /// `provider` without async.
    ///
    /// # Errors
    /// The `io::Error` of starting the runtime.
    pub fn new(provider: P) -> std::io::Result<Self> {
        Ok(BlockingProvider {
            runtime: Runtime::new()?,
            provider,
        })
    }

    /// Fetches credentials.
    ///
    /// # Errors
    /// As the provider; [`CredentialsError::InsideRuntime`] inside a tokio runtime.
    pub fn provide_credentials(&self) -> Result<Provided, ProvideError> {
        self.runtime
            .block_on(self.provider.provide_credentials())
            .unwrap_or(Err(ProvideError::Failed(CredentialsError::InsideRuntime)))
    }
}

/// A [`CredentialsCache`] without async. Valid credentials come back without touching
/// the runtime; a refresh runs on it. Share it between threads as it is (`&self`).
#[derive(Debug)]
pub struct BlockingCache {
    runtime: Runtime,
    cache: CredentialsCache,
}

impl BlockingCache {
    /// `cache` without async.
    ///
    /// # Errors
    /// The `io::Error` of starting the runtime.
    pub fn new(cache: CredentialsCache) -> std::io::Result<Self> {
        Ok(BlockingCache {
            runtime: Runtime::new()?,
            cache,
        })
    }

    /// The cache inside (for `invalidate`, `stats`, `snapshot`).
    pub fn cache(&self) -> &CredentialsCache {
        &self.cache
    }

    /// As [`CredentialsCache::credentials`].
    ///
    /// # Errors
    /// As [`CredentialsCache::credentials`]; [`CredentialsError::InsideRuntime`] inside a
    /// tokio runtime when a refresh is needed.
    pub fn credentials(&self) -> Result<Arc<Provided>, crate::Error> {
        if let Some(p) = self.cache.valid_credentials() {
            return Ok(p);
        }
        self.runtime
            .block_on(self.cache.credentials())
            .unwrap_or(Err(CredentialsError::InsideRuntime.into()))
    }
}

/// [`crate::Config`] without async: the same settings, read the same way, with a
/// blocking client and a blocking cache over the same chain.
///
/// ```no_run
/// fn main() -> Result<(), stskit::Error> {
///     let config = stskit::blocking::Config::load()?;
///     println!("region: {:?}", config.region());
///     let credentials = config.credentials()?; // a BlockingCache over the chain
///     let provided = credentials.credentials()?;
///     println!("{}", provided.credentials.access_key_id());
///     Ok(())
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    inner: crate::Config,
}

/// Settings given in code before [`Config`] reads the rest (as
/// [`crate::ConfigBuilder`]).
#[derive(Debug, Default)]
pub struct ConfigBuilder {
    inner: crate::ConfigBuilder,
}

impl ConfigBuilder {
    /// As [`crate::ConfigBuilder::profile`]: this profile only.
    pub fn profile(self, name: impl Into<String>) -> Self {
        ConfigBuilder {
            inner: self.inner.profile(name),
        }
    }

    /// As [`crate::ConfigBuilder::region`].
    pub fn region(self, region: impl Into<String>) -> Self {
        ConfigBuilder {
            inner: self.inner.region(region),
        }
    }

    /// As [`crate::ConfigBuilder::endpoint_url`].
    pub fn endpoint_url(self, url: impl Into<String>) -> Self {
        ConfigBuilder {
            inner: self.inner.endpoint_url(url),
        }
    }

    /// As [`crate::ConfigBuilder::os`].
    pub fn os(self, os: crate::provider::Os) -> Self {
        ConfigBuilder {
            inner: self.inner.os(os),
        }
    }

    /// As [`crate::ConfigBuilder::client_config`].
    pub fn client_config(self, config: crate::client::ClientConfig) -> Self {
        ConfigBuilder {
            inner: self.inner.client_config(config),
        }
    }

    /// As [`crate::ConfigBuilder::mfa`].
    pub fn mfa(
        self,
        code_for_serial: impl Fn(&str) -> Option<secrecy::SecretString> + Send + Sync + 'static,
    ) -> Self {
        ConfigBuilder {
            inner: self.inner.mfa(code_for_serial),
        }
    }

    /// As [`crate::ConfigBuilder::load`].
    ///
    /// # Errors
    /// As [`crate::ConfigBuilder::load`].
    pub fn load(self) -> Result<Config, crate::Error> {
        Ok(Config {
            inner: self.inner.load()?,
        })
    }
}

impl Config {
    /// As [`crate::Config::load`].
    ///
    /// # Errors
    /// As [`crate::Config::load`].
    pub fn load() -> Result<Config, crate::Error> {
        Config::builder().load()
    }

    /// As [`crate::Config::builder`].
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// As [`crate::Config::region`].
    pub fn region(&self) -> Option<&str> {
        self.inner.region()
    }

    /// As [`crate::Config::profile`].
    pub fn profile(&self) -> &str {
        self.inner.profile()
    }

    /// The async configuration inside.
    pub fn config(&self) -> &crate::Config {
        &self.inner
    }

    /// As [`crate::Config::credentials`], on a runtime of its own: a [`BlockingCache`]
    /// over the chain, kept fresh by the refresh policy.
    ///
    /// # Errors
    /// [`crate::Error::Runtime`] when the runtime cannot start.
    pub fn credentials(&self) -> Result<BlockingCache, crate::Error> {
        BlockingCache::new(self.inner.credentials()).map_err(crate::Error::Runtime)
    }

    /// As [`crate::Config::sts_client`], on a runtime of its own.
    ///
    /// # Errors
    /// As [`crate::Config::sts_client`]; [`crate::Error::Runtime`] when the runtime
    /// cannot start.
    pub fn sts_client(&self) -> Result<BlockingClient, crate::Error> {
        BlockingClient::with_client(self.inner.sts_client()?).map_err(crate::Error::Runtime)
    }
}
