//! `GetFederationToken`: temporary credentials for a federated user, from an IAM
//! user's long-term credentials (brokers use it).

use time::OffsetDateTime;

use crate::sts::Operation;
use crate::sts::form::FormWriter;
use crate::sts::input::InputError;
use crate::sts::response::failures::AnswerError;
use crate::sts::response::{GetFederationTokenOutput, parse_get_federation_token};
use crate::sts::rules::{
    check_duration, check_min_token_size, check_name_like, check_policy, check_policy_arns,
    check_tags, invalid, write_number, write_policy_arns, write_tags,
};

/// The `GetFederationToken` parameters; see
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html>.
#[derive(Debug, Clone)]
pub struct GetFederationToken {
    name: String,
    policy: Option<String>,
    policy_arns: Vec<String>,
    duration_seconds: Option<u32>,
    tags: Vec<(String, String)>,
    minimum_session_token_size: Option<u32>,
}

impl GetFederationToken {
    /// A federated user named `name` (2-32 characters of `[\w+=,.@-]`).
    pub fn new(name: impl Into<String>) -> Self {
        GetFederationToken {
            name: name.into(),
            policy: None,
            policy_arns: Vec::new(),
            duration_seconds: None,
            tags: Vec::new(),
            minimum_session_token_size: None,
        }
    }
    /// `Policy`: an inline session policy, 1-2048 characters.
    pub fn with_policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }
    /// Adds one of at most 10 managed session policy ARNs.
    pub fn with_policy_arn(mut self, arn: impl Into<String>) -> Self {
        self.policy_arns.push(arn.into());
        self
    }
    /// `DurationSeconds`: 900-129600 (STS's default is 43200; 3600 at most for the
    /// account's root user).
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }
    /// Adds one of at most 50 session tags.
    pub fn with_tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.push((key.into(), value.into()));
        self
    }
    /// `MinimumSessionTokenSize`: 0-4096.
    pub fn with_minimum_session_token_size(mut self, size: u32) -> Self {
        self.minimum_session_token_size = Some(size);
        self
    }
}

impl Operation for GetFederationToken {
    type Output = GetFederationTokenOutput;
    const ACTION: &'static str = "GetFederationToken";

    /// Also refuses temporary source credentials: STS serves this call to an IAM
    /// user's long-term credentials only.
    fn validate(&self, chained: bool) -> Result<(), InputError> {
        if chained {
            return Err(invalid(
                "credentials",
                "GetFederationToken needs long-term credentials (no session token)",
            ));
        }
        check_name_like("Name", &self.name, 2, 32, "")?;
        check_policy(self.policy.as_deref(), Some(2048))?;
        check_policy_arns(&self.policy_arns)?;
        check_duration(self.duration_seconds, 900, 129_600, "must be 900 to 129600")?;
        check_tags(&self.tags)?;
        check_min_token_size(self.minimum_session_token_size)
    }

    fn write_params(&self, w: &mut FormWriter) {
        w.param("Name", &self.name);
        if let Some(p) = &self.policy {
            w.param("Policy", p);
        }
        write_policy_arns(w, &self.policy_arns);
        write_number(w, "DurationSeconds", self.duration_seconds);
        write_tags(w, &self.tags);
        write_number(
            w,
            "MinimumSessionTokenSize",
            self.minimum_session_token_size,
        );
    }

    fn parse(
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<GetFederationTokenOutput, AnswerError> {
        parse_get_federation_token(status, headers, body)
    }

    fn expiration(output: &GetFederationTokenOutput) -> Option<OffsetDateTime> {
        Some(output.credentials.expiration())
    }
}
