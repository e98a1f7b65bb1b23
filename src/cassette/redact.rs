//! Secrets out of a recording. Every secret a recorded exchange carries is learned
//! (the signing key id and session token of each request, its secret parameters, and
//! the keys, secrets and tokens of each answer) and replaced, wherever it appears in
//! the cassette, by a placeholder of the same length and character classes (a key id
//! keeps its `ASIA`/`AKIA` prefix). A secret always gets the same placeholder within
//! a cassette, so a later request that carries an earlier answer's key still matches.

use serde_json::Value;
use zeroize::Zeroizing;

use crate::http::{Request, Response};

/// Parameters whose values are secrets: replaced when recorded, never compared on
/// replay.
pub const SECRET_PARAMS: &[&str] = &[
    "ExternalId",
    "TokenCode",
    "WebIdentityToken",
    "SAMLAssertion",
    "TradeInToken",
    "clientSecret",
    "refreshToken",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
    "X-Amz-Credential",
];

/// Request headers whose values are secrets (not recorded, but learned so that they
/// cannot appear anywhere else in the cassette either).
const SECRET_HEADERS: &[&str] = &[
    "x-amz-security-token",
    "x-aws-ec2-metadata-token",
    "x-amz-sso_bearer_token",
];

/// Fields of an answer (XML elements, JSON keys) whose values are secrets.
const SECRET_FIELDS: &[&str] = &[
    "AccessKeyId",
    "SecretAccessKey",
    "SessionToken",
    "Token",
    "WebIdentityToken",
    "accessKeyId",
    "secretAccessKey",
    "sessionToken",
    "accessToken",
    "refreshToken",
    "clientSecret",
];

/// Shorter values are not taken for secrets (they would match ordinary text).
const MIN_SECRET: usize = 4;
/// From this length a secret is replaced wherever it appears, even inside other text.
const LONG_SECRET: usize = 12;

/// The secrets learned so far and their placeholders.
#[derive(Default)]
pub(crate) struct Redactor {
    known: Vec<(Zeroizing<String>, String)>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.known.len())
    }
}

/// The placeholder for `secret` (`salt` 0 unless it collided): each letter and digit
/// replaced by one of its class, other characters kept; a key id keeps its first four
/// characters. A function of the secret alone, so a replay finds the placeholder of a
/// secret it sends again (the source key id as a parameter) without any table; from
/// the placeholder nothing of the secret can be had back.
fn placeholder(secret: &str, salt: u64, key_id: bool) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (secret, salt, 0x5354_534b_4954_u64).hash(&mut h);
    let mut state = h.finish();
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    // The prefix of a key id long enough to have more than its prefix.
    let keep = if key_id && secret.len() > 8 { 4 } else { 0 };
    secret
        .chars()
        .enumerate()
        .map(|(i, c)| match c {
            _ if i < keep => c,
            'A'..='Z' => char::from(b'A' + (next() % 26) as u8),
            'a'..='z' => char::from(b'a' + (next() % 26) as u8),
            '0'..='9' => char::from(b'0' + (next() % 10) as u8),
            other => other,
        })
        .collect()
}

/// `text` with every whole occurrence of `secret` (not inside a longer run of letters
/// and digits, so a six-digit MFA code never changes an account id) replaced.
fn replace_whole(text: &str, secret: &str, placeholder: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let alnum = |i: Option<&u8>| i.is_some_and(u8::is_ascii_alphanumeric);
    let mut out = String::with_capacity(text.len());
    let (mut last, mut changed) = (0, false);
    for (at, _) in text.match_indices(secret) {
        if at < last {
            continue;
        }
        let end = at + secret.len();
        let inside = (at > 0 && alnum(bytes.get(at - 1)) && alnum(secret.as_bytes().first()))
            || (alnum(bytes.get(end)) && alnum(secret.as_bytes().last()));
        if inside {
            continue;
        }
        out.push_str(&text[last..at]);
        out.push_str(placeholder);
        last = end;
        changed = true;
    }
    changed.then(|| {
        out.push_str(&text[last..]);
        out
    })
}

/// Whether `recorded` is what recording would have made of `sent`: the same, or the
/// placeholder of `sent` as a secret (a replay that sends the real source key id where
/// the recording wrote its placeholder).
pub(crate) fn same_or_placeholder(recorded: &str, sent: &str) -> bool {
    recorded == sent
        || (sent.len() >= MIN_SECRET
            && recorded.len() == sent.len()
            && (0..4).any(|salt| {
                placeholder(sent, salt, false) == recorded
                    || placeholder(sent, salt, true) == recorded
            }))
}

/// `s` percent-encoded as a query or form value is (RFC 3986 unreserved kept).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    crate::sigv4::encode::encode_into(&mut out, s.as_bytes(), false);
    out
}

