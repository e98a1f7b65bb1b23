//! `AssumeRoleWithSAML`: role credentials for a SAML 2.0 assertion, in an unsigned call.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use crate::sts::Operation;
use crate::sts::form::FormWriter;
use crate::sts::input::InputError;
use crate::sts::response::failures::AnswerError;
use crate::sts::response::{AssumeRoleWithSamlOutput, parse_assume_role_with_saml};
use crate::sts::rules::{
    check_arn_text, check_duration, check_len, check_min_token_size, check_policy,
    check_policy_arns, check_role_arn, write_number, write_policy_arns,
};

/// The `AssumeRoleWithSAML` parameters; see
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html>.
///
/// The assertion (base64, 4-100000 characters) is a secret: it goes only into the
/// sensitive POST body, and `Debug` does not show it.
#[derive(Clone)]
pub struct AssumeRoleWithSaml {
    role_arn: String,
    principal_arn: String,
    saml_assertion: SecretString,
    policy_arns: Vec<String>,
    policy: Option<String>,
    duration_seconds: Option<u32>,
    minimum_session_token_size: Option<u32>,
}

impl AssumeRoleWithSaml {
    /// Assume `role_arn` with the SAML provider `principal_arn` and its base64
    /// `saml_assertion`.
    pub fn new(
        role_arn: impl Into<String>,
        principal_arn: impl Into<String>,
        saml_assertion: SecretString,
    ) -> Self {
        AssumeRoleWithSaml {
            role_arn: role_arn.into(),
            principal_arn: principal_arn.into(),
            saml_assertion,
            policy_arns: Vec::new(),
            policy: None,
            duration_seconds: None,
            minimum_session_token_size: None,
        }
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
}

impl fmt::Debug for AssumeRoleWithSaml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleWithSaml")
            .field("role_arn", &self.role_arn)
            .field("principal_arn", &self.principal_arn)
            .field("saml_assertion", &"[redacted]")
            .field("policy_arns", &self.policy_arns)
            .field("policy", &self.policy.as_ref().map(|p| p.len()))
            .field("duration_seconds", &self.duration_seconds)
            .finish_non_exhaustive()
    }
}

impl Operation for AssumeRoleWithSaml {
    type Output = AssumeRoleWithSamlOutput;
    const ACTION: &'static str = "AssumeRoleWithSAML";
    const SIGNED: bool = false;

    fn validate(&self, _chained: bool) -> Result<(), InputError> {
        check_role_arn("RoleArn", &self.role_arn)?;
        check_arn_text("PrincipalArn", &self.principal_arn)?;
        check_len(
            "SAMLAssertion",
            self.saml_assertion.expose_secret(),
            4,
            100_000,
            "must be 4 to 100000 characters",
        )?;
        check_policy_arns(&self.policy_arns)?;
        check_policy(self.policy.as_deref(), Some(2048))?;
        check_duration(self.duration_seconds, 900, 43200, "must be 900 to 43200")?;
        check_min_token_size(self.minimum_session_token_size)
    }

    fn write_params(&self, w: &mut FormWriter) {
        w.param("RoleArn", &self.role_arn);
        w.param("PrincipalArn", &self.principal_arn);
        w.param("SAMLAssertion", self.saml_assertion.expose_secret());
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
        vec![self.saml_assertion.expose_secret()]
    }

    fn partitioned_arns(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("RoleArn", &self.role_arn),
            ("PrincipalArn", &self.principal_arn),
        ]
    }

    fn parse(
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<AssumeRoleWithSamlOutput, AnswerError> {
        parse_assume_role_with_saml(status, headers, body)
    }

    fn expiration(output: &AssumeRoleWithSamlOutput) -> Option<OffsetDateTime> {
        Some(output.credentials.expiration())
    }
}
