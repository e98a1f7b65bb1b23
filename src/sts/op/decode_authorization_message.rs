//! `DecodeAuthorizationMessage`: the decoded text of an encoded authorization failure.

use crate::sts::Operation;
use crate::sts::form::FormWriter;
use crate::sts::input::InputError;
use crate::sts::response::failures::AnswerError;
use crate::sts::response::{DecodeAuthorizationMessageOutput, parse_decode_authorization_message};
use crate::sts::rules::check_len;

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
    ) -> Result<DecodeAuthorizationMessageOutput, AnswerError> {
        parse_decode_authorization_message(status, headers, body)
    }
}
