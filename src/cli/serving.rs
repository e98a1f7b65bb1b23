//! What `stskit serve` and `stskit exec --server` share: the cache a credentials server
//! serves (the chain, long-term keys traded for a session, optionally a first answer
//! already in hand, a line on stderr per refresh), and the runtime it runs on.

use std::sync::Mutex;

use crate::cache::CredentialsCache;
use crate::provider::error::{CredentialsError, ProvideError};
use crate::provider::{ProvideCredentials, ProvideFuture, Provided, SessionTokenProvider};

use super::context::Context;
use super::failure::{Failure, say, terminal_safe};

/// The cache a server serves for `ctx`'s settings. `first` is an answer already
/// resolved (by `exec`, with the AWS CLI's cache), handed out before the chain is asked;
/// `log` prints a line on stderr for each refresh and each failure (`serve`).
pub(crate) fn server_cache(
    ctx: &Context,
    first: Option<Provided>,
    log: Option<&'static str>,
) -> CredentialsCache {
    let source = Seeded {
        first: Mutex::new(first),
        inner: ctx.chain(),
    };
    let temporary = match ctx.config().sts_client() {
        Ok(client) => SessionTokenProvider::new(source, client),
        Err(e) => SessionTokenProvider::without_client(source, no_client(e)),
    };
    let cache = match log {
        Some(who) => CredentialsCache::builder(Logged {
            inner: temporary,
            who,
        }),
        None => CredentialsCache::builder(temporary),
    };
    cache.with_policy(crate::server::SERVER_POLICY).build()
}

/// Why no STS client could be made, as the failure a `GetSessionToken` would give.
fn no_client(e: crate::Error) -> CredentialsError {
    match e {
        crate::Error::Call(error) => CredentialsError::Sts {
            profile: "(GetSessionToken for long-term keys)".into(),
            error,
        },
        crate::Error::Credentials(c) => c,
        _ => CredentialsError::Input(crate::error::InputError::Invalid {
            field: "STS endpoint",
            rule: "no STS client can be made for these settings",
        }),
    }
}

/// A source whose first answer is already known.
struct Seeded<P> {
    first: Mutex<Option<Provided>>,
    inner: P,
}

impl<P: ProvideCredentials> ProvideCredentials for Seeded<P> {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let first = self.first.lock().unwrap_or_else(|e| e.into_inner()).take();
        match first {
            Some(p) => Box::pin(async move { Ok(p) }),
            None => self.inner.provide_credentials(),
        }
    }
}

/// A source that says on stderr when it refreshed and when it failed (never a secret:
/// the source's name, the key id's first characters, the expiry, the error's text).
struct Logged<P> {
    inner: P,
    who: &'static str,
}

impl<P: ProvideCredentials> ProvideCredentials for Logged<P> {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let outcome = self.inner.provide_credentials().await;
            match &outcome {
                Ok(p) => say(&format!(
                    "stskit {}: credentials {} from {}, valid until {}",
                    self.who,
                    p.credentials.short_access_key_id(),
                    p.source,
                    p.expiration
                        .map_or("(no expiry)".into(), crate::date::format_rfc3339)
                )),
                Err(ProvideError::NotConfigured { provider }) => say(&format!(
                    "stskit {}: refresh failed: {provider} is not configured",
                    self.who
                )),
                Err(ProvideError::Failed(e)) => say(&format!(
                    "stskit {}: refresh failed: {}",
                    self.who,
                    terminal_safe(&e.to_string(), 400)
                )),
            }
            outcome
        })
    }
}

/// A runtime for a server: up to four worker threads, so a busy server uses the cores
/// it has and an idle one costs little.
pub(crate) fn server_runtime() -> Result<tokio::runtime::Runtime, Failure> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4));
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .map_err(|e| Failure::no_answer(format!("cannot start the async runtime: {e}")))
}
