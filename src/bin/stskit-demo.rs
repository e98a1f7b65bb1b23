//! The main job, offline: start the loopback STS double, assume a role through it with
//! a signed AssumeRole, check the new credentials with GetCallerIdentity, and print the
//! result with every secret redacted.
//!
//! Run with `cargo run --features test-util --bin stskit-demo` (builds the library and
//! this binary only, none of the dev-dependencies).

use stskit::Credentials;
use stskit::client::StsClient;
use stskit::sts::{AssumeRole, Endpoint};
use stskit::test_util::StsDouble;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A runtime built by hand: no proc-macro crate in the main job's build.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(demo())
}

async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    let source = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    );
    let double = StsDouble::builder()
        .with_key("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .start()
        .await?;
    println!("loopback STS double listening on {}", double.endpoint_url());

    let endpoint = Endpoint::resolve(Some(&double.endpoint_url()), Some("us-east-1"))?;
    let client = StsClient::new(endpoint);
    let request = AssumeRole::new("arn:aws:iam::123456789012:role/demo", "stskit-demo")
        .with_duration_seconds(900)
        .with_tag("project", "stskit");
    let out = client.assume_role(&source, &request).await?;
    println!("assumed role: {:?}", out.assumed_role_user);
    println!("credentials:  {:?}", out.credentials);
    println!("request id:   {:?}", out.request_id);

    let who = client
        .get_caller_identity(&out.credentials.to_credentials())
        .await?;
    println!("caller:       {}", who.arn);
    let checks = double.requests();
    println!(
        "the double verified {} signed request(s): {:?}",
        checks.len(),
        checks.iter().map(|r| r.signature).collect::<Vec<_>>()
    );
    Ok(())
}
