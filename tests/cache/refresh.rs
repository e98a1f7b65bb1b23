//! The 24 cross-SDK credential refresh cases (`fixtures/refresh/`), each driven from
//! the data on a paused clock: no sleeping, no network.
#![cfg(feature = "client")]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use stskit::Credentials;
use stskit::cache::{CredentialsCache, RefreshPolicy};
use stskit::error::{CredentialsError, ProvideError};
use stskit::provider::{ProvideCredentials, ProvideFuture, Provided};
use time::OffsetDateTime;

/// T: when the seeded credentials expire.
const T: i64 = 1_900_000_000;
/// The seeded credentials' lifetime (advisory window 5 minutes).
const SEED_LIFETIME: i64 = 900;

#[derive(Clone, Default)]
struct TestClock(Arc<AtomicI64>);

impl TestClock {
    fn set(&self, unix: i64) {
        self.0.store(unix, Ordering::SeqCst);
    }
    fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(self.0.load(Ordering::SeqCst)).unwrap()
    }
}

enum Answer {
    Fresh { key: String, lifetime: i64 },
    Stale,
    Error,
    NonRecoverable,
}

/// A source that gives the scripted answers and counts the calls; a call with no
/// answer scripted is a failure of the case (the cache was not meant to call).
#[derive(Clone)]
struct Scripted {
    clock: TestClock,
    answers: Arc<Mutex<VecDeque<Answer>>>,
    calls: Arc<AtomicU64>,
}

fn access_denied() -> CredentialsError {
    let body = b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
        <Message>not authorized</Message></Error><RequestId>r1</RequestId></ErrorResponse>";
    CredentialsError::Sts {
        profile: "test".into(),
        error: stskit::sts::parse_error(403, &[], body).into(),
    }
}

fn unavailable() -> CredentialsError {
    CredentialsError::Sts {
        profile: "test".into(),
        error: stskit::sts::parse_error(503, &[], b"").into(),
    }
}

impl ProvideCredentials for Scripted {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let now = self.clock.now();
            let answer = self.answers.lock().unwrap().pop_front();
            match answer {
                Some(Answer::Fresh { key, lifetime }) => Ok(Provided::new(
                    Credentials::new(key, "secret", Some("token".into())),
                    Some(now + time::Duration::seconds(lifetime)),
                    "test",
                )),
                Some(Answer::Stale) => Ok(Provided::new(
                    Credentials::new("STALE", "secret", Some("token".into())),
                    Some(now),
                    "test",
                )),
                Some(Answer::Error) => Err(ProvideError::Failed(unavailable())),
                Some(Answer::NonRecoverable) => Err(ProvideError::Failed(access_denied())),
                None => Err(ProvideError::Failed(CredentialsError::Process {
                    class: stskit::error::FailureClass::NoAnswer,
                    profile: "unscripted".into(),
                    rule: "the source was called with no answer scripted".into(),
                })),
            }
        })
    }
}

fn cases() -> Vec<Value> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/refresh/credential-refresh-tests.json"
    ))
    .unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn there_are_24_cases() {
    assert_eq!(cases().len(), 24);
}

