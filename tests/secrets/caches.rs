//! Property test: with thousands of random secret keys, session tokens, external ids
//! and web identity tokens, nothing the caches show (`Debug` of the caches, their
//! snapshots, stats, keys, file entries and errors) holds any 8-byte piece of them.
#![cfg(feature = "client")]

use crate::windows;

use std::future::Future;
use std::task::{Context, Poll, Waker};
use windows::windows;

use proptest::prelude::*;
use secrecy::SecretString;
use stskit::Credentials;
use stskit::cache::{CacheKey, CachedCredentials, CredentialsCache, FileCache};
use stskit::error::CredentialsError;
use stskit::provider::{ProvideCredentials, ProvideFuture, Provided};

fn ready<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("pending"),
    }
}

struct Fixed(String, String, bool);

impl ProvideCredentials for Fixed {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let expiry = if self.2 {
            time::OffsetDateTime::UNIX_EPOCH // already expired: a stale answer
        } else {
            time::OffsetDateTime::now_utc() + time::Duration::hours(1)
        };
        let p = Provided::new(
            Credentials::new("ASIAPROPTEST", self.0.clone(), Some(self.1.clone())),
            Some(expiry),
            "prop",
        );
        Box::pin(async move { Ok(p) })
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn nothing_a_cache_shows_holds_a_secret(
        secret in "[A-Za-z0-9/+]{40}",
        token in "[A-Za-z0-9/+=]{64,200}",
        external_id in "[A-Za-z0-9_+=,.@:/-]{16,64}",
        jwt in "eyJ[A-Za-z0-9_-]{20,80}\\.[A-Za-z0-9_-]{20,80}\\.[A-Za-z0-9_-]{10,40}",
    ) {
        let mut shown = Vec::new();
        let cache = CredentialsCache::builder(Fixed(secret.clone(), token.clone(), false))
            .with_fetch_timeout(None)
            .build();
        let got = ready(cache.credentials()).unwrap();
        shown.push(format!("{cache:?} {:?} {:?} {got:?}", cache.snapshot(), cache.stats()));
        let stale = CredentialsCache::builder(Fixed(secret.clone(), token.clone(), true))
            .with_fetch_timeout(None)
            .build();
        let e = ready(stale.credentials()).unwrap_err();
        shown.push(format!("{e} {e:?} {:?}", stale.snapshot()));
        let shared = CredentialsError::Shared(std::sync::Arc::new(CredentialsError::StaleCredentials { source: "prop" }));
        shown.push(format!("{shared} {shared:?}"));

        let key = CacheKey::assume_role("arn:aws:iam::123456789012:role/demo")
            .with_external_id(&external_id);
        let wi = CacheKey::web_identity("arn:aws:iam::123456789012:role/wi", None, &SecretString::from(jwt.clone()));
        shown.push(format!("{key:?} {wi:?} {} {}", key.file_name(), wi.digest()));
        let entry = format!(
            r#"{{"Credentials": {{"AccessKeyId": "ASIAPROPTEST", "SecretAccessKey": "{secret}", "SessionToken": "{token}", "Expiration": "2031-05-06T07:08:09Z"}}}}"#
        );
        let read = CachedCredentials::from_json(entry.as_bytes()).unwrap();
        shown.push(format!("{read:?} {:?}", FileCache::new("/nonexistent")));

        for s in &shown {
            for secret in [&secret, &token, &external_id, &jwt] {
                for w in windows(secret) {
                    prop_assert!(!s.contains(w), "{:?} of a secret appears in {:?}", w, s);
                }
            }
        }
    }
}
