//! The caches' hot paths: a hit on `CredentialsCache` (single-threaded, and eight
//! threads reading with and without a refresh in flight), and `RoleCache` with 10,000
//! roles cached (a hit with the key computed ahead, the key itself, and the bytes each
//! entry takes). No network: the role cache is filled through a closure transport.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use stskit::Credentials;
use stskit::cache::{CredentialsCache, RoleCache, RoleKey};
use stskit::client::StsClient;
use stskit::http::{Request, Response};
use stskit::provider::{ProvideCredentials, ProvideFuture, Provided};
use stskit::sts::{AssumeRole, Endpoint};
use time::OffsetDateTime;

fn poll_ready<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("pending"),
    }
}

/// One-hour credentials.
struct Source;

impl ProvideCredentials for Source {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            Ok(Provided::new(
                Credentials::new("ASIABENCH", "secret", Some("token".into())),
                Some(OffsetDateTime::now_utc() + time::Duration::hours(1)),
                "bench",
            ))
        })
    }
}

fn hit(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _guard = rt.enter();
    let cache = CredentialsCache::new(Source);
    rt.block_on(cache.credentials()).unwrap();
    c.bench_function("cache/hit", |b| {
        b.iter(|| poll_ready(cache.credentials()).unwrap())
    });
    // The same hit with a clock that costs nothing: what the cache adds to the clock.
    let fixed = OffsetDateTime::now_utc();
    let still = CredentialsCache::builder(Source)
        .with_clock(move || fixed)
        .build();
    rt.block_on(still.credentials()).unwrap();
    c.bench_function("cache/hit_fixed_clock", |b| {
        b.iter(|| poll_ready(still.credentials()).unwrap())
    });
    c.bench_function("clock/system_unix_nanos", |b| {
        b.iter(|| stskit::client::Clock::now_unix_nanos(&stskit::client::SystemClock))
    });
    c.bench_function("clock/system_coarse_unix_nanos", |b| {
        b.iter(|| stskit::client::Clock::now_coarse_unix_nanos(&stskit::client::SystemClock))
    });
    c.bench_function("cache/hit_valid_credentials", |b| {
        b.iter(|| cache.valid_credentials().unwrap())
    });
    c.bench_function("cache/hit_provide_credentials_owned", |b| {
        b.iter(|| poll_ready(cache.provide_credentials()).unwrap())
    });
}

/// Eight threads reading `reads` times each; the time until all are done.
fn eight_threads(cache: &CredentialsCache, reads: u64) -> Duration {
    let start = Arc::new(std::sync::Barrier::new(9));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (cache, start) = (cache.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                let t = Instant::now();
                for _ in 0..reads {
                    std::hint::black_box(poll_ready(cache.credentials()).unwrap());
                }
                t.elapsed()
            })
        })
        .collect();
    start.wait();
    handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .max()
        .unwrap()
}

fn contended(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("cache/8_threads");
    group.sample_size(20);

    // No refresh: the credentials are valid.
    let idle = CredentialsCache::new(Source);
    rt.block_on(idle.credentials()).unwrap();
    group.bench_function("valid_no_refresh", |b| {
        b.iter_custom(|iters| eight_threads(&idle, iters.div_ceil(8)))
    });

    // A refresh in flight: the clock sits in the advisory window and one fetch never
    // ends; every reader gets the cached credentials.
    let offset = Arc::new(AtomicI64::new(0));
    let seeded = seed_then_hold(&rt, &offset);
    group.bench_function("advisory_refresh_in_flight", |b| {
        b.iter_custom(|iters| eight_threads(&seeded, iters.div_ceil(8)))
    });
    group.finish();
}

