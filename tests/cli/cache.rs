//! `stskit credentials --cache`: the AWS CLI's assumed-role cache, read before any
//! call and rewritten after one, private files, misses for anything unreadable, the
//! fallback after a failed refresh, and nothing written without the flag.
#![cfg(feature = "test-util")]

use crate::double;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use double::{KEY, SECRET, double};
use stskit::test_util::Reply;

/// The AWS CLI's file name for `{"RoleArn": "arn:aws:iam::123456789012:role/demo"}`.
const DEMO_FILE: &str = "5f52c9c583acfd120a607977e4f21fe86b7fa42d.json";

struct Home {
    dir: PathBuf,
}

impl Home {
    fn new(tag: &str, url: &str) -> Home {
        let dir =
            std::env::temp_dir().join(format!("stskit-cli-cache-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".aws")).unwrap();
        std::fs::write(
            dir.join(".aws/config"),
            format!(
                "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/demo\n\
                 source_profile = base\nregion = us-east-1\nendpoint_url = {url}\n\
                 [profile base]\nregion = us-east-1\n"
            ),
        )
        .unwrap();
        std::fs::write(
            dir.join(".aws/credentials"),
            format!("[base]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"),
        )
        .unwrap();
        Home { dir }
    }
    fn cache(&self) -> PathBuf {
        self.dir.join(".aws/cli/cache")
    }
    fn entry(&self) -> PathBuf {
        self.cache().join(DEMO_FILE)
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn output(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

async fn run(home: &Home, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stskit"));
    cmd.args(args)
        .env_clear()
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("HOME", &home.dir);
    if let Ok(path) = std::env::var("PATH") {
        cmd.env("PATH", path);
    }
    output(cmd).await
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// An entry as the AWS tools write it, expiring `secs` from now, with `form` as the
/// zone of its `Expiration`.
fn entry(secs: i64, form: &str) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::seconds(secs);
    let base = stskit::date::format_rfc3339(t);
    let exp = base.trim_end_matches('Z').to_owned() + form;
    format!(
        r#"{{"Credentials": {{"AccessKeyId": "ASIACACHED", "SecretAccessKey": "cached-secret", "SessionToken": "cached-token", "Expiration": "{exp}"}}}}"#
    )
}

#[tokio::test]
async fn a_cached_session_is_reused_and_a_new_one_written_as_the_aws_cli_writes_it() {
    let d = double().await;
    let home = Home::new("reuse", &d.endpoint_url());
    let args = ["credentials", "--profile", "role", "--cache"];
    let first = json(&run(&home, &args).await);
    assert_eq!(d.request_count(), 1);
    let text = std::fs::read_to_string(home.entry()).unwrap();
    let stored: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(stored["Credentials"]["AccessKeyId"], first["AccessKeyId"]);
    assert_eq!(
        stored["Credentials"]["SecretAccessKey"],
        first["SecretAccessKey"]
    );
    assert_eq!(stored["Credentials"]["AccountId"], "123456789012");
    assert!(
        stored["AssumedRoleUser"]["Arn"]
            .as_str()
            .unwrap()
            .contains(":assumed-role/demo/")
    );
    assert!(text.starts_with(r#"{"Credentials": {"AccessKeyId": "#) && !text.ends_with('\n'));
    #[cfg(unix)]
    {
        assert_eq!(mode(&home.entry()), 0o600);
        assert_eq!(mode(&home.cache()), 0o700);
    }
    let names: Vec<_> = std::fs::read_dir(home.cache()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary file is left");

    let again = json(&run(&home, &args).await);
    assert_eq!(d.request_count(), 1, "served from the cache");
    assert_eq!(again, first);
    // --debug says so, and names the cache file the call would have.
    let o = run(
        &home,
        &["credentials", "--profile", "role", "--cache", "--debug"],
    )
    .await;
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(
        said.contains(&format!("its AWS CLI cache file: {DEMO_FILE}")),
        "{said}"
    );
    assert!(
        said.contains("stskit: debug: file cache: hit, valid until "),
        "{said}"
    );
    assert_eq!(d.request_count(), 1);
    // --cache-dir implies --cache.
    let dir = home.dir.join("elsewhere");
    let dir_arg = dir.to_string_lossy().into_owned();
    json(
        &run(
            &home,
            &["credentials", "--profile", "role", "--cache-dir", &dir_arg],
        )
        .await,
    );
    assert_eq!(d.request_count(), 2);
    assert!(dir.join(DEMO_FILE).is_file());
    json(
        &run(
            &home,
            &["credentials", "--profile", "role", "--cache-dir", &dir_arg],
        )
        .await,
    );
    assert_eq!(d.request_count(), 2);
}

#[tokio::test]
async fn the_three_expiration_forms_are_reused_and_anything_unreadable_is_rewritten() {
    let d = double().await;
    let home = Home::new("forms", &d.endpoint_url());
    let args = ["credentials", "--profile", "role", "--cache"];
    std::fs::create_dir_all(home.cache()).unwrap();
    for form in ["Z", "+00:00", "UTC", " UTC"] {
        std::fs::write(home.entry(), entry(3600, form)).unwrap();
        let got = json(&run(&home, &args).await);
        assert_eq!(got["AccessKeyId"], "ASIACACHED", "{form}");
    }
    assert_eq!(d.request_count(), 0);
    let full = entry(3600, "Z");
    let garbage = [
        "garbage".to_owned(),
        full[..full.len() - 5].to_owned(),
        "[1, 2]".to_owned(),
        entry(3600, ""),
        entry(600, "Z"), // under the 15 minutes the AWS CLI keeps
    ];
    for (n, text) in garbage.iter().enumerate() {
        std::fs::write(home.entry(), text).unwrap();
        let got = json(&run(&home, &args).await);
        assert_ne!(got["AccessKeyId"], "ASIACACHED", "{text}");
        assert_eq!(d.request_count(), n + 1);
        let rewritten: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(home.entry()).unwrap()).unwrap();
        assert_eq!(rewritten["Credentials"]["AccessKeyId"], got["AccessKeyId"]);
    }
}

#[tokio::test]
async fn a_failed_refresh_falls_back_to_an_entry_with_more_than_a_minute_left() {
    let d = double().await;
    let home = Home::new("fallback", &d.endpoint_url());
    let args = ["credentials", "--profile", "role", "--cache"];
    std::fs::create_dir_all(home.cache()).unwrap();
    std::fs::write(home.entry(), entry(600, "Z")).unwrap();
    d.push(Reply::sts_error(403, "AccessDenied", "no"));
    let o = run(&home, &args).await;
    assert_eq!(json(&o)["AccessKeyId"], "ASIACACHED");
    assert!(
        stderr(&o).contains("warning") && stderr(&o).contains("AccessDenied"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("cached-secret"));

    for left in [45, -30] {
        std::fs::write(home.entry(), entry(left, "Z")).unwrap();
        d.push(Reply::sts_error(403, "AccessDenied", "no"));
        let o = run(&home, &args).await;
        assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
        assert!(o.stdout.is_empty(), "never printed with {left} s left");
    }
}

#[tokio::test]
async fn without_the_flag_or_for_static_keys_nothing_is_written() {
    let d = double().await;
    let home = Home::new("off", &d.endpoint_url());
    json(&run(&home, &["credentials", "--profile", "role"]).await);
    assert!(!home.dir.join(".aws/cli").exists());
    json(&run(&home, &["credentials", "--profile", "base", "--cache"]).await);
    assert!(!home.cache().exists(), "static keys write nothing");
    let o = run(&home, &["credentials", "--profile", "role", "--cache-dir="]).await;
    assert_eq!(o.status.code(), Some(2));
}

#[tokio::test]
async fn web_identity_from_the_environment_is_cached_under_the_cli_v1_key() {
    let d = double().await;
    let home = Home::new("webid", &d.endpoint_url());
    let token = home.dir.join("token");
    std::fs::write(&token, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJmYWtlIn0.sig").unwrap();
    let run_wi = |home: &Home| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_stskit"));
        cmd.args([
            "credentials",
            "--cache",
            "--endpoint",
            &d.endpoint_url(),
            "--region",
            "us-east-1",
        ])
        .env_clear()
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("HOME", &home.dir)
        .env("AWS_WEB_IDENTITY_TOKEN_FILE", &token)
        .env("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/wi");
        cmd
    };
    let first = json(&output(run_wi(&home)).await);
    assert_eq!(d.request_count(), 1);
    assert!(
        home.cache()
            .join("81a5103c50ca8f0506cdaabcf9ebab018cc5e3a5.json")
            .is_file()
    );
    let again = json(&output(run_wi(&home)).await);
    assert_eq!(d.request_count(), 1, "served from the cache");
    assert_eq!(again["AccessKeyId"], first["AccessKeyId"]);
    // A rotated token is another identity: another file, a new call.
    std::fs::write(&token, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJvdGhlciJ9.sig").unwrap();
    json(&output(run_wi(&home)).await);
    assert_eq!(d.request_count(), 2);
}

#[tokio::test]
async fn a_cache_that_cannot_be_written_is_a_warning_not_a_failure() {
    let d = double().await;
    let home = Home::new("unwritable", &d.endpoint_url());
    let file = home.dir.join("not-a-directory");
    std::fs::write(&file, "x").unwrap();
    let dir = file.to_string_lossy().into_owned();
    let o = run(
        &home,
        &["credentials", "--profile", "role", "--cache-dir", &dir],
    )
    .await;
    let got = json(&o);
    assert!(got["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert!(
        stderr(&o).contains("warning: could not write the cache file"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains(got["SecretAccessKey"].as_str().unwrap()));
}
