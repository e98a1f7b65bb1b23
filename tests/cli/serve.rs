//! `stskit serve`: botocore's own chain as the client, the token, Host, method and bind
//! rules, one STS call for many clients, failures as JSON, and shutdown on a signal.

#![cfg(all(feature = "test-util", unix))]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::binary::command;
use crate::double::{KEY, SECRET, double};

/// A running `stskit serve` and the variables it printed.
struct Served {
    child: Child,
    url: String,
    /// (name, value) of the token variable.
    token: (String, String),
}

impl Served {
    /// Starts `stskit serve ARGS` with the source keys in the environment and `env`,
    /// and reads the two variables it prints.
    fn start(args: &[&str], env: &[(&str, &str)]) -> Served {
        let mut all = vec!["serve"];
        all.extend_from_slice(args);
        let mut cmd = command(&all, env);
        cmd.env("AWS_REGION", "us-east-1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut var = || {
            let line = lines.next().expect("a line").unwrap();
            let (name, value) = line
                .strip_prefix("export ")
                .and_then(|l| l.split_once('='))
                .unwrap_or_else(|| panic!("{line}"));
            (name.to_owned(), value.trim_matches('\'').to_owned())
        };
        let url = var();
        assert_eq!(url.0, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
        let token = var();
        Served {
            child,
            url: url.1,
            token,
        }
    }

    fn addr(&self) -> String {
        self.url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned()
    }

    fn token(&self) -> &str {
        &self.token.1
    }

    /// Sends `signal` and gives the exit code and stderr.
    fn stop(mut self, signal: &str) -> (Option<i32>, String) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-s", signal, &pid])
                .status()
                .unwrap()
                .success()
        );
        let status = self.child.wait().unwrap();
        let mut err = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        (status.code(), err)
    }
}

/// One raw HTTP/1.1 exchange: the status and the body.
fn raw(addr: &str, request: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer:?}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

fn get(addr: &str, host: &str, auth: Option<&str>) -> (u16, String) {
    let auth = auth
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    raw(
        addr,
        &format!("GET / HTTP/1.1\r\nHost: {host}\r\n{auth}Connection: close\r\n\r\n"),
    )
}

