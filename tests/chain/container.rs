//! The container credentials endpoint (ECS, EKS Pod Identity) against the loopback
//! metadata double: the token header and file, the host rule, retries, exit codes,
//! `credential_source = EcsContainer`, and botocore's `ContainerMetadataFetcher` as a
//! peer. Nothing is sent to 169.254.0.0/16: the full URI is always the double's.
#![cfg(feature = "test-util")]

use crate::sources;

use sources::{Home, assumed_with, botocore, credentials_json, run, stderr, sts_knowing, stskit};
use stskit::client::SystemClock;
use stskit::provider::{ContainerProvider, ProvideCredentials};
use stskit::test_util::{MetadataDouble, MetadataFault};
use stskit::transport::ReqwestTransport;

const TOKEN: &str = "eks-pod-identity-token.value";

/// `stskit credentials` with the full URI `url` and the token in its variable.
async fn credentials_with_token(home: &Home, url: &str) -> std::process::Output {
    let env = [
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", url),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", TOKEN),
    ];
    run(stskit(home, &["credentials"], &env)).await.0
}

#[tokio::test]
async fn the_cli_sends_the_token_and_prints_the_credentials() {
    let d = MetadataDouble::start().await.unwrap();
    d.set_container_token(Some(TOKEN));
    let home = Home::new("container-cli");
    let url = d.container_url();
    let o = credentials_with_token(&home, &url).await;
    let v = credentials_json(&o);
    let (id, secret, token) = d.credentials();
    assert_eq!(v["AccessKeyId"], id);
    assert_eq!(v["SecretAccessKey"], secret);
    assert_eq!(v["SessionToken"], token);
    assert_eq!(
        v["Expiration"],
        stskit::date::format_rfc3339(d.expiration())
    );
    let r = d.requests().pop().unwrap();
    assert_eq!(r.header("Authorization"), Some(TOKEN));
    assert_eq!(r.method, "GET");
    // The token file wins over the variable, and is read at each fetch.
    let file = home.write("token", TOKEN);
    let (o, _) = run(stskit(
        &home,
        &["credentials"],
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", url.as_str()),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "not-this-one"),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file.as_str()),
        ],
    ))
    .await;
    assert_eq!(credentials_json(&o)["AccessKeyId"], id);
    // A wrong token: the endpoint's 403 and its code, exit 3, the token never shown.
    let (o, _) = run(stskit(
        &home,
        &["credentials"],
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", url.as_str()),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong-token-value"),
        ],
    ))
    .await;
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("403") && stderr(&o).contains("AccessDeniedException"));
    assert!(!stderr(&o).contains("wrong-token-value"));
}

