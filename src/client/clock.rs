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

    /// The current time as [`Clock::now_unix_nanos`] gives it, possibly a few
    /// milliseconds *ahead* (never behind) and cheaper to read: what a cache's hit path
    /// compares with deadlines minutes away, so a hit can only end a little early, never
    /// late. The default reads [`Clock::now_unix_nanos`].
    fn now_coarse_unix_nanos(&self) -> i128 {
        self.now_unix_nanos()
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

/// The `stskit` binary's recording clock (`--record`, `--replay`): the time every
/// [`SystemClock`] of the process reads from then on, frozen, or running on from it.
#[cfg(feature = "cli")]
static PINNED: std::sync::OnceLock<(OffsetDateTime, Option<std::time::Instant>)> =
    std::sync::OnceLock::new();

/// Pins the process's [`SystemClock`] at `at`: frozen there, or (`running`) moving on
/// from it with the monotonic clock. Only the binary does this, once, before any
/// reading; `false` when it already was.
#[cfg(feature = "cli")]
pub(crate) fn pin_system_clock(at: OffsetDateTime, running: bool) -> bool {
    PINNED
        .set((at, running.then(std::time::Instant::now)))
        .is_ok()
}

#[cfg(feature = "cli")]
fn pinned() -> Option<OffsetDateTime> {
    let (at, since) = PINNED.get()?;
    Some(match since {
        None => *at,
        Some(start) => at
            .checked_add(time::Duration::try_from(start.elapsed()).unwrap_or(time::Duration::ZERO))
            .unwrap_or(*at),
    })
}

#[cfg(not(feature = "cli"))]
#[inline(always)]
fn pinned() -> Option<OffsetDateTime> {
    None
}

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        if let Some(t) = pinned() {
            return t;
        }
        OffsetDateTime::now_utc()
    }

    fn now_unix_nanos(&self) -> i128 {
        if let Some(t) = pinned() {
            return t.unix_timestamp_nanos();
        }
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i128,
            Err(e) => -(e.duration().as_nanos() as i128),
        }
    }

    /// On Linux, the kernel's coarse realtime clock (`CLOCK_REALTIME_COARSE`, read from
    /// the vDSO in a few nanoseconds) plus its resolution (the scheduler tick, a few
    /// milliseconds), so the value is never behind the wall clock. It is the wall clock,
    /// so it follows clock steps and suspend as [`SystemClock::now_unix_nanos`] does.
    /// Elsewhere, the system clock.
    fn now_coarse_unix_nanos(&self) -> i128 {
        if let Some(t) = pinned() {
            return t.unix_timestamp_nanos();
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            use rustix::time::{ClockId, clock_getres, clock_gettime};
            use std::sync::atomic::{AtomicI64, Ordering};
            // The resolution, read once (0 = not read yet).
            static RESOLUTION: AtomicI64 = AtomicI64::new(0);
            let mut res = RESOLUTION.load(Ordering::Relaxed);
            if res == 0 {
                let r = clock_getres(ClockId::RealtimeCoarse);
                // A resolution the kernel gives is under a second; anything else is
                // taken as the coarsest sensible tick (100 Hz).
                res = match r.tv_sec {
                    0 if r.tv_nsec > 0 => r.tv_nsec as i64,
                    _ => 10_000_000,
                };
                RESOLUTION.store(res, Ordering::Relaxed);
            }
            let t = clock_gettime(ClockId::RealtimeCoarse);
            i128::from(t.tv_sec) * 1_000_000_000 + i128::from(t.tv_nsec) + i128::from(res)
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        {
            self.now_unix_nanos()
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

#[cfg(test)]
mod tests {
    use super::{Clock, SystemClock};

    /// The coarse clock is the wall clock: read between two fine readings, it lies
    /// between them, give or take its resolution and the tick a busy VM may miss.
    #[test]
    fn coarse_reading_is_the_wall_clock() {
        const SLACK: i128 = 50_000_000;
        for _ in 0..1000 {
            let before = SystemClock.now_unix_nanos();
            let coarse = SystemClock.now_coarse_unix_nanos();
            let after = SystemClock.now_unix_nanos();
            assert!(coarse > before - SLACK, "{coarse} vs {before}");
            assert!(coarse < after + SLACK, "{coarse} vs {after}");
        }
    }

    /// A clock that gives only `now` answers the coarse reading with the fine one, so
    /// a test's clock drives the hit path exactly.
    #[test]
    fn a_test_clock_answers_coarse_with_its_own_time() {
        let t = time::macros::datetime!(2026-12-05 08:00 UTC);
        let clock = move || t;
        assert_eq!(clock.now_coarse_unix_nanos(), t.unix_timestamp_nanos());
    }
}
