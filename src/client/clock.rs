//! The one place stskit reads a clock.

use time::OffsetDateTime;

/// Where the time comes from. The only place stskit reads a clock.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> OffsetDateTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
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
