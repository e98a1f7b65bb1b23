//! RFC 3986 percent-encoding as SigV4 uses it: every byte outside the unreserved set
//! (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` with upper-case hex digits.

/// Upper-case hex digits, for `%XX` escapes (here and in form bodies).
pub(crate) const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Lowercase hex of a 32-byte digest, as SigV4 writes hashes and signatures.
pub(crate) fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    crate::text::hex_into(bytes, &mut out);
    out
}

/// Whether `b` is in the RFC 3986 unreserved set.
#[inline]
pub(crate) const fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Appends `input` to `out`, percent-encoding every byte outside the unreserved set,
/// and also keeping `/` when `keep_slash` is set (paths).
pub(crate) fn encode_into(out: &mut String, input: &[u8], keep_slash: bool) {
    let mut start = 0;
    for (i, &b) in input.iter().enumerate() {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            continue;
        }
        // Every byte in `start..i` is unreserved ASCII.
        out.push_str(ascii(&input[start..i]));
        out.push('%');
        out.push(HEX_UPPER[(b >> 4) as usize] as char);
        out.push(HEX_UPPER[(b & 0xf) as usize] as char);
        start = i + 1;
    }
    out.push_str(ascii(&input[start..]));
}

/// The encoded form of `input` (no `/` kept).
#[cfg(test)]
pub(crate) fn encode(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 2);
    encode_into(&mut out, input, false);
    out
}

/// Bytes that are ASCII by construction (hex digits, header tokens, runs of unreserved
/// bytes) as a `str`.
///
/// # Panics
/// When they are not ASCII: a bug in this crate (no input reaches it), so it fails
/// loudly instead of hiding a broken invariant behind an empty string.
pub(crate) fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("stskit bug: bytes meant to be ASCII are not")
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes `input`. A `%` that is not followed by two hex digits is kept as a
/// literal `%`. `+` is kept as `+`: in a URL query it is not a space.
pub(crate) fn decode(input: &str) -> std::borrow::Cow<'_, [u8]> {
    let bytes = input.as_bytes();
    if !bytes.contains(&b'%') {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex_val),
                bytes.get(i + 2).copied().and_then(hex_val),
            )
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_exactly_the_unreserved_set() {
        let all: Vec<u8> = (0u8..=255).collect();
        let enc = encode(&all);
        let kept: String = (0u8..=255)
            .filter(|b| is_unreserved(*b))
            .map(char::from)
            .collect();
        assert_eq!(
            kept,
            "-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~"
        );
        // 66 unreserved bytes stay, the other 190 take three characters each.
        assert_eq!(enc.len(), 66 + 190 * 3);
        assert!(enc.starts_with("%00%01"));
        assert!(enc.ends_with("%FE%FF"));
    }

    #[test]
    fn hex32_is_lowercase_hex() {
        let mut bytes = [0u8; 32];
        bytes[0] = 0xab;
        bytes[31] = 0x0f;
        let hex = hex32(&bytes);
        assert!(hex.starts_with(b"ab00"));
        assert!(hex.ends_with(b"000f"));
    }

    #[test]
    fn space_is_percent_20_never_plus() {
        assert_eq!(encode(b"a b+c"), "a%20b%2Bc");
    }

    #[test]
    fn star_is_encoded_and_tilde_is_not() {
        assert_eq!(encode(b"*~"), "%2A~");
    }

    #[test]
    fn utf8_is_encoded_per_byte_in_upper_case() {
        assert_eq!(encode("ሴ".as_bytes()), "%E1%88%B4");
        assert_eq!(encode("é".as_bytes()), "%C3%A9");
    }

    #[test]
    fn slash_is_kept_in_paths_and_encoded_in_queries() {
        let mut path = String::new();
        encode_into(&mut path, b"/a b/c", true);
        assert_eq!(path, "/a%20b/c");
        assert_eq!(encode(b"/a/b"), "%2Fa%2Fb");
    }

    #[test]
    fn decode_handles_valid_invalid_and_truncated_escapes() {
        assert_eq!(&*decode("%E1%88%b4"), "ሴ".as_bytes());
        assert_eq!(&*decode("a+b"), b"a+b");
        assert_eq!(&*decode("100%"), b"100%");
        assert_eq!(&*decode("%zz%4"), b"%zz%4");
        assert_eq!(&*decode("%41%"), b"A%");
    }
}
