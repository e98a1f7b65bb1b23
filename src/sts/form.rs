//! `application/x-www-form-urlencoded` bodies exactly as botocore's Query serializer
//! writes them: `A-Z a-z 0-9 - _ . ~` kept, space as `+`, every other byte `%XX` with
//! upper-case hex.

use zeroize::Zeroize;

use crate::sigv4::encode::HEX_UPPER;

/// Appends `input` form-encoded to `out`.
pub(crate) fn encode_into(out: &mut Vec<u8>, input: &str) {
    for &b in input.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b);
        } else if b == b' ' {
            out.push(b'+');
        } else {
            out.extend_from_slice(&[
                b'%',
                HEX_UPPER[(b >> 4) as usize],
                HEX_UPPER[(b & 0xf) as usize],
            ]);
        }
    }
}

/// A form body being written, parameter by parameter, in a fixed order, encoded as
/// botocore's Query serializer encodes. Zeroized on drop (bodies carry secrets).
pub struct FormWriter {
    buf: Vec<u8>,
}

impl FormWriter {
    /// A body that starts with `Action` and `Version`.
    pub fn new(action: &str, version: &str) -> Self {
        let mut w = FormWriter {
            buf: Vec::with_capacity(256),
        };
        w.param("Action", action);
        w.param("Version", version);
        w
    }

    /// Appends `key=value`.
    pub fn param(&mut self, key: &str, value: &str) {
        if !self.buf.is_empty() {
            self.buf.push(b'&');
        }
        encode_into(&mut self.buf, key);
        self.buf.push(b'=');
        encode_into(&mut self.buf, value);
    }

    /// The body.
    pub fn finish(mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }
}

impl std::fmt::Debug for FormWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body may hold secrets: its length only.
        f.debug_struct("FormWriter")
            .field("len", &self.buf.len())
            .finish()
    }
}

impl Drop for FormWriter {
    fn drop(&mut self) {
        self.buf.zeroize();
    }
}

/// Encodes `params` as a Query API form body, in the given order and exactly as
/// botocore's Query serializer would. For calling other Query APIs (IAM, for one) with
/// `StsClient::call_service`.
pub fn encode(params: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(params.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
    for (i, (k, v)) in params.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        encode_into(&mut out, k);
        out.push(b'=');
        encode_into(&mut out, v);
    }
    out
}

/// Decodes a form body into (key, value) pairs (`+` is a space). Used by the loopback
/// STS double and by tests; invalid escapes are kept literally.
pub fn decode(body: &[u8]) -> Vec<(String, String)> {
    fn dec(s: &[u8]) -> String {
        let mut out = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            match s[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = |b: u8| (b as char).to_digit(16);
                    match (
                        s.get(i + 1).and_then(|b| hex(*b)),
                        s.get(i + 2).and_then(|b| hex(*b)),
                    ) {
                        (Some(h), Some(l)) => {
                            out.push((h * 16 + l) as u8);
                            i += 3;
                            continue;
                        }
                        _ => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    body.split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.iter().position(|&b| b == b'=') {
            Some(i) => (dec(&p[..i]), dec(&p[i + 1..])),
            None => (dec(p), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &str) -> String {
        let mut v = Vec::new();
        encode_into(&mut v, s);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn encodes_like_botocore_query_serializer() {
        assert_eq!(enc("a b+c/d=e&f~g*h"), "a+b%2Bc%2Fd%3De%26f~g%2Ah");
        assert_eq!(
            enc("arn:aws:iam::123456789012:role/x"),
            "arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fx"
        );
        assert_eq!(enc("é"), "%C3%A9");
        assert_eq!(enc("-_.~AZaz09"), "-_.~AZaz09");
    }

    #[test]
    fn decode_reverses_encode() {
        let original = "{\"Version\": \"2012-10-17\"} +&=/%ሴ";
        let mut w = FormWriter::new("AssumeRole", "2011-06-15");
        w.param("Policy", original);
        let body = w.finish();
        assert_eq!(
            decode(&body),
            vec![
                ("Action".into(), "AssumeRole".into()),
                ("Version".into(), "2011-06-15".into()),
                ("Policy".into(), original.into())
            ]
        );
    }
}
