//! Running the `stskit` binary against the loopback double (include `double.rs` as
//! `mod double` beside it).

use std::ffi::OsStr;
use std::process::{Command, Output};

use super::double::{KEY, ROLE, SECRET};

/// `stskit args` with the source key and exactly `env` besides (plus PATH).
pub(crate) fn command<V: AsRef<OsStr>>(args: &[&str], env: &[(&str, V)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stskit"));
    cmd.args(args)
        .env_clear()
        .env("AWS_EC2_METADATA_DISABLED", "true");
    if let Ok(path) = std::env::var("PATH") {
        cmd.env("PATH", path);
    }
    cmd.env("AWS_ACCESS_KEY_ID", KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// Runs `cmd` off the async runtime.
pub(crate) async fn output(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

/// `assume-role` of ROLE at `endpoint`, with `extra` flags.
#[allow(dead_code)] // not every suite that includes this file assumes a role
pub(crate) fn assume_args<'a>(endpoint: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "assume-role",
        "--role-arn",
        ROLE,
        "--role-session-name",
        "review",
        "--endpoint",
        endpoint,
    ];
    args.extend_from_slice(extra);
    args
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
