//! Regression tests for the adversarial review's findings on inputs and outputs:
//! nothing a server or the environment sends aborts the process, inputs are read as
//! given or refused, secrets stay out of diagnostics, and every flag behaves alike.
#![cfg(feature = "test-util")]

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use stskit::test_util::{Reply, StsDouble};

use crate::binary;
use crate::double;

use binary::{assume_args, command, output, stderr};
use double::{KEY, SECRET, double};

fn answer(token: &str, expiration: &str, extra: &str) -> String {
    format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
<Credentials><AccessKeyId>ASIAREVIEW</AccessKeyId><SecretAccessKey>review/secret+key</SecretAccessKey>\
<SessionToken>{token}</SessionToken><Expiration>{expiration}</Expiration></Credentials>{extra}\
</AssumeRoleResult></AssumeRoleResponse>"
    )
}

/// `stskit args` run by `sh` with a redirection (`2>&-` closes stderr).
fn via_sh(redirect: &str, args: &[&str]) -> Command {
    let mut sh = Command::new("sh");
    sh.arg("-c")
        .arg(format!("exec \"$0\" \"$@\" {redirect}"))
        .arg(env!("CARGO_BIN_EXE_stskit"))
        .args(args)
        .env_clear()
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("PATH", "/usr/bin:/bin")
        .env("AWS_ACCESS_KEY_ID", KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET);
    sh
}

async fn assume(d: &StsDouble, extra: &[&str], env: &[(&str, OsString)]) -> Output {
    let url = d.endpoint_url();
    output(command(&assume_args(&url, extra), env)).await
}

fn os(s: &str) -> OsString {
    OsString::from(s)
}

/// Finding 4: an Expiration that leaves the years 0000-9999 once moved to UTC is a
/// parse error naming the element (exit 4), not an abort.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expiration_past_the_range_is_a_parse_error_not_an_abort() {
    for stamp in ["9999-12-31T23:59:59-01:00", "0000-01-01T00:00:00+00:01"] {
        let d = double().await;
        for _ in 0..3 {
            d.push(Reply::status(200, answer("tok", stamp, "")));
        }
        let o = assume(&d, &[], &[]).await;
        assert_eq!(o.status.code(), Some(4), "{stamp}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("invalid value in element Expiration"),
            "{}",
            stderr(&o)
        );
    }
}

/// Finding 5: with stderr closed, or a pipe nobody reads, a failure keeps its exit
/// code and `--debug` still succeeds; a stdout that cannot be written is exit 4 with a
/// line on stderr.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_failures_never_abort_and_keep_their_exit_codes() {
    let d = double().await;
    let url = d.endpoint_url();
    // stderr closed (`2>&-`): usage error, STS error, and a --debug success.
    let closed = |args: Vec<&str>| via_sh("2>&-", &args);
    let o = output(closed(vec!["assume-role"])).await;
    assert_eq!(o.status.code(), Some(2));
    d.push(Reply::sts_error(403, "AccessDenied", "no"));
    let o = output(closed(assume_args(&url, &[]))).await;
    assert_eq!(o.status.code(), Some(3));
    let o = output(closed(assume_args(&url, &["--debug"]))).await;
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"AccessKeyId\""));

    // stderr a pipe whose reader is gone by the time the answer comes (EPIPE).
    d.push(Reply::Delay(
        Duration::from_millis(300),
        Box::new(Reply::sts_error(403, "AccessDenied", "no")),
    ));
    let mut cmd = command::<&str>(&assume_args(&url, &["--debug"]), &[]);
    cmd.stderr(Stdio::piped()).stdout(Stdio::null());
    let status = tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().unwrap();
        drop(child.stderr.take());
        child.wait().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(status.code(), Some(3));

    // stdout on a full device, and on a closed pipe.
    let mut cmd = command::<&str>(&assume_args(&url, &[]), &[]);
    cmd.stdout(std::fs::File::create("/dev/full").unwrap());
    let o = output(cmd).await;
    assert_eq!(o.status.code(), Some(4));
    assert!(
        stderr(&o).starts_with("stskit: cannot write the answer to stdout: "),
        "{}",
        stderr(&o)
    );
    d.push(Reply::Delay(
        Duration::from_millis(300),
        Box::new(Reply::Normal),
    ));
    let mut cmd = command::<&str>(&assume_args(&url, &[]), &[]);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let o = tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().unwrap();
        drop(child.stdout.take());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot write the answer to stdout: Broken pipe"));
    // stdout and stderr closed outright: the Rust runtime reopens them on /dev/null
    // before main (no socket can take their numbers), so this is `>/dev/null`.
    let o = output(via_sh(">&- 2>&-", &assume_args(&url, &["--debug"]))).await;
    assert_eq!(o.status.code(), Some(0));
}

