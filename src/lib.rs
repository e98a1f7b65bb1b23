//! # stskit
//!
//! Temporary AWS credentials from STS without the AWS SDK.
//!
//! This release holds the foundation: a pure, exact [`sigv4`] signer that matches every
//! case of the public AWS SigV4 test suite, the [`Credentials`] it signs with, and the
//! plain [`Request`] value it signs.
//!
//! ```
//! use stskit::{Credentials, Request};
//! use stskit::sigv4::{self, SigningParams};
//! use time::macros::datetime;
//!
//! let credentials = Credentials::new(
//!     "AKIDEXAMPLE",
//!     "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
//!     None,
//! );
//! let mut request = Request::new("POST", "https://sts.amazonaws.com/")
//!     .with_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
//!     .with_body("Action=GetCallerIdentity&Version=2011-06-15");
//! // The signer never reads the clock: the time is a parameter.
//! let params = SigningParams::new("us-east-1", "sts", datetime!(2015-08-30 12:36:00 UTC));
//! let out = sigv4::sign(&mut request, &credentials, &params)?;
//!
//! assert_eq!(request.header("x-amz-date"), Some("20150830T123600Z"));
//! assert!(request.header("authorization").unwrap().starts_with(
//!     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, \
//!      SignedHeaders=content-type;host;x-amz-date, Signature="
//! ));
//! // Debug output never shows the secret, the token or the signature.
//! assert!(!format!("{request:?} {out:?} {credentials:?}").contains("wJalrXUt"));
//! # Ok::<(), stskit::sigv4::SigningError>(())
//! ```
//!
//! ## Security
//!
//! The secret access key and session token are [`secrecy::SecretString`]s; the derived
//! signing keys are cached per [`Credentials`] value and zeroized on drop; the
//! `Authorization` and `X-Amz-Security-Token` headers are marked sensitive. No `Debug`
//! or `Display` output of this crate shows a secret, a token or a signature.
//!
//! What it does not do: SigV4A (ECDSA) signing, chunked (streaming) payload signing.

#![forbid(unsafe_code)]

pub mod credentials;
pub mod error;
pub mod http;
#[cfg(feature = "client")]
pub mod provider;
pub mod sigv4;
pub mod sts;
#[cfg(feature = "test-util")]
pub mod test_util;
pub mod transport;

pub use credentials::{Credentials, StsCredentials};
pub use error::Error;
pub use http::{Header, Request};
