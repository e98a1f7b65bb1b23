//! `GetSessionToken`: temporary credentials for an IAM user (or the account's root
//! user), usually to add MFA.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use crate::sts::Operation;
use crate::sts::form::FormWriter;
use crate::sts::input::InputError;
use crate::sts::response::failures::AnswerError;
use crate::sts::response::{GetSessionTokenOutput, parse_get_session_token};
use crate::sts::rules::{check_duration, check_mfa, check_min_token_size, invalid, write_number};

/// The `GetSessionToken` parameters; see
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html>.
///
/// The MFA code is a secret: `Debug` does not show it.
#[derive(Clone, Default)]
pub struct GetSessionToken {
    duration_seconds: Option<u32>,
    serial_number: Option<String>,
    token_code: Option<SecretString>,
    minimum_session_token_size: Option<u32>,
}

impl GetSessionToken {
    /// A session with STS's default duration (43200 seconds).
    pub fn new() -> Self {
        GetSessionToken::default()
    }
    /// `DurationSeconds`: 900-129600 (at most 3600 for the account's root user).
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }
    /// `SerialNumber` and `TokenCode` of an MFA device: the code is six digits.
    pub fn with_mfa(
        mut self,
        serial_number: impl Into<String>,
        token_code: impl Into<String>,
    ) -> Self {
        self.serial_number = Some(serial_number.into());
        self.token_code = Some(SecretString::from(token_code.into()));
        self
    }
    /// `MinimumSessionTokenSize`: 0-4096.
    pub fn with_minimum_session_token_size(mut self, size: u32) -> Self {
        self.minimum_session_token_size = Some(size);
        self
    }
}

impl fmt::Debug for GetSessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetSessionToken")
            .field("duration_seconds", &self.duration_seconds)
            .field("serial_number", &self.serial_number)
            .field(
                "token_code",
                &self.token_code.as_ref().map(|_| "[redacted]"),
            )
            .finish_non_exhaustive()
    }
}

impl Operation for GetSessionToken {
    type Output = GetSessionTokenOutput;
    const ACTION: &'static str = "GetSessionToken";

    /// Also refuses temporary source credentials: STS serves this call to long-term
    /// credentials only.
    fn validate(&self, chained: bool) -> Result<(), InputError> {
        if chained {
            return Err(invalid(
                "credentials",
                "GetSessionToken needs long-term credentials (no session token)",
            ));
        }
        check_duration(self.duration_seconds, 900, 129_600, "must be 900 to 129600")?;
        check_mfa(
            self.serial_number.as_deref(),
            self.token_code.as_ref().map(|c| c.expose_secret()),
        )?;
        check_min_token_size(self.minimum_session_token_size)
    }

    fn write_params(&self, w: &mut FormWriter) {
        write_number(w, "DurationSeconds", self.duration_seconds);
        if let Some(s) = &self.serial_number {
            w.param("SerialNumber", s);
        }
        if let Some(c) = &self.token_code {
            w.param("TokenCode", c.expose_secret());
        }
        write_number(
            w,
            "MinimumSessionTokenSize",
            self.minimum_session_token_size,
        );
    }

    fn secret_values(&self) -> Vec<&str> {
        self.token_code.iter().map(|c| c.expose_secret()).collect()
    }

    fn parse(
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<GetSessionTokenOutput, AnswerError> {
        parse_get_session_token(status, headers, body)
    }

    fn expiration(output: &GetSessionTokenOutput) -> Option<OffsetDateTime> {
        Some(output.credentials.expiration())
    }
}
