//! Keeping credentials fresh: the memory cache under load, the cross-SDK refresh cases, the role cache, and the AWS CLI's file cache with botocore as the peer.
//!
//! One test binary for one concern; each module below is one part of it.

#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;
#[allow(dead_code)]
#[cfg(feature = "test-util")]
#[path = "../common/double.rs"]
mod double;

mod file_cache;
mod memory;
mod refresh;
mod roles;
