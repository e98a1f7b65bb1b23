//! `AssumeRole`: temporary credentials for a role, from source credentials.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use crate::sts::Operation;
use crate::sts::form::FormWriter;
use crate::sts::input::InputError;
use crate::sts::response::failures::AnswerError;
use crate::sts::response::{AssumeRoleOutput, parse_assume_role};
use crate::sts::rules::{
    check_arn_text, check_external_id, check_mfa, check_min_token_size, check_name_like,
    check_policy, check_policy_arns, check_role_arn, check_tag_text, check_tags, invalid,
    write_number, write_policy_arns, write_tags,
};

/// The longest session of a role assumed with temporary credentials (role chaining).
pub const CHAINED_MAX_DURATION_SECONDS: u32 = 3600;
/// The session duration asked for when none is given.
pub const DEFAULT_DURATION_SECONDS: u32 = 3600;

/// The `AssumeRole` parameters. Every parameter STS accepts is here; see
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>.
///
/// `ExternalId` and the MFA `TokenCode` are kept as secrets: `Debug` does not show them.
#[derive(Clone)]
pub struct AssumeRole {
    role_arn: String,
    role_session_name: String,
    duration_seconds: Option<u32>,
    external_id: Option<SecretString>,
    policy: Option<String>,
    policy_arns: Vec<String>,
    tags: Vec<(String, String)>,
    transitive_tag_keys: Vec<String>,
    source_identity: Option<String>,
    serial_number: Option<String>,
    token_code: Option<SecretString>,
    provided_contexts: Vec<(String, String)>,
    minimum_session_token_size: Option<u32>,
}

impl AssumeRole {
    /// Every parameter but the MFA `TokenCode`, form-encoded: what identifies the
    /// session asked for (a cache key; it holds the external id, so callers hash it and
    /// wipe it).
    #[cfg(feature = "client")]
    pub(crate) fn identity_body(&self) -> zeroize::Zeroizing<Vec<u8>> {
        let mut w = FormWriter::new(<Self as Operation>::ACTION, crate::sts::API_VERSION);
        self.write_all(&mut w, false);
        zeroize::Zeroizing::new(w.finish())
    }

    /// The parameters in the model's order; the MFA code only with `with_code`.
    fn write_all(&self, w: &mut FormWriter, with_code: bool) {
        w.param("RoleArn", &self.role_arn);
        w.param("RoleSessionName", &self.role_session_name);
        write_policy_arns(w, &self.policy_arns);
        if let Some(p) = &self.policy {
            w.param("Policy", p);
        }
        write_number(w, "DurationSeconds", self.duration_seconds);
        write_tags(w, &self.tags);
        for (i, k) in self.transitive_tag_keys.iter().enumerate() {
            w.param(&format!("TransitiveTagKeys.member.{}", i + 1), k);
        }
        if let Some(id) = &self.external_id {
            w.param("ExternalId", id.expose_secret());
        }
        if let Some(s) = &self.serial_number {
            w.param("SerialNumber", s);
        }
        if let Some(c) = self.token_code.as_ref().filter(|_| with_code) {
            w.param("TokenCode", c.expose_secret());
        }
        if let Some(s) = &self.source_identity {
            w.param("SourceIdentity", s);
        }
        for (i, (arn, assertion)) in self.provided_contexts.iter().enumerate() {
            w.param(
                &format!("ProvidedContexts.member.{}.ProviderArn", i + 1),
                arn,
            );
            w.param(
                &format!("ProvidedContexts.member.{}.ContextAssertion", i + 1),
                assertion,
            );
        }
        write_number(
            w,
            "MinimumSessionTokenSize",
            self.minimum_session_token_size,
        );
    }

    /// Assume `role_arn` with the session name `role_session_name` for one hour.
    pub fn new(role_arn: impl Into<String>, role_session_name: impl Into<String>) -> Self {
        AssumeRole {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            duration_seconds: None,
            external_id: None,
            policy: None,
            policy_arns: Vec::new(),
            tags: Vec::new(),
            transitive_tag_keys: Vec::new(),
            source_identity: None,
            serial_number: None,
            token_code: None,
            provided_contexts: Vec::new(),
            minimum_session_token_size: None,
        }
    }

