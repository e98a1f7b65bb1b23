//! [`CredentialsCache`]: any [`ProvideCredentials`] kept fresh in memory.

use std::sync::Arc;
use std::time::Duration;

use super::lifecycle::{Lifecycle, Settings};
use super::policy::RefreshPolicy;
use super::stats::{CacheSnapshot, CacheStats, Counters};
use crate::client::{Clock, SystemClock};
use crate::provider::error::ProvideError;
use crate::provider::{ProvideCredentials, ProvideFuture, Provided};
use crate::random::{Random, SystemRandom};

/// The default bound on one fetch from the source: an STS call's own deadline (about
/// 33 s with three attempts) or a `credential_process`'s 60 s fit inside it.
pub const DEFAULT_FETCH_TIMEOUT: Duration = Duration::from_secs(90);

/// A [`ProvideCredentials`] kept fresh: it refreshes ahead of expiry, makes one call
/// to the source however many callers ask at once, keeps serving the old credentials
/// for a while when a refresh fails, and caches errors that no retry will heal for a
/// few seconds. It is a [`ProvideCredentials`] itself. Cloning shares the cache.
///
/// The lifecycle follows the cross-SDK refresh design ([`super::policy`] has the
/// table): credentials that are valid come back without a lock or any IO; in the
/// advisory window one caller refreshes while the others get the cached credentials at
/// once; in the last minute (the mandatory window) every caller waits for the one
/// refresh. A recoverable failure with credentials cached starts a 5-10 minute backoff
/// during which the cached credentials are served, even past their expiry; that is the
/// only case in which expired credentials are returned. A non-recoverable failure
/// ([`crate::error::CredentialsError::is_non_recoverable`]) is returned and cached
/// for 1-5 s.
///
/// The clock and the random source are injected ([`CredentialsCacheBuilder::with_clock`],
/// [`CredentialsCacheBuilder::with_random`]) so tests drive the lifecycle without
/// sleeping.
/// The cache never logs; [`CredentialsCache::stats`] and
/// [`CredentialsCache::snapshot`] report what it did, without secrets.
///
/// Needs a tokio runtime with timers enabled (`enable_time`/`enable_all`, as
/// [`crate::client::StsClient`] does): the fetch timeout is a tokio timer.
///
/// ```
/// # async fn demo() -> Result<(), stskit::Error> {
/// use stskit::cache::CredentialsCache;
/// use stskit::provider::EnvironmentProvider;
///
/// let cache = CredentialsCache::new(EnvironmentProvider::new());
/// let provided = cache.credentials().await?;
/// println!("{}", provided.credentials.access_key_id());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct CredentialsCache {
    inner: Arc<Inner>,
}

struct Inner {
    provider: Box<dyn ProvideCredentials>,
    settings: Settings,
    entry: Lifecycle,
    counters: Counters,
}

type ProvideLater<'a> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<Arc<Provided>, ProvideError>> + Send + 'a>,
>;

impl std::fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialsCache")
            .field("policy", &self.inner.settings.policy)
            .field("snapshot", &self.inner.entry.snapshot())
            .finish_non_exhaustive()
    }
}

