//! The layer that calls STS: owns a [`Transport`] and a [`Clock`], signs each attempt
//! with a fresh time, retries what is worth retrying within a deadline, corrects clock
//! skew, and rejects credentials that are already expired.

mod clock;
mod config;
pub(crate) mod error;
mod retry;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use time::OffsetDateTime;

#[cfg(feature = "cli")]
pub(crate) use clock::pin_system_clock;
pub use clock::{Clock, SystemClock};
pub use config::ClientConfig;
use retry::{Jitter, backoff_cap, default_jitter};

use self::error::{CLOCK_SKEW_CODES, CallError};
use crate::credentials::Credentials;
use crate::http::{Request, Response};
use crate::sigv4::{Signer, SigningOutput, SigningParams};
use crate::sts::input::InputError;
use crate::sts::response::failures::AnswerError;
use crate::sts::{
    self, AssumeRole, AssumeRoleOutput, CallerIdentity, Endpoint, GetCallerIdentity, Operation,
    ParseFn,
};
use crate::transport::{ReqwestTransport, Transport};
use crate::transport::{TransportError, TransportErrorKind};

type Observer = Arc<dyn Fn(&SigningOutput) + Send + Sync>;
type AttemptObserver = Arc<dyn Fn(&AttemptReport) + Send + Sync>;

/// What one attempt of a call came to, for `--debug` style reports: never a secret,
/// only the attempt's number, the status, the request id in its UUID form, the reason
/// of a failure in words safe to show, and the wait before the next attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AttemptReport {
    /// The attempt, from 1.
    pub attempt: u32,
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// The request id the answer named (UUID form only).
    pub request_id: Option<String>,
    /// Why the attempt failed (a known STS code, a status, a transport failure's kind),
    /// or `None` when it succeeded.
    pub failure: Option<String>,
    /// The wait before the next attempt, when there is one.
    pub retry_in: Option<Duration>,
}

impl std::fmt::Display for AttemptReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "attempt {}: ", self.attempt)?;
        match (&self.failure, self.status) {
            (None, Some(s)) => write!(f, "HTTP {s}")?,
            (None, None) => f.write_str("answered")?,
            (Some(why), _) => write!(f, "failed ({why})")?,
        }
        if let Some(id) = &self.request_id {
            write!(f, ", request id {id}")?;
        }
        match self.retry_in {
            Some(w) if self.failure.is_some() => {
                write!(f, "; retrying in {:.1} s", w.as_secs_f64())
            }
            _ if self.failure.is_some() => f.write_str("; giving up"),
            _ => Ok(()),
        }
    }
}

/// Credentials checked by [`StsClient::verify`]: whose they are, and how long STS took
/// to say.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The account id.
    pub account: String,
    /// The ARN of the principal (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`).
    pub arn: String,
    /// The user id (`AROA...:SESSION` for a role).
    pub user_id: String,
    /// The round trip, retries included.
    pub latency: Duration,
}

/// Calls STS: any [`Operation`], signed with source credentials or unsigned.
///
/// Generic over the [`Transport`] and the [`Clock`] so tests replay recorded answers
/// at a fixed time with no network.
///
/// The client is async and needs a **tokio runtime with timers** (`enable_time` or
/// `enable_all`) for its timeouts, backoff and deadline, whatever the transport:
/// polled outside one it returns [`CallError::NoRuntime`] instead of panicking. Without an
/// async runtime, use [`crate::blocking`] (it owns one) or the sans-IO
/// [`crate::sts::fetch()`] (a plain closure sends).
pub struct StsClient<T = ReqwestTransport, C = SystemClock> {
    transport: T,
    clock: C,
    endpoint: Endpoint,
    config: ClientConfig,
    jitter: Jitter,
    observer: Option<Observer>,
    attempt_observer: Option<AttemptObserver>,
    skew_seconds: AtomicI64,
    signer: Signer,
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
            attempt_observer: None,
            skew_seconds: AtomicI64::new(0),
            signer: Signer::new(),
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

    /// Calls `observer` with what each attempt came to: its status or the reason it
    /// failed, and whether another follows (see [`AttemptReport`]).
    pub fn with_attempt_observer(
        mut self,
        observer: impl Fn(&AttemptReport) + Send + Sync + 'static,
    ) -> Self {
        self.attempt_observer = Some(Arc::new(observer));
        self
    }

