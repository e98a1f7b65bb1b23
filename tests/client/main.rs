//! The calling client and its one IO layer: timeouts, retries, caps, skew, the routes a signed request may take, and the blocking API.
//!
//! One test binary for one concern; each module below is one part of it.

#[allow(dead_code)]
#[cfg(feature = "test-util")]
#[path = "../common/binary.rs"]
mod binary;
#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;
#[allow(dead_code)]
#[cfg(feature = "test-util")]
#[path = "../common/double.rs"]
mod double;

mod blocking;
mod cassette;
mod routes;
mod transport;
