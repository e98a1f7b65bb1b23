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