/// botocore's chain in a fresh process with the server's variables.
fn botocore_client(vars: &[(&str, &str)], n: usize) -> serde_json::Value {
    let python = crate::common::pyenv_python();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/peers/botocore_container_client.py"
    );
    let mut cmd = Command::new(python);
    cmd.arg(script).arg(n.to_string()).env_clear();
    if let Ok(path) = std::env::var("PATH") {
        cmd.env("PATH", path);
    }
    cmd.env("HOME", "/nonexistent")
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "botocore: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn botocore_resolves_session_credentials_from_serve_with_one_sts_call() {
    let sts = double().await;
    let url = sts.endpoint_url();
    let served = Served::start(&["--endpoint", &url], &[]);
    assert_eq!(served.token.0, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    assert!(served.token().len() >= 32, "a token of at least 128 bits");
    // Nothing is resolved before the first request.
    assert_eq!(sts.request_count(), 0);
    let vars = [
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", served.url.as_str()),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", served.token()),
    ];
    let got = tokio::task::spawn_blocking({
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        move || {
            let v: Vec<(&str, &str)> = vars.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            botocore_client(&v, 3)
        }
    })
    .await
    .unwrap();
    let results = got["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for r in results {
        assert_eq!(r["Method"], "container-role");
        assert!(
            r["AccessKeyId"].as_str().unwrap().starts_with("ASIA"),
            "{r}"
        );
        assert_ne!(r["AccessKeyId"], KEY, "long-term keys are never served");
        assert_eq!(r["AccessKeyId"], results[0]["AccessKeyId"]);
        assert!(r["SessionToken"].as_str().is_some_and(|t| !t.is_empty()));
    }
    // Long-term keys in the environment: one GetSessionToken signed with them, however
    // many clients asked.
    let calls = sts.requests();
    assert_eq!(calls.len(), 1, "one STS call for every client");
    assert_eq!(calls[0].param("Action").as_deref(), Some("GetSessionToken"));
    assert!(
        calls[0]
            .header("Authorization")
            .unwrap_or_default()
            .contains(&format!("Credential={KEY}/"))
    );
    let (code, err) = served.stop("TERM");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        err.lines()
            .filter(|l| l.contains("credentials ASIA"))
            .count(),
        1,
        "{err}"
    );
    for secret in [
        SECRET,
        results[0]["SecretAccessKey"].as_str().unwrap(),
        results[0]["SessionToken"].as_str().unwrap(),
    ] {
        assert!(!err.contains(secret), "stderr holds a secret: {err}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_host_and_method_rules_hold_and_refusals_carry_no_credentials() {
    let sts = double().await;
    let served = Served::start(
        &["--endpoint", &sts.endpoint_url(), "--listen", "localhost:0"],
        &[],
    );
    let addr = served.addr();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    let token = served.token().to_owned();
    let host = addr.clone();
    let refused = tokio::task::spawn_blocking(move || {
        let mut out = vec![
            ("no token", get(&addr, &host, None)),
            ("wrong token", get(&addr, &host, Some("not-the-token"))),
            ("token prefix", get(&addr, &host, Some(&token[..token.len() - 1]))),
            ("rebinding Host", get(&addr, "attacker.example", Some(&token))),
            ("rebinding Host with port", get(&addr, "attacker.example:80", Some(&token))),
            ("private IP Host", get(&addr, "10.0.0.1", Some(&token))),
            (
                "no Host",
                raw(&addr, &format!("GET / HTTP/1.0\r\nAuthorization: {token}\r\n\r\n")),
            ),
            (
                "POST",
                raw(&addr, &format!("POST / HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")),
            ),
            (
                "two tokens",
                raw(&addr, &format!("GET / HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\nAuthorization: {token}\r\nConnection: close\r\n\r\n")),
            ),
        ];
        // The good request last, on any path and with any loopback Host spelling.
        out.push(("good", raw(&addr, &format!("GET /any/path?x=1 HTTP/1.1\r\nHost: localhost:1\r\nAuthorization: {token}\r\nConnection: close\r\n\r\n"))));
        out
    })
    .await
    .unwrap();
    let expect = [401, 403, 403, 403, 403, 403, 403, 405, 403, 200];
    for ((what, (status, body)), want) in refused.iter().zip(expect) {
        assert_eq!(*status, want, "{what}: {body}");
        if want != 200 {
            assert!(
                !body.contains("ASIA") && !body.contains("SecretAccessKey"),
                "{what}: {body}"
            );
        }
    }
    let good: serde_json::Value = serde_json::from_str(&refused[9].1.1).unwrap();
    let mut members: Vec<&String> = good.as_object().unwrap().keys().collect();
    members.sort();
    assert_eq!(
        members,
        ["AccessKeyId", "Expiration", "SecretAccessKey", "Token"]
    );
    // Refused requests never reached STS; the good one resolved once.
    assert_eq!(sts.request_count(), 1);
    let (code, _) = served.stop("INT");
    assert_eq!(code, Some(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn many_concurrent_clients_share_one_sts_call() {
    let sts = double().await;
    let served = Served::start(&["--endpoint", &sts.endpoint_url()], &[]);
    let addr = served.addr();
    let token = served.token().to_owned();
    let answers = tokio::task::spawn_blocking(move || {
        let threads: Vec<_> = (0..64)
            .map(|_| {
                let (addr, token) = (addr.clone(), token.clone());
                std::thread::spawn(move || get(&addr, &addr, Some(&token)))
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    let first: serde_json::Value = serde_json::from_str(&answers[0].1).unwrap();
    for (status, body) in &answers {
        assert_eq!(*status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["AccessKeyId"], first["AccessKeyId"]);
    }
    assert_eq!(
        sts.request_count(),
        1,
        "64 concurrent clients, one STS call"
    );
    served.stop("TERM");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_file_is_read_at_start_and_botocore_reads_it_too() {
    let sts = double().await;
    let dir = crate::common::temp_dir("serve-token");
    let path = dir.join("token");
    std::fs::write(&path, "file-token-0123456789abcdef").unwrap();
    let path = path.to_str().unwrap().to_owned();
    let served = Served::start(
        &["--endpoint", &sts.endpoint_url(), "--token-file", &path],
        &[],
    );
    assert_eq!(served.token.0, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    assert_eq!(served.token.1, path);
    let vars: Vec<(String, String)> = vec![
        (
            "AWS_CONTAINER_CREDENTIALS_FULL_URI".into(),
            served.url.clone(),
        ),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE".into(),
            path.clone(),
        ),
    ];
    let got = tokio::task::spawn_blocking(move || {
        let v: Vec<(&str, &str)> = vars.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        botocore_client(&v, 1)
    })
    .await
    .unwrap();
    assert_eq!(got["results"][0]["Method"], "container-role");
    // The file is left as it was.
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "file-token-0123456789abcdef"
    );
    served.stop("TERM");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_listen_addresses_and_token_files_exit_2_before_serving() {
    let dir = crate::common::temp_dir("serve-bad");
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_owned()
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--listen".into(), "0.0.0.0:0".into()], "loopback"),
        (
            vec!["--listen".into(), "192.168.1.10:8080".into()],
            "loopback",
        ),
        (vec!["--listen".into(), "[::]:0".into()], "loopback"),
        (vec!["--listen".into(), "example.com:80".into()], "loopback"),
        (
            vec![
                "--token-file".into(),
                dir.join("missing").to_str().unwrap().into(),
            ],
            "token-file",
        ),
        (vec!["--token-file".into(), write("empty", b"")], "empty"),
        (
            vec!["--token-file".into(), write("newline", b"token\n")],
            "line break",
        ),
        (
            vec!["--token-file".into(), write("crlf", b"tok\r\nen")],
            "line break",
        ),
        (
            vec!["--token-file".into(), write("space", b"tok en")],
            "visible ASCII",
        ),
        (
            vec!["--token-file".into(), write("binary", b"tok\xffen")],
            "visible ASCII",
        ),
        (
            vec!["--token-file".into(), dir.to_str().unwrap().into()],
            "token-file",
        ),
        (
            vec!["--output".into(), "json".into()],
            "env, fish or powershell",
        ),
    ];
    for (args, says) in cases {
        let mut all = vec!["serve"];
        all.extend(args.iter().map(String::as_str));
        let mut cmd = command(&all, &[("AWS_REGION", "us-east-1")]);
        cmd.stdin(Stdio::null());
        let started = Instant::now();
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(started.elapsed() < Duration::from_secs(20));
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_are_json_with_a_status_that_says_whether_to_retry() {
    // STS refuses the source key: 403 with STS's code, a line on stderr.
    let sts = stskit::test_util::StsDouble::builder()
        .with_key("AKIDOTHER", "other")
        .start()
        .await
        .unwrap();
    let served = Served::start(&["--endpoint", &sts.endpoint_url()], &[]);
    let (addr, token) = (served.addr(), served.token().to_owned());
    let (status, body) = tokio::task::spawn_blocking(move || get(&addr, &addr, Some(&token)))
        .await
        .unwrap();
    assert_eq!(status, 403, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["code"], "InvalidClientTokenId", "{body}");
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
    let (_, err) = served.stop("TERM");
    assert!(err.contains("refresh failed"), "{err}");
    assert!(!err.contains(SECRET) && !body.contains(SECRET));
    // No STS at all: 503, so clients retry.
    let dead = format!("http://127.0.0.1:{}", crate::common::dead_port());
    let served = Served::start(&["--endpoint", &dead, "--timeout", "2"], &[]);
    let (addr, token) = (served.addr(), served.token().to_owned());
    let (status, body) = tokio::task::spawn_blocking(move || get(&addr, &addr, Some(&token)))
        .await
        .unwrap();
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["code"],
        "ServiceUnavailable"
    );
    served.stop("TERM");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_from_the_environment_is_served_as_it_is_with_an_expiration() {
    let sts = double().await;
    // Temporary keys without AWS_CREDENTIAL_EXPIRATION: served without any STS call,
    // with an Expiration an hour ahead (clients require one).
    let served = Served::start(
        &["--endpoint", &sts.endpoint_url()],
        &[("AWS_SESSION_TOKEN", "env-session-token")],
    );
    let (addr, token) = (served.addr(), served.token().to_owned());
    let (status, body) = tokio::task::spawn_blocking(move || get(&addr, &addr, Some(&token)))
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["AccessKeyId"], KEY);
    assert_eq!(v["Token"], "env-session-token");
    let expiry = stskit::date::parse_rfc3339(v["Expiration"].as_str().unwrap()).unwrap();
    let ahead = expiry - time::OffsetDateTime::now_utc();
    assert!(
        ahead > time::Duration::minutes(55) && ahead <= time::Duration::minutes(61),
        "{ahead}"
    );
    assert_eq!(sts.request_count(), 0);
    // The same session with a known expiry in the past is never served.
    served.stop("TERM");
    let served = Served::start(
        &["--endpoint", &sts.endpoint_url()],
        &[
            ("AWS_SESSION_TOKEN", "env-session-token"),
            ("AWS_CREDENTIAL_EXPIRATION", "2001-01-01T00:00:00Z"),
        ],
    );
    let (addr, token) = (served.addr(), served.token().to_owned());
    let (status, body) = tokio::task::spawn_blocking(move || get(&addr, &addr, Some(&token)))
        .await
        .unwrap();
    assert!(status >= 500, "{status} {body}");
    assert!(!body.contains("env-session-token"));
    served.stop("TERM");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_assumed_roles_account_is_served_as_the_ecs_agent_serves_it() {
    let sts = double().await;
    let dir = crate::common::temp_dir("serve-role");
    let config = dir.join("config");
    std::fs::write(
        &config,
        format!(
            "[profile role]\nrole_arn = {}\nsource_profile = base\nregion = eu-west-1\nendpoint_url = {}\n",
            crate::double::ROLE,
            sts.endpoint_url()
        ),
    )
    .unwrap();
    let creds = dir.join("credentials");
    std::fs::write(
        &creds,
        format!("[base]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"),
    )
    .unwrap();
    let served = Served::start(
        &["--profile", "role"],
        &[
            ("AWS_CONFIG_FILE", config.to_str().unwrap()),
            ("AWS_SHARED_CREDENTIALS_FILE", creds.to_str().unwrap()),
        ],
    );
    let (addr, token) = (served.addr(), served.token().to_owned());
    let (status, body) = tokio::task::spawn_blocking(move || get(&addr, &addr, Some(&token)))
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["AccountId"], "123456789012", "{body}");
    assert_eq!(
        sts.requests()[0].param("Action").as_deref(),
        Some("AssumeRole")
    );
    served.stop("TERM");
    let _ = std::fs::remove_dir_all(dir);
}
