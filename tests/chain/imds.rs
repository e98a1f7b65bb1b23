//! EC2 instance metadata (IMDSv2) against the loopback metadata double: the token
//! flow, the faults, botocore's `InstanceMetadataFetcher` as a peer, the CLI's exit
//! codes and its time budget when nothing answers. Nothing is sent to 169.254.0.0/16:
//! every endpoint is the double's (or a dead loopback port).
#![cfg(feature = "test-util")]

use crate::sources;

use std::time::Duration;

use secrecy::ExposeSecret;
use sources::{
    Home, assumed_with, botocore, credentials_json, dead_port, run, silent_socket, stderr,
    sts_knowing, stskit,
};
use stskit::client::SystemClock;
use stskit::error::TransportErrorKind;
use stskit::error::{CredentialsError, SourceFailure};
use stskit::provider::{ImdsProvider, ImdsSettings, ProvideCredentials};
use stskit::test_util::{MetadataDouble, MetadataFault};
use stskit::transport::ReqwestTransport;

fn provider(d: &MetadataDouble) -> ImdsProvider {
    let settings = ImdsSettings::default().with_endpoint(&d.url()).unwrap();
    ImdsProvider::new(settings, ReqwestTransport::default(), SystemClock)
}

fn failure(e: CredentialsError) -> SourceFailure {
    match e {
        CredentialsError::Source { failure, .. } => failure,
        other => panic!("not a source failure: {other}"),
    }
}

#[tokio::test]
async fn the_token_flow_gives_the_roles_credentials_and_keeps_the_token() {
    let d = MetadataDouble::start().await.unwrap();
    let p = provider(&d);
    let got = p.fetch().await.unwrap();
    let (id, secret, token) = d.credentials();
    assert_eq!(got.credentials.access_key_id(), id);
    assert_eq!(got.credentials.secret_access_key().expose_secret(), secret);
    assert_eq!(
        got.credentials.session_token().unwrap().expose_secret(),
        token
    );
    assert_eq!(got.expiration, Some(d.expiration()));
    let reqs = d.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].method, "PUT");
    assert_eq!(reqs[0].target, "/latest/api/token");
    assert_eq!(
        reqs[0].header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600")
    );
    assert_eq!(
        reqs[1].target,
        "/latest/meta-data/iam/security-credentials/"
    );
    assert_eq!(
        reqs[2].target,
        "/latest/meta-data/iam/security-credentials/stskit-instance-role"
    );
    for r in &reqs[1..] {
        assert_eq!(
            r.header("x-aws-ec2-metadata-token"),
            Some(d.imds_token().as_str())
        );
    }
    // The second fetch reuses the session token.
    p.fetch().await.unwrap();
    assert_eq!(d.imds_tokens_issued(), 1);
    assert_eq!(d.request_count(), 5);
    // A token the service no longer knows (401) is replaced once.
    d.push(MetadataFault::Status(401, String::new()));
    p.fetch().await.unwrap();
    assert_eq!(d.imds_tokens_issued(), 2);
}

#[tokio::test]
async fn a_refused_token_never_falls_back_to_imdsv1_unless_asked() {
    let d = MetadataDouble::start().await.unwrap();
    d.set_allow_v1(true);
    for status in [403, 404] {
        d.set_token_status(Some(status));
        let before = d.request_count();
        let e = failure(provider(&d).fetch().await.unwrap_err());
        assert!(
            matches!(e, SourceFailure::Status { status: s, .. } if s == status),
            "{e}"
        );
        assert!(e.to_string().contains("IMDSv1 fallback is off"), "{e}");
        assert_eq!(d.request_count(), before + 1, "only the PUT was sent");
    }
    // Opted in: the GETs go without a token.
    let settings = ImdsSettings::default()
        .with_endpoint(&d.url())
        .unwrap()
        .with_v1_fallback(true);
    let p = ImdsProvider::new(settings, ReqwestTransport::default(), SystemClock);
    let got = p.fetch().await.unwrap();
    assert_eq!(got.credentials.access_key_id(), d.credentials().0);
    let last = d.requests().pop().unwrap();
    assert_eq!(last.header("x-aws-ec2-metadata-token"), None);
}

