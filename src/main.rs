//! The `stskit` command line. The STS commands arrive with the STS issue; until then it
//! only reports its version.

use std::process::ExitCode;

fn main() -> ExitCode {
    let arg = std::env::args().nth(1);
    match arg.as_deref() {
        Some("--version") | Some("-V") => {
            println!("stskit {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("stskit: no commands yet (assume-role arrives with the STS layer)");
            ExitCode::from(2)
        }
    }
}
