//! The loopback STS double every suite starts, and the source key it knows.

use stskit::test_util::StsDouble;

/// The source access key id the double accepts.
pub(crate) const KEY: &str = "AKIDREVIEW";
/// Its secret. Tests check that no output ever holds a piece of it.
pub(crate) const SECRET: &str = "review/secret+key0123456789abcdefghijklm";
/// The role the suites assume.
#[allow(dead_code)] // not every suite that includes this file assumes a role
pub(crate) const ROLE: &str = "arn:aws:iam::123456789012:role/demo";

/// A double that knows the source key.
pub(crate) async fn double() -> StsDouble {
    StsDouble::builder()
        .with_key(KEY, SECRET)
        .start()
        .await
        .unwrap()
}
