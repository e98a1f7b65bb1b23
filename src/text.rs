//! Text helpers every layer shares, on the bottom floor so no layer needs another's:
//! lowercase hex and terminal-safe escaping of text that came from outside.

use std::borrow::Cow;

/// Writes the lowercase hex of `bytes` into `out` (two bytes per input byte; `out` must
/// be exactly twice as long as `bytes`).
#[inline]
pub(crate) fn hex_into(bytes: &[u8], out: &mut [u8]) {
    // Arithmetic rather than a table lookup, so the loop vectorizes.
    fn digit(n: u8) -> u8 {
        n + if n < 10 { b'0' } else { b'a' - 10 }
    }
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = digit(b >> 4);
        pair[1] = digit(b & 0xf);
    }
}

/// The lowercase hex of `bytes`.
#[cfg_attr(not(feature = "client"), allow(dead_code))]
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = vec![0u8; bytes.len() * 2];
    hex_into(bytes, &mut out);
    // Hex digits are ASCII.
    out.into_iter().map(char::from).collect()
}

/// Text from a server, a file or the environment made safe to show on a terminal or
/// in a log, on one line: tab, line feed and carriage return become spaces, and every
/// other character that is not printable ASCII (control characters, DEL, C1
/// controls, bidirectional and zero-width format characters, line separators, and all
/// other non-ASCII) is written as `\u{XXXX}`, so nothing can move the cursor, reorder
/// or hide text. Printable ASCII, the whole of what STS writes in practice, is
/// unchanged, so escaping twice changes nothing more.
pub fn escape_for_terminal(s: &str) -> Cow<'_, str> {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '\t' | '\n' | '\r' => out.push(' '),
            ' '..='~' => out.push(c),
            c => {
                use std::fmt::Write;
                let _ = write!(out, "\\u{{{:04x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// The messages of `error`'s `source()` chain (`error` itself excluded), each escaped
/// for a terminal, joined with `: `; a message already contained in what comes
/// before it is left out. For errors from other crates (reqwest, hyper, the operating
/// system), whose `Display` shows one layer each.
pub(crate) fn source_chain(error: &dyn std::error::Error) -> String {
    let mut out = String::new();
    let mut next = error.source();
    while let Some(e) = next {
        let text = e.to_string();
        let text = escape_for_terminal(&text);
        if !text.is_empty() && !out.contains(&*text) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&text);
        }
        next = e.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lowercase_two_digits_per_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn escaping_keeps_printable_ascii_and_flattens_the_rest() {
        assert_eq!(escape_for_terminal("plain text"), "plain text");
        assert_eq!(
            escape_for_terminal("a\nb\u{1b}[2J\u{202e}"),
            "a b\\u{001b}[2J\\u{202e}"
        );
        let once = escape_for_terminal("\u{7f}é").into_owned();
        assert_eq!(escape_for_terminal(&once), once);
    }
}
