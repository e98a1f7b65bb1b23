//! `stskit exec`: the command's environment, exit statuses, nothing run when resolution
//! fails, `--server` with botocore's own chain in the child, and signals passed on.

#![cfg(all(feature = "test-util", unix))]

use std::io::Read;
use std::process::{Command, Output, Stdio};

use crate::binary::command;
use crate::double::{KEY, ROLE, SECRET, double};

fn exec(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut all = vec!["exec"];
    all.extend_from_slice(args);
    let mut cmd = command(&all, env);
    cmd.stdin(Stdio::null());
    cmd
}

async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn lines(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn var<'a>(env: &'a [String], name: &str) -> Option<&'a str> {
    env.iter()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
}

/// Every variable that would point the child's SDK elsewhere, set in the parent.
const ELSEWHERE: &[(&str, &str)] = &[
    ("AWS_PROFILE", "other"),
    ("AWS_DEFAULT_PROFILE", "other"),
    ("AWS_SESSION_TOKEN", "stale-token"),
    ("AWS_SECURITY_TOKEN", "stale-token"),
    ("AWS_CREDENTIAL_EXPIRATION", "2001-01-01T00:00:00Z"),
    ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds"),
    ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/"),
    ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "other"),
    ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/other"),
    ("AWS_WEB_IDENTITY_TOKEN_FILE", "/other"),
    ("AWS_ROLE_ARN", "arn:aws:iam::1:role/other"),
    ("AWS_ROLE_SESSION_NAME", "other"),
    ("UNRELATED", "kept as it was"),
];

/// A profile that assumes ROLE with the source keys of profile `base`.
fn role_profile(dir: &std::path::Path, url: &str) -> (String, String) {
    let config = dir.join("config");
    std::fs::write(
        &config,
        format!("[profile role]\nrole_arn = {ROLE}\nsource_profile = base\nregion = eu-west-1\nendpoint_url = {url}\n"),
    )
    .unwrap();
    let creds = dir.join("credentials");
    std::fs::write(
        &creds,
        format!("[base]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"),
    )
    .unwrap();
    (
        config.to_str().unwrap().into(),
        creds.to_str().unwrap().into(),
    )
}