impl Redactor {
    /// Learns `secret` (a key id keeps its prefix in the placeholder).
    pub(crate) fn learn(&mut self, secret: &str, key_id: bool) {
        let secret = secret.trim();
        if secret.len() < MIN_SECRET || self.known.iter().any(|(s, _)| s.as_str() == secret) {
            return;
        }
        let mut salt = 0;
        let mut p = placeholder(secret, salt, key_id);
        // A placeholder never equals its secret or another placeholder. A secret with
        // nothing a placeholder can vary (only punctuation) gets letters instead.
        while (p == secret || self.known.iter().any(|(_, q)| *q == p)) && salt < 64 {
            salt += 1;
            p = if salt < 8 {
                placeholder(secret, salt, key_id)
            } else {
                placeholder(&"a".repeat(secret.chars().count()), salt, false)
            };
        }
        let encoded = percent_encode(secret);
        let encoded_placeholder = percent_encode(&p);
        self.known.push((Zeroizing::new(secret.to_owned()), p));
        if encoded != secret {
            self.known
                .push((Zeroizing::new(encoded), encoded_placeholder));
        }
        // Longest first, so no secret is replaced inside another.
        self.known.sort_by_key(|k| std::cmp::Reverse(k.0.len()));
    }

    /// Learns the secrets a request carries: the signing key id, the session token and
    /// other secret headers, and its secret parameters.
    pub(crate) fn learn_request(&mut self, request: &Request, params: &[(String, String)]) {
        for h in request.headers() {
            let name = h.name().to_ascii_lowercase();
            if name == "authorization" {
                match h.value().strip_prefix("AWS4-HMAC-SHA256 ") {
                    Some(rest) => {
                        if let Some(id) = rest
                            .split("Credential=")
                            .nth(1)
                            .and_then(|c| c.split('/').next())
                        {
                            self.learn(id, true);
                        }
                    }
                    None => self.learn(h.value(), false),
                }
            } else if SECRET_HEADERS.contains(&name.as_str()) {
                self.learn(h.value(), false);
            }
        }
        for (name, value) in params {
            if name == "X-Amz-Credential" {
                if let Some(id) = value.split('/').next() {
                    self.learn(id, true);
                }
            } else if SECRET_PARAMS.contains(&name.as_str()) {
                self.learn(value, false);
            }
        }
    }

    /// Learns the secrets an answer carries: the secret fields of an XML or JSON body,
    /// and the whole body of an instance metadata token.
    pub(crate) fn learn_response(&mut self, url: &str, response: &Response) {
        let body = String::from_utf8_lossy(response.body());
        if url.ends_with("/latest/api/token") {
            self.learn(&body, false);
            return;
        }
        let trimmed = body.trim_start();
        if trimmed.starts_with('{') {
            if let Ok(v) = serde_json::from_str::<Value>(trimmed) {
                self.learn_json(&v);
            }
            return;
        }
        for field in SECRET_FIELDS {
            let (open, close) = (format!("<{field}>"), format!("</{field}>"));
            let mut rest = body.as_ref();
            while let Some(start) = rest.find(&open) {
                let after = &rest[start + open.len()..];
                let Some(end) = after.find(&close) else {
                    break;
                };
                let value = &after[..end];
                self.learn(value, field.ends_with("KeyId"));
                let unescaped = value
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&");
                self.learn(&unescaped, field.ends_with("KeyId"));
                rest = &after[end..];
            }
        }
    }

    fn learn_json(&mut self, v: &Value) {
        match v {
            Value::Object(map) => {
                for (k, item) in map {
                    match item {
                        Value::String(s) if SECRET_FIELDS.contains(&k.as_str()) => {
                            self.learn(s, k.ends_with("eyId"));
                        }
                        other => self.learn_json(other),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| self.learn_json(i)),
            _ => {}
        }
    }

    /// `text` with every secret learned replaced by its placeholder.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (secret, placeholder) in &self.known {
            // A long secret goes wherever it is; a short one only where it stands alone.
            if secret.len() >= LONG_SECRET {
                if out.contains(secret.as_str()) {
                    out = out.replace(secret.as_str(), placeholder);
                }
            } else if let Some(replaced) = replace_whole(&out, secret, placeholder) {
                out = replaced;
            }
        }
        out
    }

    /// `bytes` scrubbed, when they are text (other bytes are kept as they are).
    pub(crate) fn scrub_bytes(&self, bytes: &[u8]) -> Vec<u8> {
        match std::str::from_utf8(bytes) {
            Ok(text) => self.scrub(text).into_bytes(),
            Err(_) => bytes.to_vec(),
        }
    }

