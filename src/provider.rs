//! The layer that calls STS: owns a [`Transport`] and a [`Clock`], signs each attempt
//! with a fresh time, retries what is worth retrying within a deadline, corrects clock
//! skew, and rejects credentials that are already expired.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use time::OffsetDateTime;

use crate::credentials::Credentials;
use crate::error::{CLOCK_SKEW_CODES, Error, InputError, TransportError, TransportErrorKind};
use crate::http::{Request, Response};
use crate::sigv4::{self, SigningOutput, SigningParams};
use crate::sts::{
    self, AssumeRole, AssumeRoleOutput, CallerIdentity, Endpoint, GetCallerIdentity, ParseFn,
};
use crate::transport::{ReqwestTransport, Transport};

/// Where the time comes from. The only place stskit reads a clock.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> OffsetDateTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

impl<F: Fn() -> OffsetDateTime + Send + Sync> Clock for F {
    fn now(&self) -> OffsetDateTime {
        self()
    }
}

/// Retry, timeout and skew settings. Defaults: 3 attempts, 10 s per attempt, 30 s in
/// all, full-jitter backoff from 1 s capped at 20 s, skew corrected past 4 minutes.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ClientConfig {
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: u32,
    /// Longest time for one attempt (also enforced around custom transports).
    pub attempt_timeout: Duration,
    /// Longest time for the whole call, retries and backoff included.
    pub deadline: Duration,
    /// Backoff base: the n-th retry waits a random time up to `base * 2^(n-1)`.
    pub backoff_base: Duration,
    /// Backoff cap.
    pub backoff_cap: Duration,
    /// A server `Date` this far from the local clock on a skew error triggers one
    /// re-signed attempt at the server's time.
    pub skew_threshold: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            max_attempts: 3,
            attempt_timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(30),
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(20),
            skew_threshold: Duration::from_secs(240),
        }
    }
}

impl ClientConfig {
    /// Sets the number of attempts (at least 1).
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }
    /// Sets the per-attempt timeout.
    pub fn with_attempt_timeout(mut self, t: Duration) -> Self {
        self.attempt_timeout = t;
        self
    }
    /// Sets the overall deadline.
    pub fn with_deadline(mut self, t: Duration) -> Self {
        self.deadline = t;
        self
    }
    /// Sets the backoff base and cap.
    pub fn with_backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.backoff_base = base;
        self.backoff_cap = cap;
        self
    }
}

type Jitter = Arc<dyn Fn(Duration) -> Duration + Send + Sync>;
type Observer = Arc<dyn Fn(&SigningOutput) + Send + Sync>;

/// Calls STS: `AssumeRole` and `GetCallerIdentity` from source credentials.
///
/// Generic over the [`Transport`] and the [`Clock`] so tests replay recorded answers
/// at a fixed time with no network.
pub struct StsClient<T = ReqwestTransport, C = SystemClock> {
    transport: T,
    clock: C,
    endpoint: Endpoint,
    config: ClientConfig,
    jitter: Jitter,
    observer: Option<Observer>,
    skew_seconds: AtomicI64,
}

