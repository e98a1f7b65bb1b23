//! The process's tape: when the `stskit` binary runs with `--record` or `--replay`,
//! every [`super::ReqwestTransport`] of the process (STS and every source) sends
//! through it. Installed once, by the binary only; a library user wraps a transport
//! instead (`test_util::RecordingTransport`, `test_util::ReplayingTransport`).

use std::sync::{Arc, OnceLock};

use super::TransportError;
use crate::http::{Request, Response};

/// What the tape says before a request is sent.
pub(crate) enum Before {
    /// Replaying: this is the answer; nothing is sent.
    Answer(Result<Response, TransportError>),
    /// Recording: send it, then report the answer under this number.
    Send(usize),
}

/// A recorder or a replayer.
pub(crate) trait Tape: Send + Sync {
    /// Called with each request before it is sent.
    fn before(&self, request: &Request) -> Before;
    /// Called with the answer to the request numbered `n` by [`Tape::before`].
    fn after(&self, n: usize, response: &Response);
}

static TAPE: OnceLock<Arc<dyn Tape>> = OnceLock::new();

/// Installs the process's tape; `false` when one already is.
#[cfg(feature = "cli")]
pub(crate) fn install(tape: Arc<dyn Tape>) -> bool {
    TAPE.set(tape).is_ok()
}

/// The tape, when one is installed.
pub(crate) fn installed() -> Option<&'static Arc<dyn Tape>> {
    TAPE.get()
}
