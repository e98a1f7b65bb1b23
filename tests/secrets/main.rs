//! No secret in any `Debug`, `Display`, error, snapshot or trace field, over thousands of random secrets.
//!
//! One test binary for one concern; each module below is one part of it.

#[allow(dead_code)]
#[path = "../common/windows.rs"]
mod windows;

mod caches;
#[cfg(feature = "tracing")]
mod tracing;
mod values;
