//! The command line for people at a terminal: a hint under common STS errors, the
//! closest flag or command for a typo, `--output json` on every command that prints
//! JSON, no `--help` pointer under errors that are not usage errors, and shell
//! completions drawn from the parser's own flag tables.
#![cfg(feature = "test-util")]

use crate::binary;
use crate::double;

use binary::{command, output, stderr};
use double::{ROLE, double};
use stskit::test_util::Reply;

#[tokio::test]
async fn common_sts_errors_come_with_a_hint() {
    let d = double().await;
    let url = d.endpoint_url();
    for (code, hint) in [
        ("AccessDenied", "trust policy"),
        ("ExpiredToken", "session token has expired"),
        ("SignatureDoesNotMatch", "clock"),
        ("RegionDisabled", "activate"),
    ] {
        d.push(Reply::sts_error(403, code, "no"));
        let o = output(command(
            &[
                "assume-role",
                "--role-arn",
                ROLE,
                "--role-session-name",
                "hint",
                "--endpoint",
                &url,
            ],
            &[] as &[(&str, &str)],
        ))
        .await;
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(3), "{err}");
        assert!(
            err.contains(code) && err.contains("hint:") && err.contains(hint),
            "{err}"
        );
        assert!(!err.contains("Try 'stskit --help'"), "{err}");
    }
    d.push(Reply::sts_error(400, "ValidationError", "no"));
    let o = output(command(
        &["get-caller-identity", "--endpoint", &url],
        &[] as &[(&str, &str)],
    ))
    .await;
    assert!(!stderr(&o).contains("hint:"), "no hint for other codes");
}

#[tokio::test]
async fn typos_get_the_closest_name_and_json_commands_take_output_json() {
    let d = double().await;
    let url = d.endpoint_url();
    let o = output(command(
        &["get-caller-identity", "--ouput", "json"],
        &[] as &[(&str, &str)],
    ))
    .await;
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean '--output'?"),
        "{}",
        stderr(&o)
    );
    let o = output(command(&["asume-role"], &[] as &[(&str, &str)])).await;
    assert!(
        stderr(&o).contains("did you mean 'assume-role'?"),
        "{}",
        stderr(&o)
    );

    for args in [
        vec![
            "get-caller-identity",
            "--output",
            "json",
            "--endpoint",
            &url,
        ],
        vec![
            "get-access-key-info",
            "--access-key-id",
            "AKIAIOSFODNN7EXAMPLE",
            "--output",
            "json",
            "--endpoint",
            &url,
        ],
    ] {
        let o = output(command(&args, &[] as &[(&str, &str)])).await;
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap();
    }
    let o = output(command(
        &["get-caller-identity", "--output", "env"],
        &[] as &[(&str, &str)],
    ))
    .await;
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("JSON only"));
}

#[tokio::test]
async fn configuration_errors_carry_no_help_pointer() {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_stskit"));
    cmd.args(["credentials"])
        .env_clear()
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("HOME", "/nonexistent");
    let o = output(cmd).await;
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("no credentials") && !err.contains("--help"),
        "{err}"
    );
}

#[tokio::test]
async fn bash_completes_commands_and_flags_from_the_parser_tables() {
    let o = output(command(&["completions", "bash"], &[] as &[(&str, &str)])).await;
    assert!(o.status.success());
    let script = String::from_utf8(o.stdout).unwrap();
    let probe = format!(
        "{script}\nCOMP_WORDS=(stskit assume-role --role-s); COMP_CWORD=2; _stskit; echo \"${{COMPREPLY[@]}}\"\n\
         COMP_WORDS=(stskit get-caller); COMP_CWORD=1; _stskit; echo \"${{COMPREPLY[@]}}\"\n"
    );
    let mut bash = std::process::Command::new("bash");
    bash.args(["--norc", "-c", &probe]);
    let o = output(bash).await;
    let lines = String::from_utf8(o.stdout).unwrap();
    let mut lines = lines.lines();
    assert_eq!(lines.next(), Some("--role-session-name"));
    assert_eq!(lines.next(), Some("get-caller-identity"));
    for shell in ["zsh", "fish"] {
        let o = output(command(&["completions", shell], &[] as &[(&str, &str)])).await;
        let s = String::from_utf8(o.stdout).unwrap();
        assert!(
            s.contains("role-session-name") && s.contains("get-caller-identity"),
            "{shell}"
        );
    }
    let o = output(command(&["completions", "tcsh"], &[] as &[(&str, &str)])).await;
    assert_eq!(o.status.code(), Some(2));
}
