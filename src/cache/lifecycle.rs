//! One cached set of credentials through its life: the policy's decisions carried
//! out with a clock, a random source, a single flight and shared outcomes. Used by
//! [`super::CredentialsCache`] (one source) and [`super::RoleCache`] (one per role).

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use time::OffsetDateTime;

use super::hot::{Hot, Padded, SLOT};
use super::policy::{self, CacheView, Deadlines, Decision, RefreshPolicy};
use super::stats::CacheSnapshot;
use super::stats::{Counters, bump};
use crate::client::Clock;
use crate::provider::Provided;
use crate::provider::error::{CredentialsError, ProvideError};
use crate::random::Random;

/// A failure as the cache keeps it, to hand to every caller that shares it.
#[derive(Debug, Clone)]
pub(crate) enum Failure {
    NotConfigured(&'static str),
    Failed(Arc<CredentialsError>),
}

impl Failure {
    fn from_error(e: ProvideError) -> Self {
        match e {
            ProvideError::NotConfigured { provider } => Failure::NotConfigured(provider),
            ProvideError::Failed(CredentialsError::Shared(inner)) => Failure::Failed(inner),
            ProvideError::Failed(e) => Failure::Failed(Arc::new(e)),
        }
    }

    pub(crate) fn to_error(&self) -> ProvideError {
        match self {
            Failure::NotConfigured(provider) => ProvideError::NotConfigured { provider },
            Failure::Failed(e) => ProvideError::Failed(CredentialsError::Shared(e.clone())),
        }
    }

    fn is_non_recoverable(&self) -> bool {
        match self {
            Failure::NotConfigured(_) => false,
            Failure::Failed(e) => e.is_non_recoverable(),
        }
    }

    fn display(&self) -> String {
        self.to_error().to_string()
    }
}

/// What is cached now. Replaced whole (never changed in place), so a reader holds one
/// consistent snapshot.
#[derive(Debug, Clone, Default)]
struct State {
    provided: Option<Arc<Provided>>,
    deadlines: Option<Deadlines>,
    advisory: Option<Duration>,
    backoff_until: Option<OffsetDateTime>,
    error: Option<(Failure, OffsetDateTime)>,
    /// Counts finished fetches, so a caller that waited for one shares its outcome.
    generation: u64,
    /// The last fetch's failure (`None` after a success).
    last_failure: Option<Failure>,
}

impl State {
    fn view(&self) -> CacheView {
        CacheView {
            has_credentials: self.provided.is_some(),
            deadlines: self.deadlines,
            backoff_until: self.backoff_until,
            error_until: self.error.as_ref().map(|(_, until)| *until),
        }
    }
}

/// The shared settings of the caches' entries.
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) random: Arc<dyn Random>,
    pub(crate) policy: RefreshPolicy,
    pub(crate) fetch_timeout: Option<Duration>,
}

/// One cached set of credentials and its single flight.
#[derive(Debug)]
pub(crate) struct Lifecycle {
    state: RwLock<Arc<State>>,
    /// Replicas of the hot data, each with its own copy of the credentials (so the
    /// threads that read different replicas share no lock and no reference count).
    hot: Box<[Padded<RwLock<Hot>>]>,
    flight: tokio::sync::Mutex<()>,
    /// Set while a fetch runs, so advisory callers see it with a plain load (no write
    /// to a shared cache line) and go on with the cached credentials.
    in_flight: AtomicBool,
}

/// Clears [`Lifecycle::in_flight`] when the fetch ends, or is dropped mid-way.
struct InFlight<'a>(&'a AtomicBool);

