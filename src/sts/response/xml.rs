//! A hardened pull reader over quick-xml for STS bodies.
//!
//! It refuses any DOCTYPE before reading further, decodes only the five predefined
//! entities and character references to allowed characters, caps the depth, requires
//! exactly one root element, and treats end of input with elements open as an error.
//! Text, CDATA and references arrive as pieces the caller joins (so a comment inside a
//! value is skipped). [`normalize_newlines`] is for the caller to apply to the text it
//! keeps.

use std::borrow::Cow;

use quick_xml::events::Event;

use crate::sts::response::failures::{ParseError, ParseErrorKind};

/// Deepest element nesting accepted. STS responses are four levels deep.
pub(crate) const MAX_DEPTH: usize = 16;

/// What the reader found next. Small and `Copy`, so it comes back in registers: the
/// text itself waits in the reader ([`XmlReader::take_text`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum XmlEvent {
    /// An element opened; its local name is [`XmlReader::name`].
    Start,
    /// The innermost open element closed.
    End,
    /// A piece of text content (already decoded): [`XmlReader::take_text`].
    Text,
    /// The clean end of the document.
    Eof,
}

/// A failure of the reader: what and where. Two words, so a result comes back in
/// registers; the caller turns it into a [`ParseError`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReadError {
    kind: ParseErrorKind,
    offset: usize,
}

impl From<ReadError> for ParseError {
    fn from(e: ReadError) -> Self {
        err(e.kind, e.offset)
    }
}

fn rerr(kind: ParseErrorKind, offset: usize) -> ReadError {
    ReadError { kind, offset }
}

pub(crate) struct XmlReader<'a> {
    inner: quick_xml::Reader<&'a [u8]>,
    input: &'a [u8],
    /// The local name of the last element opened: `input[name_at..name_at +
    /// name_len]` when the event borrowed it from the input (always, for a slice
    /// reader), otherwise `name_copy`. Plain words, so setting it is two stores.
    name_at: usize,
    name_len: usize,
    name_copy: Option<Box<[u8]>>,
    base: usize,
    depth: usize,
    root_done: bool,
    root_seen: bool,
    /// Whether text of the current element is reported (else checked and skipped).
    text_wanted: bool,
    /// The text of the last [`XmlEvent::Text`].
    /// (Borrowed text, from the input or static, is set with two plain stores.)
    text: &'a str,
    /// The text of the last [`XmlEvent::Text`] when it had to be built (a character
    /// reference); it wins over `text` while set.
    text_owned: Option<String>,
}

#[cold]
fn copy_name(name: &[u8]) -> Option<Box<[u8]>> {
    Some(name.into())
}

fn err(kind: ParseErrorKind, offset: usize) -> ParseError {
    ParseError {
        kind,
        element: None,
        offset,
    }
}

/// The body after an optional UTF-8 byte order mark. UTF-8 is checked as the reader
/// goes (quick-xml validates every piece it hands out); characters XML 1.0 forbids
/// (C0 controls but tab, line feed and carriage return; U+FFFE and U+FFFF) are refused
/// here, anywhere in the body, raw. Escaped, [`XmlReader`] refuses them.
pub(crate) fn prepare(body: &[u8]) -> Result<(&[u8], usize), ParseError> {
    // One pass with no early exit, so it vectorizes; offsets are looked for only when
    // there is something to find. U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8,
    // so a body without 0xEF (every plain STS answer) needs no second look.
    let (control, ef) = scan_forbidden(body);
    let at = if control {
        body.iter()
            .position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
    } else {
        None
    };
    let at = at.or_else(|| {
        ef.then(|| {
            body.windows(3)
                .position(|w| w[0] == 0xEF && w[1] == 0xBF && (w[2] == 0xBE || w[2] == 0xBF))
        })
        .flatten()
    });
    if let Some(at) = at {
        return Err(err(ParseErrorKind::InvalidCharacter, at));
    }
    Ok(match body.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, 3),
        None => (body, 0),
    })
}

