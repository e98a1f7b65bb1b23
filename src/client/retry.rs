//! Backoff and jitter: pure functions of the attempt number and a random draw.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use time::OffsetDateTime;

/// Given the largest allowed wait, the wait.
pub(crate) type Jitter = Arc<dyn Fn(Duration) -> Duration + Send + Sync>;

/// The largest wait before retry number `attempt` (1 for the first retry): the base
/// doubled per retry, capped.
pub(crate) fn backoff_cap(attempt: u32, base: Duration, cap: Duration) -> Duration {
    base.saturating_mul(1u32 << attempt.saturating_sub(1).min(20))
        .min(cap)
}

/// Full jitter from a xorshift64* generator seeded by the clock: plenty for spreading
/// retries, and no dependency.
pub(crate) fn default_jitter() -> Jitter {
    let seed = AtomicU64::new((OffsetDateTime::now_utc().unix_timestamp_nanos() as u64) | 1);
    Arc::new(move |max: Duration| {
        // xorshift64*: plenty for spreading retries, and no dependency.
        let mut x = seed.load(Ordering::Relaxed);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        seed.store(x, Ordering::Relaxed);
        let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        let max_ns = max.as_nanos().min(u128::from(u64::MAX)) as u64;
        Duration::from_nanos(if max_ns == 0 { 0 } else { r % (max_ns + 1) })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_up_to_the_cap() {
        let (base, cap) = (Duration::from_secs(1), Duration::from_secs(20));
        let waits: Vec<u64> = (1..=7)
            .map(|a| backoff_cap(a, base, cap).as_secs())
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 20, 20]);
        assert_eq!(backoff_cap(u32::MAX, base, cap), cap);
    }

    #[test]
    fn jitter_stays_within_the_cap() {
        let j = default_jitter();
        for max in [0, 1, 1_000, 20_000_000_000u64] {
            let max = Duration::from_nanos(max);
            assert!(j(max) <= max);
        }
    }
}
