//! The `stskit` commands for every STS operation against the loopback double: the
//! unsigned web identity and SAML calls (no source credentials read, tokens from
//! files), session, federation and root credentials, the lookups, and the checks
//! before any call.
#![cfg(feature = "test-util")]

use crate::binary;
use crate::double;

use std::process::Output;

use binary::{assume_args, command, output, stderr};
use double::{ROLE, SECRET, double};

const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjbGkifQ.c2lnbmF0dXJl";

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    let text = stdout(o);
    assert_eq!(text.lines().count(), 1, "{text}");
    serde_json::from_str(&text).unwrap()
}

fn temp_file(name: &str, content: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("stskit-cli-ops-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// Runs without any source credentials in the environment.
async fn run_unsigned(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = command(args, env);
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    output(cmd).await
}

fn assert_failure(o: &Output, code: i32, needle: &str) {
    assert_eq!(o.status.code(), Some(code), "{}", stderr(o));
    assert!(o.stdout.is_empty(), "stdout stays empty on failure");
    assert!(stderr(o).contains(needle), "{needle}: {}", stderr(o));
}

#[tokio::test]
async fn web_identity_from_a_file_or_the_environment_is_unsigned() {
    let d = double().await;
    let url = d.endpoint_url();
    let token = temp_file("token", &format!("{JWT}\n"));
    let token = token.to_str().unwrap();
    let args = |how: &'static [&'static str]| {
        let mut a = vec![
            "assume-role-with-web-identity",
            "--role-arn",
            ROLE,
            "--role-session-name",
            "pod",
            "--endpoint",
            &url,
            "--duration-seconds",
            "900",
        ];
        a.extend_from_slice(how);
        a
    };
    let mut from_file = args(&[]);
    from_file.extend(["--web-identity-token-file", token]);
    let o = run_unsigned(&from_file, &[]).await;
    let v = json(&o);
    assert_eq!(v["Version"], 1);
    assert!(v["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    let o = run_unsigned(
        &args(&["--web-identity-token-env", "--output", "env"]),
        &[("AWS_WEB_IDENTITY_TOKEN_FILE", token)],
    )
    .await;
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("export AWS_ACCESS_KEY_ID="));
    for r in d.requests() {
        assert!(r.header("authorization").is_none());
        assert_eq!(r.param("WebIdentityToken").as_deref(), Some(JWT));
    }
    // No token: a usage error naming both ways, nothing sent.
    let before = d.request_count();
    let o = run_unsigned(&args(&[]), &[]).await;
    assert_failure(
        &o,
        2,
        "--web-identity-token-file or --web-identity-token-env",
    );
    let o = run_unsigned(&args(&["--web-identity-token-env"]), &[]).await;
    assert_failure(&o, 2, "AWS_WEB_IDENTITY_TOKEN_FILE");
    let mut missing = args(&[]);
    missing.extend(["--web-identity-token-file", "/nonexistent/token"]);
    let o = run_unsigned(&missing, &[]).await;
    assert_failure(&o, 2, "does not exist");
    // A token the service refuses: exit 3, the token never echoed.
    let bad = temp_file("bad", "not-a-jwt-secret-value");
    let mut refused = args(&[]);
    refused.extend(["--web-identity-token-file", bad.to_str().unwrap()]);
    let o = run_unsigned(&refused, &[]).await;
    assert_failure(&o, 3, "InvalidIdentityToken");
    assert!(!stderr(&o).contains("not-a-jwt-secret-value"));
    assert_eq!(d.request_count(), before + 1);
}

#[tokio::test]
async fn saml_assertion_from_a_file() {
    let d = double().await;
    let url = d.endpoint_url();
    let assertion = temp_file("saml", "PHNhbWxwOlJlc3BvbnNlPg==\n");
    let o = run_unsigned(
        &[
            "assume-role-with-saml",
            "--role-arn",
            ROLE,
            "--principal-arn",
            "arn:aws:iam::123456789012:saml-provider/idp",
            "--saml-assertion-file",
            assertion.to_str().unwrap(),
            "--endpoint",
            &url,
        ],
        &[],
    )
    .await;
    json(&o);
    let r = d.requests().pop().unwrap();
    assert_eq!(
        r.param("SAMLAssertion").as_deref(),
        Some("PHNhbWxwOlJlc3BvbnNlPg==")
    );
    assert!(r.header("authorization").is_none());
}

#[tokio::test]
async fn session_federation_and_root_credentials() {
    let d = double().await;
    let url = d.endpoint_url();
    let o = output(command(
        &[
            "get-session-token",
            "--serial-number",
            "arn:aws:iam::123456789012:mfa/me",
            "--token-code",
            "654321",
            "--endpoint",
            &url,
        ],
        &[("AWS_REGION", "eu-west-1")],
    ))
    .await;
    json(&o);
    assert!(!stderr(&o).contains("654321"));
    let o = output(command(
        &[
            "get-federation-token",
            "--name",
            "bob",
            "--tag",
            "team=a=b",
            "--policy-arn",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "--endpoint",
            &url,
        ],
        &[] as &[(&str, &str)],
    ))
    .await;
    json(&o);
    let r = d.requests().pop().unwrap();
    assert_eq!(r.param("Tags.member.1.Key").as_deref(), Some("team"));
    assert_eq!(r.param("Tags.member.1.Value").as_deref(), Some("a=b"));
    let o = output(command(
        &[
            "assume-root",
            "--target-principal",
            "111122223333",
            "--task-policy-arn",
            "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
            "--endpoint",
            &url,
            "--output",
            "fish",
        ],
        &[] as &[(&str, &str)],
    ))
    .await;
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("set -gx AWS_ACCESS_KEY_ID "));
}

