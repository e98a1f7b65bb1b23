//! The one place stskit reads a clock.

use time::OffsetDateTime;

/// Where the time comes from. The only place stskit reads a clock.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> OffsetDateTime;

    /// The current time as nanoseconds since the Unix epoch (a cache's hot path
    /// compares these without building a calendar date). The default reads
    /// [`Clock::now`].
    fn now_unix_nanos(&self) -> i128 {
        self.now().unix_timestamp_nanos()
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    fn now_unix_nanos(&self) -> i128 {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i128,
            Err(e) => -(e.duration().as_nanos() as i128),
        }
    }
}

impl<F: Fn() -> OffsetDateTime + Send + Sync> Clock for F {
    fn now(&self) -> OffsetDateTime {
        self()
    }
}

impl crate::credentials::StsCredentials {
    /// Whether the credentials expire within `window` from now (system clock), for
    /// code that checks on its own (`creds.expires_within(Duration::from_secs(300))`).
    pub fn expires_within(&self, window: std::time::Duration) -> bool {
        self.expires_within_at(window, SystemClock.now())
    }
}
