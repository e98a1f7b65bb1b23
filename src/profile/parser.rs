//! The shared config and credentials file format, as the AWS SDKs' common test suite
//! defines it: sections, properties, continuation lines and sub-properties, comments.
//! Text in, sections out; no IO.

use std::collections::BTreeMap;

pub use super::properties::Properties;

/// Which file a text is: the config file names profiles `[profile x]` (and
/// `[default]`), the credentials file `[x]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `~/.aws/config`.
    Config,
    /// `~/.aws/credentials`.
    Credentials,
}

/// The sections of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileFile {
    /// `[profile x]` / `[default]` (config) or `[x]` (credentials).
    pub profiles: BTreeMap<String, Properties>,
    /// `[sso-session x]` (config file).
    pub sso_sessions: BTreeMap<String, Properties>,
    /// `[services x]` (config file).
    pub services: BTreeMap<String, Properties>,
}

/// Why a file could not be read: the line (from 1) and the rule. It never holds any
/// text of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseError {
    /// The line, counted from 1.
    pub line: usize,
    /// The rule the line breaks.
    pub message: &'static str,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Where properties go while a section is open.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Target {
    Profile,
    /// `[default]` in a config file: kept apart, dropped if `[profile default]` exists.
    BareDefault,
    SsoSession,
    Services,
    /// A section the format ignores (its lines are still checked).
    Ignored,
}

fn is_blank(line: &str) -> bool {
    line.chars().all(|c| c == ' ' || c == '\t')
}

fn valid_profile_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-/.%@_:+".contains(c))
}

fn valid_property_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c == ' ' || c == '\t')
}

/// Removes a comment: `#` or `;` after white space (adjacent ones are kept).
fn strip_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if (b == b'#' || b == b';') && i > 0 && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') {
            return &value[..i];
        }
    }
    value
}

fn trim(s: &str) -> &str {
    s.trim_matches(|c| c == ' ' || c == '\t')
}

/// Reads a section header line (starting with `[`): (target, name).
fn section(line: &str, kind: FileKind, at: usize) -> Result<(Target, &str), ParseError> {
    let Some(end) = line.find(']') else {
        return Err(ParseError {
            line: at,
            message: "Profile definition must end with ']'",
        });
    };
    let rest = trim(&line[end + 1..]);
    if !(rest.is_empty() || rest.starts_with('#') || rest.starts_with(';')) {
        return Err(ParseError {
            line: at,
            message: "Expected only a comment after the profile definition",
        });
    }
    let inner = trim(&line[1..end]);
    let prefixed = |prefix: &str| -> Option<&str> {
        let after = inner.strip_prefix(prefix)?;
        let name = trim(after);
        // A prefix must be followed by white space: `[profilefoo]` is not a profile.
        (after.starts_with([' ', '\t']) && !name.is_empty()).then_some(name)
    };
    fn named(target: Target, name: &str) -> (Target, &str) {
        if valid_profile_name(name) {
            (target, name)
        } else {
            // An empty slice of the same text (the index takes offsets from it).
            (Target::Ignored, &name[..0])
        }
    }
    Ok(match kind {
        FileKind::Credentials => named(Target::Profile, inner),
        FileKind::Config => {
            if inner == "default" {
                (Target::BareDefault, inner)
            } else if let Some(name) = prefixed("profile") {
                named(Target::Profile, name)
            } else if let Some(name) = prefixed("sso-session") {
                named(Target::SsoSession, name)
            } else if let Some(name) = prefixed("services") {
                named(Target::Services, name)
            } else {
                (Target::Ignored, &inner[..0])
            }
        }
    })
}

/// What the scanner reads, in order.
pub(super) enum Event<'t> {
    /// A section opens at byte `start` (its header line).
    Section {
        target: Target,
        name: &'t str,
        start: usize,
    },
    /// A property with a valid name (key not yet lower-cased).
    Property { key: &'t str, value: &'t str },
    /// A continuation line of the last property the format keeps.
    Continuation { piece: &'t str },
}

