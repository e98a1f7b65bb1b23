//! `stskit credentials` and `--profile` against the loopback double with real config
//! and credentials files: static keys, role chains, credential_process, web identity,
//! MFA, the environment's precedence, and every configuration error (exit 2, naming
//! the profile or key, never a value).
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
async fn static_keys_and_role_chains() {
    let d = double().await;
    let url = d.endpoint_url();
    let config = format!(
        "[default]\nregion = us-east-1\n\
         [profile base]\nregion = eu-west-1\n\
         [profile role]\nrole_arn = arn:aws:iam::123456789012:role/first\nsource_profile = base\n\
         region = us-east-1\nendpoint_url = {url}\nrole_session_name = cli-session\nduration_seconds = 900\n\
         [profile two]\nrole_arn = arn:aws:iam::123456789012:role/second\nsource_profile = role\n\
         endpoint_url = {url}\nexternal_id = ext-secret-id\n"
    );
    let credentials =
        format!("[base]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n");
    let f = Files::new("chain", &config, &credentials);
    // Static keys: no SessionToken, no Expiration.
    let v = json(&run(&f, &["credentials", "--profile", "base"], &[]).await);
    assert_eq!(
        v,
        serde_json::json!({"Version": 1, "AccessKeyId": KEY, "SecretAccessKey": SECRET})
    );
    assert_eq!(d.request_count(), 0);
    // One hop: signed with the base keys, for the selected profile's region.
    let v = json(&run(&f, &["credentials", "--profile", "role"], &[]).await);
    assert!(v["SessionToken"].is_string() && v["Expiration"].is_string());
    let r = d.requests().pop().unwrap();
    assert_eq!(
        r.param("RoleArn").as_deref(),
        Some("arn:aws:iam::123456789012:role/first")
    );
    assert_eq!(r.param("RoleSessionName").as_deref(), Some("cli-session"));
    assert_eq!(r.param("DurationSeconds").as_deref(), Some("900"));
    let auth = r.header("authorization").unwrap().to_owned();
    assert!(
        auth.contains(&format!("Credential={KEY}/")) && auth.contains("/us-east-1/sts/"),
        "{auth}"
    );
    // Two hops, innermost first; the second signed with the first's keys.
    let before = d.request_count();
    let v = json(
        &run(
            &f,
            &["credentials", "--profile", "two", "--output", "json"],
            &[],
        )
        .await,
    );
    assert!(v["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    let reqs = d.requests();
    assert_eq!(reqs.len(), before + 2);
    assert_eq!(
        reqs[before].param("RoleArn").as_deref(),
        Some("arn:aws:iam::123456789012:role/first")
    );
    assert_eq!(
        reqs[before + 1].param("RoleArn").as_deref(),
        Some("arn:aws:iam::123456789012:role/second")
    );
    assert_eq!(
        reqs[before + 1].param("ExternalId").as_deref(),
        Some("ext-secret-id")
    );
    assert!(
        reqs[before + 1]
            .header("authorization")
            .unwrap()
            .contains("Credential=ASIA")
    );
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
async fn the_environment_comes_first_unless_a_profile_is_explicit() {
    let d = double().await;
    let url = d.endpoint_url();
    let config = format!(
        "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\nendpoint_url = {url}\nregion = us-east-1\n"
    );
    let f = Files::new(
        "env",
        &config,
        &format!("[base]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"),
    );
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIDFROMENV"),
        ("AWS_SECRET_ACCESS_KEY", "env-secret"),
        ("AWS_PROFILE", "role"),
    ];
    // AWS_PROFILE with keys in the environment: the environment wins (as in the AWS CLI).
    let v = json(&run(&f, &["credentials"], &env).await);
    assert_eq!(v["AccessKeyId"], "AKIDFROMENV");
    assert_eq!(d.request_count(), 0);
    // --profile: the profile, environment keys ignored.
    let v = json(&run(&f, &["credentials", "--profile", "role"], &env).await);
    assert!(v["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    // AWS_PROFILE naming no profile is an error even with keys in the environment.
    let o = run(
        &f,
        &["credentials"],
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDFROMENV"),
            ("AWS_SECRET_ACCESS_KEY", "x"),
            ("AWS_PROFILE", "nope"),
        ],
    )
    .await;
    failure(&o, 2, "\"nope\" could not be found");
    // Nothing configured at all.
    let o = run(&f, &["credentials"], &[]).await;
    failure(&o, 2, "no credentials");
}

#[tokio::test]
async fn credential_process_and_web_identity_sources() {
    let d = double().await;
    let url = d.endpoint_url();
    let f = Files::new("proc", "", "");
    let script = f.path("process.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"{KEY}\", \"SecretAccessKey\": \"{SECRET}\", \"Expiration\": \"2999-01-01T00:00:00Z\"}}'\n"),
    )
    .unwrap();
    let failing = f.path("fail.sh");
    std::fs::write(
        &failing,
        "#!/bin/sh\necho 'first line of stderr' >&2\necho 'process-secret-line' >&2\nexit 7\n",
    )
    .unwrap();
    let token = f.path("token");
    std::fs::write(&token, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\n").unwrap();
    let config = format!(
        "[profile proc]\ncredential_process = /bin/sh {script}\n\
         [profile viaproc]\nrole_arn = arn:aws:iam::123456789012:role/p\nsource_profile = proc\nendpoint_url = {url}\nregion = us-east-1\n\
         [profile bad]\ncredential_process = /bin/sh {failing}\n\
         [profile web]\nrole_arn = arn:aws:iam::123456789012:role/w\nweb_identity_token_file = {token}\nendpoint_url = {url}\nregion = us-east-1\n"
    );
    std::fs::write(f.path("config"), config).unwrap();
    // The process's own Expiration is printed.
    let v = json(&run(&f, &["credentials", "--profile", "proc"], &[]).await);
    assert_eq!(v["Expiration"], "2999-01-01T00:00:00Z");
    // A process as the source of a role.
    let v = json(&run(&f, &["credentials", "--profile", "viaproc"], &[]).await);
    assert!(v["SessionToken"].is_string());
    // A failing process: exit 2, the profile and the code, the first stderr line only.
    let o = run(&f, &["credentials", "--profile", "bad"], &[]).await;
    failure(&o, 2, "\"bad\"");
    assert!(stderr(&o).contains("code 7") && stderr(&o).contains("first line of stderr"));
    assert!(!stderr(&o).contains("process-secret-line"));
    // Web identity: unsigned, the token read from the file.
    let v = json(&run(&f, &["credentials", "--profile", "web"], &[]).await);
    assert!(v["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    let r = d.requests().pop().unwrap();
    assert!(r.header("authorization").is_none());
    assert_eq!(
        r.param("Action").as_deref(),
        Some("AssumeRoleWithWebIdentity")
    );
    // Web identity from the environment, before the profile.
    let v = json(
        &run(
            &f,
            &["credentials", "--endpoint", &url, "--region", "us-east-1"],
            &[
                ("AWS_WEB_IDENTITY_TOKEN_FILE", token.as_str()),
                ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/env"),
                ("AWS_ROLE_SESSION_NAME", "pod"),
            ],
        )
        .await,
    );
    assert!(v["SessionToken"].is_string());
    assert_eq!(
        d.requests()
            .pop()
            .unwrap()
            .param("RoleSessionName")
            .as_deref(),
        Some("pod")
    );
}

#[tokio::test]
async fn mfa_and_configuration_errors() {
    let d = double().await;
    let url = d.endpoint_url();
    let config = format!(
        "[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/m\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\nendpoint_url = {url}\nregion = us-east-1\n\
         [profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = a\n\
         [profile ghost]\nrole_arn = arn:aws:iam::123456789012:role/g\nsource_profile = missing\n\
         [profile nosource]\nrole_arn = arn:aws:iam::123456789012:role/n\n\
         [profile both]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = base\ncredential_source = Environment\n\
         [profile half]\naws_access_key_id = AKIDHALFSECRETVALUE\n\
         [profile ec2]\nrole_arn = arn:aws:iam::123456789012:role/e\ncredential_source = Ec2InstanceMetadata\n\
         [profile envsrc]\nrole_arn = arn:aws:iam::123456789012:role/v\ncredential_source = Environment\nendpoint_url = {url}\nregion = us-east-1\n"
    );
    let f = Files::new(
        "mfa",
        &config,
        &format!("[base]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"),
    );
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
    assert_eq!(
        r.param("SerialNumber").as_deref(),
        Some("arn:aws:iam::123456789012:mfa/me")
    );
    // credential_source Environment uses the environment's keys for the role.
    let v = json(
        &run(
            &f,
            &["credentials", "--profile", "envsrc"],
            &[
                ("AWS_ACCESS_KEY_ID", KEY),
                ("AWS_SECRET_ACCESS_KEY", SECRET),
            ],
        )
        .await,
    );
    assert!(v["SessionToken"].is_string());
    let before = d.request_count();
    for (profile, needle) in [
        ("a", "a -> b -> a"),
        ("ghost", "\"missing\""),
        ("nosource", "neither source_profile nor credential_source"),
        ("both", "both source_profile and credential_source"),
        ("half", "no aws_secret_access_key"),
        (
            "ec2",
            "AWS_EC2_METADATA_DISABLED=true turns instance metadata off",
        ),
        ("envsrc", "found no AWS_ACCESS_KEY_ID"),
        ("nope", "could not be found"),
    ] {
        let o = run(&f, &["credentials", "--profile", profile], &[]).await;
        failure(&o, 2, needle);
        assert!(!stderr(&o).contains("AKIDHALF"), "{}", stderr(&o));
    }
    assert_eq!(
        d.request_count(),
        before,
        "configuration errors never reach STS"
    );
    // A file that cannot be parsed: the file and the line, never the text.
    std::fs::write(f.path("config"), "[profile x]\nsecret-value-line\n").unwrap();
    let o = run(&f, &["credentials", "--profile", "x"], &[]).await;
    failure(&o, 2, "line 2");
    assert!(!stderr(&o).contains("secret-value-line"));
    // An STS error at a hop exits 3 and names the profile.
    std::fs::write(f.path("config"), format!("[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\nendpoint_url = {url}\nregion = us-east-1\n")).unwrap();
    d.push(stskit::test_util::Reply::sts_error(
        403,
        "AccessDenied",
        "not allowed",
    ));
    let o = run(&f, &["credentials", "--profile", "r"], &[]).await;
    failure(&o, 3, "profile \"r\"");
}

/// The selected profile's endpoint settings follow the environment's rules: booleans
/// only true/false, `sts_regional_endpoints` regional or legacy, and
/// `ignore_configured_endpoint_urls` also turns off the environment's URLs.
#[tokio::test]
async fn profile_endpoint_settings() {
    let d = double().await;
    let url = d.endpoint_url();
    let config = "[profile fips]\nuse_fips_endpoint = 1\n\
                  [profile legacy]\nsts_regional_endpoints = LEGACY\n\
                  [profile ignore]\nignore_configured_endpoint_urls = true\n";
    let creds = format!(
        "[fips]\n{k}[legacy]\n{k}[ignore]\n{k}",
        k = format_args!("aws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n")
    );
    let f = Files::new("settings", config, &creds);
    let env = [("AWS_ENDPOINT_URL_STS", url.as_str())];
    let o = run(&f, &["get-caller-identity", "--profile", "fips"], &env).await;
    failure(&o, 2, "use_fips_endpoint");
    let o = run(&f, &["get-caller-identity", "--profile", "legacy"], &env).await;
    failure(&o, 2, "sts_regional_endpoints");
    let o = run(&f, &["get-caller-identity", "--profile", "ignore"], &env).await;
    failure(&o, 2, "no region");
    assert_eq!(d.request_count(), 0);
}