/// Whether `body` holds a C0 control other than tab and line breaks, and whether it
/// holds a 0xEF byte. The first pass asks only "below 0x20 and not a line feed" and
/// "0xEF", two compares a byte that the compiler vectorizes; a body with a tab or a
/// carriage return (or a forbidden control) is looked at again byte by byte.
fn scan_forbidden(body: &[u8]) -> (bool, bool) {
    let rough = body
        .iter()
        .fold(0u8, |r, &b| r | (u8::from(b < 0x20) & u8::from(b != b'\n')));
    let ef = body.iter().fold(0u8, |e, &b| e | u8::from(b == 0xEF));
    let control = rough != 0
        && body
            .iter()
            .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'));
    (control, ef != 0)
}

fn local_name(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

fn is_xml_char(c: u32) -> bool {
    matches!(c, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// `s` without leading and trailing XML white space (space, tab, CR, LF: the `S`
/// production; other Unicode spaces are content).
pub(crate) fn trim_xml_space(s: &str) -> &str {
    // Byte by byte: the four are ASCII, so the ends found are character boundaries.
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let bytes = s.as_bytes();
    let start = bytes.iter().position(|b| !space(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !space(b))
        .map_or(start, |i| i + 1);
    s.get(start..end).unwrap_or_default()
}

/// XML line-end normalization: `\r\n` and a lone `\r` become `\n`.
pub(crate) fn normalize_newlines(s: &str) -> Cow<'_, str> {
    // No early exit, so the scan vectorizes over long values such as tokens.
    if !s.bytes().fold(false, |acc, b| acc | (b == b'\r')) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
}

impl<'a> XmlReader<'a> {
    /// A reader over a body already passed through [`prepare`]; `base` is the number
    /// of bytes `prepare` skipped, so offsets refer to the original body.
    pub(crate) fn new(body: &'a [u8], base: usize) -> Self {
        let mut inner = quick_xml::Reader::from_reader(body);
        let config = inner.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        config.trim_text(false);
        XmlReader {
            inner,
            input: body,
            name_at: 0,
            name_len: 0,
            name_copy: None,
            base,
            depth: 0,
            root_done: false,
            root_seen: false,
            text_wanted: true,
            text: "",
            text_owned: None,
        }
    }

    /// The local name (prefix stripped) of the element the last `Start` opened.
    pub(crate) fn name(&self) -> &[u8] {
        match &self.name_copy {
            None => self
                .input
                .get(self.name_at..)
                .and_then(|rest| rest.get(..self.name_len))
                .unwrap_or_default(),
            Some(copy) => copy,
        }
    }

    /// `name` as a slice of the input when it lies inside it (no copy), else copied.
    fn set_name(&mut self, name: &[u8]) {
        // Live buffers never overlap, so a name whose address falls inside the input is
        // a view of the input at that offset.
        let at = (name.as_ptr() as usize)
            .checked_sub(self.input.as_ptr() as usize)
            .filter(|&at| {
                at.checked_add(name.len())
                    .is_some_and(|end| end <= self.input.len())
            });
        match at {
            Some(at) => {
                self.name_at = at;
                self.name_len = name.len();
                if self.name_copy.is_some() {
                    self.name_copy = None;
                }
            }
            None => self.name_copy = copy_name(name),
        }
    }

    /// Whether the text of the element being read is wanted: text nobody reads is
    /// checked as any other (UTF-8, references, nothing outside the root) but not
    /// reported, so skipping white space between elements costs no event. On until
    /// changed.
    pub(crate) fn want_text(&mut self, wanted: bool) {
        self.text_wanted = wanted;
    }

    /// The byte offset of the reader in the original body.
    pub(crate) fn offset(&self) -> usize {
        self.base + self.inner.buffer_position() as usize
    }

    /// What a failure of the tokenizer at `at` is to the caller.
    #[cold]
    fn read_error(&self, e: &quick_xml::Error, at: usize) -> ReadError {
        match e {
            quick_xml::Error::Encoding(_) => rerr(ParseErrorKind::InvalidUtf8, at),
            _ => rerr(ParseErrorKind::Malformed, self.offset()),
        }
    }

    fn set_text(&mut self, text: Cow<'a, str>) {
        match text {
            Cow::Borrowed(text) => self.text = text,
            Cow::Owned(text) => self.text_owned = Some(text),
        }
    }

    /// The text of the last [`XmlEvent::Text`], taken (empty after).
    pub(crate) fn take_text(&mut self) -> Cow<'a, str> {
        match self.text_owned.take() {
            Some(owned) => Cow::Owned(owned),
            None => Cow::Borrowed(std::mem::take(&mut self.text)),
        }
    }

    /// The next event, [`XmlEvent::Eof`] at a clean end of the document.
    pub(crate) fn next(&mut self) -> Result<XmlEvent, ReadError> {
        loop {
            let at = self.offset();
            // One match on the tokenizer's result, fields bound where they are used:
            // moving the whole event first costs a store-forwarding stall per event.
            match self.inner.read_event() {
                Err(e) => return Err(self.read_error(&e, at)),
                Ok(Event::DocType(_)) => return Err(rerr(ParseErrorKind::Doctype, at)),
                Ok(Event::Decl(_)) => {
                    if self.root_seen || at != self.base {
                        return Err(rerr(ParseErrorKind::Malformed, at));
                    }
                }
                Ok(Event::PI(_) | Event::Comment(_)) => {}
                Ok(Event::Start(start)) => {
                    if self.root_done {
                        return Err(rerr(ParseErrorKind::ContentOutsideRoot, at));
                    }
                    self.root_seen = true;
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(rerr(ParseErrorKind::TooDeep, at));
                    }
                    self.set_name(local_name(start.name().as_ref().as_bytes()));
                    return Ok(XmlEvent::Start);
                }
                Ok(Event::End(_)) => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        self.root_done = true;
                    }
                    return Ok(XmlEvent::End);
                }
                Ok(Event::Empty(_)) => unreachable!("empty elements are expanded"),
                Ok(Event::Text(t)) => {
                    let text = t.into_inner();
                    if self.depth == 0 {
                        if text.bytes().all(|b| b.is_ascii_whitespace()) {
                            continue;
                        }
                        return Err(rerr(ParseErrorKind::ContentOutsideRoot, at));
                    }
                    if self.text_wanted {
                        self.set_text(text);
                        return Ok(XmlEvent::Text);
                    }
                }
                Ok(Event::CData(c)) => {
                    if self.depth == 0 {
                        return Err(rerr(ParseErrorKind::ContentOutsideRoot, at));
                    }
                    if self.text_wanted {
                        self.set_text(c.into_inner());
                        return Ok(XmlEvent::Text);
                    }
                }
                Ok(Event::GeneralRef(r)) => {
                    if self.depth == 0 {
                        return Err(rerr(ParseErrorKind::ContentOutsideRoot, at));
                    }
                    let name: &[u8] = r.as_ref().as_bytes();
                    let s: &'static str = match name {
                        b"lt" => "<",
                        b"gt" => ">",
                        b"amp" => "&",
                        b"apos" => "'",
                        b"quot" => "\"",
                        _ => {
                            let c = char_ref(name).ok_or_else(|| {
                                if name.first() == Some(&b'#') {
                                    rerr(ParseErrorKind::InvalidCharacterReference, at)
                                } else {
                                    rerr(ParseErrorKind::UndefinedEntity, at)
                                }
                            })?;
                            if !self.text_wanted {
                                continue;
                            }
                            self.set_text(Cow::Owned(c.to_string()));
                            return Ok(XmlEvent::Text);
                        }
                    };
                    if self.text_wanted {
                        self.set_text(Cow::Borrowed(s));
                        return Ok(XmlEvent::Text);
                    }
                }
                Ok(Event::Eof) => {
                    if self.depth > 0 {
                        return Err(rerr(ParseErrorKind::UnexpectedEof, at));
                    }
                    if !self.root_seen {
                        return Err(rerr(ParseErrorKind::NoRootElement, at));
                    }
                    return Ok(XmlEvent::Eof);
                }
            }
        }
    }
}