impl<T, C> std::fmt::Debug for StsClient<T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StsClient")
            .field("endpoint", &self.endpoint)
            .field("config", &self.config)
            .field("skew_seconds", &self.skew_seconds.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl StsClient<ReqwestTransport, SystemClock> {
    /// A client for `endpoint` over reqwest, with default limits and the system clock.
    pub fn new(endpoint: Endpoint) -> Self {
        StsClient::with_transport(endpoint, ReqwestTransport::default(), SystemClock)
    }
}

fn default_jitter() -> Jitter {
    let seed = AtomicU64::new((OffsetDateTime::now_utc().unix_timestamp_nanos() as u64) | 1);
    Arc::new(move |max: Duration| {
        // xorshift64*: plenty for spreading retries, and no dependency.
        let mut x = seed.load(Ordering::Relaxed);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        seed.store(x, Ordering::Relaxed);
        let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        let max_ns = max.as_nanos().min(u128::from(u64::MAX)) as u64;
        Duration::from_nanos(if max_ns == 0 { 0 } else { r % (max_ns + 1) })
    })
}

impl<T: Transport, C: Clock> StsClient<T, C> {
    /// A client over any transport and clock.
    pub fn with_transport(endpoint: Endpoint, transport: T, clock: C) -> Self {
        StsClient {
            transport,
            clock,
            endpoint,
            config: ClientConfig::default(),
            jitter: default_jitter(),
            observer: None,
            skew_seconds: AtomicI64::new(0),
        }
    }

    /// Replaces the retry and timeout settings.
    pub fn with_config(mut self, config: ClientConfig) -> Self {
        self.config = config;
        self
    }

    /// Replaces the backoff randomness: given the largest allowed wait, return the
    /// wait. Tests pass `|max| max` or `|_| Duration::ZERO`.
    pub fn with_jitter(
        mut self,
        jitter: impl Fn(Duration) -> Duration + Send + Sync + 'static,
    ) -> Self {
        self.jitter = Arc::new(jitter);
        self
    }

    /// Calls `observer` with each signing's canonical request and string to sign
    /// (their `Display` is redacted), for `--debug` style tracing.
    pub fn with_signing_observer(
        mut self,
        observer: impl Fn(&SigningOutput) + Send + Sync + 'static,
    ) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The clock offset learned from a skew correction, in seconds (server - local).
    pub fn clock_skew_seconds(&self) -> i64 {
        self.skew_seconds.load(Ordering::Relaxed)
    }

    fn now(&self) -> OffsetDateTime {
        let local = self.clock.now();
        local
            .checked_add(time::Duration::seconds(self.clock_skew_seconds()))
            .unwrap_or(local)
    }

    /// Assumes a role with `source` credentials.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before any IO when a parameter breaks an STS rule
    /// (including a duration over one hour with temporary source credentials); any
    /// other [`Error`] variant from the call; [`Error::ExpiredCredentials`] when STS
    /// returns credentials that are already expired.
    pub async fn assume_role(
        &self,
        source: &Credentials,
        request: &AssumeRole,
    ) -> Result<AssumeRoleOutput, Error> {
        let unsigned = request.to_request(&self.endpoint, source.is_temporary())?;
        let out = self.call(source, unsigned, sts::parse_assume_role).await?;
        if out.credentials.expiration() <= self.now() {
            return Err(Error::ExpiredCredentials);
        }
        Ok(out)
    }

    /// Asks who `source` belongs to.
    ///
    /// # Errors
    /// Any [`Error`] variant from the call.
    pub async fn get_caller_identity(&self, source: &Credentials) -> Result<CallerIdentity, Error> {
        let unsigned = GetCallerIdentity.to_request(&self.endpoint);
        self.call(source, unsigned, sts::parse_caller_identity)
            .await
    }

    /// Signs and sends `unsigned` (a Query API POST built for this endpoint), with the
    /// retry, deadline and skew rules, and parses the answer with `parse`.
    ///
    /// # Errors
    /// Any [`Error`] variant.
    pub async fn call<O>(
        &self,
        source: &Credentials,
        unsigned: Request,
        parse: ParseFn<O>,
    ) -> Result<O, Error> {
        self.call_service(source, unsigned, sts::SERVICE, parse)
            .await
    }

    /// As [`StsClient::call`], signed for another Query API service on the same
    /// endpoint (such as `iam` on an emulator).
    ///
    /// # Errors
    /// Any [`Error`] variant.
    pub async fn call_service<O>(
        &self,
        source: &Credentials,
        unsigned: Request,
        service: &str,
        parse: ParseFn<O>,
    ) -> Result<O, Error> {
        let start = tokio::time::Instant::now();
        let deadline = start + self.config.deadline;
        let mut attempt = 0u32;
        let mut skew_corrected = false;
        loop {
            attempt += 1;
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Err(TransportError::new(TransportErrorKind::DeadlineExceeded).into());
            }
            let mut request = unsigned.clone();
            let params = SigningParams::new(self.endpoint.signing_region(), service, self.now());
            let signed = sigv4::sign(&mut request, source, &params)
                .map_err(|e| Error::InvalidInput(InputError::Signing(e)))?;
            // Every header is checked as the wire will take it before any IO, so a value
            // that cannot be sent is the caller's error here, not a transport failure.
            request.check_sendable()?;
            if let Some(observe) = &self.observer {
                observe(&signed);
            }
            drop(signed);
            let budget = self.config.attempt_timeout.min(deadline - now);
            let result = match tokio::time::timeout(budget, self.transport.send(request)).await {
                Ok(Ok(response)) => self.interpret(&response, parse, &mut skew_corrected),
                Ok(Err(e)) => Err(Attempt::Failed(e.into())),
                Err(_) if budget < self.config.attempt_timeout => Err(Attempt::Failed(
                    TransportError::new(TransportErrorKind::DeadlineExceeded).into(),
                )),
                Err(_) => Err(Attempt::Failed(
                    TransportError::new(TransportErrorKind::Timeout).into(),
                )),
            };
            let error = match result {
                Ok(out) => return Ok(out),
                Err(Attempt::SkewCorrected) => {
                    // One extra attempt at the corrected time; it does not count.
                    attempt -= 1;
                    continue;
                }
                Err(Attempt::Failed(e)) => e,
            };
            if !error.is_retryable() || attempt >= self.config.max_attempts {
                return Err(error);
            }
            let exp = self
                .config
                .backoff_base
                .saturating_mul(1u32 << (attempt - 1).min(20))
                .min(self.config.backoff_cap);
            let wait = (self.jitter)(exp).min(exp);
            if tokio::time::Instant::now() + wait >= deadline {
                return Err(error);
            }
            tokio::time::sleep(wait).await;
        }
    }

    fn interpret<O>(
        &self,
        response: &Response,
        parse: ParseFn<O>,
        skew_corrected: &mut bool,
    ) -> Result<O, Attempt> {
        match parse(response.status(), response.headers(), response.body()) {
            Ok(out) => Ok(out),
            Err(Error::Service(e))
                if !*skew_corrected && CLOCK_SKEW_CODES.contains(&e.code.as_str()) =>
            {
                let server = response.header("date").and_then(parse_http_date);
                let local = self.now();
                match server {
                    Some(server)
                        if (server - local).unsigned_abs() > self.config.skew_threshold =>
                    {
                        *skew_corrected = true;
                        let offset = (server - self.clock.now()).whole_seconds();
                        self.skew_seconds.store(offset, Ordering::Relaxed);
                        Err(Attempt::SkewCorrected)
                    }
                    _ => Err(Attempt::Failed(Error::Service(e))),
                }
            }
            Err(e) => Err(Attempt::Failed(e)),
        }
    }
}