#[tokio::test]
async fn faults_are_typed_failures() {
    let d = MetadataDouble::start().await.unwrap();
    let p = provider(&d);
    // A 500 is tried once more; two in a row fail.
    d.push(MetadataFault::Status(500, String::new()));
    assert!(p.fetch().await.is_ok());
    d.push(MetadataFault::Status(500, String::new()));
    d.push(MetadataFault::Status(503, String::new()));
    let e = failure(p.fetch().await.unwrap_err());
    assert!(
        matches!(e, SourceFailure::Status { status: 503, .. }),
        "{e}"
    );
    // A service that echoes the session token in its error: never shown.
    let token = d.imds_token();
    let echo = format!(r#"{{"Code":"X","message":"token {token} refused"}}"#);
    d.push(MetadataFault::Status(500, echo.clone()));
    d.push(MetadataFault::Status(500, echo));
    let e = failure(p.fetch().await.unwrap_err());
    assert!(!format!("{e} {e:?}").contains(&token), "{e}");
    // Token kept: the next requests are the listing and the credentials.
    d.push(MetadataFault::Expired);
    d.push(MetadataFault::Expired);
    assert!(matches!(
        p.fetch().await.unwrap_err(),
        CredentialsError::StaleCredentials { .. }
    ));
    d.push(MetadataFault::Status(200, "stskit-instance-role".into()));
    d.push(MetadataFault::WrongJson);
    assert!(matches!(
        failure(p.fetch().await.unwrap_err()),
        SourceFailure::Malformed(_)
    ));
    d.push(MetadataFault::Oversized);
    match failure(p.fetch().await.unwrap_err()) {
        SourceFailure::Unreachable(t) => {
            assert!(matches!(t.kind(), TransportErrorKind::BodyTooLarge(_)))
        }
        other => panic!("{other}"),
    }
    d.set_imds_code("AssumeRoleUnauthorizedAccess");
    let e = failure(p.fetch().await.unwrap_err());
    assert!(
        matches!(&e, SourceFailure::Code(c) if c == "AssumeRoleUnauthorizedAccess"),
        "{e}"
    );
    d.set_imds_code("Success");
    // A socket that never answers costs one attempt's timeout, not a retry.
    d.push(MetadataFault::Slow(Duration::from_secs(5)));
    let before = d.request_count();
    let e = failure(p.fetch().await.unwrap_err());
    assert!(
        matches!(&e, SourceFailure::Unreachable(t) if t.kind() == TransportErrorKind::Timeout),
        "{e}"
    );
    assert_eq!(d.request_count(), before + 1);
}

#[tokio::test]
async fn botocore_gets_the_same_credentials() {
    let d = MetadataDouble::start().await.unwrap();
    let ours = provider(&d).fetch().await.unwrap();
    let theirs = botocore(&["imds", &d.url()], &[]).await;
    assert_eq!(theirs["AccessKeyId"], ours.credentials.access_key_id());
    assert_eq!(
        theirs["SecretAccessKey"],
        ours.credentials.secret_access_key().expose_secret()
    );
    assert_eq!(
        theirs["SessionToken"],
        ours.credentials.session_token().unwrap().expose_secret()
    );
    assert_eq!(
        theirs["Expiration"],
        ours.expiration_rfc3339().unwrap().to_string()
    );
}

#[tokio::test]
async fn cached_credentials_survive_an_outage() {
    use stskit::cache::{CredentialsCache, RefreshPolicy};
    let d = MetadataDouble::start().await.unwrap();
    // Credentials 6 hours out with an 8-hour advisory window: every read wants a
    // refresh, and a failing refresh serves the valid credentials it has.
    let cache = CredentialsCache::builder(provider(&d))
        .with_policy(RefreshPolicy::new().with_advisory_window(Duration::from_secs(8 * 3600)))
        .build();
    let first = cache.provide_credentials().await.unwrap();
    d.set_token_status(Some(500));
    let again = cache.provide_credentials().await.unwrap();
    assert_eq!(
        again.credentials.access_key_id(),
        first.credentials.access_key_id()
    );
    assert!(d.request_count() > 3, "the refresh was tried");
}

#[tokio::test]
async fn the_cli_prints_the_instance_credentials_and_exits_by_failure() {
    let d = MetadataDouble::start().await.unwrap();
    let home = Home::new("imds-cli");
    let url = d.url();
    let env = [
        ("AWS_EC2_METADATA_DISABLED", ""),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.as_str()),
    ];
    let (o, _) = run(stskit(&home, &["credentials"], &env)).await;
    let v = credentials_json(&o);
    assert_eq!(v["AccessKeyId"], d.credentials().0);
    assert_eq!(
        v["Expiration"],
        stskit::date::format_rfc3339(d.expiration())
    );
    d.set_imds_code("AssumeRoleUnauthorizedAccess");
    let (o, _) = run(stskit(&home, &["credentials"], &env)).await;
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("AssumeRoleUnauthorizedAccess"));
    d.set_imds_code("Success");
    d.push(MetadataFault::Expired);
    d.push(MetadataFault::Expired);
    d.push(MetadataFault::Expired);
    let (o, _) = run(stskit(&home, &["credentials"], &env)).await;
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("already expired"), "{}", stderr(&o));
    // `AWS_EC2_METADATA_DISABLED=TRUE` (any case) turns it off; nothing is sent.
    let before = d.request_count();
    let (o, _) = run(stskit(
        &home,
        &["credentials"],
        &[
            ("AWS_EC2_METADATA_DISABLED", "TRUE"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.as_str()),
        ],
    ))
    .await;
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(d.request_count(), before);
    // --profile NAME with no credentials never falls through to instance metadata.
    home.write("config", "[profile empty]\nregion = us-east-1\n");
    let config = home.path("config");
    let mut with_config = env.to_vec();
    with_config.push(("AWS_CONFIG_FILE", config.as_str()));
    let (o, _) = run(stskit(
        &home,
        &["credentials", "--profile", "empty"],
        &with_config,
    ))
    .await;
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("\"empty\""), "{}", stderr(&o));
    assert_eq!(d.request_count(), before);
    // Without --profile, the default profile with nothing in it falls through.
    home.write("config", "[default]\nregion = us-east-1\n");
    let (o, _) = run(stskit(&home, &["credentials"], &with_config)).await;
    assert_eq!(credentials_json(&o)["AccessKeyId"], d.credentials().0);
}

