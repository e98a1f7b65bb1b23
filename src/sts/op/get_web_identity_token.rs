//! `GetWebIdentityToken`: a signed JWT that proves the caller's AWS identity to an
//! outside service (outbound web identity federation).

use crate::sts::Operation;
use crate::sts::form::FormWriter;
use crate::sts::input::InputError;
use crate::sts::response::failures::AnswerError;
use crate::sts::response::{GetWebIdentityTokenOutput, parse_get_web_identity_token};
use crate::sts::rules::{check_duration, check_len, check_tags, invalid, write_number, write_tags};

/// `SubjectMode`: whose identity the token's subject names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubjectMode {
    /// `AWSIdentity`: the caller's AWS principal.
    AwsIdentity,
    /// `OriginIdentity`: the identity the session was federated from.
    OriginIdentity,
}

impl SubjectMode {
    /// The value on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectMode::AwsIdentity => "AWSIdentity",
            SubjectMode::OriginIdentity => "OriginIdentity",
        }
    }
}

/// The `GetWebIdentityToken` parameters; see
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetWebIdentityToken.html>.
#[derive(Debug, Clone)]
pub struct GetWebIdentityToken {
    audience: Vec<String>,
    signing_algorithm: String,
    duration_seconds: Option<u32>,
    scope: Option<String>,
    subject_mode: Option<SubjectMode>,
    tags: Vec<(String, String)>,
}

impl GetWebIdentityToken {
    /// A token for `audience` (1-1000 characters), signed with `signing_algorithm`
    /// (five characters: `RS256` or `ES384` today).
    pub fn new(audience: impl Into<String>, signing_algorithm: impl Into<String>) -> Self {
        GetWebIdentityToken {
            audience: vec![audience.into()],
            signing_algorithm: signing_algorithm.into(),
            duration_seconds: None,
            scope: None,
            subject_mode: None,
            tags: Vec::new(),
        }
    }
    /// Adds another audience (at most 10 in all).
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audience.push(audience.into());
        self
    }
    /// `DurationSeconds`: 60-3600 (STS's default is 300).
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }
    /// `Scope`: space-separated OAuth scopes, 1-256 characters; only with
    /// [`SubjectMode::OriginIdentity`] and exactly one audience.
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }
    /// `SubjectMode`.
    pub fn with_subject_mode(mut self, mode: SubjectMode) -> Self {
        self.subject_mode = Some(mode);
        self
    }
    /// Adds one of at most 50 tags (custom claims).
    pub fn with_tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.push((key.into(), value.into()));
        self
    }
}

/// One scope token: `[\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+` (visible ASCII but `"`,
/// `,` and `\`).
fn scope_token_ok(t: &str) -> bool {
    !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b',' | b'\\'))
}

impl Operation for GetWebIdentityToken {
    type Output = GetWebIdentityTokenOutput;
    const ACTION: &'static str = "GetWebIdentityToken";

    fn validate(&self, _chained: bool) -> Result<(), InputError> {
        if self.audience.is_empty() || self.audience.len() > 10 {
            return Err(invalid("Audience", "1 to 10 audiences"));
        }
        for a in &self.audience {
            check_len("Audience", a, 1, 1000, "each must be 1 to 1000 characters")?;
        }
        let alg = &self.signing_algorithm;
        if alg.len() != 5 || !alg.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid(
                "SigningAlgorithm",
                "must be five letters and digits, such as RS256 or ES384",
            ));
        }
        check_duration(self.duration_seconds, 60, 3600, "must be 60 to 3600")?;
        if let Some(scope) = &self.scope {
            let rule = "must be 1 to 256 characters: scope tokens of visible ASCII but \" , \\, separated by single spaces";
            if scope.is_empty() || scope.len() > 256 || !scope.split(' ').all(scope_token_ok) {
                return Err(invalid("Scope", rule));
            }
            if self.subject_mode != Some(SubjectMode::OriginIdentity) || self.audience.len() != 1 {
                return Err(invalid(
                    "Scope",
                    "only with SubjectMode OriginIdentity and exactly one audience",
                ));
            }
        }
        check_tags(&self.tags)
    }

    fn write_params(&self, w: &mut FormWriter) {
        for (i, a) in self.audience.iter().enumerate() {
            w.param(&format!("Audience.member.{}", i + 1), a);
        }
        write_number(w, "DurationSeconds", self.duration_seconds);
        w.param("SigningAlgorithm", &self.signing_algorithm);
        if let Some(s) = &self.scope {
            w.param("Scope", s);
        }
        if let Some(m) = self.subject_mode {
            w.param("SubjectMode", m.as_str());
        }
        write_tags(w, &self.tags);
    }

    fn parse(
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<GetWebIdentityTokenOutput, AnswerError> {
        parse_get_web_identity_token(status, headers, body)
    }
}