/// Finding 7: a variable that is set but not valid UTF-8 is an error naming it (exit
/// 2), never "unset": nothing is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn environment_variables_that_are_not_utf8_are_errors_naming_them() {
    let d = double().await;
    let bad = OsString::from_vec(b"bad\xffvalue".to_vec());
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL_STS",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "HTTPS_PROXY",
        "no_proxy",
    ] {
        let o = assume(&d, &[], &[(name, bad.clone())]).await;
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("invalid {name}: is set but is not valid UTF-8")),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(d.request_count(), 0);
}

/// Finding 8: raw control characters in an answer are refused by the XML reader, and
/// legal but unprintable characters never reach the terminal or a shell as they are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unprintable_characters_in_answers_are_refused_or_escaped() {
    for raw in ["\u{0}", "\u{1b}[2J", "\u{1}"] {
        let d = double().await;
        for _ in 0..3 {
            d.push(Reply::status(
                200,
                answer(&format!("tok{raw}en"), "2031-05-06T07:08:09Z", ""),
            ));
        }
        let o = assume(&d, &[], &[]).await;
        assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("character not allowed in XML at byte"),
            "{}",
            stderr(&o)
        );
    }
    // C1 CSI and a bidi override are XML: JSON escapes them, a shell format refuses.
    let d = double().await;
    let token = "tok\u{9b}2J\u{202e}en";
    d.push(Reply::status(
        200,
        answer(token, "2031-05-06T07:08:09Z", ""),
    ));
    let o = assume(&d, &[], &[]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(out.bytes().all(|b| (0x20..0x7f).contains(&b) || b == b'\n'));
    assert!(
        out.contains("\"SessionToken\":\"tok\\u009b2J\\u202een\""),
        "{out}"
    );
    for format in ["env", "fish", "powershell"] {
        d.push(Reply::status(
            200,
            answer(token, "2031-05-06T07:08:09Z", ""),
        ));
        let o = assume(&d, &["--output", format], &[]).await;
        assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
        assert!(o.stdout.is_empty());
        assert!(stderr(&o).contains("AWS_SESSION_TOKEN that is not safe to print"));
    }
}

/// Finding 9: every value that becomes a header is checked before any IO, the same
/// way: a newline, DEL or space in the session token are all exit 2 with one message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_values_are_all_checked_before_any_io_alike() {
    let d = double().await;
    let mut messages = Vec::new();
    for token in [
        "tok\n",
        "tok\u{7f}",
        "to ken",
        "tok\r\nX-Injected: 1",
        "tok\u{e9}",
    ] {
        let o = assume(&d, &[], &[("AWS_SESSION_TOKEN", os(token))]).await;
        assert_eq!(o.status.code(), Some(2), "{token:?}: {}", stderr(&o));
        messages.push(stderr(&o));
    }
    let o = assume(&d, &[], &[("AWS_ACCESS_KEY_ID", os("AKID\n"))]).await;
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("invalid AWS_ACCESS_KEY_ID"));
    assert!(messages.windows(2).all(|w| w[0] == w[1]), "{messages:?}");
    assert!(messages[0].contains("invalid AWS_SESSION_TOKEN: must be visible ASCII"));
    assert_eq!(d.request_count(), 0);
}