#[tokio::test]
async fn lookups_print_one_line_of_json() {
    let d = double().await;
    let url = d.endpoint_url();
    let o = output(command(
        &[
            "get-access-key-info",
            "--access-key-id",
            "AKIAIOSFODNN7EXAMPLE",
            "--endpoint",
            &url,
        ],
        &[] as &[(&str, &str)],
    ))
    .await;
    assert_eq!(json(&o), serde_json::json!({"Account": "123456789012"}));
    let o = output(command(
        &[
            "decode-authorization-message",
            "--encoded-message",
            "abc",
            "--endpoint",
            &url,
        ],
        &[] as &[(&str, &str)],
    ))
    .await;
    let v = json(&o);
    let inner: serde_json::Value =
        serde_json::from_str(v["DecodedMessage"].as_str().unwrap()).unwrap();
    assert_eq!(inner["allowed"], false);
}

/// Every check runs before any call: durations per command, temporary credentials
/// where STS wants long-term ones, a region for the regional-only call, FIPS with a
/// custom endpoint, a role of another partition.
#[tokio::test]
async fn checks_before_any_call() {
    let d = double().await;
    let url = d.endpoint_url();
    let temp: &[(&str, &str)] = &[
        ("AWS_ACCESS_KEY_ID", "ASIATEMP"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SESSION_TOKEN", "tok"),
    ];
    let none: &[(&str, &str)] = &[];
    type Case<'a> = (Vec<&'a str>, &'a [(&'a str, &'a str)], &'a str);
    let cases: Vec<Case> = vec![
        (
            vec!["get-session-token", "--duration-seconds", "129601"],
            none,
            "DurationSeconds",
        ),
        (
            vec!["get-session-token", "--duration-seconds", "899"],
            none,
            "DurationSeconds",
        ),
        (
            vec![
                "get-federation-token",
                "--name",
                "bob",
                "--duration-seconds",
                "129601",
            ],
            none,
            "DurationSeconds",
        ),
        (vec!["get-federation-token"], none, "needs --name"),
        (
            vec!["get-federation-token", "--name", "bob", "--tag", "novalue"],
            none,
            "KEY=VALUE",
        ),
        (vec!["get-session-token"], temp, "long-term credentials"),
        (
            vec!["get-federation-token", "--name", "bob"],
            temp,
            "long-term credentials",
        ),
        (
            vec![
                "assume-root",
                "--target-principal",
                "111122223333",
                "--task-policy-arn",
                "arn:aws:iam::aws:policy/root-task/X",
                "--duration-seconds",
                "901",
            ],
            none,
            "DurationSeconds",
        ),
        (
            vec!["get-access-key-info", "--access-key-id", "short"],
            none,
            "AccessKeyId",
        ),
        (
            vec!["decode-authorization-message"],
            none,
            "needs --encoded-message",
        ),
        (
            vec!["get-caller-identity"],
            &[("AWS_USE_FIPS_ENDPOINT", "true")],
            "FIPS",
        ),
        (
            vec!["get-caller-identity"],
            &[("AWS_USE_FIPS_ENDPOINT", "1")],
            "AWS_USE_FIPS_ENDPOINT",
        ),
        (
            vec!["get-caller-identity"],
            &[("AWS_STS_REGIONAL_ENDPOINTS", "LEGACY")],
            "AWS_STS_REGIONAL_ENDPOINTS",
        ),
        (
            vec![
                "assume-role",
                "--role-arn",
                "arn:aws-cn:iam::123456789012:role/r",
                "--role-session-name",
                "s1",
            ],
            &[("AWS_REGION", "us-east-1")],
            "partition",
        ),
    ];
    for (mut args, env, needle) in cases {
        args.extend(["--endpoint", &url]);
        let o = output(command(&args, env)).await;
        assert_failure(&o, 2, needle);
    }
    // Without --endpoint: the regional-only call refuses the global endpoint, and no
    // region is an error (never a silent global endpoint).
    let o = output(command(
        &[
            "assume-root",
            "--target-principal",
            "111122223333",
            "--task-policy-arn",
            "arn:aws:iam::aws:policy/root-task/X",
            "--region",
            "aws-global",
        ],
        none,
    ))
    .await;
    assert_failure(&o, 2, "regional endpoints only");
    let o = output(command(&["get-caller-identity"], none)).await;
    assert_failure(&o, 2, "no region");
    assert_eq!(d.request_count(), 0);
}

