//! [`FileCache`]: the AWS CLI's assumed-role cache (`~/.aws/cli/cache`), read and
//! written as botocore does, so the AWS CLI and stskit reuse each other's sessions.
//!
//! A file is named by the SHA-1 of the call's parameters as configured (serialised as
//! Python's `json.dumps(..., sort_keys=True)` writes them) and holds the parsed
//! answer as one line of JSON. An entry is reused while it has at least 15 minutes
//! left (botocore's rule). Anything that cannot be read (garbage, truncated JSON, the
//! wrong shape, an `Expiration` without a zone) is a miss, never an error. Files are
//! written to a temporary file (0600), synced and renamed; a directory stskit creates
//! is 0700.

use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};
use sha1::{Digest, Sha1};
use time::OffsetDateTime;

use super::pyjson::{self, Object};
use super::random::{Random, SystemRandom};
use crate::credentials::StsCredentials;
use crate::profile::RoleHop;
use crate::provider::CredentialsError;
use crate::sts::response::{AssumeRoleOutput, AssumeRoleWithWebIdentityOutput, AssumedRoleUser};

/// An entry is reused only while it has at least this long left (botocore's
/// `DEFAULT_EXPIRY_WINDOW_SECONDS`).
pub const REUSE_WINDOW: Duration = Duration::from_secs(900);
/// The largest cache file read (a real entry is under 2 KB).
const MAX_ENTRY: u64 = 64 * 1024;

/// The parameters that name a cache file: those of the call as configured, before it
/// is made (never the MFA code; a generated session name is left out).
#[derive(Clone)]
pub struct CacheKey {
    params: Map<String, Value>,
}

impl std::fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The parameters may hold an external id or a web identity token.
        f.debug_tuple("CacheKey").field(&self.digest()).finish()
    }
}

impl CacheKey {
    /// The key of an `AssumeRole` of `role_arn`.
    pub fn assume_role(role_arn: &str) -> Self {
        let mut params = Map::new();
        params.insert("RoleArn".into(), Value::String(role_arn.into()));
        CacheKey { params }
    }

    /// The key of the last role of a profile chain, from its configuration.
    pub fn for_hop(hop: &RoleHop) -> Self {
        let mut key = CacheKey::assume_role(&hop.role_arn);
        if let Some(name) = &hop.session_name {
            key = key.with_session_name(name);
        }
        if let Some(id) = &hop.external_id {
            key = key.with_str("ExternalId", id);
        }
        if let Some(serial) = &hop.mfa_serial {
            key = key.with_str("SerialNumber", serial);
        }
        if let Some(d) = hop.duration_seconds {
            key = key.with_duration_seconds(d);
        }
        key
    }

    /// The key of an `AssumeRoleWithWebIdentity` of `role_arn`. The token is part of
    /// it (as the AWS CLI v1 writes it), so identities whose tokens differ never
    /// share an entry.
    pub fn web_identity(role_arn: &str, session_name: Option<&str>, token: &SecretString) -> Self {
        let mut key = CacheKey::assume_role(role_arn);
        if let Some(name) = session_name {
            key = key.with_session_name(name);
        }
        key.with_str("WebIdentityToken", token.expose_secret())
    }

    fn with_str(mut self, name: &str, value: &str) -> Self {
        self.params.insert(name.into(), Value::String(value.into()));
        self
    }

    /// A configured `RoleSessionName` (an empty one counts as generated: left out).
    pub fn with_session_name(self, name: &str) -> Self {
        if name.is_empty() {
            return self;
        }
        self.with_str("RoleSessionName", name)
    }

    /// `ExternalId`.
    pub fn with_external_id(self, id: &str) -> Self {
        self.with_str("ExternalId", id)
    }

    /// `SerialNumber` (the MFA device; the code is never part of the key).
    pub fn with_serial_number(self, serial: &str) -> Self {
        self.with_str("SerialNumber", serial)
    }

