//! A sidecar written in Rust: serve a refreshing `CredentialsCache` to every process
//! of a pod or host by the container credentials protocol, in-process.
//!
//! ```text
//! cargo run --example credentials_server --features server
//! ```
//!
//! A real sidecar serves `stskit::Config::load()?.credentials()` (the chain `stskit
//! credentials` resolves) over `SessionTokenProvider` when the source may give
//! long-term keys, and hands the two variables it prints to the processes it serves;
//! this one serves a stand-in source so it runs anywhere, asks itself once as an SDK
//! would, and stops.

use std::io::{Read, Write};
use std::time::Duration;

use stskit::Credentials;
use stskit::cache::CredentialsCache;
use stskit::provider::{ProvideCredentials, ProvideFuture, Provided};
use stskit::secrecy::ExposeSecret;
use stskit::server::{CredentialsServer, SERVER_POLICY, random_token};

/// A stand-in for the chain: one-hour session credentials, new on each refresh.
struct StandIn;

impl ProvideCredentials for StandIn {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async {
            Ok(Provided::new(
                Credentials::new(
                    "ASIASIDECAREXAMPLE01",
                    "sidecar/example/secret",
                    Some("sidecar-example-token".into()),
                ),
                Some(time::OffsetDateTime::now_utc() + Duration::from_secs(3600)),
                "stand-in",
            ))
        })
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cache = CredentialsCache::builder(StandIn)
        .with_policy(SERVER_POLICY)
        .build();
    let token = random_token()?;
    let server = CredentialsServer::bind("127.0.0.1:0", cache, token.clone()).await?;
    println!("AWS_CONTAINER_CREDENTIALS_FULL_URI={}", server.url());
    println!(
        "AWS_CONTAINER_AUTHORIZATION_TOKEN=<{} characters>",
        token.expose_secret().len()
    );
    let addr = server.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.serve_until(async {
        let _ = stopped.await;
    }));

    // What an SDK does with those two variables: GET with the token.
    let answer = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
        let mut s = std::net::TcpStream::connect(addr)?;
        write!(
            s,
            "GET / HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {}\r\nConnection: close\r\n\r\n",
            token.expose_secret()
        )?;
        let mut answer = String::new();
        s.read_to_string(&mut answer)?;
        Ok(answer)
    })
    .await??;
    let status = answer.lines().next().unwrap_or_default();
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let json: serde_json::Value = serde_json::from_str(body)?;
    println!(
        "{status}: AccessKeyId {}, Expiration {}",
        json["AccessKeyId"], json["Expiration"]
    );
    assert!(status.contains("200"));

    let _ = stop.send(());
    serving.await??;
    Ok(())
}
