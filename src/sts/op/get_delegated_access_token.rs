//! `GetDelegatedAccessToken`: credentials for a trade-in token issued to a delegate.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use crate::sts::Operation;
use crate::sts::form::FormWriter;
use crate::sts::input::InputError;
use crate::sts::response::failures::AnswerError;
use crate::sts::response::{GetDelegatedAccessTokenOutput, parse_get_delegated_access_token};
use crate::sts::rules::invalid;

/// The `GetDelegatedAccessToken` parameters. The trade-in token is a secret: it goes
/// only into the sensitive POST body, and `Debug` does not show it.
#[derive(Clone)]
pub struct GetDelegatedAccessToken {
    trade_in_token: SecretString,
}

impl GetDelegatedAccessToken {
    /// Trade in `trade_in_token`.
    pub fn new(trade_in_token: SecretString) -> Self {
        GetDelegatedAccessToken { trade_in_token }
    }
}

impl fmt::Debug for GetDelegatedAccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetDelegatedAccessToken")
            .field("trade_in_token", &"[redacted]")
            .finish()
    }
}

impl Operation for GetDelegatedAccessToken {
    type Output = GetDelegatedAccessTokenOutput;
    const ACTION: &'static str = "GetDelegatedAccessToken";

    /// The model sets no length for the token; an empty one is refused all the same
    /// (it is required, and an empty value cannot be a token).
    fn validate(&self, _chained: bool) -> Result<(), InputError> {
        if self.trade_in_token.expose_secret().is_empty() {
            return Err(invalid("TradeInToken", "must not be empty"));
        }
        Ok(())
    }

    fn write_params(&self, w: &mut FormWriter) {
        w.param("TradeInToken", self.trade_in_token.expose_secret());
    }

    fn secret_values(&self) -> Vec<&str> {
        vec![self.trade_in_token.expose_secret()]
    }

    fn parse(
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<GetDelegatedAccessTokenOutput, AnswerError> {
        parse_get_delegated_access_token(status, headers, body)
    }

    fn expiration(output: &GetDelegatedAccessTokenOutput) -> Option<OffsetDateTime> {
        Some(output.credentials.expiration())
    }
}
