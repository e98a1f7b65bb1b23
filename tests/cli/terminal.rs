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

/// The help says the chain and the region rule as README does: every source in the
/// same order, and the profile's region last.
#[tokio::test]
async fn the_help_and_readme_tell_the_same_chain_and_region_rule() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let o = output(command(&["--help"], &[] as &[(&str, &str)])).await;
    let help = String::from_utf8_lossy(&o.stdout).into_owned();
    let o = output(command(&["help", "credentials"], &[] as &[(&str, &str)])).await;
    let credentials = String::from_utf8_lossy(&o.stdout).into_owned();
    /// Whether `needles` appear in `text` in this order (each after the one before).
    fn in_order(text: &str, needles: &[&str]) -> bool {
        let mut from = 0;
        needles.iter().all(|n| match text[from..].find(n) {
            Some(at) => {
                from += at + n.len();
                true
            }
            None => false,
        })
    }
    let chain = ["web identity", "profile", "container", "instance metadata"];
    let region = ["AWS_REGION", "AWS_DEFAULT_REGION", "profile's"];
    for (name, text) in [("help", &help), ("credentials help", &credentials)] {
        assert!(in_order(text, &["AWS_ACCESS_KEY_ID"]), "{name}");
        assert!(in_order(text, &chain), "{name}: the chain");
        assert!(
            in_order(
                text,
                &[
                    "--region",
                    "AWS_REGION",
                    "AWS_DEFAULT_REGION",
                    "profile's\nregion"
                ]
            ),
            "{name}: the region"
        );
    }
    let readme_chain = &readme[readme.find("follows the AWS CLI's").unwrap()..];
    assert!(in_order(
        readme_chain,
        &[
            "environment",
            "web identity",
            "profile",
            "container",
            "instance metadata"
        ]
    ));
    let readme_region = &readme[readme.find("the region (`.region()`").unwrap()..];
    assert!(in_order(readme_region, &region));
    // Two columns never run together.
    let o = output(command(
        &["help", "assume-role-with-web-identity"],
        &[] as &[(&str, &str)],
    ))
    .await;
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("--web-identity-token-file PATH  file holding"),
        "{text}"
    );
    let o = output(command(&["completions", "--help"], &[] as &[(&str, &str)])).await;
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("bash|zsh|fish"));
}
