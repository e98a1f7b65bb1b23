//! SigV4: the AWS suite, properties of the pure core, and botocore as the reference signer.
//!
//! One test binary for one concern; each module below is one part of it.

#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;
#[allow(dead_code)]
#[path = "../common/rng.rs"]
mod rng;

#[cfg(feature = "client")]
mod botocore;
#[cfg(feature = "client")]
mod edges;
#[cfg(feature = "client")]
mod properties;
mod suite;