#[tokio::test]
async fn help_lists_every_command() {
    let o = output(command(&["--help"], &[] as &[(&str, &str)])).await;
    let text = stdout(&o);
    for c in [
        "assume-role-with-web-identity",
        "assume-role-with-saml",
        "get-session-token",
        "get-federation-token",
        "assume-root",
        "get-access-key-info",
        "decode-authorization-message",
        "get-delegated-access-token",
        "get-web-identity-token",
        "get-scoped-credentials",
    ] {
        assert!(text.contains(c), "{c}");
        let o = output(command(&["help", c], &[] as &[(&str, &str)])).await;
        assert!(o.status.success() && stdout(&o).contains(c), "{c}");
    }
}

/// The configured endpoint URLs in their order: `AWS_ENDPOINT_URL_STS` before
/// `AWS_ENDPOINT_URL`, both before the region's endpoint, and neither under
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`.
#[tokio::test]
async fn configured_endpoint_urls_in_order() {
    let d = double().await;
    let url = d.endpoint_url();
    // Nothing listens on port 9 of loopback: a call there would fail with exit 4.
    let dead = "http://127.0.0.1:9/";
    let o = output(command(
        &["get-caller-identity"],
        &[("AWS_ENDPOINT_URL", url.as_str())],
    ))
    .await;
    json(&o);
    let o = output(command(
        &["get-caller-identity"],
        &[
            ("AWS_ENDPOINT_URL_STS", url.as_str()),
            ("AWS_ENDPOINT_URL", dead),
        ],
    ))
    .await;
    json(&o);
    let o = output(command(
        &["get-caller-identity", "--endpoint", &url],
        &[("AWS_ENDPOINT_URL_STS", dead)],
    ))
    .await;
    json(&o);
    // Ignored: with no region there is then no endpoint at all (and nothing is sent).
    let before = d.request_count();
    let o = output(command(
        &["get-caller-identity"],
        &[
            ("AWS_ENDPOINT_URL_STS", url.as_str()),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
        ],
    ))
    .await;
    assert_failure(&o, 2, "no region");
    assert_eq!(d.request_count(), before);
}

/// The newer token operations: a trade-in token from a file, an outbound web identity
/// token as one line of JSON, and scoped credentials from temporary ones.
#[tokio::test]
async fn token_operations() {
    let d = double().await;
    let url = d.endpoint_url();
    let trade_in = temp_file("trade-in", "trade-in-token-value\n");
    let o = output(command(
        &[
            "get-delegated-access-token",
            "--trade-in-token-file",
            trade_in.to_str().unwrap(),
            "--endpoint",
            &url,
        ],
        &[] as &[(&str, &str)],
    ))
    .await;
    json(&o);
    assert_eq!(
        d.requests().pop().unwrap().param("TradeInToken").as_deref(),
        Some("trade-in-token-value")
    );
    let o = output(command(
        &[
            "get-web-identity-token",
            "--audience",
            "https://api.example.com",
            "--audience",
            "second",
            "--signing-algorithm",
            "ES384",
            "--duration-seconds",
            "120",
            "--endpoint",
            &url,
        ],
        &[] as &[(&str, &str)],
    ))
    .await;
    let v = json(&o);
    assert!(v["WebIdentityToken"].as_str().unwrap().starts_with("eyJ"));
    assert!(v["Expiration"].as_str().unwrap().ends_with('Z'));
    let r = d.requests().pop().unwrap();
    assert_eq!(r.param("Audience.member.2").as_deref(), Some("second"));
    // Scoped credentials need temporary source credentials: first get some.
    let o = output(command(
        &["get-session-token", "--endpoint", &url],
        &[] as &[(&str, &str)],
    ))
    .await;
    let session = json(&o);
    let temp = [
        (
            "AWS_ACCESS_KEY_ID",
            session["AccessKeyId"].as_str().unwrap(),
        ),
        (
            "AWS_SECRET_ACCESS_KEY",
            session["SecretAccessKey"].as_str().unwrap(),
        ),
        (
            "AWS_SESSION_TOKEN",
            session["SessionToken"].as_str().unwrap(),
        ),
    ];
    let o = output(command(
        &[
            "get-scoped-credentials",
            "--policy",
            "{}",
            "--scoped-session-description",
            "ci job",
            "--endpoint",
            &url,
        ],
        &temp,
    ))
    .await;
    json(&o);
    let o = output(command(
        &["get-scoped-credentials", "--endpoint", &url],
        &[] as &[(&str, &str)],
    ))
    .await;
    assert_failure(&o, 2, "temporary credentials");
    let o = output(command(
        &[
            "get-web-identity-token",
            "--audience",
            "a",
            "--signing-algorithm",
            "RS256",
            "--scope",
            "openid",
            "--endpoint",
            &url,
        ],
        &[] as &[(&str, &str)],
    ))
    .await;
    assert_failure(&o, 2, "Scope");
    let o = output(command(
        &[
            "get-web-identity-token",
            "--signing-algorithm",
            "RS256",
            "--endpoint",
            &url,
        ],
        &[] as &[(&str, &str)],
    ))
    .await;
    assert_failure(&o, 2, "needs --audience");
}

/// A parameter that breaks an STS rule is named by the flag the user typed (with the
/// API member beside it); the library's own errors name the member.
#[tokio::test]
async fn refused_parameters_name_their_flags() {
    let d = double().await;
    let url = d.endpoint_url();
    for (extra, flag) in [
        (
            vec!["--duration-seconds", "99"],
            "invalid --duration-seconds (DurationSeconds)",
        ),
        (
            vec!["--external-id", "x"],
            "invalid --external-id (ExternalId)",
        ),
        (vec!["--tag", "=v"], "invalid --tag (Tags)"),
    ] {
        let o = output(command(&assume_args(&url, &extra), &[] as &[(&str, &str)])).await;
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(flag), "{flag}: {}", stderr(&o));
    }
    use stskit::sts::Operation;
    let err = stskit::sts::AssumeRole::new("arn:aws:iam::123456789012:role/r", "s")
        .validate(false)
        .unwrap_err();
    assert!(
        err.to_string().starts_with("invalid RoleSessionName"),
        "{err}"
    );
    assert_eq!(d.request_count(), 0);
}
