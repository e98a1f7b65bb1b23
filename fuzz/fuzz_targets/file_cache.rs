//! The AWS CLI's cache files as a hostile writer leaves them: any bytes are read as an
//! entry or refused, never a panic; what is read has an expiration in UTC and shows no
//! secret in `Debug`; any text as a policy or an external id gives a 40-character key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secrecy::ExposeSecret;
use stskit::cache::{CacheKey, CachedCredentials};
use stskit::date::parse_expiration;

fuzz_target!(|data: &[u8]| {
    if let Some(c) = CachedCredentials::from_json(data) {
        let shown = format!("{c:?}");
        let secret = c.credentials.secret_access_key().expose_secret();
        assert!(secret.len() < 4 || !shown.contains(secret));
        assert!(c.credentials.expiration().offset().is_utc());
    }
    let text = String::from_utf8_lossy(data);
    let _ = parse_expiration(&text);
    let key = CacheKey::assume_role("arn:aws:iam::123456789012:role/demo")
        .with_policy(&text)
        .with_external_id(&text);
    let digest = key.digest();
    assert_eq!(digest.len(), 40);
    assert!(!format!("{key:?}").contains(&*text) || text.len() < 8 || digest.contains(&*text));
});
