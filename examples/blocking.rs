//! stskit from plain `fn main`, no async runtime of your own: `BlockingClient` owns a
//! small one. (The loopback double, which is async, runs on a thread of its own.)
//!
//! `cargo run --example blocking --features test-util`

use stskit::Credentials;
use stskit::blocking::BlockingClient;
use stskit::sts::{AssumeRole, Endpoint};
use stskit::test_util::StsDouble;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let sts = StsDouble::builder()
                .with_key("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
                .start()
                .await
                .unwrap();
            tx.send(sts.endpoint_url()).unwrap();
            std::future::pending::<()>().await;
        });
    });
    let url = rx.recv()?;

    let client = BlockingClient::new(Endpoint::resolve(Some(&url), Some("us-east-1"))?)?;
    let source = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    );
    let out = client.assume_role(
        &source,
        &AssumeRole::new("arn:aws:iam::123456789012:role/demo", "blocking"),
    )?;
    let who = client.verify(&out.credentials.into())?;
    println!("{} in {} ms", who.arn, who.latency.as_millis());
    Ok(())
}
