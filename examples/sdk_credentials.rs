//! Handing stskit's credentials to an AWS SDK client (feature `aws-sdk`): the cache is
//! an `aws_credential_types` provider, so `aws_config::defaults(..)
//! .credentials_provider(cache)` signs every SDK call with what stskit keeps fresh.
//! This example stays offline and SDK-free (the SDK takes minutes to build); the full
//! round trip with `aws-sdk-sts` against moto is `bash scripts/sdk_interop.sh`.
//!
//! `cargo run --example sdk_credentials --features aws-sdk`

use stskit::Credentials;
use stskit::cache::CredentialsCache;
use stskit::provider::{ProvideCredentials, ProvideFuture, Provided};

#[derive(Debug)]
struct OneHour;

impl ProvideCredentials for OneHour {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async {
            Ok(Provided::new(
                Credentials::new("ASIAEXAMPLE", "secret", Some("token".into())),
                Some(time::OffsetDateTime::now_utc() + time::Duration::hours(1)),
                "one hour",
            ))
        })
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cache = CredentialsCache::new(OneHour);
    // What an SDK client does with its credentials provider:
    let sdk_creds =
        aws_credential_types::provider::ProvideCredentials::provide_credentials(&cache).await?;
    println!(
        "SDK credentials: {} from provider {:?}, expiring {:?}",
        sdk_creds.access_key_id(),
        stskit::sdk::PROVIDER_NAME,
        sdk_creds.expiry()
    );
    Ok(())
}