async fn run_case(index: usize) {
    let case = &cases()[index];
    let doc = case["documentation"].as_str().unwrap();
    let given = &case["given"];
    let clock = TestClock::default();
    let source = Scripted {
        clock: clock.clone(),
        answers: Arc::default(),
        calls: Arc::default(),
    };
    // Pinned draws: the backoff is 300 + draw % 301 s, the error lifetime 1 + draw % 5 s.
    let draw = given["refreshBackoffSeconds"]
        .as_u64()
        .map_or(0, |secs| secs - 300);
    let mut policy = RefreshPolicy::new();
    if let Some(secs) = given["configuredAdvisoryWindowSeconds"].as_u64() {
        policy = policy.with_advisory_window(Duration::from_secs(secs));
    }
    let c = clock.clone();
    let cache = CredentialsCache::builder(source.clone())
        .with_clock(move || c.now())
        .with_random(move || draw)
        .with_policy(policy)
        .build();

    let state = given["cachedCredentials"].as_str().unwrap();
    if state != "none" {
        let key = given["accessKeyId"]
            .as_str()
            .unwrap_or("AKID-SEED")
            .to_owned();
        clock.set(T - SEED_LIFETIME);
        source.answers.lock().unwrap().push_back(Answer::Fresh {
            key,
            lifetime: SEED_LIFETIME,
        });
        cache.credentials().await.unwrap();
        let now = match state {
            "valid" => T - 600,
            "advisory" => T - 180,
            "mandatory" => T - 30,
            "expired" => T + 1,
            other => panic!("{doc}: unknown state {other}"),
        };
        clock.set(now);
    } else {
        clock.set(T - SEED_LIFETIME);
    }

    let mut fresh = 0;
    for (n, step) in case["steps"].as_array().unwrap().iter().enumerate() {
        let at = format!("{doc} (step {n})");
        match step["type"].as_str().unwrap() {
            "advanceTime" => clock.advance(step["seconds"].as_i64().unwrap()),
            "invalidate" => cache.invalidate(step["rejectedAccessKeyId"].as_str().unwrap()),
            "getCredentials" => {
                let new_key = format!("NEW-{fresh}");
                fresh += 1;
                let answer = match step["response"].as_str() {
                    None => None,
                    Some("freshCredentials") => Some(Answer::Fresh {
                        key: new_key.clone(),
                        lifetime: step["lifetimeSeconds"].as_i64().unwrap_or(SEED_LIFETIME),
                    }),
                    Some("staleCredentials") => Some(Answer::Stale),
                    Some("error") => Some(Answer::Error),
                    Some("nonRecoverableError") => Some(Answer::NonRecoverable),
                    Some(other) => panic!("{at}: unknown response {other}"),
                };
                {
                    let mut answers = source.answers.lock().unwrap();
                    answers.clear();
                    answers.extend(answer);
                }
                let cached_key = cache.snapshot().access_key_id;
                let calls_before = source.calls.load(Ordering::SeqCst);
                let limited_before = cache.stats().rate_limited;
                let got = cache.credentials().await;
                let expected = &step["expected"];
                let contacted = source.calls.load(Ordering::SeqCst) > calls_before;
                assert_eq!(
                    contacted,
                    expected["sourceContacted"].as_bool().unwrap(),
                    "{at}: source contacted"
                );
                let limited = cache.stats().rate_limited > limited_before;
                assert_eq!(
                    limited,
                    expected["rateLimited"].as_bool().unwrap(),
                    "{at}: rate limited"
                );
                match expected["result"].as_str().unwrap() {
                    "cachedCredentials" => {
                        let p = got.unwrap_or_else(|e| panic!("{at}: {e}"));
                        assert_eq!(
                            Some(p.credentials.access_key_id()),
                            cached_key.as_deref(),
                            "{at}: cached credentials"
                        );
                    }
                    "newCredentials" => {
                        let p = got.unwrap_or_else(|e| panic!("{at}: {e}"));
                        assert_eq!(p.credentials.access_key_id(), new_key, "{at}: new");
                    }
                    "noCredentialsError" => match got {
                        Err(stskit::Error::Credentials(e)) => {
                            assert!(!e.is_non_recoverable(), "{at}: {e}");
                            assert!(e.to_string().contains("503"), "{at}: {e}");
                        }
                        other => panic!("{at}: expected an error, got {other:?}"),
                    },
                    "nonRecoverableError" => match got {
                        Err(stskit::Error::Credentials(e)) => {
                            assert!(e.is_non_recoverable(), "{at}: {e}");
                            let code = e.sts_error().map(|s| s.to_string());
                            assert!(
                                code.is_some_and(|c| c.contains("AccessDenied")),
                                "{at}: {e}"
                            );
                        }
                        other => panic!("{at}: expected an error, got {other:?}"),
                    },
                    other => panic!("{at}: unknown result {other}"),
                }
                if let Some(secs) = expected["advisoryWindowSeconds"].as_u64() {
                    assert_eq!(
                        cache.snapshot().advisory_window,
                        Some(Duration::from_secs(secs)),
                        "{at}: advisory window"
                    );
                }
            }
            other => panic!("{at}: unknown step {other}"),
        }
    }
}

macro_rules! cases {
    ($($name:ident => $index:literal,)*) => {
        $( #[tokio::test] async fn $name() { run_case($index).await } )*
    };
}

cases! {
    case_00_valid => 0,
    case_01_advisory_refresh_succeeds => 1,
    case_02_advisory_refresh_fails => 2,
    case_03_mandatory_refresh_succeeds => 3,
    case_04_mandatory_refresh_fails => 4,
    case_05_expired_refresh_succeeds => 5,
    case_06_expired_refresh_fails => 6,
    case_07_initial_fetch_fails_then_succeeds => 7,
    case_08_advisory_stale_answer => 8,
    case_09_mandatory_stale_answer => 9,
    case_10_ten_minute_lifetime => 10,
    case_11_twenty_and_a_half_minute_lifetime => 11,
    case_12_six_hour_lifetime => 12,
    case_13_window_recomputed => 13,
    case_14_configured_window => 14,
    case_15_advisory_non_recoverable => 15,
    case_16_mandatory_non_recoverable => 16,
    case_17_non_recoverable_cached => 17,
    case_18_invalidate_then_refresh => 18,
    case_19_invalidate_then_refresh_fails => 19,
    case_20_invalidate_during_backoff => 20,
    case_21_stale_key_invalidation => 21,
    case_22_backoff_holds => 22,
    case_23_initial_non_recoverable => 23,
}
