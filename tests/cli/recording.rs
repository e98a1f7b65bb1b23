//! `--record` and `--replay` with the other sources: the container endpoint (its
//! authorization token) and instance metadata (its session token and the role's
//! credentials), recorded from the loopback metadata double and replayed with the
//! double gone; no secret of either in the cassette.

#![cfg(all(feature = "test-util", unix))]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use stskit::test_util::MetadataDouble;

use crate::binary::{command, output, stderr};

fn without_keys(mut cmd: Command) -> Command {
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    cmd
}

fn everything_in(dir: &Path) -> String {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| String::from_utf8_lossy(&std::fs::read(e.unwrap().path()).unwrap()).into_owned())
        .collect()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Two `credentials` outputs equal but for their secrets (same lengths).
fn same_but_secrets(recorded: &Output, replayed: &Output) {
    assert!(replayed.status.success(), "{}", stderr(replayed));
    let (a, b): (Value, Value) = (
        serde_json::from_slice(&recorded.stdout).unwrap(),
        serde_json::from_slice(&replayed.stdout).unwrap(),
    );
    assert_eq!(a["Expiration"], b["Expiration"]);
    for field in ["AccessKeyId", "SecretAccessKey", "SessionToken"] {
        let (x, y) = (a[field].as_str().unwrap(), b[field].as_str().unwrap());
        assert_ne!(x, y, "{field}");
        assert_eq!(x.len(), y.len(), "{field}");
    }
}

#[tokio::test]
async fn container_and_instance_metadata_record_without_their_secrets() {
    let d = MetadataDouble::start().await.unwrap();
    d.set_container_token(Some("container-authorization-token-0123"));
    let root = crate::common::temp_dir("recording");
    let (id, secret, token) = d.credentials();
    let container_url = d.container_url();
    let imds_url = d.url();

    // The container endpoint.
    let dir = root.join("container").to_string_lossy().into_owned();
    let env = [
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_url.as_str()),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "container-authorization-token-0123",
        ),
    ];
    let recorded = output(without_keys(command(
        &["credentials", "--record", &dir],
        &env,
    )))
    .await;
    assert!(recorded.status.success(), "{}", stderr(&recorded));
    assert_eq!(
        names_in(Path::new(&dir)),
        ["001-credentials.json", "cassette.json"]
    );
    let all = everything_in(Path::new(&dir));
    for s in [
        id.as_str(),
        secret.as_str(),
        token.as_str(),
        "container-authorization-token-0123",
    ] {
        assert!(!all.contains(s), "a secret is in the container cassette");
    }

    // Instance metadata: the token, the role, its credentials.
    let imds_dir = root.join("imds").to_string_lossy().into_owned();
    let mut cmd = without_keys(command(
        &["credentials", "--record", &imds_dir],
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds_url.as_str())],
    ));
    cmd.env_remove("AWS_EC2_METADATA_DISABLED");
    let imds_recorded = output(cmd).await;
    assert!(imds_recorded.status.success(), "{}", stderr(&imds_recorded));
    let names = names_in(Path::new(&imds_dir));
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(
        names[0].starts_with("001-token.") && names[2].starts_with("003-stskit-instance-role."),
        "{names:?}"
    );
    let all = everything_in(Path::new(&imds_dir));
    for s in [
        id.as_str(),
        secret.as_str(),
        token.as_str(),
        d.imds_token().as_str(),
    ] {
        assert!(
            !all.contains(s),
            "a secret is in the instance metadata cassette"
        );
    }
    drop(d); // Nothing answers from here on.

    let replayed = output(without_keys(command(
        &["credentials", "--replay", &dir],
        &env,
    )))
    .await;
    same_but_secrets(&recorded, &replayed);
    let mut cmd = without_keys(command(
        &["credentials", "--replay", &imds_dir],
        &[("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds_url.as_str())],
    ));
    cmd.env_remove("AWS_EC2_METADATA_DISABLED");
    same_but_secrets(&imds_recorded, &output(cmd).await);
    let _ = std::fs::remove_dir_all(&root);
}
