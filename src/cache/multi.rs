//! [`RoleCache`]: one refresh lifecycle per role, for services that assume a role per
//! tenant.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::lifecycle::{Lifecycle, Settings};
use super::memory::DEFAULT_FETCH_TIMEOUT;
use super::policy::RefreshPolicy;
use super::stats::{CacheStats, Counters};
use crate::client::{Clock, StsClient, SystemClock};
use crate::credentials::Credentials;
use crate::provider::Provided;
use crate::provider::error::{CredentialsError, ProvideError};
use crate::random::{Random, SystemRandom};
use crate::sts::AssumeRole;
use crate::transport::Transport;

/// What identifies one cached role session: the source identity and every
/// `AssumeRole` parameter except the MFA code, hashed (SHA-256), so the key holds
/// no external id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoleKey([u8; 32]);

impl RoleKey {
    /// The key of `op` assumed by `source_identity` (the source's access key id, or a
    /// stable name of the principal when its keys rotate).
    pub fn new(source_identity: &str, op: &AssumeRole) -> Self {
        let mut h = Sha256::new();
        h.update((source_identity.len() as u64).to_be_bytes());
        h.update(source_identity.as_bytes());
        h.update(&*op.identity_body());
        RoleKey(h.finalize().into())
    }
}

impl std::fmt::Debug for RoleKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RoleKey({}..)", crate::text::hex(&self.0[..6]))
    }
}

type SlowPath<'a> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<Arc<Provided>, ProvideError>> + Send + 'a>,
>;

/// The keys are SHA-256 digests already: their first eight bytes are the hash.
#[derive(Clone, Copy, Default)]
struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for (i, b) in bytes.iter().take(8).enumerate() {
            self.0 ^= u64::from(*b) << (8 * i);
        }
    }
}

#[derive(Clone, Copy, Default)]
struct DigestHash;

impl BuildHasher for DigestHash {
    type Hasher = DigestHasher;
    fn build_hasher(&self) -> DigestHasher {
        DigestHasher(0)
    }
}

struct Entry {
    life: Lifecycle,
    /// When a caller last asked (unix nanoseconds, by the cache's clock).
    last_used: AtomicI64,
}

/// Role sessions cached per [`RoleKey`], for a service that assumes one role per
/// tenant: each entry has [`super::CredentialsCache`]'s lifecycle (refresh ahead,
/// single flight per key, serve-stale backoff, cached non-recoverable errors).
///
/// Bounded: when a new role would pass the capacity, entries whose credentials have
/// expired go first, then the least recently used. A hit takes a shared read lock and
/// a map lookup; the scan that finds what to evict runs only when a new role arrives
/// at capacity, a moment that costs an STS call anyway.
///
/// Needs a tokio runtime with timers enabled, as [`StsClient`] does.
pub struct RoleCache<T, C> {
    client: StsClient<T, C>,
    entries: RwLock<HashMap<RoleKey, Arc<Entry>, DigestHash>>,
    capacity: usize,
    settings: Settings,
    counters: Counters,
}

impl<T, C> std::fmt::Debug for RoleCache<T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoleCache")
            .field("entries", &read(&self.entries).len())
            .field("capacity", &self.capacity)
            .field("policy", &self.settings.policy)
            .finish_non_exhaustive()
    }
}

impl<T: Transport, C: Clock> RoleCache<T, C> {
    /// A cache of at most `capacity` role sessions (at least one), assumed with
    /// `client`.
    pub fn new(client: StsClient<T, C>, capacity: usize) -> Self {
        RoleCache {
            client,
            entries: RwLock::new(HashMap::with_hasher(DigestHash)),
            capacity: capacity.max(1),
            settings: Settings {
                clock: Arc::new(SystemClock),
                random: Arc::new(SystemRandom::new()),
                policy: RefreshPolicy::new(),
                fetch_timeout: Some(DEFAULT_FETCH_TIMEOUT),
            },
            counters: Counters::default(),
        }
    }