    /// `DurationSeconds`, as a number.
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.params
            .insert("DurationSeconds".into(), Value::from(seconds));
        self
    }

    /// `Policy`: parsed, so neither its spacing nor its key order changes the key
    /// (text that is not JSON is kept as text).
    pub fn with_policy(mut self, policy: &str) -> Self {
        let value =
            serde_json::from_str::<Value>(policy).unwrap_or_else(|_| Value::String(policy.into()));
        self.params.insert("Policy".into(), value);
        self
    }

    /// The exact text hashed: `json.dumps(params, sort_keys=True)`.
    fn serialized(&self) -> zeroize::Zeroizing<String> {
        let mut out = zeroize::Zeroizing::new(String::new());
        pyjson::sorted(&mut out, &Value::Object(self.params.clone()));
        out
    }

    /// The SHA-1 of the serialised parameters, lower-case hex (40 characters).
    pub fn digest(&self) -> String {
        let hash = Sha1::digest(self.serialized().as_bytes());
        hash.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The cache file's name: the digest and `.json`.
    pub fn file_name(&self) -> String {
        format!("{}.json", self.digest())
    }
}

/// Credentials read from a cache file.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CachedCredentials {
    /// The credentials.
    pub credentials: StsCredentials,
    /// `Credentials.AccountId`, when the file has it.
    pub account_id: Option<String>,
}

/// What a cache file gave.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Lookup {
    /// Credentials with at least [`REUSE_WINDOW`] left: use them, no call.
    Fresh(CachedCredentials),
    /// Credentials still valid but with less than [`REUSE_WINDOW`] left: refresh, and
    /// fall back to these only if the refresh fails.
    Expiring(CachedCredentials),
    /// No file, or one that cannot be used.
    Miss,
}

/// The AWS CLI's assumed-role cache in a directory.
#[derive(Debug)]
pub struct FileCache {
    dir: PathBuf,
    random: SystemRandom,
}

