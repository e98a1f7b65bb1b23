//! The STS operations: recorded answers through the parsers, the service model, the endpoint rules, every operation through the client, and moto and botocore as peers.
//!
//! One test binary for one concern; each module below is one part of it.

#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;
#[allow(dead_code)]
#[cfg(feature = "test-util")]
#[path = "../common/double.rs"]
mod double;
#[allow(dead_code)]
#[path = "../common/dump.rs"]
mod dump;
#[allow(dead_code)]
#[path = "../common/rng.rs"]
mod rng;

mod botocore_client;
#[cfg(feature = "test-util")]
mod cassette;
#[cfg(feature = "client")]
mod endpoint_rules;
mod fixtures;
mod moto;
mod operations;
#[cfg(feature = "client")]
mod proofs;
#[cfg(feature = "client")]
mod service_model;