/// A cache whose first fetch answers and whose later fetches never end; the clock is
/// then moved into the advisory window and one refresh is started (and left in flight).
fn seed_then_hold(rt: &tokio::runtime::Runtime, offset: &Arc<AtomicI64>) -> CredentialsCache {
    struct Once(AtomicU64);
    impl ProvideCredentials for Once {
        fn provide_credentials(&self) -> ProvideFuture<'_> {
            let n = self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                if n > 0 {
                    std::future::pending::<()>().await;
                }
                Ok(Provided::new(
                    Credentials::new("ASIABENCH", "secret", Some("token".into())),
                    Some(OffsetDateTime::now_utc() + time::Duration::hours(1)),
                    "bench",
                ))
            })
        }
    }
    let o = offset.clone();
    let cache = CredentialsCache::builder(Once(AtomicU64::new(0)))
        .with_clock(move || {
            OffsetDateTime::now_utc() + time::Duration::seconds(o.load(Ordering::Relaxed))
        })
        .with_fetch_timeout(None)
        .build();
    rt.block_on(cache.credentials()).unwrap();
    offset.store(3600 - 600, Ordering::Relaxed); // 10 minutes left: advisory
    let refresher = cache.clone();
    rt.spawn(async move {
        let _ = refresher.credentials().await;
    });
    // Wait until the refresh holds the flight.
    while cache.stats().fetches < 2 {
        std::thread::sleep(Duration::from_millis(1));
    }
    cache
}

fn answer(n: u64) -> Vec<u8> {
    let exp = stskit::date::format_rfc3339(OffsetDateTime::now_utc() + time::Duration::hours(1));
    format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
         <Credentials><AccessKeyId>ASIABENCH{n:011}</AccessKeyId><SecretAccessKey>secret{n}</SecretAccessKey>\
         <SessionToken>token{n}</SessionToken><Expiration>{exp}</Expiration></Credentials>\
         <AssumedRoleUser><AssumedRoleId>AROA:t{n}</AssumedRoleId>\
         <Arn>arn:aws:sts::123456789012:assumed-role/demo/t{n}</Arn></AssumedRoleUser>\
         </AssumeRoleResult><ResponseMetadata><RequestId>r{n}</RequestId></ResponseMetadata>\
         </AssumeRoleResponse>"
    )
    .into_bytes()
}

fn tenant(n: usize) -> AssumeRole {
    AssumeRole::new(
        "arn:aws:iam::123456789012:role/tenant",
        format!("tenant-{n}"),
    )
    .with_external_id(format!("external-{n}"))
}

fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u64>().ok())
        })
        .map_or(0, |pages| pages * 4096)
}

fn roles(c: &mut Criterion) {
    const ROLES: usize = 10_000;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let counter = Arc::new(AtomicU64::new(0));
    let n = counter.clone();
    let transport = move |_req: Request| {
        let k = n.fetch_add(1, Ordering::Relaxed);
        async move {
            Ok(Response::new(
                200,
                vec![("content-type".into(), "text/xml".into())],
                answer(k),
            ))
        }
    };
    let client = StsClient::with_transport(
        Endpoint::resolve(
            Some("https://sts.us-east-1.amazonaws.com"),
            Some("us-east-1"),
        )
        .unwrap(),
        transport,
        stskit::client::SystemClock,
    );
    let cache = RoleCache::new(client, ROLES);
    let source = Credentials::new("AKIDEXAMPLE", "secret", None);
    let ops: Vec<AssumeRole> = (0..ROLES).map(tenant).collect();
    let before = rss_bytes();
    rt.block_on(async {
        for op in &ops {
            cache.assume_role(&source, op).await.unwrap();
        }
    });
    let after = rss_bytes();
    assert_eq!(cache.len(), ROLES);
    println!(
        "role_cache/bytes_per_entry: {} (resident memory grew {} KiB for {ROLES} roles)",
        (after.saturating_sub(before)) / ROLES as u64,
        (after.saturating_sub(before)) / 1024
    );
    let keys: Vec<RoleKey> = ops
        .iter()
        .map(|op| RoleKey::new("AKIDEXAMPLE", op))
        .collect();
    let mut i = 0;
    c.bench_with_input(
        BenchmarkId::new("role_cache/hit_10000_roles", "key_ahead"),
        &(),
        |b, _| {
            b.iter(|| {
                i = (i + 7919) % ROLES;
                poll_ready(cache.get(&keys[i], &source, &ops[i])).unwrap()
            })
        },
    );
    c.bench_function("role_cache/key", |b| {
        b.iter(|| RoleKey::new("AKIDEXAMPLE", &ops[123]))
    });
    c.bench_with_input(
        BenchmarkId::new("role_cache/hit_10000_roles", "key_each_call"),
        &(),
        |b, _| {
            b.iter(|| {
                i = (i + 7919) % ROLES;
                poll_ready(cache.assume_role(&source, &ops[i])).unwrap()
            })
        },
    );
}

criterion_group!(benches, hit, contended, roles);
criterion_main!(benches);
