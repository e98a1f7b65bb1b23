//! The random source a cache draws its backoffs, error lifetimes and jitter from.
//! Injected, so tests pin it; the default needs no dependency.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// Where a cache's random numbers come from. Not for cryptography: the draws only
/// spread retries and refreshes in time.
pub trait Random: Send + Sync {
    /// A uniformly distributed 64-bit number.
    fn next_u64(&self) -> u64;
}

impl<F: Fn() -> u64 + Send + Sync> Random for F {
    fn next_u64(&self) -> u64 {
        self()
    }
}

/// A SplitMix64 sequence seeded from the standard library's per-process random hash
/// keys (different in every process and every instance).
#[derive(Debug)]
pub struct SystemRandom {
    state: AtomicU64,
}

impl Default for SystemRandom {
    fn default() -> Self {
        SystemRandom::new()
    }
}

impl SystemRandom {
    /// A sequence with a fresh seed.
    pub fn new() -> Self {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(0x5354_534b_4954);
        SystemRandom::seeded(h.finish())
    }

    /// A sequence with a given seed (the same seed gives the same draws).
    pub fn seeded(seed: u64) -> Self {
        SystemRandom {
            state: AtomicU64::new(seed),
        }
    }
}

const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

impl Random for SystemRandom {
    fn next_u64(&self) -> u64 {
        let mut z = self
            .state
            .fetch_add(GAMMA, Ordering::Relaxed)
            .wrapping_add(GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_the_same_sequence_and_fresh_instances_differ() {
        let (a, b) = (SystemRandom::seeded(7), SystemRandom::seeded(7));
        let xs: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..4).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs[0], xs[1]);
        assert_ne!(
            SystemRandom::new().next_u64(),
            SystemRandom::new().next_u64()
        );
    }

    #[test]
    fn draws_spread_over_a_small_range() {
        let r = SystemRandom::seeded(1);
        let mut seen = [0u32; 5];
        for _ in 0..5000 {
            seen[(r.next_u64() % 5) as usize] += 1;
        }
        assert!(seen.iter().all(|&n| (800..1200).contains(&n)), "{seen:?}");
    }
}
