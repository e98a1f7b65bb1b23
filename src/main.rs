//! The `stskit` command line: STS calls for shells and `credential_process`.
//!
//! Exit codes: 0 success; 2 usage or configuration error; 3 STS answered with an
//! error; 4 no usable answer (connection, timeout, redirect, oversized or malformed),
//! or the answer could not be written to stdout. Nothing but the answer ever goes to
//! stdout, and nothing at all on failure. No output call here can panic: with stderr
//! closed the message is lost and the exit code still tells. (A descriptor 0, 1 or 2
//! closed at start is reopened on `/dev/null` by the Rust runtime before `main`, so
//! no socket can take its number.)

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    match cli::run(args) {
        Ok(out) => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout
                .write_all(out.as_bytes())
                .and_then(|_| stdout.flush())
            {
                cli::say(&format!("stskit: cannot write the answer to stdout: {e}"));
                return ExitCode::from(cli::EXIT_NO_ANSWER);
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            cli::say(&format!("stskit: {}", failure.message));
            ExitCode::from(failure.code)
        }
    }
}
