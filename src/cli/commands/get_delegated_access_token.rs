//! `stskit get-delegated-access-token`: trade in a delegated access token.

use crate::cli::context::{Command, CredentialsCall, Spec};
use crate::cli::failure::Failure;
use crate::cli::flags::{OUTPUT, Flag, Values, format, once, required, secret_file};
use crate::sts::GetDelegatedAccessToken;

/// The largest trade-in token file read.
const MAX_TRADE_IN_TOKEN_FILE: u64 = 64 * 1024;

pub(crate) const SPEC: Spec = Spec {
    name: "get-delegated-access-token",
    title: "trade in a delegated access token for credentials",
    usage: "stskit get-delegated-access-token --trade-in-token-file PATH [--output FORMAT]",
    flags: FLAGS,
    tail: "The token is read from the file (never from the command line) and never printed.\n",
    build,
};

const FLAGS: &[Flag] = &[
    once(
        "trade-in-token-file",
        "PATH",
        "file holding the trade-in token (required)",
    ),
    OUTPUT,
];

fn build(mut v: Values) -> Result<Box<dyn Command>, Failure> {
    let format = format(&mut v)?;
    let path = required(&mut v, "get-delegated-access-token", "trade-in-token-file")?;
    let token = secret_file(&v, "--trade-in-token-file", &path, MAX_TRADE_IN_TOKEN_FILE)?;
    Ok(Box::new(CredentialsCall {
        op: GetDelegatedAccessToken::new(token),
        format,
    }))
}
