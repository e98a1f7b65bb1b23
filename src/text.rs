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

/// Which base64 alphabet [`base64`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Base64 {
    /// RFC 4648 section 4, `+` and `/`, padded with `=`.
    Standard,
    /// RFC 4648 section 5, `-` and `_`, without padding.
    UrlNoPad,
}

/// `bytes` in base64.
pub(crate) fn base64(bytes: &[u8], alphabet: Base64) -> String {
    const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let table = match alphabet {
        Base64::Standard => STANDARD,
        Base64::UrlNoPad => URL,
    };
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        // A chunk of k bytes gives k + 1 digits.
        for i in 0..=chunk.len() {
            out.push(char::from(table[((n >> (18 - 6 * i)) & 63) as usize]));
        }
        if alphabet == Base64::Standard {
            for _ in chunk.len()..3 {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes base64 in either alphabet of [`base64`], padding optional; `None` for
/// any other character, misplaced padding or a length no encoder writes.
#[cfg(any(test, feature = "test-util"))]
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let digits = text.trim_end_matches('=');
    if text.len() - digits.len() > 2 || digits.len() % 4 == 1 {
        return None;
    }
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    let (mut bits, mut n) = (0u32, 0u32);
    for c in digits.bytes() {
        bits = (bits << 6) | u32::from(value(c)?);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    Some(out)
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
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", "", ""),
            ("f", "Zg==", "Zg"),
            ("fo", "Zm8=", "Zm8"),
            ("foo", "Zm9v", "Zm9v"),
            ("foob", "Zm9vYg==", "Zm9vYg"),
            ("fooba", "Zm9vYmE=", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy", "Zm9vYmFy"),
        ];
        for (plain, standard, url) in cases {
            assert_eq!(base64(plain.as_bytes(), Base64::Standard), standard);
            assert_eq!(base64(plain.as_bytes(), Base64::UrlNoPad), url);
        }
        assert_eq!(base64(&[0xfb, 0xff, 0xbf], Base64::Standard), "+/+/");
        assert_eq!(base64(&[0xfb, 0xff, 0xbf], Base64::UrlNoPad), "-_-_");
        for (plain, standard, url) in cases {
            assert_eq!(base64_decode(standard).unwrap(), plain.as_bytes());
            assert_eq!(base64_decode(url).unwrap(), plain.as_bytes());
        }
        for bad in ["Z", "Zg===", "Zg=a", "Z*=="] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
    }

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
