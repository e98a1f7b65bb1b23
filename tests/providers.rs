//! The `ProvideCredentials` model in-process: a chain skips providers that are not
//! configured and stops at one that fails; a profile provider plans afresh at each
//! fetch and runs its roles against the loopback double.
#![cfg(feature = "test-util")]

#[path = "common/double.rs"]
mod double;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use double::{KEY, SECRET, double};
use stskit::Credentials;
use stskit::client::StsClient;
use stskit::profile::{ChainError, ProfileSet, Properties};
use stskit::provider::{
    ChainProvider, CredentialsError, ProfileProvider, ProvideCredentials, ProvideError,
    ProvideFuture, Provided, StsRunner,
};
use stskit::sts::Endpoint;

/// A provider that answers as told and counts its calls.
struct Fixed {
    answer: fn() -> Result<Provided, ProvideError>,
    calls: Arc<AtomicUsize>,
}

impl ProvideCredentials for Fixed {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let answer = self.answer;
        Box::pin(async move { answer() })
    }
}

fn fixed(
    answer: fn() -> Result<Provided, ProvideError>,
) -> (Box<dyn ProvideCredentials>, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    (
        Box::new(Fixed {
            answer,
            calls: calls.clone(),
        }),
        calls,
    )
}

#[tokio::test]
async fn a_chain_skips_the_unconfigured_and_stops_at_a_failure() {
    let (none, none_calls) = fixed(|| Err(ProvideError::NotConfigured { provider: "a" }));
    let (keys, _) = fixed(|| {
        Ok(Provided::new(
            Credentials::new("AKIDCHAIN", "s", None),
            None,
            "b",
        ))
    });
    let (after, after_calls) = fixed(|| panic!("never reached"));
    let chain = ChainProvider::new(vec![none, keys, after]);
    let got = chain.provide_credentials().await.unwrap();
    assert_eq!(got.credentials.access_key_id(), "AKIDCHAIN");
    assert_eq!(
        (
            none_calls.load(Ordering::SeqCst),
            after_calls.load(Ordering::SeqCst)
        ),
        (1, 0)
    );

    let (failing, _) = fixed(|| {
        Err(ProvideError::Failed(CredentialsError::Chain(
            ChainError::NoCredentials {
                profile: "x".into(),
            },
        )))
    });
    let (later, later_calls) = fixed(|| panic!("a failure stops the chain"));
    let chain = ChainProvider::new(vec![failing, later]);
    assert!(matches!(
        chain.provide_credentials().await,
        Err(ProvideError::Failed(_))
    ));
    assert_eq!(later_calls.load(Ordering::SeqCst), 0);
    let empty = ChainProvider::new(vec![]);
    assert!(matches!(
        empty.provide_credentials().await,
        Err(ProvideError::NotConfigured { .. })
    ));
}

#[tokio::test]
async fn a_profile_provider_runs_its_roles_at_each_fetch() {
    let d = double().await;
    let props = |pairs: &[(&str, &str)]| -> Properties { pairs.iter().copied().collect() };
    let mut profiles = BTreeMap::new();
    profiles.insert(
        "base".to_owned(),
        props(&[
            ("aws_access_key_id", KEY),
            ("aws_secret_access_key", SECRET),
        ]),
    );
    profiles.insert(
        "role".to_owned(),
        props(&[
            ("role_arn", "arn:aws:iam::123456789012:role/demo"),
            ("source_profile", "base"),
            ("role_session_name", "lib"),
        ]),
    );
    let set = Arc::new(ProfileSet::from_profiles(profiles));
    let client =
        StsClient::new(Endpoint::resolve(Some(&d.endpoint_url()), Some("us-east-1")).unwrap());
    let runner = Arc::new(StsRunner::new(client, time::OffsetDateTime::now_utc()));
    let provider = ProfileProvider::new(runner.clone(), set.clone(), "role");
    for n in 1..=2 {
        let got = provider.provide_credentials().await.unwrap();
        assert!(got.credentials.is_temporary() && got.expiration.is_some());
        assert_eq!(d.request_count(), n, "one AssumeRole per fetch");
    }
    let static_keys = ProfileProvider::new(runner.clone(), set.clone(), "base");
    let got = static_keys.provide_credentials().await.unwrap();
    assert_eq!(
        (got.credentials.access_key_id(), got.expiration),
        (KEY, None)
    );
    let missing = ProfileProvider::new(runner, set, "absent");
    assert!(matches!(
        missing.provide_credentials().await,
        Err(ProvideError::NotConfigured { .. })
    ));
}
