//! `AssumeRoleWithWebIdentity`: role credentials for an OIDC or OAuth 2.0 token, in an
//! unsigned call (there are no source credentials yet: this is how pods on EKS and CI
//! jobs get their first ones).

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use crate::sts::Operation;
use crate::sts::form::FormWriter;
use crate::sts::input::InputError;
use crate::sts::response::failures::AnswerError;
use crate::sts::response::{AssumeRoleWithWebIdentityOutput, parse_assume_role_with_web_identity};
use crate::sts::rules::{
    check_duration, check_len, check_min_token_size, check_name_like, check_policy,
    check_policy_arns, check_role_arn, write_number, write_policy_arns,
};

/// The `AssumeRoleWithWebIdentity` parameters; see
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html>.
///
/// The token is a secret: it goes only into the POST body (which is marked sensitive),
/// and `Debug` does not show it. Read a token file afresh for each call
/// (the chain does, for `AWS_WEB_IDENTITY_TOKEN_FILE`): Kubernetes and CI rotate it.
#[derive(Clone)]
pub struct AssumeRoleWithWebIdentity {
    role_arn: String,
    role_session_name: String,
    web_identity_token: SecretString,
    provider_id: Option<String>,
    policy_arns: Vec<String>,
    policy: Option<String>,
    duration_seconds: Option<u32>,
    minimum_session_token_size: Option<u32>,
}

impl AssumeRoleWithWebIdentity {
    /// Assume `role_arn` as `role_session_name` with `web_identity_token` (4-20000
    /// characters).
    pub fn new(
        role_arn: impl Into<String>,
        role_session_name: impl Into<String>,
        web_identity_token: SecretString,
    ) -> Self {
        AssumeRoleWithWebIdentity {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            web_identity_token,
            provider_id: None,
            policy_arns: Vec::new(),
            policy: None,
            duration_seconds: None,
            minimum_session_token_size: None,
        }
    }
    /// `ProviderId`: only for OAuth 2.0 providers (`www.amazon.com`,
    /// `graph.facebook.com`); leave it out for OIDC. 4-2048 characters.
    pub fn with_provider_id(mut self, id: impl Into<String>) -> Self {
        self.provider_id = Some(id.into());
        self
    }
    /// Adds one of at most 10 managed session policy ARNs.
    pub fn with_policy_arn(mut self, arn: impl Into<String>) -> Self {
        self.policy_arns.push(arn.into());
        self
    }
    /// `Policy`: an inline session policy, 1-2048 characters.
    pub fn with_policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }
    /// `DurationSeconds`: 900-43200 (STS's default is 3600).
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }
    /// `MinimumSessionTokenSize`: 0-4096.
    pub fn with_minimum_session_token_size(mut self, size: u32) -> Self {
        self.minimum_session_token_size = Some(size);
        self
    }
    /// The role ARN.
    pub fn role_arn(&self) -> &str {
        &self.role_arn
    }
}

impl fmt::Debug for AssumeRoleWithWebIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleWithWebIdentity")
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("web_identity_token", &"[redacted]")
            .field("provider_id", &self.provider_id)
            .field("policy_arns", &self.policy_arns)
            .field("policy", &self.policy.as_ref().map(|p| p.len()))
            .field("duration_seconds", &self.duration_seconds)
            .finish_non_exhaustive()
    }
}

impl Operation for AssumeRoleWithWebIdentity {
    type Output = AssumeRoleWithWebIdentityOutput;
    const ACTION: &'static str = "AssumeRoleWithWebIdentity";
    const SIGNED: bool = false;

    fn validate(&self, _chained: bool) -> Result<(), InputError> {
        check_role_arn("RoleArn", &self.role_arn)?;
        check_name_like("RoleSessionName", &self.role_session_name, 2, 64, "")?;
        let token = self.web_identity_token.expose_secret();
        check_len(
            "WebIdentityToken",
            token,
            4,
            20000,
            "must be 4 to 20000 characters",
        )?;
        if let Some(p) = &self.provider_id {
            check_len("ProviderId", p, 4, 2048, "must be 4 to 2048 characters")?;
        }
        check_policy_arns(&self.policy_arns)?;
        check_policy(self.policy.as_deref(), Some(2048))?;
        check_duration(self.duration_seconds, 900, 43200, "must be 900 to 43200")?;
        check_min_token_size(self.minimum_session_token_size)
    }

    fn write_params(&self, w: &mut FormWriter) {
        w.param("RoleArn", &self.role_arn);
        w.param("RoleSessionName", &self.role_session_name);
        w.param("WebIdentityToken", self.web_identity_token.expose_secret());
        if let Some(p) = &self.provider_id {
            w.param("ProviderId", p);
        }
        write_policy_arns(w, &self.policy_arns);
        if let Some(p) = &self.policy {
            w.param("Policy", p);
        }
        write_number(w, "DurationSeconds", self.duration_seconds);
        write_number(
            w,
            "MinimumSessionTokenSize",
            self.minimum_session_token_size,
        );
    }

    fn secret_values(&self) -> Vec<&str> {
        vec![self.web_identity_token.expose_secret()]
    }

    fn partitioned_arns(&self) -> Vec<(&'static str, &str)> {
        vec![("RoleArn", &self.role_arn)]
    }

    fn parse(
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<AssumeRoleWithWebIdentityOutput, AnswerError> {
        parse_assume_role_with_web_identity(status, headers, body)
    }

    fn expiration(output: &AssumeRoleWithWebIdentityOutput) -> Option<OffsetDateTime> {
        Some(output.credentials.expiration())
    }
}