enum Attempt {
    SkewCorrected,
    Failed(Error),
}

pub use crate::date::{format_http_date, parse_http_date};

/// Reads an environment variable. Unset and empty are `None`; a value that is set but
/// is not valid UTF-8 is an error naming the variable, never "unset" (a token that
/// silently disappears would sign without it, an endpoint would fall back to AWS).
///
/// # Errors
/// [`InputError::Invalid`] naming the variable when its value is not valid UTF-8.
pub fn env_var(name: &'static str) -> Result<Option<String>, InputError> {
    match std::env::var_os(name) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) => v.into_string().map(Some).map_err(|_| InputError::Invalid {
            field: name,
            rule: "is set but is not valid UTF-8",
        }),
    }
}

/// Source credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and the
/// optional `AWS_SESSION_TOKEN`.
///
/// The key id and the token become header values, so they must be visible ASCII (no
/// space, control character or line break): checked here, before any IO.
///
/// # Errors
/// [`InputError::Invalid`] naming the variable that is missing, empty, not valid UTF-8,
/// or (key id and token) not visible ASCII.
pub fn credentials_from_env() -> Result<Credentials, InputError> {
    let visible = |name: &'static str, v: Option<String>| match v {
        Some(v) if !v.bytes().all(|b| b.is_ascii_graphic()) => Err(InputError::Invalid {
            field: name,
            rule: "must be visible ASCII (no space, control character or line break)",
        }),
        v => Ok(v),
    };
    let id = visible("AWS_ACCESS_KEY_ID", env_var("AWS_ACCESS_KEY_ID")?)?;
    let secret = env_var("AWS_SECRET_ACCESS_KEY")?;
    let token = visible("AWS_SESSION_TOKEN", env_var("AWS_SESSION_TOKEN")?)?;
    let id = id.ok_or(InputError::Invalid {
        field: "AWS_ACCESS_KEY_ID",
        rule: "must be set in the environment",
    })?;
    let secret = secret.ok_or(InputError::Invalid {
        field: "AWS_SECRET_ACCESS_KEY",
        rule: "must be set in the environment",
    })?;
    Ok(Credentials::new(id, secret, token))
}