impl CredentialsCache {
    /// A cache over `provider`, with the system clock, a fresh random source, the
    /// default policy and [`DEFAULT_FETCH_TIMEOUT`].
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        CredentialsCache::builder(provider).build()
    }

    /// A cache over `provider`, configured before it is built (and shared).
    pub fn builder(provider: impl ProvideCredentials + 'static) -> CredentialsCacheBuilder {
        CredentialsCacheBuilder {
            provider: Box::new(provider),
            settings: Settings {
                clock: Arc::new(SystemClock),
                random: Arc::new(SystemRandom::new()),
                policy: RefreshPolicy::new(),
                fetch_timeout: Some(DEFAULT_FETCH_TIMEOUT),
            },
        }
    }

    /// Credentials for this caller: the cached ones, or a refresh's.
    ///
    /// # Errors
    /// The source's failure when nothing usable is cached, a non-recoverable failure
    /// (returned at once and cached for 1-5 s), or the cached one: the crate's root
    /// [`crate::Error`], whose one-line `Display` (and `Debug`) names the root cause,
    /// so `?` out of `main` prints it readably.
    pub async fn credentials(&self) -> Result<Arc<Provided>, crate::Error> {
        self.fetch().await.map_err(crate::Error::from)
    }

    /// As [`CredentialsCache::credentials`], with the provider's error.
    async fn fetch(&self) -> Result<Arc<Provided>, ProvideError> {
        let inner = &*self.inner;
        if let Some(p) = inner
            .entry
            .valid_at(inner.settings.clock.now_coarse_unix_nanos())
        {
            return Ok(p);
        }
        // Boxed, so the future a hit builds stays small.
        let slow: ProvideLater<'_> = Box::pin(async move {
            inner
                .entry
                .get(&inner.settings, &inner.counters, || {
                    inner.provider.provide_credentials()
                })
                .await
                .map_err(|f| f.to_error())
        });
        slow.await
    }

    /// The cached credentials when the policy hands them out now without any work:
    /// valid, or in the advisory window while a refresh is in flight. No waiting, no
    /// IO (the path every caller takes between refreshes); `None` when a caller has to
    /// go through [`CredentialsCache::credentials`].
    pub fn valid_credentials(&self) -> Option<Arc<Provided>> {
        let inner = &*self.inner;
        inner
            .entry
            .valid_at(inner.settings.clock.now_coarse_unix_nanos())
    }

    /// Reports that AWS rejected a request signed with the key `access_key_id`
    /// (`ExpiredToken`, `InvalidClientTokenId`): when it is the cached key, the next
    /// caller refreshes as if the credentials had expired. An active backoff stays.
    /// A key that is no longer cached (a refresh already replaced it) changes nothing.
    pub fn invalidate(&self, access_key_id: &str) {
        let inner = &*self.inner;
        inner
            .entry
            .invalidate(access_key_id, inner.settings.clock.now());
    }

    /// Drops the cached credentials, backoff and error: the next caller fetches.
    pub fn clear(&self) {
        self.inner.entry.clear();
    }

    /// What is cached now (no secrets).
    pub fn snapshot(&self) -> CacheSnapshot {
        self.inner.entry.snapshot()
    }

    /// Counts of fetches, failures and stale answers since the cache was made.
    pub fn stats(&self) -> CacheStats {
        self.inner.counters.snapshot()
    }
}

/// Replicas of the hot path: two per hardware thread, at least 8 and at most 64
/// (threads take replicas in turn, so more replicas than cores keeps two running
/// threads apart more often).
fn replicas() -> usize {
    std::thread::available_parallelism().map_or(8, |n| (n.get() * 2).clamp(8, 64))
}

/// Configures a [`CredentialsCache`] before it is built.
pub struct CredentialsCacheBuilder {
    provider: Box<dyn ProvideCredentials>,
    settings: Settings,
}

impl std::fmt::Debug for CredentialsCacheBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialsCacheBuilder")
            .field("policy", &self.settings.policy)
            .field("fetch_timeout", &self.settings.fetch_timeout)
            .finish_non_exhaustive()
    }
}

impl CredentialsCacheBuilder {
    /// Reads the time from `clock` (the system clock by default).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.settings.clock = Arc::new(clock);
        self
    }

    /// Draws backoffs, error lifetimes and jitter from `random` (a fresh
    /// [`SystemRandom`] by default).
    pub fn with_random(mut self, random: impl Random + 'static) -> Self {
        self.settings.random = Arc::new(random);
        self
    }

    /// Chooses the advisory window, its jitter and the backoff with `policy`.
    pub fn with_policy(mut self, policy: RefreshPolicy) -> Self {
        self.settings.policy = policy;
        self
    }

    /// Bounds one fetch from the source (`None`: unbounded; the source's own limits
    /// apply). A fetch that runs out is a recoverable failure.
    pub fn with_fetch_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.settings.fetch_timeout = timeout;
        self
    }

    /// The cache.
    pub fn build(self) -> CredentialsCache {
        CredentialsCache {
            inner: Arc::new(Inner {
                provider: self.provider,
                settings: self.settings,
                entry: Lifecycle::new(replicas()),
                counters: Counters::default(),
            }),
        }
    }
}

impl ProvideCredentials for CredentialsCache {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move { self.fetch().await.map(|p| Provided::clone(&p)) })
    }
}