    /// Reads the lifecycle's time from `clock`.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.settings.clock = Arc::new(clock);
        self
    }

    /// Draws backoffs, error lifetimes and jitter from `random`.
    pub fn with_random(mut self, random: impl Random + 'static) -> Self {
        self.settings.random = Arc::new(random);
        self
    }

    /// Chooses each entry's advisory window (and jitter) with `policy`.
    pub fn with_policy(mut self, policy: RefreshPolicy) -> Self {
        self.settings.policy = policy;
        self
    }

    /// The role session `op` assumed with `source`, keyed by the source's access key
    /// id and every parameter of `op` except its MFA code.
    ///
    /// # Errors
    /// As [`super::CredentialsCache::credentials`]: the STS failure when nothing
    /// usable is cached for the role, or a cached non-recoverable one.
    pub async fn assume_role(
        &self,
        source: &Credentials,
        op: &AssumeRole,
    ) -> Result<Arc<Provided>, ProvideError> {
        let key = RoleKey::new(source.access_key_id(), op);
        self.get(&key, source, op).await
    }

    /// As [`RoleCache::assume_role`] with a key computed ahead (`RoleKey::new` with
    /// this `op`), for callers that ask for the same role often.
    ///
    /// # Errors
    /// As [`RoleCache::assume_role`].
    pub async fn get(
        &self,
        key: &RoleKey,
        source: &Credentials,
        op: &AssumeRole,
    ) -> Result<Arc<Provided>, ProvideError> {
        // The hit: the coarse clock (never behind the wall clock), under the map's read
        // lock, no reference to the entry taken.
        let coarse = self.settings.clock.now_coarse_unix_nanos();
        if let Some(e) = read(&self.entries).get(key) {
            e.last_used.store(stamp(coarse), Ordering::Relaxed);
            if let Some(p) = e.life.valid_at(coarse) {
                return Ok(p);
            }
        }
        // Boxed, so the future a hit builds stays small.
        let slow: SlowPath<'_> = Box::pin(async move {
            let now = self.settings.clock.now_unix_nanos();
            let entry = self.entry(key, now);
            entry.last_used.store(stamp(now), Ordering::Relaxed);
            let fetch = || async {
                let out = self.client.send(Some(source), op).await.map_err(|error| {
                    CredentialsError::Sts {
                        profile: String::from("(role cache)"),
                        error,
                    }
                })?;
                Ok(Provided::from_sts(
                    &out.credentials,
                    out.assumed_role_user.as_ref().map(|u| u.arn.as_str()),
                    "role cache",
                ))
            };
            entry
                .life
                .get(&self.settings, &self.counters, fetch)
                .await
                .map_err(|f| f.to_error())
        });
        slow.await
    }

    fn entry(&self, key: &RoleKey, now_nanos: i128) -> Arc<Entry> {
        if let Some(e) = read(&self.entries).get(key) {
            return e.clone();
        }
        let mut map = match self.entries.write() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        if let Some(e) = map.get(key) {
            return e.clone();
        }
        if map.len() >= self.capacity {
            let now = OffsetDateTime::from_unix_timestamp_nanos(now_nanos)
                .unwrap_or(OffsetDateTime::UNIX_EPOCH);
            map.retain(|_, e| !e.life.is_dead(now));
        }
        while map.len() >= self.capacity {
            let oldest = map
                .iter()
                .min_by_key(|(_, e)| e.last_used.load(Ordering::Relaxed))
                .map(|(k, _)| *k);
            match oldest {
                Some(k) => map.remove(&k),
                None => break,
            };
        }
        let e = Arc::new(Entry {
            life: Lifecycle::default(),
            last_used: AtomicI64::new(stamp(now_nanos)),
        });
        map.insert(*key, e.clone());
        e
    }

    /// Drops the session cached under `key`; whether there was one.
    pub fn remove(&self, key: &RoleKey) -> bool {
        match self.entries.write() {
            Ok(mut m) => m.remove(key).is_some(),
            Err(p) => p.into_inner().remove(key).is_some(),
        }
    }

    /// Drops every cached session.
    pub fn clear(&self) {
        match self.entries.write() {
            Ok(mut m) => m.clear(),
            Err(p) => p.into_inner().clear(),
        }
    }

    /// Reports that AWS rejected a request signed with `access_key_id`: the entry
    /// under `key` refreshes at its next use when that is its key.
    pub fn invalidate(&self, key: &RoleKey, access_key_id: &str) {
        if let Some(e) = read(&self.entries).get(key) {
            e.life.invalidate(access_key_id, self.settings.clock.now());
        }
    }

    /// How many sessions are cached.
    pub fn len(&self) -> usize {
        read(&self.entries).len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Counts over every entry (fetches, failures, stale answers).
    pub fn stats(&self) -> CacheStats {
        self.counters.snapshot()
    }
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    match lock.read() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

fn stamp(now_nanos: i128) -> i64 {
    i64::try_from(now_nanos).unwrap_or(i64::MAX)
}
