//! Signs an STS GetCallerIdentity request offline and prints what was signed, with the
//! signature redacted. Run with `cargo run --example sign`.

use stskit::sigv4::{self, SigningParams};
use stskit::{Credentials, Request};
use time::OffsetDateTime;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    );
    let mut request = Request::new("POST", "https://sts.amazonaws.com/")
        .with_header(
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .with_body("Action=GetCallerIdentity&Version=2011-06-15");
    let params = SigningParams::new("us-east-1", "sts", OffsetDateTime::now_utc());
    let out = sigv4::sign(&mut request, &credentials, &params)?;
    println!("canonical request:\n{}\n", out.canonical_request());
    println!("string to sign:\n{}\n", out.string_to_sign());
    println!("signed request: {request:#?}");
    Ok(())
}
