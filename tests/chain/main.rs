//! Where credentials come from: the chain's scenarios as data, the profile files and plans against the cross-SDK cases and botocore, and each source (instance metadata, container, IAM Identity Center) against its double and hostile answers.
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
#[path = "../common/rng.rs"]
mod rng;
#[allow(dead_code)]
#[cfg(feature = "test-util")]
#[path = "../common/sources.rs"]
mod sources;

mod botocore;
mod cases;
mod conformance;
mod container;
mod front_door;
mod hostile_sources;
mod imds;
mod properties;
mod sso;