/// Nothing listening, or a socket that accepts and never answers: a clear error, fast
/// (the budget is measured by `scripts/imds_budget.sh`; the bound here only catches a
/// hang).
#[tokio::test]
async fn unreachable_metadata_ends_the_chain_with_a_clear_error() {
    let home = Home::new("imds-dead");
    let dead = format!("http://127.0.0.1:{}", dead_port());
    let (_keep, port, _t) = silent_socket();
    let silent = format!("http://127.0.0.1:{port}");
    for url in [dead, silent] {
        let (o, took) = run(stskit(
            &home,
            &["credentials"],
            &[
                ("AWS_EC2_METADATA_DISABLED", ""),
                ("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.as_str()),
            ],
        ))
        .await;
        let code = o.status.code();
        assert!(code == Some(2) || code == Some(4), "{code:?}");
        let err = stderr(&o);
        assert!(
            err.contains("no credentials") && err.contains("instance metadata"),
            "{err}"
        );
        assert!(took < Duration::from_secs(15), "{took:?}");
        eprintln!("{url}: exit {code:?} after {took:?}: {err}");
    }
}

#[tokio::test]
async fn credential_source_ec2_instance_metadata_assumes_the_role_with_them() {
    let d = MetadataDouble::start().await.unwrap();
    let id = d.credentials().0;
    let sts = sts_knowing(&d).await;
    let home = Home::new("imds-role");
    let config = home.write(
        "config",
        "[profile app]\nrole_arn = arn:aws:iam::123456789012:role/app\n\
         credential_source = Ec2InstanceMetadata\nregion = us-east-1\n\
         ec2_metadata_service_endpoint_mode = IPv6\n",
    );
    let (url, endpoint) = (d.url(), sts.endpoint_url());
    let (o, _) = run(stskit(
        &home,
        &["credentials", "--profile", "app"],
        &[
            ("AWS_EC2_METADATA_DISABLED", ""),
            ("AWS_CONFIG_FILE", config.as_str()),
            // The variable wins over the profile's IPv6 mode.
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.as_str()),
            ("AWS_ENDPOINT_URL_STS", endpoint.as_str()),
        ],
    ))
    .await;
    let v = assumed_with(&o, &sts, &id);
    // The metadata session token went to the metadata endpoint only.
    let imds_token = d.imds_token();
    assert!(!imds_token.is_empty());
    for r in sts.requests() {
        assert!(r.headers.iter().all(|(_, v)| !v.contains(&imds_token)));
        assert!(!String::from_utf8_lossy(&r.body).contains(&imds_token));
    }
    // Expiration is STS's for a role.
    assert_ne!(
        v["Expiration"],
        stskit::date::format_rfc3339(d.expiration())
    );
}
