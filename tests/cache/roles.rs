//! `RoleCache`: one session per role and source, one STS call per key however many
//! callers, bounded with least-recently-used eviction, entries dropped on request.
#![cfg(feature = "test-util")]

use crate::double;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use double::{KEY, ROLE, SECRET, double};
use stskit::Credentials;
use stskit::cache::{RoleCache, RoleKey};
use stskit::client::StsClient;
use stskit::sts::{AssumeRole, Endpoint};
use time::OffsetDateTime;

fn source() -> Credentials {
    Credentials::new(KEY, SECRET, None)
}

fn tenant(n: usize) -> AssumeRole {
    AssumeRole::new(ROLE, format!("tenant-{n}")).with_external_id(format!("ext-{n}"))
}

fn cache(
    url: &str,
    capacity: usize,
) -> (
    RoleCache<impl stskit::transport::Transport + use<>, impl stskit::client::Clock + use<>>,
    Arc<AtomicI64>,
) {
    let clock = Arc::new(AtomicI64::new(OffsetDateTime::now_utc().unix_timestamp()));
    let c = clock.clone();
    let client = StsClient::new(Endpoint::resolve(Some(url), Some("us-east-1")).unwrap());
    let cache = RoleCache::new(client, capacity)
        .with_clock(move || OffsetDateTime::from_unix_timestamp(c.load(Ordering::SeqCst)).unwrap());
    (cache, clock)
}

#[tokio::test]
async fn each_role_and_source_has_its_own_session_and_hits_make_no_call() {
    let d = double().await;
    let (cache, _) = cache(&d.endpoint_url(), 100);
    let a = cache.assume_role(&source(), &tenant(1)).await.unwrap();
    let b = cache.assume_role(&source(), &tenant(2)).await.unwrap();
    assert_ne!(a.credentials.access_key_id(), b.credentials.access_key_id());
    for _ in 0..10 {
        let again = cache.assume_role(&source(), &tenant(1)).await.unwrap();
        assert_eq!(
            again.credentials.access_key_id(),
            a.credentials.access_key_id()
        );
    }
    assert_eq!(d.request_count(), 2);
    assert_eq!(cache.len(), 2);
    assert_eq!(
        d.requests()[0].param("ExternalId").as_deref(),
        Some("ext-1")
    );

    // Another principal never shares a session; an MFA code is not part of the key.
    let other = Credentials::new("AKIDOTHER", "x", None);
    assert_ne!(
        RoleKey::new(other.access_key_id(), &tenant(1)),
        RoleKey::new(KEY, &tenant(1))
    );
    let with_code = tenant(1).with_mfa("arn:aws:iam::123456789012:mfa/a", "123456");
    let with_other_code = tenant(1).with_mfa("arn:aws:iam::123456789012:mfa/a", "654321");
    assert_eq!(
        RoleKey::new(KEY, &with_code),
        RoleKey::new(KEY, &with_other_code)
    );
    assert_ne!(RoleKey::new(KEY, &with_code), RoleKey::new(KEY, &tenant(1)));
    let shown = format!("{:?} {cache:?}", RoleKey::new(KEY, &tenant(1)));
    assert!(
        !shown.contains("ext-1") && !shown.contains(SECRET),
        "{shown}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_callers_make_one_call_per_role() {
    let d = double().await;
    let (cache, _) = cache(&d.endpoint_url(), 100);
    let cache = Arc::new(cache);
    let mut tasks = Vec::new();
    for n in 0..500 {
        let cache = cache.clone();
        tasks.push(tokio::spawn(async move {
            let got = cache.assume_role(&source(), &tenant(n % 5)).await.unwrap();
            (n % 5, got.credentials.access_key_id().to_owned())
        }));
    }
    let mut by_role = std::collections::BTreeMap::new();
    for t in tasks {
        let (role, key) = t.await.unwrap();
        by_role
            .entry(role)
            .or_insert_with(std::collections::BTreeSet::new)
            .insert(key);
    }
    assert_eq!(d.request_count(), 5, "one AssumeRole per role");
    assert!(by_role.values().all(|keys| keys.len() == 1));
}

#[tokio::test]
async fn the_least_recently_used_goes_first_and_expired_entries_before_it() {
    let d = double().await;
    let (cache, clock) = cache(&d.endpoint_url(), 3);
    for n in 1..=3 {
        cache.assume_role(&source(), &tenant(n)).await.unwrap();
        clock.fetch_add(1, Ordering::SeqCst);
    }
    cache.assume_role(&source(), &tenant(1)).await.unwrap(); // 2 is now the oldest
    clock.fetch_add(1, Ordering::SeqCst);
    cache.assume_role(&source(), &tenant(4)).await.unwrap();
    assert_eq!((cache.len(), d.request_count()), (3, 4));
    cache.assume_role(&source(), &tenant(1)).await.unwrap();
    cache.assume_role(&source(), &tenant(3)).await.unwrap();
    assert_eq!(d.request_count(), 4, "1 and 3 stayed");
    cache.assume_role(&source(), &tenant(2)).await.unwrap();
    assert_eq!(d.request_count(), 5, "2 was evicted");

    // Past every expiry: the expired entries are dropped for the new one, not only one.
    clock.fetch_add(7200, Ordering::SeqCst);
    assert_eq!(cache.len(), 3);
    cache.remove(&RoleKey::new(KEY, &tenant(9)));
    // The double's answer expires an hour after the real now, so at +2 h it is stale:
    // the fetch fails and says so.
    let got = cache.assume_role(&source(), &tenant(9)).await;
    let e = got.unwrap_err().to_string();
    assert!(e.contains("already expired"), "{e}");
    assert_eq!(cache.len(), 1, "the three expired entries went");
}

#[tokio::test]
async fn entries_can_be_dropped_one_at_a_time_or_all() {
    let d = double().await;
    let (cache, _) = cache(&d.endpoint_url(), 10);
    for n in 1..=3 {
        cache.assume_role(&source(), &tenant(n)).await.unwrap();
    }
    assert!(cache.remove(&RoleKey::new(KEY, &tenant(2))));
    assert!(!cache.remove(&RoleKey::new(KEY, &tenant(2))));
    assert_eq!(cache.len(), 2);
    cache.assume_role(&source(), &tenant(2)).await.unwrap();
    assert_eq!(d.request_count(), 4);
    cache.clear();
    assert!(cache.is_empty());
    cache.assume_role(&source(), &tenant(1)).await.unwrap();
    assert_eq!(d.request_count(), 5);
}
