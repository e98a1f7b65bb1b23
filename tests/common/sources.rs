//! Running the `stskit` binary and botocore's fetchers against the loopback metadata
//! double, with nothing else in the environment (instance metadata off unless a test
//! points it at the double).

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A private temporary directory (HOME, files), removed on drop.
pub(crate) struct Home {
    pub(crate) dir: PathBuf,
}

impl Home {
    pub(crate) fn new(tag: &str) -> Home {
        let dir = std::env::temp_dir().join(format!(
            "stskit-{tag}-{}-{:x}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Home { dir }
    }

    pub(crate) fn path(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }

    pub(crate) fn write(&self, name: &str, text: &str) -> String {
        let p = self.dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `stskit args` with HOME, no files, and exactly `env` besides (instance metadata off
/// unless `env` sets `AWS_EC2_METADATA_DISABLED` itself, as a test pointing it at the
/// double does with an empty value).
pub(crate) fn stskit(home: &Home, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stskit"));
    cmd.args(args)
        .env_clear()
        .env("HOME", &home.dir)
        .env("AWS_CONFIG_FILE", home.path("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.path("no-credentials"));
    if !env.iter().any(|(k, _)| *k == "AWS_EC2_METADATA_DISABLED") {
        cmd.env("AWS_EC2_METADATA_DISABLED", "true");
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// Runs `cmd` off the async runtime; the output and how long it took.
pub(crate) async fn run(mut cmd: Command) -> (Output, Duration) {
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let out = cmd.output().unwrap();
        (out, started.elapsed())
    })
    .await
    .unwrap()
}

#[allow(dead_code)]
pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The JSON object of a successful `stskit credentials`.
pub(crate) fn credentials_json(o: &Output) -> serde_json::Value {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// botocore's fetcher (`tests/peers/botocore_sources.py MODE ARGS`) with `env`.
#[allow(dead_code)] // not every suite asks botocore
pub(crate) async fn botocore(args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let python = crate::common::pyenv_python();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/peers/botocore_sources.py"
    );
    let mut cmd = Command::new(python);
    cmd.arg(script)
        .args(args)
        .env_remove("AWS_EC2_METADATA_DISABLED")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let (out, _) = run(cmd).await;
    assert!(out.status.success(), "botocore: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A loopback port where nothing listens.
#[allow(dead_code)]
pub(crate) fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A loopback socket that accepts connections and never answers (kept open while the
/// returned listener lives).
#[allow(dead_code)]
pub(crate) fn silent_socket() -> (std::net::TcpListener, u16, std::thread::JoinHandle<()>) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let accept = l.try_clone().unwrap();
    let t = std::thread::spawn(move || {
        let mut held = Vec::new();
        while let Ok((s, _)) = accept.accept() {
            held.push(s);
            if held.len() > 64 {
                break;
            }
        }
    });
    (l, port, t)
}

/// The credentials `o` printed came from an `AssumeRole` on `sts` signed with the
/// source key `source_key_id` (not the source's own credentials).
#[allow(dead_code)]
pub(crate) fn assumed_with(
    o: &Output,
    sts: &stskit::test_util::StsDouble,
    source_key_id: &str,
) -> serde_json::Value {
    let v = credentials_json(o);
    assert_ne!(v["AccessKeyId"], source_key_id);
    let call = sts.requests().pop().unwrap();
    assert_eq!(call.param("Action").as_deref(), Some("AssumeRole"));
    assert_eq!(call.signature, stskit::test_util::SignatureCheck::Valid);
    let signed_by = call.header("Authorization").unwrap_or_default();
    assert!(
        signed_by.contains(&format!("Credential={source_key_id}/")),
        "{signed_by}"
    );
    v
}

/// An STS double that knows the metadata double's credentials as a source key.
#[allow(dead_code)]
pub(crate) async fn sts_knowing(
    d: &stskit::test_util::MetadataDouble,
) -> stskit::test_util::StsDouble {
    let (id, secret, token) = d.credentials();
    stskit::test_util::StsDouble::builder()
        .with_temporary_key(&id, &secret, &token)
        .start()
        .await
        .unwrap()
}
