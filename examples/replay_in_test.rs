//! Tests that replay recorded STS answers: a closure is the transport, a fixed clock
//! signs, and the request can be checked before the recorded answer comes back. No
//! network at all.
//!
//! `cargo run --example replay_in_test`

use std::sync::{Arc, Mutex};

use stskit::Credentials;
use stskit::client::StsClient;
use stskit::http::{Request, Response};
use stskit::sts::{AssumeRole, Endpoint};
use time::macros::datetime;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let recorded = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/sts/assume_role.ok.smithy-rs.xml"
    ))?;
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = seen.clone();
    let transport = move |req: Request| {
        log.lock()
            .unwrap()
            .push(format!("{} {}", req.method(), req.url()));
        let body = recorded.clone();
        async move { Ok(Response::new(200, vec![], body)) }
    };
    // The recorded answer expired in 2021: sign at a time before that.
    let clock = || datetime!(2021-08-05 19:00:00 UTC);
    let client = StsClient::with_transport(
        Endpoint::resolve(None, Some("us-east-1"))?,
        transport,
        clock,
    );
    let source = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    );
    let out = client
        .assume_role(
            &source,
            &AssumeRole::new("arn:aws:iam::123456789012:role/demo", "replay"),
        )
        .await?;
    assert_eq!(out.credentials.access_key_id(), "ASIARTESTID");
    println!(
        "replayed: {} expiring {}",
        out.credentials.access_key_id(),
        out.credentials.expiration_rfc3339()
    );
    println!("requests seen: {:?}", seen.lock().unwrap());
    Ok(())
}
