//! An `aws-sdk-sts` client whose credentials provider is stskit's `CredentialsCache`
//! (over an AssumeRole that stskit makes) calls moto and must see the assumed-role
//! identity; a second call must be served by stskit's cache (one AssumeRole in all).
//! Usage: stskit-sdk-interop MOTO_URL

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use stskit::Credentials;
use stskit::cache::CredentialsCache;
use stskit::client::StsClient;
use stskit::provider::{ProvideCredentials, ProvideFuture, Provided};
use stskit::error::{CredentialsError};
use stskit::sts::{AssumeRole, Endpoint};

/// AssumeRole with stskit's own client, counted.
#[derive(Debug)]
struct Role {
    client: StsClient,
    source: Credentials,
    calls: Arc<AtomicUsize>,
}

impl ProvideCredentials for Role {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let op = AssumeRole::new("arn:aws:iam::123456789012:role/sdk-interop", "stskit-sdk");
            let out = self.client.assume_role(&self.source, &op).await.map_err(|error| {
                CredentialsError::Sts {
                    profile: "sdk-interop".into(),
                    error,
                }
            })?;
            Ok(Provided::new(
                out.credentials.clone().into(),
                Some(out.credentials.expiration()),
                "assume role",
            ))
        })
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url = std::env::args().nth(1).expect("moto URL");
    let calls = Arc::new(AtomicUsize::new(0));
    let role = Role {
        client: StsClient::new(Endpoint::resolve(Some(&url), Some("us-east-1")).expect("endpoint")),
        source: Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None),
        calls: calls.clone(),
    };
    let cache = CredentialsCache::new(role);
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(&url)
        .credentials_provider(cache.clone())
        .load()
        .await;
    let sts = aws_sdk_sts::Client::new(&config);
    let mut arns = Vec::new();
    for _ in 0..2 {
        let who = sts.get_caller_identity().send().await.expect("GetCallerIdentity through the SDK");
        arns.push(who.arn().unwrap_or_default().to_owned());
    }
    let key = cache.snapshot().access_key_id.unwrap_or_default();
    println!(
        "{{\"arns\":{:?},\"stskit_assume_role_calls\":{},\"cached_key\":{:?}}}",
        arns,
        calls.load(Ordering::SeqCst),
        key
    );
    let ok = arns.iter().all(|a| a.contains(":assumed-role/sdk-interop/stskit-sdk"))
        && calls.load(Ordering::SeqCst) == 1;
    if !ok {
        eprintln!("sdk-interop: the SDK did not sign with stskit's assumed-role credentials");
        std::process::exit(1);
    }
}
