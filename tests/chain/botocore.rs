//! Differential test of the profile chain against botocore: generated set-ups (static
//! keys in either file, one to four hops, self-reference, credential_source,
//! external ids, durations, session names, web identity, credential_process, cycles,
//! missing pieces) resolved by botocore's `Session(profile=...)`
//! (`tests/peers/botocore_profiles.py`), by `stskit credentials --profile`, and by the
//! library's front door (`Config::builder().profile(..)` over the same variables and
//! files, then `credentials()`), all three against one recording double. The final
//! credentials, the failure class and the sequence of STS calls (action, role, signing
//! key, parameters) agree.
//!
//! The generator stays inside what both read the same way: botocore's parser differs
//! from the cross-SDK file format (inline comments, `[profile default]` vs
//! `[default]`; see README), and both generate their own session name when none is set
//! (`botocore-session-<time>`, `stskit-<time>`), so that name is compared only when the
//! profile sets it.
#![cfg(feature = "test-util")]

use crate::common;
use crate::double;
use crate::rng;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use double::{KEY, SECRET, double};
use rng::Rng;
use serde_json::{Value, json};

const CASES: usize = 240;

/// What a case must end in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Ok,
    Loop,
    SourceMissing,
    NoSource,
    BothSources,
    PartialKeys,
    ProfileMissing,
}

impl Expect {
    /// botocore's exception classes for this case.
    fn botocore(self) -> &'static [&'static str] {
        match self {
            Expect::Ok => &[],
            Expect::Loop => &["InfiniteLoopConfigError"],
            Expect::SourceMissing | Expect::BothSources => &["InvalidConfigError"],
            Expect::NoSource => &["PartialCredentialsError"],
            Expect::PartialKeys => &["PartialCredentialsError", "InvalidConfigError"],
            Expect::ProfileMissing => &["ProfileNotFound"],
        }
    }
    /// What stskit's message says.
    fn stskit(self) -> &'static str {
        match self {
            Expect::Ok => "",
            Expect::Loop => "form a loop",
            Expect::SourceMissing => "does not exist",
            Expect::NoSource => "neither source_profile nor credential_source",
            Expect::BothSources => "both source_profile and credential_source",
            Expect::PartialKeys => "no aws_",
            Expect::ProfileMissing => "could not be found",
        }
    }
}

struct Case {
    config: String,
    credentials: String,
    profile: String,
    env: BTreeMap<String, String>,
    expect: Expect,
}

fn role(n: usize) -> String {
    format!("arn:aws:iam::123456789012:role/role-{n}")
}

fn static_keys() -> String {
    format!("aws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n")
}

/// Extra keys of a role profile: session name, external id, duration.
fn role_extras(rng: &mut Rng, hop: usize) -> String {
    let mut s = String::new();
    if rng.chance(40) {
        s.push_str(&format!(
            "role_session_name = session-{hop}-{}\n",
            rng.below(1000)
        ));
    }
    if rng.chance(40) {
        s.push_str(&format!(
            "external_id = ext-{}-{}\n",
            hop,
            rng.below(100_000)
        ));
    }
    if rng.chance(30) {
        s.push_str(&format!("duration_seconds = {}\n", 900 + rng.below(2701)));
    }
    s
}

