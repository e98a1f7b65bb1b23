//! `GetAccessKeyInfo`: the account an access key id belongs to.

use crate::sts::Operation;
use crate::sts::form::FormWriter;
use crate::sts::input::InputError;
use crate::sts::response::failures::AnswerError;
use crate::sts::response::{GetAccessKeyInfoOutput, parse_get_access_key_info};
use crate::sts::rules::{invalid, is_word};

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
    ) -> Result<GetAccessKeyInfoOutput, AnswerError> {
        parse_get_access_key_info(status, headers, body)
    }
}
