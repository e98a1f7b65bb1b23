//! `--record DIR` and `--replay DIR` (or `STSKIT_RECORD` / `STSKIT_REPLAY`; a flag
//! wins, and either flag makes both variables ignored): the run's STS and source
//! traffic written to a cassette without its secrets, or answered from one with
//! nothing sent, on the recording's clock.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use super::args::Common;
use super::failure::{Failure, terminal_safe};
use crate::cassette::Cassette;
use crate::cassette::record::Recorder;
use crate::cassette::replay::Replayer;
use crate::client::{Clock, SystemClock, pin_system_clock};
use crate::provider::Os;
use crate::transport::tape;

/// What the run does with its traffic.
pub(crate) enum Mode {
    Off,
    Record(PathBuf),
    Replay(PathBuf),
}

/// The mode the flags and variables ask for.
pub(crate) fn mode(common: &Common, os: &Os) -> Result<Mode, Failure> {
    let dir = |flag: &str, value: String| {
        if value.is_empty() {
            Err(Failure::usage(format!("{flag} needs a directory")))
        } else {
            Ok(PathBuf::from(value))
        }
    };
    match (common.record.clone(), common.replay.clone()) {
        (Some(_), Some(_)) => Err(Failure::usage(
            "--record and --replay cannot be given together",
        )),
        (Some(d), None) => Ok(Mode::Record(dir("--record", d)?)),
        (None, Some(d)) => Ok(Mode::Replay(dir("--replay", d)?)),
        (None, None) => {
            let var = |name: &'static str| {
                os.env_var(name)
                    .map(|v| v.filter(|v| !v.is_empty()))
                    .map_err(|e| Failure::config(e.to_string()))
            };
            match (var("STSKIT_RECORD")?, var("STSKIT_REPLAY")?) {
                (Some(_), Some(_)) => Err(Failure::config(
                    "STSKIT_RECORD and STSKIT_REPLAY cannot both be set",
                )),
                (Some(d), None) => Ok(Mode::Record(PathBuf::from(d))),
                (None, Some(d)) => Ok(Mode::Replay(PathBuf::from(d))),
                (None, None) => Ok(Mode::Off),
            }
        }
    }
}

/// The recording in progress: its recorder, folder and file system.
static RECORDING: OnceLock<(Arc<Recorder>, PathBuf, Os)> = OnceLock::new();
static SAVED: AtomicBool = AtomicBool::new(false);

/// Starts recording or replaying. The clock is pinned at the recording's start,
/// frozen for a command that ends (so a replay prints what the recording printed), or
/// running on from there for one that serves (`running`).
pub(crate) fn start(mode: Mode, os: &Os, running: bool) -> Result<(), Failure> {
    match mode {
        Mode::Off => Ok(()),
        Mode::Replay(dir) => {
            let cassette = Cassette::load(os, &dir).map_err(|e| {
                Failure::config(format!(
                    "--replay {}: {e}",
                    terminal_safe(&dir.to_string_lossy(), 200)
                ))
            })?;
            pin_system_clock(cassette.recorded_at, running);
            tape::install(Arc::new(Replayer::new(cassette, true)));
            Ok(())
        }
        Mode::Record(dir) => {
            let now = crate::cassette::record::whole_second(SystemClock.now());
            pin_system_clock(now, running);
            let recorder = Arc::new(Recorder::new(now));
            tape::install(recorder.clone());
            let _ = RECORDING.set((recorder, dir, os.clone()));
            Ok(())
        }
    }
}

/// Writes the recording (once; nothing without one): after the command, whatever its
/// outcome, and before `exec` replaces the process.
pub(crate) fn finish() -> Result<(), Failure> {
    let Some((recorder, dir, os)) = RECORDING.get() else {
        return Ok(());
    };
    if SAVED.swap(true, Ordering::SeqCst) {
        return Ok(());
    }
    recorder.cassette().save(os, dir).map_err(|e| {
        Failure::config(format!(
            "--record {}: {e}",
            terminal_safe(&dir.to_string_lossy(), 200)
        ))
    })
}
