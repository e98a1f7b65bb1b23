//! [`InputError`]: a request refused before any IO (a parameter, the endpoint, the
//! signing, a header), or a setting that breaks a rule. Re-exported from
//! [`crate::error`].

use std::fmt;

use crate::sigv4::SigningError;
use crate::sts::endpoint::EndpointRuleError;

/// A request refused before any IO. Names the parameter and the rule, never the value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputError {
    /// A parameter breaks an STS rule.
    Invalid {
        /// The STS parameter name, such as `RoleSessionName`.
        field: &'static str,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// The endpoint URL is refused.
    Endpoint {
        /// Why.
        rule: &'static str,
    },
    /// The endpoint rules give no endpoint for these settings.
    EndpointRules(EndpointRuleError),
    /// The request could not be signed.
    Signing(SigningError),
    /// A header of the signed request cannot be sent as it is (checked before any IO).
    Header {
        /// The header name.
        name: String,
        /// The rule it breaks.
        rule: &'static str,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Invalid { field, rule } => write!(f, "invalid {field}: {rule}"),
            InputError::Endpoint { rule } => write!(f, "invalid endpoint: {rule}"),
            InputError::EndpointRules(e) => write!(f, "no endpoint: {e}"),
            InputError::Signing(e) => write!(f, "cannot sign the request: {e}"),
            InputError::Header { name, rule } => write!(f, "cannot send header {name}: {rule}"),
        }
    }
}

/// The whole message is in `Display` (see [`crate::error`]).
impl std::error::Error for InputError {}

impl From<SigningError> for InputError {
    fn from(e: SigningError) -> Self {
        InputError::Signing(e)
    }
}

impl From<crate::http::HeaderError> for InputError {
    fn from(e: crate::http::HeaderError) -> Self {
        InputError::Header {
            name: e.name,
            rule: e.rule,
        }
    }
}
