//! A loopback endpoint that serves a [`CredentialsCache`] by the container credentials
//! protocol (feature `server`): what `stskit serve` and `stskit exec --server` run, and
//! what a sidecar written in Rust can run in-process.
//!
//! Every AWS SDK already speaks the protocol: a process started with
//! `AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:PORT/` and
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN=TOKEN` (or `..._TOKEN_FILE=PATH`) fetches its
//! credentials from the server and refreshes them ahead of expiry by itself, so any
//! number of processes share one cache and one STS call per refresh.
//!
//! The rules, for any client:
//! - it listens only on loopback (`127.0.0.0/8`, `::1`, `localhost`);
//! - a request whose `Host` is not a loopback IP or `localhost` (any port) gets `403`:
//!   a web page that rebinds its DNS name to `127.0.0.1` never reads credentials;
//! - only `GET` (`405` otherwise), on any path;
//! - the `Authorization` header must equal the token (compared in constant time):
//!   `401` without it, `403` with another value, never a credential in the body;
//! - `200` with `{"AccessKeyId","SecretAccessKey","Token","Expiration"}`, as the ECS
//!   agent answers; the cache's failure as JSON `{"code","message"}` with `503` (no
//!   answer from the source: retry), `403` (the source said no) or `500` (settings);
//!   never expired credentials (`503` instead: give the cache [`SERVER_POLICY`]).
//!
//! The protocol has no form for long-term keys (clients require `Token` and
//! `Expiration`): serve a cache over [`crate::provider::SessionTokenProvider`] when the
//! source may give long-term keys.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use stskit::server::{CredentialsServer, random_token};
//!
//! let cache = stskit::Config::load()?.credentials();
//! let token = random_token()?;
//! let server = CredentialsServer::bind("127.0.0.1:0", cache, token).await?;
//! println!("AWS_CONTAINER_CREDENTIALS_FULL_URI={}", server.url());
//! server.serve_until(async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```

mod respond;

use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::cache::{CredentialsCache, RefreshPolicy};

/// At most this many connections are served at once; more wait in the listen queue.
/// Each costs a few KiB of buffers, so the cap bounds the server's memory.
pub const MAX_CONNECTIONS: usize = 4096;

/// A request head must arrive within this time (slow clients cannot hold a
/// connection), and an idle keep-alive connection is closed after it.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// The refresh policy `stskit serve` gives its cache: the default windows, a backoff
/// that ends by the credentials' expiry while they are valid and lasts at most 30 s
/// once they have expired. One cache serves every process on a host, so after an
/// outage it should try again soon (at most twice a minute, whatever the number of
/// clients), and it never hands out expired credentials: a request that would get
/// them gets `503` instead.
pub const SERVER_POLICY: RefreshPolicy = RefreshPolicy::new()
    .with_backoff_capped_at_expiry()
    .with_backoff_after_expiry(Duration::from_secs(30));

/// The longest token accepted (bytes).
pub const MAX_TOKEN_LEN: usize = 4096;

/// Why a server could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum ServerError {
    /// The address is not loopback, or not `HOST:PORT` (nothing was bound).
    Address(String),
    /// The token is empty, too long, or holds anything but visible ASCII.
    Token(&'static str),
    /// The socket could not be bound.
    Bind(std::io::Error),
    /// The system's random source failed (no token could be made).
    Random,
}

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServerError::Address(why) => write!(f, "cannot listen there: {why}"),
            ServerError::Token(why) => write!(f, "unusable token: {why}"),
            ServerError::Bind(e) => write!(f, "cannot bind: {e}"),
            ServerError::Random => f.write_str("the system's random source failed"),
        }
    }
}

impl std::error::Error for ServerError {}

/// Reads a listen address: `HOST:PORT` or `HOST` (a free port), where `HOST` is a
/// loopback IPv4 address (`127.0.0.0/8`), `[::1]` (or `::1`) or `localhost`
/// (`127.0.0.1`, never looked up). Port `0` asks for a free port.
///
/// # Errors
/// [`ServerError::Address`] for anything else, before any socket exists.
pub fn parse_listen(addr: &str) -> Result<SocketAddr, ServerError> {
    let refuse = |why: &str| {
        ServerError::Address(format!(
            "{why} (loopback only: 127.0.0.0/8, [::1], localhost)"
        ))
    };
    let (host, port) = match addr.strip_prefix('[') {
        Some(rest) => {
            let (host, after) = rest.split_once(']').ok_or_else(|| refuse("bad address"))?;
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':').ok_or_else(|| refuse("bad address"))?),
            };
            (host, port)
        }
        None if addr.matches(':').count() > 1 => (addr, None),
        None => match addr.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (addr, None),
        },
    };
    let port = match port {
        None => 0,
        Some(p) if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
            p.parse::<u16>().map_err(|_| refuse("bad port"))?
        }
        Some(_) => return Err(refuse("bad port")),
    };
    let ip: IpAddr = if host.eq_ignore_ascii_case("localhost") {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        host.parse()
            .map_err(|_| refuse("not an IP address or localhost"))?
    };
    if !ip.is_loopback() {
        return Err(refuse("not a loopback address"));
    }
    Ok(SocketAddr::new(ip, port))
}

/// Checks a token as clients send it: 1 to [`MAX_TOKEN_LEN`] bytes of visible ASCII
/// (an SDK refuses CR and LF in it; a space would be trimmed by some HTTP stacks).
///
/// # Errors
/// [`ServerError::Token`] saying which rule it breaks (never the token).
pub fn check_token(token: &str) -> Result<(), ServerError> {
    if token.is_empty() {
        return Err(ServerError::Token("empty"));
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(ServerError::Token("longer than 4096 bytes"));
    }
    if token.bytes().any(|b| b == b'\r' || b == b'\n') {
        return Err(ServerError::Token("holds a line break (CR or LF)"));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ServerError::Token(
            "holds something other than visible ASCII",
        ));
    }
    Ok(())
}