impl<'a> InFlight<'a> {
    fn start(flag: &'a AtomicBool) -> Self {
        flag.store(true, Ordering::Release);
        InFlight(flag)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl Default for Lifecycle {
    fn default() -> Self {
        Lifecycle::new(1)
    }
}

impl Lifecycle {
    /// An empty entry whose hot path has `replicas` copies (at least one).
    pub(crate) fn new(replicas: usize) -> Self {
        Lifecycle {
            state: RwLock::default(),
            hot: (0..replicas.max(1)).map(|_| Padded::default()).collect(),
            flight: tokio::sync::Mutex::default(),
            in_flight: AtomicBool::default(),
        }
    }

    fn replica(&self) -> &RwLock<Hot> {
        let n = self.hot.len();
        let i = if n == 1 { 0 } else { SLOT.with(|s| *s % n) };
        &self.hot[i].0
    }

    /// Copies what the hot path needs from `s` to every replica.
    fn publish(&self, s: &State) {
        let (valid_until, advisory_until) = match (&s.provided, s.deadlines) {
            (None, _) => (i128::MIN, i128::MIN),
            (Some(_), None) => (i128::MAX, i128::MAX),
            (Some(_), Some(d)) => (
                d.refresh_at.unix_timestamp_nanos(),
                d.mandatory_at.unix_timestamp_nanos(),
            ),
        };
        for (i, slot) in self.hot.iter().enumerate() {
            let provided = match (&s.provided, i) {
                (Some(p), 0) => Some(p.clone()),
                (Some(p), _) => Some(Arc::new(Provided::clone(p))),
                (None, _) => None,
            };
            let mut h = match slot.0.write() {
                Ok(h) => h,
                Err(poisoned) => poisoned.into_inner(),
            };
            *h = Hot {
                valid_until,
                advisory_until,
                provided,
            };
        }
    }

    /// The cached credentials when the policy gives them at `now_nanos` (unix
    /// nanoseconds) without anything else to do: valid, or in the advisory window
    /// while a refresh is in flight. One read lock on this thread's replica, no IO,
    /// nothing that a refresh holds.
    pub(crate) fn valid_at(&self, now_nanos: i128) -> Option<Arc<Provided>> {
        let h = match self.replica().read() {
            Ok(h) => h,
            Err(poisoned) => poisoned.into_inner(),
        };
        if now_nanos < h.valid_until
            || (now_nanos < h.advisory_until && self.in_flight.load(Ordering::Acquire))
        {
            h.provided.clone()
        } else {
            None
        }
    }

    fn load(&self) -> Arc<State> {
        match self.state.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn store(&self, state: State) {
        let state = Arc::new(state);
        {
            let mut guard = match self.state.write() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            *guard = state.clone();
        }
        self.publish(&state);
    }

    /// Whether the entry holds nothing worth keeping at `now`: credentials that have
    /// expired, or nothing at all (a multi-role cache drops such entries first).
    pub(crate) fn is_dead(&self, now: OffsetDateTime) -> bool {
        if self.in_flight.load(Ordering::Acquire) || self.flight.try_lock().is_err() {
            return false; // a fetch is in flight, or about to be
        }
        let s = self.load();
        match (&s.provided, s.deadlines) {
            (None, _) => s.error.as_ref().is_none_or(|(_, until)| *until <= now),
            (Some(_), Some(d)) => d.expires_at <= now,
            (Some(_), None) => false,
        }
    }

    pub(crate) fn snapshot(&self) -> CacheSnapshot {
        let s = self.load();
        CacheSnapshot {
            access_key_id: s
                .provided
                .as_ref()
                .map(|p| p.credentials.access_key_id().to_owned()),
            expiration: s.provided.as_ref().and_then(|p| p.expiration),
            advisory_window: s.advisory,
            refresh_at: s.deadlines.map(|d| d.refresh_at),
            backoff_until: s.backoff_until,
            last_failure: s.last_failure.as_ref().map(Failure::display),
        }
    }

    /// Marks the cached credentials expired when their key is `rejected` (AWS refused
    /// a request signed with them); an active backoff stays.
    pub(crate) fn invalidate(&self, rejected: &str, now: OffsetDateTime) {
        let mut guard = match self.state.write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let matches = guard
            .provided
            .as_ref()
            .is_some_and(|p| p.credentials.access_key_id() == rejected);
        if matches {
            let mut next = State::clone(&guard);
            next.deadlines = Some(Deadlines::rejected(now));
            let next = Arc::new(next);
            *guard = next.clone();
            drop(guard);
            self.publish(&next);
        }
    }

    /// Drops everything: credentials, backoff, cached error.
    pub(crate) fn clear(&self) {
        let generation = self.load().generation;
        self.store(State {
            generation: generation + 1,
            ..State::default()
        });
    }

    /// Credentials for a caller, fetching with `fetch` when the policy says so.
    pub(crate) async fn get<F, Fut>(
        &self,
        settings: &Settings,
        counters: &Counters,
        fetch: F,
    ) -> Result<Arc<Provided>, Failure>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Provided, ProvideError>>,
    {
        let now = settings.clock.now();
        let s = self.load();
        let decision = policy::decide(now, &s.view());
        if let Some(answer) = without_fetch(decision, &s, now, counters) {
            return answer;
        }
        match decision {
            Decision::Valid | Decision::Backoff | Decision::CachedError => {}
            Decision::Advisory => {
                let busy = self.in_flight.load(Ordering::Acquire);
                let Some(guard) = (!busy).then(|| self.flight.try_lock().ok()).flatten() else {
                    return s.provided.clone().ok_or_else(nothing_cached);
                };
                return self
                    .refresh(guard, s.generation, settings, counters, fetch)
                    .await;
            }
            Decision::Mandatory | Decision::Fetch => {}
        }
        let seen = s.generation;
        drop(s);
        let guard = self.flight.lock().await;
        self.refresh(guard, seen, settings, counters, fetch).await
    }

    async fn refresh<F, Fut>(
        &self,
        _flight: tokio::sync::MutexGuard<'_, ()>,
        seen: u64,
        settings: &Settings,
        counters: &Counters,
        fetch: F,
    ) -> Result<Arc<Provided>, Failure>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Provided, ProvideError>>,
    {
        let s = self.load();
        let now = settings.clock.now();
        // A fetch finished while this caller waited: its outcome is this caller's (after
        // a `clear()` there is none, and the caller fetches).
        let outcome_known = s.last_failure.is_some() || s.provided.is_some();
        if s.generation != seen && outcome_known {
            return match (&s.last_failure, &s.provided) {
                (None, Some(p)) => Ok(p.clone()),
                (Some(f), Some(_)) if s.backoff_until.is_some_and(|u| now < u) => {
                    serve_stale(&s, now, counters, f.clone())
                }
                (Some(f), Some(p))
                    if !settings.policy.backs_off()
                        && !f.is_non_recoverable()
                        && s.deadlines.is_none_or(|d| now < d.expires_at) =>
                {
                    Ok(p.clone())
                }
                (Some(f), _) => Err(f.clone()),
                (None, None) => Err(nothing_cached()),
            };
        }
        // Nothing changed while waiting: ask the policy again (a cached error may be
        // live, or the credentials may be valid after an invalidation was undone).
        if let Some(answer) = without_fetch(policy::decide(now, &s.view()), &s, now, counters) {
            return answer;
        }

        bump(&counters.fetches);
        let flying = InFlight::start(&self.in_flight);
        let outcome = match settings.fetch_timeout {
            None => fetch().await,
            Some(limit) => match tokio::time::timeout(limit, fetch()).await {
                Ok(r) => r,
                Err(_) => Err(ProvideError::Failed(CredentialsError::FetchTimeout {
                    seconds: limit.as_secs(),
                })),
            },
        };
        drop(flying);
        let now = settings.clock.now();
        let outcome = outcome.map_err(Failure::from_error).and_then(|p| {
            if policy::is_stale(p.expiration, now) {
                Err(Failure::Failed(Arc::new(
                    CredentialsError::StaleCredentials { source: p.source },
                )))
            } else {
                Ok(p)
            }
        });
        let mut next = State::clone(&s);
        next.generation = s.generation + 1;
        match &outcome {
            Ok(p) => {
                crate::trace::refreshed("fresh", Some(p.credentials.access_key_id()), p.expiration)
            }
            Err(_) => crate::trace::refreshed("failed", None, None),
        }
        match outcome {
            Ok(p) => {
                let (deadlines, advisory) = match p.expiration {
                    None => (None, None),
                    Some(exp) => {
                        let lifetime = (exp - now).try_into().unwrap_or(Duration::ZERO);
                        let w = settings
                            .policy
                            .windows(lifetime, settings.random.next_u64());
                        (Some(Deadlines::new(exp, w)), Some(w.advisory))
                    }
                };
                let p = Arc::new(p);
                next.provided = Some(p.clone());
                next.deadlines = deadlines;
                next.advisory = advisory;
                next.backoff_until = None;
                next.error = None;
                next.last_failure = None;
                self.store(next);
                Ok(p)
            }
            Err(f) => {
                bump(&counters.failures);
                next.last_failure = Some(f.clone());
                if f.is_non_recoverable() {
                    let ttl = policy::error_ttl(settings.random.next_u64());
                    next.error = Some((f.clone(), policy::after(now, ttl)));
                    self.store(next);
                    Err(f)
                } else if s.provided.is_some() && !settings.policy.backs_off() {
                    let usable = s.deadlines.is_none_or(|d| now < d.expires_at);
                    self.store(next);
                    if usable {
                        bump(&counters.served_stale);
                        s.provided.clone().ok_or(f)
                    } else {
                        Err(f)
                    }
                } else if s.provided.is_some() {
                    let wait = policy::backoff(settings.random.next_u64());
                    crate::trace::backoff(wait.as_secs(), || f.to_error().trace_reason());
                    let expires = s.deadlines.map(|d| d.expires_at);
                    next.backoff_until = Some(settings.policy.backoff_until(now, wait, expires));
                    let served = serve_stale(&next, now, counters, f);
                    self.store(next);
                    served
                } else {
                    self.store(next);
                    Err(f)
                }
            }
        }
    }
}

/// The answer of a decision that needs no fetch (valid, backoff, cached error),
/// counted and traced the same way wherever the decision is taken; `None` when the
/// caller has to fetch or wait.
fn without_fetch(
    decision: Decision,
    s: &State,
    now: OffsetDateTime,
    counters: &Counters,
) -> Option<Result<Arc<Provided>, Failure>> {
    match decision {
        Decision::Valid => s.provided.clone().map(Ok),
        Decision::Backoff => {
            bump(&counters.rate_limited);
            Some(serve_stale(s, now, counters, nothing_cached()))
        }
        Decision::CachedError => {
            let (e, _) = s.error.as_ref()?;
            bump(&counters.cached_errors);
            crate::trace::cached_error();
            Some(Err(e.clone()))
        }
        Decision::Fetch | Decision::Advisory | Decision::Mandatory => None,
    }
}

/// The cached credentials handed out after a failure or during a backoff (counted).
/// Only called with credentials cached; without them the answer is the failure.
fn serve_stale(
    s: &State,
    now: OffsetDateTime,
    counters: &Counters,
    otherwise: Failure,
) -> Result<Arc<Provided>, Failure> {
    let p = s.provided.clone().ok_or(otherwise)?;
    bump(&counters.served_stale);
    let expired = s.deadlines.is_some_and(|d| d.expires_at <= now);
    if expired {
        bump(&counters.served_expired);
    }
    crate::trace::served_stale(expired);
    Ok(p)
}

/// The failure for a state the policy rules out (a decision that needs credentials
/// with none cached).
fn nothing_cached() -> Failure {
    Failure::NotConfigured("cache")
}
