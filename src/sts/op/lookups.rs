//! `GetAccessKeyInfo` and `DecodeAuthorizationMessage`: two lookups with one required
//! parameter each.

use super::super::Operation;
use super::super::form::FormWriter;
use super::super::response::{
    DecodeAuthorizationMessageOutput, GetAccessKeyInfoOutput, parse_decode_authorization_message,
    parse_get_access_key_info,
};
use super::super::rules::{check_len, invalid, is_word};
use crate::error::{Error, InputError};

/// `GetAccessKeyInfo`: the account an access key id belongs to; see
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html>.
#[derive(Debug, Clone)]
pub struct GetAccessKeyInfo {
    access_key_id: String,
}

impl GetAccessKeyInfo {
    /// Look up `access_key_id` (16-128 characters of `[A-Za-z0-9_]`).
    pub fn new(access_key_id: impl Into<String>) -> Self {
        GetAccessKeyInfo {
            access_key_id: access_key_id.into(),
        }
    }
}

impl Operation for GetAccessKeyInfo {
    type Output = GetAccessKeyInfoOutput;
    const ACTION: &'static str = "GetAccessKeyInfo";

    fn validate(&self, _chained: bool) -> Result<(), InputError> {
        let n = self.access_key_id.chars().count();
        if !(16..=128).contains(&n) || !self.access_key_id.chars().all(is_word) {
            return Err(invalid(
                "AccessKeyId",
                "must be 16 to 128 characters of [A-Za-z0-9_]",
            ));
        }
        Ok(())
    }

    fn write_params(&self, w: &mut FormWriter) {
        w.param("AccessKeyId", &self.access_key_id);
    }

    fn parse(
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<GetAccessKeyInfoOutput, Error> {
        parse_get_access_key_info(status, headers, body)
    }
}

/// `DecodeAuthorizationMessage`: the decoded text of an encoded authorization failure
/// message; see
/// <https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html>.
#[derive(Debug, Clone)]
pub struct DecodeAuthorizationMessage {
    encoded_message: String,
}

impl DecodeAuthorizationMessage {
    /// Decode `encoded_message` (1-10240 characters).
    pub fn new(encoded_message: impl Into<String>) -> Self {
        DecodeAuthorizationMessage {
            encoded_message: encoded_message.into(),
        }
    }
}

impl Operation for DecodeAuthorizationMessage {
    type Output = DecodeAuthorizationMessageOutput;
    const ACTION: &'static str = "DecodeAuthorizationMessage";

    fn validate(&self, _chained: bool) -> Result<(), InputError> {
        check_len(
            "EncodedMessage",
            &self.encoded_message,
            1,
            10240,
            "must be 1 to 10240 characters",
        )
    }

    fn write_params(&self, w: &mut FormWriter) {
        w.param("EncodedMessage", &self.encoded_message);
    }

    fn parse(
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<DecodeAuthorizationMessageOutput, Error> {
        parse_decode_authorization_message(status, headers, body)
    }
}
