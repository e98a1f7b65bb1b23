//! `--record` against moto (authentication on) and `--replay` offline: `assume-role`,
//! `get-caller-identity`, a two-hop profile chain (one hop with a session name made
//! from the clock) and an `AccessDenied`, each replayed with moto gone, with the same
//! exit code and output (secrets as their placeholders); no secret of the run anywhere
//! in the cassettes; a request that differs exits 4 naming the field.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use secrecy::ExposeSecret;
use serde_json::Value;
use stskit::Credentials;

use crate::moto::{ALLOW_ALL, SETUP_ACTIONS, client, element, iam, setup, start_moto};

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stskit"))
        .args(args)
        .env_clear()
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every file of a cassette folder, as text.
fn cassette_text(dir: &Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        all.push_str(&text(&std::fs::read(&path).unwrap()));
    }
    all
}

/// Two credential outputs that differ only in their secrets, which keep their length
/// and character classes (key ids their prefix).
fn same_but_secrets(recorded: &Value, replayed: &Value, secrets: &mut Vec<String>) {
    assert_eq!(recorded["Expiration"], replayed["Expiration"]);
    assert_eq!(recorded["Version"], replayed["Version"]);
    for field in ["AccessKeyId", "SecretAccessKey", "SessionToken"] {
        let (a, b) = (
            recorded[field].as_str().unwrap(),
            replayed[field].as_str().unwrap(),
        );
        assert_ne!(a, b, "{field} replayed as recorded");
        assert_eq!(a.len(), b.len(), "{field}");
        for (x, y) in a.chars().zip(b.chars()) {
            assert_eq!(x.is_ascii_uppercase(), y.is_ascii_uppercase(), "{field}");
            assert_eq!(x.is_ascii_digit(), y.is_ascii_digit(), "{field}");
        }
        secrets.push(a.to_owned());
    }
    assert_eq!(
        &recorded["AccessKeyId"].as_str().unwrap()[..4],
        &replayed["AccessKeyId"].as_str().unwrap()[..4]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_records_moto_and_replays_offline() {
    let moto = start_moto(SETUP_ACTIONS + 3);
    let url = moto.url.clone();
    let c = client(&moto);
    let (user, role_a, role_b) = setup(&c).await;
    let bootstrap = Credentials::new("AKIDBOOTSTRAP", "bootstrap-secret", None);
    iam(
        &c,
        &bootstrap,
        &[
            ("Action", "PutRolePolicy"),
            ("RoleName", "role-b"),
            ("PolicyName", "all"),
            ("PolicyDocument", ALLOW_ALL),
        ],
    )
    .await;
    // A user with no policy at all: AccessDenied for anything it asks.
    iam(
        &c,
        &bootstrap,
        &[("Action", "CreateUser"), ("UserName", "nobody")],
    )
    .await;
    let key = iam(
        &c,
        &bootstrap,
        &[("Action", "CreateAccessKey"), ("UserName", "nobody")],
    )
    .await;
    let nobody = (
        element(&key, "AccessKeyId"),
        element(&key, "SecretAccessKey"),
    );
    let user_secret = user.secret_access_key().expose_secret().to_owned();

    let root: PathBuf = crate::common::temp_dir("cassettes");
    let config = root.join("config");
    let credentials = root.join("credentials");
    std::fs::write(
        &config,
        format!(
            "[profile chain]\nrole_arn = {role_a}\nsource_profile = mid\nrole_session_name = hop-a\n\
             region = us-east-1\nendpoint_url = {url}\n\
             [profile mid]\nrole_arn = {role_b}\nsource_profile = user\n",
            url = url
        ),
    )
    .unwrap();
    std::fs::write(
        &credentials,
        format!(
            "[user]\naws_access_key_id = {}\naws_secret_access_key = {user_secret}\n",
            user.access_key_id()
        ),
    )
    .unwrap();
    let (config, credentials) = (
        config.to_string_lossy().into_owned(),
        credentials.to_string_lossy().into_owned(),
    );
    let files = [
        ("AWS_CONFIG_FILE", config.as_str()),
        ("AWS_SHARED_CREDENTIALS_FILE", credentials.as_str()),
    ];
    let as_user = [
        ("AWS_ACCESS_KEY_ID", user.access_key_id()),
        ("AWS_SECRET_ACCESS_KEY", user_secret.as_str()),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT_URL_STS", url.as_str()),
    ];
    let as_nobody = [
        ("AWS_ACCESS_KEY_ID", nobody.0.as_str()),
        ("AWS_SECRET_ACCESS_KEY", nobody.1.as_str()),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT_URL_STS", url.as_str()),
    ];
    let assume = [
        "assume-role",
        "--role-arn",
        role_b.as_str(),
        "--role-session-name",
        "recorded",
    ];
    struct Case<'a> {
        name: &'a str,
        args: Vec<&'a str>,
        env: Vec<(&'a str, &'a str)>,
        code: i32,
    }
    let mut chain_env = files.to_vec();
    chain_env.push(("AWS_PROFILE", "chain"));
    let cases = [
        Case {
            name: "assume",
            args: assume.to_vec(),
            env: as_user.to_vec(),
            code: 0,
        },
        Case {
            name: "whoami",
            args: vec!["get-caller-identity"],
            env: as_user.to_vec(),
            code: 0,
        },
        Case {
            name: "chain",
            args: vec!["credentials"],
            env: chain_env.clone(),
            code: 0,
        },
        Case {
            name: "denied",
            args: assume.to_vec(),
            env: as_nobody.to_vec(),
            code: 3,
        },
    ];
    let mut recorded = Vec::new();
    let mut secrets = vec![
        user.access_key_id().to_owned(),
        user_secret.clone(),
        nobody.0.clone(),
        nobody.1.clone(),
    ];
    for case in &cases {
        let dir = root.join(case.name).to_string_lossy().into_owned();
        let mut args = case.args.clone();
        args.extend(["--record", dir.as_str()]);
        let out = run(&args, &case.env);
        assert_eq!(
            out.status.code(),
            Some(case.code),
            "{}: {}",
            case.name,
            text(&out.stderr)
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", case.name);
        }
        recorded.push(out);
    }
    // Secrets STS handed out during the recording.
    for out in [&recorded[0], &recorded[2]] {
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        for field in ["AccessKeyId", "SecretAccessKey", "SessionToken"] {
            secrets.push(v[field].as_str().unwrap().to_owned());
        }
    }
    let chain_index = cassette_text(&root.join("chain"));
    assert!(
        chain_index.contains("\"Action\", \"AssumeRole\"")
            && chain_index.contains("001-AssumeRole.xml")
            && chain_index.contains("002-AssumeRole.xml"),
        "{chain_index}"
    );
    drop(moto); // From here on nothing answers on the network.

    for case in &cases {
        let text_all = cassette_text(&root.join(case.name));
        for secret in &secrets {
            assert!(
                !text_all.contains(secret.as_str()),
                "{}: a secret of the run is in the cassette",
                case.name
            );
        }
    }
    for (case, rec) in cases.iter().zip(&recorded) {
        let dir = root.join(case.name).to_string_lossy().into_owned();
        let mut args = case.args.clone();
        args.extend(["--replay", dir.as_str()]);
        let out = run(&args, &case.env);
        assert_eq!(
            out.status.code(),
            Some(case.code),
            "{}: {}",
            case.name,
            text(&out.stderr)
        );
        match case.name {
            "whoami" => assert_eq!(out.stdout, rec.stdout),
            "denied" => {
                assert!(out.stdout.is_empty());
                assert_eq!(text(&out.stderr), text(&rec.stderr));
                assert!(
                    text(&out.stderr).contains("AccessDenied"),
                    "{}",
                    text(&out.stderr)
                );
            }
            _ => {
                let (a, b): (Value, Value) = (
                    serde_json::from_slice(&rec.stdout).unwrap(),
                    serde_json::from_slice(&out.stdout).unwrap(),
                );
                same_but_secrets(&a, &b, &mut Vec::new());
            }
        }
        // The variable works as the flag does.
        let mut env = case.env.clone();
        env.push(("STSKIT_REPLAY", dir.as_str()));
        let again = run(&case.args, &env);
        assert_eq!(
            (again.status.code(), &again.stdout),
            (out.status.code(), &out.stdout),
            "{}",
            case.name
        );
    }

    // A request that is not the recorded one: exit 4, the field named, nothing sent.
    let assume_dir = root.join("assume").to_string_lossy().into_owned();
    let out = run(
        &[
            "assume-role",
            "--role-arn",
            role_b.as_str(),
            "--role-session-name",
            "other",
            "--replay",
            &assume_dir,
        ],
        &as_user,
    );
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.contains("differs from the cassette in param RoleSessionName: recorded \"recorded\", sent \"other\""), "{err}");
    // One request more than recorded.
    let whoami_dir = root.join("whoami").to_string_lossy().into_owned();
    let out = run(
        &[
            "assume-role",
            "--role-arn",
            role_b.as_str(),
            "--role-session-name",
            "recorded",
            "--replay",
            &whoami_dir,
        ],
        &as_user,
    );
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr)
            .contains("in Action: recorded \"GetCallerIdentity\", sent \"AssumeRole\""),
        "{}",
        text(&out.stderr)
    );
    // The flag wins, and makes the other variable ignored.
    let mut env = as_user.to_vec();
    env.push(("STSKIT_RECORD", "/nonexistent/should-not-be-written"));
    let out = run(&["get-caller-identity", "--replay", &whoami_dir], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!Path::new("/nonexistent/should-not-be-written").exists());
    // Both flags: a usage error.
    let out = run(
        &[
            "get-caller-identity",
            "--replay",
            &whoami_dir,
            "--record",
            &whoami_dir,
        ],
        &as_user,
    );
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&root);
}
