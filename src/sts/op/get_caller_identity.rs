//! `GetCallerIdentity`: who the signing credentials belong to.

use crate::sts::Operation;
use crate::sts::form::FormWriter;
use crate::sts::input::InputError;
use crate::sts::response::failures::AnswerError;
use crate::sts::response::{CallerIdentity, parse_caller_identity};

/// The `GetCallerIdentity` call: who the signing credentials belong to. It has no
/// parameters.
#[derive(Debug, Clone, Copy, Default)]
pub struct GetCallerIdentity;

impl Operation for GetCallerIdentity {
    type Output = CallerIdentity;
    const ACTION: &'static str = "GetCallerIdentity";

    fn validate(&self, _chained: bool) -> Result<(), InputError> {
        Ok(())
    }

    fn write_params(&self, _form: &mut FormWriter) {}

    fn parse(
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<CallerIdentity, AnswerError> {
        parse_caller_identity(status, headers, body)
    }
}
