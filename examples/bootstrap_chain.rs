//! Credential-chain bootstrap: resolve a profile's role chain (static keys -> role ->
//! role) as the AWS CLI would, with stskit's own STS calls, then check the result with
//! GetCallerIdentity. Runs against the embedded loopback double.
//!
//! `cargo run --example bootstrap_chain --features test-util`

use std::sync::Arc;

use stskit::client::StsClient;
use stskit::profile::ProfileSet;
use stskit::provider::{ProfileProvider, ProvideCredentials, StsRunner};
use stskit::sts::Endpoint;
use stskit::test_util::StsDouble;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sts = StsDouble::builder()
        .with_key("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .start()
        .await?;
    // In real use: stskit::provider::load_profiles() reads ~/.aws/config and credentials.
    let config = "[profile app]\nrole_arn = arn:aws:iam::123456789012:role/app\nsource_profile = ops\n\
                  [profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = base\n";
    let credentials = "[base]\naws_access_key_id = AKIDEXAMPLE\n\
                       aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n";
    let profiles = Arc::new(ProfileSet::parse(config, credentials).map_err(|(_, e)| e)?);

    let client = StsClient::new(Endpoint::resolve(
        Some(&sts.endpoint_url()),
        Some("us-east-1"),
    )?);
    let runner = Arc::new(StsRunner::new(client, time::OffsetDateTime::now_utc()));
    let app = ProfileProvider::new(runner.clone(), profiles, "app");
    let provided = app.provide_credentials().await?;
    println!(
        "profile app: {} (expires {})",
        provided.credentials.short_access_key_id(),
        provided
            .expiration_rfc3339()
            .map(|e| e.to_string())
            .unwrap_or_default()
    );

    let who = runner.client()?.verify(&provided.credentials).await?;
    println!(
        "verified: {} in account {} ({} ms)",
        who.arn,
        who.account,
        who.latency.as_millis()
    );
    println!(
        "STS calls: {} (two AssumeRole hops, one GetCallerIdentity)",
        sts.request_count()
    );
    Ok(())
}
