//! The hot path's data: a replica per thread slot of what a hit needs.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::provider::Provided;

/// What the hot path reads: until when the credentials need no refresh (unix
/// nanoseconds), and the credentials.
#[derive(Debug)]
pub(crate) struct Hot {
    pub(crate) valid_until: i128,
    /// Until when the credentials are at most in the advisory window (the start of
    /// the mandatory window).
    pub(crate) advisory_until: i128,
    pub(crate) provided: Option<Arc<Provided>>,
}

impl Default for Hot {
    fn default() -> Self {
        Hot {
            valid_until: i128::MIN,
            advisory_until: i128::MIN,
            provided: None,
        }
    }
}

/// A value alone on its cache lines, so readers of one replica do not slow the
/// readers of another.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct Padded<T>(pub(crate) T);

static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// This thread's replica index (threads take turns).
    pub(crate) static SLOT: usize = NEXT_SLOT.fetch_add(1, Ordering::Relaxed);
}
