//! `AssumeRoot`: short-term credentials for privileged tasks on a member account's
//! root user, from the organization's management or delegated administrator account.

use time::OffsetDateTime;

use crate::sts::Operation;
use crate::sts::form::FormWriter;
use crate::sts::input::InputError;
use crate::sts::response::failures::AnswerError;
use crate::sts::response::{AssumeRootOutput, parse_assume_root};
use crate::sts::rules::{
    check_arn_text, check_duration, check_len, check_min_token_size, write_number,
};

/// The `AssumeRoot` parameters; see
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html>.
///
/// STS serves it on regional endpoints only: the client refuses the global endpoint
/// before any IO.
#[derive(Debug, Clone)]
pub struct AssumeRoot {
    target_principal: String,
    task_policy_arn: String,
    duration_seconds: Option<u32>,
    minimum_session_token_size: Option<u32>,
}

impl AssumeRoot {
    /// Act on `target_principal` (the member account id or its ARN, 12-2048
    /// characters) with the AWS managed task policy `task_policy_arn`.
    pub fn new(target_principal: impl Into<String>, task_policy_arn: impl Into<String>) -> Self {
        AssumeRoot {
            target_principal: target_principal.into(),
            task_policy_arn: task_policy_arn.into(),
            duration_seconds: None,
            minimum_session_token_size: None,
        }
    }
    /// `DurationSeconds`: 0-900 (STS's default is 900).
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }
    /// `MinimumSessionTokenSize`: 0-4096.
    pub fn with_minimum_session_token_size(mut self, size: u32) -> Self {
        self.minimum_session_token_size = Some(size);
        self
    }
}

impl Operation for AssumeRoot {
    type Output = AssumeRootOutput;
    const ACTION: &'static str = "AssumeRoot";
    const REGIONAL_ONLY: bool = true;

    fn validate(&self, _chained: bool) -> Result<(), InputError> {
        check_len(
            "TargetPrincipal",
            &self.target_principal,
            12,
            2048,
            "must be 12 to 2048 characters (an account id or ARN)",
        )?;
        check_arn_text("TaskPolicyArn", &self.task_policy_arn)?;
        check_duration(self.duration_seconds, 0, 900, "must be 0 to 900")?;
        check_min_token_size(self.minimum_session_token_size)
    }

    fn write_params(&self, w: &mut FormWriter) {
        w.param("TargetPrincipal", &self.target_principal);
        w.param("TaskPolicyArn.arn", &self.task_policy_arn);
        write_number(w, "DurationSeconds", self.duration_seconds);
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
    ) -> Result<AssumeRootOutput, AnswerError> {
        parse_assume_root(status, headers, body)
    }

    fn expiration(output: &AssumeRootOutput) -> Option<OffsetDateTime> {
        Some(output.credentials.expiration())
    }
}
