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
        self.clock.now() + time::Duration::seconds(self.clock_skew_seconds())
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

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form servers send in
/// `Date`.
pub fn parse_http_date(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    let rest = s.split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let day: u8 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => time::Month::January,
        "Feb" => time::Month::February,
        "Mar" => time::Month::March,
        "Apr" => time::Month::April,
        "May" => time::Month::May,
        "Jun" => time::Month::June,
        "Jul" => time::Month::July,
        "Aug" => time::Month::August,
        "Sep" => time::Month::September,
        "Oct" => time::Month::October,
        "Nov" => time::Month::November,
        "Dec" => time::Month::December,
        _ => return None,
    };
    let year: i32 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':');
    let h: u8 = hms.next()?.parse().ok()?;
    let m: u8 = hms.next()?.parse().ok()?;
    let sec: u8 = hms.next()?.parse().ok()?;
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    let t = time::Time::from_hms(h, m, sec).ok()?;
    Some(date.with_time(t).assume_utc())
}

/// Formats an IMF-fixdate, as servers write `Date`.
pub fn format_http_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let wd = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        [t.weekday().number_days_from_monday() as usize];
    let mon = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][u8::from(t.month()) as usize - 1];
    format!(
        "{wd}, {:02} {mon} {:04} {:02}:{:02}:{:02} GMT",
        t.day(),
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Source credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and the
/// optional `AWS_SESSION_TOKEN`.
///
/// # Errors
/// [`InputError::Invalid`] naming the missing or empty variable.
pub fn credentials_from_env() -> Result<Credentials, InputError> {
    let var = |name: &'static str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let id = var("AWS_ACCESS_KEY_ID").ok_or(InputError::Invalid {
        field: "AWS_ACCESS_KEY_ID",
        rule: "must be set in the environment",
    })?;
    let secret = var("AWS_SECRET_ACCESS_KEY").ok_or(InputError::Invalid {
        field: "AWS_SECRET_ACCESS_KEY",
        rule: "must be set in the environment",
    })?;
    Ok(Credentials::new(id, secret, var("AWS_SESSION_TOKEN")))
}

/// Transport settings from the environment: `AWS_CA_BUNDLE`, a PEM file of extra
/// trusted roots, as the AWS CLI and SDKs read it.
///
/// # Errors
/// [`InputError::Invalid`] naming `AWS_CA_BUNDLE` when the file cannot be read or holds
/// no certificate.
pub fn transport_config_from_env() -> Result<crate::transport::TransportConfig, InputError> {
    let config = crate::transport::TransportConfig::default();
    match std::env::var_os("AWS_CA_BUNDLE").filter(|v| !v.is_empty()) {
        None => Ok(config),
        Some(path) => {
            use std::io::Read;
            let unreadable = InputError::Invalid {
                field: "AWS_CA_BUNDLE",
                rule: "must name a readable PEM file of at most 4 MiB",
            };
            let mut pem = Vec::new();
            std::fs::File::open(&path)
                .and_then(|f| f.take(4 << 20 | 1).read_to_end(&mut pem))
                .map_err(|_| unreadable.clone())?;
            if pem.len() > 4 << 20 {
                return Err(unreadable);
            }
            config.with_ca_bundle_pem(pem)
        }
    }
}

/// Resolves the endpoint as the AWS tools do: `explicit`, else `AWS_ENDPOINT_URL_STS`,
/// else the regional (or global) endpoint; the region is `region`, else `AWS_REGION`,
/// else `AWS_DEFAULT_REGION`.
///
/// # Errors
/// As [`Endpoint::resolve`].
pub fn endpoint_from_env(
    explicit: Option<&str>,
    region: Option<&str>,
) -> Result<Endpoint, InputError> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let region = region
        .map(str::to_owned)
        .or_else(|| var("AWS_REGION"))
        .or_else(|| var("AWS_DEFAULT_REGION"));
    let url = explicit
        .map(str::to_owned)
        .or_else(|| var("AWS_ENDPOINT_URL_STS"));
    Endpoint::resolve(url.as_deref(), region.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn http_dates_round_trip() {
        let t = datetime!(1994-11-06 08:49:37 UTC);
        assert_eq!(format_http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(t));
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 PST"), None);
        assert_eq!(parse_http_date("garbage"), None);
    }
}
