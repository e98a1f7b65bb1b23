//! `CredentialsCache` under load and on a paused clock: one STS call for a thousand
//! callers, shared failures, advisory callers that do not wait, MFA codes asked only
//! when a fetch needs one, and never an expired key outside a backoff.
#![cfg(feature = "test-util")]

use crate::double;

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use double::{KEY, ROLE, SECRET, double};
use secrecy::SecretString;
use stskit::Config;
use stskit::Credentials;
use stskit::cache::{CredentialsCache, SystemRandom};
use stskit::error::{CredentialsError, ProvideError};
use stskit::provider::{Chain, MfaCallback, Os, ProvideCredentials, ProvideFuture, Provided};
use time::OffsetDateTime;

#[derive(Clone)]
struct TestClock(Arc<AtomicI64>);

impl TestClock {
    fn at(t: OffsetDateTime) -> Self {
        TestClock(Arc::new(AtomicI64::new(t.unix_timestamp())))
    }
    fn set(&self, t: OffsetDateTime) {
        self.0.store(t.unix_timestamp(), Ordering::SeqCst);
    }
    fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(self.0.load(Ordering::SeqCst)).unwrap()
    }
}

/// The config of a `role` profile (with `extra` keys) whose source is `base`'s keys.
fn role_config(extra: &[(&str, &str)]) -> Config {
    let mut text = format!(
        "[profile base]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n\
         [profile role]\nrole_arn = {ROLE}\nsource_profile = base\nrole_session_name = cache\n"
    );
    for (k, v) in extra {
        text.push_str(&format!("{k} = {v}\n"));
    }
    let os = Os::fake(
        [("HOME", "/h"), ("AWS_EC2_METADATA_DISABLED", "true")],
        [("/h/.aws/config", text)],
    );
    Config::builder()
        .os(os)
        .profile("role")
        .region("us-east-1")
        .load()
        .unwrap()
}

/// The `role` profile's chain against the STS at `url`, with MFA codes from `mfa`.
fn role_chain(url: &str, extra: &[(&str, &str)], mfa: Option<MfaCallback>) -> Chain {
    let os = role_config(extra).os().clone();
    let mut builder = Config::builder()
        .os(os)
        .profile("role")
        .region("us-east-1")
        .endpoint_url(url);
    if let Some(mfa) = mfa {
        builder = builder.mfa(move |serial| mfa(serial));
    }
    builder.load().unwrap().chain()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_callers_at_expiry_cause_one_sts_call() {
    // The cache, the client and the double share one clock, so the double's second
    // answer expires an hour after the (virtual) moment of expiry.
    let clock = TestClock::at(OffsetDateTime::now_utc());
    let c = clock.clone();
    let d = stskit::test_util::StsDouble::builder()
        .with_key(KEY, SECRET)
        .with_clock(move || c.now())
        .start()
        .await
        .unwrap();
    let c = clock.clone();
    let os = role_config(&[]).os().clone();
    let config = Config::builder()
        .os(os)
        .profile("role")
        .region("us-east-1")
        .endpoint_url(d.endpoint_url())
        .load()
        .unwrap();
    let provider = config.chain_with(
        stskit::transport::ReqwestTransport::new(Default::default()),
        move || c.now(),
    );
    let c = clock.clone();
    let cache = CredentialsCache::builder(provider)
        .with_clock(move || c.now())
        .build();
    let first = cache.credentials().await.unwrap();
    assert_eq!(d.request_count(), 1);
    let expiry = first.expiration.unwrap();

    clock.set(expiry);
    let start = Arc::new(tokio::sync::Barrier::new(1000));
    let mut tasks = Vec::new();
    for _ in 0..1000 {
        let (cache, start) = (cache.clone(), start.clone());
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            cache.credentials().await
        }));
    }
    let mut keys = std::collections::BTreeSet::new();
    for t in tasks {
        let got = t.await.unwrap().unwrap();
        assert!(got.expiration.unwrap() > expiry);
        keys.insert(got.credentials.access_key_id().to_owned());
    }
    assert_eq!(d.request_count(), 2, "exactly one more AssumeRole");
    assert_eq!(keys.len(), 1, "every caller got the same new credentials");
    assert!(!keys.contains(first.credentials.access_key_id()));
    assert_eq!(cache.stats().fetches, 2);
}

/// A source that blocks each fetch until released, then answers as told.
struct Gate {
    calls: Arc<AtomicUsize>,
    release: Arc<tokio::sync::Semaphore>,
    answer: Arc<Mutex<Result<i64, &'static str>>>,
    clock: TestClock,
}

