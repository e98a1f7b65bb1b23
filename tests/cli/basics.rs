//! The `stskit` binary against the loopback STS double: output formats, exit codes,
//! error text, encoding of every flag, and botocore running it as a
//! `credential_process`.
#![cfg(feature = "test-util")]

use crate::common;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use stskit::test_util::{Reply, SignatureCheck, StsDouble};

use crate::double;

use double::{KEY, ROLE, SECRET, double};

const CANNED: &str = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
<AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/demo/cli</Arn>\
<AssumedRoleId>AROACLI:cli</AssumedRoleId></AssumedRoleUser><Credentials>\
<AccessKeyId>ASIACANNEDCLI</AccessKeyId><SecretAccessKey>canned/secret+'key\"x</SecretAccessKey>\
<SessionToken>canned-token/+=</SessionToken><Expiration>2031-05-06T07:08:09.123456Z</Expiration>\
</Credentials></AssumeRoleResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>\
</AssumeRoleResponse>";

/// Runs the binary with only the given environment (plus PATH).
async fn run(args: &[&str], env: &[(&str, &str)]) -> (Output, Duration) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stskit"));
    cmd.args(args)
        .env_clear()
        .env("AWS_EC2_METADATA_DISABLED", "true");
    if let Ok(path) = std::env::var("PATH") {
        cmd.env("PATH", path);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    (out, started.elapsed())
}

fn creds_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("AWS_ACCESS_KEY_ID", KEY),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
    ]
}

async fn assume(d: &StsDouble, extra: &[&str]) -> (Output, Duration) {
    assume_with_env(d, extra, &creds_env()).await
}

/// `stskit assume-role` of ROLE (session `cli`) at the double, with this environment.
async fn assume_with_env(
    d: &StsDouble,
    extra: &[&str],
    env: &[(&str, &str)],
) -> (Output, Duration) {
    let url = d.endpoint_url();
    let mut args = vec![
        "assume-role",
        "--role-arn",
        ROLE,
        "--role-session-name",
        "cli",
        "--endpoint",
        &url,
    ];
    args.extend_from_slice(extra);
    run(&args, env).await
}