    /// `DurationSeconds`: 900 to 43200; when not set it is not sent and STS uses 3600
    /// (as botocore and the AWS CLI do). With temporary source credentials (role
    /// chaining) STS allows at most 3600 and stskit refuses more before sending.
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }
    /// `ExternalId`: 2-1224 characters of `[\w+=,.@:/-]`.
    pub fn with_external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(SecretString::from(external_id.into()));
        self
    }
    /// `Policy`: an inline session policy (JSON). The model sets no maximum for
    /// `AssumeRole` (STS checks the packed size of inline and managed policies).
    pub fn with_policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }
    /// Adds one of at most 10 managed session policy ARNs (`PolicyArns.member.N.arn`).
    pub fn with_policy_arn(mut self, arn: impl Into<String>) -> Self {
        self.policy_arns.push(arn.into());
        self
    }
    /// Adds one of at most 50 session tags (`Tags.member.N.Key` / `.Value`).
    pub fn with_tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.push((key.into(), value.into()));
        self
    }
    /// Adds a transitive tag key (`TransitiveTagKeys.member.N`).
    pub fn with_transitive_tag_key(mut self, key: impl Into<String>) -> Self {
        self.transitive_tag_keys.push(key.into());
        self
    }
    /// `SourceIdentity`: 2-256 characters of `[\w+=,.@-]`.
    pub fn with_source_identity(mut self, id: impl Into<String>) -> Self {
        self.source_identity = Some(id.into());
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
    /// Adds a provided context (`ProvidedContexts.member.N.ProviderArn` /
    /// `.ContextAssertion`, the assertion 4-3072 characters), at most 5.
    pub fn with_provided_context(
        mut self,
        provider_arn: impl Into<String>,
        context_assertion: impl Into<String>,
    ) -> Self {
        self.provided_contexts
            .push((provider_arn.into(), context_assertion.into()));
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
    /// The role session name.
    pub fn role_session_name(&self) -> &str {
        &self.role_session_name
    }
    /// The requested duration in seconds (3600, STS's default, when not set).
    pub fn duration_seconds(&self) -> u32 {
        self.duration_seconds.unwrap_or(DEFAULT_DURATION_SECONDS)
    }
}

impl fmt::Debug for AssumeRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRole")
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("duration_seconds", &self.duration_seconds)
            .field(
                "external_id",
                &self.external_id.as_ref().map(|_| "[redacted]"),
            )
            .field("policy", &self.policy.as_ref().map(|p| p.len()))
            .field("policy_arns", &self.policy_arns)
            .field("tags", &self.tags)
            .field("transitive_tag_keys", &self.transitive_tag_keys)
            .field("source_identity", &self.source_identity)
            .field("serial_number", &self.serial_number)
            .field(
                "token_code",
                &self.token_code.as_ref().map(|_| "[redacted]"),
            )
            .field("provided_contexts", &self.provided_contexts.len())
            .finish()
    }
}

impl Operation for AssumeRole {
    type Output = AssumeRoleOutput;
    const ACTION: &'static str = "AssumeRole";

    /// Checks every parameter against the rules STS enforces, before any IO.
    /// `chained` is whether the source credentials are temporary.
    ///
    /// # Errors
    /// [`InputError::Invalid`] naming the parameter and the rule (never the value).
    fn validate(&self, chained: bool) -> Result<(), InputError> {
        check_role_arn("RoleArn", &self.role_arn)?;
        check_name_like("RoleSessionName", &self.role_session_name, 2, 64, "")?;
        if self
            .duration_seconds
            .is_some_and(|d| !(900..=43200).contains(&d))
        {
            return Err(invalid("DurationSeconds", "must be 900 to 43200"));
        }
        if chained && self.duration_seconds() > CHAINED_MAX_DURATION_SECONDS {
            return Err(invalid(
                "DurationSeconds",
                "role chaining (temporary source credentials) allows at most 3600",
            ));
        }
        if let Some(id) = &self.external_id {
            check_external_id(id.expose_secret())?;
        }
        check_policy(self.policy.as_deref(), None)?;
        check_policy_arns(&self.policy_arns)?;
        check_tags(&self.tags)?;
        if self.transitive_tag_keys.len() > 50 {
            return Err(invalid("TransitiveTagKeys", "at most 50"));
        }
        for k in &self.transitive_tag_keys {
            check_tag_text("TransitiveTagKeys", k, 1, 128)?;
        }
        if let Some(s) = &self.source_identity {
            check_name_like("SourceIdentity", s, 2, 256, "")?;
        }
        check_mfa(
            self.serial_number.as_deref(),
            self.token_code.as_ref().map(|c| c.expose_secret()),
        )?;
        if self.provided_contexts.len() > 5 {
            return Err(invalid("ProvidedContexts", "at most 5"));
        }
        for (arn, assertion) in &self.provided_contexts {
            check_arn_text("ProvidedContexts", arn)?;
            let n = assertion.chars().count();
            if !(4..=3072).contains(&n) {
                return Err(invalid(
                    "ProvidedContexts",
                    "ContextAssertion must be 4 to 3072 characters",
                ));
            }
        }
        check_min_token_size(self.minimum_session_token_size)?;
        Ok(())
    }

    /// The parameters in the order of the STS API model (as botocore writes them).
    fn write_params(&self, w: &mut FormWriter) {
        self.write_all(w, true);
    }

    fn partitioned_arns(&self) -> Vec<(&'static str, &str)> {
        vec![("RoleArn", &self.role_arn)]
    }

    /// The external id and the MFA code are secrets.
    fn secret_values(&self) -> Vec<&str> {
        [&self.external_id, &self.token_code]
            .into_iter()
            .flatten()
            .map(|s| s.expose_secret())
            .collect()
    }

    fn parse(
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<AssumeRoleOutput, AnswerError> {
        parse_assume_role(status, headers, body)
    }

    fn expiration(output: &AssumeRoleOutput) -> Option<OffsetDateTime> {
        Some(output.credentials.expiration())
    }
}

#[cfg(test)]
#[path = "assume_role_tests.rs"]
mod tests;