/// Checks the whole text against the format and reports what it holds. No
/// allocation: the events borrow from `text`.
pub(super) fn scan<'t>(
    text: &'t str,
    kind: FileKind,
    mut on: impl FnMut(Event<'t>),
) -> Result<(), ParseError> {
    let mut in_section = false;
    // The open property: `None` before any, `Some(false)` for one the format ignores,
    // `Some(true)` for one it keeps (taking sub-properties when `sub` is set).
    let mut property: Option<bool> = None;
    let mut sub = false;
    let mut pos = 0;
    for (i, raw) in text.split('\n').enumerate() {
        let at = i + 1;
        let start = pos;
        pos += raw.len() + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if is_blank(line) || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') {
            let (target, name) = section(line, kind, at)?;
            on(Event::Section {
                target,
                name,
                start,
            });
            in_section = true;
            property = None;
            continue;
        }
        if !in_section {
            return Err(ParseError {
                line: at,
                message: "Expected a profile definition",
            });
        }
        if line.starts_with([' ', '\t']) {
            let Some(kept) = property else {
                return Err(ParseError {
                    line: at,
                    message: "Expected a property definition, found continuation",
                });
            };
            let piece = trim(line);
            if !kept {
                continue;
            }
            if sub {
                let Some((sub_name, _)) = piece.split_once('=') else {
                    return Err(ParseError {
                        line: at,
                        message: "Expected an '=' sign defining a sub-property",
                    });
                };
                if trim(sub_name).is_empty() {
                    return Err(ParseError {
                        line: at,
                        message: "Sub-property did not have a name",
                    });
                }
            }
            on(Event::Continuation { piece });
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(ParseError {
                line: at,
                message: "Expected an '=' sign defining a property",
            });
        };
        let key = trim(key);
        if key.is_empty() {
            return Err(ParseError {
                line: at,
                message: "Property did not have a name",
            });
        }
        let value = trim(strip_comment(trim(value)));
        if !valid_property_name(key) {
            property = Some(false);
            continue;
        }
        sub = value.is_empty();
        property = Some(true);
        on(Event::Property { key, value });
    }
    Ok(())
}

/// Parses one file.
///
/// # Errors
/// [`ParseError`] with the line and the rule: a section without `]`, a property
/// outside a section or without `=` or without a name, a continuation line without a
/// property, a sub-property without `=` or a name.
pub fn parse(text: &str, kind: FileKind) -> Result<ProfileFile, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut builder = Builder::default();
    scan(text, kind, |e| builder.event(kind, e))?;
    Ok(builder.finish())
}

/// Builds a [`ProfileFile`] from the scanner's events.
#[derive(Default)]
pub(super) struct Builder {
    file: ProfileFile,
    bare_default: Properties,
    saw_prefixed_default: bool,
    saw_bare_default: bool,
    open: Option<(Target, String)>,
    props: Properties,
    last_key: String,
}

impl Builder {
    fn flush(&mut self) {
        let props = std::mem::replace(&mut self.props, Properties::with_capacity());
        let Some((target, name)) = self.open.take() else {
            return;
        };
        let map = match target {
            Target::Profile => &mut self.file.profiles,
            Target::SsoSession => &mut self.file.sso_sessions,
            Target::Services => &mut self.file.services,
            Target::BareDefault => {
                self.bare_default.extend(props);
                return;
            }
            Target::Ignored => return,
        };
        match map.get_mut(&name) {
            Some(existing) => existing.extend(props),
            None => {
                map.insert(name, props);
            }
        }
    }

    pub(super) fn event(&mut self, kind: FileKind, e: Event<'_>) {
        match e {
            Event::Section { target, name, .. } => {
                self.flush();
                if target == Target::Profile && name == "default" && kind == FileKind::Config {
                    self.saw_prefixed_default = true;
                }
                self.saw_bare_default |= target == Target::BareDefault;
                self.open = Some((target, name.to_owned()));
            }
            Event::Property { key, value } => {
                self.last_key.clear();
                self.last_key.push_str(key);
                self.last_key.make_ascii_lowercase();
                self.props.insert(&self.last_key, value);
            }
            Event::Continuation { piece } => self.props.continue_value(&self.last_key, piece),
        }
    }

    pub(super) fn finish(mut self) -> ProfileFile {
        self.flush();
        // `[profile default]` wins over `[default]` in any order.
        if self.saw_bare_default && !self.saw_prefixed_default {
            self.file
                .profiles
                .entry("default".to_owned())
                .or_default()
                .extend(self.bare_default);
        }
        self.file
    }
}

/// The sub-properties of a property value (`"\nname = value\n..."`), in order; lines
/// without `=` are skipped (the parser has already refused them).
pub fn sub_properties(value: &str) -> Vec<(String, String)> {
    value
        .split('\n')
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (trim(k).to_ascii_lowercase(), trim(v).to_owned()))
        .collect()
}