impl ProvideCredentials for Gate {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            if n > 0 {
                self.release.acquire().await.unwrap().forget();
            }
            let answer = *self.answer.lock().unwrap();
            match answer {
                Ok(lifetime) => Ok(Provided::new(
                    Credentials::new(format!("KEY{n}"), "s", Some("t".into())),
                    Some(self.clock.now() + time::Duration::seconds(lifetime)),
                    "gate",
                )),
                Err(rule) => Err(ProvideError::Failed(CredentialsError::Process {
                    class: stskit::error::FailureClass::NoAnswer,
                    profile: "gate".into(),
                    rule: rule.into(),
                })),
            }
        })
    }
}

fn gate(clock: &TestClock) -> (CredentialsCache, Gate) {
    let g = Gate {
        calls: Arc::default(),
        release: Arc::new(tokio::sync::Semaphore::new(0)),
        answer: Arc::new(Mutex::new(Ok(3600))),
        clock: clock.clone(),
    };
    let shared = Gate {
        calls: g.calls.clone(),
        release: g.release.clone(),
        answer: g.answer.clone(),
        clock: clock.clone(),
    };
    let c = clock.clone();
    let cache = CredentialsCache::builder(shared)
        .with_clock(move || c.now())
        .with_random(SystemRandom::seeded(3))
        .build();
    (cache, g)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn advisory_callers_get_the_cached_credentials_while_one_refreshes() {
    let clock = TestClock::at(OffsetDateTime::now_utc());
    let (cache, g) = gate(&clock);
    let first = cache.credentials().await.unwrap(); // 1 h: advisory 15 min
    clock.advance(3600 - 600); // 10 minutes left: advisory
    assert!(
        cache.valid_credentials().is_none(),
        "advisory, nothing in flight yet"
    );
    let refresher = {
        let cache = cache.clone();
        tokio::spawn(async move { cache.credentials().await })
    };
    while g.calls.load(Ordering::SeqCst) < 2 {
        tokio::task::yield_now().await;
    }
    // The refresh is in flight: the valid-path read and advisory callers do not wait.
    for _ in 0..50 {
        let got = cache.credentials().await.unwrap();
        assert_eq!(
            got.credentials.access_key_id(),
            first.credentials.access_key_id()
        );
    }
    let hot = cache
        .valid_credentials()
        .expect("advisory with a refresh in flight");
    assert_eq!(
        hot.credentials.access_key_id(),
        first.credentials.access_key_id()
    );
    g.release.add_permits(1);
    let fresh = refresher.await.unwrap().unwrap();
    assert_eq!(fresh.credentials.access_key_id(), "KEY1");
    assert_eq!(g.calls.load(Ordering::SeqCst), 2);
    assert!(cache.valid_credentials().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_first_fetch_is_shared_by_every_waiting_caller() {
    let clock = TestClock::at(OffsetDateTime::now_utc());
    let (cache, g) = gate(&clock);
    g.calls.store(1, Ordering::SeqCst); // every fetch waits for a permit
    *g.answer.lock().unwrap() = Err("exit status 1");
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let cache = cache.clone();
        tasks.push(tokio::spawn(async move { cache.credentials().await }));
    }
    while g.calls.load(Ordering::SeqCst) < 2 {
        tokio::task::yield_now().await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    g.release.add_permits(1);
    for t in tasks {
        let e = t.await.unwrap().unwrap_err();
        assert!(e.to_string().contains("exit status 1"), "{e}");
    }
    assert_eq!(
        g.calls.load(Ordering::SeqCst),
        2,
        "one fetch for a hundred callers"
    );
    // Recoverable and nothing cached: no backoff, the next caller tries again.
    *g.answer.lock().unwrap() = Ok(3600);
    g.release.add_permits(1);
    assert!(cache.credentials().await.is_ok());
}

#[tokio::test]
async fn the_mfa_callback_is_asked_only_when_a_fetch_needs_a_code() {
    let d = double().await;
    let asked = Arc::new(AtomicUsize::new(0));
    let a = asked.clone();
    let mfa: MfaCallback = Arc::new(move |serial: &str| {
        assert_eq!(serial, "arn:aws:iam::123456789012:mfa/alice");
        a.fetch_add(1, Ordering::SeqCst);
        Some(SecretString::from("123456"))
    });
    let extra = [("mfa_serial", "arn:aws:iam::123456789012:mfa/alice")];
    let clock = TestClock::at(OffsetDateTime::now_utc());
    let provider = role_chain(&d.endpoint_url(), &extra, Some(mfa));
    let c = clock.clone();
    let cache = CredentialsCache::builder(provider)
        .with_clock(move || c.now())
        .build();
    for _ in 0..5 {
        cache.credentials().await.unwrap();
    }
    assert_eq!(
        asked.load(Ordering::SeqCst),
        1,
        "valid credentials need no code"
    );
    clock.advance(3600 - 60); // the mandatory minute
    cache.credentials().await.unwrap();
    assert_eq!(asked.load(Ordering::SeqCst), 2, "the refresh asked once");
    assert_eq!(d.request_count(), 2);

    // Without a callback the refresh fails clearly, and the failure is not retried in a loop.
    let provider = role_chain(&d.endpoint_url(), &extra, None);
    let cache = CredentialsCache::new(provider);
    for _ in 0..3 {
        match cache.credentials().await {
            Err(stskit::Error::Credentials(e)) => {
                assert!(e.is_non_recoverable());
                assert!(
                    matches!(e.root(), CredentialsError::MfaCodeNeeded { .. }),
                    "{e}"
                );
                assert!(e.to_string().contains("MFA code"), "{e}");
            }
            other => panic!("expected MfaCodeNeeded, got {other:?}"),
        }
    }
    assert_eq!(cache.stats().fetches, 1);
    assert_eq!(cache.stats().cached_errors, 2);
}

/// A source that answers at random: credentials of random lifetimes, some already
/// expired, errors of both kinds.
struct Chaos {
    clock: TestClock,
    random: SystemRandom,
}

impl ProvideCredentials for Chaos {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        use stskit::cache::Random;
        let roll = self.random.next_u64() % 10;
        let lifetime = 60 + (self.random.next_u64() % 7200) as i64;
        let now = self.clock.now();
        Box::pin(async move {
            match roll {
                0..=5 => Ok(Provided::new(
                    Credentials::new("K", "s", Some("t".into())),
                    Some(now + time::Duration::seconds(lifetime)),
                    "chaos",
                )),
                6 => Ok(Provided::new(
                    Credentials::new("K", "s", Some("t".into())),
                    Some(now),
                    "chaos",
                )),
                7 => Err(ProvideError::Failed(CredentialsError::MfaCodeNeeded {
                    profile: "p".into(),
                })),
                _ => Err(ProvideError::Failed(CredentialsError::FetchTimeout {
                    seconds: 1,
                })),
            }
        })
    }
}

#[tokio::test]
async fn expired_credentials_come_back_only_during_a_backoff() {
    use stskit::cache::Random;
    for seed in 0..20u64 {
        let clock = TestClock::at(OffsetDateTime::from_unix_timestamp(1_900_000_000).unwrap());
        let steps = SystemRandom::seeded(seed);
        let c = clock.clone();
        let cache = CredentialsCache::builder(Chaos {
            clock: clock.clone(),
            random: SystemRandom::seeded(seed + 1000),
        })
        .with_clock(move || c.now())
        .with_random(SystemRandom::seeded(seed + 2000))
        .build();
        for _ in 0..2000 {
            clock.advance((steps.next_u64() % 400) as i64);
            let before = cache.stats().served_expired;
            if let Ok(p) = cache.credentials().await {
                let expired = p.expiration.is_some_and(|e| e <= clock.now());
                let counted = cache.stats().served_expired > before;
                assert_eq!(
                    expired, counted,
                    "seed {seed}: expired only as a counted stale answer"
                );
                if expired {
                    let backoff = cache.snapshot().backoff_until.unwrap();
                    assert!(clock.now() < backoff, "seed {seed}: only inside a backoff");
                }
            }
        }
    }
}

#[tokio::test]
async fn nothing_the_cache_shows_holds_a_secret() {
    let d = double().await;
    let provider = role_chain(&d.endpoint_url(), &[], None);
    let cache = CredentialsCache::new(provider);
    let got = cache.credentials().await.unwrap();
    use secrecy::ExposeSecret;
    let secret = got
        .credentials
        .secret_access_key()
        .expose_secret()
        .to_owned();
    let token = got
        .credentials
        .session_token()
        .unwrap()
        .expose_secret()
        .to_owned();
    let shown = format!(
        "{cache:?} {:?} {:?} {got:?}",
        cache.snapshot(),
        cache.stats()
    );
    for s in [&secret, &token, &SECRET.to_owned()] {
        assert!(!shown.contains(s.as_str()), "a secret in {shown}");
    }
    assert!(shown.contains(got.credentials.access_key_id()));
}

/// Answers from a queue: `Some(lifetime)` for credentials, `None` for a recoverable
/// failure.
struct Queue {
    clock: TestClock,
    answers: Arc<Mutex<std::collections::VecDeque<Option<i64>>>>,
    calls: Arc<AtomicUsize>,
}

impl ProvideCredentials for Queue {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let answer = self.answers.lock().unwrap().pop_front().flatten();
        let now = self.clock.now();
        Box::pin(async move {
            match answer {
                Some(lifetime) => Ok(Provided::new(
                    Credentials::new(format!("Q{n}"), "s", Some("t".into())),
                    Some(now + time::Duration::seconds(lifetime)),
                    "queue",
                )),
                None => Err(ProvideError::Failed(CredentialsError::FetchTimeout {
                    seconds: 1,
                })),
            }
        })
    }
}

fn queue(
    policy: stskit::cache::RefreshPolicy,
    answers: &[Option<i64>],
) -> (CredentialsCache, TestClock, Arc<AtomicUsize>) {
    let clock = TestClock::at(OffsetDateTime::from_unix_timestamp(1_900_000_000).unwrap());
    let calls = Arc::new(AtomicUsize::new(0));
    let q = Queue {
        clock: clock.clone(),
        answers: Arc::new(Mutex::new(answers.iter().copied().collect())),
        calls: calls.clone(),
    };
    let c = clock.clone();
    let cache = CredentialsCache::builder(q)
        .with_clock(move || c.now())
        .with_random(|| 120) // backoff 420 s
        .with_policy(policy)
        .build();
    (cache, clock, calls)
}

#[tokio::test]
async fn without_backoff_the_next_caller_retries_and_expired_credentials_are_an_error() {
    let policy = stskit::cache::RefreshPolicy::new().without_backoff();
    let (cache, clock, calls) = queue(policy, &[Some(900), None, None, None, Some(900)]);
    let first = cache.credentials().await.unwrap();
    clock.advance(900 - 200); // advisory
    for n in 2..=3 {
        let got = cache.credentials().await.unwrap();
        assert_eq!(
            got.credentials.access_key_id(),
            first.credentials.access_key_id()
        );
        assert_eq!(calls.load(Ordering::SeqCst), n, "each caller retries");
    }
    clock.advance(300); // expired
    assert!(
        cache.credentials().await.is_err(),
        "never served once expired"
    );
    assert_eq!(
        cache
            .credentials()
            .await
            .unwrap()
            .credentials
            .access_key_id(),
        "Q4"
    );
}

#[tokio::test]
async fn a_capped_backoff_retries_at_expiry() {
    let policy = stskit::cache::RefreshPolicy::new().with_backoff_capped_at_expiry();
    let (cache, clock, calls) = queue(policy, &[Some(900), None, Some(900)]);
    cache.credentials().await.unwrap();
    clock.advance(900 - 100); // advisory, 100 s left: fails, backoff capped at expiry
    cache.credentials().await.unwrap();
    clock.advance(99);
    cache.credentials().await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2, "inside the backoff");
    clock.advance(1); // the moment of expiry: the retry comes
    assert_eq!(
        cache
            .credentials()
            .await
            .unwrap()
            .credentials
            .access_key_id(),
        "Q2"
    );
    assert_eq!(cache.stats().served_expired, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_waiting_around_a_clear_gets_credentials_not_an_error() {
    let clock = TestClock::at(OffsetDateTime::now_utc());
    let (cache, g) = gate(&clock);
    g.calls.store(1, Ordering::SeqCst); // every fetch waits for a permit
    let first = {
        let cache = cache.clone();
        tokio::spawn(async move { cache.credentials().await })
    };
    while g.calls.load(Ordering::SeqCst) < 2 {
        tokio::task::yield_now().await;
    }
    let second = {
        let cache = cache.clone();
        tokio::spawn(async move { cache.credentials().await })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    g.release.add_permits(1);
    first.await.unwrap().unwrap();
    cache.clear();
    g.release.add_permits(1);
    // The waiting caller either shared the first fetch or, after the clear, made its own:
    // never an error.
    let got = second.await.unwrap();
    assert!(got.is_ok(), "{got:?}");
}
