//! Helpers shared by the integration tests.

use std::path::Path;

/// The python of the virtualenv holding the pinned real peers (botocore, moto), which
/// the README's test command (`bash scripts/test.sh`, through `scripts/pyenv.sh`)
/// prepares. Tests never install packages themselves: without the virtualenv they
/// fail at once and say how to set it up.
pub(crate) fn pyenv_python() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join("target/pyenv/bin/python");
    let ready = std::fs::read_dir(root.join("target/pyenv"))
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with(".stskit-"))
        })
        .unwrap_or(false);
    assert!(
        ready && python.exists(),
        "the Python peers (botocore, moto) are not set up: run `bash scripts/pyenv.sh` \
         once (the README's test command, `bash scripts/test.sh`, does it), then run the \
         tests again"
    );
    python.to_string_lossy().into_owned()
}

/// Runs the peer `tests/peers/SCRIPT` with the pinned Python (no AWS files, no
/// instance metadata), `input` as JSON on its stdin, and returns the JSON it prints.
#[allow(dead_code)]
pub(crate) fn peer_json(script: &str, input: &serde_json::Value) -> serde_json::Value {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(pyenv_python())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/peers")
                .join(script),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let bytes = serde_json::to_vec(input).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Written from a thread, so a peer that answers before reading all cannot block us.
    let writer = std::thread::spawn(move || stdin.write_all(&bytes));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A fresh private directory under the system's temporary directory (the caller
/// removes it).
#[allow(dead_code)]
pub(crate) fn temp_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "stskit-{tag}-{}-{:x}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A loopback port where nothing listens.
#[allow(dead_code)]
pub(crate) fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}
