//! [`CacheKey`]: the name of the AWS CLI's cache file for a call, made as botocore
//! makes it: the SHA-1 of the call's parameters as configured, serialised as Python's
//! `json.dumps(..., sort_keys=True)` writes them. The chain gives the key of the call
//! it is about to make ([`super::Call::cache_key`]); [`crate::cache::FileCache`] reads
//! and writes the file.

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};
use sha1::{Digest, Sha1};

use crate::profile::RoleHop;
use crate::pyjson;

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

/// The parameters hold an external id or a web identity token: every copy is wiped
/// when it is dropped.
impl Drop for CacheKey {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(self);
    }
}

impl zeroize::Zeroize for CacheKey {
    fn zeroize(&mut self) {
        self.params.values_mut().for_each(pyjson::zeroize_value);
    }
}

impl zeroize::ZeroizeOnDrop for CacheKey {}

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
    pub(crate) fn serialized(&self) -> zeroize::Zeroizing<String> {
        let mut out = zeroize::Zeroizing::new(String::new());
        pyjson::sorted_object(&mut out, &self.params);
        out
    }

    /// The SHA-1 of the serialised parameters, lower-case hex (40 characters).
    pub fn digest(&self) -> String {
        let hash = Sha1::digest(self.serialized().as_bytes());
        crate::text::hex(&hash)
    }

    /// The cache file's name: the digest and `.json`.
    pub fn file_name(&self) -> String {
        format!("{}.json", self.digest())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zeroize::{Zeroize, ZeroizeOnDrop};

    /// Every type of the caches that holds a copy of a secret wipes it when dropped.
    #[test]
    fn cache_keys_and_cached_values_are_zeroized_on_drop() {
        fn zeroized_on_drop<T: ZeroizeOnDrop>() {}
        zeroized_on_drop::<CacheKey>();
        zeroized_on_drop::<crate::credentials::Credentials>();
        zeroized_on_drop::<crate::credentials::StsCredentials>();
        zeroized_on_drop::<crate::cache::CachedCredentials>();
        zeroized_on_drop::<crate::provider::Provided>();
        let token = SecretString::from("eyJ.token.value");
        let mut key = CacheKey::web_identity("arn:aws:iam::1:role/r", Some("s"), &token)
            .with_external_id("ext-secret")
            .with_policy(r#"{"Statement":[{"Sid":"nested-secret"}]}"#);
        let digest = key.digest();
        key.zeroize();
        let wiped = key.serialized();
        for secret in ["eyJ.token.value", "ext-secret", "nested-secret", "arn:aws"] {
            assert!(!wiped.contains(secret), "{secret}");
        }
        assert_ne!(key.digest(), digest);
    }
}
