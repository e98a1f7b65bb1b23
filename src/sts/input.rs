//! [`InputError`]: a request refused before any IO (a parameter, the endpoint, the
//! signing, a header), or a setting that breaks a rule. Re-exported from
//! [`crate::error`].

use std::fmt;

use crate::sigv4::SigningError;

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

/// Why the endpoint rules give no endpoint (the rule set's own error cases).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointRuleError {
    /// No region and no custom endpoint.
    MissingRegion,
    /// FIPS with a custom endpoint.
    FipsWithCustomEndpoint,
    /// Dual-stack with a custom endpoint.
    DualStackWithCustomEndpoint,
    /// FIPS and dual-stack where the partition lacks one of them.
    FipsAndDualStackUnsupported,
    /// FIPS where the partition has none.
    FipsUnsupported,
    /// Dual-stack where the partition has none.
    DualStackUnsupported,
}

impl EndpointRuleError {
    /// The rule set's message for this case, word for word.
    pub fn rule_set_message(self) -> &'static str {
        match self {
            EndpointRuleError::MissingRegion => "Invalid Configuration: Missing Region",
            EndpointRuleError::FipsWithCustomEndpoint => {
                "Invalid Configuration: FIPS and custom endpoint are not supported"
            }
            EndpointRuleError::DualStackWithCustomEndpoint => {
                "Invalid Configuration: Dualstack and custom endpoint are not supported"
            }
            EndpointRuleError::FipsAndDualStackUnsupported => {
                "FIPS and DualStack are enabled, but this partition does not support one or both"
            }
            EndpointRuleError::FipsUnsupported => {
                "FIPS is enabled but this partition does not support FIPS"
            }
            EndpointRuleError::DualStackUnsupported => {
                "DualStack is enabled but this partition does not support DualStack"
            }
        }
    }
}

impl std::fmt::Display for EndpointRuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EndpointRuleError::MissingRegion => {
                "no region: give one (--region, AWS_REGION or AWS_DEFAULT_REGION), or aws-global for the global endpoint"
            }
            EndpointRuleError::FipsWithCustomEndpoint => {
                "FIPS (AWS_USE_FIPS_ENDPOINT) cannot be combined with a custom endpoint URL"
            }
            EndpointRuleError::DualStackWithCustomEndpoint => {
                "dual-stack (AWS_USE_DUALSTACK_ENDPOINT) cannot be combined with a custom endpoint URL"
            }
            other => other.rule_set_message(),
        })
    }
}

impl std::error::Error for EndpointRuleError {}
