//! `--debug` with the `tracing` feature: stskit's spans and events, one line each on
//! stderr (the fields are the library's, which never hold a secret; other crates'
//! traces are not shown).

use std::fmt::Write as _;

use super::failure::{say, terminal_safe};
use std::sync::atomic::{AtomicU64, Ordering};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }
}

/// Writes every span and event to stderr.
struct Stderr {
    ids: AtomicU64,
}

impl Subscriber for Stderr {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        // stskit's own only: the HTTP stack's traces are not checked for secrets.
        metadata.target().starts_with("stskit")
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = Line(format!("stskit: trace: span {}", span.metadata().name()));
        span.record(&mut line);
        say(&terminal_safe(&line.0, 600));
        Id::from_u64(self.ids.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = Line(String::from("stskit: trace: record"));
        values.record(&mut line);
        say(&terminal_safe(&line.0, 600));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = Line(format!("stskit: trace: {}", event.metadata().level()));
        event.record(&mut line);
        say(&terminal_safe(&line.0, 600));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// Sends stskit's traces to stderr for the rest of the process.
pub(crate) fn install() {
    let _ = tracing::subscriber::set_global_default(Stderr {
        ids: AtomicU64::new(0),
    });
}
