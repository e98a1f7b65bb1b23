//! stskit from plain `fn main`: the blocking client, provider and cache against the
//! loopback double (served from its own thread); inside a tokio runtime the same calls
//! return an error instead of panicking; and the async client polled with no runtime
//! says so instead of panicking.
#![cfg(feature = "test-util")]

use crate::double;

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use double::{KEY, ROLE, SECRET};
use stskit::Credentials;
use stskit::blocking::{BlockingCache, BlockingClient, BlockingProvider};
use stskit::cache::CredentialsCache;
use stskit::client::StsClient;
use stskit::error::{CredentialsError, ProvideError};
use stskit::http::{Request, Response};
use stskit::provider::EnvironmentProvider;
use stskit::sts::{AssumeRole, Endpoint};
use stskit::test_util::StsDouble;

/// The double on a runtime of its own thread; the test thread has none.
fn double_on_its_own_thread() -> (String, Arc<StsDouble>) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let d = double::double().await;
            tx.send((d.endpoint_url(), Arc::new(d))).unwrap();
            std::future::pending::<()>().await;
        });
    });
    rx.recv().unwrap()
}

#[test]
fn the_blocking_client_works_from_plain_fn_main() {
    let (url, d) = double_on_its_own_thread();
    let client =
        BlockingClient::new(Endpoint::resolve(Some(&url), Some("us-east-1")).unwrap()).unwrap();
    let source = Credentials::new(KEY, SECRET, None);
    let out = client
        .assume_role(&source, &AssumeRole::new(ROLE, "blocking"))
        .unwrap();
    let verified = client.verify(&out.credentials.into()).unwrap();
    assert_eq!(verified.account, "123456789012");
    assert!(
        verified.arn.contains(":assumed-role/demo/blocking"),
        "{}",
        verified.arn
    );
    assert!(!verified.user_id.is_empty());
    assert_eq!(d.request_count(), 2);
}

#[test]
fn a_blocking_cache_and_provider_work_without_a_runtime() {
    let provider = BlockingProvider::new(EnvironmentProvider::new()).unwrap();
    match provider.provide_credentials() {
        Ok(p) => assert!(!p.credentials.access_key_id().is_empty()),
        Err(ProvideError::NotConfigured { .. }) => {}
        Err(e) => panic!("{e}"),
    }
    let cache = BlockingCache::new(CredentialsCache::new(EnvironmentProvider::new())).unwrap();
    let first = cache.credentials();
    let second = cache.credentials();
    assert_eq!(first.is_ok(), second.is_ok());
}

#[tokio::test]
async fn inside_a_runtime_the_blocking_calls_return_an_error() {
    let client = BlockingClient::new(Endpoint::resolve(None, Some("us-east-1")).unwrap()).unwrap();
    let source = Credentials::new(KEY, SECRET, None);
    match client.assume_role(&source, &AssumeRole::new(ROLE, "inside")) {
        Err(stskit::error::CallError::InsideRuntime) => {}
        other => panic!("expected InsideRuntime, got {other:?}"),
    }
    let cache = BlockingCache::new(CredentialsCache::new(EnvironmentProvider::new())).unwrap();
    match cache.credentials() {
        Err(stskit::Error::Credentials(e)) => {
            assert!(matches!(e.root(), CredentialsError::InsideRuntime), "{e}");
            assert!(e.to_string().contains("inside a tokio runtime"));
        }
        other => panic!("expected InsideRuntime, got {other:?}"),
    }
    // The blocking types were dropped inside the runtime without a panic either.
    drop(client);
    drop(cache);
}

#[test]
fn the_async_client_outside_a_runtime_says_so_instead_of_panicking() {
    let transport = |_req: Request| async { Ok(Response::new(200, vec![], Vec::new())) };
    let client = StsClient::with_transport(
        Endpoint::resolve(None, Some("us-east-1")).unwrap(),
        transport,
        stskit::client::SystemClock,
    );
    let source = Credentials::new(KEY, SECRET, None);
    let mut call = std::pin::pin!(client.get_caller_identity(&source));
    match call.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Err(stskit::error::CallError::NoRuntime)) => {}
        other => panic!("expected NoRuntime, got {other:?}"),
    }
    let e = stskit::error::CallError::NoRuntime.to_string();
    assert!(
        e.contains("tokio runtime") && e.contains("stskit::blocking"),
        "{e}"
    );
}