/// A fresh random token: 32 bytes (256 bits) from the operating system's random
/// source, as 64 hex digits.
///
/// # Errors
/// [`ServerError::Random`] when the random source fails.
pub fn random_token() -> Result<SecretString, ServerError> {
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    getrandom::getrandom(&mut bytes[..]).map_err(|_| ServerError::Random)?;
    Ok(SecretString::from(crate::text::hex(&bytes[..])))
}

/// What the request handler needs: the cache and the token's digest.
struct State {
    cache: CredentialsCache,
    /// SHA-256 of the token: requests are compared digest to digest, in constant time
    /// and whatever their length.
    token_digest: [u8; 32],
}

/// The credentials server, bound and ready to serve.
pub struct CredentialsServer {
    listener: TcpListener,
    state: Arc<State>,
}

impl std::fmt::Debug for CredentialsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialsServer")
            .field("local_addr", &self.listener.local_addr().ok())
            .finish_non_exhaustive()
    }
}

impl CredentialsServer {
    /// Binds `addr` ([`parse_listen`]: loopback only) for `cache`, answering requests
    /// whose `Authorization` is `token` ([`check_token`]). Nothing is resolved until
    /// the first request.
    ///
    /// # Errors
    /// [`ServerError::Address`] or [`ServerError::Token`] before anything is bound,
    /// [`ServerError::Bind`] when the socket cannot be bound.
    pub async fn bind(
        addr: &str,
        cache: CredentialsCache,
        token: SecretString,
    ) -> Result<CredentialsServer, ServerError> {
        let addr = parse_listen(addr)?;
        check_token(token.expose_secret())?;
        let listener = TcpListener::bind(addr).await.map_err(ServerError::Bind)?;
        Ok(CredentialsServer::from_listener(listener, cache, &token))
    }

    fn from_listener(listener: TcpListener, cache: CredentialsCache, token: &SecretString) -> Self {
        let token_digest = Sha256::digest(token.expose_secret().as_bytes()).into();
        CredentialsServer {
            listener,
            state: Arc::new(State {
                cache,
                token_digest,
            }),
        }
    }

    /// The address bound (with the port chosen for port `0`).
    ///
    /// # Errors
    /// The socket's error, if it has none.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The URL clients are given as `AWS_CONTAINER_CREDENTIALS_FULL_URI`:
    /// `http://127.0.0.1:PORT/` (`http://[::1]:PORT/` on IPv6).
    pub fn url(&self) -> String {
        match self.listener.local_addr() {
            Ok(SocketAddr::V4(a)) => format!("http://{}:{}/", a.ip(), a.port()),
            Ok(SocketAddr::V6(a)) => format!("http://[{}]:{}/", a.ip(), a.port()),
            Err(_) => String::from("http://127.0.0.1:0/"),
        }
    }

    /// Serves until `shutdown` completes, then stops accepting and closes every
    /// connection. At most [`MAX_CONNECTIONS`] connections are open at once; HTTP/1.1
    /// keep-alive; each request head within [`HEADER_TIMEOUT`].
    ///
    /// # Errors
    /// Never for a client's misbehaviour (that closes its connection); only if the
    /// listening socket itself fails.
    pub async fn serve_until(self, shutdown: impl Future<Output = ()>) -> std::io::Result<()> {
        let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
        let mut connections = JoinSet::new();
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            // A slot first, so a flood of connections waits in the kernel's queue.
            let permit = match unless(&mut shutdown, slots.clone().acquire_owned()).await {
                Some(Ok(p)) => p,
                Some(Err(_)) | None => break,
            };
            let stream = match unless(&mut shutdown, self.listener.accept()).await {
                None => break,
                Some(Ok((stream, _))) => stream,
                // A connection that failed before it was accepted (reset, out of
                // descriptors for a moment): the next one may do.
                Some(Err(e)) if is_transient(&e) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
                Some(Err(e)) => return Err(e),
            };
            let _ = stream.set_nodelay(true);
            let state = self.state.clone();
            connections.spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let state = state.clone();
                    async move { Ok::<_, Infallible>(respond::respond(&state, &request).await) }
                });
                let _ = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_TIMEOUT)
                    .max_buf_size(16 * 1024)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
                drop(permit);
            });
            // Reap what has finished, so the set does not grow with the server's age.
            while connections.try_join_next().is_some() {}
        }
        connections.shutdown().await;
        Ok(())
    }

    /// Serves until the process ends.
    ///
    /// # Errors
    /// As [`CredentialsServer::serve_until`].
    pub async fn serve(self) -> std::io::Result<()> {
        self.serve_until(std::future::pending()).await
    }
}

/// `work`'s output, or `None` as soon as `shutdown` completes (checked first).
async fn unless<S, F>(shutdown: &mut std::pin::Pin<&mut S>, work: F) -> Option<F::Output>
where
    S: Future<Output = ()>,
    F: Future,
{
    let mut work = std::pin::pin!(work);
    std::future::poll_fn(|cx| {
        if shutdown.as_mut().poll(cx).is_ready() {
            return std::task::Poll::Ready(None);
        }
        work.as_mut().poll(cx).map(Some)
    })
    .await
}

/// Errors of `accept` that concern one connection or a passing shortage.
fn is_transient(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | Interrupted | WouldBlock | OutOfMemory
    ) || e
        .raw_os_error()
        .is_some_and(|code| code == 23 || code == 24)
}

#[cfg(test)]
mod tests;
