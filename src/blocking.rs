//! stskit from plain `fn main`, with no async runtime of your own: the client, any
//! provider and the cache, each on a small runtime stskit owns (one thread, timers on).
//!
//! Called from inside a tokio runtime, every call returns an error
//! ([`Error::InsideRuntime`], [`CredentialsError::InsideRuntime`]) instead of blocking
//! the runtime or panicking: use the async API there.
//!
//! ```no_run
//! use stskit::blocking::BlockingClient;
//! use stskit::provider::credentials_from_env;
//! use stskit::sts::{AssumeRole, Endpoint};
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let client = BlockingClient::new(Endpoint::resolve(None, Some("eu-west-1"))?)?;
//!     let source = credentials_from_env()?;
//!     let out = client.assume_role(&source, &AssumeRole::new("arn:aws:iam::123456789012:role/demo", "cli"))?;
//!     println!("{}", out.credentials.access_key_id());
//!     Ok(())
//! }
//! ```

use std::future::Future;
use std::sync::Arc;

use crate::cache::CredentialsCache;
use crate::client::{Clock, StsClient, SystemClock, Verified};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::provider::{CredentialsError, ProvideCredentials, ProvideError, Provided};
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

    fn run<R>(&self, f: impl Future<Output = Result<R, Error>>) -> Result<R, Error> {
        self.runtime
            .block_on(f)
            .unwrap_or(Err(Error::InsideRuntime))
    }

    /// As [`StsClient::send`].
    ///
    /// # Errors
    /// As [`StsClient::send`]; [`Error::InsideRuntime`] inside a tokio runtime.
    pub fn send<O: Operation>(
        &self,
        source: Option<&Credentials>,
        operation: &O,
    ) -> Result<O::Output, Error> {
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
    ) -> Result<AssumeRoleOutput, Error> {
        self.run(self.client.assume_role(source, request))
    }

    /// As [`StsClient::get_caller_identity`].
    ///
    /// # Errors
    /// As [`BlockingClient::send`].
    pub fn get_caller_identity(&self, source: &Credentials) -> Result<CallerIdentity, Error> {
        self.run(self.client.get_caller_identity(source))
    }

    /// As [`StsClient::verify`].
    ///
    /// # Errors
    /// As [`BlockingClient::send`].
    pub fn verify(&self, credentials: &Credentials) -> Result<Verified, Error> {
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
    pub fn credentials(&self) -> Result<Arc<Provided>, ProvideError> {
        if let Some(p) = self.cache.valid_credentials() {
            return Ok(p);
        }
        self.runtime
            .block_on(self.cache.credentials())
            .unwrap_or(Err(ProvideError::Failed(CredentialsError::InsideRuntime)))
    }
}