/// The proxy variables reqwest reads, checked so that an unreadable one is an error
/// rather than "no proxy".
const PROXY_VARS: [&str; 8] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// Transport settings from the environment: `AWS_CA_BUNDLE`, a PEM file of extra
/// trusted roots, as the AWS CLI and SDKs read it. The proxy variables
/// (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, in either case) are read by
/// the transport itself; here they are checked to be valid UTF-8.
///
/// # Errors
/// [`InputError::Invalid`] naming `AWS_CA_BUNDLE` when the file is not a regular file,
/// cannot be read or holds no certificate; naming a proxy variable that is set but not
/// valid UTF-8.
pub fn transport_config_from_env() -> Result<crate::transport::TransportConfig, InputError> {
    for name in PROXY_VARS {
        env_var(name)?;
    }
    let config = crate::transport::TransportConfig::default();
    match std::env::var_os("AWS_CA_BUNDLE").filter(|v| !v.is_empty()) {
        None => Ok(config),
        Some(path) => {
            let pem = read_regular_file(std::path::Path::new(&path), 4 << 20).map_err(|_| {
                InputError::Invalid {
                    field: "AWS_CA_BUNDLE",
                    rule: "must name a readable regular PEM file of at most 4 MiB",
                }
            })?;
            config.with_ca_bundle_pem(pem)
        }
    }
}

/// Reads a whole small file that must be a regular file: a FIFO, a device, a socket or
/// a directory is refused before it is read, so nothing can block the process waiting
/// for a writer or stream forever. At most `max` bytes.
///
/// # Errors
/// The `io::Error` of opening or reading; [`std::io::ErrorKind::InvalidInput`] for a file
/// that is not a regular file, [`std::io::ErrorKind::FileTooLarge`] for one larger than
/// `max`.
pub fn read_regular_file(path: &std::path::Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read};
    let not_regular = || Error::new(ErrorKind::InvalidInput, "not a regular file");
    // Checked before opening, because opening a FIFO blocks until a writer comes; and
    // again on the opened file, in case the path changed in between.
    if !std::fs::metadata(path)?.is_file() {
        return Err(not_regular());
    }
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    let mut data = Vec::new();
    file.take(max.saturating_add(1)).read_to_end(&mut data)?;
    if data.len() as u64 > max {
        return Err(Error::new(ErrorKind::FileTooLarge, "file too large"));
    }
    Ok(data)
}

/// Resolves the endpoint as the AWS tools do: `explicit`, else `AWS_ENDPOINT_URL_STS`,
/// else the regional (or global) endpoint; the region is `region`, else `AWS_REGION`,
/// else `AWS_DEFAULT_REGION`.
///
/// # Errors
/// As [`Endpoint::resolve`]; [`InputError::Invalid`] naming a variable that is set but
/// not valid UTF-8 (even one a flag overrides: it is a configuration error all the
/// same).
pub fn endpoint_from_env(
    explicit: Option<&str>,
    region: Option<&str>,
) -> Result<Endpoint, InputError> {
    let (env_region, default_region) = (env_var("AWS_REGION")?, env_var("AWS_DEFAULT_REGION")?);
    let env_url = env_var("AWS_ENDPOINT_URL_STS")?;
    let region = region.map(str::to_owned).or(env_region).or(default_region);
    let url = explicit.map(str::to_owned).or(env_url);
    Endpoint::resolve(url.as_deref(), region.as_deref())
}