    fn report(
        &self,
        attempt: u32,
        answer: Option<(u16, Option<String>)>,
        failure: Option<&CallError>,
        retry_in: Option<Duration>,
    ) {
        if let Some(observe) = &self.attempt_observer {
            let (status, request_id) = match answer {
                Some((s, id)) => (Some(s), id),
                None => (None, None),
            };
            observe(&AttemptReport {
                attempt,
                status,
                request_id,
                failure: failure.map(CallError::trace_reason),
                retry_in,
            });
        }
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

    /// Sends any STS [`Operation`]: validates it before any IO, signs each attempt
    /// with `source` (or sends it unsigned when the operation is not signed), applies
    /// the retry, deadline and skew rules, parses the answer, and refuses credentials
    /// that are already expired when they arrive.
    ///
    /// # Errors
    /// [`CallError::InvalidInput`] before any IO when a parameter breaks an STS rule
    /// (including a duration over one hour with temporary source credentials) or a
    /// signed operation has no `source`; any other [`CallError`] variant from the call;
    /// [`CallError::ExpiredCredentials`] when STS returns credentials that are already
    /// expired.
    pub async fn send<O: Operation>(
        &self,
        source: Option<&Credentials>,
        operation: &O,
    ) -> Result<O::Output, CallError> {
        let (unsigned, source) = sts::fetch::prepare(operation, &self.endpoint, source)?;
        let call = self.attempts(source, unsigned, sts::SERVICE, O::parse);
        let out = crate::trace::call(call, O::ACTION, self.endpoint.host())
            .await
            .map_err(|mut e| {
                if let CallError::Service(s) = &mut e {
                    sts::fetch::redact_echo(s, operation.secret_values(), source);
                }
                e
            })?;
        if O::expiration(&out).is_some_and(|t| t <= self.now()) {
            return Err(CallError::ExpiredCredentials);
        }
        Ok(out)
    }

    /// Assumes a role with `source` credentials ([`StsClient::send`] of an
    /// [`AssumeRole`]).
    ///
    /// # Errors
    /// As [`StsClient::send`].
    pub async fn assume_role(
        &self,
        source: &Credentials,
        request: &AssumeRole,
    ) -> Result<AssumeRoleOutput, CallError> {
        self.send(Some(source), request).await
    }

    /// Asks who `source` belongs to.
    ///
    /// # Errors
    /// Any [`CallError`] variant from the call.
    pub async fn get_caller_identity(
        &self,
        source: &Credentials,
    ) -> Result<CallerIdentity, CallError> {
        self.send(Some(source), &GetCallerIdentity).await
    }

    /// Checks that `credentials` work before they are used: a `GetCallerIdentity`
    /// signed with them, with the account, ARN and user id it names and the round
    /// trip's latency (retries included).
    ///
    /// # Errors
    /// Any [`CallError`] variant from the call (`InvalidClientTokenId` and `ExpiredToken`
    /// come back as [`CallError::Service`]).
    pub async fn verify(&self, credentials: &Credentials) -> Result<Verified, CallError> {
        let started = std::time::Instant::now();
        let who = self.get_caller_identity(credentials).await?;
        Ok(Verified {
            account: who.account,
            arn: who.arn,
            user_id: who.user_id,
            latency: started.elapsed(),
        })
    }

    /// Signs and sends `unsigned` (a Query API POST built for this endpoint), with the
    /// retry, deadline and skew rules, and parses the answer with `parse`.
    ///
    /// # Errors
    /// Any [`CallError`] variant.
    pub async fn call<O: Send>(
        &self,
        source: &Credentials,
        unsigned: Request,
        parse: ParseFn<O>,
    ) -> Result<O, CallError> {
        self.call_service(source, unsigned, sts::SERVICE, parse)
            .await
    }

    /// As [`StsClient::call`], signed for another Query API service on the same
    /// endpoint (such as `iam` on an emulator).
    ///
    /// # Errors
    /// Any [`CallError`] variant.
    pub async fn call_service<O: Send>(
        &self,
        source: &Credentials,
        unsigned: Request,
        service: &str,
        parse: ParseFn<O>,
    ) -> Result<O, CallError> {
        self.attempts(Some(source), unsigned, service, parse).await
    }

    /// The attempt loop: each attempt signed afresh with `source` (unsigned without
    /// one), every header checked for the wire before any IO, retries within the
    /// deadline, one extra attempt after a skew correction.
    async fn attempts<O: Send>(
        &self,
        source: Option<&Credentials>,
        unsigned: Request,
        service: &str,
        parse: ParseFn<O>,
    ) -> Result<O, CallError> {
        // The loop is the same for every output type: one copy of it in the binary,
        // whatever the number of operations; only this adapter is per type.
        let mut out = None;
        let mut read = |status: u16, headers: &[(String, String)], body: &[u8]| {
            parse(status, headers, body).map(|o| out = Some(o))
        };
        self.attempt_loop(source, unsigned, service, &mut read)
            .await?;
        out.ok_or(CallError::Transport(TransportError::new(
            TransportErrorKind::Other,
        )))
    }

    async fn attempt_loop(
        &self,
        source: Option<&Credentials>,
        unsigned: Request,
        service: &str,
        parse: &mut ReadAnswer<'_>,
    ) -> Result<(), CallError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(CallError::NoRuntime);
        }
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
            if let Some(source) = source {
                let params =
                    SigningParams::new(self.endpoint.signing_region(), service, self.now());
                let signed = self
                    .signer
                    .sign(&mut request, source, &params)
                    .map_err(|e| CallError::InvalidInput(InputError::Signing(e)))?;
                if let Some(observe) = &self.observer {
                    observe(&signed);
                }
            }
            // Every header is checked as the wire will take it before any IO, so a value
            // that cannot be sent is the caller's error here, not a transport failure.
            request.check_sendable()?;
            let budget = self.config.attempt_timeout.min(deadline - now);
            let sent = crate::trace::attempt(
                tokio::time::timeout(budget, self.transport.send(request)),
                attempt,
            );
            let mut answer = None;
            let result = match sent.await {
                Ok(Ok(response)) => {
                    crate::trace::answered(
                        attempt,
                        response.status(),
                        response.header("x-amzn-requestid"),
                    );
                    answer = Some((
                        response.status(),
                        crate::trace::request_id(response.header("x-amzn-requestid"))
                            .map(str::to_owned),
                    ));
                    self.interpret(&response, parse, &mut skew_corrected)
                }
                Ok(Err(e)) => Err(Attempt::Failed(e.into())),
                Err(_) if budget < self.config.attempt_timeout => Err(Attempt::Failed(
                    TransportError::new(TransportErrorKind::DeadlineExceeded).into(),
                )),
                Err(_) => Err(Attempt::Failed(
                    TransportError::new(TransportErrorKind::Timeout).into(),
                )),
            };
            let error = match result {
                Ok(out) => {
                    self.report(attempt, answer, None, None);
                    return Ok(out);
                }
                Err(Attempt::SkewCorrected) => {
                    // One extra attempt at the corrected time; it does not count.
                    attempt -= 1;
                    continue;
                }
                Err(Attempt::Failed(e)) => e,
            };
            if !error.is_retryable() || attempt >= self.config.max_attempts {
                crate::trace::gave_up(attempt, || error.trace_reason());
                self.report(attempt, answer, Some(&error), None);
                return Err(error);
            }
            let exp = backoff_cap(attempt, self.config.backoff_base, self.config.backoff_cap);
            let wait = (self.jitter)(exp).min(exp);
            if tokio::time::Instant::now() + wait >= deadline {
                crate::trace::gave_up(attempt, || error.trace_reason());
                self.report(attempt, answer, Some(&error), None);
                return Err(error);
            }
            crate::trace::retrying(attempt, || error.trace_reason(), wait);
            self.report(attempt, answer, Some(&error), Some(wait));
            tokio::time::sleep(wait).await;
        }
    }

    fn interpret(
        &self,
        response: &Response,
        parse: &mut ReadAnswer<'_>,
        skew_corrected: &mut bool,
    ) -> Result<(), Attempt> {
        match parse(response.status(), response.headers(), response.body()) {
            Ok(out) => Ok(out),
            Err(AnswerError::Service(e))
                if !*skew_corrected && CLOCK_SKEW_CODES.contains(&e.code.as_str()) =>
            {
                let server = response
                    .header("date")
                    .and_then(crate::date::parse_http_date);
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
                    _ => Err(Attempt::Failed(CallError::Service(e))),
                }
            }
            Err(e) => Err(Attempt::Failed(e.into())),
        }
    }
}

/// An answer's parser that keeps what it read: the attempt loop's view of
/// [`ParseFn`], the same type for every operation.
type ReadAnswer<'a> =
    dyn FnMut(u16, &[(String, String)], &[u8]) -> Result<(), AnswerError> + Send + 'a;

enum Attempt {
    SkewCorrected,
    Failed(CallError),
}