#[tokio::test]
async fn refused_hosts_and_tokens_send_nothing() {
    let d = MetadataDouble::start().await.unwrap();
    let home = Home::new("container-refused");
    let port = d.url().rsplit(':').next().unwrap().to_owned();
    for url in [
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://creds.example.com/v1/credentials".to_owned(),
        format!("http://127.0.0.1:{port}@creds.example.com/v1/credentials"),
        "http://192.168.0.1/creds".to_owned(),
        "ftp://127.0.0.1/creds".to_owned(),
    ] {
        let (o, _) = run(stskit(
            &home,
            &["credentials"],
            &[("AWS_CONTAINER_CREDENTIALS_FULL_URI", url.as_str())],
        ))
        .await;
        assert_eq!(o.status.code(), Some(2), "{url}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
            "{}",
            stderr(&o)
        );
    }
    let url = d.container_url();
    let file = home.write("token", "abc\n");
    for env in [
        vec![("AWS_CONTAINER_AUTHORIZATION_TOKEN", "abc\r\nX-Injected: 1")],
        vec![("AWS_CONTAINER_AUTHORIZATION_TOKEN", "abc\ndef")],
        vec![("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file.as_str())],
    ] {
        let mut env = env.clone();
        env.push(("AWS_CONTAINER_CREDENTIALS_FULL_URI", url.as_str()));
        let (o, _) = run(stskit(&home, &["credentials"], &env)).await;
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("CR or LF"), "{}", stderr(&o));
    }
    assert_eq!(d.request_count(), 0, "nothing was sent");
}

#[tokio::test]
async fn server_errors_are_retried_client_errors_and_bad_answers_are_not() {
    let d = MetadataDouble::start().await.unwrap();
    let home = Home::new("container-faults");
    let url = d.container_url();
    let env = [("AWS_CONTAINER_CREDENTIALS_FULL_URI", url.as_str())];
    d.push(MetadataFault::Status(500, String::new()));
    d.push(MetadataFault::Status(503, String::new()));
    let (o, _) = run(stskit(&home, &["credentials"], &env)).await;
    assert_eq!(credentials_json(&o)["AccessKeyId"], d.credentials().0);
    assert_eq!(d.request_count(), 3);
    for _ in 0..3 {
        d.push(MetadataFault::Status(502, String::new()));
    }
    let (o, _) = run(stskit(&home, &["credentials"], &env)).await;
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("HTTP 502"), "{}", stderr(&o));
    assert_eq!(d.request_count(), 6);
    d.push(MetadataFault::Status(
        404,
        r#"{"code":"ResourceNotFound","message":"no task"}"#.into(),
    ));
    let (o, _) = run(stskit(&home, &["credentials"], &env)).await;
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("404") && stderr(&o).contains("ResourceNotFound"));
    assert_eq!(d.request_count(), 7, "a 4xx is not retried");
    d.push(MetadataFault::WrongJson);
    let (o, _) = run(stskit(&home, &["credentials"], &env)).await;
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("malformed"), "{}", stderr(&o));
    d.push(MetadataFault::Oversized);
    let (o, _) = run(stskit(&home, &["credentials"], &env)).await;
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    d.push(MetadataFault::Expired);
    let (o, _) = run(stskit(&home, &["credentials"], &env)).await;
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("already expired"), "{}", stderr(&o));
}

#[tokio::test]
async fn the_relative_uri_goes_to_the_ecs_address_or_the_given_base() {
    let d = MetadataDouble::start().await.unwrap();
    // In-process: the relative URI is resolved against the double, never 169.254.170.2.
    let p = ContainerProvider::new(ReqwestTransport::default(), SystemClock)
        .with_relative_base(&d.url())
        .unwrap();
    // The environment of this process configures nothing: not configured.
    assert!(matches!(
        p.provide_credentials().await,
        Err(stskit::error::ProvideError::NotConfigured { .. })
    ));
    assert!(
        ContainerProvider::new(ReqwestTransport::default(), SystemClock)
            .with_relative_base("http://example.com")
            .is_err()
    );
}

#[tokio::test]
async fn botocore_gets_the_same_credentials() {
    let d = MetadataDouble::start().await.unwrap();
    d.set_container_token(Some(TOKEN));
    let home = Home::new("container-peer");
    let url = d.container_url();
    let o = credentials_with_token(&home, &url).await;
    let ours = credentials_json(&o);
    let theirs = botocore(&["container", &url, TOKEN], &[]).await;
    for k in [
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    ] {
        assert_eq!(ours[k], theirs[k], "{k}");
    }
}

#[tokio::test]
async fn credential_source_ecs_container_assumes_the_role_with_them() {
    let d = MetadataDouble::start().await.unwrap();
    d.set_container_token(Some(TOKEN));
    let id = d.credentials().0;
    let sts = sts_knowing(&d).await;
    let home = Home::new("container-role");
    let config = home.write(
        "config",
        "[profile app]\nrole_arn = arn:aws:iam::123456789012:role/app\ncredential_source = EcsContainer\nregion = us-east-1\n",
    );
    let url = d.container_url();
    let endpoint = sts.endpoint_url();
    let (o, _) = run(stskit(
        &home,
        &["credentials", "--profile", "app"],
        &[
            ("AWS_CONFIG_FILE", config.as_str()),
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", url.as_str()),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", TOKEN),
            ("AWS_ENDPOINT_URL_STS", endpoint.as_str()),
        ],
    ))
    .await;
    assumed_with(&o, &sts, &id);
    for r in sts.requests() {
        assert_eq!(
            r.header("Authorization").map(|a| a.contains(TOKEN)),
            Some(false)
        );
    }
    // Without the container variables: a clear configuration error.
    let (o, _) = run(stskit(
        &home,
        &["credentials", "--profile", "app"],
        &[("AWS_CONFIG_FILE", config.as_str())],
    ))
    .await;
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        "{}",
        stderr(&o)
    );
}
