//! The AWS CLI's file cache shared both ways with botocore as the peer (its
//! `JSONFileCache` installed as the AWS CLI installs it): what stskit writes, botocore
//! reuses with no STS call, and the reverse.
#![cfg(feature = "test-util")]

use crate::common;
use crate::double;

use std::path::PathBuf;
use std::process::Command;

use double::{KEY, SECRET, double};

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn setup(tag: &str, url: &str) -> Dir {
    let dir = std::env::temp_dir().join(format!("stskit-interop-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config"),
        format!(
            "[profile plain]\nrole_arn = arn:aws:iam::123456789012:role/demo\n\
             source_profile = base\nregion = us-east-1\nendpoint_url = {url}\n\
             [profile options]\nrole_arn = arn:aws:iam::123456789012:role/other\n\
             source_profile = base\nregion = us-east-1\nendpoint_url = {url}\n\
             role_session_name = alice\nexternal_id = ext-123\nduration_seconds = 3600\n\
             [profile base]\nregion = us-east-1\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("credentials"),
        format!("[base]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"),
    )
    .unwrap();
    Dir(dir)
}

fn path(d: &Dir, name: &str) -> String {
    d.0.join(name).to_string_lossy().into_owned()
}

async fn stskit(d: &Dir, profile: &str) -> serde_json::Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stskit"));
    cmd.args([
        "credentials",
        "--profile",
        profile,
        "--cache-dir",
        &path(d, "cache"),
    ])
    .env_clear()
    .env("AWS_EC2_METADATA_DISABLED", "true")
    .env("AWS_CONFIG_FILE", path(d, "config"))
    .env("AWS_SHARED_CREDENTIALS_FILE", path(d, "credentials"));
    let o = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

async fn botocore(d: &Dir, profile: &str) -> serde_json::Value {
    let mut cmd = Command::new(common::pyenv_python());
    cmd.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/peers/botocore_file_cache.py"
    ))
    .args([
        path(d, "config"),
        path(d, "credentials"),
        profile.into(),
        path(d, "cache"),
    ]);
    if let Ok(p) = std::env::var("PATH") {
        cmd.env("PATH", p);
    }
    let o = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn same_keys(a: &serde_json::Value, b: &serde_json::Value) {
    for k in ["AccessKeyId", "SecretAccessKey", "SessionToken"] {
        assert_eq!(a[k], b[k], "{k}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn botocore_reuses_what_stskit_wrote() {
    let d = double().await;
    let dir = setup("s2b", &d.endpoint_url());
    for (n, profile) in ["plain", "options"].into_iter().enumerate() {
        let ours = stskit(&dir, profile).await;
        assert_eq!(d.request_count(), n + 1);
        let theirs = botocore(&dir, profile).await;
        assert_eq!(
            d.request_count(),
            n + 1,
            "{profile}: botocore made no STS call"
        );
        same_keys(&ours, &theirs);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stskit_reuses_what_botocore_wrote() {
    let d = double().await;
    let dir = setup("b2s", &d.endpoint_url());
    for (n, profile) in ["plain", "options"].into_iter().enumerate() {
        let theirs = botocore(&dir, profile).await;
        assert_eq!(d.request_count(), n + 1);
        let ours = stskit(&dir, profile).await;
        assert_eq!(
            d.request_count(),
            n + 1,
            "{profile}: stskit made no STS call"
        );
        same_keys(&ours, &theirs);
    }
    let files = std::fs::read_dir(dir.0.join("cache")).unwrap().count();
    assert_eq!(files, 2, "one file per role, botocore's names");
}
