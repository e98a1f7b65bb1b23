//! Credential-chain bootstrap: resolve a profile's role chain (static keys -> role ->
//! role) as the AWS CLI would, with stskit's own STS calls, then check the result with
//! GetCallerIdentity. Runs against the embedded loopback double, with the profile
//! files given in code (in real use, `stskit::Config::load()` reads `~/.aws/config`
//! and `~/.aws/credentials`).
//!
//! `cargo run --example bootstrap_chain --features test-util`

use stskit::Config;
use stskit::provider::Os;
use stskit::test_util::StsDouble;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sts = StsDouble::builder()
        .with_key("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .start()
        .await?;
    let files = [
        (
            "/home/me/.aws/config",
            "[profile app]\nrole_arn = arn:aws:iam::123456789012:role/app\nsource_profile = ops\n\
             [profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = base\n",
        ),
        (
            "/home/me/.aws/credentials",
            "[base]\naws_access_key_id = AKIDEXAMPLE\n\
             aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n",
        ),
    ];
    let os = Os::fake([("HOME", "/home/me")], files);
    let config = Config::builder()
        .os(os)
        .profile("app")
        .region("us-east-1")
        .endpoint_url(sts.endpoint_url())
        .load()?;

    let provided = config.credentials().credentials().await?;
    println!(
        "profile app: {} (expires {})",
        provided.credentials.short_access_key_id(),
        provided
            .expiration_rfc3339()
            .map(|e| e.to_string())
            .unwrap_or_default()
    );

    let who = config.sts_client()?.verify(&provided.credentials).await?;
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