/// `#NNN` or `#xHHH` to an allowed XML character.
fn char_ref(name: &[u8]) -> Option<char> {
    let digits = name.strip_prefix(b"#")?;
    let s = std::str::from_utf8(digits).ok()?;
    let value = if let Some(hex) = s.strip_prefix('x') {
        if hex.is_empty() || hex.len() > 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(hex, 16).ok()?
    } else {
        if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()?
    };
    if !is_xml_char(value) {
        return None;
    }
    char::from_u32(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a whole document into a compact trace: `<name`, `>`, and text pieces.
    fn trace(body: &str) -> Result<String, ParseError> {
        let (b, base) = prepare(body.as_bytes())?;
        let mut r = XmlReader::new(b, base);
        let mut out = String::new();
        loop {
            match r.next()? {
                XmlEvent::Start => {
                    out.push('<');
                    out.push_str(std::str::from_utf8(r.name()).unwrap());
                }
                XmlEvent::End => out.push('>'),
                XmlEvent::Text => {
                    out.push('[');
                    out.push_str(&normalize_newlines(&r.take_text()));
                    out.push(']');
                }
                XmlEvent::Eof => break,
            }
        }
        Ok(out)
    }

    fn kind(body: &str) -> ParseErrorKind {
        trace(body).unwrap_err().kind
    }

    #[test]
    fn element_names_are_views_of_the_input_and_other_names_are_copied() {
        let body = b"<Root><Child/></Root>";
        let mut r = XmlReader::new(body, 0);
        r.next().unwrap();
        assert!(r.name_copy.is_none());
        assert_eq!((r.name_at, r.name()), (1, &b"Root"[..]));
        r.next().unwrap();
        assert!(r.name_copy.is_none());
        assert_eq!((r.name_at, r.name()), (7, &b"Child"[..]));
        // A name from outside the input (an owned event buffer) is copied.
        let elsewhere = b"Elsewhere".to_vec();
        r.set_name(&elsewhere);
        assert_eq!(r.name_copy.as_deref(), Some(&b"Elsewhere"[..]));
        assert_eq!(r.name(), b"Elsewhere");
        // The next name from the input is a view again.
        r.set_name(&body[1..5]);
        assert!(r.name_copy.is_none());
        assert_eq!(r.name(), b"Root");
        // So is an empty name at the very end of the input (its pointer is one past).
        r.set_name(&body[body.len()..]);
        assert_eq!(r.name(), b"");
    }

    #[test]
    fn strips_prefixes_and_expands_empty_elements() {
        assert_eq!(
            trace("<a:Root xmlns:a='x'><a:B/><C>t</C></a:Root>").unwrap(),
            "<Root<B><C[t]>>"
        );
    }

    #[test]
    fn decodes_entities_char_refs_and_cdata() {
        assert_eq!(
            trace("<r>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;<![CDATA[<&>]]></r>").unwrap(),
            "<r[<][>][&]['][\"][A][B][<&>]>"
        );
    }

    #[test]
    fn refuses_doctype_undefined_entities_and_bad_char_refs() {
        assert_eq!(
            kind("<!DOCTYPE r [<!ENTITY x 'y'>]><r>&x;</r>"),
            ParseErrorKind::Doctype
        );
        assert_eq!(kind("<r>&x;</r>"), ParseErrorKind::UndefinedEntity);
        assert_eq!(
            kind("<r>&#0;</r>"),
            ParseErrorKind::InvalidCharacterReference
        );
        assert_eq!(
            kind("<r>&#x1;</r>"),
            ParseErrorKind::InvalidCharacterReference
        );
        assert_eq!(
            kind("<r>&#xD800;</r>"),
            ParseErrorKind::InvalidCharacterReference
        );
        assert_eq!(
            kind("<r>&#99999999999;</r>"),
            ParseErrorKind::InvalidCharacterReference
        );
        assert_eq!(
            kind("<r>&#xFFFE;</r>"),
            ParseErrorKind::InvalidCharacterReference
        );
    }

    #[test]
    fn refuses_raw_characters_xml_forbids_anywhere() {
        for (body, at) in [
            ("<r>a\u{0}b</r>", 4),
            ("<r>\u{1b}[31m</r>", 3),
            ("<r>\u{1}</r>", 3),
            ("<r a='\u{7}'/>", 6),
            ("<r><![CDATA[\u{8}]]></r>", 12),
            ("<r><!-- \u{1f} --></r>", 8),
            ("<r>\u{fffe}</r>", 3),
            ("<r>\u{ffff}</r>", 3),
            ("\u{c}<r/>", 0),
        ] {
            let e = trace(body).unwrap_err();
            assert_eq!(
                (e.kind, e.offset),
                (ParseErrorKind::InvalidCharacter, at),
                "{body:?}"
            );
        }
        // Tab, line breaks, DEL, C1 controls and other non-characters' neighbours are XML.
        assert!(trace("<r>\t\n\r\u{7f}\u{85}\u{fffd}\u{10ffff}</r>").is_ok());
    }

    #[test]
    fn requires_exactly_one_root_and_closed_elements() {
        assert_eq!(kind(""), ParseErrorKind::NoRootElement);
        assert_eq!(kind("  <!-- c -->  "), ParseErrorKind::NoRootElement);
        assert_eq!(kind("<a/><b/>"), ParseErrorKind::ContentOutsideRoot);
        assert_eq!(kind("text<a/>"), ParseErrorKind::ContentOutsideRoot);
        assert_eq!(kind("<a/>text"), ParseErrorKind::ContentOutsideRoot);
        assert_eq!(kind("<a><b>text"), ParseErrorKind::UnexpectedEof);
        assert_eq!(kind("<a><b>te"), ParseErrorKind::UnexpectedEof);
        assert_eq!(kind("<a></b>"), ParseErrorKind::Malformed);
        assert!(trace("<a/>\n  ").is_ok());
    }

    #[test]
    fn caps_depth() {
        let ok = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        assert!(trace(&ok).is_ok());
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert_eq!(kind(&deep), ParseErrorKind::TooDeep);
    }

    #[test]
    fn accepts_bom_declaration_and_crlf_and_rejects_bad_utf8() {
        assert_eq!(
            trace("\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<r>a\r\nb\rc</r>\r\n")
                .unwrap(),
            "<r[a\nb\nc]>"
        );
        let e = trace_bytes(b"<r>\xff</r>").unwrap_err();
        assert_eq!((e.kind, e.offset), (ParseErrorKind::InvalidUtf8, 3));
        assert_eq!(kind("<r/><?xml version='1.0'?>"), ParseErrorKind::Malformed);
        for bad in [
            &b"<r\xff/>"[..],
            b"<r a='\xff'/>",
            b"<r><!-- \xff --></r>",
            b"<r><![CDATA[\xc3]]></r>",
            b"<r>&#65;\xe2\x82</r>",
        ] {
            assert!(trace_bytes(bad).is_err(), "{bad:?}");
        }
    }

    fn trace_bytes(b: &[u8]) -> Result<(), ParseError> {
        let (b, base) = prepare(b)?;
        let mut r = XmlReader::new(b, base);
        while r.next()? != XmlEvent::Eof {}
        Ok(())
    }
}
