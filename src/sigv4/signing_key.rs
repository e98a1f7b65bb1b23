//! Signing key derivation: `AWS4` + secret -> date -> region -> service -> `aws4_request`,
//! and a small cache of derived keys keyed by credentials and scope.

use std::fmt;
use std::sync::Mutex;

use secrecy::{ExposeSecret, SecretString};
use zeroize::{Zeroize, Zeroizing};

use super::hash::{HmacKey, hmac_sha256};

/// How many (credentials, date, region, service) keys one cache remembers.
const CACHE_SLOTS: usize = 4;

/// A derived SigV4 signing key. It is as sensitive as the secret it came from for the
/// scope it covers: zeroized on drop and redacted from `Debug`.
#[derive(Clone)]
pub struct SigningKey([u8; 32]);

impl SigningKey {
    /// The 32 key bytes. Only for tests and interoperability checks: do not log them.
    pub fn expose_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey([redacted])")
    }
}

impl Drop for SigningKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// Derives the signing key for `secret` on `date` (`YYYYMMDD`) in `region` for `service`.
///
/// This is the four-HMAC chain of the SigV4 specification. The `"AWS4" + secret`
/// buffer and every intermediate key are zeroized before returning.
pub fn derive_signing_key(secret: &str, date: &str, region: &str, service: &str) -> SigningKey {
    let mut k_secret = Zeroizing::new(Vec::with_capacity(4 + secret.len()));
    k_secret.extend_from_slice(b"AWS4");
    k_secret.extend_from_slice(secret.as_bytes());
    let mut k_date = hmac_sha256(&k_secret, date.as_bytes());
    let mut k_region = hmac_sha256(&k_date, region.as_bytes());
    let mut k_service = hmac_sha256(&k_region, service.as_bytes());
    let key = SigningKey(hmac_sha256(&k_service, b"aws4_request"));
    k_date.zeroize();
    k_region.zeroize();
    k_service.zeroize();
    key
}

struct Entry {
    access_key_id: Box<str>,
    secret: SecretString,
    date: [u8; 8],
    region: Box<str>,
    service: Box<str>,
    key: HmacKey,
}

/// Remembers the last few derived keys, keyed by the credentials (access key id and
/// secret, so it never hands out a key for another secret) and the scope.
#[derive(Default)]
pub(crate) struct SigningKeyCache {
    entries: Mutex<Vec<Entry>>,
}

impl SigningKeyCache {
    /// The signing key for this scope, ready for HMAC, derived with `derive` on a miss.
    pub(crate) fn get_or_derive(
        &self,
        access_key_id: &str,
        secret: &str,
        (date, region, service): (&str, &str, &str),
        derive: impl FnOnce() -> SigningKey,
    ) -> HmacKey {
        let date_bytes: [u8; 8] = match date.as_bytes().try_into() {
            Ok(d) => d,
            Err(_) => return HmacKey::new(derive().expose_bytes()),
        };
        // A poisoned lock only means another thread panicked mid-update of a plain Vec;
        // the entries are still whole, so keep using them.
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = entries.iter().find(|e| {
            e.date == date_bytes
                && *e.region == *region
                && *e.service == *service
                && *e.access_key_id == *access_key_id
                && e.secret.expose_secret() == secret
        }) {
            return e.key.clone();
        }
        let key = HmacKey::new(derive().expose_bytes());
        // Keys from an older day can never be used again by a correct clock.
        entries.retain(|e| e.date >= date_bytes);
        if entries.len() >= CACHE_SLOTS {
            entries.remove(0);
        }
        entries.push(Entry {
            access_key_id: access_key_id.into(),
            secret: SecretString::from(secret),
            date: date_bytes,
            region: region.into(),
            service: service.into(),
            key: key.clone(),
        });
        key
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.lock().unwrap().len()
    }
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKeyCache([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    /// The worked example in the AWS documentation ("Examples of how to derive a signing
    /// key for Signature Version 4"): 20120215, us-east-1, iam.
    #[test]
    fn aws_documentation_example_derives_the_documented_key() {
        let key = derive_signing_key(DOC_SECRET, "20120215", "us-east-1", "iam");
        assert_eq!(
            hex::encode(key.expose_bytes()),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }

    #[test]
    fn aws_documentation_example_intermediate_keys() {
        let k_date = hmac_sha256(format!("AWS4{DOC_SECRET}").as_bytes(), b"20120215");
        assert_eq!(
            hex::encode(k_date),
            "969fbb94feb542b71ede6f87fe4d5fa29c789342b0f407474670f0c2489e0a0d"
        );
        let k_region = hmac_sha256(&k_date, b"us-east-1");
        assert_eq!(
            hex::encode(k_region),
            "69daa0209cd9c5ff5c8ced464a696fd4252e981430b10e3d3fd8e2f197d7a70c"
        );
        let k_service = hmac_sha256(&k_region, b"iam");
        assert_eq!(
            hex::encode(k_service),
            "f72cfd46f26bc4643f06a11eabb6c0ba18780c19a8da0c31ace671265e3c87fa"
        );
    }

    #[test]
    fn cache_derives_once_per_scope() {
        let cache = SigningKeyCache::default();
        let mut derivations = 0;
        for _ in 0..3 {
            cache.get_or_derive("AKID", "secret", ("20150830", "us-east-1", "sts"), || {
                derivations += 1;
                derive_signing_key(DOC_SECRET, "20150830", "us-east-1", "sts")
            });
        }
        assert_eq!(derivations, 1);
        let other = cache.get_or_derive("AKID", "secret", ("20150830", "eu-west-1", "sts"), || {
            derive_signing_key(DOC_SECRET, "20150830", "eu-west-1", "sts")
        });
        let fresh = derive_signing_key(DOC_SECRET, "20150830", "eu-west-1", "sts");
        assert_eq!(
            other.mac(b"message"),
            hmac_sha256(fresh.expose_bytes(), b"message")
        );
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn cache_drops_older_days_and_stays_bounded() {
        let cache = SigningKeyCache::default();
        let d = |date: &str, region: &str| derive_signing_key(DOC_SECRET, date, region, "sts");
        cache.get_or_derive("AKID", "secret", ("20150830", "r1", "sts"), || {
            d("20150830", "r1")
        });
        cache.get_or_derive("AKID", "secret", ("20150831", "r1", "sts"), || {
            d("20150831", "r1")
        });
        assert_eq!(cache.len(), 1, "the key of the day before is dropped");
        for r in ["r2", "r3", "r4", "r5", "r6"] {
            cache.get_or_derive("AKID", "secret", ("20150831", r, "sts"), || {
                d("20150831", r)
            });
        }
        assert_eq!(cache.len(), CACHE_SLOTS);
    }

    #[test]
    fn debug_never_shows_key_material() {
        let key = derive_signing_key(DOC_SECRET, "20120215", "us-east-1", "iam");
        assert_eq!(format!("{key:?}"), "SigningKey([redacted])");
        let cache = SigningKeyCache::default();
        assert_eq!(format!("{cache:?}"), "SigningKeyCache([redacted])");
    }
}