/// Finding 10, revised by the second review: a file flag reads a regular file or a
/// pipe; a named FIFO that no writer opens never outlives `--timeout`; a device or a
/// directory is refused at once; `AWS_CA_BUNDLE` (not a flag) stays a regular file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifos_are_bounded_by_the_timeout_and_devices_refused_at_once() {
    let dir = std::env::temp_dir().join(format!("stskit-review-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let fifo = fifo.to_str().unwrap().to_owned();
    let d = double().await;
    type Env<'a> = Vec<(&'a str, OsString)>;
    let cases: Vec<(Vec<&str>, Env, &str)> = vec![
        (
            vec!["--policy-file", &fifo, "--timeout", "1"],
            vec![],
            "not closed by its writer",
        ),
        (vec!["--policy-file", "/dev/zero"], vec![], "--policy-file"),
        (vec!["--policy-file", "/tmp"], vec![], "--policy-file"),
        (vec![], vec![("AWS_CA_BUNDLE", os(&fifo))], "AWS_CA_BUNDLE"),
        (
            vec![],
            vec![("AWS_CA_BUNDLE", os("/dev/zero"))],
            "AWS_CA_BUNDLE",
        ),
    ];
    for (extra, env, names) in cases {
        let run = assume(&d, &extra, &env);
        let o = tokio::time::timeout(Duration::from_secs(60), run)
            .await
            .expect("a FIFO must not block the process");
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(names), "{}", stderr(&o));
    }
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(d.request_count(), 0);
}

/// The second review: `--policy-file /dev/stdin` and a shell's `<(...)` are read, as
/// the AWS CLI reads `file:///dev/stdin`; so are the secret file flags.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_flags_read_pipes() {
    let d = double().await;
    let url = d.endpoint_url();
    let policy = r#"{"Version":"2012-10-17","Statement":[]}"#;
    let mut args = assume_args(&url, &["--policy-file", "/dev/stdin"]);
    args.insert(0, "--");
    let line = args[1..]
        .iter()
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let bin = env!("CARGO_BIN_EXE_stskit");
    for script in [
        format!("printf '%s' '{policy}' | {bin} {line}"),
        format!(
            "{bin} {} --policy-file <(printf '%s' '{policy}')",
            line.replace("'--policy-file' '/dev/stdin'", "")
        ),
    ] {
        let cmd = command(&["x"], &[("X", "y")]);
        let envs: Vec<(OsString, OsString)> = cmd
            .get_envs()
            .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned())))
            .collect();
        let mut bash = Command::new("bash");
        bash.arg("-c").arg(&script).env_clear().envs(envs);
        let o = output(bash).await;
        assert_eq!(o.status.code(), Some(0), "{script}: {}", stderr(&o));
        let r = d.requests().pop().unwrap();
        assert_eq!(r.param("Policy").as_deref(), Some(policy), "{script}");
    }
    // A secret file flag reads a pipe too.
    let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
    let script = format!(
        "printf '%s' '{token}' | {bin} assume-role-with-web-identity --role-arn \
         arn:aws:iam::123456789012:role/r --role-session-name pipe \
         --web-identity-token-file /dev/stdin --endpoint {url}"
    );
    let mut bash = Command::new("bash");
    bash.arg("-c")
        .arg(&script)
        .env_clear()
        .env("AWS_EC2_METADATA_DISABLED", "true");
    let o = output(bash).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        d.requests()
            .pop()
            .unwrap()
            .param("WebIdentityToken")
            .as_deref(),
        Some(token)
    );
}

/// Finding 11: every single-use flag given twice is refused the same way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_single_use_flag_given_twice_is_refused() {
    let d = double().await;
    for (flag, a, b) in [
        ("--output", "json", "env"),
        ("--timeout", "5", "6"),
        ("--region", "eu-west-1", "eu-west-2"),
        ("--duration-seconds", "900", "901"),
        ("--external-id", "abc", "abd"),
    ] {
        let o = assume(&d, &[flag, a, flag, b], &[]).await;
        assert_eq!(o.status.code(), Some(2), "{flag}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with(&format!("stskit: {flag} given twice")),
            "{}",
            stderr(&o)
        );
    }
    let o = assume(&d, &["--debug", "--debug"], &[]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("stskit: --debug given twice"));
    assert_eq!(d.request_count(), 0);
}

/// The runs of 64 hex digits in a text (payload and canonical request hashes).
fn hashes(text: &str) -> usize {
    text.split(|c: char| !c.is_ascii_hexdigit())
        .filter(|w| w.len() == 64)
        .count()
}

