//! Backoff and jitter: pure functions of the attempt number and a random draw.

use std::sync::Arc;
use std::time::Duration;

/// Given the largest allowed wait, the wait.
pub(crate) type Jitter = Arc<dyn Fn(Duration) -> Duration + Send + Sync>;

/// The largest wait before retry number `attempt` (1 for the first retry): the base
/// doubled per retry, capped.
pub(crate) fn backoff_cap(attempt: u32, base: Duration, cap: Duration) -> Duration {
    base.saturating_mul(1u32 << attempt.saturating_sub(1).min(20))
        .min(cap)
}

/// Full jitter from the crate's one generator ([`crate::random::SystemRandom`], seeded
/// per process): plenty for spreading retries, and no dependency.
pub(crate) fn default_jitter() -> Jitter {
    use crate::random::Random;
    let random = crate::random::SystemRandom::new();
    Arc::new(move |max: Duration| {
        let max_ns = max.as_nanos().min(u128::from(u64::MAX)) as u64;
        let r = random.next_u64();
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
