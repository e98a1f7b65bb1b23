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
use serde_json::Value;
use time::OffsetDateTime;

use crate::credentials::StsCredentials;
use crate::provider::Os;
use crate::provider::cache_key::CacheKey;
use crate::provider::error::CredentialsError;
use crate::pyjson::{self, Object};
use crate::random::{Random, SystemRandom};
use crate::sts::response::{AssumeRoleOutput, AssumeRoleWithWebIdentityOutput, AssumedRoleUser};

/// An entry is reused only while it has at least this long left (botocore's
/// `DEFAULT_EXPIRY_WINDOW_SECONDS`).
pub const REUSE_WINDOW: Duration = Duration::from_secs(900);
/// The largest cache file read (a real entry is under 2 KB).
const MAX_ENTRY: u64 = 64 * 1024;

/// Credentials read from a cache file.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CachedCredentials {
    /// The credentials.
    pub credentials: StsCredentials,
    /// `Credentials.AccountId`, when the file has it.
    pub account_id: Option<String>,
}

/// Its credentials wipe their secrets when dropped.
impl zeroize::ZeroizeOnDrop for CachedCredentials {}

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
    os: Os,
    random: SystemRandom,
}

impl FileCache {
    /// The cache in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FileCache {
            dir: dir.into(),
            os: Os::real(),
            random: SystemRandom::new(),
        }
    }

    /// Reads and writes through `os` (default: the real files).
    pub fn with_os(mut self, os: Os) -> Self {
        self.os = os;
        self
    }

    /// The AWS CLI's own cache, `~/.aws/cli/cache` (`HOME` from `os`).
    ///
    /// # Errors
    /// [`CredentialsError::Input`] when `HOME` is not UTF-8; [`CredentialsError::Read`]
    /// when it is unset.
    pub fn aws_cli(os: &Os) -> Result<Self, CredentialsError> {
        let path = os.expand_home("~/.aws/cli/cache")?;
        if path.starts_with('~') {
            return Err(CredentialsError::Read {
                path,
                rule: "HOME is not set",
            });
        }
        Ok(FileCache::new(path).with_os(os.clone()))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The entry for `key` at `now`.
    pub fn load(&self, key: &CacheKey, now: OffsetDateTime) -> Lookup {
        let path = self.dir.join(key.file_name());
        let Ok(bytes) = self.os.read_regular_file(&path, MAX_ENTRY) else {
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
        self.os.write_private_file(
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
    let expiration = crate::date::parse_expiration(text("Expiration")?)?;
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
