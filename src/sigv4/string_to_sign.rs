//! Step 2 of SigV4: the string to sign, and the credential scope it names.
//!
//! ```text
//! AWS4-HMAC-SHA256 \n AMZ_DATE \n DATE/REGION/SERVICE/aws4_request \n HEX(SHA256(canonical request))
//! ```

use std::fmt;

use time::{OffsetDateTime, UtcOffset};

use super::SigningError;

/// The only algorithm this crate signs with.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// A signing time as the two strings SigV4 uses: `YYYYMMDD'T'HHMMSS'Z'` and `YYYYMMDD`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct AmzDate([u8; 16]);

impl AmzDate {
    pub(crate) fn new(time: OffsetDateTime) -> Result<Self, SigningError> {
        let t = time
            .checked_to_offset(UtcOffset::UTC)
            .ok_or(SigningError::InvalidTime)?;
        let year = t.year();
        if !(0..=9999).contains(&year) {
            return Err(SigningError::InvalidTime);
        }
        let mut b = *b"00000000T000000Z";
        let mut put = |at: usize, width: usize, mut v: u32| {
            for i in (0..width).rev() {
                b[at + i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(0, 4, year as u32);
        put(4, 2, u8::from(t.month()) as u32);
        put(6, 2, t.day() as u32);
        put(9, 2, t.hour() as u32);
        put(11, 2, t.minute() as u32);
        put(13, 2, t.second() as u32);
        Ok(AmzDate(b))
    }

    /// `20150830T123600Z`
    pub(crate) fn timestamp(&self) -> &str {
        super::encode::ascii(&self.0)
    }

    /// `20150830`
    pub(crate) fn date(&self) -> &str {
        &self.timestamp()[..8]
    }
}

impl fmt::Debug for AmzDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.timestamp())
    }
}

/// Checks that a region or service name can stand in a credential scope.
pub(crate) fn check_scope_part(value: &str, field: &'static str) -> Result<(), SigningError> {
    if value.is_empty()
        || value.len() > 64
        || !value.bytes().all(|b| b.is_ascii_graphic() && b != b'/')
    {
        return Err(SigningError::InvalidScope { field });
    }
    Ok(())
}

/// The string to sign of one signing. It holds no secret.
#[derive(Clone, PartialEq, Eq)]
pub struct StringToSign {
    text: String,
    scope_len: usize,
    hash_redacted: bool,
}

impl StringToSign {
    pub(crate) fn new(
        date: &AmzDate,
        region: &str,
        service: &str,
        canonical_request: &str,
    ) -> StringToSign {
        let hash = super::hash::sha256(canonical_request.as_bytes());
        let mut text = String::with_capacity(ALGORITHM.len() + 18 + 48 + 64 + 2);
        text.push_str(ALGORITHM);
        text.push('\n');
        text.push_str(date.timestamp());
        text.push('\n');
        let scope_start = text.len();
        text.push_str(date.date());
        text.push('/');
        text.push_str(region);
        text.push('/');
        text.push_str(service);
        text.push_str("/aws4_request");
        let scope_len = text.len() - scope_start;
        text.push('\n');
        let hex_buf = super::encode::hex32(&hash);
        text.push_str(super::encode::ascii(&hex_buf));
        StringToSign {
            text,
            scope_len,
            hash_redacted: false,
        }
    }

    /// Hides the canonical request's hash from `Display` and `Debug`: it is derived
    /// from a body that carries a secret.
    pub(crate) fn redact_hash(&mut self) {
        self.hash_redacted = true;
    }

    /// The exact text that was signed.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The credential scope, such as `20150830/us-east-1/sts/aws4_request`.
    pub fn scope(&self) -> &str {
        let start = ALGORITHM.len() + 1 + 16 + 1;
        &self.text[start..start + self.scope_len]
    }
}

impl fmt::Display for StringToSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.text.rsplit_once('\n') {
            Some((head, _)) if self.hash_redacted => write!(f, "{head}\n[redacted]"),
            _ => f.write_str(&self.text),
        }
    }
}

impl fmt::Debug for StringToSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StringToSign")
            .field(&self.to_string())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_amz_date_in_utc() {
        let d = AmzDate::new(datetime!(2015-08-30 14:36:00 +02:00)).unwrap();
        assert_eq!(d.timestamp(), "20150830T123600Z");
        assert_eq!(d.date(), "20150830");
        let d = AmzDate::new(datetime!(0999-01-02 03:04:05 UTC)).unwrap();
        assert_eq!(d.timestamp(), "09990102T030405Z");
    }

    #[test]
    fn rejects_times_outside_four_digit_years() {
        assert_eq!(
            AmzDate::new(datetime!(-0001-01-01 00:00:00 UTC)).unwrap_err(),
            SigningError::InvalidTime
        );
    }

    #[test]
    fn scope_parts_must_be_visible_ascii_without_slash() {
        assert!(check_scope_part("us-east-1", "region").is_ok());
        for bad in ["", "us/east", "us east", "é", &"a".repeat(65)] {
            assert_eq!(
                check_scope_part(bad, "region").unwrap_err(),
                SigningError::InvalidScope { field: "region" }
            );
        }
    }

    #[test]
    fn string_to_sign_hashes_the_canonical_request() {
        let d = AmzDate::new(datetime!(2015-08-30 12:36:00 UTC)).unwrap();
        let sts = StringToSign::new(&d, "us-east-1", "service", "");
        assert_eq!(
            sts.as_str(),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(sts.scope(), "20150830/us-east-1/service/aws4_request");
    }
}
