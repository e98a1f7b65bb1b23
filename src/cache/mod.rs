//! Keeping credentials fresh.
//!
//! - [`policy`]: the refresh policy as pure functions (always built).
//! - [`CredentialsCache`]: any provider kept fresh in memory, with a single flight,
//!   serve-stale backoff and cached non-recoverable errors (feature `client`).
//! - [`RoleCache`]: one such lifecycle per role, bounded, for services that assume a
//!   role per tenant (feature `client`).
//! - [`FileCache`]: the AWS CLI's assumed-role cache, `~/.aws/cli/cache`, read and
//!   written byte for byte as botocore does (feature `client`).

#[cfg(feature = "client")]
mod file;
#[cfg(feature = "client")]
mod hot;
#[cfg(feature = "client")]
mod lifecycle;
#[cfg(feature = "client")]
mod memory;
#[cfg(feature = "client")]
mod multi;
pub mod policy;
#[cfg(feature = "client")]
mod stats;

#[cfg(feature = "client")]
pub use crate::provider::cache_key::CacheKey;
pub use crate::random::{Random, SystemRandom};
#[cfg(feature = "client")]
pub use file::{CachedCredentials, FileCache, Lookup, REUSE_WINDOW};
#[cfg(feature = "client")]
pub use memory::{CredentialsCache, CredentialsCacheBuilder, DEFAULT_FETCH_TIMEOUT};
#[cfg(feature = "client")]
pub use multi::{RoleCache, RoleKey};
pub use policy::RefreshPolicy;
#[cfg(feature = "client")]
pub use stats::{CacheSnapshot, CacheStats};
