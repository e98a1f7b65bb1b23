//! Signing any AWS request with SigV4, and presigning a URL: the signer knows nothing
//! of STS, reads no clock and does no IO.
//!
//! `cargo run --example sign_any_request`

use std::time::Duration;

use stskit::Credentials;
use stskit::http::Request;
use stskit::sigv4::{self, SigningParams};
use time::macros::datetime;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let creds = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    );
    let at = datetime!(2026-11-30 12:00:00 UTC);

    // An S3 GET, signed in its headers.
    let mut get = Request::new(
        "GET",
        "https://examplebucket.s3.eu-west-1.amazonaws.com/photos/cat.jpg",
    );
    let signed = sigv4::sign(&mut get, &creds, &SigningParams::new("eu-west-1", "s3", at))?;
    println!(
        "authorization: {}",
        get.header("authorization").unwrap_or_default()
    );
    println!("string to sign:\n{}", signed.string_to_sign());

    // The same object as a URL anyone can fetch for 15 minutes.
    let mut url = Request::new(
        "GET",
        "https://examplebucket.s3.eu-west-1.amazonaws.com/photos/cat.jpg",
    );
    sigv4::presign(
        &mut url,
        &creds,
        &SigningParams::new("eu-west-1", "s3", at),
        Duration::from_secs(900),
    )?;
    println!("presigned: {}...", &url.url()[..url.url().len().min(120)]);
    Ok(())
}