/// The environment of the temporary source key the token tests register.
const TEMPORARY_ENV: &[(&str, &str)] = &[
    ("AWS_ACCESS_KEY_ID", "ASIASOURCE"),
    ("AWS_SECRET_ACCESS_KEY", SECRET),
    ("AWS_SESSION_TOKEN", "source-session-token"),
];

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}
fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// stderr of a failure: one or two lines, no secret, no signature, no panic.
fn assert_clean_failure(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "stderr: {}", stderr(o));
    assert!(
        o.stdout.is_empty(),
        "stdout must stay empty on failure: {:?}",
        stdout(o)
    );
    let err = stderr(o);
    assert!(err.starts_with("stskit: "), "{err}");
    assert!(err.lines().count() <= 2, "{err}");
    for secret in [
        SECRET,
        "review/secret",
        "canned/secret",
        "canned-token",
        "Signature=",
        "panicked",
    ] {
        assert!(!err.contains(secret), "{secret} in {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn success_json_is_exactly_the_credential_process_object() {
    let d = double().await;
    d.push(Reply::status(200, CANNED));
    let (o, _) = assume(&d, &[]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\"Version\":1,\"AccessKeyId\":\"ASIACANNEDCLI\",\"SecretAccessKey\":\"canned/secret+'key\\\"x\",\
         \"SessionToken\":\"canned-token/+=\",\"Expiration\":\"2031-05-06T07:08:09Z\"}\n"
    );
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
    assert_eq!(d.requests()[0].signature, SignatureCheck::Valid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_output_format() {
    let cases = [
        (
            "env",
            "export AWS_ACCESS_KEY_ID='ASIACANNEDCLI'\nexport AWS_SECRET_ACCESS_KEY='canned/secret+'\\''key\"x'\n\
             export AWS_SESSION_TOKEN='canned-token/+='\nexport AWS_CREDENTIAL_EXPIRATION='2031-05-06T07:08:09Z'\n",
        ),
        (
            "fish",
            "set -gx AWS_ACCESS_KEY_ID 'ASIACANNEDCLI';\nset -gx AWS_SECRET_ACCESS_KEY 'canned/secret+\\'key\"x';\n\
             set -gx AWS_SESSION_TOKEN 'canned-token/+=';\nset -gx AWS_CREDENTIAL_EXPIRATION '2031-05-06T07:08:09Z';\n",
        ),
        (
            "powershell",
            "$Env:AWS_ACCESS_KEY_ID = 'ASIACANNEDCLI'\n$Env:AWS_SECRET_ACCESS_KEY = 'canned/secret+''key\"x'\n\
             $Env:AWS_SESSION_TOKEN = 'canned-token/+='\n$Env:AWS_CREDENTIAL_EXPIRATION = '2031-05-06T07:08:09Z'\n",
        ),
    ];
    for (format, want) in cases {
        let d = double().await;
        d.push(Reply::status(200, CANNED));
        let (o, _) = assume(&d, &["--output", format]).await;
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), want, "{format}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn env_output_round_trips_through_a_real_shell() {
    let d = double().await;
    d.push(Reply::status(200, CANNED));
    let (o, _) = assume(&d, &["--output=env"]).await;
    let script = format!("{}printf '%s' \"$AWS_SECRET_ACCESS_KEY\"", stdout(&o));
    let out = Command::new("sh").arg("-c").arg(script).output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "canned/secret+'key\"x"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_caller_identity_prints_json() {
    let d = double().await;
    let url = d.endpoint_url();
    let (o, _) = run(&["get-caller-identity", "--endpoint", &url], &creds_env()).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\"UserId\":\"AIDAtsetilcdika\",\"Account\":\"123456789012\",\"Arn\":\"arn:aws:iam::123456789012:user/stskit-double\"}\n"
            .replace("AIDAtsetilcdika", &format!("AIDA{}", KEY.chars().rev().take(12).collect::<String>()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2() {
    let d = double().await;
    let url = d.endpoint_url();
    type Case<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (vec![], creds_env(), "missing command"),
        (vec!["frobnicate"], creds_env(), "unknown command"),
        (
            vec![
                "assume-role",
                "--role-session-name",
                "s1",
                "--endpoint",
                &url,
            ],
            creds_env(),
            "--role-arn",
        ),
        (
            vec!["assume-role", "--role-arn", ROLE, "--endpoint", &url],
            creds_env(),
            "--role-session-name",
        ),
        (
            vec![
                "assume-role",
                "--role-arn",
                ROLE,
                "--role-session-name",
                "s1",
                "--endpoint",
                &url,
            ],
            vec![],
            "AWS_ACCESS_KEY_ID",
        ),
        (
            vec![
                "assume-role",
                "--role-arn",
                ROLE,
                "--role-session-name",
                "s1",
                "--endpoint",
                &url,
            ],
            vec![("AWS_ACCESS_KEY_ID", KEY)],
            "AWS_SECRET_ACCESS_KEY",
        ),
        (
            vec![
                "assume-role",
                "--role-arn",
                ROLE,
                "--role-session-name",
                "s1",
                "--duration-seconds",
                "10",
            ],
            creds_env(),
            "DurationSeconds",
        ),
        (
            vec![
                "assume-role",
                "--role-arn",
                ROLE,
                "--role-session-name",
                "bad name",
            ],
            creds_env(),
            "RoleSessionName",
        ),
        (
            vec![
                "assume-role",
                "--role-arn",
                "nope",
                "--role-session-name",
                "s1",
            ],
            creds_env(),
            "RoleArn",
        ),
        (
            vec![
                "assume-role",
                "--role-arn",
                ROLE,
                "--role-session-name",
                "s1",
                "--output",
                "xml",
            ],
            creds_env(),
            "--output",
        ),
        (
            vec![
                "assume-role",
                "--role-arn",
                ROLE,
                "--role-session-name",
                "s1",
                "--timeout",
                "0",
            ],
            creds_env(),
            "--timeout",
        ),
        (
            vec![
                "assume-role",
                "--role-arn",
                ROLE,
                "--role-session-name",
                "s1",
                "--tag",
                "novalue",
            ],
            creds_env(),
            "KEY=VALUE",
        ),
        (
            vec![
                "assume-role",
                "--role-arn",
                ROLE,
                "--role-session-name",
                "s1",
                "--token-code",
                "123456",
            ],
            creds_env(),
            "--serial-number",
        ),
        (
            vec![
                "assume-role",
                "--role-arn",
                ROLE,
                "--role-session-name",
                "s1",
                "--policy",
                "{}",
                "--policy-file",
                "/x",
            ],
            creds_env(),
            "not both",
        ),
        (
            vec![
                "assume-role",
                "--role-arn",
                ROLE,
                "--role-session-name",
                "s1",
                "--policy-file",
                "/nonexistent/p.json",
            ],
            creds_env(),
            "--policy-file",
        ),
        (
            vec![
                "assume-role",
                "--role-arn",
                ROLE,
                "--role-session-name",
                "s1",
                "--endpoint",
                "http://example.com/",
            ],
            creds_env(),
            "loopback",
        ),
        (
            vec![
                "assume-role",
                "--role-arn",
                ROLE,
                "--role-session-name",
                "s1",
                "--endpoint",
                "https://u:p@h/",
            ],
            creds_env(),
            "user-info",
        ),
        (
            vec![
                "assume-role",
                "--role-arn",
                ROLE,
                "--role-session-name",
                "s1",
                "--region",
                "Bad Region",
            ],
            creds_env(),
            "region",
        ),
        (
            vec![
                "assume-role",
                "--role-arn",
                ROLE,
                "--role-session-name",
                "s1",
                "--bogus",
                "1",
            ],
            creds_env(),
            "unknown option",
        ),
        (
            vec!["get-caller-identity", "--role-arn", ROLE],
            creds_env(),
            "unknown option",
        ),
        (
            vec!["assume-role", "--role-arn"],
            creds_env(),
            "needs a value",
        ),
    ];
    for (args, env, needle) in cases {
        let (o, _) = run(&args, &env).await;
        assert_clean_failure(&o, 2);
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
    assert_eq!(d.request_count(), 0, "usage errors never reach the network");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chained_role_over_an_hour_is_refused_with_exit_2() {
    let d = double().await;
    let mut env = creds_env();
    env.push(("AWS_SESSION_TOKEN", "some-token"));
    let (o, _) = assume_with_env(&d, &["--duration-seconds", "7200"], &env).await;
    assert_clean_failure(&o, 2);
    assert!(stderr(&o).contains("role chaining"), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_and_version() {
    for args in [
        vec!["--help"],
        vec!["help"],
        vec!["help", "assume-role"],
        vec!["assume-role", "--help"],
        vec!["--version"],
    ] {
        let (o, _) = run(&args, &[]).await;
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(!o.stdout.is_empty());
    }
    let (o, _) = run(&["--help"], &[]).await;
    let help = stdout(&o);
    for needle in [
        "Exit codes",
        "credential_process",
        "AWS_ENDPOINT_URL_STS",
        "  3  STS answered",
    ] {
        assert!(help.contains(needle), "{needle}");
    }
    let (o, _) = run(&["help", "assume-role"], &[]).await;
    assert!(stdout(&o).contains("--transitive-tag-key"));
    let (o, _) = run(&["--version"], &[]).await;
    assert_eq!(
        stdout(&o),
        format!("stskit {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sts_error_exits_3_with_code_status_request_id_and_message() {
    let d = double().await;
    d.push(Reply::sts_error(
        403,
        "AccessDenied",
        "User: arn:aws:iam::123456789012:user/x is not authorized\nto perform: sts:AssumeRole",
    ));
    let (o, _) = assume(&d, &[]).await;
    assert_clean_failure(&o, 3);
    assert_eq!(
        stderr(&o),
        "stskit: STS error AccessDenied (HTTP 403, request id 00000000-0000-0000-0000-00000000d0b1): \
         User: arn:aws:iam::123456789012:user/x is not authorized to perform: sts:AssumeRole\n\
         stskit: hint: check the role's trust policy (it must name this principal), that the \
         caller may call sts:AssumeRole on the role, and that any external id matches the trust \
         policy's sts:ExternalId condition\n"
    );
    // A wrong secret gets the double's SignatureDoesNotMatch: exit 3, not retried.
    let d = double().await;
    let (o, _) = assume_with_env(
        &d,
        &[],
        &[
            ("AWS_ACCESS_KEY_ID", KEY),
            ("AWS_SECRET_ACCESS_KEY", "wrong"),
        ],
    )
    .await;
    assert_clean_failure(&o, 3);
    assert!(stderr(&o).contains("SignatureDoesNotMatch"));
    assert_eq!(d.request_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_usable_answer_exits_4_with_a_clear_reason() {
    let full = CANNED.as_bytes().to_vec();
    let cases: Vec<(Vec<Reply>, Vec<&str>, &str)> = vec![
        (
            vec![Reply::html(502); 3],
            vec![],
            "HTTP 502 without an STS error document",
        ),
        (
            vec![Reply::status(503, ""); 3],
            vec![],
            "HTTP 503 with an empty body",
        ),
        (
            vec![Reply::Redirect {
                status: 307,
                location: "http://127.0.0.1:9/".into(),
            }],
            vec![],
            "HTTP 307 redirect refused",
        ),
        (
            vec![Reply::Oversized {
                len: 24 << 20,
                content_length: false,
            }],
            vec![],
            "response body larger than 65536 bytes",
        ),
        (
            vec![Reply::Oversized {
                len: 24 << 20,
                content_length: true,
            }],
            vec![],
            "response body larger than 65536 bytes",
        ),
        (
            vec![
                Reply::Truncated {
                    body: full[..200].to_vec(),
                    declared_len: full.len()
                };
                3
            ],
            vec![],
            "could not get an answer from STS",
        ),
        (
            vec![Reply::status(200, &full[..200]); 3],
            vec![],
            "malformed STS response: ",
        ),
        (
            vec![
                Reply::status(
                    200,
                    format!("<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>{CANNED}")
                );
                3
            ],
            vec![],
            "malformed STS response: DOCTYPE is not allowed at byte 0",
        ),
    ];
    for (replies, extra, needle) in cases {
        let d = double().await;
        let n = replies.len();
        for r in replies {
            d.push(r);
        }
        let (o, _) = assume(&d, &extra).await;
        assert_clean_failure(&o, 4);
        assert!(stderr(&o).contains(needle), "{needle}: {}", stderr(&o));
        assert_eq!(d.request_count(), n, "{needle}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_server_ends_within_the_deadline() {
    let d = double().await;
    for _ in 0..3 {
        d.push(Reply::Silent);
    }
    let (o, elapsed) = assume(&d, &["--timeout", "1.5"]).await;
    assert_clean_failure(&o, 4);
    assert!(
        stderr(&o).contains("timed out") || stderr(&o).contains("deadline"),
        "{}",
        stderr(&o)
    );
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_then_success_succeeds() {
    let d = double().await;
    d.push(Reply::sts_error(500, "InternalFailure", "oops"));
    d.push(Reply::status(200, CANNED));
    let (o, elapsed) = assume(&d, &[]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("ASIACANNEDCLI"));
    assert_eq!(d.request_count(), 2);
    assert!(elapsed < Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_flag_reaches_the_server_correctly_encoded() {
    let d = double().await;
    let dir = std::env::temp_dir().join(format!("stskit-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy_path = dir.join("policy.json");
    let policy = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:Get*\", \"Resource\": \"arn:aws:s3:::a&b/*\"}]}";
    std::fs::write(&policy_path, format!("{policy}\n")).unwrap();
    let (o, _) = assume(
        &d,
        &[
            "--external-id",
            "ext+id=/with:special@chars,.-_",
            "--duration-seconds=1800",
            "--policy-file",
            policy_path.to_str().unwrap(),
            "--policy-arn",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "--policy-arn=arn:aws:iam::123456789012:policy/p2",
            "--tag",
            "team=a b+c=d/e",
            "--tag=cost center=12 34",
            "--transitive-tag-key",
            "team",
            "--source-identity",
            "dev@example.com",
            "--serial-number",
            "arn:aws:iam::123456789012:mfa/user",
            "--token-code",
            "123456",
            "--region",
            "eu-west-1",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let req = &d.requests()[0];
    assert_eq!(req.signature, SignatureCheck::Valid);
    assert_eq!(req.scope, Some(("eu-west-1".into(), "sts".into())));
    let body = String::from_utf8(req.body.clone()).unwrap();
    assert_eq!(
        body,
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo\
         &RoleSessionName=cli\
         &PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess\
         &PolicyArns.member.2.arn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fp2\
         &Policy=%7B%22Version%22%3A+%222012-10-17%22%2C+%22Statement%22%3A+%5B%7B%22Effect%22%3A+%22Allow%22%2C+\
         %22Action%22%3A+%22s3%3AGet%2A%22%2C+%22Resource%22%3A+%22arn%3Aaws%3As3%3A%3A%3Aa%26b%2F%2A%22%7D%5D%7D\
         &DurationSeconds=1800\
         &Tags.member.1.Key=team&Tags.member.1.Value=a+b%2Bc%3Dd%2Fe\
         &Tags.member.2.Key=cost+center&Tags.member.2.Value=12+34\
         &TransitiveTagKeys.member.1=team\
         &ExternalId=ext%2Bid%3D%2Fwith%3Aspecial%40chars%2C.-_\
         &SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fuser&TokenCode=123456\
         &SourceIdentity=dev%40example.com"
    );
    assert_eq!(req.param("Policy").as_deref(), Some(policy));
    assert_eq!(
        req.param("ExternalId").as_deref(),
        Some("ext+id=/with:special@chars,.-_")
    );
    assert_eq!(
        req.param("Tags.member.1.Value").as_deref(),
        Some("a b+c=d/e")
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_session_token_is_sent_and_signed() {
    let d = StsDouble::builder()
        .with_temporary_key("ASIASOURCE", SECRET, "source-session-token")
        .start()
        .await
        .unwrap();
    let (o, _) = assume_with_env(&d, &[], TEMPORARY_ENV).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let req = &d.requests()[0];
    assert_eq!(
        req.header("x-amz-security-token"),
        Some("source-session-token")
    );
    assert!(
        req.header("authorization")
            .unwrap()
            .contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token")
    );
    assert_eq!(req.signature, SignatureCheck::Valid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoint_and_region_come_from_the_environment() {
    let d = double().await;
    let url = d.endpoint_url();
    let mut env = creds_env();
    env.push(("AWS_ENDPOINT_URL_STS", &url));
    env.push(("AWS_DEFAULT_REGION", "ap-southeast-2"));
    let (o, _) = run(&["get-caller-identity"], &env).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        d.requests()[0].scope,
        Some(("ap-southeast-2".into(), "sts".into()))
    );
    env.push(("AWS_REGION", "eu-north-1"));
    let (o, _) = run(&["get-caller-identity"], &env).await;
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        d.requests()[1].scope,
        Some(("eu-north-1".into(), "sts".into()))
    );
    let (o, _) = run(&["get-caller-identity", "--region", "us-west-2"], &env).await;
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        d.requests()[2].scope,
        Some(("us-west-2".into(), "sts".into()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_prints_the_canonical_request_without_secrets() {
    let d = StsDouble::builder()
        .with_temporary_key("ASIASOURCE", SECRET, "source-session-token")
        .start()
        .await
        .unwrap();
    d.push(Reply::status(200, CANNED));
    let (o, _) = assume_with_env(&d, &["--debug"], TEMPORARY_ENV).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\n"),
        "{err}"
    );
    assert!(err.contains("x-amz-security-token:[redacted]"), "{err}");
    assert!(err.contains("AWS4-HMAC-SHA256\n"), "{err}");
    assert!(
        !err.contains("source-session-token")
            && !err.contains(SECRET)
            && !err.contains("Signature=")
    );
    let sig = d.requests()[0]
        .header("authorization")
        .unwrap()
        .rsplit('=')
        .next()
        .unwrap()
        .to_owned();
    assert!(!err.contains(&sig));
    // Without the tracing feature too: the settings in force, where the source
    // credentials came from, and each attempt with its outcome.
    for line in [
        "stskit: debug: profile \"default\" (named by nobody: the default); region none; \
         STS endpoint http://",
        "stskit: debug: credentials: from the environment (ASIA...URCE), no call",
        "stskit: debug: attempt 1: HTTP 200",
    ] {
        assert!(err.contains(line), "{line}: {err}");
    }
}

/// `--debug` names a retried attempt's reason and the wait, and the AWS CLI's file
/// cache's hit or miss.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_shows_attempts_and_the_file_cache() {
    let d = double().await;
    d.push(Reply::status(503, ""));
    d.push(Reply::status(200, CANNED));
    let keys = [
        ("AWS_ACCESS_KEY_ID", KEY),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
    ];
    let (o, _) = assume_with_env(&d, &["--debug"], &keys).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("stskit: debug: attempt 1: failed (HTTP 503), "),
        "{err}"
    );
    assert!(err.contains("; retrying in "), "{err}");
    assert!(err.contains("stskit: debug: attempt 2: HTTP 200"), "{err}");
    assert!(!err.contains(SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_ca_bundle_is_honoured_for_https_endpoints() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let (cert_pem, key_pem) = (cert.cert.pem(), cert.signing_key.serialize_pem());
    let d = StsDouble::builder()
        .with_key(KEY, SECRET)
        .with_tls(&cert_pem, &key_pem)
        .start()
        .await
        .unwrap();
    d.push(Reply::status(200, CANNED));
    let dir = std::env::temp_dir().join(format!("stskit-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bundle = dir.join("ca.pem");
    std::fs::write(&bundle, &cert_pem).unwrap();
    let url = d.endpoint_url();
    let args = [
        "assume-role",
        "--role-arn",
        ROLE,
        "--role-session-name",
        "tls",
        "--endpoint",
        &url,
        "--timeout",
        "5",
    ];
    let mut env = creds_env();
    let bundle_str = bundle.to_str().unwrap().to_owned();
    env.push(("AWS_CA_BUNDLE", &bundle_str));
    let (o, _) = run(&args, &env).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("ASIACANNEDCLI"));
    // Without the bundle the certificate is not trusted: exit 4, nothing sent.
    let (o, _) = run(&args, &creds_env()).await;
    assert_clean_failure(&o, 4);
    assert_eq!(d.request_count(), 1);
    // An unreadable bundle is a configuration error.
    let mut env = creds_env();
    env.push(("AWS_CA_BUNDLE", "/nonexistent/ca.pem"));
    let (o, _) = run(&args, &env).await;
    assert_clean_failure(&o, 2);
    assert!(stderr(&o).contains("AWS_CA_BUNDLE"));
    std::fs::remove_dir_all(&dir).ok();
}

/// botocore (installed by the test command) runs `stskit assume-role` as a
/// `credential_process` from a throwaway AWS config and gets the same credentials.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn botocore_uses_stskit_as_a_credential_process() {
    let python = common::pyenv_python();
    let d = double().await;
    d.push(Reply::status(200, CANNED));
    d.push(Reply::status(200, CANNED));
    let (direct, _) = assume(&d, &[]).await;
    assert_eq!(direct.status.code(), Some(0));

    let dir = std::env::temp_dir().join(format!("stskit-botocore-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config");
    std::fs::write(
        &config,
        format!(
            "[profile stskit]\ncredential_process = {} assume-role --role-arn {ROLE} --role-session-name cli --endpoint {}\n",
            env!("CARGO_BIN_EXE_stskit"),
            d.endpoint_url()
        ),
    )
    .unwrap();
    let script = r#"
import json, botocore.session
s = botocore.session.Session(profile="stskit")
c = s.get_credentials()
f = c.get_frozen_credentials()
print(json.dumps({"AccessKeyId": f.access_key, "SecretAccessKey": f.secret_key, "SessionToken": f.token,
                  "Expiration": c._expiry_time.strftime("%Y-%m-%dT%H:%M:%SZ"), "Method": c.method}))
"#;
    let mut cmd = Command::new(&python);
    cmd.env("AWS_EC2_METADATA_DISABLED", "true")
        .arg("-c")
        .arg(script)
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("none"))
        .env("AWS_ACCESS_KEY_ID", KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN");
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let want: serde_json::Value = serde_json::from_slice(&direct.stdout).unwrap();
    for k in [
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    ] {
        assert_eq!(got[k], want[k], "{k}");
    }
    assert_eq!(got["Method"], "custom-process");
    assert_eq!(d.request_count(), 2);
    std::fs::remove_dir_all(&dir).ok();
}