fn generate(rng: &mut Rng, dir: &std::path::Path, i: usize) -> Case {
    let mut config = String::new();
    let mut credentials = String::new();
    let mut env = BTreeMap::new();
    let kind = rng.below(12);
    let mut expect = Expect::Ok;
    let hops = 1 + rng.below(4);
    // Profiles p0 (selected) -> p1 -> ... -> p{hops}: the base.
    for h in 0..hops {
        config.push_str(&format!(
            "[profile p{h}]\nrole_arn = {}\nsource_profile = p{}\n{}",
            role(h),
            h + 1,
            role_extras(rng, h)
        ));
    }
    let base = format!("p{hops}");
    match kind {
        // Static keys in the credentials file, or in the config file.
        0..=3 => {
            // A base with static keys and a role: the keys end the chain. (botocore
            // refuses a section repeated in one file, so each file has it once.)
            let with_role = if rng.chance(25) {
                format!("role_arn = {}\nsource_profile = nowhere\n", role(99))
            } else {
                String::new()
            };
            if rng.chance(50) {
                credentials.push_str(&format!("[{base}]\n{}", static_keys()));
                if !with_role.is_empty() {
                    config.push_str(&format!("[profile {base}]\n{with_role}"));
                }
            } else {
                config.push_str(&format!("[profile {base}]\n{}{with_role}", static_keys()));
            }
        }
        // Self-reference: the base assumes its own role with its own keys.
        4 => {
            credentials.push_str(&format!("[{base}]\n{}", static_keys()));
            config.push_str(&format!(
                "[profile {base}]\nrole_arn = {}\nsource_profile = {base}\n",
                role(50)
            ));
        }
        // credential_source = Environment.
        5 => {
            config.push_str(&format!(
                "[profile {base}]\nrole_arn = {}\ncredential_source = Environment\n",
                role(60)
            ));
            env.insert("AWS_ACCESS_KEY_ID".into(), KEY.into());
            env.insert("AWS_SECRET_ACCESS_KEY".into(), SECRET.into());
        }
        // Web identity as the base.
        6 => {
            let token = dir.join(format!("token-{i}"));
            std::fs::write(&token, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkaWZmIn0.c2ln").unwrap();
            config.push_str(&format!(
                "[profile {base}]\nrole_arn = {}\nweb_identity_token_file = {}\nrole_session_name = web-{i}\n",
                role(70),
                token.display()
            ));
        }
        // credential_process as the base.
        7 => {
            let script = dir.join(format!("process-{i}.sh"));
            std::fs::write(
                &script,
                format!("#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"{KEY}\", \"SecretAccessKey\": \"{SECRET}\"}}'\n"),
            )
            .unwrap();
            config.push_str(&format!(
                "[profile {base}]\ncredential_process = /bin/sh {}\n",
                script.display()
            ));
        }
        // A cycle back to the selected profile.
        8 => {
            config.push_str(&format!(
                "[profile {base}]\nrole_arn = {}\nsource_profile = p0\n",
                role(80)
            ));
            expect = Expect::Loop;
        }
        // The base is missing.
        9 => expect = Expect::SourceMissing,
        // A role without a source, or with both sources.
        10 => {
            if rng.chance(50) {
                config.push_str(&format!("[profile {base}]\nrole_arn = {}\n", role(90)));
                expect = Expect::NoSource;
            } else {
                credentials.push_str(&format!("[q]\n{}", static_keys()));
                config.push_str(&format!(
                    "[profile {base}]\nrole_arn = {}\nsource_profile = q\ncredential_source = Environment\n",
                    role(91)
                ));
                expect = Expect::BothSources;
            }
        }
        // Partial keys, or an unknown selected profile.
        _ => {
            if rng.chance(50) {
                credentials.push_str(&format!("[{base}]\naws_access_key_id = {KEY}\n"));
                expect = Expect::PartialKeys;
            } else {
                credentials.push_str(&format!("[{base}]\n{}", static_keys()));
                return Case {
                    config,
                    credentials,
                    profile: "missing".into(),
                    env,
                    expect: Expect::ProfileMissing,
                };
            }
        }
    }
    Case {
        config,
        credentials,
        profile: "p0".into(),
        env,
        expect,
    }
}

/// The calls of one resolution: (action, role, signer, parameters that matter).
fn calls(requests: &[stskit::test_util::RecordedRequest], explicit_names: bool) -> Vec<Value> {
    requests
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let signer = match r.header("authorization") {
                None => "unsigned".to_owned(),
                Some(a) => {
                    let id = a
                        .split("Credential=")
                        .nth(1)
                        .unwrap()
                        .split('/')
                        .next()
                        .unwrap();
                    if i > 0 && id.starts_with("ASIADOUBLE") {
                        "issued by the previous call".into()
                    } else {
                        id.to_owned()
                    }
                }
            };
            let mut o = json!({
                "action": r.param("Action"),
                "role": r.param("RoleArn"),
                "signer": signer,
                "external_id": r.param("ExternalId"),
                "duration": r.param("DurationSeconds"),
            });
            if explicit_names
                || r.param("RoleSessionName").is_some_and(|n| {
                    !n.starts_with("stskit-") && !n.starts_with("botocore-session-")
                })
            {
                o["session"] = json!(r.param("RoleSessionName"));
            }
            o
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profile_chains_agree_with_botocore() {
    let d = double().await;
    let url = d.endpoint_url();
    let dir: PathBuf =
        std::env::temp_dir().join(format!("stskit-profile-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = Rng(0x0050_F11E_2026_1130);
    let cases: Vec<Case> = (0..CASES).map(|i| generate(&mut rng, &dir, i)).collect();
    let mut inputs = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let config = dir.join(format!("config-{i}"));
        let credentials = dir.join(format!("credentials-{i}"));
        std::fs::write(&config, &c.config).unwrap();
        std::fs::write(&credentials, &c.credentials).unwrap();
        let mut env = c.env.clone();
        env.insert("AWS_ENDPOINT_URL_STS".into(), url.clone());
        env.insert("AWS_REGION".into(), "us-east-1".into());
        env.insert("AWS_DEFAULT_REGION".into(), "us-east-1".into());
        inputs.push(json!({
            "config": config, "credentials": credentials, "profile": c.profile, "env": env, "marker": url,
        }));
    }
    // botocore first: its log is split by the markers it posts before each case.
    let python = common::pyenv_python();
    let input = serde_json::to_vec(&inputs).unwrap();
    let out = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(python)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/peers/botocore_profiles.py"
            ))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&input).unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let log = d.requests();
    let mut by_case: Vec<Vec<stskit::test_util::RecordedRequest>> = vec![Vec::new(); CASES];
    let mut current = None;
    for r in log {
        if r.param("Action").as_deref() == Some("StskitCaseMarker") {
            current = r.param("Case").and_then(|c| c.parse::<usize>().ok());
            continue;
        }
        by_case[current.expect("a marker first")].push(r);
    }
    // Then stskit, case by case.
    let (mut ok, mut errors) = (0, 0);
    for (i, (c, want)) in cases.iter().zip(&answers).enumerate() {
        let before = d.request_count();
        let input = inputs[i].clone();
        let o = tokio::task::spawn_blocking(move || {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_stskit"));
            cmd.args([
                "credentials",
                "--profile",
                input["profile"].as_str().unwrap(),
            ])
            .env_clear()
            .env("AWS_EC2_METADATA_DISABLED", "true");
            if let Ok(path) = std::env::var("PATH") {
                cmd.env("PATH", path);
            }
            cmd.env("AWS_CONFIG_FILE", input["config"].as_str().unwrap())
                .env(
                    "AWS_SHARED_CREDENTIALS_FILE",
                    input["credentials"].as_str().unwrap(),
                );
            for (k, v) in input["env"].as_object().unwrap() {
                cmd.env(k, v.as_str().unwrap());
            }
            cmd.output().unwrap()
        })
        .await
        .unwrap();
        let mine = d.requests()[before..].to_vec();
        // The front door, in-process, over the same variables and files.
        let before_lib = d.request_count();
        let library = front_door(&inputs[i], &dir).await;
        let lib_calls = d.requests()[before_lib..].to_vec();
        let stderr = String::from_utf8_lossy(&o.stderr);
        let ctx = format!(
            "case {i} ({:?}):\n{}\n--\n{}\nbotocore: {want}\nstskit: {stderr}",
            c.expect, c.config, c.credentials
        );
        if c.expect == Expect::Ok {
            assert!(o.status.success(), "{ctx}");
            let got: Value = serde_json::from_slice(&o.stdout).unwrap();
            let theirs = &want["ok"];
            assert!(theirs.is_object(), "{ctx}");
            assert_eq!(calls(&mine, false), calls(&by_case[i], false), "{ctx}");
            assert_eq!(
                calls(&lib_calls, false),
                calls(&mine, false),
                "library: {ctx}"
            );
            let lib = library.unwrap_or_else(|e| panic!("library: {e}: {ctx}"));
            assert_eq!(
                lib.0.starts_with("ASIADOUBLE"),
                !mine.is_empty(),
                "library: {ctx}"
            );
            if mine.is_empty() {
                assert_eq!(got["AccessKeyId"], theirs["AccessKeyId"], "{ctx}");
                assert_eq!(got["SecretAccessKey"], theirs["SecretAccessKey"], "{ctx}");
                assert_eq!(got["AccessKeyId"], lib.0.as_str(), "library: {ctx}");
                assert_eq!(got["SecretAccessKey"], lib.1.as_str(), "library: {ctx}");
            } else {
                for v in [&got["AccessKeyId"], &theirs["AccessKeyId"]] {
                    assert!(v.as_str().unwrap().starts_with("ASIADOUBLE"), "{ctx}");
                }
                assert!(
                    got["SessionToken"].is_string() && theirs["SessionToken"].is_string(),
                    "{ctx}"
                );
            }
            ok += 1;
        } else {
            assert_eq!(o.status.code(), Some(2), "{ctx}");
            assert!(stderr.contains(c.expect.stskit()), "{ctx}");
            let class = want["error"].as_str().unwrap_or("(no error)");
            assert!(c.expect.botocore().contains(&class), "{ctx}");
            assert!(
                mine.is_empty() && by_case[i].is_empty() && lib_calls.is_empty(),
                "no call before a configuration error: {ctx}"
            );
            let lib = library.expect_err(&ctx);
            assert!(lib.contains(c.expect.stskit()), "library: {lib}: {ctx}");
            errors += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("{ok} resolved alike, {errors} failed alike");
    assert_eq!(ok + errors, CASES);
    assert!(ok >= 120 && errors >= 40, "{ok} / {errors}");
}

/// The library's answer for one case: `Config` over exactly the case's variables and
/// the files of `dir`, the explicit profile, then the chain's credentials (key id,
/// secret), or the error's message.
async fn front_door(input: &Value, dir: &std::path::Path) -> Result<(String, String), String> {
    use secrecy::ExposeSecret;
    let mut env: Vec<(String, String)> = input["env"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    env.push(("AWS_EC2_METADATA_DISABLED".into(), "true".into()));
    env.push((
        "AWS_CONFIG_FILE".into(),
        input["config"].as_str().unwrap().into(),
    ));
    env.push((
        "AWS_SHARED_CREDENTIALS_FILE".into(),
        input["credentials"].as_str().unwrap().into(),
    ));
    let files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    let config = stskit::Config::builder()
        .os(stskit::provider::Os::fake(env, files))
        .profile(input["profile"].as_str().unwrap())
        .load()
        .map_err(|e| e.to_string())?;
    let provided = config
        .credentials()
        .credentials()
        .await
        .map_err(|e| e.to_string())?;
    let c = &provided.credentials;
    Ok((
        c.access_key_id().to_owned(),
        c.secret_access_key().expose_secret().to_owned(),
    ))
}
