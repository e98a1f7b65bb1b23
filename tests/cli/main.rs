//! The `stskit` binary: flags, output formats, exit codes and messages, the file cache flags, every operation's command, and hostile inputs.
//!
//! One test binary for one concern; each module below is one part of it.

#[allow(dead_code)]
#[cfg(feature = "test-util")]
#[path = "../common/binary.rs"]
mod binary;
#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;
#[allow(dead_code)]
#[cfg(feature = "test-util")]
#[path = "../common/double.rs"]
mod double;

mod basics;
mod cache;
mod exec;
mod hostile_inputs;
mod operations;
mod profiles;
mod proofs;
mod recording;
mod serve;
mod terminal;
