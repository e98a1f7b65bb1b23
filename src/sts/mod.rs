//! The pure STS core: building requests and parsing answers. No IO, no clock.
//!
//! See the STS API reference: <https://docs.aws.amazon.com/STS/latest/APIReference/>.

pub mod endpoint;
pub mod form;
pub mod request;
pub mod response;
mod xml;

pub use endpoint::Endpoint;
pub use request::{AssumeRole, GetCallerIdentity};
pub use response::{
    AssumeRoleOutput, AssumedRoleUser, CallerIdentity, parse_assume_role, parse_caller_identity,
    parse_error,
};

/// The service name requests to STS are signed for.
pub const SERVICE: &str = "sts";

/// A parser of one answer: `(status, headers, body)` to a value or an error.
pub type ParseFn<O> = fn(u16, &[(String, String)], &[u8]) -> Result<O, crate::Error>;
