//! The official Rust SDK's identity cache (the lazy cache aws-config installs) on its
//! hit path, for comparison with stskit's `CredentialsCache` (benches/cache.rs,
//! `cache/hit`). Prints the median of 101 batches of 100,000 hits, in ns per hit.

use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
use aws_smithy_async::time::{SharedTimeSource, SystemTimeSource};
use aws_smithy_runtime::client::identity::IdentityCache;
use aws_smithy_runtime_api::client::identity::{ResolveCachedIdentity, SharedIdentityResolver};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
use aws_smithy_types::config_bag::ConfigBag;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let creds = Credentials::new(
        "ASIABENCH",
        "secret",
        Some("token".into()),
        Some(SystemTime::now() + Duration::from_secs(3600)),
        "bench",
    );
    let resolver = SharedIdentityResolver::new(SharedCredentialsProvider::new(creds));
    let components = RuntimeComponentsBuilder::for_tests()
        .with_time_source(Some(SharedTimeSource::new(SystemTimeSource::new())))
        .with_sleep_impl(Some(SharedAsyncSleep::new(TokioSleep::new())))
        .build()
        .expect("runtime components");
    let bag = ConfigBag::base();
    let cache = IdentityCache::lazy().build();
    cache
        .resolve_cached_identity(resolver.clone(), &components, &bag)
        .await
        .expect("first load");
    let mut batches = Vec::new();
    for _ in 0..101 {
        let t = Instant::now();
        for _ in 0..100_000 {
            let id = cache
                .resolve_cached_identity(resolver.clone(), &components, &bag)
                .await
                .expect("hit");
            std::hint::black_box(id);
        }
        batches.push(t.elapsed().as_nanos() as f64 / 100_000.0);
    }
    batches.sort_by(f64::total_cmp);
    println!("aws-smithy-runtime lazy identity cache hit: median {:.1} ns", batches[50]);
}
