//! The chain as a provider, in-process: a profile's chain decides and runs afresh at
//! each fetch (its roles against the loopback double), static keys need no call, and
//! an explicit profile that does not exist is an error, never "not configured".
#![cfg(feature = "test-util")]

use crate::double;

use double::{KEY, SECRET, double};
use stskit::Config;
use stskit::error::{CredentialsError, ProvideError};
use stskit::profile::ChainError;
use stskit::provider::{Os, ProvideCredentials, Step};

fn config(profile: &str, endpoint: &str) -> Config {
    let text = format!(
        "[profile base]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n\
         [profile role]\nrole_arn = arn:aws:iam::123456789012:role/demo\n\
         source_profile = base\nrole_session_name = lib\n"
    );
    let os = Os::fake(
        [("HOME", "/h"), ("AWS_EC2_METADATA_DISABLED", "true")],
        [("/h/.aws/config", text)],
    );
    Config::builder()
        .os(os)
        .profile(profile)
        .region("us-east-1")
        .endpoint_url(endpoint)
        .load()
        .unwrap()
}

#[tokio::test]
async fn a_profiles_chain_runs_its_roles_at_each_fetch() {
    let d = double().await;
    let chain = config("role", &d.endpoint_url()).chain();
    match chain.decide().unwrap() {
        Step::Call(call) => {
            assert_eq!(call.source(), "STS");
            assert!(call.cache_key().is_some(), "a role's call has a cache key");
        }
        other => panic!("a role needs a call: {other:?}"),
    }
    for n in 1..=2 {
        let got = chain.provide_credentials().await.unwrap();
        assert!(got.credentials.is_temporary() && got.expiration.is_some());
        assert_eq!(d.request_count(), n, "one AssumeRole per fetch");
    }
    let static_keys = config("base", &d.endpoint_url()).chain();
    assert!(matches!(static_keys.decide().unwrap(), Step::Answer(_)));
    let got = static_keys.provide_credentials().await.unwrap();
    assert_eq!(
        (got.credentials.access_key_id(), got.expiration),
        (KEY, None)
    );
    let missing = config("absent", &d.endpoint_url()).chain();
    match missing.provide_credentials().await {
        Err(ProvideError::Failed(CredentialsError::Chain(ChainError::ProfileNotFound {
            profile,
        }))) => assert_eq!(profile, "absent"),
        other => panic!("{other:?}"),
    }
    assert_eq!(d.request_count(), 2, "nothing was sent for either");
}
