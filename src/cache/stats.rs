//! What a cache did and holds, for logs and metrics: counts and a snapshot, never a
//! secret.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use time::OffsetDateTime;

/// Counters of what callers got (only the paths that are not a plain hit count, so a
/// hit touches no shared counter).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) fetches: AtomicU64,
    pub(crate) failures: AtomicU64,
    pub(crate) rate_limited: AtomicU64,
    pub(crate) served_stale: AtomicU64,
    pub(crate) served_expired: AtomicU64,
    pub(crate) cached_errors: AtomicU64,
}

/// Counts of a cache's work since it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CacheStats {
    /// Calls to the source (each refresh or first fetch).
    pub fetches: u64,
    /// Of those, the ones that failed (errors and already-expired answers).
    pub failures: u64,
    /// Callers that got the cached credentials because a backoff held a due refresh off.
    pub rate_limited: u64,
    /// Callers that got the cached credentials after a refresh failed, or during a
    /// backoff.
    pub served_stale: u64,
    /// Of those, the ones whose credentials had already expired (only during a backoff).
    pub served_expired: u64,
    /// Callers that got a cached non-recoverable error without a call.
    pub cached_errors: u64,
}

impl Counters {
    pub(crate) fn snapshot(&self) -> CacheStats {
        let l = |a: &AtomicU64| a.load(Ordering::Relaxed);
        CacheStats {
            fetches: l(&self.fetches),
            failures: l(&self.failures),
            rate_limited: l(&self.rate_limited),
            served_stale: l(&self.served_stale),
            served_expired: l(&self.served_expired),
            cached_errors: l(&self.cached_errors),
        }
    }
}

/// Adds one to a counter.
pub(crate) fn bump(a: &AtomicU64) {
    a.fetch_add(1, Ordering::Relaxed);
}

/// What a cache holds now, without secrets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CacheSnapshot {
    /// The cached access key id.
    pub access_key_id: Option<String>,
    /// When the cached credentials expire.
    pub expiration: Option<OffsetDateTime>,
    /// Their advisory window.
    pub advisory_window: Option<Duration>,
    /// When a refresh is wanted (`None`: never).
    pub refresh_at: Option<OffsetDateTime>,
    /// No refresh before this moment.
    pub backoff_until: Option<OffsetDateTime>,
    /// The last failure, as text (no secrets: errors never carry any).
    pub last_failure: Option<String>,
}
