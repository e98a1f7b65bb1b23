//! A long-running service: many tasks ask a `CredentialsCache` for credentials; one
//! AssumeRole serves them all until the refresh window, where one refresh happens while
//! the others keep the cached credentials. Runs against the loopback double.
//!
//! `cargo run --example fresh_service --features test-util`

use std::time::Duration;

use stskit::Config;
use stskit::cache::{CredentialsCache, RefreshPolicy};
use stskit::provider::Os;
use stskit::test_util::StsDouble;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sts = StsDouble::builder()
        .with_key("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .start()
        .await?;
    // In real use: stskit::Config::load(), which reads the AWS CLI's files.
    let os = Os::fake(
        [("HOME", "/srv")],
        [(
            "/srv/.aws/config",
            "[profile svc]\nrole_arn = arn:aws:iam::123456789012:role/svc\nsource_profile = base\n\
             [profile base]\naws_access_key_id = AKIDEXAMPLE\n\
             aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n",
        )],
    );
    let config = Config::builder()
        .os(os)
        .profile("svc")
        .region("us-east-1")
        .endpoint_url(sts.endpoint_url())
        .load()?;
    // For a fleet: a 30-minute window with jitter spreads refreshes (docs/performance.md).
    let policy = RefreshPolicy::new()
        .with_advisory_window(Duration::from_secs(1800))
        .with_jitter(0.6);
    let cache = CredentialsCache::builder(config.chain())
        .with_policy(policy)
        .build();

    let mut tasks = Vec::new();
    for _ in 0..100 {
        let cache = cache.clone();
        tasks.push(tokio::spawn(async move { cache.credentials().await }));
    }
    for t in tasks {
        t.await??;
    }
    println!(
        "100 tasks, {} STS call(s); {:?}",
        sts.request_count(),
        cache.stats()
    );
    println!("{:?}", cache.snapshot());
    Ok(())
}