    /// Every secret learned (for tests that check none is left).
    #[cfg(test)]
    pub(crate) fn secrets(&self) -> Vec<String> {
        self.known.iter().map(|(s, _)| s.to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_keep_length_classes_and_key_prefixes_and_are_stable() {
        let mut r = Redactor::default();
        r.learn("ASIAQ3EXAMPLE7KEYID9", true);
        r.learn("wJalr/XUtnFEMI+K7MDENG=bPxRfiCY", false);
        r.learn("abc", false); // too short to be taken for a secret
        let text = "key ASIAQ3EXAMPLE7KEYID9 secret wJalr/XUtnFEMI+K7MDENG=bPxRfiCY, again ASIAQ3EXAMPLE7KEYID9; abc";
        let out = r.scrub(text);
        assert_eq!(out.len(), text.len());
        assert!(
            !out.contains("Q3EXAMPLE7KEYID9") && !out.contains("XUtnFEMI"),
            "{out}"
        );
        assert!(out.ends_with("; abc"));
        let key = &out[4..24];
        assert!(
            key.starts_with("ASIA")
                && key
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        let again = &out[out.find("again ").unwrap() + 6..][..20];
        assert_eq!(key, again, "the same secret, the same placeholder");
        let secret = &out[out.find("secret ").unwrap() + 7..][..31];
        for (a, b) in secret
            .chars()
            .zip("wJalr/XUtnFEMI+K7MDENG=bPxRfiCY".chars())
        {
            assert_eq!(a.is_ascii_uppercase(), b.is_ascii_uppercase());
            assert_eq!(a.is_ascii_lowercase(), b.is_ascii_lowercase());
            assert_eq!(a.is_ascii_digit(), b.is_ascii_digit());
            if !b.is_ascii_alphanumeric() {
                assert_eq!(a, b);
            }
        }
        // The percent-encoded form of a secret is replaced by the encoded placeholder.
        let encoded = r.scrub(&percent_encode("wJalr/XUtnFEMI+K7MDENG=bPxRfiCY"));
        assert_eq!(encoded, percent_encode(secret));
    }

    #[test]
    fn a_short_secret_is_replaced_only_where_it_stands_alone() {
        let mut r = Redactor::default();
        r.learn("123456", false);
        let out = r.scrub("TokenCode=123456&Arn=arn:aws:iam::123456789012:role/x&code 123456.");
        assert!(out.contains("::123456789012:"), "{out}");
        assert!(
            !out.contains("=123456&") && !out.contains(" 123456."),
            "{out}"
        );
        // The same secret gets the same placeholder in another recorder too, and a
        // replay recognizes it.
        let mut other = Redactor::default();
        other.learn("123456", false);
        assert_eq!(other.scrub("123456"), r.scrub("123456"));
        assert!(same_or_placeholder(&r.scrub("123456"), "123456"));
        assert!(!same_or_placeholder(&r.scrub("123456"), "654321"));
    }

    #[test]
    fn a_secret_a_placeholder_cannot_vary_still_gets_one() {
        let mut r = Redactor::default();
        r.learn("ASIA", true); // a key id that is all prefix
        r.learn("/+=/", false); // nothing but punctuation
        r.learn("=/+/", false);
        let out = r.scrub("ASIA /+=/ =/+/");
        assert_eq!(out.len(), 14);
        assert!(
            !out.contains("ASIA") && !out.contains("/+=/") && !out.contains("=/+/"),
            "{out}"
        );
    }

    #[test]
    fn answers_teach_their_keys_and_requests_their_secret_parameters() {
        let mut r = Redactor::default();
        let xml = "<AccessKeyId>ASIAXMLKEY00001</AccessKeyId><SecretAccessKey>xml/secret+1</SecretAccessKey><SessionToken>FwoGtoken</SessionToken>";
        r.learn_response(
            "https://sts/",
            &Response::new(200, vec![], xml.as_bytes().to_vec()),
        );
        let json = r#"{"AccessKeyId":"ASIAJSONKEY0001","SecretAccessKey":"json-secret","Token":"jsontoken","roleCredentials":{"sessionToken":"ssotoken"}}"#;
        r.learn_response(
            "http://127.0.0.1/creds",
            &Response::new(200, vec![], json.as_bytes().to_vec()),
        );
        r.learn_response(
            "http://169.254.169.254/latest/api/token",
            &Response::new(200, vec![], b"IMDSTOKEN==".to_vec()),
        );
        let request = Request::new("POST", "https://sts/").with_header(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIASOURCEKEY01/20261205/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=abc",
        );
        let params = vec![
            ("ExternalId".to_owned(), "external-1".to_owned()),
            ("RoleSessionName".to_owned(), "visible".to_owned()),
        ];
        r.learn_request(&request, &params);
        let secrets = r.secrets();
        for s in [
            "ASIAXMLKEY00001",
            "xml/secret+1",
            "FwoGtoken",
            "ASIAJSONKEY0001",
            "json-secret",
            "jsontoken",
            "ssotoken",
            "IMDSTOKEN==",
            "AKIASOURCEKEY01",
            "external-1",
        ] {
            assert!(secrets.iter().any(|k| k == s), "{s} not learned");
        }
        assert!(!secrets.iter().any(|k| k == "visible"));
    }
}
