//! What the command line adds to the chain (whose scenarios are `tests/data/chain/`,
//! run in-process): the `credentials` output for each kind of answer, `--profile` and
//! `--token-code`, the exit code of each class of failure (2 for the settings, 3 for
//! STS's refusal at a hop), and stderr naming the profile, never a value. Real files
//! and the real binary against the loopback double.
#![cfg(feature = "test-util")]

use crate::double;

use std::path::PathBuf;
use std::process::{Command, Output};

use double::{KEY, SECRET, double};

struct Files {
    dir: PathBuf,
}

impl Files {
    fn new(tag: &str, config: &str, credentials: &str) -> Files {
        let dir =
            std::env::temp_dir().join(format!("stskit-profiles-{}-{tag}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config"), config).unwrap();
        std::fs::write(dir.join("credentials"), credentials).unwrap();
        Files { dir }
    }
    fn path(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs stskit with only the files' variables and `env` (plus PATH).
async fn run(files: &Files, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stskit"));
    cmd.args(args)
        .env_clear()
        .env("AWS_EC2_METADATA_DISABLED", "true");
    if let Ok(path) = std::env::var("PATH") {
        cmd.env("PATH", path);
    }
    cmd.env("AWS_CONFIG_FILE", files.path("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", files.path("credentials"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn failure(o: &Output, code: i32, needle: &str) {
    assert_eq!(o.status.code(), Some(code), "{}", stderr(o));
    assert!(o.stdout.is_empty());
    assert!(stderr(o).contains(needle), "{needle}: {}", stderr(o));
}

#[tokio::test]
async fn credentials_print_as_the_aws_cli_exports_them() {
    let d = double().await;
    let url = d.endpoint_url();
    let config = format!(
        "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/first\nsource_profile = base\n\
         region = us-east-1\nendpoint_url = {url}\nrole_session_name = cli-session\n\
         [profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/m\nsource_profile = base\n\
         mfa_serial = arn:aws:iam::123456789012:mfa/me\nendpoint_url = {url}\nregion = us-east-1\n"
    );
    let credentials =
        format!("[base]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n");
    let f = Files::new("print", &config, &credentials);
    // Static keys: no SessionToken, no Expiration, no call.
    let v = json(&run(&f, &["credentials", "--profile", "base"], &[]).await);
    assert_eq!(
        v,
        serde_json::json!({"Version": 1, "AccessKeyId": KEY, "SecretAccessKey": SECRET})
    );
    assert_eq!(d.request_count(), 0);
    // A role: all four members; --profile wins over the environment's keys.
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIDFROMENV"),
        ("AWS_SECRET_ACCESS_KEY", "x"),
    ];
    let v = json(&run(&f, &["credentials", "--profile", "role"], &env).await);
    assert!(v["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert!(v["SessionToken"].is_string() && v["Expiration"].is_string());
    // Without --profile the environment's keys come first.
    let v = json(&run(&f, &["credentials"], &env).await);
    assert_eq!(v["AccessKeyId"], "AKIDFROMENV");
    // --token-code gives the chain's MFA code.
    let v = json(
        &run(
            &f,
            &["credentials", "--profile", "mfa", "--token-code", "123456"],
            &[],
        )
        .await,
    );
    assert!(v["SessionToken"].is_string());
    let r = d.requests().pop().unwrap();
    assert_eq!(r.param("TokenCode").as_deref(), Some("123456"));
    // A signing command takes --profile too.
    let v = json(&run(&f, &["get-caller-identity", "--profile", "role"], &[]).await);
    assert!(
        v["Arn"]
            .as_str()
            .unwrap()
            .contains("assumed-role/first/cli-session")
    );
}

#[tokio::test]
async fn each_class_of_failure_has_its_exit_code() {
    let d = double().await;
    let url = d.endpoint_url();
    let config = format!(
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n\
         endpoint_url = {url}\nregion = us-east-1\n\
         [profile half]\naws_access_key_id = AKIDHALFSECRETVALUE\n\
         [profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = a\n\
         [profile fips]\nuse_fips_endpoint = 1\n"
    );
    let f = Files::new(
        "exits",
        &config,
        &format!("[base]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"),
    );
    for (profile, needle) in [
        ("half", "no aws_secret_access_key"),
        ("a", "a -> b -> a"),
        ("fips", "use_fips_endpoint"),
        ("nope", "could not be found"),
    ] {
        let o = run(&f, &["credentials", "--profile", profile], &[]).await;
        failure(&o, 2, needle);
        assert!(!stderr(&o).contains("AKIDHALF"), "{}", stderr(&o));
    }
    failure(&run(&f, &["credentials"], &[]).await, 2, "no credentials");
    assert_eq!(d.request_count(), 0, "configuration errors never reach STS");
    // An STS error at a hop exits 3, names the profile and gives the hint.
    d.push(stskit::test_util::Reply::sts_error(
        403,
        "AccessDenied",
        "not allowed",
    ));
    let o = run(&f, &["credentials", "--profile", "r"], &[]).await;
    failure(&o, 3, "profile \"r\": STS error AccessDenied");
    assert!(stderr(&o).contains("hint:"), "{}", stderr(&o));
    // A file that cannot be parsed: the file and the line, never the text.
    std::fs::write(f.path("config"), "[profile x]\nsecret-value-line\n").unwrap();
    let o = run(&f, &["credentials", "--profile", "x"], &[]).await;
    failure(&o, 2, "line 2");
    assert!(!stderr(&o).contains("secret-value-line"));
}

/// A `credential_process` fails in each class like every other source: it cannot be
/// run as written (2), it exits with an error (3), it hands over expired credentials
/// or something that is not its JSON (4).
#[tokio::test]
async fn a_credential_process_fails_with_the_exit_code_of_its_class() {
    let f = Files::new("process-classes", "", "");
    let expired = r#"{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "s", "Expiration": "2001-01-01T00:00:00Z"}"#;
    let config = format!(
        "[profile missing]\ncredential_process = /nonexistent/helper\n\
         [profile open]\ncredential_process = printf 'unclosed\n\
         [profile refuses]\ncredential_process = sh -c 'echo denied >&2; exit 9'\n\
         [profile expired]\ncredential_process = printf '{expired}'\n\
         [profile garbage]\ncredential_process = printf 'not json'\n"
    );
    std::fs::write(f.path("config"), config).unwrap();
    for (profile, code, needle) in [
        ("missing", 2, "cannot start the command"),
        ("open", 2, "a single quote is not closed"),
        ("refuses", 3, "exited with code 9: denied"),
        ("expired", 4, "already expired"),
        ("garbage", 4, "did not print a JSON object"),
    ] {
        let o = run(&f, &["credentials", "--profile", profile], &[]).await;
        failure(&o, code, needle);
        assert!(stderr(&o).contains(&format!("profile \"{profile}\"")));
    }
}

/// The MFA code asked on the terminal is read without echo, as the AWS CLI reads it
/// (a pseudo-terminal from util-linux's `script` stands in for a person at a shell).
#[tokio::test]
async fn the_mfa_code_is_read_from_the_terminal_without_echo() {
    let d = double().await;
    let url = d.endpoint_url();
    let config = format!(
        "[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/m\nsource_profile = base\n\
         mfa_serial = arn:aws:iam::123456789012:mfa/me\nendpoint_url = {url}\nregion = us-east-1\n"
    );
    let credentials =
        format!("[base]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n");
    let f = Files::new("tty", &config, &credentials);
    let stskit = env!("CARGO_BIN_EXE_stskit");
    let mut cmd = Command::new("script");
    cmd.args([
        "-qec",
        &format!("{stskit} credentials --profile mfa"),
        "/dev/null",
    ])
    .env_clear()
    .env("PATH", std::env::var("PATH").unwrap_or_default())
    .env("AWS_EC2_METADATA_DISABLED", "true")
    .env("AWS_CONFIG_FILE", f.path("config"))
    .env("AWS_SHARED_CREDENTIALS_FILE", f.path("credentials"))
    .stdin(std::process::Stdio::piped())
    .stdout(std::process::Stdio::piped());
    let o = tokio::task::spawn_blocking(move || {
        let mut child = cmd
            .spawn()
            .expect("util-linux's script runs a pseudo-terminal");
        let mut stdin = child.stdin.take().unwrap();
        // Typed once the prompt is up.
        std::thread::sleep(std::time::Duration::from_millis(500));
        use std::io::Write;
        stdin.write_all(b"654321\n").unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let shown = String::from_utf8_lossy(&o.stdout);
    assert!(
        shown.contains("Enter MFA code for arn:aws:iam::123456789012:mfa/me"),
        "{shown}"
    );
    assert!(!shown.contains("654321"), "the code was echoed: {shown}");
    assert!(shown.contains("\"SessionToken\""), "{shown}");
    let r = d.requests().pop().unwrap();
    assert_eq!(r.param("TokenCode").as_deref(), Some("654321"));
}
