//! The chain as a provider, in-process: a profile's chain decides and runs afresh at
//! each fetch (its roles against the loopback double), static keys need no call, and
//! an explicit profile that does not exist is an error, never "not configured".
#![cfg(feature = "test-util")]

use crate::double;

use double::{KEY, SECRET, double};
use stskit::Config;
use stskit::error::{CredentialsError, ProvideError};
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
        // The error names the files the profile was looked for in (the credentials
        // file does not exist here).
        Err(ProvideError::Failed(CredentialsError::ProfileNotFound { profile, files })) => {
            assert_eq!(profile, "absent");
            assert_eq!(
                files,
                "/h/.aws/config and /h/.aws/credentials (no such file)"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(d.request_count(), 2, "nothing was sent for either");
}

fn fake(env: &[(&str, &str)], config: &str) -> Os {
    let mut vars = vec![("HOME", "/h"), ("AWS_EC2_METADATA_DISABLED", "true")];
    vars.extend_from_slice(env);
    Os::fake(vars, [("/h/.aws/config", config.to_owned())])
}

#[test]
fn the_region_comes_from_the_builder_the_environment_then_the_profile() {
    let config = "[default]\nregion = eu-west-1\n[profile p]\nregion = eu-north-1\n";
    let region = |env: &[(&str, &str)], builder: Option<&str>| {
        let mut b = Config::builder().os(fake(env, config));
        if let Some(r) = builder {
            b = b.region(r);
        }
        b.load().unwrap().region().map(str::to_owned)
    };
    assert_eq!(region(&[], None).as_deref(), Some("eu-west-1"));
    assert_eq!(
        region(&[("AWS_PROFILE", "p")], None).as_deref(),
        Some("eu-north-1")
    );
    let both = [
        ("AWS_REGION", "us-west-2"),
        ("AWS_DEFAULT_REGION", "us-east-2"),
    ];
    assert_eq!(region(&both, None).as_deref(), Some("us-west-2"));
    assert_eq!(region(&both[1..], None).as_deref(), Some("us-east-2"));
    assert_eq!(
        region(&both, Some("ap-south-1")).as_deref(),
        Some("ap-south-1")
    );
    // The blocking front door reads the same.
    let blocking = stskit::blocking::Config::builder()
        .os(fake(&[("AWS_PROFILE", "p")], config))
        .load()
        .unwrap();
    assert_eq!(blocking.region(), Some("eu-north-1"));
}

#[test]
fn the_client_follows_the_endpoint_rules_and_needs_a_region() {
    let config = "[profile p]\nregion = eu-west-1\nendpoint_url = https://sts.example.test\n\
                  [profile q]\nregion = us-gov-west-1\nuse_fips_endpoint = true\n";
    let url = |env: &[(&str, &str)], profile: &str| {
        let c = Config::builder()
            .os(fake(env, config))
            .profile(profile)
            .load()
            .unwrap();
        let client = c.sts_client().unwrap();
        (
            client.endpoint().url().to_owned(),
            client.endpoint().signing_region().to_owned(),
        )
    };
    assert_eq!(
        url(&[], "p"),
        ("https://sts.example.test/".into(), "eu-west-1".into())
    );
    let env = [("AWS_ENDPOINT_URL_STS", "https://sts.from-env.test")];
    assert_eq!(
        url(&env, "p"),
        ("https://sts.from-env.test/".into(), "eu-west-1".into())
    );
    assert_eq!(
        url(&[], "q"),
        (
            "https://sts.us-gov-west-1.amazonaws.com/".into(),
            "us-gov-west-1".into()
        )
    );
    // No region: an error at the client, not at load.
    let none = Config::builder().os(fake(&[], "")).load().unwrap();
    let err = none.sts_client().unwrap_err();
    assert!(err.to_string().contains("no region"), "{err}");
}

#[tokio::test]
async fn keys_in_the_environment_resolve_without_a_region() {
    let keys = [
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", "s"),
    ];
    let config = Config::builder().os(fake(&keys, "")).load().unwrap();
    assert_eq!(config.region(), None);
    let got = config.credentials().credentials().await.unwrap();
    assert_eq!(got.credentials.access_key_id(), "AKIDENV");
}

#[tokio::test]
async fn errors_say_their_root_cause_on_one_line() {
    // A key id without a secret: the variable, not "invalid request".
    let config = Config::builder()
        .os(fake(&[("AWS_ACCESS_KEY_ID", "AKIDENV")], ""))
        .load()
        .unwrap();
    let err = config.credentials().credentials().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid AWS_SECRET_ACCESS_KEY: must be set in the environment"
    );
    // STS down: the profile, the layer, and the connection's own cause, one line; the
    // Debug that `?` out of main prints is the same line; no source repeats it.
    let text = format!(
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = b\n\
         region = us-east-1\n[profile b]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"
    );
    let config = Config::builder()
        .os(fake(&[], &text))
        .profile("r")
        .endpoint_url("http://127.0.0.1:1")
        .client_config(stskit::client::ClientConfig::default().with_max_attempts(1))
        .load()
        .unwrap();
    let err = config.credentials().credentials().await.unwrap_err();
    let line = err.to_string();
    assert!(
        line.starts_with(
            "profile \"r\": could not get an answer from STS: connection to 127.0.0.1:1 failed: "
        ),
        "{line}"
    );
    assert!(!line.contains('\n'));
    assert_eq!(format!("{err:?}"), line);
    assert!(std::error::Error::source(&err).is_none());
    assert!(!line.contains(SECRET));
}
