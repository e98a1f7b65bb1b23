//! The `stskit` command line: STS calls for shells and `credential_process`
//! (`docs/cli.md`). The whole program is the library's `cli` module.

fn main() -> std::process::ExitCode {
    stskit::cli::main(std::env::args_os().skip(1).collect())
}
