//! Retry, timeout and skew settings of the client.

use std::time::Duration;

/// Retry, timeout and skew settings. Defaults: 3 attempts, 10 s per attempt, 30 s in
/// all, full-jitter backoff from 1 s capped at 20 s, skew corrected past 4 minutes.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ClientConfig {
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: u32,
    /// Longest time for one attempt (also enforced around custom transports).
    pub attempt_timeout: Duration,
    /// Longest time for the whole call, retries and backoff included.
    pub deadline: Duration,
    /// Backoff base: the n-th retry waits a random time up to `base * 2^(n-1)`.
    pub backoff_base: Duration,
    /// Backoff cap.
    pub backoff_cap: Duration,
    /// A server `Date` this far from the local clock on a skew error triggers one
    /// re-signed attempt at the server's time.
    pub skew_threshold: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            max_attempts: 3,
            attempt_timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(30),
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(20),
            skew_threshold: Duration::from_secs(240),
        }
    }
}

impl ClientConfig {
    /// Sets the number of attempts (at least 1).
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }
    /// Sets the per-attempt timeout.
    pub fn with_attempt_timeout(mut self, t: Duration) -> Self {
        self.attempt_timeout = t;
        self
    }
    /// Sets the overall deadline.
    pub fn with_deadline(mut self, t: Duration) -> Self {
        self.deadline = t;
        self
    }
    /// Sets the backoff base and cap.
    pub fn with_backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.backoff_base = base;
        self.backoff_cap = cap;
        self
    }
}
