//! One file per STS operation, each an [`Operation`](super::Operation).

pub mod assume_role;
pub mod get_caller_identity;

pub use assume_role::{AssumeRole, CHAINED_MAX_DURATION_SECONDS, DEFAULT_DURATION_SECONDS};
pub use get_caller_identity::GetCallerIdentity;
