//! Signs the AssumeRole POST N times (default 10,000) with a warm key: a steady loop
//! for `valgrind --tool=callgrind` or `perf`, whose instruction counts do not depend on
//! machine load.
//!
//! `cargo build --release --example sign_loop && valgrind --tool=callgrind target/release/examples/sign_loop 2000`

use stskit::sigv4::{self, SigningParams};
use stskit::{Credentials, Request};
use time::macros::datetime;
fn main() {
    let body = include_str!("../data/assume_role_body.txt");
    let template = Request::new("POST", "https://sts.amazonaws.com/")
        .with_header(
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .with_header("Host", "sts.amazonaws.com")
        .with_body(body);
    let creds = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    );
    let params = SigningParams::new("us-east-1", "sts", datetime!(2026-11-22 12:00:00 UTC));
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().unwrap())
        .unwrap_or(10000);
    let signer = sigv4::Signer::new();
    let mut acc = 0usize;
    for _ in 0..n {
        let mut r = template.clone();
        let out = signer.sign(&mut r, &creds, &params).unwrap();
        acc += out.signature().expose().len();
    }
    println!("{acc}");
}
