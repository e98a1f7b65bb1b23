//! Helpers shared by the integration tests.

use std::process::Command;

/// The python of the virtualenv holding the pinned peers (botocore, moto), created on
/// first use by `scripts/pyenv.sh` (the README's test command runs it up front).
pub(crate) fn pyenv_python() -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pyenv.sh");
    let out = Command::new("bash")
        .arg(script)
        .output()
        .expect("bash runs scripts/pyenv.sh");
    assert!(
        out.status.success(),
        "scripts/pyenv.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}