impl FileCache {
    /// The cache in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FileCache {
            dir: dir.into(),
            random: SystemRandom::new(),
        }
    }

    /// The AWS CLI's own cache, `~/.aws/cli/cache`.
    ///
    /// # Errors
    /// [`CredentialsError::Input`] when `HOME` is not UTF-8; [`CredentialsError::Read`]
    /// when it is unset.
    pub fn aws_cli() -> Result<Self, CredentialsError> {
        let path = crate::provider::files::expand_home("~/.aws/cli/cache")?;
        if path.starts_with('~') {
            return Err(CredentialsError::Read {
                path,
                rule: "HOME is not set",
            });
        }
        Ok(FileCache::new(path))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The entry for `key` at `now`.
    pub fn load(&self, key: &CacheKey, now: OffsetDateTime) -> Lookup {
        let path = self.dir.join(key.file_name());
        let Ok(bytes) = crate::provider::os::read_regular_file(&path, MAX_ENTRY) else {
            return Lookup::Miss;
        };
        let bytes = zeroize::Zeroizing::new(bytes);
        match read_entry(&bytes) {
            None => Lookup::Miss,
            Some(c) => classify(c, now),
        }
    }

    /// Writes the answer of an `AssumeRole` under `key`.
    ///
    /// # Errors
    /// The `io::Error` of creating the directory or writing the file.
    pub fn store_assume_role(&self, key: &CacheKey, out: &AssumeRoleOutput) -> std::io::Result<()> {
        let mut extra = Vec::new();
        push_num(&mut extra, "PackedPolicySize", out.packed_policy_size);
        push_str(&mut extra, "SourceIdentity", out.source_identity.as_deref());
        self.store(
            key,
            &out.credentials,
            out.assumed_role_user.as_ref(),
            &[],
            extra,
        )
    }

    /// Writes the answer of an `AssumeRoleWithWebIdentity` under `key`.
    ///
    /// # Errors
    /// The `io::Error` of creating the directory or writing the file.
    pub fn store_web_identity(
        &self,
        key: &CacheKey,
        out: &AssumeRoleWithWebIdentityOutput,
    ) -> std::io::Result<()> {
        let mut before = Vec::new();
        push_str(
            &mut before,
            "SubjectFromWebIdentityToken",
            out.subject_from_web_identity_token.as_deref(),
        );
        let mut extra = Vec::new();
        push_num(&mut extra, "PackedPolicySize", out.packed_policy_size);
        push_str(&mut extra, "Provider", out.provider.as_deref());
        push_str(&mut extra, "Audience", out.audience.as_deref());
        push_str(&mut extra, "SourceIdentity", out.source_identity.as_deref());
        self.store(
            key,
            &out.credentials,
            out.assumed_role_user.as_ref(),
            &before,
            extra,
        )
    }

    fn store(
        &self,
        key: &CacheKey,
        credentials: &StsCredentials,
        user: Option<&AssumedRoleUser>,
        before_user: &[(&'static str, String)],
        after_user: Vec<(&'static str, String)>,
    ) -> std::io::Result<()> {
        let text = zeroize::Zeroizing::new(entry_json(credentials, user, before_user, &after_user));
        crate::provider::os::write_private_file(
            &self.dir,
            &key.file_name(),
            text.as_bytes(),
            self.random.next_u64(),
        )
    }
}

/// Optional members as (name, JSON text).
fn push_str(out: &mut Vec<(&'static str, String)>, name: &'static str, v: Option<&str>) {
    if let Some(v) = v {
        let mut s = String::new();
        pyjson::string(&mut s, v);
        out.push((name, s));
    }
}

fn push_num(out: &mut Vec<(&'static str, String)>, name: &'static str, v: Option<u32>) {
    if let Some(v) = v {
        out.push((name, v.to_string()));
    }
}

/// The account of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:...`).
fn account_of(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// One line as botocore writes it: the answer's members in the model's order,
/// `Credentials.AccountId` added from the assumed role's ARN, `Expiration` in the
/// `Z` form.
fn entry_json(
    c: &StsCredentials,
    user: Option<&AssumedRoleUser>,
    before_user: &[(&'static str, String)],
    after_user: &[(&'static str, String)],
) -> String {
    let mut creds = Object::new();
    creds
        .str("AccessKeyId", c.access_key_id())
        .str("SecretAccessKey", c.secret_access_key().expose_secret())
        .str("SessionToken", c.session_token().expose_secret())
        .str("Expiration", &crate::date::format_rfc3339(c.expiration()));
    if let Some(account) = user.and_then(|u| account_of(&u.arn)) {
        creds.str("AccountId", account);
    }
    let mut entry = Object::new();
    entry.object("Credentials", creds);
    for (name, json) in before_user {
        entry.raw(name, json);
    }
    if let Some(u) = user {
        let mut o = Object::new();
        o.str("AssumedRoleId", &u.assumed_role_id)
            .str("Arn", &u.arn);
        entry.object("AssumedRoleUser", o);
    }
    for (name, json) in after_user {
        entry.raw(name, json);
    }
    entry.finish()
}

impl CachedCredentials {
    /// The credentials of a cache file's text, or `None` when it is not an entry
    /// botocore could use (invalid JSON, the wrong shape, a missing or empty member,
    /// an `Expiration` without a zone). Whether they are still fresh is
    /// [`FileCache::load`]'s question.
    pub fn from_json(bytes: &[u8]) -> Option<Self> {
        read_entry(bytes)
    }
}

/// The credentials of a cache file, or `None` when it is not one botocore could use.
fn read_entry(bytes: &[u8]) -> Option<CachedCredentials> {
    let v: Value = serde_json::from_slice(bytes).ok()?;
    let c = v.get("Credentials")?.as_object()?;
    let text = |name: &str| c.get(name).and_then(Value::as_str);
    let expiration = parse_expiration(text("Expiration")?)?;
    let (key, secret, token) = (
        text("AccessKeyId")?,
        text("SecretAccessKey")?,
        text("SessionToken")?,
    );
    if key.is_empty() || secret.is_empty() || token.is_empty() {
        return None;
    }
    Some(CachedCredentials {
        credentials: StsCredentials::new(
            key,
            SecretString::from(secret),
            SecretString::from(token),
            expiration,
        ),
        account_id: text("AccountId").map(str::to_owned),
    })
}

/// `Expiration` in any of the forms the AWS tools write: `...Z`, `...+00:00` (with
/// or without fractions), or botocore's `...UTC` (also with a space before `UTC`).
/// A time without a zone is refused.
pub fn parse_expiration(s: &str) -> Option<OffsetDateTime> {
    if let Some(t) = crate::date::parse_rfc3339(s) {
        return Some(t);
    }
    let bare = s.strip_suffix("UTC")?.trim_end_matches(' ');
    crate::date::parse_rfc3339(&format!("{bare}Z"))
}

fn classify(c: CachedCredentials, now: OffsetDateTime) -> Lookup {
    let left = c.credentials.expiration() - now;
    if left >= time::Duration::try_from(REUSE_WINDOW).unwrap_or(time::Duration::MAX) {
        Lookup::Fresh(c)
    } else if left > time::Duration::ZERO {
        Lookup::Expiring(c)
    } else {
        Lookup::Miss
    }
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;
