//! `GetScopedCredentials`: credentials scoped down from the caller's temporary ones.

use time::OffsetDateTime;

use crate::sts::Operation;
use crate::sts::form::FormWriter;
use crate::sts::input::InputError;
use crate::sts::response::failures::AnswerError;
use crate::sts::response::{GetScopedCredentialsOutput, parse_get_scoped_credentials};
use crate::sts::rules::{
    check_duration, check_len, check_min_token_size, check_policy, invalid, write_number,
};

/// The `GetScopedCredentials` parameters (none required). STS serves it to temporary
/// credentials only.
#[derive(Debug, Clone, Default)]
pub struct GetScopedCredentials {
    policy: Option<String>,
    duration_seconds: Option<u32>,
    minimum_session_token_size: Option<u32>,
    scoped_session_description: Option<String>,
}

impl GetScopedCredentials {
    /// Scoped credentials with STS's defaults (the caller's remaining lifetime).
    pub fn new() -> Self {
        GetScopedCredentials::default()
    }
    /// `Policy`: an inline session policy, 1-2048 characters.
    pub fn with_policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }
    /// `DurationSeconds`: 1-129600.
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }
    /// `MinimumSessionTokenSize`: 0-4096.
    pub fn with_minimum_session_token_size(mut self, size: u32) -> Self {
        self.minimum_session_token_size = Some(size);
        self
    }
    /// `ScopedSessionDescription`: 2-256 characters of tab, line breaks, U+0020 to
    /// U+007E and U+00A1 to U+00FF.
    pub fn with_scoped_session_description(mut self, text: impl Into<String>) -> Self {
        self.scoped_session_description = Some(text.into());
        self
    }
}

impl Operation for GetScopedCredentials {
    type Output = GetScopedCredentialsOutput;
    const ACTION: &'static str = "GetScopedCredentials";

    /// Also refuses long-term source credentials: STS serves this call to temporary
    /// credentials only.
    fn validate(&self, chained: bool) -> Result<(), InputError> {
        if !chained {
            return Err(invalid(
                "credentials",
                "GetScopedCredentials needs temporary credentials (with a session token)",
            ));
        }
        check_policy(self.policy.as_deref(), Some(2048))?;
        check_duration(self.duration_seconds, 1, 129_600, "must be 1 to 129600")?;
        check_min_token_size(self.minimum_session_token_size)?;
        if let Some(d) = &self.scoped_session_description {
            let rule =
                "must be 2 to 256 characters of tab, line breaks, U+0020-U+007E, U+00A1-U+00FF";
            check_len("ScopedSessionDescription", d, 2, 256, rule)?;
            if !d
                .chars()
                .all(|c| matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{a1}'..='\u{ff}'))
            {
                return Err(invalid("ScopedSessionDescription", rule));
            }
        }
        Ok(())
    }

    fn write_params(&self, w: &mut FormWriter) {
        if let Some(p) = &self.policy {
            w.param("Policy", p);
        }
        write_number(w, "DurationSeconds", self.duration_seconds);
        write_number(
            w,
            "MinimumSessionTokenSize",
            self.minimum_session_token_size,
        );
        if let Some(d) = &self.scoped_session_description {
            w.param("ScopedSessionDescription", d);
        }
    }

    fn parse(
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<GetScopedCredentialsOutput, AnswerError> {
        parse_get_scoped_credentials(status, headers, body)
    }

    fn expiration(output: &GetScopedCredentialsOutput) -> Option<OffsetDateTime> {
        Some(output.credentials.expiration())
    }
}
