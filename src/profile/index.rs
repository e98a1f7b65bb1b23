//! A checked file with its sections indexed by byte range: one pass over the text, no
//! allocation a line; a profile is parsed only when it is asked for.

use std::collections::BTreeMap;

use super::parser::{Builder, Event, FileKind, ParseError, Target, scan};
use super::properties::Properties;

#[derive(Clone, PartialEq, Eq)]
struct Span {
    target: Target,
    name: (usize, usize),
    start: usize,
    end: usize,
}

/// The text of one file and where its sections are.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Index {
    kind: FileKind,
    text: String,
    sections: Vec<Span>,
    /// Whether the config file has a `[profile default]` (which wins over `[default]`).
    prefixed_default: bool,
}

impl Index {
    pub(super) fn new(text: &str, kind: FileKind) -> Result<Index, ParseError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text).to_owned();
        let base = text.as_ptr() as usize;
        let len_hint = text.len();
        let mut sections: Vec<Span> = Vec::new();
        let mut prefixed_default = false;
        scan(&text, kind, |e| {
            if let Event::Section {
                target,
                name,
                start,
            } = e
            {
                if let Some(last) = sections.last_mut() {
                    last.end = start;
                }
                // `name` is a slice of `text` (the scanner's names always are).
                let from = (name.as_ptr() as usize).saturating_sub(base).min(len_hint);
                prefixed_default |=
                    kind == FileKind::Config && target == Target::Profile && name == "default";
                sections.push(Span {
                    target,
                    name: (from, from + name.len()),
                    start,
                    end: usize::MAX,
                });
            }
        })?;
        let len = text.len();
        if let Some(last) = sections.last_mut() {
            last.end = len;
        }
        Ok(Index {
            kind,
            text,
            sections,
            prefixed_default,
        })
    }

    fn name(&self, s: &Span) -> &str {
        &self.text[s.name.0..s.name.1]
    }

    /// Parses the sections that `wanted` selects, in file order, into one set of
    /// properties per name.
    fn parse_sections(&self, wanted: impl Fn(&Span, &str) -> bool) -> BTreeMap<String, Properties> {
        let mut builder = Builder::default();
        for s in &self.sections {
            if wanted(s, self.name(s)) {
                let slice = &self.text[s.start..s.end.min(self.text.len())];
                // Already checked: a section's own text scans without error.
                let _ = scan(slice, self.kind, |e| builder.event(self.kind, e));
            }
        }
        let file = builder.finish();
        let mut out = file.profiles;
        out.extend(file.sso_sessions);
        out.extend(file.services);
        out
    }

    /// The merged properties of profile `name`.
    pub(super) fn profile(&self, name: &str) -> Option<Properties> {
        let bare_default =
            self.kind == FileKind::Config && name == "default" && !self.prefixed_default;
        let mut map = self.parse_sections(|s, n| {
            (s.target == Target::Profile && n == name)
                || (bare_default && s.target == Target::BareDefault)
        });
        map.remove(name)
    }

    /// Whether the file has no profile.
    pub(super) fn has_no_profile(&self) -> bool {
        !self.sections.iter().any(|s| self.is_profile(s))
    }

    fn is_profile(&self, s: &Span) -> bool {
        s.target == Target::Profile || (s.target == Target::BareDefault && !self.prefixed_default)
    }

    /// The names of the profiles.
    pub(super) fn profile_names(&self) -> Vec<&str> {
        self.sections
            .iter()
            .filter(|s| self.is_profile(s))
            .map(|s| self.name(s))
            .collect()
    }

    /// The `[sso-session x]` (`sso`) or `[services x]` sections.
    pub(super) fn sections(&self, sso: bool) -> BTreeMap<String, Properties> {
        let target = if sso {
            Target::SsoSession
        } else {
            Target::Services
        };
        self.parse_sections(|s, _| s.target == target)
    }
}
