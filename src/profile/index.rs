//! A checked file with its sections indexed by byte range: one pass over the text, no
//! allocation a line; a profile is parsed only when it is asked for.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use super::parser::{Builder, Event, FileKind, ParseError, Target, scan};
use super::properties::Properties;

#[derive(Clone, PartialEq, Eq)]
struct Span {
    target: Target,
    name: (usize, usize),
    start: usize,
    end: usize,
}

/// The sections of one name (indices, in file order), and its profile once parsed.
type Named = (Vec<usize>, OnceLock<Option<Properties>>);

/// The text of one file and where its sections are.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Index {
    kind: FileKind,
    text: String,
    sections: Vec<Span>,
    /// The sections of each name, in file order, and the profile of that name once it
    /// has been parsed: a lookup costs what its own sections cost, once, whatever the
    /// file's size and however often it is asked for.
    by_name: HashMap<Box<str>, Named>,
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
        let mut by_name: HashMap<Box<str>, Named> = HashMap::new();
        for (i, s) in sections.iter().enumerate() {
            by_name
                .entry(text[s.name.0..s.name.1].into())
                .or_default()
                .0
                .push(i);
        }
        Ok(Index {
            kind,
            text,
            sections,
            by_name,
            prefixed_default,
        })
    }

    fn name(&self, s: &Span) -> &str {
        &self.text[s.name.0..s.name.1]
    }

    /// Parses the sections that `wanted` selects among `candidates` (indices, in file
    /// order), into one set of properties per name.
    fn parse_sections<'a>(
        &self,
        candidates: impl Iterator<Item = &'a usize>,
        wanted: impl Fn(&Span, &str) -> bool,
    ) -> BTreeMap<String, Properties> {
        let mut builder = Builder::default();
        for s in candidates.map(|&i| &self.sections[i]) {
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
    pub(super) fn profile(&self, name: &str) -> Option<&Properties> {
        let (spans, parsed) = self.by_name.get(name)?;
        parsed
            .get_or_init(|| {
                let bare_default =
                    self.kind == FileKind::Config && name == "default" && !self.prefixed_default;
                let mut map = self.parse_sections(spans.iter(), |s, n| {
                    (s.target == Target::Profile && n == name)
                        || (bare_default && s.target == Target::BareDefault)
                });
                map.remove(name)
            })
            .as_ref()
    }

    /// The indices of the sections named `name`, in file order.
    fn named(&self, name: &str) -> std::slice::Iter<'_, usize> {
        self.by_name
            .get(name)
            .map(|v| v.0.iter())
            .unwrap_or_default()
    }

    /// The `[sso-session name]` (`sso`) or `[services name]` section.
    pub(super) fn section(&self, sso: bool, name: &str) -> Option<Properties> {
        let target = if sso {
            Target::SsoSession
        } else {
            Target::Services
        };
        self.parse_sections(self.named(name), |s, n| s.target == target && n == name)
            .remove(name)
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
        let all: Vec<usize> = (0..self.sections.len()).collect();
        self.parse_sections(all.iter(), |s, _| s.target == target)
    }
}