#[tokio::test]
async fn the_command_gets_the_profiles_session_and_nothing_that_points_elsewhere() {
    let sts = double().await;
    let dir = crate::common::temp_dir("exec-env");
    let (config, creds) = role_profile(&dir, &sts.endpoint_url());
    let mut env: Vec<(&str, &str)> = ELSEWHERE.to_vec();
    env.extend([
        ("AWS_CONFIG_FILE", config.as_str()),
        ("AWS_SHARED_CREDENTIALS_FILE", creds.as_str()),
    ]);
    let out = run(exec(&["--profile", "role", "--", "env"], &env)).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let child = lines(&out);
    let key = var(&child, "AWS_ACCESS_KEY_ID").unwrap();
    assert!(key.starts_with("ASIA") && key != KEY, "{key}");
    let token = var(&child, "AWS_SESSION_TOKEN").unwrap();
    assert_ne!(token, "stale-token");
    assert_eq!(var(&child, "AWS_SECURITY_TOKEN"), Some(token));
    assert!(var(&child, "AWS_SECRET_ACCESS_KEY").is_some_and(|s| s != SECRET));
    let expiry = var(&child, "AWS_CREDENTIAL_EXPIRATION").unwrap();
    assert!(stskit::date::parse_rfc3339(expiry).is_some(), "{expiry}");
    assert_eq!(var(&child, "AWS_REGION"), Some("eu-west-1"));
    assert_eq!(var(&child, "AWS_DEFAULT_REGION"), Some("eu-west-1"));
    assert_eq!(var(&child, "STSKIT_PROFILE"), Some("role"));
    assert_eq!(var(&child, "UNRELATED"), Some("kept as it was"));
    for (name, _) in ELSEWHERE.iter().filter(|(n, _)| {
        !matches!(
            *n,
            "UNRELATED" | "AWS_SESSION_TOKEN" | "AWS_SECURITY_TOKEN" | "AWS_CREDENTIAL_EXPIRATION"
        )
    }) {
        assert_eq!(var(&child, name), None, "{name} must be unset");
    }
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn long_term_keys_go_without_token_or_expiry_and_an_unknown_region_stays_as_it_was() {
    let out = run(exec(
        &["--", "env"],
        &[
            ("AWS_SESSION_TOKEN", ""),
            ("AWS_DEFAULT_REGION", "ap-south-1"),
        ],
    ))
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let child = lines(&out);
    assert_eq!(var(&child, "AWS_ACCESS_KEY_ID"), Some(KEY));
    for gone in [
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
    ] {
        assert_eq!(var(&child, gone), None, "{gone}");
    }
    // The resolved region is the environment's own here: both variables carry it.
    assert_eq!(var(&child, "AWS_DEFAULT_REGION"), Some("ap-south-1"));
    assert_eq!(var(&child, "AWS_REGION"), Some("ap-south-1"));
    let no_region = run(exec(&["--", "env"], &[])).await;
    let child = lines(&no_region);
    assert_eq!(var(&child, "AWS_REGION"), None);
    assert_eq!(var(&child, "AWS_DEFAULT_REGION"), None);
}

#[tokio::test]
async fn exit_statuses_are_the_commands_and_the_shells() {
    let cases: &[(&[&str], i32, &str)] = &[
        (&["--", "sh", "-c", "exit 7"], 7, ""),
        (&["--", "sh", "-c", "exit 0"], 0, ""),
        (
            &["--", "/nonexistent/stskit-test-command"],
            127,
            "command not found",
        ),
        (
            &["--", "stskit-no-such-command-anywhere"],
            127,
            "command not found",
        ),
        (&["--", "/etc/passwd"], 126, "permission denied"),
        (&["--", "/"], 126, ""),
        (&[], 2, "exec needs -- COMMAND"),
        (&["--"], 2, "COMMAND after --"),
        (&["--", ""], 2, "COMMAND after --"),
        (&["env"], 2, "unexpected argument"),
        (&["--server", "--"], 2, "COMMAND after --"),
    ];
    for (args, code, says) in cases {
        let out = run(exec(args, &[])).await;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(err.lines().count() <= 2, "{args:?}: {err}");
    }
    // A command killed by a signal: the process dies of it (no server) or stskit gives
    // 128+N (with one); a shell sees 143 either way.
    let direct = run(exec(&["--", "sh", "-c", "kill -TERM $$"], &[])).await;
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(direct.status.signal(), Some(15));
    let sts = double().await;
    let served = run(exec(
        &[
            "--server",
            "--endpoint",
            &sts.endpoint_url(),
            "--",
            "sh",
            "-c",
            "kill -TERM $$",
        ],
        &[("AWS_REGION", "us-east-1")],
    ))
    .await;
    assert_eq!(
        served.status.code(),
        Some(143),
        "{}",
        String::from_utf8_lossy(&served.stderr)
    );
}

#[tokio::test]
async fn nothing_runs_when_resolution_fails() {
    let dir = crate::common::temp_dir("exec-fail");
    let marker = dir.join("ran");
    let touch = format!("touch {}", marker.display());
    // No credentials anywhere: exit 2 (settings). A profile that does not exist: 2.
    // STS refusing the role: 3. STS unreachable: 4.
    let sts = stskit::test_util::StsDouble::builder()
        .with_key("AKIDOTHER", "x")
        .start()
        .await
        .unwrap();
    let (config, creds) = role_profile(&dir, &sts.endpoint_url());
    let dead = dir.join("dead-config");
    std::fs::write(
        &dead,
        format!(
            "[profile role]\nrole_arn = {ROLE}\nsource_profile = base\nregion = eu-west-1\nendpoint_url = http://127.0.0.1:{}\n",
            crate::common::dead_port()
        ),
    )
    .unwrap();
    type Case<'a> = (Vec<(&'a str, &'a str)>, Vec<&'a str>, i32);
    let cases: Vec<Case> = vec![
        (
            vec![
                ("AWS_ACCESS_KEY_ID", ""),
                ("AWS_SECRET_ACCESS_KEY", ""),
                ("AWS_CONFIG_FILE", "/nonexistent"),
                ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
            ],
            vec![],
            2,
        ),
        (
            vec![
                ("AWS_CONFIG_FILE", config.as_str()),
                ("AWS_SHARED_CREDENTIALS_FILE", creds.as_str()),
            ],
            vec!["--profile", "missing"],
            2,
        ),
        (
            vec![
                ("AWS_CONFIG_FILE", config.as_str()),
                ("AWS_SHARED_CREDENTIALS_FILE", creds.as_str()),
            ],
            vec!["--profile", "role"],
            3,
        ),
        (
            vec![
                ("AWS_CONFIG_FILE", dead.to_str().unwrap()),
                ("AWS_SHARED_CREDENTIALS_FILE", creds.as_str()),
            ],
            vec!["--profile", "role", "--timeout", "3"],
            4,
        ),
    ];
    for server in [false, true] {
        for (env, flags, code) in &cases {
            let mut args = flags.clone();
            if server {
                args.push("--server");
            }
            args.extend(["--", "sh", "-c", touch.as_str()]);
            let out = run(exec(&args, env)).await;
            assert_eq!(
                out.status.code(),
                Some(*code),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(!marker.exists(), "{args:?} ran the command");
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn botocore_in_a_server_child_refreshes_from_stskit_with_no_keys_in_its_environment() {
    let sts = double().await;
    let python = crate::common::pyenv_python();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/peers/botocore_container_client.py"
    );
    let out = run(exec(
        &[
            "--server",
            "--endpoint",
            &sts.endpoint_url(),
            "--",
            &python,
            script,
            "2",
        ],
        &[
            ("AWS_REGION", "us-east-1"),
            ("HOME", "/nonexistent"),
            ("AWS_CONFIG_FILE", "/nonexistent/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
            ("AWS_ROLE_SESSION_NAME", "elsewhere"),
        ],
    ))
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for r in v["results"].as_array().unwrap() {
        assert_eq!(r["Method"], "container-role", "{v}");
        assert!(r["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    }
    let seen: Vec<&str> = v["environment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    for gone in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_ROLE_SESSION_NAME",
    ] {
        assert!(!seen.contains(&gone), "{gone} in {seen:?}");
    }
    for set in [
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_REGION",
    ] {
        assert!(seen.contains(&set), "{set} not in {seen:?}");
    }
    // One GetSessionToken (long-term keys) for the start and both of botocore's sessions.
    assert_eq!(sts.request_count(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn signals_sent_to_stskit_reach_the_command_and_its_status_comes_back() {
    let sts = double().await;
    for (signal, name) in [("TERM", 15), ("INT", 2), ("HUP", 1)] {
        let script = format!(
            "trap 'echo got {signal}; exit 42' {signal}; echo ready; while :; do sleep 0.1; done"
        );
        let mut cmd = exec(
            &[
                "--server",
                "--endpoint",
                &sts.endpoint_url(),
                "--",
                "sh",
                "-c",
                &script,
            ],
            &[("AWS_REGION", "us-east-1")],
        );
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut ready = [0u8; 6];
        if stdout.read_exact(&mut ready).is_err() {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("no ready line: {err}");
        }
        assert_eq!(&ready, b"ready\n");
        let pid = child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-s", signal, &pid])
                .status()
                .unwrap()
                .success()
        );
        let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
            .await
            .unwrap();
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, format!("got {signal}\n"), "signal {name}");
        assert_eq!(status.code(), Some(42), "signal {name}");
    }
}