/// Finding 12: `--debug` shows no hash derived from a body that carries an MFA code or
/// an external id (a six-digit code falls to brute force from it); without them it
/// shows both hashes as before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_redacts_hashes_of_bodies_that_carry_secrets() {
    let d = double().await;
    let o = assume(&d, &["--debug"], &[]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(hashes(&stderr(&o)), 2, "{}", stderr(&o));
    for extra in [
        &[
            "--serial-number",
            "arn:aws:iam::123456789012:mfa/me",
            "--token-code",
            "123456",
        ][..],
        &["--external-id", "partner-secret-id"][..],
    ] {
        let mut args = vec!["--debug"];
        args.extend_from_slice(extra);
        let o = assume(&d, &args, &[]).await;
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(hashes(&err), 0, "{err}");
        assert_eq!(err.matches("[redacted]").count(), 2, "{err}");
        assert!(!err.contains("123456") && !err.contains("partner-secret-id"));
    }
}

/// Finding 13: bidirectional and zero-width controls in an STS message are escaped:
/// stderr is printable ASCII.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bidi_and_invisible_characters_in_messages_are_escaped() {
    let d = double().await;
    d.push(Reply::sts_error(
        403,
        "AccessDenied",
        "ok \u{202e}desrever\u{202c} \u{2066}x\u{2069} \u{200b}\u{feff}\u{85}\u{9b}2J end",
    ));
    let o = assume(&d, &[], &[]).await;
    assert_eq!(o.status.code(), Some(3));
    assert!(
        o.stderr
            .iter()
            .all(|&b| (0x20..0x7f).contains(&b) || b == b'\n'),
        "{:?}",
        stderr(&o)
    );
    let err = stderr(&o);
    assert!(
        err.contains("ok \\u{202e}desrever\\u{202c} \\u{2066}x\\u{2069}"),
        "{err}"
    );
    assert!(
        err.contains("\\u{200b}\\u{feff}\\u{0085}\\u{009b}2J end"),
        "{err}"
    );
    // Arguments echoed back go through the same sanitizer.
    let o = assume(&d, &["--bogus\u{202e}x"], &[]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown option '--bogus\\u{202e}x'"),
        "{}",
        stderr(&o)
    );
}

/// Finding 16: a `PackedPolicySize` that is not a percentage does not throw away the
/// credentials.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_packed_policy_size_keeps_the_credentials() {
    for size in ["99999999999", "-1", "x", ""] {
        let d = double().await;
        let extra = format!("<PackedPolicySize>{size}</PackedPolicySize>");
        d.push(Reply::status(
            200,
            answer("tok", "2031-05-06T07:08:09Z", &extra),
        ));
        let o = assume(&d, &[], &[]).await;
        assert_eq!(o.status.code(), Some(0), "{size}: {}", stderr(&o));
        assert!(String::from_utf8_lossy(&o.stdout).contains("\"AccessKeyId\":\"ASIAREVIEW\""));
        let out = stskit::sts::parse_assume_role(
            200,
            &[],
            answer("tok", "2031-05-06T07:08:09Z", &extra).as_bytes(),
        )
        .unwrap();
        assert_eq!(out.packed_policy_size, None);
    }
}

/// Finding 9, in the library: a header value the wire cannot carry is refused by the
/// client before the transport is called, as an input error naming the header.
#[tokio::test]
async fn the_client_checks_every_header_before_the_transport_is_called() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use stskit::client::StsClient;
    use stskit::error::{CallError as Error, InputError};
    use stskit::sts::{Endpoint, GetCallerIdentity, Operation, parse_caller_identity};
    use stskit::transport::TransportError;
    use stskit::{Credentials, Request, Response};

    let calls = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let transport = move |_: Request| {
        seen.fetch_add(1, Ordering::SeqCst);
        async { Ok::<Response, TransportError>(Response::new(500, vec![], vec![])) }
    };
    let endpoint = Endpoint::resolve(Some("http://127.0.0.1:9/"), None).unwrap();
    let client = StsClient::with_transport(endpoint.clone(), transport, || {
        time::OffsetDateTime::now_utc()
    });
    let request = GetCallerIdentity
        .to_request(&endpoint, false)
        .unwrap()
        .with_header("X-Note", "line\nbreak");
    let err = client
        .call(
            &Credentials::new(KEY, SECRET, None),
            request,
            parse_caller_identity,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(InputError::Header { name, .. }) if name == "X-Note"),
        "{err:?}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}
